"""Upload a batch file and start the batch, through the official SDK."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ..config import Settings
from ..errors import LLMError
from .requests import ENDPOINT

if TYPE_CHECKING:
    import openai

WINDOW: Final = "24h"


def batch_client(settings: Settings, http_client: Any = None) -> openai.OpenAI:
    import openai

    key = settings.api_key.get_secret_value() if settings.api_key else "sk-no-key-required"
    return openai.OpenAI(api_key=key, base_url=settings.base_url, max_retries=2, http_client=http_client)


def _sdk_error(what: str, exc: Exception) -> LLMError:
    status = getattr(exc, "status_code", None)
    return LLMError(f"{what} failed ({f'HTTP {status}' if status else type(exc).__name__}); run the same "
                    "`briefing batch submit` again: work already uploaded is reused")  # fmt: skip


def upload(client: openai.OpenAI, path: Path) -> str:
    """The id of the uploaded file (purpose ``batch``)."""
    import openai

    try:
        with path.open("rb") as fh:
            return client.files.create(file=(path.name, fh), purpose="batch").id
    except openai.OpenAIError as e:
        raise _sdk_error("uploading the batch file", e) from e


def start(client: openai.OpenAI, input_file_id: str) -> tuple[str, str]:
    """Start a batch on an uploaded file: (batch id, state)."""
    import openai

    try:
        batch = client.batches.create(
            input_file_id=input_file_id, endpoint=ENDPOINT, completion_window=WINDOW
        )
    except openai.OpenAIError as e:
        raise _sdk_error("starting the batch", e) from e
    return batch.id, batch.status
