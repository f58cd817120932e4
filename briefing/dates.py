"""Dates in code: the date words an article uses, resolved against its publication date.

Korean: "지난 21일부터 나흘간", "오는 13일(현지시간)부터 3박 5일 일정으로", "9일(화)", "지난달 28일",
"12월 30일" in a January article, and words that point at a date already named ("이날", "같은 날",
"전날", "다음 날"), which resolve against the ``anchor`` (the last date the text named before them).
English coverage: "March 3", "Jan. 7-10", "on Tuesday", "Wednesday (local time)", "a five-day trip".
A day the words do not give is never guessed: "지난달 말", "이달 초", "last week" stay unknown.
Pure functions, tested as code.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator

from .models import DateSpan

MONTH_NOTE = "month not stated in source; taken from the publication date"
YEAR_NOTE = "year not stated in source; taken from the publication date"

_DURATIONS = {
    "하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "여드레": 8,
    "아흐레": 9, "열흘": 10, "일주일": 7, "보름": 15,
}  # fmt: skip
_WEEKDAYS_KO = "월화수목금토일"
_DAY = r"(?:(?:(?P<{p}y>\d{{4}})\s*년\s*)?(?P<{p}m>\d{{1,2}})\s*월\s*)?(?P<{p}d>\d{{1,2}})\s*일(?!\s*(?:간|동안))"
_START = re.compile(
    r"(?P<dir>지난|오는|이번\s*달|이달)?\s*(?:현지\s*시간\s*|현지\s*시각\s*)?" + _DAY.format(p="a")
)
_PAREN = r"(?:\([^)]*\)\s*)?"
_RANGE_END = re.compile(r"^\s*" + _PAREN + r"(?:부터|~|-|–|에서)\s*" + _DAY.format(p="b"))
_DURATION = re.compile(
    r"^\s*" + _PAREN + r"(?:부터|에서)?\s*(?:까지\s*)?(?:(?P<nights>\d+)\s*박\s*)?"
    r"(?:(?P<n>\d+)\s*일|(?P<word>" + "|".join(_DURATIONS) + r"))\s*(?P<tail>간|동안|일정|의\s*일정|짜리|$)"
)
_LONE_DURATION = re.compile(r"(?:\d+\s*박\s*)?(?:\d+\s*일|" + "|".join(_DURATIONS) + r")\s*(?:간|동안|일정)")
_FULL_DOTS = re.compile(r"(?P<y>\d{4})\s*[.\-/]\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<d>\d{1,2})")
_WEEKDAY_AFTER = re.compile(r"^\s*\((?:[^)]*?[·,\s])?(?P<w>[월화수목금토일])(?:요일)?\s*\)")

_REL_MONTH = [(r"지난\s*달", -1), (r"다음\s*달", 1), (r"이번\s*달|이달", 0)]
_REL_YEAR = [(r"지난\s*해|작년", -1), (r"내년|다음\s*해", 1), (r"올해|금년", 0)]
_SHORT_RANGE = re.compile(r"(\d{1,2})\s*[~\-–]\s*(\d{1,2})\s*일")
# Words that point at a date the text already named; the shift from that date in days.
_ANAPHORA_ANY = re.compile(r"같은\s*날|이날|당일|그날|전날|前날|하루\s*전|다음\s*날|이튿날|이튼날|익일")
_ANAPHORA = [
    (re.compile(r"같은\s*날|이날|당일|그날"), 0),
    (re.compile(r"전날|前날|하루\s*전|하루\s*앞서"), -1),
    (re.compile(r"다음\s*날|이튿날|이튼날|익일"), 1),
]


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _closest_year(month: int, day: int, published: dt.date) -> int:
    """The year that puts month/day nearest the publication date ("12월 30일" in January: last year)."""
    options = [
        y for y in (published.year - 1, published.year, published.year + 1) if _safe_date(y, month, day)
    ]
    if not options:
        return published.year
    return min(options, key=lambda y: abs((dt.date(y, month, day) - published).days))


def _span_after(start: dt.date, rest: str) -> dt.date:
    """The end of a period that starts at ``start``: a duration ("부터 나흘간", "3박 5일") or an end day."""
    if d := _DURATION.match(rest):
        days = int(d["n"]) if d["n"] else _DURATIONS[d["word"]]
        if d["tail"] or d["nights"]:
            return start + dt.timedelta(days=max(days, 1) - 1)
    if r := _RANGE_END.match(rest):
        e_year = int(r["by"]) if r["by"] else start.year
        e_month = int(r["bm"]) if r["bm"] else start.month
        e_day = int(r["bd"])
        if not r["bm"] and e_day < start.day:
            e_year, e_month = _shift_month(start.year, start.month, 1)
        end = _safe_date(e_year, e_month, e_day)
        if end and end >= start:
            return end
    return start


def resolve_date(
    text: str | None, published: dt.date | None, anchor: dt.date | None = None, past: bool = False
) -> DateSpan:
    """Resolve date words as written against the publication date (and ``anchor`` for "이날").

    "지난 21일부터 나흘간" published 2023-08-24 → 2023-08-21..2023-08-24; "22일" → 2023-08-22.
    A month or year the text does not give is taken from the publication date and noted; with no
    publication date it stays unknown. ``past``: the event has happened (a photo caption, a stop
    reported done), so a day the month of which is inferred is not after publication. A month
    without a day ("지난해 5월") is that whole month, marked as such. Nothing is guessed beyond that.
    """
    span = _resolve(text, published, anchor)
    if past and published and span.start and span.start > published and span.month_from_publication:
        y, m = _shift_month(span.start.year, span.start.month, -1)
        earlier = _safe_date(y, m, span.start.day)
        if earlier:
            length = (span.end or span.start) - span.start
            span = span.model_copy(update={"start": earlier, "end": earlier + length})
    return span


def _resolve(text: str | None, published: dt.date | None, anchor: dt.date | None) -> DateSpan:
    if not text or not text.strip():
        return DateSpan(text=None)
    said = unicodedata.normalize("NFC", text.strip())
    if not re.search(r"[가-힣]", said) and re.search(r"[A-Za-z]", said):
        return _resolve_english(said, published, anchor)
    if m := _FULL_DOTS.search(said):
        exact = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        start = exact
        end = _span_after(exact, said[m.end() :]) if exact else None
        return DateSpan(text=said, start=start, end=end, note=None if exact else "invalid date")
    text = said
    month_shift = year_shift = None
    for pattern, shift in _REL_MONTH:
        if re.search(pattern, text):
            month_shift = shift
            text = re.sub(pattern, " ", text)
            break
    for pattern, shift in _REL_YEAR:
        if re.search(pattern, text):
            year_shift = shift
            text = re.sub(pattern, " ", text)
            break
    text = _SHORT_RANGE.sub(r"\1일~\2일", text)  # "21~24일" → "21일~24일"
    m = _START.search(text)
    if m is None:
        if whole := _month_only(said, text, published, anchor, month_shift, year_shift):
            return whole
        return _resolve_anaphora(said, text, anchor or published)
    notes: list[str] = []
    inferred = False
    day = int(m["ad"])
    direction = (m["dir"] or "").replace(" ", "")
    if m["am"]:
        month = int(m["am"])
        if m["ay"]:
            year = int(m["ay"])
        elif published:
            if year_shift is not None:
                year = published.year + year_shift
            elif direction.startswith("지난"):
                year = published.year - (month > published.month)
            elif direction.startswith("오는"):
                year = published.year + (month < published.month)
            else:
                year = _closest_year(month, day, published)
            if year_shift is None:
                notes.append(YEAR_NOTE)
        else:
            return DateSpan(text=said, note="year not stated in source and publication date unknown")
    else:
        if published is None:
            return DateSpan(text=said, note="month not stated in source and publication date unknown")
        year, month = published.year, published.month
        if month_shift is not None:
            year, month = _shift_month(year, month, month_shift)
        elif direction.startswith("지난") and day > published.day:
            year, month = _shift_month(year, month, -1)
        elif direction.startswith("오는") and day < published.day:
            year, month = _shift_month(year, month, 1)
        elif not direction and published.day <= 7 and day >= 22:
            # Early in a month, a bare late day is last month's ("28일" in a 3 March story).
            year, month = _shift_month(year, month, -1)
        inferred = True
        notes.append(MONTH_NOTE)
    start = _safe_date(year, month, day)
    if start is None:
        return DateSpan(text=said, note=f"no such date: {year}-{month:02d}-{day:02d}")
    rest = text[m.end() :]
    if (w := _WEEKDAY_AFTER.match(rest)) and inferred:
        start = _match_weekday(start, _WEEKDAYS_KO.index(w["w"]))
    return DateSpan(
        text=said,
        start=start,
        end=_span_after(start, rest),
        month_from_publication=inferred,
        note="; ".join(notes) or None,
    )


_MONTH_ONLY = re.compile(r"(?:(?P<y>\d{4})\s*년\s*)?(?P<m>\d{1,2})\s*월(?!\s*\d)")
# "2023년" alone; "2030년까지" (a target) or "2030년 목표" is not when anything happened
_YEAR_ONLY = re.compile(r"(?P<y>(?:19|20)\d{2})\s*년(?!\s*(?:\d|까지|목표|이후|부터|전|이내|안에))")


def _month_span(year: int, month: int, said: str, note: str | None = None) -> DateSpan:
    first = dt.date(year, month, 1)
    y, m = _shift_month(year, month, 1)
    return DateSpan(text=said, start=first, end=dt.date(y, m, 1) - dt.timedelta(days=1), precision="month",
                    note=note)  # fmt: skip


def _month_only(
    said: str,
    text: str,
    published: dt.date | None,
    anchor: dt.date | None,
    month_shift: int | None,
    year_shift: int | None,
) -> DateSpan | None:
    """A month without a day: "지난해 5월", "같은 해 7월", "지난 5월", "지난달", "2023년"."""
    same_year = re.search(r"같은\s*해", text)
    if m := _MONTH_ONLY.search(text):
        month = int(m["m"])
        if not 1 <= month <= 12:
            return None
        if m["y"]:
            return _month_span(int(m["y"]), month, said)
        if same_year and anchor:
            return _month_span(anchor.year, month, said)
        if published is None:
            return None
        if year_shift is not None:
            return _month_span(published.year + year_shift, month, said)
        if "지난" in text:
            return _month_span(published.year - (month > published.month), month, said)
        if "오는" in text:
            return _month_span(published.year + (month < published.month), month, said)
        return _month_span(published.year, month, said, YEAR_NOTE)
    if month_shift is not None and published and not _ANAPHORA_ANY.search(text):
        year, month = _shift_month(published.year, published.month, month_shift)
        return _month_span(year, month, said)
    if (y := _YEAR_ONLY.search(text)) and not re.search(r"월|일", text):
        year = int(y["y"])
        return DateSpan(text=said, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), precision="year")
    return None


def _match_weekday(start: dt.date, weekday: int) -> dt.date:
    """The weekday the article gives ("9일(화)") settles a month taken from the publication date."""
    if start.weekday() == weekday:
        return start
    for delta in (-1, 1):
        y, m = _shift_month(start.year, start.month, delta)
        other = _safe_date(y, m, start.day)
        if other and other.weekday() == weekday:
            return other
    return start


def _resolve_anaphora(said: str, text: str, anchor: dt.date | None) -> DateSpan:
    for pattern, shift in _ANAPHORA:
        if m := pattern.search(text):
            if anchor is None:
                return DateSpan(text=said, note="refers to a date the text does not state")
            start = anchor + dt.timedelta(days=shift)
            return DateSpan(text=said, start=start, end=_span_after(start, text[m.end() :]))
    if _LONE_DURATION.search(text):
        return DateSpan(text=said, note="a duration without a start day")
    return DateSpan(text=said, note="no day stated")


def anchor_before(
    text: str, position: int, published: dt.date | None, months: bool = False
) -> dt.date | None:
    """The last date the text names before ``position``: what "이날" or "다음 날" points at.
    Only days count, unless ``months`` ("같은 해 7월" points at "지난해 5월" too)."""
    last: dt.date | None = None
    for start, words in date_mentions(text[:position]):
        if _REPORT.match(text, start + len(words)):
            continue  # "13일 밝혔다", "24일 LG에 따르면": when it was reported, not when it happened
        found = resolve_date(words, published, last or published)
        if found.start is not None and (months or found.precision == "day"):
            last = found.start
    return last or published


_REPORT = re.compile(
    r"\s*(?:\([^)]*\)\s*)?(?:[\w가-힣]{1,12}\s*)?(?:에\s*)?(?:밝혔|밝혀|전했|발표했|알렸|따르면|공시)"
)
_MENTION_KO = re.compile(
    r"(?:지난|오는)?\s*(?:\d{4}\s*년\s*)?(?:\d{1,2}\s*월\s*)?(?<![\d박])\d{1,2}\s*일(?!\s*(?:간|동안|일정))"
    r"|같은\s*날|이날|당일|전날|다음\s*날|이튿날"
    r"|(?:지난\s*해|작년|올해|지난|\d{4}\s*년)\s*\d{1,2}\s*월(?!\s*\d)"
)


def date_mentions(text: str) -> Iterator[tuple[int, str]]:
    """Date words in running text, in order (Korean days and day words, English month days)."""
    found = [(m.start(), m[0]) for m in _MENTION_KO.finditer(text)]
    found += [(m.start(), m[0]) for m in _EN_MONTH_DAY.finditer(text)]
    yield from sorted(found)


# --- English coverage -----------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_EN_MONTH_DAY = re.compile(
    _MONTH_RE + r"\s+(?P<day>\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?"
    r"(?:\s*(?:-|–|to|through|and)\s*(?:(?P<mon2>[A-Z][a-z]{2,8})\.?\s+)?(?P<day2>\d{1,2})(?:st|nd|rd|th)?)?"
)
_EN_MONTH_ALONE = re.compile(r"\b" + _MONTH_RE + r"(?:,?\s+(?P<year>\d{4}))?\b")
_EN_DAY_MONTH = re.compile(r"(?P<day>\d{1,2})\s+" + _MONTH_RE + r"(?:\s+(?P<year>\d{4}))?")
_EN_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_EN_WEEKDAY = re.compile(r"(?P<rel>last|next|this)?\s*(?P<w>" + "|".join(_EN_WEEKDAYS) + r")", re.IGNORECASE)
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10,
}  # fmt: skip
_EN_DURATION = re.compile(
    r"(?P<n>\d+|" + "|".join(_EN_NUMBERS) + r")[- ]day|for (?P<n2>\d+|" + "|".join(_EN_NUMBERS) + r") days",
    re.IGNORECASE,
)
_EN_RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}


def _month_number(name: str) -> int | None:
    return _MONTHS.get(name.lower()[:3])


def _duration_en(text: str) -> int | None:
    if m := _EN_DURATION.search(text):
        raw = (m["n"] or m["n2"]).lower()
        return int(raw) if raw.isdigit() else _EN_NUMBERS[raw]
    return None


def _resolve_english(said: str, published: dt.date | None, anchor: dt.date | None) -> DateSpan:
    """English date words: month days, weekdays (the latest one by publication unless "next"),
    today/yesterday/tomorrow, and "a five-day trip" durations."""
    start: dt.date | None = None
    end: dt.date | None = None
    notes: list[str] = []
    if m := (_EN_MONTH_DAY.search(said) or _EN_DAY_MONTH.search(said)):
        month = _month_number(m["mon"])
        day = int(m["day"])
        if month is None:
            return DateSpan(text=said, note="no day stated")
        if m["year"]:
            year = int(m["year"])
        elif published:
            year = _closest_year(month, day, published)
            notes.append(YEAR_NOTE)
        else:
            return DateSpan(text=said, note="year not stated in source and publication date unknown")
        start = _safe_date(year, month, day)
        if start and "day2" in m.groupdict() and m["day2"]:
            month2 = _month_number(m["mon2"]) if m["mon2"] else month
            if month2:
                year2 = year + (month2 < month)
                end = _safe_date(year2, month2, int(m["day2"]))
    elif (m := _EN_MONTH_ALONE.search(said)) and (alone := _month_number(m["mon"])):
        if m["year"]:
            return _month_span(int(m["year"]), alone, said)
        if published is None:
            return DateSpan(text=said, note="year not stated in source and publication date unknown")
        return _month_span(published.year - (alone > published.month), alone, said)
    elif m := _EN_WEEKDAY.search(said):
        if published is None:
            return DateSpan(text=said, note="weekday without a publication date")
        weekday = _EN_WEEKDAYS.index(m["w"].lower())
        back = (published.weekday() - weekday) % 7
        if (m["rel"] or "").lower() == "next" or re.search(r"\b(?:will|coming|upcoming)\b", said, re.I):
            start = published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)
        else:
            start = published - dt.timedelta(days=back + (7 if (m["rel"] or "").lower() == "last" else 0))
    else:
        for word, shift in _EN_RELATIVE.items():
            if re.search(rf"\b{word}\b", said, re.IGNORECASE) and published:
                start = published + dt.timedelta(days=shift)
                break
        else:
            if re.search(r"\b(?:that|the same) day\b", said, re.IGNORECASE) and anchor:
                start = anchor
            else:
                return DateSpan(text=said, note="no day stated")
    if start is None:
        return DateSpan(text=said, note="invalid date")
    if end is None and (days := _duration_en(said)):
        if re.search(
            r"\b(?:wrap(?:ped|s)? up|end(?:ed|ing|s)?|conclud(?:ed|ing|es)|finish(?:ed|ing)|"
            r"return(?:ed|ing)? (?:home )?from)\b",
            said,
            re.IGNORECASE,
        ):
            start, end = (
                start - dt.timedelta(days=days - 1),
                start,
            )  # "wrapped up a four-day trip on Thursday"
        else:
            end = start + dt.timedelta(days=days - 1)
    if end is None or end < start:
        end = start
    return DateSpan(text=said, start=start, end=end, note="; ".join(notes) or None)
