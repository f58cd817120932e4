"""Extract: send every chunk through the versioned ``extract`` prompt, concurrently.

The model sees the chunk's sentences and quotations numbered and answers with pointers
(``ChunkPoints``); code cuts the facts from the text (``pointing.resolve``). An answer that still
writes Korean into an English field is asked once more; what is left is repaired or dropped in
merge. A failed chunk becomes a ``ChunkFailure`` and the run goes on; a fatal error (bad key,
unknown model) cancels what has not started and is raised.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .answers import ChunkPoints
from .combine import combine
from .concurrency import map_ordered
from .errors import CallFailed
from .glossary import default_glossary
from .llm import LLM, Completion, Usage, schema_hint
from .models import Chunk, ChunkExtraction, ChunkFailure
from .people import people_named
from .places import default_gazetteer
from .pointing import Numbered, korean_in_english, number_chunk, resolve, unexampled
from .prompts import Prompt, RenderedPrompt
from .propose import propose


@dataclass
class ChunkResult:
    chunk: Chunk
    extraction: ChunkExtraction | None
    failure: ChunkFailure | None
    cached: bool = False
    attempts: int = 0
    usage: Usage | None = None


def render_extract(
    prompt: Prompt, chunk: Chunk, llm: LLM, numbered: Numbered | None = None
) -> RenderedPrompt:
    rendered = prompt.render(
        data=chunk.text,
        text=(numbered or number_chunk(chunk.text)).render(),
        context=chunk.context,
        schema_json=schema_hint(llm, ChunkPoints),
    )
    return replace(rendered, source=chunk.article_id)


def prompt_example(prompt: Prompt) -> ChunkPoints | None:
    """The example answer the prompt shows (its line starting ``{"S":``), if any."""
    return _example(prompt.spec.system)


@functools.cache
def _example(system: str) -> ChunkPoints | None:
    for line in system.splitlines():
        if line.startswith('{"S":'):
            return ChunkPoints.model_validate_json(line)
    return None


_REASK = (
    "Some English fields of that answer contain Korean ({fields}). Answer again, the same JSON "
    "with those fields written in English only."
)


def known_before(chunk: Chunk) -> str:
    """The text before a chunk that says who its short forms ("조 사장") and pronouns mean."""
    return f"{chunk.lead}\n{chunk.context}" if chunk.lead else chunk.context


def facts_from(points: ChunkPoints, prompt: Prompt, numbered: Numbered, context: str = "") -> ChunkExtraction:
    """The chunk's facts: what code finds (``propose``) with what the answer's pointers lead to laid
    over it, without what was copied from the prompt's example; the one way from an answer to
    facts, for synchronous and batch answers alike."""
    model = resolve(unexampled(points, prompt_example(prompt)), numbered, default_gazetteer()).extraction
    people = people_named(context + "\n" + numbered.text, default_glossary())  # as propose reads it
    not_leaders = frozenset(p.ko for p in people if not p.leader)
    return combine(propose(numbered, context), model, numbered, not_leaders)


def _one(llm: LLM, prompt: Prompt, chunk: Chunk, path: str) -> ChunkResult:
    numbered = number_chunk(chunk.text)
    rendered = render_extract(prompt, chunk, llm, numbered)
    try:
        done: Completion[ChunkPoints] = llm.complete(rendered, ChunkPoints)
    except CallFailed as e:
        failure = ChunkFailure(
            article_id=chunk.article_id, path=path, chunk_index=chunk.index, kind=e.kind, detail=e.detail
        )
        return ChunkResult(chunk, None, failure)
    attempts, usage = done.attempts, done.usage
    if fields := korean_in_english(done.value):  # once: a second answer or the code's repair
        again = replace(rendered, user=rendered.user + "\n" + _REASK.format(fields=", ".join(fields)))
        retry: Completion[ChunkPoints] | None
        try:
            retry = llm.complete(again, ChunkPoints)
        except CallFailed:
            retry = None  # the first answer stands; merge repairs or drops its Korean
        if retry is not None:
            attempts += retry.attempts
            if usage and retry.usage:
                usage.add(retry.usage)
            if len(korean_in_english(retry.value)) < len(fields):
                done = retry
    return ChunkResult(
        chunk,
        facts_from(done.value, prompt, numbered, known_before(chunk)),
        None,
        done.cached,
        attempts,
        usage,
    )


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
    llm.request_schema(ChunkPoints)  # build the cached schema once, before threads race to
    return map_ordered(
        lambda c: _one(llm, prompt, c, paths.get(c.article_id, "")), chunks, concurrency, on_done
    )
