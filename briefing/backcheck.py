"""A translation read back against its Korean paragraph: what the English states must come from it.

The forward checks (every Korean number and directory name reappears) catch what a translation
leaves out; these catch what it adds or changes: a number, a day or a month the Korean does not
give, a directory person the paragraph does not name, a romanised name that is nobody's. Names are
also done first by code: ``prefill`` writes the directory's English forms into the Korean before the
model sees it, and ``put_right`` replaces a wrong form of a paragraph's one directory person.
Pure functions, tested as code.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Sequence
from decimal import Decimal

from .glossary import _SURNAME_FORMS, _SURNAMES, TITLE_WORDS, Entry, Glossary, name_pattern
from .numbers import english_numbers, korean_numbers
from .places import Place, default_gazetteer

# English month words and abbreviations → month number; the summary check reads the same table.
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
MONTHS["sept"] = 9
MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
_EN_DATE = re.compile(
    rf"\b({MONTH_WORDS})\.?(?:\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{{1,2}}))?)?\b", re.IGNORECASE
)
_KO_MONTH = re.compile(r"(\d{1,2})\s*월")
_KO_DAY = re.compile(r"(\d{1,2})\s*일")
_KO_RELATIVE_MONTH = re.compile(r"지난달|전달|지난\s*달|다음\s*달|다음달|오는\s*달|이달|이번\s*달")
_NAME_LIKE = re.compile(r"\b[A-Z][a-zA-Z.]*(?:[ -][A-Z][a-zA-Z.]*){1,2}(?:-[a-z]+)?\b")
_TITLES_EN = {"chairman", "ceo", "president", "vice", "chief", "mr", "ms", "dr", "executive", "head", "lg"}
_ROMANISED = re.compile(r"\b[A-Z][a-z]{1,5} [A-Z][a-z]+-[a-z]+\b")


def surname_en(entry: Entry) -> str | None:
    """The word of the official English form that is the surname ("Cho" in "William Cho")."""
    forms = set(_SURNAME_FORMS.get(entry.ko[0], "").split()) | {_SURNAMES.get(entry.ko[0], "").lower()}
    return next((w for w in re.split(r"[\s]+", entry.en) if w.lower().strip(".") in forms), None)


def named_in(ko: str, glossary: Glossary, cast: Sequence[Entry] = ()) -> list[Entry]:
    """The directory people a Korean paragraph names: in full, or (``cast``: the article's
    directory people) by surname and title, "구 회장", when one of the cast has that surname."""
    named = list(glossary.people_in(ko))
    for e in cast:
        if e in named or not re.fullmatch(r"[가-힣]{2,4}", e.ko):
            continue
        if sum(1 for c in cast if c.ko[:1] == e.ko[:1]) == 1 and _short_form(e.ko).search(ko):
            named.append(e)
    return named


def _short_form(name_ko: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![가-힣A-Za-z]){re.escape(name_ko[0])}\s?(?=(?:{TITLE_WORDS})(?:[은는이가의을를과와도께]|[^가-힣]|$))"
    )


def prefill(ko: str, glossary: Glossary, cast: Sequence[Entry] = ()) -> str:
    """``ko`` with the directory people it names written in their official English forms: full
    names ("조주완" → "William Cho") and surname-and-title forms ("조 사장" → "Cho 사장")."""
    people = named_in(ko, glossary, cast)
    out = ko
    for e in people:
        if not re.search(r"[가-힣]", e.ko):
            continue
        out = name_pattern(e.ko).sub(e.en, out)
    for e in people:
        surname = surname_en(e)
        same = [p for p in people if p.ko[:1] == e.ko[:1]]
        if surname and len(same) == 1 and re.fullmatch(r"[가-힣]{2,4}", e.ko):
            out = _short_form(e.ko).sub(surname + " ", out)
    return out


def _months_allowed(ko: str, published: dt.date | None) -> set[int]:
    months = {int(m) for m in _KO_MONTH.findall(ko) if 1 <= int(m) <= 12}
    if published is not None and (_KO_DAY.search(ko) or _KO_RELATIVE_MONTH.search(ko)):
        # "지난 21일", "지난달 24일": the month the page leaves to its date, or one either side
        for delta in (-1, 0, 1):
            months.add((published.month - 1 + delta) % 12 + 1)
    return months


def check_back(
    ko: str, en: str, glossary: Glossary, published: dt.date | None = None, cast: Sequence[Entry] = ()
) -> list[str]:
    """What the English states that its Korean paragraph does not: numbers, days, months and
    people. Each is one issue line."""
    issues: list[str] = []
    ko_values = {n.value.normalize() for n in korean_numbers(ko)}
    ko_values |= {Decimal(d).normalize() for d in re.findall(r"\d+(?:\.\d+)?", ko.replace(",", ""))}  # "No.1"
    ko_days = {int(d) for d in _KO_DAY.findall(ko)}
    months = _months_allowed(ko, published)
    dated = set()
    for m in _EN_DATE.finditer(en):
        word = m[1]
        if not word[0].isupper():
            continue  # "may", "march": verbs; a month is capitalised
        if word == "May" and m[2] is None and not _KO_MONTH.search(ko):
            continue  # "May" opening a sentence as the verb
        if MONTHS[word.lower()] not in months:
            issues.append(f"date: {m[0]!r} is not in the Korean")
            continue
        for day in filter(None, (m[2], m[3])):
            dated.add(m.start(2) if day == m[2] else m.start(3))
            if int(day) not in ko_days:
                issues.append(f"date: {m[0]!r}: the Korean gives no day {day}")
    for n in english_numbers(en):
        if n.start in dated or n.value.normalize() in ko_values:
            continue
        if re.fullmatch(r"[a-z]+", n.text.lower()):
            continue  # "one", "first": words, not figures the Korean must hold
        issues.append(f"number: {n.text!r} is not in the Korean")
    named = named_in(ko, glossary, cast)
    for e in glossary.people_in(en):
        if e not in named:
            issues.append(f"name: {e.en} is not named in the Korean")
    issues += _added_context(ko, en, glossary, named)
    known = {w.lower() for e in named for w in re.split(r"[\s-]+", e.en)}
    for m in _ROMANISED.finditer(en):
        words = {w.lower() for w in re.split(r"[\s-]+", m[0])}
        if not words & known and glossary.lookup_latin(m[0]) is None:
            issues.append(f"name: {m[0]!r} is not a person the Korean names")
    return issues


# English titles and the Korean words that give them; a directory person's own title gives it too.
_TITLES_BACK = {
    "vice chairman": r"부회장", "chairman": r"(?<!부)회장", "ceo": r"CEO|최고경영자|대표|사장",
    "cto": r"CTO|최고기술책임자", "cfo": r"CFO|최고재무책임자", "cho": r"CHO|최고인사책임자",
    "coo": r"COO|최고운영책임자", "chief technology officer": r"CTO|최고기술책임자",
    "chief executive": r"CEO|최고경영자|대표|사장", "chief financial officer": r"CFO|최고재무책임자",
}  # fmt: skip
_TITLE_EN = re.compile(  # acronyms in capitals only: "Cho" is a surname, "CHO" a title
    r"\b(?:(?i:"
    + "|".join(sorted((t for t in _TITLES_BACK if " " in t or len(t) > 3), key=len, reverse=True))
    + r")|"
    + "|".join(t.upper() for t in _TITLES_BACK if " " not in t and len(t) <= 3)
    + r")\b"
)


@functools.lru_cache(maxsize=8)
def _term_table(glossary: Glossary) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Each written form of a glossary term (official or variant) -> its Korean forms, and -> the
    official English form; built once per glossary (the read-back runs for every quote)."""
    terms: dict[str, set[str]] = {}
    official: dict[str, str] = {}
    for e in glossary.entries:
        if e.person:
            continue
        ko_form = re.sub(r"\s+", "", e.ko)  # and without its division word: "LG화학 생명과학본부"
        for form in (e.en, *e.variants):
            terms.setdefault(form, set()).update(
                {ko_form, re.sub(r"(?:사업본부|본부|사업부|부문)$", "", ko_form)}
            )
            official.setdefault(form, e.en)
    return terms, official


def _added_context(ko: str, en: str, glossary: Glossary, named: Sequence[Entry]) -> list[str]:
    """Context a translation adds that its paragraph does not give: an LG company or another term
    of the glossary, a place, a title. A company or title the paragraph's directory people hold is
    theirs to carry ("LG Electronics CEO William Cho" for "조 사장"); the Korean gives the rest."""
    issues = []
    compact = re.sub(r"\s+", "", ko)
    terms, official = _term_table(glossary)
    held = {(r.company or "").lower() for e in named for r in e.roles}
    taken: list[tuple[int, int]] = []
    for form in sorted(terms, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", en):
            if any(a <= m.start() < b for a, b in taken):
                continue  # "LG Electronics" inside "LG Electronics North America Tech Conference"
            taken.append((m.start(), m.end()))
            name = official[form]
            if any(f in compact for f in terms[form]) or form.replace(" ", "") in compact:
                continue
            if any(h and (h in name.lower() or name.lower() in h) for h in held):
                continue
            line = f"{'organisation' if name.startswith('LG ') else 'term'}: {name} is not in the Korean"
            if line not in issues:
                issues.append(line)
    gazetteer = default_gazetteer()
    here = [m.place for m in gazetteer.mentions(ko)]
    for p in dict.fromkeys(m.place for m in gazetteer.mentions(_ORG_NAMES.sub(" ", en))):
        if p.kind == "country" and p.country == "South Korea":
            continue  # "South Korea's LG": context every reader has
        line = f"place: {p.name} is not in the Korean"
        if not any(_same_place(p, q) for q in here) and line not in issues:
            issues.append(line)
    roles = " ".join(r.title for e in named for r in e.roles).lower()
    for title in dict.fromkeys(x[0].lower() for x in _TITLE_EN.finditer(en)):
        if not re.search(_TITLES_BACK[title], ko) and title not in roles:
            issues.append(f"title: {title!r} is not in the Korean")
    return issues


# Places inside an organisation's name ("New York University", "University of Southern California").
_ORG_NAMES = re.compile(
    r"\b(?:University|College|Institute|School) of (?:[A-Z][a-z]+ ?){1,3}"
    r"|\b(?:[A-Z][a-z]+ ){1,3}(?:State )?(?:University|College|Institute|Bank|Times|Post|Journal)\b"
)


def _same_place(p: Place, q: Place) -> bool:
    if p.kind == "country":
        return q.country == p.country
    if p.kind == "region":
        return q.region == p.region and q.country == p.country
    return p.name == q.name or bool(p.city and p.city == q.city)


def put_right(ko: str, en: str, glossary: Glossary, cast: Sequence[Entry] = ()) -> tuple[str, list[str]]:
    """Directory names the translation got wrong, replaced by their official forms: a directory
    person the Korean does not name, or a name-like phrase with a person's surname that is not
    their form, becomes the paragraph's one directory person of that surname. Returns the text and
    what was changed."""
    named = named_in(ko, glossary, cast)
    changes: list[str] = []
    for e in glossary.people_in(en):
        if e in named:
            continue
        missing = [p for p in named if p.en.lower() not in en.lower()]
        if len(missing) == 1:
            en = re.sub(re.escape(e.en), missing[0].en, en)
            changes.append(f"name: {e.en} put right as {missing[0].en}")
    for person in named:
        surname = surname_en(person)
        if surname is None or person.en.lower() in en.lower():
            continue
        forms = set(_SURNAME_FORMS.get(person.ko[0], "").split()) | {surname.lower()}
        rivals = [p for p in named if p is not person and p.ko[:1] == person.ko[:1]]
        if rivals:
            continue
        for m in list(_NAME_LIKE.finditer(en)):
            words = [w.lower().strip(".") for w in re.split(r"[\s-]+", m[0])]
            if set(words) & _TITLES_EN:
                continue  # "Chairman Koo": a title and a surname, not a wrong name
            if len(words) >= 2 and forms & set(words) and glossary.lookup_latin(m[0]) is None:
                en = en.replace(m[0], person.en)
                changes.append(f"name: {m[0]!r} put right as {person.en}")
                break
    return en, changes
