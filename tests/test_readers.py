"""HTML pages (one CP949) give the same cleaned text as their plain-text twins."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS

from briefing.readers import load_articles

HTML = Path(__file__).parent / "fixtures" / "html"


@pytest.mark.parametrize(
    ("page", "seed"),
    [
        ("000_966c19d44f95361a.html", "000_966c19d44f95361a.txt"),
        ("004_7b4728ca1b4327a8.cp949.html", "004_7b4728ca1b4327a8.txt"),
    ],
)
def test_html_twin_cleans_to_the_same_text(page: str, seed: str) -> None:
    (html,), errors = load_articles([HTML / page])
    (text,), _ = load_articles([SEEDS / seed])
    assert errors == []
    assert html.body_only().text == text.body_only().text  # sub-headlines and captions: page only
    assert html.meta.title == text.meta.title
    assert html.meta.outlet == text.meta.outlet
    assert html.meta.published == text.meta.published
    assert html.meta.url and html.meta.url.startswith("https://")
    for junk in (
        "googletag",
        "dataLayer",
        "관련 기사",
        "오타니",
        "회사소개",
        "로그인",
        "이야기를 나누고 있다",
    ):
        assert junk not in html.text


def test_the_cp949_page_really_is_cp949() -> None:
    raw = (HTML / "004_7b4728ca1b4327a8.cp949.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "조주완" in raw.decode("cp949")


def test_jsonl_records_become_articles() -> None:
    reports = Path(__file__).parent / "fixtures" / "weekly" / "reports.jsonl"
    articles, errors = load_articles([reports])
    assert errors == [] and [a.id for a in articles][:2] == ["yna-berlin", "etnews-berlin"]
    assert articles[0].meta.outlet == "Yonhap News Agency" and str(articles[0].meta.published) == "2024-09-06"
