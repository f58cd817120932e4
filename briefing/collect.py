"""Collect the week's coverage: feeds and pages into the store.

The order, and the only place that knows it:
1. the source list (``feeds.toml`` and/or command-line URLs, ``sources.feedlist``);
2. each feed fetched politely with its last ETag/Last-Modified (an unchanged feed answers 304);
3. the new entry URLs, canonical (``sources.urls``), minus those stored or seen before;
4. the pages fetched (robots.txt, per-host delay, a global bound: ``sources.polite``);
5. each page read by ``readers`` (trafilatura) and cleaned by ``ingest``;
6. kept only if it names an LG leader of the directory (Korean or English forms);
7. stored (the store is the only writer; same URL or same text is stored once).

A dead feed or page is a warning and is skipped; the run goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .errors import InputError
from .glossary import Glossary
from .models import Article
from .readers import RawDoc, decode, to_article, unique_id
from .sources import feeds as feedmod
from .sources.feedlist import Source, SourceList
from .sources.fetch import Fetched, Fetcher, FetchFailed, FetchSettings
from .sources.polite import CONCURRENCY, DELAY, Polite
from .sources.urls import canonical, host_of
from .store import Store

Say = Callable[[str], None]

# fetches.status values
STORED, NOT_LG, DUPLICATE, FEED = "stored", "not-lg", "duplicate", "feed"


@dataclass
class CollectSettings:
    concurrency: int = CONCURRENCY
    delay: float = DELAY
    fetch: FetchSettings = field(default_factory=FetchSettings)
    dry_run: bool = False


@dataclass
class CollectReport:
    feeds: int = 0
    unchanged: int = 0
    fetched: int = 0
    added: list[str] = field(default_factory=list)  # canonical URLs
    not_lg: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    already: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    hashes: set[str] = field(default_factory=set)  # texts kept in this run

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        return (
            f"collect: {self.feeds} feeds ({self.unchanged} unchanged), {self.fetched} pages fetched, "
            f"{len(self.added)} {verb}, {len(self.not_lg)} not about LG leaders, "
            f"{len(self.duplicates)} duplicates, {self.already} already stored, {len(self.warnings)} skipped"
        )


def collect(
    sources: SourceList,
    store: Store,
    glossary: Glossary,
    settings: CollectSettings | None = None,
    say: Say | None = None,
) -> CollectReport:
    """Fetch ``sources`` and store the new pages about LG leaders."""
    s = settings or CollectSettings()
    report = CollectReport(dry_run=s.dry_run)
    warn = _warner(report, say)
    fetcher = Fetcher(s.fetch)
    polite = Polite(fetcher, s.delay, s.concurrency)
    try:
        outlets: dict[str, str | None] = {}
        for page in sources.pages:
            outlets.setdefault(page.url, page.outlet)
        for feed in sources.feeds:
            for url in _read_feed(feed, store, polite, report, warn, s.dry_run):
                outlets.setdefault(url, feed.outlet)
        todo = _new_pages(outlets, store, report)
        with ThreadPoolExecutor(max_workers=max(1, s.concurrency)) as pool:
            results = list(pool.map(lambda url: _fetch_page(url, polite), todo))
        used: dict[str, int] = {}
        for url, got in zip(todo, results, strict=True):
            if isinstance(got, str):
                warn(url, got)
                continue
            report.fetched += 1
            _keep(url, got, outlets[url], store, glossary, report, warn, used, s.dry_run)
    finally:
        fetcher.close()
    return report


def _warner(report: CollectReport, say: Say | None) -> Callable[[str, str], None]:
    def warn(url: str, reason: str) -> None:
        line = f"warning: {url}: {reason}; skipped"
        report.warnings.append(line)
        if say:
            say(line)

    return warn


def _read_feed(
    feed: Source,
    store: Store,
    polite: Polite,
    report: CollectReport,
    warn: Callable[[str, str], None],
    dry: bool,
) -> list[str]:
    """Entry URLs of one feed (and of the sitemaps a sitemap index lists); [] when unchanged or dead."""
    pending, found = [feed.url], []
    while pending:
        url = pending.pop(0)
        report.feeds += 1
        if not polite.allowed(url):
            warn(url, "robots.txt forbids it")
            continue
        last = store.get_fetch(url)
        try:
            got = polite.get(url, last[0] if last else None, last[1] if last else None)
        except FetchFailed as e:
            warn(url, str(e))
            continue
        if got.status == 304:
            report.unchanged += 1
            continue
        try:
            listed = feedmod.entries(got.body, got.url)
        except ValueError as e:
            warn(url, str(e))
            continue
        if listed.broken:
            warn(url, f"{listed.broken} entr{'y' if listed.broken == 1 else 'ies'} without a usable link")
        found += listed.pages
        pending += listed.sitemaps[:50]
        if not dry:
            store.put_fetch(url, got.etag, got.last_modified, FEED)
    return found


def _new_pages(outlets: dict[str, str | None], store: Store, report: CollectReport) -> list[str]:
    """Page URLs worth fetching: one per canonical URL, none stored or judged before."""
    todo: list[str] = []
    seen: set[str] = set()
    for url in outlets:
        key = canonical(url)
        if key in seen:
            continue
        seen.add(key)
        last = store.get_fetch(key)
        if store.has_url(key) or (last is not None and last[2] in (STORED, NOT_LG, DUPLICATE)):
            report.already += 1
            continue
        todo.append(url)
    return todo


def _fetch_page(url: str, polite: Polite) -> Fetched | str:
    """The page, or the reason it could not be had (called from worker threads: no store access)."""
    if not polite.allowed(url):
        return "robots.txt forbids it"
    try:
        return polite.get(url)
    except FetchFailed as e:
        return str(e)


CANONICAL_LINK = re.compile(r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", re.I)
HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.I)


def _canonical_link(html: str) -> str | None:
    """``<link rel="canonical">`` of the page: the outlet's own word on its address wins."""
    if (tag := CANONICAL_LINK.search(html[:200_000])) and (href := HREF.search(tag.group(0))):
        return href.group(1) if href.group(1).startswith(("http://", "https://")) else None
    return None


def _keep(
    url: str,
    got: Fetched,
    outlet: str | None,
    store: Store,
    glossary: Glossary,
    report: CollectReport,
    warn: Callable[[str, str], None],
    used: dict[str, int],
    dry: bool,
) -> None:
    requested = canonical(url)
    try:
        html = decode(got.body, url)
        key = canonical(_canonical_link(html) or got.url)
        slug = key.rstrip("/").rsplit("/", 1)[-1] or host_of(key)
        article = to_article(RawDoc(id=unique_id(f"{host_of(key)}-{slug}", used), path=key, html=html), None)
    except InputError as e:
        warn(url, e.reason)
        return
    article.meta.url = key
    article.meta.outlet = article.meta.outlet or outlet or host_of(key)
    status = _judge(article, store, glossary, report)
    if dry:
        return
    if status == STORED:
        store.add_article(article)
    for done in {requested, key}:
        store.put_fetch(done, got.etag, got.last_modified, status)


def _judge(article: Article, store: Store, glossary: Glossary, report: CollectReport) -> str:
    key = article.meta.url or article.path
    if not glossary.people_in(article.text):
        report.not_lg.append(key)
        return NOT_LG
    if store.has_url(key) or store.has_text(article.content_hash) or article.content_hash in report.hashes:
        report.duplicates.append(key)
        return DUPLICATE
    report.added.append(key)
    report.hashes.add(article.content_hash)
    return STORED
