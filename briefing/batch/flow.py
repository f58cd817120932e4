"""The batch flow, the only place that knows the order: build → write → upload → start → poll →
collect → finish articles (and, for what failed, re-submit or ``--sync-rest``).

Every step is recorded in the store before the next begins, so a crash at any point resumes: a
file written but not uploaded is uploaded, a file uploaded but not started is started (not sent
again), an answer already collected is not counted twice, and a request in a live or finished
batch is never sent again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import Cache
from ..config import Settings
from ..models import Article, BatchAnswer, BatchRequest, RunStats
from ..pipeline import cost, extract_articles
from ..prompts import get_prompt
from ..store import Store
from ..weekly import OpenBackend
from . import collect as collect_mod
from .files import MAX_BYTES, MAX_REQUESTS, read_file, write_parts
from .finish import _extracted, finish_articles
from .poll import FINISHED, poll
from .requests import ENDPOINT, build_requests, request_line, request_spec
from .submit import start, upload

if TYPE_CHECKING:
    import openai

LIVE = ("pending", "submitted", "done")
GROUP = 1000  # store writes per transaction: one commit (a disk sync) per answer would dominate collect


@dataclass
class SubmitReport:
    batches: list[str] = field(default_factory=list)
    requests: int = 0
    skipped: int = 0
    resumed: int = 0


@dataclass
class CollectReport:
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (custom_id, reason)
    articles: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    waiting: list[str] = field(default_factory=list)
    answer_seconds: float = 0.0  # download, validate, cache and mark
    finish_seconds: float = 0.0  # facts of the finished articles

    def cost_line(self, model: str) -> str:
        price = cost(model, self.prompt_tokens, self.completion_tokens, batch=True)
        return f"cost {price} at batch price (half the synchronous price)" if price else "cost unknown"


def batch_dir(store: Store) -> Path:
    return store.path.parent / "batches"


# --- which articles -----------------------------------------------------------------------------------


def articles_from(
    paths: Sequence[Path], store: Store, model: str, from_store: bool, published: dt.date | None = None
) -> Iterator[tuple[int, Article]]:
    """The articles under ``paths`` (added to the store), or the stored ones not yet extracted."""
    from ..readers import iter_articles

    prompt = get_prompt("extract")
    if paths:
        for item in iter_articles(paths, published):
            if isinstance(item, Article):
                pk, _ = store.add_article(item)
                if not _extracted(store, pk, model):
                    yield pk, item
    if from_store:
        for pk in store.unextracted(prompt.ref, prompt.sha256, model):
            yield pk, store.article(pk)  # one at a time: memory stays flat however many are stored


def _new_work(reqs: Iterable[BatchRequest], store: Store, cache: Cache | None, report: SubmitReport,
              touched: set[int], sent: set[int]) -> Iterator[BatchRequest]:  # fmt: skip
    """Requests neither in a live or finished batch nor already answered in the cache; ``touched``
    gets every article seen, ``sent`` those with a request to send."""
    for req in reqs:
        touched.add(req.article_pk)
        if store.batch_request_state(req.custom_id) in LIVE or (cache and cache.get(req.custom_id)):
            report.skipped += 1
            continue
        sent.add(req.article_pk)
        yield req


# --- submit ---------------------------------------------------------------------------------------------


def _send(client: openai.OpenAI, store: Store, batch: dict[str, Any]) -> str:
    """Upload (unless uploaded) and start one recorded batch; returns the provider's batch id."""
    local = str(batch["id"])
    file_id = batch["input_file_id"]
    if not file_id:
        file_id = upload(client, Path(str(batch["path"])))
        store.update_batch(local, input_file_id=file_id, state="uploaded")
    provider_id, state = start(client, str(file_id))
    store.rename_batch(local, provider_id, state)
    return provider_id


def submit(
    articles: Iterable[tuple[int, Article]],
    store: Store,
    settings: Settings,
    client: openai.OpenAI,
    cache: Cache | None,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_BYTES,
) -> SubmitReport:
    report = SubmitReport()
    for batch in store.batches("state IN ('written', 'uploaded')"):  # a crash left these behind
        report.batches.append(_send(client, store, batch))
        report.resumed += 1
    touched: set[int] = set()
    sent: set[int] = set()
    spec = request_spec(settings)
    stem = f"local-{uuid.uuid4().hex[:12]}"
    lines = (
        ((r.custom_id, r.article_pk, r.chunk_index, r.start, r.end), request_line(r))
        for r in _new_work(build_requests(articles, settings), store, cache, report, touched, sent)
    )  # streamed: a request is in memory only while its line is written
    for n, part in enumerate(write_parts(lines, batch_dir(store), stem, max_requests, max_bytes)):
        local = f"{stem}-{n}"
        with store.transaction():
            store.add_batch(local, str(part.path), ENDPOINT, state="written")
            for cid, pk, index, begin, end in part.keys:
                store.add_batch_request(cid, local, pk, index, begin, end, spec)
        report.requests += len(part.keys)
        report.batches.append(_send(client, store, store.batches("id = ?", (local,))[0]))
    finish_articles(store, settings, cache, touched - sent)  # all answered already, e.g. synchronously
    return report


# --- status ---------------------------------------------------------------------------------------------


def refresh(store: Store, client: openai.OpenAI) -> list[dict[str, Any]]:
    """Poll every batch not yet finished; every batch as stored afterwards."""
    for batch in store.batches("state NOT IN ('completed', 'expired', 'failed', 'cancelled', 'exported', "
                               "'written', 'uploaded')"):  # fmt: skip
        info = poll(client, str(batch["id"]))
        store.update_batch(info.id, state=info.state, counts_json=info.counts_json,
                           output_file_id=info.output_file_id, error_file_id=info.error_file_id)  # fmt: skip
    return store.batches()


def status_line(batch: dict[str, Any], now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    age = now - dt.datetime.fromisoformat(str(batch["created_at"]))
    hours, rest = divmod(int(age.total_seconds()), 3600)
    counts = json.loads(str(batch["counts_json"]))
    done = f"{counts.get('completed', 0)}/{counts.get('total', 0)} done, {counts.get('failed', 0)} failed"
    collected = ", collected" if batch["collected"] else ""
    return f"{batch['id']}  {batch['state']}  {done}  age {hours}h{rest // 60:02d}m{collected}"


# --- collect --------------------------------------------------------------------------------------------


def _apply(answers: Iterable[BatchAnswer], store: Store, settings: Settings, cache: Cache | None,
           report: CollectReport, touched: set[int]) -> None:  # fmt: skip
    """Cache each group of answers, then mark their requests; a crash between the two loses at most
    one group's marks, and those answers are applied again (cached again, counted once). An answer
    counted before still touches its article, which a crash may have left unfinished. Reads, cache
    writes and marks go a group at a time: per answer, they were most of collect's time."""
    prompt = get_prompt("extract")
    answers = iter(answers)
    while group := list(itertools.islice(answers, GROUP)):
        rows = store.requests_by_id([a.custom_id for a in group])
        entries: list[tuple[str, dict[str, Any]]] = []
        marks: list[tuple[str, str, str | None]] = []
        for a in group:
            row = rows.get(a.custom_id)
            if row is None:
                continue  # not ours
            touched.add(int(str(row["article_pk"])))
            if row["state"] == "done":
                continue  # counted already
            row["state"] = "done"  # a second line for one request in this group counts once
            report.prompt_tokens += a.prompt_tokens
            report.completion_tokens += a.completion_tokens
            if a.value is None:
                row["state"] = "failed"
                marks.append((a.custom_id, "failed", a.failure))
                report.failed.append((a.custom_id, a.failure or ""))
                continue
            entries.append((a.custom_id, {"prompt": prompt.ref, "prompt_sha256": prompt.sha256,
                                          "model": settings.model, "value": a.value,
                                          "usage": {"prompt_tokens": a.prompt_tokens,
                                                    "completion_tokens": a.completion_tokens,
                                                    "cached_tokens": 0}}))  # fmt: skip
            marks.append((a.custom_id, "done", None))
            report.done += 1
        if cache is not None and not cache.put_many(entries):
            # not kept anywhere: an answer marked done would never be asked again, so each one
            # the files cannot take either is failed, for `collect --sync-rest` or a new submit
            lost = {cid for cid, entry in entries if not cache.put(cid, entry)}
            reason = "cache not written: the answer could not be kept"
            marks = [
                (cid, "failed", reason) if cid in lost else (cid, state, why) for cid, state, why in marks
            ]
            report.failed += [(cid, reason) for cid in sorted(lost)]
            report.done -= len(lost)
        with store.transaction():
            store.set_request_states(marks)


def collect(store: Store, settings: Settings, client: openai.OpenAI, cache: Cache | None) -> CollectReport:
    """Download every finished, uncollected batch and fill the cache and the store.

    A batch is marked collected only once the articles it touched are finished, so a crash before
    that collects it again (answers counted before are not counted again).
    """
    report = CollectReport()
    for batch in refresh(store, client):
        if batch["collected"] or batch["state"] in ("exported", "written", "uploaded"):
            continue
        if batch["state"] not in FINISHED:
            report.waiting.append(str(batch["id"]))
            continue
        touched: set[int] = set()
        started = time.monotonic()
        for file_id in (batch["output_file_id"], batch["error_file_id"]):
            if file_id:
                lines = collect_mod.download(client, str(file_id))
                _apply((collect_mod.answer(x) for x in lines), store, settings, cache, report, touched)
        with store.transaction():
            for row in store.batch_requests("batch_id = ? AND state = 'submitted'", (batch["id"],)):
                reason = f"{batch['state']}: no answer in the batch"  # expired, failed or cancelled
                store.set_request_state(str(row["custom_id"]), "failed", reason)
                report.failed.append((str(row["custom_id"]), reason))
                touched.add(int(str(row["article_pk"])))
        answered = time.monotonic()
        report.answer_seconds += answered - started
        report.articles += finish_articles(store, settings, cache, touched)
        report.finish_seconds += time.monotonic() - answered
        store.update_batch(str(batch["id"]), collected=1)
    return report


def sync_rest(
    store: Store, settings: Settings, cache: Cache | None, open_backend: OpenBackend
) -> CollectReport:
    """Finish every failed request through the synchronous client (answered chunks hit the cache)."""
    report = CollectReport()
    failed = store.batch_requests("state = 'failed'")
    pks = sorted({int(str(r["article_pk"])) for r in failed})
    if not pks:
        return report
    stats = RunStats()
    with open_backend() as (llm, effective):
        articles = [store.article(pk) for pk in pks]
        results = extract_articles(articles, effective, llm, stats)
    by_article = {a.id: pk for pk, a in zip(pks, articles, strict=True)}
    keys = {(int(str(r["article_pk"])), int(str(r["chunk_index"]))): str(r["custom_id"]) for r in failed}
    for r in results:
        cid = keys.get((by_article[r.chunk.article_id], r.chunk.index))
        if cid is None:
            continue
        if r.extraction is not None:
            store.set_request_state(cid, "done")
            report.done += 1
        elif r.failure is not None:
            store.set_request_state(cid, "failed", f"{r.failure.kind}: {r.failure.detail}")
            report.failed.append((cid, f"{r.failure.kind}: {r.failure.detail}"))
    report.articles = finish_articles(store, settings, cache, pks)
    return report


# --- offline: vLLM run_batch --------------------------------------------------------------------------


def export(articles: Iterable[tuple[int, Article]], store: Store, settings: Settings, cache: Cache | None,
           out: Path) -> int:  # fmt: skip
    """Write one batch file for ``run_batch`` (no size limit: it is read locally); returns requests."""
    report = SubmitReport()
    reqs = _new_work(build_requests(articles, settings), store, cache, report, set(), set())
    spec = request_spec(settings)
    local = f"vllm-{uuid.uuid4().hex[:12]}"
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out.open("w", encoding="utf-8") as fh, store.transaction():
        store.add_batch(local, str(out), ENDPOINT, state="exported")
        for r in reqs:  # streamed, like submit
            fh.write(json.dumps(request_line(r), ensure_ascii=False, separators=(",", ":")) + "\n")
            store.add_batch_request(r.custom_id, local, r.article_pk, r.chunk_index, r.start, r.end, spec)
            store.set_request_state(r.custom_id, "submitted")
            n += 1
    return n


def import_(path: Path, store: Store, settings: Settings, cache: Cache | None) -> CollectReport:
    """Read a ``run_batch`` output file as a batch's output."""
    report = CollectReport()
    touched: set[int] = set()
    _apply((collect_mod.answer(x) for x in read_file(path)), store, settings, cache, report, touched)
    report.articles = finish_articles(store, settings, cache, touched)
    return report
