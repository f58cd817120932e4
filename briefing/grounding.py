"""The executive summary checked against the merged facts: every name, place and date a sentence
states must be one of them; a sentence that is not, or that says a four-word phrase twice (a
small model's loop), is dropped, with a warning; a bullet said twice is kept once.

The summary is the one part of the page the model writes freely, so code reads it back: month and
day words and ISO dates must fall inside a stop's dates (or name a month or year one touches),
places the gazetteer knows must be a stop's city, region or country, and people (the directory's,
romanised Korean names, a name after a title such as "CEO" or "Minister") must be people of the
facts. Pure: no model call.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from .backcheck import MONTH_WORDS, MONTHS
from .glossary import Glossary
from .models import MergedData, Synthesis
from .places import Gazetteer

_MONTH_DAY = re.compile(
    rf"\b({MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{{1,2}}))?\b", re.I
)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({MONTH_WORDS})\b", re.I)
_MONTH_ONLY = re.compile(rf"\b({MONTH_WORDS})\b(?!\.?\s+\d)", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_ROMANISED = re.compile(r"\b[A-Z][a-z]{1,5} [A-Z][a-z]+-[a-z]+\b")  # "Kim Byoung-hoon": a Korean name
_TITLED = re.compile(
    r"\b(?:CEO|Chairman|Chairwoman|President|Vice Chairman|Minister|Secretary|Governor|Mayor|"
    r"Ambassador|Mr\.|Ms\.|Dr\.)\s+(?P<name>[A-Z][a-z]+(?:[ -][A-Z]?[a-z]+){1,2})"
)


class _Facts:
    """What the merged data lets a summary say."""

    def __init__(self, merged: MergedData) -> None:
        self.days: list[tuple[dt.date, dt.date]] = []
        self.people: set[str] = set()
        self.places: set[str] = set()
        for s in merged.stops:
            if s.dates.start:
                self.days.append((s.dates.start, s.dates.end or s.dates.start))
            # a city is said by its name; a region or country by its own or by a city's in it
            self.places |= {x.lower() for x in (s.city, s.region, s.country) if x}
            self.people |= {p.name_en for p in s.people_met} | {s.leader_en}
        for x in merged.leaders:
            self.people.add(x.name_en)
        for st in merged.statements:
            self.people.add(st.speaker_en)
        self.years = {d.year for a, b in self.days for d in (a, b)}
        self.months = {(d.year, d.month) for a, b in self.days for d in _months(a, b)}

    def has_day(self, month: int, day: int) -> bool:
        return any(
            a <= dt.date(y, month, day) <= b
            for a, b in self.days
            for y in {a.year, b.year}
            if _valid(y, month, day)
        )

    def has_month(self, month: int) -> bool:
        return any(m == month for _, m in self.months)

    def person(self, name: str) -> bool:
        key = _key(name)
        return any(key == _key(p) or key in _key(p).split() or _key(p) in key for p in self.people if p)


def _key(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower().replace("-", " ")).strip()


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def _months(a: dt.date, b: dt.date) -> Iterable[dt.date]:
    d = a.replace(day=1)
    while d <= b:
        yield d
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def unsupported(sentence: str, facts: _Facts, glossary: Glossary, gazetteer: Gazetteer) -> str | None:
    """Why ``sentence`` states something the facts do not hold, or None when all of it is there."""
    for m in _MONTH_DAY.finditer(sentence):
        if not m[1][0].isupper():
            continue  # "may", "march": verbs; a month is capitalised
        month = MONTHS[m[1].lower()]
        for day in filter(None, (m[2], m[3])):
            if not facts.has_day(month, int(day)):
                return f"the date {m[0]!r}"
    for m in _DAY_MONTH.finditer(sentence):
        if not m[2][0].isupper():
            continue
        if not facts.has_day(MONTHS[m[2].lower()], int(m[1])):
            return f"the date {m[0]!r}"
    for m in _ISO.finditer(sentence):
        y, mo, d = (int(x) for x in m.groups())
        if not _valid(y, mo, d) or not any(a <= dt.date(y, mo, d) <= b for a, b in facts.days):
            return f"the date {m[0]!r}"
    for m in _MONTH_ONLY.finditer(sentence):
        if not m[1][0].isupper():
            continue  # the verb "may", the verb "march"
        if not facts.has_month(MONTHS[m[1].lower()]):
            return f"the month {m[1]!r}"
    for m in _YEAR.finditer(sentence):
        if int(m[1]) not in facts.years:
            return f"the year {m[1]!r}"
    for mention in gazetteer.mentions(sentence):
        place = mention.place
        said = (place.city or place.region or place.country).lower()
        if said not in facts.places:
            return f"the place {place.label!r}"
    for entry in glossary.people_in(sentence):
        if not facts.person(entry.en):
            return f"the name {entry.en!r}"
    for m in _ROMANISED.finditer(sentence):
        phrase = m[0]
        if not facts.person(phrase):
            return f"the name {phrase!r}"
    for m in _TITLED.finditer(sentence):  # "CEO Jane Doe", "Minister Kim": a person, named
        if not facts.person(m["name"]) and glossary.lookup_latin(m["name"]) is None:
            return f"the name {m['name']!r}"
    return None


def _loop(sentence: str) -> str | None:
    """A phrase of four words said twice in one sentence: a loop, or a comparison so mechanical
    ("X's visits were focused on …, while Y's visits were focused on …") that it says little."""
    words = re.findall(r"[\w'’-]+", sentence.lower())
    grams = [" ".join(words[i : i + 4]) for i in range(len(words) - 3)]
    repeated = next((g for i, g in enumerate(grams) if g in grams[:i]), None)
    return f"the phrase {repeated!r} twice" if repeated else None


def check_summary(
    synthesis: Synthesis, merged: MergedData, glossary: Glossary, gazetteer: Gazetteer
) -> tuple[Synthesis, list[str]]:
    """The synthesis without sentences that state a name, place or date not in ``merged``, and a
    warning for each one dropped."""
    facts = _Facts(merged)
    warnings: list[str] = []

    def keep(lines: list[str], part: str) -> list[str]:
        out = []
        for line in lines:
            kept = []
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.strip()):
                missing = unsupported(sentence, facts, glossary, gazetteer)
                why = f"{missing} is not in the facts" if missing else _loop(sentence)
                if why is None:
                    kept.append(sentence)
                else:
                    warnings.append(f"executive {part}: a sentence dropped: {why} ({sentence[:60]!r})")
            if kept and " ".join(kept) not in out:  # a bullet said twice is said once
                out.append(" ".join(kept))
        return out

    checked = Synthesis(
        summary=keep(synthesis.summary, "summary"),
        common_threads=keep(synthesis.common_threads, "common threads"),
        differences=keep(synthesis.differences, "differences"),
    )
    return checked, warnings
