"""Finishing articles once their answers are in: each article whose chunks are all answered gets
its facts stored, made exactly as a synchronous run makes them (code's proposals for the chunk,
the model's cached answer laid over them).

Facts cost milliseconds of CPU per chunk, as code reads every sentence, where collecting an
answer costs tens of microseconds; so a large collect finishes its articles in worker
processes, one per core. Workers only read (the cache); this process alone writes the store.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ..answers import ChunkPoints
from ..cache import Cache
from ..chunk import chunk_article
from ..config import Settings
from ..extract import facts_from, known_before
from ..models import Article
from ..pointing import number_chunk
from ..prompts import get_prompt
from ..store import Store, StoredChunk, StoredExtraction
from .requests import build_requests, request_spec

GROUP = 1000  # articles per store transaction
POOL_FROM = 200  # fewer articles than this are finished here: starting workers would cost more

_Job = tuple[int, Article, dict[tuple[int, int, int], str]]


def _extracted(store: Store, pk: int, model: str) -> bool:
    prompt = get_prompt("extract")
    ext = store.get_extraction(pk, prompt.ref, prompt.sha256, model)
    return ext is not None and not ext.failures


def finish_articles(store: Store, settings: Settings, cache: Cache | None, pks: Iterable[int]) -> int:
    """Store the extraction of every article whose chunks are all answered; returns how many."""
    if cache is None:
        return 0
    prompt = get_prompt("extract")
    todo = sorted(set(pks))
    done = 0
    with _workers(len(todo), settings, cache.root.parent) as pool:
        pending = iter(todo)
        while group := list(itertools.islice(pending, GROUP)):
            jobs = list(_jobs(store, settings, group))
            results: Iterator[tuple[int, StoredExtraction | None]]
            if pool is None:
                results = (_facts(job, settings, cache) for job in jobs)
            else:
                results = pool.map(_in_worker, jobs, chunksize=16)
            with store.transaction():
                for pk, ext in results:
                    if ext is not None:
                        store.put_extraction(pk, prompt.ref, prompt.sha256, settings.model, ext)
                        done += 1
    return done


def _jobs(store: Store, settings: Settings, pks: list[int]) -> Iterator[_Job]:
    """Each article not yet extracted, with the cache key its request row stored for each chunk."""
    spec = request_spec(settings)
    for pk in pks:
        if _extracted(store, pk, settings.model):
            continue
        rows = store.batch_requests("article_pk = ? AND spec = ?", (pk, spec))
        stored = {(int(str(r["chunk_index"])), int(str(r["chunk_start"])), int(str(r["chunk_end"]))):
                  str(r["custom_id"]) for r in rows}  # fmt: skip
        yield pk, store.article(pk), stored


def _facts(job: _Job, settings: Settings, cache: Cache) -> tuple[int, StoredExtraction | None]:
    """An article's extraction from its cached answers, or None while one of its chunks has none.

    Each chunk's cache key is the one its request row stored at submit under the same spec; only a
    chunk without one (answered before it was ever batched) has its prompt rendered again. The
    article is chunked again all the same: a chunk's facts need its text and context.
    """
    pk, article, stored = job
    prompt = get_prompt("extract")
    rendered: dict[int, str] | None = None
    chunks: list[StoredChunk] = []
    for chunk in chunk_article(article, settings.chunk_budget, settings.context_tokens):
        key = stored.get((chunk.index, chunk.start, chunk.end))
        if key is None:
            if rendered is None:
                rendered = {r.chunk_index: r.custom_id for r in build_requests([(pk, article)], settings)}
            key = rendered[chunk.index]
        entry = cache.get(key)
        if entry is None:
            return pk, None
        points = ChunkPoints.model_validate(entry["value"])  # the model's pointers, as cached
        facts = facts_from(points, prompt, number_chunk(chunk.text), known_before(chunk))
        chunks.append(StoredChunk(chunk.start, chunk.end, facts))
    return pk, StoredExtraction(prompt.ref, settings.model, chunks, [])


# --- worker processes -------------------------------------------------------------------------------

_WORKER: tuple[Settings, Cache] | None = None


def _start_worker(settings: Settings, cache_dir: Path) -> None:
    global _WORKER
    _WORKER = (settings, Cache(cache_dir))  # its own connection to the packed cache


def _in_worker(job: _Job) -> tuple[int, StoredExtraction | None]:
    assert _WORKER is not None
    return _facts(job, *_WORKER)


@contextmanager
def _workers(articles: int, settings: Settings, cache_dir: Path) -> Iterator[Executor | None]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if articles < POOL_FROM or cores < 2:
        yield None
        return
    # forkserver: a worker does not inherit this process's open SQLite connections (store, cache)
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(
        cores, mp_context=context, initializer=_start_worker, initargs=(settings, cache_dir)
    ) as pool:
        yield pool
