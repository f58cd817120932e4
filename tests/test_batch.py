"""Batch runs against a fake of the OpenAI files and batches endpoints (respx): submit, status,
collect, partial failure, expiry, resume after a crash (in submit and in collect), duplicate
submit, keys read back from the store, --from-store, the vLLM offline path, and the weekly golden
made from batch answers."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import SEEDS
from mockllm import FIXTURES, Replay

from briefing.batch import collect as collect_mod
from briefing.batch import finish, flow
from briefing.batch.files import read_file, write_parts
from briefing.cache import Cache
from briefing.cli import EXIT_INTERRUPTED, main
from briefing.config import Settings
from briefing.readers import iter_articles
from briefing.store import Store

GOLDEN = Path(__file__).parent / "golden" / "weekly_2024-W19.md"


@dataclass
class FakeBatches:
    """The files and batches endpoints; each request of a batch is answered by ``replay``."""

    replay: Replay
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    state: str = "completed"  # what a batch reports once retrieved
    fail_create: int = 0  # the next N batch creations fail with HTTP 500
    broken: set[int] = field(default_factory=set)  # indexes of requests answered with bad JSON
    uploads: int = 0

    def upload(self, request: httpx.Request) -> httpx.Response:
        self.uploads += 1
        lines = re.findall(rb'^\{"custom_id".*$', request.content, re.M)
        fid = f"file-{len(self.files)}"
        self.files[fid] = b"\n".join(lines) + b"\n"
        return httpx.Response(200, json={"id": fid, "object": "file", "bytes": len(self.files[fid]),
                                         "created_at": 1700000000, "filename": "in.jsonl", "purpose": "batch",
                                         "status": "processed"})  # fmt: skip

    def _batch(self, bid: str) -> dict[str, Any]:
        b = self.batches[bid]
        return {"id": bid, "object": "batch", "endpoint": "/v1/chat/completions", "completion_window": "24h",
                "created_at": 1700000000, **b}  # fmt: skip

    def create(self, request: httpx.Request) -> httpx.Response:
        if self.fail_create:
            self.fail_create -= 1
            return httpx.Response(500, json={"error": {"message": "boom"}})
        body = json.loads(request.content)
        assert body["endpoint"] == "/v1/chat/completions" and body["completion_window"] == "24h"
        bid = f"batch_{len(self.batches)}"
        self.batches[bid] = {"input_file_id": body["input_file_id"], "status": "validating"}
        return httpx.Response(200, json=self._batch(bid))

    def retrieve(self, request: httpx.Request, bid: str) -> httpx.Response:
        b = self.batches[bid]
        if b["status"] == "validating":
            b["status"] = self.state
            self._answer(bid)
        return httpx.Response(200, json=self._batch(bid))

    def _answer(self, bid: str) -> None:
        b = self.batches[bid]
        out, err = [], []
        lines = [json.loads(x) for x in self.files[b["input_file_id"]].splitlines() if x.strip()]
        for i, line in enumerate(lines):
            if self.state == "expired" and i % 2:
                continue  # expired before these were run
            resp = self.replay(httpx.Request("POST", "http://x/", json=line["body"]))
            body = resp.json()
            if i in self.broken:
                body["choices"][0]["message"]["content"] = "{not json"
            row = {"id": f"r{i}", "custom_id": line["custom_id"],
                   "response": {"status_code": resp.status_code, "request_id": f"q{i}", "body": body}, "error": None}  # fmt: skip
            (out if resp.status_code == 200 else err).append(row)
        for name, rows in (("output_file_id", out), ("error_file_id", err)):
            if rows:
                fid = f"file-{len(self.files)}"
                self.files[fid] = "".join(json.dumps(r) + "\n" for r in rows).encode()
                b[name] = fid
        b["request_counts"] = {"total": len(lines), "completed": len(out), "failed": len(err)}

    def content(self, request: httpx.Request, fid: str) -> httpx.Response:
        return httpx.Response(200, content=self.files[fid])


@pytest.fixture
def replay(endpoint: respx.MockRouter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Replay:
    monkeypatch.setenv("BRIEFING_STORE", str(tmp_path / "store.sqlite3"))
    monkeypatch.chdir(SEEDS.parent)
    r = Replay.from_dir(FIXTURES / "seeds")  # the hand-written fixture answers of the e2e tests
    r.fixtures += Replay.from_dir(FIXTURES / "weekly").fixtures
    endpoint.post("/chat/completions").mock(side_effect=r)
    return r


@pytest.fixture
def fake(endpoint: respx.MockRouter, replay: Replay) -> FakeBatches:
    f = FakeBatches(Replay(replay.fixtures))
    endpoint.post("/files").mock(side_effect=f.upload)
    endpoint.post("/batches").mock(side_effect=f.create)
    endpoint.get(url__regex=r"/batches/(?P<bid>[^/]+)$").mock(side_effect=f.retrieve)
    endpoint.get(url__regex=r"/files/(?P<fid>[^/]+)/content$").mock(side_effect=f.content)
    return f


SUBMIT = ["batch", "submit", "seeds", "--chunk-tokens", "800"]
COLLECT = ["batch", "collect", "--chunk-tokens", "800"]


def weekly(tmp_path: Path, week: str = "2024-W19") -> str:
    out = tmp_path / f"{week}.md"
    assert main(["weekly", "--week", week, "-o", str(out)]) == 0
    return out.read_text("utf-8")


def test_submit_collect_then_weekly_is_the_golden_with_no_extract_call(
    fake: FakeBatches, replay: Replay, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(SUBMIT) == 0
    assert fake.uploads == 1 and len(fake.batches) == 1
    assert main(["batch", "status"]) == 0
    assert "batch_0  completed  5/5 done, 0 failed" in capsys.readouterr().out
    assert main(COLLECT) == 0
    err = capsys.readouterr().err
    assert "5 answer(s) collected, 2 article(s) complete, 0 failed" in err
    assert "at batch price (half the synchronous price)" in err
    assert replay.requests == []  # nothing went synchronously
    assert main(["add", "seeds", "--chunk-tokens", "800", "-q"]) == 0
    assert replay.requests == []  # the store already has both articles
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")
    assert all("busy executives" in r["messages"][0]["content"] for r in replay.requests)  # synthesis only
    assert main(COLLECT) == 0  # collecting again counts nothing twice
    assert "0 answer(s) collected" in capsys.readouterr().err


def test_request_lines_are_the_synchronous_bodies_and_cache_keys(
    fake: FakeBatches, replay: Replay, tmp_path: Path
) -> None:
    assert main(SUBMIT) == 0
    lines = [json.loads(x) for x in fake.files["file-0"].splitlines()]
    # a synchronous run of the same articles sends exactly these bodies
    assert main(["run", "seeds", "--chunk-tokens", "800", "-o", str(tmp_path / "b.md"), "--no-cache"]) == 0
    sync = [r for r in replay.requests if "busy executives" not in r["messages"][0]["content"]]
    assert sorted(json.dumps(x["body"], sort_keys=True) for x in lines) == sorted(
        json.dumps(x, sort_keys=True) for x in sync
    )
    assert all(x["method"] == "POST" and x["url"] == "/v1/chat/completions" for x in lines)
    assert len({x["custom_id"] for x in lines}) == 5


def test_duplicate_submit_sends_nothing_twice(fake: FakeBatches, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(SUBMIT) == 0
    assert main(SUBMIT) == 0
    assert fake.uploads == 1 and len(fake.batches) == 1
    assert "0 request(s) in 0 batch(es) started, 5 already sent or answered" in capsys.readouterr().err


def test_resume_after_a_crash_between_upload_and_batch_creation(
    fake: FakeBatches, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail_create = 3  # the SDK retries twice, then gives up: as good as a crash here
    assert main(SUBMIT) == 3
    assert "run the same `briefing batch submit` again" in capsys.readouterr().err
    assert fake.uploads == 1 and not fake.batches
    assert main(SUBMIT) == 0
    assert fake.uploads == 1 and len(fake.batches) == 1  # the uploaded file was reused
    assert "1 resumed" in capsys.readouterr().err
    assert main(COLLECT) == 0


def test_partial_failure_lists_the_reason_and_sync_rest_finishes_it(
    fake: FakeBatches, replay: Replay, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.broken = {1}
    assert main(SUBMIT) == 0
    assert main(COLLECT) == 1
    err = capsys.readouterr().err
    assert "4 answer(s) collected, 1 article(s) complete, 1 failed" in err
    assert "invalid_json: not JSON" in err and "collect --sync-rest" in err
    assert main([*COLLECT, "--sync-rest"]) == 0
    assert len(replay.requests) == 1  # only the failed chunk went synchronously
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")


def test_expired_batch_is_resubmitted(fake: FakeBatches, capsys: pytest.CaptureFixture[str]) -> None:
    fake.state = "expired"
    assert main(SUBMIT) == 0
    assert main(COLLECT) == 1
    assert "expired: no answer in the batch" in capsys.readouterr().err
    fake.state = "completed"
    assert main(SUBMIT) == 0
    assert "2 request(s) in 1 batch(es) started" in capsys.readouterr().err
    assert main(COLLECT) == 0
    assert "2 answer(s) collected, 2 article(s) complete, 0 failed" in capsys.readouterr().err


def test_vllm_export_and_import(fake: FakeBatches, replay: Replay, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    assert main(["batch", "export", "seeds", "--chunk-tokens", "800", "-o", str(src)]) == 0
    lines = list(read_file(src))
    assert len(lines) == 5 and fake.uploads == 0
    out = tmp_path / "out.jsonl"
    with out.open("w") as fh:  # what run_batch writes: the OpenAI batch output format
        for i, line in enumerate(lines):
            body = fake.replay(httpx.Request("POST", "http://x/", json=line["body"])).json()
            fh.write(json.dumps({"id": f"v{i}", "custom_id": line["custom_id"],
                                 "response": {"status_code": 200, "body": body}, "error": None}) + "\n")  # fmt: skip
    assert main(["batch", "import", str(out), "--chunk-tokens", "800"]) == 0
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")
    assert all("busy executives" in r["messages"][0]["content"] for r in replay.requests)


def test_writer_splits_at_request_and_byte_limits(tmp_path: Path) -> None:
    lines = ((f"id{i}", {"custom_id": f"id{i}", "pad": "x" * 50}) for i in range(25))
    parts = list(write_parts(lines, tmp_path, "t", max_requests=10, max_bytes=400))
    assert [len(p.keys) for p in parts] == [5, 5, 5, 5, 5]
    assert all(p.path.stat().st_size <= 400 for p in parts)
    parts = list(write_parts(((f"i{i}", {"n": i}) for i in range(25)), tmp_path, "u", max_requests=10))
    assert [len(p.keys) for p in parts] == [10, 10, 5]
    assert [x["n"] for p in parts for x in read_file(p.path)] == list(range(25))


def stored_keys(tmp_path: Path) -> dict[str, str]:
    """custom_id -> spec of every stored request."""
    db = sqlite3.connect(tmp_path / "store.sqlite3")
    try:
        return dict(db.execute("SELECT custom_id, spec FROM batch_requests").fetchall())
    finally:
        db.close()


def test_collect_reads_the_keys_stored_at_submit_instead_of_rendering_prompts(
    fake: FakeBatches, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(SUBMIT) == 0
    keys = stored_keys(tmp_path)
    assert len(keys) == 5 and len(set(keys.values())) == 1 and "" not in keys.values()
    rendered: list[int] = []
    real = finish.build_requests

    def counted(articles: Any, settings: Any) -> Any:
        for r in real(articles, settings):
            rendered.append(r.article_pk)
            yield r

    monkeypatch.setattr(finish, "build_requests", counted)
    assert main(COLLECT) == 0
    assert "5 answer(s) collected, 2 article(s) complete, 0 failed" in capsys.readouterr().err
    assert rendered == []  # every chunk's key came from its stored request
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")


def test_requests_stored_without_a_spec_are_rendered_again(
    fake: FakeBatches, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(SUBMIT) == 0
    db = sqlite3.connect(tmp_path / "store.sqlite3")
    db.execute("UPDATE batch_requests SET spec = ''")  # as a store migrated from version 4 has them
    db.commit()
    db.close()
    assert main(COLLECT) == 0
    assert "5 answer(s) collected, 2 article(s) complete, 0 failed" in capsys.readouterr().err
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")


def test_an_answer_the_cache_cannot_keep_is_failed_not_done(
    fake: FakeBatches, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(SUBMIT) == 0
    (tmp_path / "cache" / "llm" / Cache.PACKED).mkdir(parents=True)  # the packed file cannot be made
    with monkeypatch.context() as m:
        m.setattr(Cache, "put", lambda self, key, entry: False)  # nor one file per answer
        assert main(COLLECT) != 0
    assert "cache not written" in capsys.readouterr().err
    store = Store(tmp_path / "store.sqlite3")
    assert {str(r["state"]) for r in store.batch_requests()} == {"failed"}  # for --sync-rest, not lost
    store.close()
    (tmp_path / "cache" / "llm" / Cache.PACKED).rmdir()
    assert main([*COLLECT, "--sync-rest"]) == 0  # finished synchronously
    store = Store(tmp_path / "store.sqlite3")
    assert store.db.execute("SELECT COUNT(*) FROM extractions WHERE failures_json = '[]'").fetchone()[0] == 2
    store.close()


def test_articles_finished_in_worker_processes_are_the_ones_finished_here(
    fake: FakeBatches, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(finish, "POOL_FROM", 1)  # two articles are enough to start the workers
    pools: list[int] = []

    class Recorded(ProcessPoolExecutor):
        def __init__(self, workers: int, **kw: Any) -> None:
            pools.append(workers)
            super().__init__(workers, **kw)

    monkeypatch.setattr(finish, "ProcessPoolExecutor", Recorded)
    assert main(SUBMIT) == 0
    assert main(COLLECT) == 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    assert pools == ([cores] if cores > 1 else [])  # one worker per core
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")  # the same facts as a synchronous run


def test_a_chunk_without_a_stored_request_has_its_prompt_rendered_again(
    fake: FakeBatches, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(SUBMIT) == 0
    assert main(COLLECT) == 0
    store = Store(tmp_path / "store.sqlite3")
    first = store.batch_requests("chunk_index = 0")[0]  # as if answered synchronously before batching
    store.db.execute("DELETE FROM batch_requests WHERE custom_id = ?", (first["custom_id"],))
    store.db.execute("DELETE FROM extractions")
    rendered: list[int] = []
    real = finish.build_requests

    def counted(articles: Any, settings: Any) -> Any:
        for r in real(articles, settings):
            rendered.append(r.article_pk)
            yield r

    monkeypatch.setattr(finish, "build_requests", counted)
    settings = Settings.from_env().with_(chunk_tokens=800)
    pks = {int(str(r["article_pk"])) for r in store.batch_requests()} | {int(str(first["article_pk"]))}
    assert flow.finish_articles(store, settings, Cache(settings.cache_dir), pks) == 2
    assert set(rendered) == {first["article_pk"]}  # only the article missing a row was rendered
    store.close()
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")


@pytest.mark.parametrize(
    ("crash", "done_before", "resumed"),
    [
        ("reading", 2, "3 answer(s) collected, 2 article(s) complete, 0 failed"),
        ("finishing", 5, "0 answer(s) collected, 2 article(s) complete, 0 failed"),
    ],
)
def test_collect_resumed_after_a_crash_counts_nothing_twice(
    fake: FakeBatches, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    crash: str, done_before: int, resumed: str,
) -> None:  # fmt: skip
    assert main(SUBMIT) == 0
    owner, name = (collect_mod, "answer") if crash == "reading" else (flow, "finish_articles")
    real, seen = getattr(owner, name), [0]

    def dies(*args: Any) -> Any:
        seen[0] += 1
        if crash == "finishing" or seen[0] == 4:
            raise KeyboardInterrupt  # the process is stopped here
        return real(*args)

    monkeypatch.setattr(flow, "GROUP", 2)  # the first two answers are committed before the 4th is read
    monkeypatch.setattr(owner, name, dies)
    assert main(COLLECT) == EXIT_INTERRUPTED
    monkeypatch.setattr(owner, name, real)
    db = sqlite3.connect(tmp_path / "store.sqlite3")
    states = [s for (s,) in db.execute("SELECT state FROM batch_requests")]
    db.close()
    assert states.count("done") == done_before
    capsys.readouterr()
    assert main(COLLECT) == 0
    assert resumed in capsys.readouterr().err
    assert main(COLLECT) == 0
    assert "0 answer(s) collected, 0 article(s) complete" in capsys.readouterr().err
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")


def test_submit_from_store_sends_the_stored_articles_not_yet_extracted(
    fake: FakeBatches, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(tmp_path / "store.sqlite3")
    for article in iter_articles([Path("seeds")]):
        assert not isinstance(article, Exception)
        store.add_article(article)
    store.close()
    assert main(["batch", "submit", "--from-store", "--chunk-tokens", "800"]) == 0
    assert "5 request(s) in 1 batch(es) started" in capsys.readouterr().err
    assert main(COLLECT) == 0
    assert main(["batch", "submit", "--from-store", "--chunk-tokens", "800"]) == 0
    assert "0 request(s) in 0 batch(es) started" in capsys.readouterr().err  # both are extracted now
    assert weekly(tmp_path) == GOLDEN.read_text("utf-8")
