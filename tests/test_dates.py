"""Date words of real coverage, resolved in code against the publication date (and, for words
that point back, the date the text named before them)."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.dates import anchor_before, resolve_date

D = dt.date


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        ("나흘 일정으로 13일부터", D(2024, 5, 12), D(2024, 5, 13), D(2024, 5, 13)),  # no 부터-duration order
        ("13일부터 나흘 일정으로", D(2024, 5, 12), D(2024, 5, 13), D(2024, 5, 16)),
        ("오는 13일(현지시간)부터 나흘간", D(2024, 5, 10), D(2024, 5, 13), D(2024, 5, 16)),
        ("21일부터 3박 5일 일정으로", D(2025, 2, 20), D(2025, 2, 21), D(2025, 2, 25)),
        ("지난 24일부터 사흘간", D(2025, 3, 4), D(2025, 2, 24), D(2025, 2, 26)),
        ("12월 30일", D(2025, 1, 3), D(2024, 12, 30), D(2024, 12, 30)),  # the year boundary
        ("내년 1월 4일부터 7일까지", D(2025, 12, 31), D(2026, 1, 4), D(2026, 1, 7)),
        ("28일(현지시간)", D(2023, 3, 1), D(2023, 2, 28), D(2023, 2, 28)),  # early March: last month
        ("20일", D(2024, 3, 5), D(2024, 3, 20), D(2024, 3, 20)),  # a later day this month stays
        ("지난 17일(월)", D(2023, 4, 19), D(2023, 4, 17), D(2023, 4, 17)),
        ("9일(화)", D(2024, 8, 2), D(2024, 7, 9), D(2024, 7, 9)),  # the weekday settles the month
        ("2024년 1월 9일", D(2024, 1, 12), D(2024, 1, 9), D(2024, 1, 9)),
    ],
)
def test_korean_date_words(text: str, published: dt.date, start: dt.date, end: dt.date) -> None:
    span = resolve_date(text, published)
    assert (span.start, span.end) == (start, end), span


@pytest.mark.parametrize(
    ("text", "shift"), [("이날", 0), ("같은 날", 0), ("전날", -1), ("다음 날", 1), ("이튿날", 1)]
)
def test_words_that_point_back_use_the_anchor(text: str, shift: int) -> None:
    anchor = D(2023, 10, 3)
    span = resolve_date(text, D(2023, 10, 5), anchor)
    assert span.start == span.end == anchor + dt.timedelta(days=shift)


def test_an_explicit_day_beats_the_pointing_word() -> None:
    assert resolve_date("다음 날인 4일(현지시간)", D(2022, 10, 4), D(2022, 10, 3)).start == D(2022, 10, 4)


def test_anchor_is_the_last_date_named_before() -> None:
    text = "구 회장은 3일(현지시간) 바르샤바에서 총리를 만났다. 이어 이튿날 브로츠와프를 찾았다."
    at = text.index("이튿날")
    assert anchor_before(text, at, D(2022, 10, 4)) == D(2022, 10, 3)
    assert resolve_date("이튿날", D(2022, 10, 4), anchor_before(text, at, D(2022, 10, 4))).start == D(
        2022, 10, 4
    )
    assert anchor_before("아무 날짜도 없다.", 5, D(2022, 10, 4)) == D(2022, 10, 4)  # else publication


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        ("March 3", D(2024, 3, 5), D(2024, 3, 3), D(2024, 3, 3)),
        ("Jan. 7-10", D(2025, 1, 12), D(2025, 1, 7), D(2025, 1, 10)),
        ("Dec. 30", D(2025, 1, 2), D(2024, 12, 30), D(2024, 12, 30)),
        ("Wednesday (local time)", D(2025, 1, 9), D(2025, 1, 8), D(2025, 1, 8)),
        ("on Thursday", D(2025, 1, 9), D(2025, 1, 9), D(2025, 1, 9)),
        ("next Monday", D(2024, 6, 12), D(2024, 6, 17), D(2024, 6, 17)),
        ("a five-day trip starting Sunday", D(2022, 7, 3), D(2022, 7, 3), D(2022, 7, 7)),
    ],
)
def test_english_date_words(text: str, published: dt.date, start: dt.date, end: dt.date) -> None:
    span = resolve_date(text, published)
    assert (span.start, span.end) == (start, end), span
