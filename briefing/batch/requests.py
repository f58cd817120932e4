"""Request lines from chunks: the body and cache key a synchronous run would send for each chunk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

from pydantic import BaseModel

from ..answers import ChunkPoints
from ..cache import cache_key
from ..chunk import chunk_article
from ..config import OutputMode, Settings
from ..extract import render_extract
from ..llm import chat_body, first_messages, request_key, response_format, response_schema
from ..models import Article, BatchRequest
from ..prompts import get_prompt

ENDPOINT: Final = "/v1/chat/completions"


class RequestSpec:
    """What a request depends on besides its chunk; stands in for the LLM when rendering prompts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.model
        self.output_mode: OutputMode = settings.output_mode

    def request_schema(self, schema: type[BaseModel]) -> dict[str, Any]:
        return response_schema(schema, self.settings.schema_max_items, self.settings.schema_max_string)


def request_spec(settings: Settings) -> str:
    """A fingerprint of everything besides the chunk that a request's cache key depends on (see
    ``llm.request_key``): two requests for one chunk with equal specs have equal keys, so a key
    stored at submit can be read back at collect instead of rendering the prompt again."""
    prompt = get_prompt("extract")
    return cache_key(
        {
            "model": settings.model,
            "output_mode": settings.output_mode,
            "schema": RequestSpec(settings).request_schema(ChunkPoints),
            "prompt": prompt.ref,
            "prompt_sha256": prompt.sha256,
            "chunk_budget": settings.chunk_budget,  # sentence spans, hence the context, depend on it
            "context_tokens": settings.context_tokens,
        }
    )


def build_requests(articles: Iterable[tuple[int, Article]], settings: Settings) -> Iterator[BatchRequest]:
    """One request per chunk, in article and chunk order, lazily."""
    spec = RequestSpec(settings)
    prompt = get_prompt("extract")
    schema = spec.request_schema(ChunkPoints)
    for pk, article in articles:
        for chunk in chunk_article(article, settings.chunk_budget, settings.context_tokens):
            rendered = render_extract(prompt, chunk, spec)  # type: ignore[arg-type]
            body = chat_body(
                spec.model,
                rendered,
                first_messages(rendered),
                rendered.params.max_tokens,
                response_format(rendered, schema, spec.output_mode),
            )
            key = request_key(spec.model, spec.output_mode, schema, rendered)
            yield BatchRequest(
                custom_id=key, article_pk=pk, chunk_index=chunk.index, start=chunk.start, end=chunk.end,
                body=body,
            )  # fmt: skip


def request_line(req: BatchRequest) -> dict[str, Any]:
    """The OpenAI batch JSONL line, which vLLM's ``run_batch`` reads too."""
    return {"custom_id": req.custom_id, "method": "POST", "url": ENDPOINT, "body": req.body}
