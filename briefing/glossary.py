"""Names in official English: a glossary data file, applied in code after extraction.

Unknown Korean names are romanised (Revised Romanization, surname conventions) and flagged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Entry:
    ko: str
    en: str
    display: str
    title: str | None
    company: str | None
    variants: tuple[str, ...]
    person: bool


@dataclass(frozen=True)
class Name:
    """An English name for a Korean one; ``official`` when it came from the glossary."""

    ko: str
    en: str
    official: bool
    title: str | None = None
    company: str | None = None


@dataclass(frozen=True)
class Place:
    ko: str
    city: str
    region: str | None
    country: str


_TITLES = re.compile(
    r"\s*(?:회장|부회장|사장|부사장|대표|대표이사|전무|상무|본부장|원장|센터장|법인장|최고경영자|CEO|CTO|CHO|CFO|COO|CSAI)\s*$"
)


def strip_title(name: str) -> str:
    """ "김병훈 CTO" → "김병훈"; "구 회장" → "구" (an abbreviation, resolved elsewhere)."""
    return _TITLES.sub("", name.strip())


class Glossary:
    def __init__(self, entries: list[Entry], places: list[Place] | None = None) -> None:
        self.entries = entries
        self.places = places or []
        self.by_ko = {e.ko: e for e in entries}
        self._by_compact = {e.ko.replace(" ", ""): e for e in entries}

    @classmethod
    def from_json(cls, text: str) -> Glossary:
        data = json.loads(text)
        entries: list[Entry] = []
        for kind in ("people", "terms"):
            for item in data.get(kind, []):
                entries.append(
                    Entry(
                        ko=item["ko"],
                        en=item["en"],
                        display=item.get("display", item["en"]),
                        title=item.get("title"),
                        company=item.get("company"),
                        variants=tuple(item.get("variants", [])),
                        person=kind == "people",
                    )
                )
        places = [Place(p["ko"], p["city"], p.get("region"), p["country"]) for p in data.get("places", [])]
        return cls(entries, places)

    def place(self, written: str) -> Place | None:
        """The place a Korean place name (or a longer phrase containing it) refers to."""
        compact = written.replace(" ", "")
        hits = [p for p in self.places if p.ko in compact]
        return max(hits, key=lambda p: len(p.ko)) if hits else None

    @staticmethod
    def is_person_name(name: str) -> bool:
        """A person's name as written: 2-4 Hangul syllables, or a few Hangul words for a foreign
        name; not a phrase, a role or a romanisation."""
        name = _TITLES.sub("", name.strip())
        return bool(re.fullmatch(r"[가-힣]{2,4}|[가-힣]{1,6}(?: [가-힣]{1,6}){1,2}", name))

    def lookup(self, name_ko: str) -> Entry | None:
        return self._by_compact.get(re.sub(r"\s+", "", name_ko))

    def person_name(self, name_ko: str, model_en: str | None = None) -> Name:
        """Official name if known; else the model's Latin rendering or a romanisation, flagged."""
        name_ko = name_ko.strip()
        entry = self.lookup(name_ko)
        if entry is not None:
            return Name(name_ko, entry.en, True, entry.title, entry.company)
        if model_en and re.fullmatch(r"[A-Za-z .,'\-()]+", model_en.strip()):
            return Name(name_ko, model_en.strip(), False)
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
