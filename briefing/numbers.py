"""Numbers in Korean and English text, parsed to values so that a translation can be checked.

Korean: Arabic digits with the myriad units 만 (10^4), 억 (10^8), 조 (10^12), combined as in
"3조 5000억원" (3.5 trillion won) or "1만2000" (12,000); "50여 명" is "about 50". English: digits
with thousand/million/billion/trillion (and k/m/bn), ordinals, percentages, and small number
words. Pure functions: the checker compares value sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_KO_UNITS = {"만": Decimal(10) ** 4, "억": Decimal(10) ** 8, "조": Decimal(10) ** 12}
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A run of number+unit groups, largest unit first: "3조 5000억", "1만2000", "7000억", "2030".
_KO_RUN = re.compile(
    rf"(?<![A-Za-z\d.])(?:{_NUM}\s*조\s*)?(?:{_NUM}\s*억\s*)?(?:{_NUM}\s*만\s*)?(?:{_NUM})?(?![\dA-Za-z])"
)
_KO_GROUP = re.compile(rf"({_NUM})\s*([조억만])?")
_EN_SCALE = {
    "thousand": Decimal(10) ** 3, "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6, "m": Decimal(10) ** 6, "mn": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12, "tn": Decimal(10) ** 12,
}  # fmt: skip
_EN_NUMBER = re.compile(
    rf"(?<![\w.])({_NUM})(?:st|nd|rd|th)?(?:\s*(thousand|million|billion|trillion|bn|mn|tn|k|m|b)\b)?",
    re.IGNORECASE,
)
_EN_WORDS = {
    w: Decimal(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_EN_WORDS.update({"thirty": Decimal(30), "forty": Decimal(40), "fifty": Decimal(50), "hundred": Decimal(100)})
_EN_WORDS.update({"first": Decimal(1), "second": Decimal(2), "third": Decimal(3), "fourth": Decimal(4)})
_EN_WORD_RE = re.compile(
    r"\b("
    + "|".join(sorted(_EN_WORDS, key=len, reverse=True))
    + r")\b(?:\s+(thousand|million|billion|trillion))?",
    re.IGNORECASE,
)
_MONTHS = "january february march april may june july august september october november december".split()
_EN_MONTH = re.compile(
    r"\b(" + "|".join(m[:3] + "(?:" + m[3:] + ")?" for m in _MONTHS) + r")\.?\b", re.IGNORECASE
)
_EN_DECADES = re.compile(r"\b(a|one|two|three)?\s*decades?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """A number found in text: its words as written, its value, and whether it was approximate."""

    text: str
    value: Decimal
    approximate: bool = False
    start: int = 0


def _dec(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return Decimal(0)


def korean_number_value(text: str) -> Decimal | None:
    """Value of one Korean number expression: "7000억" → 700000000000, "3조 5000억" → 3.5e12."""
    total = Decimal(0)
    found = False
    for num, unit in _KO_GROUP.findall(text):
        found = True
        total += _dec(num) * (_KO_UNITS[unit] if unit else 1)
    return total if found else None


def korean_numbers(text: str) -> list[Number]:
    """Every number in a Korean text, with myriad units applied. Ranges give both ends."""
    out: list[Number] = []
    for m in _KO_RUN.finditer(text):
        span = m.group(0).strip()
        if not span or not re.search(r"\d", span):
            continue
        value = korean_number_value(span)
        if value is None:
            continue
        tail = text[m.end() : m.end() + 3]
        approximate = (
            tail.lstrip().startswith(("여", "가량", "약"))
            or text[max(0, m.start() - 2) : m.start()].strip() == "약"
        )
        out.append(Number(span, value, approximate, m.start()))
    return out


def english_numbers(text: str) -> list[Number]:
    """Every number in an English text: "700 billion" → 7e11, "24th" → 24, "ten" → 10."""
    out: list[Number] = []
    for m in _EN_NUMBER.finditer(text):
        value = _dec(m.group(1))
        if m.group(2):
            value *= _EN_SCALE[m.group(2).lower()]
        out.append(Number(m.group(0), value, False, m.start()))
    for m in _EN_WORD_RE.finditer(text):
        value = _EN_WORDS[m.group(1).lower()]
        if m.group(2):
            value *= _EN_SCALE[m.group(2).lower()]
        out.append(Number(m.group(0), value, False, m.start()))
    for m in _EN_MONTH.finditer(text):  # "August 21" carries the 8 of "8월 21일"
        month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(m.group(1).lower()[:3]))
        out.append(Number(m.group(0), Decimal(month), False, m.start()))
    for m in _EN_DECADES.finditer(text):
        count = {"a": 1, "one": 1, "two": 2, "three": 3}.get((m.group(1) or "a").lower(), 1)
        out.append(Number(m.group(0), Decimal(10 * count), False, m.start()))
    return out


def missing_numbers(korean: str, english: str) -> list[Number]:
    """Korean numbers whose value does not appear in the English text."""
    values = {n.value.normalize() for n in english_numbers(english)}
    return [n for n in korean_numbers(korean) if n.value.normalize() not in values]


def format_value(value: Decimal) -> str:
    """700000000000 → "700 billion", 12000 → "12,000"."""
    for word, scale in (("trillion", 10**12), ("billion", 10**9), ("million", 10**6)):
        if value >= scale:
            return f"{(value / scale).normalize():f} {word}"
    return f"{value.normalize():,f}"
