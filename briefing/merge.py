"""Verify and merge: turn per-chunk extractions into one checked, de-duplicated data set.

Everything here is code, not model: official names from the glossary, dates resolved against the
publication date, quotes checked against the source, duplicates merged across chunks and articles,
conflicting reports kept visible. Pure: articles and extractions in, ``MergedData`` out.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from . import english
from .attribution import names_person, speakers_of, titled_people
from .dates import anchor_before, resolve_date
from .glossary import ROLE, Glossary, Name, names_in, strip_title
from .models import (
    Article,
    ChunkExtraction,
    DateSpan,
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
_STATUS_RANK = {"unknown": 0, "planned": 1, "done": 2}


@dataclass
class ArticleExtraction:
    """One chunk's extraction, with the article and the chunk span it came from."""

    article: Article
    start: int
    end: int
    extraction: ChunkExtraction


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).lower()


def _name(glossary: Glossary, name_ko: str, model_en: str | None = None, on: dt.date | None = None) -> Name:
    if "관계자" in name_ko:  # "LG 관계자": an unnamed official, not a person to romanise
        org = name_ko.replace("관계자", "").strip()
        return Name(name_ko, f"{org} official (unnamed)".strip(), False)
    return glossary.person_name(name_ko, model_en, on)


def locate(article: Article, words: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """Where ``words`` stand in ``article.text[start:end]``: the first place in the body if there is
    one (a headline repeats the body's words), else the first place at all."""
    stop = len(article.text) if end is None else end
    first = None
    pos = start
    while pos < stop and (hit := find_quote(words, article.text[pos:stop])) is not None:
        span = (pos + hit[0], pos + hit[1])
        if article.section_at(span[0]) == "body":
            return span
        first = first or span
        pos = span[1]
    return first


def _stop_evidence(
    article: Article, place_ko: str, traveller: str, english: list[str], found: tuple[int, int]
) -> tuple[int, int]:
    """The place's mention that says the traveller was there: a paragraph naming both, in the body
    if one does, else in a headline or caption ("오유성 … 퀸 크릭에서" only under a photo); failing
    that, the place in the body."""
    spans = []
    pos = 0
    while (hit := find_quote(place_ko, article.text[pos:])) is not None:
        spans.append((pos + hit[0], pos + hit[1]))
        pos += hit[1]
    text = article.text

    def paragraph(span: tuple[int, int]) -> str:
        end = text.find("\n\n", span[1])
        return text[text.rfind("\n\n", 0, span[0]) + 1 : end if end >= 0 else len(text)]

    named = [sp for sp in spans if names_person(paragraph(sp), traveller, english)]
    body = [sp for sp in spans if article.section_at(sp[0]) == "body"]
    for choice in ([sp for sp in named if sp in body], named, body):
        if choice:
            return choice[0]
    return found


def _ref(article: Article, start: int, end: int) -> SourceRef:
    return SourceRef(article_id=article.id, start=start, end=end, section=article.section_at(start))


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
        if names_in(article.text, name_ko) and ("관계자" in name_ko or _titled(name_ko, article.text)):
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
            ref = _ref(art, *_stop_evidence(art, sx.place_ko, traveller.name_ko, forms_en, span))
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
                    sources=[ref],
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
                    sources=[_ref(art, span[0], span[1]) if span else _chunk_ref(item)],
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
                sources=[_ref(art, span[0], span[1])],
            )
            same = next((f for f in self.figures if _compact(f.text_ko) == _compact(figure.text_ko)), None)
            if same is None:
                self.figures.append(figure)
            else:
                _extend(same.sources, figure.sources)

    def add_stop(self, new: Stop) -> None:
        """Merge ``new`` into a stop of the same leader and place whose dates agree.

        Two reports of the same visit (same place as written, or the same organisation, dated within
        a week of each other) with different dates are a conflict, shown on both; other visits to
        the same city on other days are simply other stops.
        """
        place = _place_key(new)
        for old in self.stops:
            if old.leader_ko != new.leader_ko or _place_key(old) != place:
                continue
            if not (old.dates.known and new.dates.known) and _other_site(old, new):
                continue  # two sites of one city, one undated: 서울대학교 is not 중앙대학교
            if old.dates.known and new.dates.known and not old.dates.overlaps(new.dates):
                if _same_visit(old, new):
                    msg = (
                        f"reports differ: {old.dates.display()} ({_ids(old)}) vs "
                        f"{new.dates.display()} ({_ids(new)})"
                    )
                    old.conflicts.append(msg)
                    new.conflicts.append(msg)
                    break
                continue
            _merge_stop(old, new)
            return
        self.stops.append(new)

    def add_statement(self, new: Statement) -> None:
        key = _compact(new.quote_ko)
        for old in self.statements:
            if old.speaker_ko != new.speaker_ko:
                continue
            other = _compact(old.quote_ko)
            if key in other or other in key:
                if len(key) > len(other) and new.verified >= old.verified:
                    old.quote_ko, old.quote_en, old.verified = new.quote_ko, new.quote_en, new.verified
                    old.sources[:0] = new.sources
                _extend(old.sources, new.sources)
                return
        self.statements.append(new)


def _titled(name_ko: str, text: str) -> bool:
    """Somewhere the name stands in prose with a title or role within a few words, not inside
    quoted JSON keys and values."""
    for m in re.finditer(re.escape(name_ko), text):
        after = re.split(r'["{}:]', text[m.end() : m.end() + 40], maxsplit=1)[0]
        after = re.sub(r"\[\d{6}\]|\([^)]{0,30}\)", "", after)[:24]  # stock codes, brackets
        before = re.split(r'["{}:]', text[max(0, m.start() - 15) : m.start()])[-1]
        if ROLE.search(after) or ROLE.search(before):
            return True
    return False


def _chunk_ref(item: ArticleExtraction) -> SourceRef:
    return SourceRef(article_id=item.article.id, start=item.start, end=item.end)


def _ids(stop: Stop) -> str:
    return ", ".join(dict.fromkeys(s.article_id for s in stop.sources))


def _extend(target: list[SourceRef], more: list[SourceRef]) -> None:
    for ref in more:
        if ref not in target:
            target.append(ref)


def _same_visit(a: Stop, b: Stop) -> bool:
    """Different articles, the same place as written or organisation, dates within a week."""
    if {s.article_id for s in a.sources} & {s.article_id for s in b.sources}:
        return False
    same_site = _compact(a.place_ko) == _compact(b.place_ko) or bool(
        {_compact(o) for o in a.organisations} & {_compact(o) for o in b.organisations}
    )
    assert a.dates.start and b.dates.start
    return same_site and abs((a.dates.start - b.dates.start).days) <= 7


def _other_site(a: Stop, b: Stop) -> bool:
    """Places written differently, neither inside the other, in one article: two sites."""
    x, y = _compact(a.place_ko), _compact(b.place_ko)
    same_article = {s.article_id for s in a.sources} & {s.article_id for s in b.sources}
    return bool(same_article) and x not in y and y not in x


def _place_key(stop: Stop) -> str:
    return _compact(stop.city) if stop.city else _compact(stop.place_ko)


def _better_dates(a: DateSpan, a_scope: str, b: DateSpan, b_scope: str) -> bool:
    """True when ``b`` is a better date for a stop than ``a``: known, stop-specific, narrower."""
    if not b.known:
        return False
    if not a.known:
        return True
    if a_scope != b_scope:
        return b_scope == "stop"
    return bool(b.start and b.end and a.start and a.end and (b.end - b.start) < (a.end - a.start))


def _merge_stop(old: Stop, new: Stop) -> None:
    if _better_dates(old.dates, old.date_applies_to, new.dates, new.date_applies_to):
        old.dates, old.date_applies_to = new.dates, new.date_applies_to
    for attr in ("city", "region", "country"):
        if getattr(old, attr) is None:
            setattr(old, attr, getattr(new, attr))
    old.organisations += [o for o in new.organisations if o not in old.organisations]
    seen = {p.name_ko for p in old.people_met}
    old.people_met += [p for p in new.people_met if p.name_ko not in seen]
    old.purposes += [p for p in new.purposes if p not in old.purposes]
    if _STATUS_RANK[new.status] > _STATUS_RANK[old.status]:
        old.status = new.status
    _extend(old.sources, new.sources)


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
