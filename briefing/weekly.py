"""Weekly briefings over the store: ``briefing add`` fills it, ``briefing weekly`` renders a window.

``add`` ingests articles (a no-op for ones already stored) and extracts only those with no complete
extraction at the current prompt version and model, so a repeat costs no LLM call and starts no
model. ``weekly`` merges everything stored (so the same trip from several outlets becomes one stop
with every source, and conflicting reports show as conflicts), keeps what falls in the window (by
event date where known, else by publication date), compares with the week before, and writes the
summary once per set of facts (kept in the store).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import ConfigError, InputError
from .glossary import Glossary
from .llm import LLM
from .merge import ArticleExtraction, merge
from .models import Article, BriefingData, MergedData, RunStats, Statement, Stop
from .pipeline import Progress, build_date, extract_articles, prompt_refs, synthesis_facts, synthesize
from .prompts import get_prompt
from .store import Store, StoredChunk, StoredExtraction

OpenBackend = Callable[[], AbstractContextManager[tuple[LLM, Settings]]]


def week_window(spec: str) -> tuple[dt.date, dt.date]:
    """ "2024-W19" → (Monday 2024-05-06, Sunday 2024-05-12)."""
    try:
        year, week = spec.upper().split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ConfigError(f"{spec!r} is not an ISO week; use e.g. 2024-W19") from None
    return monday, monday + dt.timedelta(days=6)


def week_name(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


# --- add ---------------------------------------------------------------------------------------------


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    stats: RunStats = field(default_factory=RunStats)


def add(
    paths: Sequence[Path],
    store: Store,
    model: str,
    open_backend: OpenBackend,
    published: dt.date | None = None,
    progress: Progress | None = None,
) -> AddReport:
    """Ingest ``paths`` into ``store`` and extract what is not yet extracted by ``model``."""
    from .readers import load_articles

    articles, errors = load_articles(paths, published)
    report = AddReport(errors=errors)
    prompt = get_prompt("extract")
    todo: list[tuple[int, Article]] = []
    for article in articles:
        pk, added = store.add_article(article)
        (report.added if added else report.already).append(article.id)
        stored = store.get_extraction(pk, prompt.ref, prompt.sha256, model)
        if stored is None or stored.failures:
            todo.append((pk, article))
        else:
            report.up_to_date.append(article.id)
    report.extracted = extract_into(store, todo, open_backend, report.stats, progress)
    return report


def pending(store: Store, model: str) -> list[tuple[int, Article]]:
    """Stored articles with no complete extraction by ``model`` at the current prompt version."""
    prompt = get_prompt("extract")
    todo = []
    for pk, article in store.articles():
        stored = store.get_extraction(pk, prompt.ref, prompt.sha256, model)
        if stored is None or stored.failures:
            todo.append((pk, article))
    return todo


def extract_into(
    store: Store,
    todo: list[tuple[int, Article]],
    open_backend: OpenBackend,
    stats: RunStats,
    progress: Progress | None = None,
) -> list[str]:
    """Extract ``todo`` and store each article's extraction; the ids extracted. No backend is
    started when there is nothing to do."""
    if not todo:
        return []
    prompt = get_prompt("extract")
    done = []
    with open_backend() as (llm, settings):
        results = extract_articles([a for _, a in todo], settings, llm, stats, progress)
        for pk, article in todo:
            mine = [r for r in results if r.chunk.article_id == article.id]
            chunks = [StoredChunk(r.chunk.start, r.chunk.end, r.extraction) for r in mine if r.extraction]
            failures = [r.failure for r in mine if r.failure]
            store.put_extraction(
                pk,
                prompt.ref,
                prompt.sha256,
                llm.model,
                StoredExtraction(prompt.ref, llm.model, chunks, failures),
            )
            done.append(article.id)
    return done


# --- weekly ------------------------------------------------------------------------------------------


@dataclass
class Weekly:
    data: BriefingData
    since: dt.date
    until: dt.date
    timeline: list[dict[str, Any]]
    since_last_week: list[str]
    missing: list[str]


def _published(merged: MergedData) -> dict[str, dt.date | None]:
    return {s.id: s.published for s in merged.sources}


def _in(day: dt.date | None, since: dt.date, until: dt.date) -> bool:
    return day is not None and since <= day <= until


def _stop_in(stop: Stop, since: dt.date, until: dt.date, published: dict[str, dt.date | None]) -> bool:
    if stop.dates.start is not None:
        return stop.dates.start <= until and since <= (stop.dates.end or stop.dates.start)
    return _in(published.get(stop.sources[0].article_id), since, until)


def _said_in(st: Statement, since: dt.date, until: dt.date, published: dict[str, dt.date | None]) -> bool:
    return _in(published.get(st.sources[0].article_id), since, until)


def window(merged: MergedData, since: dt.date, until: dt.date) -> MergedData:
    """What of ``merged`` falls in [since, until]: by event date where known, else publication date."""
    published = _published(merged)
    stops = [s for s in merged.stops if _stop_in(s, since, until, published)]
    statements = [s for s in merged.statements if _said_in(s, since, until, published)]
    figures = [f for f in merged.figures if _in(published.get(f.sources[0].article_id), since, until)]
    refs = [r for s in stops for r in s.sources] + [r for s in statements for r in s.sources]
    cited = {r.article_id for r in refs + [r for f in figures for r in f.sources]}
    active = {s.leader_ko for s in stops} | {s.speaker_ko for s in statements}
    ids = {s.id for s in merged.sources if s.id in cited}
    return MergedData(
        leaders=[x for x in merged.leaders if x.name_ko in active],
        stops=stops,
        statements=statements,
        figures=figures,
        sources=[s for s in merged.sources if s.id in cited],
        warnings=[w for w in merged.warnings if w.split(":", 1)[0] in ids],
    )


def timeline(merged: MergedData) -> list[dict[str, Any]]:
    """Every stop and statement of the window by date, saying which date each one is sorted by."""
    published = _published(merged)
    rows: list[dict[str, Any]] = []
    for s in merged.stops:
        when = s.dates.start or published.get(s.sources[0].article_id)
        basis = "event" if s.dates.start else "published (event date not stated)"
        status = " (planned)" if s.status == "planned" else ""
        rows.append(
            {
                "date": when,
                "basis": basis,
                "leader": s.leader_en,
                "what": f"{s.place}{status}",
                "sources": s.sources,
                "dates": s.dates.display() if s.dates.start else "",
            }
        )
    for st in merged.statements:
        when = published.get(st.sources[0].article_id)
        rows.append(
            {
                "date": when,
                "basis": "published",
                "leader": st.speaker_en,
                "what": f"spoke on {st.topic}",
                "sources": st.sources,
                "dates": "",
            }
        )
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for row in sorted(rows, key=lambda r: (r["date"] or dt.date.max, r["leader"], r["what"])):
        key = (row["date"], row["leader"], row["what"])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def week_over_week(this: MergedData, last: MergedData, last_name: str) -> list[str]:
    if not last.stops and not last.statements:
        return [f"No coverage stored for the week before ({last_name})."]
    notes = []
    last_travellers = {s.leader_ko for s in last.stops}
    new_travellers = list(
        dict.fromkeys(s.leader_en for s in this.stops if s.leader_ko not in last_travellers)
    )
    if new_travellers:
        notes.append(f"Newly travelling: {', '.join(new_travellers)}.")
    last_places = {(s.city or s.place_ko).lower() for s in last.stops}
    new_places = list(
        dict.fromkeys(
            s.city or s.place_ko for s in this.stops if (s.city or s.place_ko).lower() not in last_places
        )
    )
    if new_places:
        notes.append(f"New places: {', '.join(new_places)}.")
    last_topics = {s.topic.lower() for s in last.statements}
    recurring = list(dict.fromkeys(s.topic for s in this.statements if s.topic.lower() in last_topics))
    if recurring:
        notes.append(f"Recurring themes: {', '.join(recurring)}.")
    return notes or [f"Nothing new against {last_name}."]


def arrived_window(store: Store, after_pk: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days the articles that arrived after ``after_pk`` were published on (today if none)."""
    days = [a.meta.published for _, a in store.articles(after_pk) if a.meta.published]
    return (min(days), max(*days, today)) if days else (today, today)


def stored_items(
    store: Store, after_pk: int | None = None
) -> tuple[list[Article], list[ArticleExtraction], list[str]]:
    """Every stored article (or those arrived after ``after_pk``) with its newest extraction."""
    prompt = get_prompt("extract")
    articles: list[Article] = []
    items: list[ArticleExtraction] = []
    missing: list[str] = []
    for pk, article in store.articles(after_pk):
        articles.append(article)
        ext = store.get_extraction(pk, prompt.ref, prompt.sha256)
        if ext is None:
            missing.append(article.id)
            continue
        items += [ArticleExtraction(article, c.start, c.end, c.extraction) for c in ext.chunks]
    return articles, items, missing


def weekly(
    store: Store,
    since: dt.date,
    until: dt.date,
    glossary: Glossary,
    open_backend: OpenBackend,
    today: dt.date | None = None,
    after_pk: int | None = None,
) -> Weekly:
    articles, items, missing = stored_items(store, after_pk)
    merged_all = merge(articles, items, glossary)
    merged = window(merged_all, since, until)
    span = (until - since).days + 1
    last_since, last_until = since - dt.timedelta(days=span), until - dt.timedelta(days=span)
    last = window(merged_all, last_since, last_until)
    stats = RunStats()
    synthesis = None
    model = "stored extractions"
    if merged.stops or merged.statements:
        facts = synthesis_facts(merged)
        key = hashlib.sha256(facts.encode()).hexdigest()
        prompt = get_prompt("synthesize")
        stored = store.get_synthesis(key, f"{prompt.ref}:{prompt.sha256}")
        if stored is not None:
            synthesis, model = stored
        else:
            with open_backend() as (llm, _):
                synthesis = synthesize(merged, llm, stats)
                model = llm.model
            if synthesis is not None:
                store.put_synthesis(key, f"{prompt.ref}:{prompt.sha256}", model, synthesis)
    data = BriefingData(
        generated=today or build_date(),
        model=model,
        prompts=prompt_refs(),
        merged=merged,
        synthesis=synthesis,
        stats=stats,
    )
    last_name = week_name(last_since) if span == 7 else f"{last_since} to {last_until}"
    return Weekly(data, since, until, timeline(merged), week_over_week(merged, last, last_name), missing)
