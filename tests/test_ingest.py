"""Cleaning scraped pages: boilerplate out, each paragraph once, metadata found."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import SEEDS

from briefing.errors import InputError
from briefing.ingest import clean_page
from briefing.readers import load_articles, load_sidecar

SEED_000 = SEEDS / "000_966c19d44f95361a.txt"
SEED_004 = SEEDS / "004_7b4728ca1b4327a8.txt"


def test_seed_000_repeated_body_is_kept_once() -> None:
    raw = SEED_000.read_text("utf-8")
    first = "구광모 LG그룹 회장이 미국과 캐나다를 방문해"
    assert raw.count(first) == 2
    result = clean_page(raw)
    assert result.text.count(first) == 1
    assert len(result.paragraphs) == len(set(result.paragraphs)) == 14
    assert any("repeated" in n for n in result.notes)


def test_seed_000_footer_headlines_and_poll_are_gone() -> None:
    text = clean_page(SEED_000.read_text("utf-8")).text
    for junk in [
        "Copyright",
        "무단전재",
        "어떻게 생각하시나요",
        "오타니",
        "클린스만",
        "해당 언론사로 이동",
        "k2young@",
    ]:
        assert junk not in text, junk


def test_seed_000_metadata() -> None:
    meta = clean_page(SEED_000.read_text("utf-8")).meta
    assert meta.title == '미래사업 점검 글로벌행보 구광모 "작은 씨앗에서 미래 거목으로 성장"'
    assert meta.outlet == "Ilgan Sports" and meta.outlet_ko == "일간스포츠"
    assert meta.byline == "김두용"
    assert meta.published == dt.date(2023, 8, 24)
    assert meta.published_time == dt.time(15, 55)
    assert meta.published_from == "page"
    assert meta.subtitles == ["미국과 캐나다 방문하며 LG화학의 아베오, LG전자 AI 랩 등 찾아"]


def test_seed_004_menus_widgets_and_captions_are_gone() -> None:
    result = clean_page(SEED_004.read_text("utf-8"))
    text = result.text
    for junk in [
        "로그인",
        "회원가입",
        "증권",
        "산업>재계",
        "트위터 페이스북",
        "/LG전자",
        "이야기를 나누고 있다",
    ]:
        assert junk not in text, junk
    assert text.startswith("조주완 LG전자 최고경영자(CEO)가")
    assert text.endswith("비공개 초청 행사로 진행된다.")
    assert result.meta.title == "조주완 LG전자 사장, 美출장…'AI 인재확보' 광폭 행보"
    assert result.meta.outlet == "Metro Seoul"
    assert result.meta.published is None  # the page states no date


def test_sidecar_supplies_the_date_of_seed_004() -> None:
    (article,), _ = load_articles([SEED_004])
    assert article.meta.published == dt.date(2024, 5, 12)
    assert article.meta.published_from == "sidecar"


def test_published_flag_overrides_page_and_sidecar() -> None:
    (article,), _ = load_articles([SEED_000], published=dt.date(2023, 9, 1))
    assert article.meta.published == dt.date(2023, 9, 1)
    assert article.meta.published_from == "flag"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"published": "24 August"}), "bad metadata value"),
        (json.dumps({"publisher": "x"}), "unknown sidecar keys"),
        (json.dumps([1, 2]), "must be a JSON object"),
    ],
)
def test_bad_sidecar_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SEED_000.read_text("utf-8"), "utf-8")
    (tmp_path / "a.meta.json").write_text(content, "utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_sidecar(article)
    assert "a.meta.json" in str(err.value)


def test_one_bad_file_does_not_sink_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SEED_000.read_text("utf-8"), "utf-8")
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "copy.txt").write_text(SEED_000.read_text("utf-8"), "utf-8")
    articles, errors = load_articles([tmp_path, tmp_path / "missing.txt"])
    assert [a.id for a in articles] == ["copy"]  # sorted: copy.txt before good.txt
    reasons = {Path(e.path).name: e.reason for e in errors}
    assert "no article body" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "no article body" in reasons["latin1.txt"]  # decoded as a legacy encoding: no Korean body
    assert "same body" in reasons["good.txt"]
    assert "no such file" in reasons["missing.txt"]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_000.read_bytes())
    articles, errors = load_articles([path])
    assert errors == [] and articles[0].meta.title is not None
    assert not articles[0].meta.title.startswith("\ufeff")


def test_same_file_name_in_two_folders_gets_two_ids(tmp_path: Path) -> None:
    for folder, seed in (("a", SEED_000), ("b", SEED_004)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "news.txt").write_text(seed.read_text("utf-8"), "utf-8")
    (tmp_path / "recs.jsonl").write_text(
        json.dumps({"id": "../../escape", "text": "구광모 회장이 방문했다. " * 5}), "utf-8"
    )
    articles, errors = load_articles([tmp_path])
    assert errors == []
    assert sorted(a.id for a in articles) == ["_.._escape", "news", "news-2"]  # no path separators
