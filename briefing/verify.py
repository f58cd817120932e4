"""Verify in code what the model claims: quotes are found in the source, dates are resolved.

Both are pure functions of the source text and the publication date, so they are tested as code.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from .models import DateSpan

# --- quotes -------------------------------------------------------------------------------------

_QUOTE_MARKS = "\"'“”‘’「」『』«»`"
_REPORTING_VERB = re.compile(  # the last link + verb at the very end (greedy prefix)
    r"(?<=.)(?:이라고|라고|고|이라며|라며|며|면서)(?!.*(?:이라고|라고|고|이라며|라며|며|면서)(?:말|밝|강조|당부|설명))"
    r"(?:말|밝|강조|당부|설명|덧붙|전|언급|역설|주문|기대|했|하|답|말씀|발표|약속|다짐|주장)[가-힣]*$"
)
_TRAILING_LINK = re.compile(r"(?:이라며|라며|이라고|라고|며|면서)$")


def _fold(c: str) -> str:
    return {"…": "...", "·": "·", "－": "-", "～": "~"}.get(c, c)


@functools.lru_cache(maxsize=32)
def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """NFC text without whitespace and quote marks, with each kept char's original index."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        if c.isspace() or c in _QUOTE_MARKS:
            continue
        for piece in _fold(c):
            out.append(piece)
            index.append(i)
    return "".join(out), index


def _quote_variants(quote: str) -> list[str]:
    """The quote as given, and without a trailing reporting verb the model may have kept.

    The stripped form goes first only when a closing quotation mark stands before the verb
    ("…"라고 말했다); otherwise the full words are tried first, so that a quote which merely ends
    in 고/며 plus a verb-like syllable ("…제고하겠다") is never cut mid-word.
    """
    norm, _ = _normalise_with_map(quote)
    norm = norm.rstrip(".")
    stripped = _REPORTING_VERB.sub("", norm).rstrip(".")
    stripped = _TRAILING_LINK.sub("", stripped)
    if not stripped or stripped == norm:
        return [norm]
    marked = re.search(
        r"[\"”’'」』]\s*(?:이라고|라고|고|이라며|라며|며|면서)[가-힣\s]*\.?\s*$", quote.strip()
    )
    if marked:  # cut exactly at the closing quotation mark
        inner, _ = _normalise_with_map(quote.strip()[: marked.start()])
        return [inner, norm]
    return [norm, stripped]


def find_quote(quote: str, source: str) -> tuple[int, int] | None:
    """Span of ``quote`` in ``source``, ignoring whitespace and quote marks (NFC).

    A trailing reporting verb the model kept ("…라고 말했다") is tolerated. Returns None when the
    words are not in the source: such a "quote" must not be presented as one.
    """
    if len(quote.strip()) < 2:
        return None
    hay, index = _normalise_with_map(source)
    spans = []
    for needle in _quote_variants(quote):
        pos = hay.find(needle) if len(needle) >= 2 else -1
        if pos >= 0:
            spans.append((index[pos], index[pos + len(needle) - 1] + 1))
    if not spans:
        return None
    # Found both with and without a reporting verb: where the shorter one ends at a closing
    # quotation mark in the source, the verb is outside the quote.
    for start, end in sorted(spans, key=lambda sp: sp[1] - sp[0]):
        if source[end : end + 1] in _QUOTE_MARKS and source[end : end + 1] != "":
            return start, end
    return spans[0]


# --- dates --------------------------------------------------------------------------------------

_DURATIONS = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "여드레": 8,
    "아흐레": 9,
    "열흘": 10,
    "일주일": 7,
}
_DAY = r"(?:(?:(?P<{p}y>\d{{4}})\s*년\s*)?(?P<{p}m>\d{{1,2}})\s*월\s*)?(?P<{p}d>\d{{1,2}})\s*일"
_START = re.compile(r"(?P<dir>지난|오는|이번\s*달|이달)?\s*(?:현지\s*시간\s*)?" + _DAY.format(p="a"))
_RANGE_END = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:부터|~|-|–|에서)\s*" + _DAY.format(p="b"))
_DURATION = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?부터\s*(?:(?P<n>\d+)\s*일|(?P<word>" + "|".join(_DURATIONS) + r"))\s*(?:간|동안)"
)
_FULL_DOTS = re.compile(r"(?P<y>\d{4})\s*[.\-/]\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<d>\d{1,2})")

_REL_MONTH = [(r"지난\s*달", -1), (r"다음\s*달", 1), (r"이번\s*달|이달", 0)]
_REL_YEAR = [(r"지난\s*해|작년", -1), (r"내년|다음\s*해", 1), (r"올해|금년", 0)]
_SHORT_RANGE = re.compile(r"(\d{1,2})\s*[~\-–]\s*(\d{1,2})\s*일")

MONTH_NOTE = "month not stated in source; taken from the publication date"
YEAR_NOTE = "year not stated in source; taken from the publication date"


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_date(text: str | None, published: dt.date | None) -> DateSpan:
    """Resolve a date expression as stated in Korean against the publication date.

    "지난 21일부터 나흘간" published 2023-08-24 → 2023-08-21..2023-08-24; "22일" → 2023-08-22.
    A month or year the text does not give is taken from the publication date and noted; with no
    publication date it stays unknown. Nothing is guessed beyond that.
    """
    if not text or not text.strip():
        return DateSpan(text=None)
    text = unicodedata.normalize("NFC", text.strip())
    if m := _FULL_DOTS.search(text):
        exact = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        return DateSpan(text=text, start=exact, end=exact, note=None if exact else "invalid date")
    said = text
    # Relative month and year words ("지난달", "다음 달", "지난해", "내년") shift from the publication date.
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
        return DateSpan(text=said, note="no day stated")
    notes: list[str] = []
    inferred = False
    day = int(m["ad"])
    if m["am"]:
        month = int(m["am"])
        if m["ay"]:
            year = int(m["ay"])
        elif published:
            year = published.year + (year_shift or 0)
            if year_shift is None and m["dir"] and m["dir"].startswith("지난") and month > published.month:
                year -= 1
            elif year_shift is None and m["dir"] and m["dir"].startswith("오는") and month < published.month:
                year += 1
            if year_shift is None:
                notes.append(YEAR_NOTE)
        else:
            return DateSpan(text=text, note="year not stated in source and publication date unknown")
    else:
        if published is None:
            return DateSpan(text=text, note="month not stated in source and publication date unknown")
        year, month = published.year, published.month
        direction = m["dir"] or ""
        if month_shift is not None:
            year, month = _shift_month(year, month, month_shift)
        elif direction.startswith("지난") and day > published.day:
            year, month = _shift_month(year, month, -1)
        elif direction.startswith("오는") and day < published.day:
            year, month = _shift_month(year, month, 1)
        inferred = True
        notes.append(MONTH_NOTE)
    start = _safe_date(year, month, day)
    if start is None:
        return DateSpan(text=text, note=f"no such date: {year}-{month:02d}-{day:02d}")
    end = start
    rest = text[m.end() :]
    if d := _DURATION.match(rest):
        days = int(d["n"]) if d["n"] else _DURATIONS[d["word"]]
        end = start + dt.timedelta(days=max(days, 1) - 1)
    elif r := _RANGE_END.match(rest):
        e_year = int(r["by"]) if r["by"] else start.year
        e_month = int(r["bm"]) if r["bm"] else start.month
        e_day = int(r["bd"])
        if not r["bm"] and e_day < start.day:
            e_year, e_month = _shift_month(start.year, start.month, 1)
        end = _safe_date(e_year, e_month, e_day) or start
    return DateSpan(
        text=said,
        start=start,
        end=end,
        month_from_publication=inferred,
        note="; ".join(notes) or None,
    )
