"""The Korean-number parser and the translation number check."""

from __future__ import annotations

from decimal import Decimal

import pytest

from briefing.numbers import (
    english_numbers,
    format_value,
    korean_number_value,
    korean_numbers,
    missing_numbers,
)


@pytest.mark.parametrize(
    ("korean", "values"),
    [
        ("7000억 시간", [700_000_000_000]),
        ("1억대 이상", [100_000_000]),
        ("3조 5000억원", [3_500_000_000_000]),
        ("1만2000명", [12_000]),
        ("1,500억 원", [150_000_000_000]),
        ("2억5000만 달러", [250_000_000]),
        ("50여 명", [50]),
        ("10년, 20년", [10, 20]),
        ("30년이 넘는", [30]),
        ("2030년까지", [2030]),
        ("지난 2018년", [2018]),
        ("30%", [30]),
        ("10~20%", [10, 20]),
        ("3.5%", [Decimal("3.5")]),
        ("2.5배", [Decimal("2.5")]),
        ("CES 2024", [2024]),
        ("11일(현지시각)", [11]),
        ("지난 21일부터 나흘간", [21]),
        ("5000만원", [50_000_000]),
        ("1조원", [1_000_000_000_000]),
        ("약 300명", [300]),
        ("숫자가 없는 문장", []),
        ("B2B 성장과 5G 통신", []),  # digits inside names are not quantities
    ],
)
def test_korean_numbers(korean: str, values: list[int | Decimal]) -> None:
    assert [n.value for n in korean_numbers(korean)] == [Decimal(v) for v in values]


def test_approximate_forms_are_marked() -> None:
    assert korean_numbers("50여 명")[0].approximate
    assert korean_numbers("약 300명")[0].approximate
    assert not korean_numbers("300명")[0].approximate


def test_single_expression_value() -> None:
    assert korean_number_value("3조 5000억") == Decimal(3_500_000_000_000)
    assert korean_number_value("없음") is None


@pytest.mark.parametrize(
    ("english", "value"),
    [
        ("700 billion hours", 700_000_000_000),
        ("100 million units", 100_000_000),
        ("3.5 trillion won", 3_500_000_000_000),
        ("12,000 people", 12_000),
        ("on the 24th", 24),
        ("ten years", 10),
        ("two decades", 20),
        ("$1.2bn", 1_200_000_000),
    ],
)
def test_english_numbers(english: str, value: int) -> None:
    assert Decimal(value) in [n.value for n in english_numbers(english)]


def test_matching_translation_has_nothing_missing() -> None:
    ko = "LG전자는 연간 1억대 이상 제품을 판매하면서 7000억 시간 이상 사용 데이터를 확보하고 있다."
    en = (
        "LG Electronics sells more than 100 million products a year and holds over 700 billion hours of data."
    )
    assert missing_numbers(ko, en) == []


def test_wrong_magnitude_is_caught() -> None:
    ko = "7000억 시간 이상 사용 데이터"
    missing = missing_numbers(ko, "more than 70 billion hours of usage data")
    assert [n.text for n in missing] == ["7000억"]
    assert format_value(missing[0].value) == "700 billion"


def test_range_and_percent_both_ends_checked() -> None:
    assert [n.text for n in missing_numbers("매출이 10~20% 늘었다", "sales rose 10%")] == ["20"]


def test_month_names_carry_the_month_number() -> None:
    assert missing_numbers("지난 8월 21일 보스턴을 방문했다", "He visited Boston on August 21.") == []
    assert missing_numbers("12월 5일", "on Dec. 5") == []
    assert [n.text for n in missing_numbers("8월 21일", "on the 21st")] == ["8"]
