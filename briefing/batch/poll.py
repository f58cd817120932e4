"""The provider's view of a batch: state, counts, output and error files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import LLMError

if TYPE_CHECKING:
    import openai

FINISHED = ("completed", "expired", "failed", "cancelled")


@dataclass
class BatchInfo:
    id: str
    state: str
    counts_json: str
    output_file_id: str | None
    error_file_id: str | None


def poll(client: openai.OpenAI, batch_id: str) -> BatchInfo:
    import openai

    try:
        b = client.batches.retrieve(batch_id)
    except openai.OpenAIError as e:
        raise LLMError(f"cannot read batch {batch_id} ({type(e).__name__}); try again later") from e
    counts = b.request_counts.model_dump() if b.request_counts else {}
    return BatchInfo(b.id, b.status, json.dumps(counts), b.output_file_id, b.error_file_id)
