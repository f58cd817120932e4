"""Date words as a sentence writes them, cut by code for ``resolve_date``.

Under ``extract@3`` the model points at the sentence that dates a stop; this module takes the
words from it: "지난달 24일부터 나흘 일정", "다음 날인 3일", "이날 오전", "같은 해 7월", "2023년",
"Jan. 7-10", "on Wednesday (local time)". A report date ("24일 밝혔다", "LG가 13일 전했다") is not
when anything happened and is skipped.
"""

from __future__ import annotations

import re

from .dates import _DURATIONS, _EN_MONTH_DAY, _EN_WEEKDAYS, _MONTH_RE, _REPORT

_PREFIX = r"(?:(?:지난|오는|이번)\s*(?:달|해|주)?|이달|다음\s*달|올해|작년|내년|금년|같은\s*해|\d{4}\s*년)\s*"
_ANAPHORA = r"(?:같은\s*날|이날|당일|그날|전날|다음\s*날|이튿날)"
_DAY = r"(?:\d{1,2}\s*[~\-–]\s*)?\d{1,2}\s*일(?!\s*(?:간|동안))"
_PERIOD = (
    r"(?:\s*\([^)]{0,12}\))?(?:\s*(?:오전|오후|저녁|밤|새벽))?"
    r"(?:\s*(?:부터|에서|~|-|–)\s*(?:(?:\d{1,2}\s*월\s*)?\d{1,2}\s*일(?:\s*\([^)]{0,12}\))?|"
    r"(?:\d+\s*박\s*)?(?:\d+\s*일|" + "|".join(_DURATIONS) + r")\s*(?:간|동안|일정|의\s*일정)?))?"
    r"(?:\s*까지)?"
)
_KOREAN = re.compile(
    rf"(?:{_ANAPHORA}인?\s*)?(?:{_PREFIX}){{0,2}}(?:\d{{1,2}}\s*월\s*)?(?<![\d박]){_DAY}{_PERIOD}"
    rf"|{_ANAPHORA}(?:\s*(?:오전|오후|저녁|밤|새벽))?"
    rf"|(?:{_PREFIX}){{1,2}}\d{{1,2}}\s*월(?!\s*\d)(?:\s*(?:초|중순|말))?"
    r"|(?<!\d)(?:19|20)\d{2}\s*년(?!\s*(?:\d|까지|목표|이후|부터|전|이내|안에))"
    r"|지난\s*주|이번\s*주|다음\s*주"
    r"|(?:지난\s*달|이달|이번\s*달|다음\s*달)(?!\s*\d)(?:\s*(?:초|중순|말))?"  # that whole month
    r"|(?<!\d)\d{4}\s*[.\-/]\s*\d{1,2}\s*[.\-/]\s*\d{1,2}(?!\d)"
)
_ENGLISH = re.compile(
    _EN_MONTH_DAY.pattern
    + r"|(?:(?:last|next|this|on)\s+)?(?:"
    + "|".join(_EN_WEEKDAYS)
    + r")(?:\s*\(local time\))?"
    + r"|(?:last|this|next)\s+week|\b[Ii]n\s+"
    + _MONTH_RE.replace("?P<mon>", "?:")
    + r"(?:\s+\d{4})?",
    re.IGNORECASE,
)


def date_words(sentence: str, before: int | None = None) -> str | None:
    """The event date words in ``sentence``: the first, or with ``before`` the last that starts
    before that offset (the date nearest before a place). None when it names no date."""
    found = None
    for m in sorted([*_KOREAN.finditer(sentence), *_ENGLISH.finditer(sentence)], key=lambda m: m.start()):
        if _REPORT.match(sentence, m.end()) or (before is not None and m.start() >= before):
            continue
        if found is not None and before is None:
            break
        found = m[0].strip()
    return found
