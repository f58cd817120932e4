"""Extract: send every chunk through the versioned ``extract`` prompt, concurrently.

Threads, not asyncio: the SDK's sync client is thread-safe, the work is I/O-bound, and the rest of
the pipeline stays plain functions. Results come back in chunk order whatever the completion order.
A failed chunk becomes a ``ChunkFailure`` and the run goes on; a fatal error (bad key, unknown
model) cancels what has not started and is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass

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
    return prompt.render(
        data=chunk.text,
        text=chunk.text,
        context=chunk.context,
        schema_json=schema_hint(llm, ChunkExtraction),
    )


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
    chunks: Sequence[Chunk],
    paths: dict[str, str],
    llm: LLM,
    prompt: Prompt,
    concurrency: int,
    on_done: Callable[[ChunkResult], None] | None = None,
) -> list[ChunkResult]:
    """Run every chunk; at most ``concurrency`` requests in flight.

    Raises:
        FatalLLMError: the endpoint rejects every call; chunks not yet started are cancelled.
    """
    results: list[ChunkResult | None] = [None] * len(chunks)
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="extract")
    futures: dict[Future[ChunkResult], int] = {}
    try:
        for i, chunk in enumerate(chunks):
            futures[pool.submit(_one, llm, prompt, chunk, paths.get(chunk.article_id, ""))] = i
        for future in as_completed(futures):
            result = future.result()  # FatalLLMError and bugs propagate from here
            results[futures[future]] = result
            if on_done is not None:
                on_done(result)
    finally:
        # On a fatal error or Ctrl-C, drop what has not started; calls in flight finish and
        # write whole cache entries (atomic), so the cache stays consistent.
        pool.shutdown(wait=False, cancel_futures=True)
    return [r for r in results if r is not None]
