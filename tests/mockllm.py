"""An OpenAI-compatible endpoint mocked at the HTTP layer with respx.

The real ``openai`` client, our retry, parsing and validation code all run; only the socket is
replaced. Answers come from fixture files (see fixtures/README.md): a request is answered by the
fixture whose ``prompt`` id matches the request's schema name and whose ``match`` text occurs in
the chunk the request carries (the longest such match wins).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from briefing.chunk import estimate_tokens

BASE_URL = "http://llm.mock.test/v1"
FIXTURES = Path(__file__).parent / "fixtures" / "responses"


def completion(
    content: str | None,
    finish_reason: str = "stop",
    prompt_tokens: int = 100,
    completion_tokens: int = 50,
    **message: Any,
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-mock",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "mock-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, **message},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def chunk_of(user: str) -> str:
    """The article data a request carries: the <chunk> of an extraction, the <paragraphs> of a
    translation, else the whole user message."""
    m = re.search(r"<(chunk|paragraphs)>\n?(.*?)\n?</\1>", user, re.S)
    return m.group(2) if m else user


def prompt_id(body: dict[str, Any]) -> str:
    fmt = body.get("response_format") or {}
    name = (fmt.get("json_schema") or {}).get("name", "")
    if name:
        return str(name).split("_v")[0]
    system = body["messages"][0]["content"]
    return "synthesize" if "busy executives" in system else "extract"


def _needles(fixture: dict[str, Any]) -> list[str]:
    match = fixture["match"]
    return [match] if isinstance(match, str) else list(match)


def matches(fixture: dict[str, Any], text: str) -> bool:
    """``match`` (a string, or a list that must all occur) is in ``text``; no ``absent`` string is."""
    return all(n in text for n in _needles(fixture)) and not any(a in text for a in fixture.get("absent", []))


@dataclass
class Replay:
    """Answers requests from fixture files; keeps every request for assertions."""

    fixtures: list[dict[str, Any]]
    requests: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    @classmethod
    def from_dir(cls, directory: Path) -> Replay:
        return cls([json.loads(p.read_text("utf-8")) for p in sorted(directory.glob("*.json"))])

    def find(self, body: dict[str, Any]) -> dict[str, Any] | None:
        pid = prompt_id(body)
        text = chunk_of(body["messages"][1]["content"])
        hits = [f for f in self.fixtures if f["prompt"].split("@")[0] == pid and matches(f, text)]
        return max(hits, key=lambda f: sum(map(len, _needles(f)))) if hits else None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        fixture = self.find(body)
        if fixture is None:
            self.unmatched.append(chunk_of(body["messages"][1]["content"])[:80])
            return httpx.Response(400, json={"error": {"message": "no fixture for this request"}})
        prompt_text = "".join(m["content"] for m in body["messages"])
        content = json.dumps(fixture["content"], ensure_ascii=False)
        return httpx.Response(
            200,
            json=completion(
                content,
                prompt_tokens=estimate_tokens(prompt_text),
                completion_tokens=estimate_tokens(content),
            ),
        )


Handler = Callable[[httpx.Request], httpx.Response]
