"""Extract: send every chunk through the versioned ``extract`` prompt, concurrently.

A failed chunk becomes a ``ChunkFailure`` and the run goes on; a fatal error (bad key, unknown
model) cancels what has not started and is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .concurrency import map_ordered
from .errors import CallFailed
from .llm import LLM, Completion, Usage, schema_hint
from .models import Chunk, ChunkExtraction, ChunkFailure
from .prompts import Prompt, RenderedPrompt


@dataclass
class ChunkResult:
    chunk: Chunk
    extraction: ChunkExtraction | None
    failure: ChunkFailure | None
    cached: bool = False
    attempts: int = 0
    usage: Usage | None = None


def render_extract(prompt: Prompt, chunk: Chunk, llm: LLM) -> RenderedPrompt:
    rendered = prompt.render(
        data=chunk.text,
        text=chunk.text,
        context=chunk.context,
        schema_json=schema_hint(llm, ChunkExtraction),
    )
    return replace(rendered, source=chunk.article_id)


def _one(llm: LLM, prompt: Prompt, chunk: Chunk, path: str) -> ChunkResult:
    try:
        done: Completion[ChunkExtraction] = llm.complete(render_extract(prompt, chunk, llm), ChunkExtraction)
    except CallFailed as e:
        failure = ChunkFailure(
            article_id=chunk.article_id, path=path, chunk_index=chunk.index, kind=e.kind, detail=e.detail
        )
        return ChunkResult(chunk, None, failure)
    return ChunkResult(chunk, done.value, None, done.cached, done.attempts, done.usage)


def extract_chunks(
    chunks: Iterable[Chunk],
    paths: dict[str, str],
    llm: LLM,
    prompt: Prompt,
    concurrency: int,
    on_done: Callable[[ChunkResult], None] | None = None,
) -> list[ChunkResult]:
    """Run every chunk; at most ``concurrency`` requests in flight; results in chunk order.

    Raises:
        FatalLLMError: the endpoint rejects every call; chunks not yet started are cancelled.
    """
    llm.request_schema(ChunkExtraction)  # build the cached schema once, before threads race to
    return map_ordered(
        lambda c: _one(llm, prompt, c, paths.get(c.article_id, "")), chunks, concurrency, on_done
    )
