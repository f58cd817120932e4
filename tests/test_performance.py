"""Performance behaviour (never timings): the concurrency bound, deterministic order whatever the
completion order, a byte-identical prompt prefix for provider caching, and cost accounting."""

from __future__ import annotations

import json
import random
import re
import threading
import time
from pathlib import Path

import httpx
import pytest
import respx
from conftest import SEEDS
from mockllm import Replay, chunk_of, completion

from briefing.cli import main
from briefing.pipeline import cost


def figures_answer(body: dict) -> httpx.Response:  # type: ignore[type-arg]
    """Any chunking works: one figure per year the chunk mentions, a fixed synthesis."""
    if body["response_format"]["json_schema"]["name"].startswith("synthesize"):
        content = {"summary": ["a", "b", "c"], "common_threads": [], "differences": []}
    else:
        figures, seen = [], set()
        for line in chunk_of(body["messages"][1]["content"]).splitlines():  # "S3 ... 2019년 ..."
            number = int(line.split(" ", 1)[0][1:])
            for year in re.findall(r"(\d{4})년", line):
                if year not in seen:
                    seen.add(year)
                    figures.append({"at": number, "v": year, "m": "a year"})
        content = {"S": [], "Q": [], "F": figures}
    return httpx.Response(200, json=completion(json.dumps(content, ensure_ascii=False)))


@pytest.fixture
def slow_replay(endpoint: respx.MockRouter) -> dict[str, object]:
    """Answers after a random delay, counting requests in flight and keeping their bodies."""
    state: dict[str, object] = {"now": 0, "peak": 0, "bodies": []}
    lock = threading.Lock()
    rng = random.Random()

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with lock:
            state["now"] = int(state["now"]) + 1  # type: ignore[call-overload]
            state["peak"] = max(int(state["peak"]), int(state["now"]))  # type: ignore[call-overload]
            state["bodies"].append(body)  # type: ignore[attr-defined]
            delay = rng.uniform(0.0, 0.05)
        try:
            time.sleep(delay)
            return figures_answer(body)
        finally:
            with lock:
                state["now"] = int(state["now"]) - 1  # type: ignore[call-overload]

    endpoint.post("/chat/completions").mock(side_effect=answer)
    return state


def run(tmp_path: Path, name: str, *extra: str) -> str:
    out = tmp_path / name
    assert main(["run", str(SEEDS), "-o", str(out), "--chunk-tokens", "300", "-q", "--no-cache", *extra]) == 0
    return out.read_text("utf-8")


def test_concurrency_limit_is_never_exceeded(slow_replay: dict[str, object], tmp_path: Path) -> None:
    run(tmp_path, "a.md", "--concurrency", "3")
    assert slow_replay["peak"] == 3  # used, and never exceeded


def test_output_is_the_same_whatever_the_completion_order(
    slow_replay: dict[str, object], tmp_path: Path
) -> None:
    first = run(tmp_path, "a.md", "--concurrency", "8")
    figures = first.split("## Key figures")[1]
    assert figures.index("2019") < figures.index("2030") < figures.index("2018")  # text order
    for i in range(3):
        assert run(tmp_path, f"b{i}.md", "--concurrency", "8") == first


def test_prompt_prefix_is_byte_identical_across_chunks_and_articles(
    slow_replay: dict[str, object], tmp_path: Path
) -> None:
    run(tmp_path, "a.md")
    bodies: list[dict] = slow_replay["bodies"]  # type: ignore[assignment,type-arg]
    extract = [b for b in bodies if b["response_format"]["json_schema"]["name"].startswith("extract")]
    assert len(extract) == 13 and len({chunk_of(b["messages"][1]["content"])[:20] for b in extract}) == 13
    assert len({b["messages"][0]["content"] for b in extract}) == 1
    assert len({json.dumps(b["response_format"], sort_keys=True) for b in extract}) == 1
    for b in extract:  # the article text comes last
        assert b["messages"][1]["content"].rstrip().endswith("</chunk>")


def test_cost_from_the_price_table_and_the_override(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cost("gpt-4o-mini", 1_000_000, 1_000_000) == "$0.7500 at $0.15/$0.6 per million tokens"
    assert cost("unknown-model", 10, 10) is None
    monkeypatch.setenv("BRIEFING_PRICE", "1,2")
    assert cost("unknown-model", 500_000, 250_000) == "$1.0000 at $1/$2 per million tokens"


def test_run_summary_prints_tokens_and_cost(
    seeds_replay: Replay, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["run", str(SEEDS), "-o", str(tmp_path / "a.md"), "--chunk-tokens", "800", "-q"])
    err = capsys.readouterr().err
    assert "tokens 7" in err and "cost $0.00" in err and "gpt-4o-mini" not in err.split("cost")[1][:5]
