"""Names in official English: a glossary data file, applied in code after extraction.

Unknown Korean names are romanised (Revised Romanization, surname conventions) and flagged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Role:
    """A title held at a company from ``start`` to ``end`` (months, inclusive; None = open)."""

    title: str
    company: str | None
    start: dt.date | None = None
    end: dt.date | None = None

    def held_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Entry:
    ko: str
    en: str
    display: str
    roles: tuple[Role, ...]
    variants: tuple[str, ...]
    person: bool

    def role_on(self, day: dt.date | None) -> Role | None:
        """The role held on ``day`` (the latest one that began by then); the current one without a day."""
        if not self.roles:
            return None
        if day is None:
            return self.roles[-1]
        held = [r for r in self.roles if r.held_on(day)]
        if held:
            return max(held, key=lambda r: r.start or dt.date.min)
        earlier = [r for r in self.roles if r.start is None or r.start <= day]
        return earlier[-1] if earlier else self.roles[0]

    @property
    def title(self) -> str | None:
        return self.roles[-1].title if self.roles else None

    @property
    def company(self) -> str | None:
        return self.roles[-1].company if self.roles else None


@dataclass(frozen=True)
class Name:
    """An English name for a Korean one; ``official`` when it came from the directory."""

    ko: str
    en: str
    official: bool
    title: str | None = None
    company: str | None = None


# Titles a company's executive holds; the rest of the title words are public office and address.
CORPORATE_TITLES = "회장|부회장|사장|부사장|대표|대표이사|전무|상무|본부장|원장|센터장|법인장|최고경영자|CEO|CTO|CHO|CFO|COO|CSAI"
_TITLE_WORDS = (
    CORPORATE_TITLES + "|"
    "대통령|부통령|총리|부총리|장관|차관|차관보|국장|주지사|부지사|지사|시장|부시장|군수|대사|총영사|영사|"
    "의원|상원의원|하원의원|위원장|의장|총재|청장|국왕|왕세자|회장님|씨"
)
TITLE_WORDS = _TITLE_WORDS
_TITLES = re.compile(rf"\s*(?:{_TITLE_WORDS})\s*$")
# What may follow a name in Korean prose: a particle, a title, punctuation; never more syllables
# of a longer word (이동수 is not in 이동수단).
_AFTER_NAME = re.compile(
    rf"(?:[^가-힣]|$|(?:은|는|이|가|을|를|의|에|와|과|도|만|께|로|측|님|씨|{_TITLE_WORDS}))"
)
_GROUPS = re.compile(
    r"(?:임직원|관계자|경영진|직원들?|임원들?|고객들?|참석자|주민|학생|대표단|사절단|기자단|협력사|의원단|사장단|"
    r"\d|여\s*명|들$)"
)
# Titles and roles that stand next to a person's name in news prose: a named person, not a phrase.
ROLE = re.compile(
    rf"(?:{_TITLE_WORDS}|부사장|이사|위원|고문|자문역|담당|책임자?|교수|과학자|의장|연구원|기자|"
    r"[가-힣]{0,8}장(?![가-힣])|[가-힣]{0,6}(?:대표|대사|의원|지사))"
)
_LATIN_PERSON = re.compile(r"[A-Z][a-zA-Z'.-]+(?:[ -][A-Z][a-zA-Z'.-]+){1,3}")


def strip_title(name: str) -> str:
    """ "김병훈 CTO" → "김병훈"; "구 회장" → "구" (an abbreviation, resolved elsewhere)."""
    return _TITLES.sub("", name.strip())


def name_pattern(name_ko: str) -> re.Pattern[str]:
    """A Korean name in prose, spacing aside, as a whole word (particles and titles may follow)."""
    chars = [re.escape(c) for c in re.sub(r"\s+", "", name_ko)]
    return re.compile(r"(?<![가-힣])" + r"\s*".join(chars) + rf"(?={_AFTER_NAME.pattern})")


def names_in(text: str, name_ko: str) -> bool:
    return name_pattern(name_ko).search(text) is not None


def _month(value: str | None, end: bool = False) -> dt.date | None:
    if not value:
        return None
    year, month = (int(x) for x in value.split("-")[:2])
    if not end:
        return dt.date(year, month, 1)
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


class Glossary:
    """The LG leadership directory (people with dated roles) and fixed terms, from ``glossary.json``."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_ko = {e.ko: e for e in entries}
        self._by_compact = {e.ko.replace(" ", ""): e for e in entries}
        self._by_latin: dict[str, Entry] = {}
        self._people_seen: dict[str, list[Entry]] = {}
        for e in entries:
            if e.person:
                for form in (e.en, e.display, *e.variants):
                    self._by_latin.setdefault(_latin_key(form), e)

    @classmethod
    def from_json(cls, text: str) -> Glossary:
        data = json.loads(text)
        entries: list[Entry] = []
        for kind in ("people", "terms"):
            for item in data.get(kind, []):
                roles = [
                    Role(r["title"], r.get("company"), _month(r.get("from")), _month(r.get("to"), end=True))
                    for r in item.get("roles", [])
                ]
                if not roles and item.get("title"):
                    roles = [Role(item["title"], item.get("company"))]
                roles.sort(key=lambda r: r.start or dt.date.min)
                entries.append(
                    Entry(
                        ko=item["ko"],
                        en=item["en"],
                        display=item.get("display") or item["en"],
                        roles=tuple(roles),
                        variants=tuple(item.get("variants", [])),
                        person=kind == "people",
                    )
                )
        return cls(entries)

    def people_in(self, text: str) -> list[Entry]:
        """Directory people named in ``text``: Korean names as whole words, or English forms.
        Remembered for the last few texts: merging asks it for every name of an article."""
        if (hit := self._people_seen.get(text)) is not None:
            return hit
        compact = re.sub(r"\s+", "", text)
        found = [
            e for e in self.entries if e.person and e.ko.replace(" ", "") in compact and names_in(text, e.ko)
        ]
        if re.search(r"[A-Za-z]{3}", text):
            for e in self.entries:
                if e.person and e not in found and any(_latin_in(text, f) for f in (e.en, *e.variants)):
                    found.append(e)
        if len(self._people_seen) > 64:
            self._people_seen.clear()
        self._people_seen[text] = found
        return found

    def lookup_latin(self, name_en: str) -> Entry | None:
        """The directory person an English name refers to ("William Cho", "Cho Joo-wan")."""
        return self._by_latin.get(_latin_key(name_en))

    @staticmethod
    def is_person_name(name: str) -> bool:
        """A person's name as written: 2-4 Hangul syllables, or a few Hangul words for a foreign
        name; not a phrase, a role or a romanisation."""
        name = _TITLES.sub("", name.strip())
        if _LATIN_PERSON.fullmatch(name):
            return True  # as English coverage writes a name: "Jim Keller", "Kim Dong-myung"
        if _GROUPS.search(name):
            return False  # "의원 15명", "임직원", "경영진": groups, not people
        return bool(re.fullmatch(r"[가-힣]{2,4}|[가-힣]{1,6}(?: [가-힣]{1,6}){1,3}", name))

    def lookup(self, name_ko: str) -> Entry | None:
        return self._by_compact.get(re.sub(r"\s+", "", name_ko))

    def person_name(self, name_ko: str, model_en: str | None = None, on: dt.date | None = None) -> Name:
        """Official name and the title held ``on`` that day if known; else the model's Latin
        rendering or a romanisation, flagged."""
        name_ko = name_ko.strip()
        entry = self.lookup(name_ko) or (self.lookup_latin(name_ko) if not _HANGUL.search(name_ko) else None)
        if entry is not None:
            role = entry.role_on(on)
            return Name(
                entry.ko, entry.en, True, role.title if role else None, role.company if role else None
            )
        if not _HANGUL.search(name_ko):
            return Name(name_ko, name_ko, False)  # as English coverage writes it
        korean = re.fullmatch(r"[가-힣]{2,4}", name_ko) is not None and name_ko[0] in _SURNAMES
        latin = model_en is not None and re.fullmatch(r"[A-Za-z .'\-]+", model_en.strip()) is not None
        if latin and model_en is not None:
            spelled = model_en.strip()
            if korean and _plausible_korean(name_ko, spelled):
                return Name(name_ko, spelled, False)  # the press's spelling, checked against the Hangul
            if not korean and len(spelled.split()) == len(name_ko.split()):
                return Name(name_ko, spelled, False)  # a foreign name: its own spelling, word for word
        # Otherwise code romanises: a small model gives leaders the wrong surname, or one man two
        # spellings in one page.
        return Name(name_ko, romanise_name(name_ko), False)

    def resolve_person(self, mention: str, known: list[str]) -> str:
        """Full Korean name for an abbreviated mention ("구 회장", "조 CEO") among ``known``.

        Returns the mention unchanged when it is already a full name or is ambiguous.
        """
        mention = mention.strip()
        if self.lookup(mention) or mention in known:
            return mention
        bare = _TITLES.sub("", mention)  # "김병훈 CTO" → "김병훈"
        if bare != mention and (self.lookup(bare) or bare in known):
            return bare
        m = re.match(r"^([가-힣])\s*(?:회장|사장|부회장|대표|CEO|부사장|전무|상무|본부장|원장|씨)?$", mention)
        if m:
            hits = sorted({k for k in known if k.startswith(m[1]) and len(k) >= 2})
            if len(hits) == 1:
                return hits[0]
        return mention

    def enforce_terms(self, text_en: str) -> tuple[str, list[str]]:
        """Replace known romanisation variants in English text by official forms."""
        changes: list[str] = []
        for entry in self.entries:
            for variant in entry.variants:
                if variant.lower() == entry.en.lower():
                    continue
                pattern = re.compile(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", re.IGNORECASE)
                out: list[str] = []
                pos = 0
                for m in pattern.finditer(text_en):
                    if text_en.startswith(entry.en, m.start()) or text_en[: m.end()].endswith(entry.en):
                        continue  # already the official form, e.g. "AVEO" inside "AVEO Oncology"
                    out.append(text_en[pos : m.start()] + entry.en)
                    pos = m.end()
                    changes.append(f"{m[0]} → {entry.en}")
                text_en = "".join(out) + text_en[pos:]
        return text_en, changes


_HANGUL = re.compile(r"[가-힣]")


def _latin_key(name: str) -> str:
    return " ".join(sorted(t for t in re.split(r"[\s\-,.()]+", name.lower()) if t))


def _latin_in(text: str, form: str) -> bool:
    """An English name form in English text, as whole words ("Koo Kwang-mo", "Koo")."""
    pattern = _latin_pattern(form)
    return pattern is not None and pattern.search(text) is not None


@functools.lru_cache(maxsize=4096)
def _latin_pattern(form: str) -> re.Pattern[str] | None:
    words = [re.escape(w) for w in re.split(r"[\s-]+", form) if w]
    return re.compile(r"(?<![\w-])" + r"[\s-]?".join(words) + r"(?![\w-])") if words else None


@cache
def default_glossary() -> Glossary:
    text = resources.files("briefing").joinpath("data/glossary.json").read_text("utf-8")
    return Glossary.from_json(text)


# --- Revised Romanization for names ------------------------------------------------------------

# fmt: off
_INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_MEDIALS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_FINALS = ["", *"k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()]
_SURNAMES = {
    "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "조": "Cho", "강": "Kang",
    "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh", "서": "Seo", "신": "Shin",
    "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song", "류": "Ryu", "유": "Yoo", "전": "Jeon",
    "홍": "Hong", "고": "Ko", "문": "Moon", "양": "Yang", "손": "Son", "배": "Bae", "백": "Baek",
    "허": "Heo", "노": "Noh", "구": "Koo", "곽": "Kwak", "은": "Eun", "성": "Sung", "차": "Cha",
    "주": "Joo", "우": "Woo", "민": "Min", "남": "Nam", "하": "Ha", "심": "Shim", "변": "Byun",
    "진": "Jin", "원": "Won", "현": "Hyun", "방": "Bang", "공": "Kong", "도": "Do", "석": "Seok",
}
# fmt: on


_SURNAME_FORMS = {
    "이": "lee yi rhee ri i", "박": "park bak pak", "최": "choi choe", "정": "jung jeong chung cheong",
    "조": "cho jo joh", "강": "kang gang", "윤": "yoon yun", "장": "jang chang", "임": "lim im rim",
    "오": "oh o", "신": "shin sin", "권": "kwon gwon", "안": "ahn an", "류": "ryu yoo yu lyu ryoo",
    "유": "yoo yu ryu", "전": "jeon chun jun", "고": "ko go koh", "문": "moon mun", "손": "son sohn",
    "배": "bae pae", "백": "baek paik paek", "구": "koo gu ku", "김": "kim gim", "주": "joo ju chu",
    "현": "hyun hyeon", "서": "seo suh", "성": "sung seong", "노": "noh no roh", "허": "heo huh",
}  # fmt: skip


_SOUND_FOLDS = [("-", ""), ("oo", "u"), ("ou", "u"), ("eo", "o"), ("ae", "e"), ("ee", "i"), ("ea", "e"),
                ("wo", "o"), ("sh", "s"), ("ch", "j"), ("g", "k"), ("b", "p"), ("d", "t"), ("r", "l")]  # fmt: skip


def _sound(spelling: str) -> str:
    """Romanisation variants folded together: "Soo-young" and "Su-yeong" sound alike."""
    out = spelling.lower()
    for a, b in _SOUND_FOLDS:
        out = out.replace(a, b)
    return out


def _plausible_korean(name_ko: str, spelled: str) -> bool:
    """An English spelling of a Korean name that keeps its surname and sounds like its given name
    ("Jeong Cheol-dong", "Cheol-dong Jeong"); "Jo Suwon" for 조주완 is not one."""
    import difflib

    words = [w.lower() for w in re.split(r"[\s]+", spelled) if w]
    if not 2 <= len(words) <= 3:
        return False
    surnames = set(_SURNAME_FORMS.get(name_ko[0], "").split()) | {_SURNAMES[name_ko[0]].lower()}
    for i in (0, -1):
        if words[i] in surnames:
            given = _sound("".join(w for j, w in enumerate(words) if j != (i % len(words))))
            ours = _sound(romanise_syllables(name_ko[1:]))
            return difflib.SequenceMatcher(None, given, ours).ratio() >= 0.6
    return False


def romanise_syllables(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            ini, med, fin = code // 588, (code % 588) // 28, code % 28
            out.append(_INITIALS[ini].replace("-", "") + _MEDIALS[med] + _FINALS[fin])
        else:
            out.append(ch)
    return "".join(out)


def romanise_name(name_ko: str) -> str:
    """ "홍길동" → "Hong Gil-dong". Foreign names written in Hangul come out syllable by syllable."""
    name_ko = name_ko.strip()
    if " " in name_ko or not re.fullmatch(r"[가-힣]{2,4}", name_ko):
        return " ".join(romanise_syllables(part).capitalize() for part in name_ko.split())
    surname = _SURNAMES.get(name_ko[0], romanise_syllables(name_ko[0]).capitalize())
    given = "-".join(romanise_syllables(s) for s in name_ko[1:])
    return f"{surname} {given.capitalize()}"
