"""The LLM client against the mocked endpoint: retries, re-asks, fatal errors, cache, no key leaks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import pytest
import respx
from conftest import FAKE_KEY
from mockllm import completion

from briefing.cache import Cache, CallLog
from briefing.config import Settings
from briefing.errors import CallFailed, FatalLLMError
from briefing.llm import CachingLLM, OpenAIChat, response_schema
from briefing.models import ChunkExtraction, Synthesis
from briefing.prompts import get_prompt

GOOD = {"summary": ["a", "b", "c"], "common_threads": [], "differences": []}


def ok(content: object = GOOD, **kw: object) -> httpx.Response:
    return httpx.Response(200, json=completion(json.dumps(content), **kw))  # type: ignore[arg-type]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def chat(endpoint: respx.MockRouter, tmp_path: Path, sleeps: list[float]) -> OpenAIChat:
    settings = Settings.from_env().with_(retry_initial=0.01, retry_max_wait=5.0, max_attempts=4)
    return OpenAIChat(settings, log=CallLog(tmp_path / "calls.jsonl"), sleep=sleeps.append)


def prompt():  # type: ignore[no-untyped-def]
    return get_prompt("synthesize").render(data="{}", facts="{}", schema_json="")


def test_structured_output_request_is_sent_and_validated(
    endpoint: respx.MockRouter, chat: OpenAIChat
) -> None:
    route = endpoint.post("/chat/completions").mock(return_value=ok())
    done = chat.complete(prompt(), Synthesis)
    assert done.value.summary == ["a", "b", "c"]
    body = json.loads(route.calls[0].request.content)
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "synthesize_v1"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert route.calls[0].request.headers["authorization"] == f"Bearer {FAKE_KEY}"


def test_strict_schema_has_every_property_required_and_no_refs() -> None:
    schema = response_schema(ChunkExtraction)
    text = json.dumps(schema)
    assert "$ref" not in text and '"default"' not in text
    stop = schema["properties"]["stops"]["items"]
    assert set(stop["required"]) == set(stop["properties"]) and stop["additionalProperties"] is False
    leader = schema["properties"]["leaders"]["items"]
    assert leader["required"] == ["name_ko", "name_en", "title", "company"]  # a property named "title" stays
    assert "maxItems" not in text  # OpenAI's strict mode rejects length bounds


def test_bounded_schema_for_local_servers() -> None:
    schema = response_schema(ChunkExtraction, max_items=6, max_string=400)
    assert schema["properties"]["stops"]["maxItems"] == 6
    assert schema["properties"]["stops"]["items"]["properties"]["place_ko"]["maxLength"] == 400


def test_429_with_retry_after_is_honoured(
    endpoint: respx.MockRouter, chat: OpenAIChat, sleeps: list[float]
) -> None:
    endpoint.post("/chat/completions").mock(
        side_effect=[httpx.Response(429, headers={"retry-after": "2"}, json={"error": {}}), ok()]
    )
    done = chat.complete(prompt(), Synthesis)
    assert done.attempts == 2 and sleeps == [2.0]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503])
def test_transient_statuses_are_retried(
    endpoint: respx.MockRouter, chat: OpenAIChat, status: int, sleeps: list[float]
) -> None:
    endpoint.post("/chat/completions").mock(side_effect=[httpx.Response(status, json={"error": {}}), ok()])
    assert chat.complete(prompt(), Synthesis).attempts == 2
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 5.0


def test_retries_are_bounded(endpoint: respx.MockRouter, chat: OpenAIChat, sleeps: list[float]) -> None:
    route = endpoint.post("/chat/completions").mock(return_value=httpx.Response(503, json={"error": {}}))
    with pytest.raises(CallFailed, match="gave up after 4 attempt"):
        chat.complete(prompt(), Synthesis)
    assert route.call_count == 4 and len(sleeps) == 3


def test_timeouts_and_connection_errors_are_retried(endpoint: respx.MockRouter, chat: OpenAIChat) -> None:
    endpoint.post("/chat/completions").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), ok()]
    )
    assert chat.complete(prompt(), Synthesis).attempts == 3


@pytest.mark.parametrize("status", [401, 403, 404])
def test_auth_and_model_errors_are_fatal_at_once(
    endpoint: respx.MockRouter, chat: OpenAIChat, status: int
) -> None:
    route = endpoint.post("/chat/completions").mock(
        return_value=httpx.Response(
            status, json={"error": {"message": f"Incorrect API key provided: {FAKE_KEY}"}}
        )
    )
    with pytest.raises(FatalLLMError) as err:
        chat.complete(prompt(), Synthesis)
    assert route.call_count == 1
    assert FAKE_KEY not in str(err.value) and FAKE_KEY not in repr(err.value)


def test_invalid_json_is_reasked_once_with_the_error(endpoint: respx.MockRouter, chat: OpenAIChat) -> None:
    route = endpoint.post("/chat/completions").mock(
        side_effect=[httpx.Response(200, json=completion("{not json")), ok()]
    )
    assert chat.complete(prompt(), Synthesis).value.summary == ["a", "b", "c"]
    second = json.loads(route.calls[1].request.content)["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert "not valid" in second[-1]["content"]


def test_schema_mismatch_twice_fails_the_call(endpoint: respx.MockRouter, chat: OpenAIChat) -> None:
    endpoint.post("/chat/completions").mock(return_value=ok({"summary": "not a list"}))
    with pytest.raises(CallFailed) as err:
        chat.complete(prompt(), Synthesis)
    assert err.value.kind == "schema_mismatch"


def test_truncated_answer_is_retried_with_more_tokens(endpoint: respx.MockRouter, chat: OpenAIChat) -> None:
    route = endpoint.post("/chat/completions").mock(
        side_effect=[httpx.Response(200, json=completion('{"summary": ["a"', finish_reason="length")), ok()]
    )
    chat.complete(prompt(), Synthesis)
    sizes = [json.loads(c.request.content)["max_tokens"] for c in route.calls]
    assert sizes == [1200, 2400]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (completion(None, refusal="I can't help with that"), "refusal"),
        (completion("{}", finish_reason="content_filter"), "content_filter"),
    ],
)
def test_refusals_and_filters_fail_the_call(
    endpoint: respx.MockRouter, chat: OpenAIChat, body: dict, kind: str
) -> None:  # type: ignore[type-arg]
    endpoint.post("/chat/completions").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(CallFailed) as err:
        chat.complete(prompt(), Synthesis)
    assert err.value.kind == kind


def test_json_object_and_prompt_modes(endpoint: respx.MockRouter, tmp_path: Path) -> None:
    route = endpoint.post("/chat/completions").mock(return_value=ok())
    for mode in ("json_object", "prompt"):
        chat = OpenAIChat(Settings.from_env().with_(output_mode=mode))
        chat.complete(prompt(), Synthesis)
    first, second = (json.loads(c.request.content) for c in route.calls)
    assert first["response_format"]["type"] == "json_object" and "schema" in first["response_format"]
    assert "response_format" not in second


def test_cache_serves_the_second_call_and_log_has_no_key(
    endpoint: respx.MockRouter, chat: OpenAIChat, tmp_path: Path
) -> None:
    route = endpoint.post("/chat/completions").mock(return_value=ok())
    llm = CachingLLM(chat, Cache(tmp_path / "cache"))
    assert not llm.complete(prompt(), Synthesis).cached
    assert llm.complete(prompt(), Synthesis).cached
    assert route.call_count == 1
    written = "".join(p.read_text("utf-8") for p in tmp_path.rglob("*") if p.is_file())
    assert "synthesize@1" in written and FAKE_KEY not in written


def test_record_writes_a_replayable_fixture(
    endpoint: respx.MockRouter, chat: OpenAIChat, tmp_path: Path
) -> None:
    endpoint.post("/chat/completions").mock(return_value=ok())
    CachingLLM(chat, None, record_dir=tmp_path / "rec").complete(prompt(), Synthesis)
    (path,) = (tmp_path / "rec").glob("*.json")
    fixture = json.loads(path.read_text("utf-8"))
    assert fixture["prompt"] == "synthesize@1" and fixture["label"].startswith("recorded from")
    assert fixture["content"] == GOOD and fixture["match"] == "{}"


def test_a_retry_after_past_the_budget_gives_up_at_once(
    endpoint: respx.MockRouter, tmp_path: Path, sleeps: list[float]
) -> None:
    route = endpoint.post("/chat/completions").mock(
        return_value=httpx.Response(429, headers={"retry-after": "86400"}, json={"error": {}})
    )
    chat = OpenAIChat(Settings.from_env().with_(retry_total=60.0), sleep=sleeps.append)
    with pytest.raises(CallFailed, match="would pass the 60 s retry budget") as err:
        chat.complete(prompt(), Synthesis)
    assert err.value.kind == "rate_limited" and route.call_count == 1 and sleeps == []


def test_answers_written_in_bulk_are_read_back_and_a_damaged_one_is_a_miss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = {"prompt": "extract@4", "value": {"S": [], "Q": [], "F": []}}
    Cache(tmp_path / "c").put_many([("a" * 64, entry), ("b" * 64, entry | {"prompt": "x"})])
    assert not list((tmp_path / "c" / "llm").glob("*/*.json"))  # one packed file, no file per answer
    fresh = Cache(tmp_path / "c")  # another process, later
    assert fresh.get("a" * 64) == entry and fresh.get("b" * 64) == entry | {"prompt": "x"}
    assert fresh.get("c" * 64) is None
    fresh.put("a" * 64, entry | {"prompt": "newer"})  # a file written since wins
    assert fresh.get("a" * 64) == entry | {"prompt": "newer"}
    con = sqlite3.connect(tmp_path / "c" / "llm" / Cache.PACKED)
    with con:
        con.execute("UPDATE entries SET entry = '{not json' WHERE key = ?", ("b" * 64,))
    con.close()
    assert Cache(tmp_path / "c").get("b" * 64) is None  # damaged: a miss, and removed
    assert Cache(tmp_path / "c").get("b" * 64) is None
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "llm").write_text("not a directory")
    Cache(tmp_path / "ro").put_many([("a" * 64, entry)])  # a cache that cannot be written
    assert "warning: cache not written" in capsys.readouterr().err
