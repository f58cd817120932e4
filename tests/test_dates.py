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


@pytest.mark.parametrize(
    ("text", "published", "start", "end", "shown"),
    [
        ("지난해 5월", D(2023, 3, 12), D(2022, 5, 1), D(2022, 5, 31), "May 2022"),
        ("지난달 말", D(2025, 1, 3), D(2024, 12, 1), D(2024, 12, 31), "December 2024"),
        ("2024년 1월", D(2025, 12, 9), D(2024, 1, 1), D(2024, 1, 31), "January 2024"),
        ("2023년", D(2025, 2, 11), D(2023, 1, 1), D(2023, 12, 31), "2023"),
        ("In May", D(2022, 7, 3), D(2022, 5, 1), D(2022, 5, 31), "May 2022"),
        ("August 2023", D(2024, 6, 10), D(2023, 8, 1), D(2023, 8, 31), "August 2023"),
    ],
)
def test_a_month_without_a_day_is_that_month(
    text: str, published: dt.date, start: dt.date, end: dt.date, shown: str
) -> None:
    span = resolve_date(text, published)
    assert (span.start, span.end, span.display()) == (start, end, shown)


def test_same_year_points_at_the_year_named_before() -> None:
    assert resolve_date("같은 해 7월", D(2023, 3, 12), D(2022, 5, 1)).display() == "July 2022"


def test_a_photo_is_of_the_past() -> None:
    # "29일" in a caption of an 18 October story: 29 September, not 29 October
    assert resolve_date("29일", D(2022, 10, 18), past=True).start == D(2022, 9, 29)
    assert resolve_date("29일", D(2022, 10, 18)).start == D(2022, 10, 29)


def test_report_dates_do_not_anchor() -> None:
    text = "엘지는 구 회장이 지난 12일 오후 엘지사이언스파크를 방문했다고 13일 밝혔다. 이날 방문길에는"
    assert anchor_before(text, text.index("이날"), D(2018, 9, 13)) == D(2018, 9, 12)
    text = "구 회장은 지난 6월 회장에 올랐다. 24일 LG에 따르면 이날"
    assert anchor_before(text, text.index("이날"), D(2018, 9, 24)) == D(
        2018, 9, 24
    )  # months don't anchor days


@pytest.mark.parametrize("text", ["2030년까지", "2030년 목표", "2025년 이후"])
def test_a_target_year_is_not_a_date(text: str) -> None:
    assert resolve_date(text, D(2023, 8, 24)).start is None
