"""Back-end selection: an explicit endpoint, else OpenAI with a key, else the local model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .cache import Cache, CallLog
from .config import Settings
from .llm import LLM, CachingLLM, OpenAIChat


@dataclass(frozen=True)
class Choice:
    kind: str  # "endpoint" | "openai" | "local"
    message: str


def choose(settings: Settings) -> Choice:
    if settings.base_url:
        from .llm import endpoint_host

        return Choice(
            "endpoint", f"using the endpoint {endpoint_host(settings.base_url)} (model {settings.model})"
        )
    if settings.api_key:
        return Choice("openai", f"using OpenAI (model {settings.model})")
    return Choice(
        "local",
        "no OPENAI_API_KEY: using the local model Qwen2.5-Coder-1.5B (offline, lower quality; "
        "set OPENAI_API_KEY or OPENAI_BASE_URL for better results)",
    )


def expected_model(settings: Settings) -> str:
    """The model name calls will carry, known before any server starts."""
    if choose(settings).kind != "local":
        return settings.model
    from .local import MODEL_NAME

    return settings.local_model.stem if settings.local_model else MODEL_NAME


@contextmanager
def open_llm(settings: Settings, say: Callable[[str], None]) -> Iterator[tuple[LLM, Settings]]:
    """The configured LLM (cached) and the settings it runs with; for the local model, a server
    that lives as long as the block."""
    choice = choose(settings)
    say(choice.message)
    if choice.kind == "local":
        from .local import local_server

        with local_server(settings, say) as local_settings:
            llm = cached_llm(local_settings)
            try:
                yield llm, local_settings
            finally:
                llm.close()
        return
    llm = cached_llm(settings)
    try:
        yield llm, settings
    finally:
        llm.close()


def cached_llm(settings: Settings) -> CachingLLM:
    """The OpenAI-compatible client for ``settings``, with the cache and the call log."""
    chat = OpenAIChat(settings, log=CallLog(settings.call_log_path))
    cache = Cache(settings.cache_dir) if settings.use_cache else None
    return CachingLLM(chat, cache, settings.record_dir)
