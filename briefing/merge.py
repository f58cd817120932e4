"""Verify and merge: turn per-chunk extractions into one checked, de-duplicated data set.

Everything here is code, not model: official names from the glossary, dates resolved against the
publication date, quotes checked against the source, duplicates merged across chunks and articles,
conflicting reports kept visible. Pure: articles and extractions in, ``MergedData`` out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import english
from .attribution import speakers_of, titled_people
from .dates import anchor_before, resolve_date
from .dedup import compact, extend, ids, merge_stop, other_site, place_key, same_visit
from .evidence import locate, ref, stop_evidence, titled
from .glossary import Glossary, Name, names_in, strip_title
from .models import (
    Article,
    ChunkExtraction,
    Figure,
    Leader,
    MergedData,
    Person,
    SourceInfo,
    SourceRef,
    Statement,
    Stop,
)
from .places import Gazetteer, default_gazetteer
from .verify import find_quote

_HANGUL = re.compile(r"[가-힣]")
_LATIN_NAME = re.compile(r"[A-Z][a-zA-Z'.-]+(?:\s+[A-Z][a-zA-Z'.-]+){1,3}")


@dataclass
class ArticleExtraction:
    """One chunk's extraction, with the article and the chunk span it came from."""

    article: Article
    start: int
    end: int
    extraction: ChunkExtraction


def _name(glossary: Glossary, name_ko: str, model_en: str | None = None, on: dt.date | None = None) -> Name:
    if "관계자" in name_ko:  # "LG 관계자": an unnamed official, not a person to romanise
        org = name_ko.replace("관계자", "").strip()
        return Name(name_ko, f"{org} official (unnamed)".strip(), False)
    return glossary.person_name(name_ko, model_en, on)


class _Merger:
    def __init__(self, glossary: Glossary, gazetteer: Gazetteer) -> None:
        self.g = glossary
        self.places = gazetteer
        self.leaders: dict[str, Leader] = {}
        self.stops: list[Stop] = []
        self.statements: list[Statement] = []
        self.figures: list[Figure] = []
        self.warnings: list[str] = []
        self.people: dict[str, dict[str, list[str]]] = {}

    def learn_people(self, items: Sequence[ArticleExtraction]) -> None:
        """Everyone each article names (directory people, the model's names, titled subjects), with
        their English forms: the candidates a quotation may belong to."""
        for item in items:
            art, x = item.article, item.extraction
            people = self.people.setdefault(art.id, {})
            if not people:
                for e in self.g.people_in(art.text):
                    people[e.ko] = [e.en, *e.variants]
                for name in titled_people(art.text):
                    if self.g.is_person_name(name):
                        people.setdefault(name, [])
            names = [s.speaker_ko for s in x.statements] + [p.name_ko for s in x.stops for p in s.people_met]
            for name in names + [lx.name_ko for lx in x.leaders]:
                bare = strip_title(name)
                if self.g.is_person_name(bare) and names_in(art.text, bare):
                    people.setdefault(bare, [])

    def english(self, art: Article, field: str, text: str | None) -> str | None:
        """An English field as the page may show it: official terms, no Korean, no loops."""
        if text is None:
            return None
        shown = english.english(self.g.enforce_terms(text)[0], self.g, self.places)
        if shown is None:
            self.warn(f"{art.id}: Korean left in an English field ({field}); not shown")
        return shown

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def known_names(self, item: ArticleExtraction) -> list[str]:
        """Full names the article itself contains (glossary people, and leaders the model named)."""
        text = item.article.text
        found = [e.ko for e in self.g.people_in(text)]
        found += [
            bare
            for x in item.extraction.leaders
            if (bare := strip_title(x.name_ko)) and self.g.is_person_name(bare) and names_in(text, bare)
        ]
        return list(dict.fromkeys(found))

    def in_text(self, name_ko: str, article: Article, what: str) -> bool:
        """A person the model names must be in the article, named as people are in news prose
        (with a title or role nearby); an invented name, or one only inside injected JSON, is dropped."""
        entry = self.g.lookup(name_ko) or self.g.lookup_latin(name_ko)
        if entry is not None and entry in self.g.people_in(article.text):
            return True  # a directory person, named in Korean or (English coverage) in English
        if _LATIN_NAME.fullmatch(name_ko.strip()) and name_ko.strip() in article.text:
            return True  # a name as English coverage writes it
        if names_in(article.text, name_ko) and ("관계자" in name_ko or titled(name_ko, article.text)):
            return True
        self.warn(
            f"{article.id}: {what} {name_ko!r} does not appear in the article as a named person; dropped"
        )
        return False

    def leader(
        self, name_ko: str, article_id: str, model_en: str | None = None, on: dt.date | None = None
    ) -> Leader:
        name = _name(self.g, name_ko, model_en, on)
        leader = self.leaders.get(name.ko)
        if leader is None:
            leader = Leader(
                name_ko=name.ko,
                name_en=name.en,
                title=name.title,
                company=name.company,
                official=name.official,
            )
            self.leaders[name.ko] = leader
            if not name.official:
                self.warn(f"{article_id}: name not in glossary: {name.ko} shown as {name.en!r}")
        if article_id not in leader.sources:
            leader.sources.append(article_id)
        return leader

    @staticmethod
    def anchor(art: Article, item: ArticleExtraction, date_text: str, place_at: int) -> dt.date | None:
        """The date that "이날" or "다음 날" points at: the last one named before the date words
        (the occurrence in the chunk nearest the place they date)."""
        hay = art.text
        spots = [m.start() for m in re.finditer(re.escape(date_text), hay[item.start : item.end])]
        at = min((item.start + x for x in spots), key=lambda x: abs(x - place_at), default=place_at)
        return anchor_before(hay, at, art.meta.published, months=bool(re.search(r"같은\s*해", date_text)))

    def add(self, item: ArticleExtraction) -> None:
        art = item.article
        x = item.extraction
        known = self.known_names(item)
        chunk_text = art.text[item.start : item.end]

        def resolve(mention: str) -> str:
            return self.g.resolve_person(mention, known)

        published = art.meta.published
        for lx in x.leaders:
            if not self.in_text(resolve(lx.name_ko), art, "leader"):
                continue
            leader = self.leader(resolve(lx.name_ko), art.id, lx.name_en, published)
            if not leader.official:
                leader.title = leader.title or lx.title
                leader.company = leader.company or lx.company

        for sx in x.stops:
            if not self.in_text(resolve(sx.leader_ko), art, "traveller"):
                continue
            span = locate(art, sx.place_ko, item.start, item.end) or locate(art, sx.place_ko)
            if span is None:
                self.warn(f"{art.id}: place {sx.place_ko!r} is not in the article; not a stop")
                continue
            traveller = self.leader(resolve(sx.leader_ko), art.id, on=published)
            date_text = sx.date_text
            if date_text and find_quote(date_text, chunk_text) is None:
                self.warn(f"{art.id}: date {date_text!r} for {sx.place_ko} is not in the source; dropped")
                date_text = None
            # A photo shows what happened; a stop reported done did not happen after publication.
            past = sx.status == "done" or art.section_at(span[0]) == "caption"
            anchor = self.anchor(art, item, date_text, span[0]) if date_text else None
            dates = resolve_date(date_text, published, anchor, past=past)
            if dates.note and dates.start is None and date_text:
                self.warn(f"{art.id}: {sx.place_ko}: {dates.note}")
            status = sx.status
            if dates.start and published:
                if status == "unknown":
                    status = "planned" if dates.start > published else "done"
                elif status == "done" and dates.start > published:
                    self.warn(f"{art.id}: {sx.place_ko} reported done but dated after publication")
            people = []
            for p in sx.people_met:
                if (
                    not self.g.is_person_name(resolve(p.name_ko))
                    and self.g.lookup(resolve(p.name_ko)) is None
                ):
                    self.warn(f"{art.id}: {p.name_ko!r} is not a person's name; left out of the people met")
                    continue
                if not self.in_text(resolve(p.name_ko), art, "person met"):
                    continue
                name = _name(self.g, resolve(p.name_ko), on=published)
                role = ", ".join(x for x in (name.title, name.company) if x) if name.official else p.role
                people.append(Person(name_ko=name.ko, name_en=name.en, role=role, official=name.official))
                if not name.official:
                    self.warn(f"{art.id}: name not in glossary: {name.ko} shown as {name.en!r}")
            forms_en = self.people.get(art.id, {}).get(traveller.name_ko, [])
            evidence = ref(art, *stop_evidence(art, sx.place_ko, traveller.name_ko, forms_en, span))
            known_place = self.places.find(sx.place_ko) or self.places.find(sx.city)
            city, region, country = (
                (known_place.city, known_place.region, known_place.country)
                if known_place
                else (sx.city, sx.region, sx.country)
            )
            organisation = self.english(art, "organisation", sx.organisation)
            purpose = self.english(art, "purpose", sx.purpose)
            self.add_stop(
                Stop(
                    leader_ko=traveller.name_ko,
                    leader_en=traveller.name_en,
                    dates=dates,
                    date_applies_to=sx.date_applies_to if dates.known else "stop",
                    place_ko=sx.place_ko,
                    city=city,
                    region=region,
                    country=country,
                    organisations=[organisation] if organisation else [],
                    people_met=people,
                    purposes=[purpose] if purpose else [],
                    status=status,
                    sources=[evidence],
                )
            )

        for st in x.statements:
            if not self.in_text(resolve(st.speaker_ko), art, "speaker"):
                continue
            speaker = _name(self.g, resolve(st.speaker_ko), on=published)
            if speaker.official or "관계자" not in st.speaker_ko:
                self.leader(speaker.ko, art.id, on=published)
            span = locate(art, st.quote_ko)
            if span is not None:
                given_to = speakers_of(art.text, span[0], span[1], self.people.get(art.id, {}))
                if given_to and speaker.ko not in given_to:
                    who = ", ".join(sorted(given_to))
                    self.warn(
                        f"{art.id}: a quote the model gave to {speaker.en} is {who}'s in the text; left out"
                    )
                    continue
            if span is None:
                self.warn(
                    f"{art.id}: quote by {speaker.en} not found in the source; shown as a paraphrase, "
                    "not a quote"
                )
            quote_ko = art.text[span[0] : span[1]] if span else st.quote_ko
            # English coverage: the quote is already English and verified verbatim; never reworded.
            in_english = span is not None and not _HANGUL.search(quote_ko)
            self.add_statement(
                Statement(
                    speaker_ko=speaker.ko,
                    speaker_en=speaker.en,
                    quote_ko=quote_ko,
                    quote_en=quote_ko
                    if in_english
                    else self.english(art, "quote translation", st.quote_en) or "(not translated)",
                    topic=english.topic(st.topic),
                    speech=st.speech,
                    verified=span is not None,
                    sources=[ref(art, span[0], span[1]) if span else _chunk_ref(item)],
                )
            )

        for fx in x.figures:
            if not re.search(r"\d", fx.text_ko):
                continue  # a figure is a quantity written with digits; anything else is noise
            span = find_quote(fx.text_ko, art.text)
            if span is None:
                self.warn(f"{art.id}: figure {fx.text_ko!r} not found in the source; left out")
                continue
            figure = Figure(
                text_ko=art.text[span[0] : span[1]],
                value_en=fx.value_en,
                meaning=self.english(art, "figure meaning", fx.meaning) or "(not translated)",
                verified=True,
                sources=[ref(art, span[0], span[1])],
            )
            same = next((f for f in self.figures if compact(f.text_ko) == compact(figure.text_ko)), None)
            if same is None:
                self.figures.append(figure)
            else:
                extend(same.sources, figure.sources)

    def bare_city(self, stop: Stop) -> bool:
        """The stop's place as written is just its city (or region, or country), no site in it."""
        place = self.places.exact(stop.place_ko)
        return place is not None and place.kind in ("city", "region", "country")

    def add_stop(self, new: Stop) -> None:
        """Merge ``new`` into a stop of the same leader and place whose dates agree.

        Two reports of the same visit (same place as written, or the same organisation, dated within
        a week of each other) with different dates are a conflict, shown on both; other visits to
        the same city on other days are simply other stops.
        """
        place = place_key(new)
        for old in self.stops:
            if old.leader_ko != new.leader_ko or place_key(old) != place:
                continue
            bare = self.bare_city(old) or self.bare_city(new)  # "보스턴" alone is any site there
            if not (old.dates.known and new.dates.known) and other_site(old, new) and not bare:
                continue  # two sites of one city, one undated: 서울대학교 is not 중앙대학교
            if old.dates.known and new.dates.known and not old.dates.overlaps(new.dates):
                if same_visit(old, new):
                    msg = (
                        f"reports differ: {old.dates.display()} ({ids(old)}) vs "
                        f"{new.dates.display()} ({ids(new)})"
                    )
                    old.conflicts.append(msg)
                    new.conflicts.append(msg)
                    break
                continue
            merge_stop(old, new)
            return
        self.stops.append(new)

    def add_statement(self, new: Statement) -> None:
        key = compact(new.quote_ko)
        for old in self.statements:
            if old.speaker_ko != new.speaker_ko:
                continue
            other = compact(old.quote_ko)
            if key in other or other in key:
                if len(key) > len(other) and new.verified >= old.verified:
                    old.quote_ko, old.quote_en, old.verified = new.quote_ko, new.quote_en, new.verified
                    old.sources[:0] = new.sources
                extend(old.sources, new.sources)
                return
        self.statements.append(new)


def _within_a_city_stop(stop: Stop, stops: Sequence[Stop]) -> bool:
    """A country or region the same article's cities of the same visit narrow ("미국과 캐나다를
    방문해 … 보스턴, 토론토"): where the stops are, not a stop of its own. A visit to the country at
    another time (other dates, or planned where the cities are done) stays."""
    if stop.city:
        return False
    for city in stops:
        if city is stop or city.leader_ko != stop.leader_ko or not city.city:
            continue
        if city.country != stop.country or (stop.region and city.region != stop.region):
            continue
        if not {r.article_id for r in stop.sources} & {r.article_id for r in city.sources}:
            continue
        if stop.dates.known and city.dates.known and not stop.dates.overlaps(city.dates):
            continue
        if {stop.status, city.status} == {"planned", "done"}:
            continue
        return True
    return False


def _chunk_ref(item: ArticleExtraction) -> SourceRef:
    return SourceRef(article_id=item.article.id, start=item.start, end=item.end)


def source_info(article: Article) -> SourceInfo:
    m = article.meta
    return SourceInfo(
        id=article.id,
        path=article.path,
        title=m.title,
        outlet=m.outlet,
        byline=m.byline,
        published=m.published,
        published_time=m.published_time,
        url=m.url,
    )


def merge(
    articles: Sequence[Article],
    items: Sequence[ArticleExtraction],
    glossary: Glossary,
    gazetteer: Gazetteer | None = None,
) -> MergedData:
    """Verify, map and de-duplicate every extraction, in article then chunk order."""
    m = _Merger(glossary, gazetteer or default_gazetteer())
    m.learn_people(items)
    for item in items:
        m.add(item)
    m.stops = [s for s in m.stops if not _within_a_city_stop(s, m.stops)]
    order = {a.id: i for i, a in enumerate(articles)}
    leader_order = {ko: i for i, ko in enumerate(m.leaders)}

    def stop_key(s: Stop) -> tuple[int, str, int, int]:
        first = s.sources[0]
        when = s.dates.start.isoformat() if s.dates.start else "9999"
        return (leader_order.get(s.leader_ko, 0), when, order.get(first.article_id, 0), first.start or 0)

    used = {r.article_id for s in m.stops for r in s.sources} | {
        r.article_id for s in m.statements for r in s.sources
    }
    for article in articles:
        if article.meta.published is None:
            m.warn(f"{article.id}: publication date unknown; relative dates left unresolved")
        if not _HANGUL.search(article.text) and not glossary.people_in(article.text):
            m.warn(f"{article.id}: no Korean text and no LG leader named (is this the right file?)")
        elif article.id not in used:
            m.warn(f"{article.id}: no LG leader's trip or statement found in this article")
    inferred: dict[str, list[str]] = {}
    for stop in m.stops:
        if stop.dates.month_from_publication:
            inferred.setdefault(stop.sources[0].article_id, []).append(stop.city or stop.place_ko)
    for article_id, places in inferred.items():
        m.warn(
            f"{article_id}: month not stated in source for {', '.join(dict.fromkeys(places))}; "
            "taken from the publication date"
        )
    return MergedData(
        leaders=list(m.leaders.values()),
        stops=sorted(m.stops, key=stop_key),
        statements=m.statements,
        figures=m.figures,
        sources=[source_info(a) for a in articles],
        warnings=m.warnings,
    )
