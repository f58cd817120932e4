"""Answers from batch output and error files, validated exactly as synchronous answers are."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..answers import ChunkPoints
from ..llm import BadAnswer, parse_answer
from ..models import BatchAnswer
from .files import read_lines

if TYPE_CHECKING:
    import openai


def answer(line: dict[str, Any]) -> BatchAnswer:
    """One output line: a validated value, or the reason it cannot be used.

    A truncated or invalid answer, which the synchronous client would re-ask, is a failure here:
    ``--sync-rest`` finishes it through that client.
    """
    cid = str(line.get("custom_id", ""))
    if line.get("error"):
        err = line["error"]
        return BatchAnswer(custom_id=cid, failure=f"{err.get('code', 'error')}: {err.get('message', '')}")
    response = line.get("response") or {}
    status = response.get("status_code", 200)
    body = response.get("body") or {}
    if status != 200:
        message = (body.get("error") or {}).get("message", "") if isinstance(body, dict) else ""
        return BatchAnswer(custom_id=cid, failure=f"http_{status}: {message}".rstrip(": "))
    usage = body.get("usage") or {}
    tokens = {
        "prompt_tokens": usage.get("prompt_tokens", 0),
        "completion_tokens": usage.get("completion_tokens", 0),
    }
    choices = body.get("choices") or []
    if not choices:
        return BatchAnswer(custom_id=cid, failure="empty: the answer had no choices", **tokens)
    choice = choices[0]
    message = choice.get("message") or {}
    if message.get("refusal"):
        return BatchAnswer(custom_id=cid, failure="refusal: the model refused to answer", **tokens)
    if choice.get("finish_reason") == "length":
        return BatchAnswer(custom_id=cid, failure="truncated: answer cut off at max_tokens", **tokens)
    if choice.get("finish_reason") == "content_filter":
        return BatchAnswer(
            custom_id=cid, failure="content_filter: the endpoint's filter stopped it", **tokens
        )
    try:
        value = parse_answer(message.get("content"), ChunkPoints)
    except BadAnswer as bad:
        return BatchAnswer(custom_id=cid, failure=f"{bad.kind}: {bad.detail}", **tokens)
    return BatchAnswer(custom_id=cid, value=value.model_dump(mode="json"), **tokens)


def download(client: openai.OpenAI, file_id: str) -> Iterator[dict[str, Any]]:
    """The lines of a provider file, streamed."""
    with client.files.with_streaming_response.content(file_id) as response:
        yield from read_lines(response.iter_bytes())
