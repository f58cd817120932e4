"""Faults from the endpoint end with every chunk extracted or reported; nothing leaks the key."""

from __future__ import annotations

import hashlib
import json
import random
import threading
from pathlib import Path

import httpx
import pytest
import respx
from conftest import FAKE_KEY, SEEDS
from mockllm import Replay, chunk_of, completion

from briefing.cache import Cache, CallLog
from briefing.cli import main
from briefing.config import Settings
from briefing.llm import CachingLLM, OpenAIChat
from briefing.pipeline import run
from briefing.render import render_markdown

EMPTY = {"S": [], "Q": [], "F": []}
SYNTH = {"summary": ["a", "b", "c"], "common_threads": [], "differences": []}


def good(body: dict) -> httpx.Response:  # type: ignore[type-arg]
    is_synth = body["response_format"]["json_schema"]["name"].startswith("synthesize")
    return httpx.Response(200, json=completion(json.dumps(SYNTH if is_synth else EMPTY)))


# Every way an endpoint can fail one call, as (name, response or exception).
FAULTS: list[tuple[str, object]] = [
    ("429 retry-after", httpx.Response(429, headers={"retry-after": "0"}, json={"error": {}})),
    ("429 bare", httpx.Response(429, json={"error": {}})),
    ("500", httpx.Response(500, json={"error": {}})),
    ("502", httpx.Response(502, text="bad gateway")),
    ("503", httpx.Response(503, json={"error": {}})),
    ("408", httpx.Response(408, json={"error": {}})),
    ("refused", httpx.ConnectError("connection refused")),
    ("reset", httpx.RemoteProtocolError("peer closed connection without sending complete message body")),
    ("read timeout", httpx.ReadTimeout("timed out")),
    ("not json", httpx.Response(200, json=completion("Sure! Here is the JSON you asked for"))),
    ("bad schema", httpx.Response(200, json=completion(json.dumps({"leaders": "none"})))),
    ("truncated", httpx.Response(200, json=completion('{"leaders": [', finish_reason="length"))),
    ("refusal", httpx.Response(200, json=completion(None, refusal="I cannot help with that."))),
    ("content filter", httpx.Response(200, json=completion("", finish_reason="content_filter"))),
    ("empty choices", httpx.Response(200, json={**completion("{}"), "choices": []})),
]


def fast_llm(tmp_path: Path, **changes: object) -> tuple[CachingLLM, Settings]:
    options: dict[str, object] = {
        "retry_initial": 0.001,
        "retry_max_wait": 0.01,
        "cache_dir": tmp_path / "cache",
        "chunk_tokens": 800,
        **changes,
    }
    settings = Settings.from_env().with_(**options)
    chat = OpenAIChat(settings, log=CallLog(settings.call_log_path), sleep=lambda _: None)
    return CachingLLM(chat, Cache(settings.cache_dir)), settings


@pytest.mark.parametrize(("name", "fault"), FAULTS, ids=[f[0] for f in FAULTS])
def test_one_fault_then_success_recovers_or_is_reported(
    endpoint: respx.MockRouter, tmp_path: Path, name: str, fault: object
) -> None:
    """The first call of one chunk fails; the run ends with that chunk extracted or reported."""
    state = {"first": True}
    lock = threading.Lock()

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with lock:
            hit = state["first"] and "구광모 LG그룹 회장이" in chunk_of(body["messages"][1]["content"])
            if hit:
                state["first"] = False
        if hit:
            if isinstance(fault, Exception):
                raise fault
            assert isinstance(fault, httpx.Response)
            return fault
        return good(body)

    endpoint.post("/chat/completions").mock(side_effect=answer)
    llm, settings = fast_llm(tmp_path)
    result = run([SEEDS], settings, llm)
    stats = result.data.stats
    assert stats.chunks == 5  # the headline and captions are read too
    if name in ("refusal", "content filter"):
        assert [f.kind for f in stats.failures] == [name.replace(" ", "_")]
        assert "Incomplete" in render_markdown(result.data)  # the briefing marks what is missing
    else:
        assert stats.failures == [], name  # retried, re-asked or given more tokens, then extracted
        assert stats.retried >= 1 or name in ("not json", "bad schema", "truncated", "empty choices")


def test_fatal_errors_stop_at_once_with_one_line(
    endpoint: respx.MockRouter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    route = endpoint.post("/chat/completions").mock(return_value=httpx.Response(404, json={"error": {}}))
    code = main(["run", str(SEEDS), "-o", str(tmp_path / "b.md"), "-q", "--concurrency", "1"])
    err = capsys.readouterr().err
    assert code == 3 and route.call_count == 1
    assert "not found" in err and "BRIEFING_MODEL" in err and "Traceback" not in err


def test_ctrl_c_leaves_a_consistent_cache_and_no_output(
    seeds_replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.cli as cli

    real_say = cli.say

    def interrupt_after_first_chunk(message: str) -> None:
        if message.startswith("[1/"):
            raise KeyboardInterrupt
        real_say(message)

    monkeypatch.setattr(cli, "say", interrupt_after_first_chunk)
    out = tmp_path / "b.md"
    code = main(["run", str(SEEDS), "-o", str(out), "--chunk-tokens", "800", "--concurrency", "1"])
    assert code == 130 and not out.exists()
    for thread in threading.enumerate():  # a call already in flight finishes, as at interpreter exit
        if thread.name.startswith("briefing"):
            thread.join()
    cache = Path(Settings.from_env().cache_dir)
    entries = list((cache / "llm").rglob("*"))
    files = [p for p in entries if p.is_file()]
    assert files and all(json.loads(p.read_text("utf-8"))["value"] for p in files)  # whole entries only
    assert not [p for p in files if p.name.endswith(".tmp")]
    monkeypatch.setattr(cli, "say", real_say)
    before = len(seeds_replay.requests)
    assert main(["run", str(SEEDS), "-o", str(out), "--chunk-tokens", "800", "-q"]) == 0
    assert len(seeds_replay.requests) - before == 6 - len(files)  # finished answers were not asked again


def test_the_key_never_leaks(
    endpoint: respx.MockRouter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recognisable fake key through every failure path; grep everything written."""
    codes: list[int] = []
    for _, fault in [
        *FAULTS,
        ("401", httpx.Response(401, json={"error": {"message": f"bad key {FAKE_KEY}"}})),
    ]:
        endpoint.routes.clear()
        if isinstance(fault, Exception):
            endpoint.post("/chat/completions").mock(side_effect=fault)
        else:
            endpoint.post("/chat/completions").mock(return_value=fault)
        code = main(
            [
                "run",
                str(SEEDS),
                "-o",
                str(tmp_path / "b.md"),
                "-q",
                "--log-file",
                str(tmp_path / "calls.jsonl"),
                "--no-cache",
                "--timeout",
                "1",
            ]
        )
        codes.append(code)
    assert set(codes) <= {0, 1, 3} and 3 in codes  # some runs fail outright, none crash
    captured = capsys.readouterr()
    assert FAKE_KEY not in captured.err and FAKE_KEY not in captured.out
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    written += [p for p in Path(Settings.from_env().cache_dir).rglob("*") if p.is_file()]
    assert any(p.name == "calls.jsonl" for p in written)
    for p in written:
        assert FAKE_KEY.encode() not in p.read_bytes(), p
    assert Settings.from_env().api_key is not None
    assert FAKE_KEY not in repr(Settings.from_env())


def test_soak_200_chunks_with_a_quarter_failing(endpoint: respx.MockRouter, tmp_path: Path) -> None:
    """200 chunks, 25% of calls failing in mixed ways: every chunk ends ok or reported, counts add
    up, and a second run completes the rest from the cache."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(50):
        paragraphs = [
            f"조주완 LG전자 사장이 {i}번째 기사 {j}단락에서 {i * 10 + j}개 현장을 방문했다고 회사가 밝혔다."
            for j in range(4)
        ]
        (corpus / f"a{i:03d}.txt").write_text(
            f"LG 출장 기사 제목 번호 {i}\n" + "\n".join(paragraphs), "utf-8"
        )
    calls: dict[str, int] = {}
    lock = threading.Lock()
    kinds = [f for f in FAULTS if f[0] not in ("truncated",)]  # truncation doubles max_tokens: covered above

    def flaky(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        key = hashlib.sha256(body["messages"][1]["content"].encode()).hexdigest()
        with lock:
            calls[key] = calls.get(key, 0) + 1
            n = calls[key]
        rng = random.Random(f"{key}:{n}")
        if rng.random() < 0.25:
            _, fault = kinds[rng.randrange(len(kinds))]
            if isinstance(fault, Exception):
                raise fault
            assert isinstance(fault, httpx.Response)
            return fault
        return good(body)

    route = endpoint.post("/chat/completions").mock(side_effect=flaky)
    llm, settings = fast_llm(tmp_path, chunk_tokens=50, concurrency=8)
    first = run([corpus], settings, llm)
    s = first.data.stats
    ok = s.chunks - len(s.failures)
    assert s.chunks == 200
    assert ok + len(s.failures) == 200 and ok > 150
    assert all(f.kind and f.detail and f.path.endswith(".txt") for f in s.failures)
    print(
        f"soak: 200 chunks, {ok} ok, {s.retried} retried, {len(s.failures)} failed: "
        f"{sorted({f.kind for f in s.failures})}; {route.call_count} requests"
    )

    route.side_effect = good_side_effect
    before = route.call_count
    second = run([corpus], settings, llm)
    extraction_requests = sum(1 for c in route.calls[before:] if b"extract_v" in c.request.content)
    assert second.data.stats.failures == []
    assert extraction_requests == len(s.failures)  # only what failed was asked again
    assert second.data.stats.cache_hits >= ok


def good_side_effect(request: httpx.Request) -> httpx.Response:
    return good(json.loads(request.content))


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>nginx default page</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, json={"not": "a completion"}),
        httpx.Response(200, json=["a", "list"]),
    ],
)
def test_an_answer_that_is_not_a_chat_completion_fails_the_chunk_not_the_run(
    endpoint: respx.MockRouter, tmp_path: Path, response: httpx.Response
) -> None:
    route = endpoint.post("/chat/completions").mock(return_value=response)
    llm, settings = fast_llm(tmp_path)
    with pytest.raises(Exception) as err:  # every chunk failed: one clear LLMError, no traceback-worthy bug
        run([SEEDS], settings, llm)
    assert type(err.value).__name__ == "LLMError" and "bad_response" in str(err.value)
    assert route.called


def test_a_read_only_cache_costs_calls_not_the_run(
    seeds_replay: Replay, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "ro-cache"
    (cache / "llm").mkdir(parents=True)
    (cache / "llm").chmod(0o500)
    import os

    if os.geteuid() == 0:  # root writes anyway: make the entry path a file so writing fails
        (cache / "llm").chmod(0o700)
        (cache / "llm").rmdir()
        (cache / "llm").write_text("not a directory")
    code = main(
        [
            "run",
            str(SEEDS),
            "-o",
            str(tmp_path / "b.md"),
            "--chunk-tokens",
            "800",
            "-q",
            "--cache-dir",
            str(cache),
        ]
    )
    assert code == 0 and (tmp_path / "b.md").exists()
    assert "warning: cache not written" in capsys.readouterr().err
