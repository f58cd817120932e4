"""Places in code: a gazetteer (``data/places.json``) maps a place as written to city, region, country.

The most specific place named wins (a venue or a city over its state, a state over its country),
and a name never matches inside a longer place name or a longer word: in "워싱턴주 레드먼드" the
stop is Redmond, Washington, not Washington, D.C.; 조지아주 is the US state, not the country.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

Kind = Literal["venue", "district", "city", "event", "region", "country"]
_SPECIFIC: dict[str, int] = {"venue": 0, "district": 1, "city": 2, "event": 3, "region": 4, "country": 5}
_HANGUL = re.compile(r"[가-힣]")
# Where a name may start: a word's first syllable, or any character that is not a syllable.
_NAME_START = re.compile(r"(?<![가-힣])[가-힣]|[^가-힣\s]")
# Administrative suffixes: "조지아주" is a state even where the gazetteer only knows 조지아 the country.
# A place's name at the head of an organisation's ("뉴욕대학교", "부산은행"): not where anyone is.
_ORG_SUFFIX = re.compile(r"(?:대학교|대학원|대학(?!가|로)|은행(?!회관)|일보|신문(?!로)|방송)")
_ADMIN_SUFFIX = re.compile(
    r"(?:카운티|주|州|省)(?!식|요|최|관|재|력|년|간|말|목|문|장|총|가|주|민|택|행|사|도|인|류)"
)


@dataclass(frozen=True)
class Place:
    """Where a stop is: ``city`` is None for a stop known only by its region or country."""

    name: str
    kind: Kind
    city: str | None
    region: str | None
    country: str

    @property
    def label(self) -> str:
        return ", ".join(p for p in (self.city, self.region, self.country) if p)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    place: Place


class Gazetteer:
    """Korean and English place names → ``Place``; ``find`` picks the most specific one named."""

    def __init__(
        self, places: list[tuple[list[str], list[str], Place]], not_places: list[str] | None = None
    ) -> None:
        self._traps = [_norm(w) for w in not_places or []]
        self._names: dict[str, Place] = {}
        self._latin: dict[str, Place] = {}
        for ko_names, en_names, place in places:
            for name in ko_names:
                self._names.setdefault(_norm(name), place)
            for name in en_names:
                self._latin.setdefault(name.lower(), place)
        ko = sorted(self._names, key=len, reverse=True)
        # names by their first two characters, longest first: trying a 4,000-name alternation at
        # every character of a chunk cost ~10 ms; a dictionary look-up per character does not
        self._by_prefix: dict[str, list[str]] = {}
        for n in ko:
            self._by_prefix.setdefault(n[:2], []).append(n)
        self._latin_first: dict[str, list[str]] = {}
        self._latin_words: dict[str, frozenset[str]] = {}  # a name is tried only where all its words are
        for n in self._latin:
            self._latin_first.setdefault(re.split(r"[^a-z]+", n)[0] or n, []).append(n)
            self._latin_words[n] = frozenset(w for w in re.split(r"[^a-z]+", n) if w)

    @classmethod
    def from_json(cls, text: str) -> Gazetteer:
        data = json.loads(text)
        entries = []
        for item in data["places"]:
            ko = [item["ko"]] if isinstance(item["ko"], str) else list(item["ko"])
            en = [item["en"]] if isinstance(item.get("en"), str) else list(item.get("en") or [])
            place = Place(
                name=item.get("city") or item.get("region") or item["country"],
                kind=item.get("kind", "city"),
                city=item.get("city"),
                region=item.get("region"),
                country=item["country"],
            )
            entries.append((ko, en, place))
        return cls(entries, data.get("not_places", []))

    def mentions(self, text: str) -> list[Mention]:
        """Every place named in ``text``, longest name first where names overlap.

        Korean names match spacing aside ("마곡 LG사이언스파크" = "마곡LG사이언스파크"); offsets are
        into the compacted text, word starts are judged on the text as written.
        """
        original = unicodedata.normalize("NFC", text)
        keep = [i for i, c in enumerate(original) if not c.isspace()]
        compact = "".join(original[i] for i in keep)
        found: list[Mention] = []
        # A Korean name starts a word or follows another place (see ``_bounded``): only those
        # characters are tried, a quarter of a Korean text's; any other character is tried too.
        tried = {m.start() for m in _NAME_START.finditer(original)}
        ends: set[int] = set()
        by_prefix = self._by_prefix
        for start, at in enumerate(keep):
            if at not in tried and start not in ends:
                continue
            # longest first: names of two or more characters, then a one-character name ("美")
            for name in (*by_prefix.get(compact[start : start + 2], ()), *by_prefix.get(compact[start], ())):
                if compact.startswith(name, start):
                    found.append(Mention(start, start + len(name), self._names[name]))
                    ends.add(start + len(name))
                    break
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", original)}
        # only the names whose first word the text has, each its own small pattern: one pattern
        # of every English name cost milliseconds on any text with a Latin word in it
        candidates = [
            n
            for w in words & self._latin_first.keys()
            for n in self._latin_first[w]
            if self._latin_words[n] <= words
        ]
        for name in candidates:
            for m in _latin_name(name).finditer(original):
                # English names keep their spaces: map them onto the compact offsets
                first, last = bisect.bisect_left(keep, m.start()), bisect.bisect_left(keep, m.end())
                found.append(Mention(first, last, self._latin[m[0].lower()]))
        # A word that holds a place name without being a place ("대전환") hides it.
        traps = [(i, i + len(w)) for w in self._traps if w in compact for i in _find_all(compact, w)]
        found = [x for x in found if not any(a <= x.start and x.end <= b for a, b in traps)]
        # A name inside a longer place name is not a mention ("워싱턴" inside "워싱턴주").
        found.sort(key=lambda x: (x.start, -(x.end - x.start)))
        kept: list[Mention] = []
        for x in found:
            if any(k.start <= x.start and x.end <= k.end for k in kept):
                continue
            before = original[keep[x.start] - 1] if keep[x.start] > 0 else " "
            glued = x.end < len(keep) and keep[x.end] == keep[x.end - 1] + 1  # no space after it
            if not self._bounded(compact, before, x, kept, glued):
                continue
            kept.append(x)
        return kept

    @staticmethod
    def _bounded(compact: str, before: str, x: Mention, kept: list[Mention], glued: bool) -> bool:
        """A Korean name starts a word (or follows another place: "美애리조나"), is not the head of
        an organisation's name written as one word ("뉴욕대학교"), and is not the stem of a state
        the gazetteer does not know ("조지아" in "조지아주")."""
        if not _HANGUL.match(compact[x.start]):
            return True
        if _HANGUL.match(before) and not any(k.end == x.start for k in kept):
            return False
        if glued and _ORG_SUFFIX.match(compact, x.end):
            return False
        return not (x.place.kind != "region" and _ADMIN_SUFFIX.match(compact, x.end))

    def find(self, text: str | None) -> Place | None:
        """The most specific place named in ``text``; the first of equals."""
        if not text:
            return None
        found = self.mentions(text)
        if not found:
            return None
        # A generic venue ("롯데호텔") yields to a city the text names ("제주 롯데호텔" is in Jeju).
        areas = [x.place for x in found if x.place.kind in ("city", "district", "region")]

        def fits(venue: Place) -> bool:
            return all(a.city == venue.city if a.city else a.region == venue.region for a in areas)

        found = [x for x in found if x.place.kind not in ("venue", "event") or fits(x.place)] or found
        return min(found, key=lambda x: (_SPECIFIC[x.place.kind], x.start)).place

    def exact(self, name: str) -> Place | None:
        """The place this Korean name is, written whole (no search inside a longer text)."""
        return self._names.get(_norm(name))


@functools.lru_cache(maxsize=4096)
def _latin_name(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", re.IGNORECASE)


def _find_all(text: str, word: str) -> list[int]:
    found, at = [], text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", name))


@cache
def default_gazetteer() -> Gazetteer:
    return Gazetteer.from_json(resources.files("briefing").joinpath("data/places.json").read_text("utf-8"))
