"""Quote verification and date resolution are code: tested as code."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SEEDS

from briefing.dates import MONTH_NOTE, resolve_date
from briefing.readers import load_articles
from briefing.verify import find_quote

SEED_TEXT = {a.id[:3]: a.text for a in load_articles([SEEDS])[0]}
P000 = dt.date(2023, 8, 24)
P004 = dt.date(2024, 5, 12)


def test_quote_found_exactly() -> None:
    text = SEED_TEXT["000"]
    quote = "AI 관련 기술의 진화 속도가 매우 빠르고 경쟁도 더 치열해지고 있다"
    span = find_quote(quote, text)
    assert span is not None and text[span[0] : span[1]] == quote


def test_quote_found_behind_a_reporting_verb_and_quote_marks() -> None:
    text = SEED_TEXT["000"]
    quote = '"AI는 향후 모든 산업에 혁신을 촉발하고, 이를 어떻게 준비하는가에 따라 사업 구도에 커다란 파급력을 미칠 미래 게임체인저"라고 강조했다.'
    span = find_quote(quote, text)
    assert span is not None
    assert text[span[0] : span[1]].endswith("미래 게임체인저")


def test_quote_found_despite_spacing_and_curly_marks() -> None:
    span = find_quote("“작은  씨앗이지만,꺾임 없이”", SEED_TEXT["000"])
    assert span is not None


def test_quote_not_in_source_is_not_found() -> None:
    assert find_quote("LG는 AI 분야에서 세계 1위가 되겠다", SEED_TEXT["000"]) is None
    assert find_quote("", SEED_TEXT["000"]) is None


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        ("지난 21일부터 나흘간", P000, dt.date(2023, 8, 21), dt.date(2023, 8, 24)),
        ("22일", P000, dt.date(2023, 8, 22), dt.date(2023, 8, 22)),
        ("11일(현지시각)", P004, dt.date(2024, 5, 11), dt.date(2024, 5, 11)),
        ("13일(현지시각)", P004, dt.date(2024, 5, 13), dt.date(2024, 5, 13)),
        ("현지시간 14일부터 사흘간", P004, dt.date(2024, 5, 14), dt.date(2024, 5, 16)),
        ("지난 28일", P000, dt.date(2023, 7, 28), dt.date(2023, 7, 28)),
        ("오는 3일", P000, dt.date(2023, 9, 3), dt.date(2023, 9, 3)),
        ("8월 21일~24일", P000, dt.date(2023, 8, 21), dt.date(2023, 8, 24)),
        ("30일부터 2일까지", P000, dt.date(2023, 8, 30), dt.date(2023, 9, 2)),
        ("2023년 8월 21일", None, dt.date(2023, 8, 21), dt.date(2023, 8, 21)),
        ("2024.05.11", None, dt.date(2024, 5, 11), dt.date(2024, 5, 11)),
        ("21일부터 3일간", P000, dt.date(2023, 8, 21), dt.date(2023, 8, 23)),
        ("지난달 21일", P000, dt.date(2023, 7, 21), dt.date(2023, 7, 21)),
        ("다음 달 5일", P000, dt.date(2023, 9, 5), dt.date(2023, 9, 5)),
        ("지난 21~24일", P000, dt.date(2023, 8, 21), dt.date(2023, 8, 24)),
        ("8월 21~24일", P000, dt.date(2023, 8, 21), dt.date(2023, 8, 24)),
        ("지난해 12월 5일", dt.date(2024, 1, 10), dt.date(2023, 12, 5), dt.date(2023, 12, 5)),
        ("오는 1월 5일", dt.date(2023, 12, 20), dt.date(2024, 1, 5), dt.date(2024, 1, 5)),
    ],
)
def test_dates_resolve(text: str, published: dt.date | None, start: dt.date, end: dt.date) -> None:
    span = resolve_date(text, published)
    assert (span.start, span.end) == (start, end)


def test_month_taken_from_publication_is_said() -> None:
    span = resolve_date("22일", P000)
    assert span.month_from_publication and span.note == MONTH_NOTE


def test_no_month_invented_without_publication_date() -> None:
    span = resolve_date("21일", None)
    assert span.start is None and "publication date unknown" in (span.note or "")
    assert span.display() == "not stated (21일)"


@pytest.mark.parametrize("text", [None, "", "최근", "올해 초", "사흘간", "last week", "지난주"])
def test_no_date_stays_no_date(text: str | None) -> None:
    assert resolve_date(text, P000).start is None


def test_impossible_date_is_not_made_up() -> None:
    assert resolve_date("31일", dt.date(2024, 2, 10)).start is None


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("고객 경험을 제고하겠다", "고객 경험을 제고하겠다"),  # ends in 고+하: not a reporting verb
        ("품질을 높이고 전진하자", "품질을 높이고 전진하자"),
        ('"고객 경험을 제고하겠다"고 말했다', "고객 경험을 제고하겠다"),
        ("품질을 높이고 전진하자라며 당부했다", "품질을 높이고 전진하자"),
        ("AI는 미래 게임체인저라고 강조했다", "AI는 미래 게임체인저"),
    ],
)
def test_quote_spans_are_never_cut_mid_word(quote: str, expected: str) -> None:
    src = '그는 "고객 경험을 제고하겠다"고 말했다. 또 "품질을 높이고 전진하자"며 당부했다. 구 회장은 "AI는 미래 게임체인저"라고 강조했다.'
    span = find_quote(quote, src)
    assert span is not None and src[span[0] : span[1]] == expected
