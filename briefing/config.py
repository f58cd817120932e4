"""Settings: one object built from the environment and CLI flags (flags win).

The API key is held as a ``SecretStr`` so that it never shows in a repr, a log or an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from .errors import ConfigError

OutputMode = Literal["json_schema", "json_object", "prompt"]
OUTPUT_MODES: tuple[OutputMode, ...] = ("json_schema", "json_object", "prompt")
DEFAULT_MODEL = "gpt-4o-mini"


def default_cache_dir() -> Path:
    if env := os.environ.get("BRIEFING_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


@dataclass(frozen=True)
class Settings:
    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    output_mode: OutputMode = "json_schema"
    concurrency: int = 4
    timeout: float = 120.0
    max_attempts: int = 4
    retry_initial: float = 1.0
    retry_max_wait: float = 30.0
    retry_total: float = 180.0
    chunk_tokens: int | None = None  # None: 800, or 600 on the local model
    context_tokens: int = 60
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    record_dir: Path | None = None
    call_log: Path | None = None
    local_model: Path | None = None
    local_ctx_per_slot: int = 4096
    local_ready_timeout: float = 180.0
    schema_max_items: int | None = None
    schema_max_string: int | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ) if env is None else env
        key = env.get("OPENAI_API_KEY") or None
        mode = env.get("BRIEFING_OUTPUT_MODE", "json_schema")
        settings = cls(
            api_key=SecretStr(key) if key else None,
            base_url=env.get("OPENAI_BASE_URL") or None,
            model=env.get("BRIEFING_MODEL") or DEFAULT_MODEL,
            local_model=Path(env["BRIEFING_LOCAL_MODEL"]) if env.get("BRIEFING_LOCAL_MODEL") else None,
        )
        return settings.with_(output_mode=mode) if mode != "json_schema" else settings

    def with_(self, **changes: object) -> Settings:
        """A copy with ``changes`` applied (None values are ignored), validated."""
        updates = {k: v for k, v in changes.items() if v is not None}
        if isinstance(updates.get("api_key"), str):
            updates["api_key"] = SecretStr(str(updates["api_key"]))
        new = replace(self, **updates)  # type: ignore[arg-type]
        new.validate()
        return new

    def validate(self) -> None:
        if self.output_mode not in OUTPUT_MODES:
            raise ConfigError(f"unknown output mode {self.output_mode!r}; use one of {OUTPUT_MODES}")
        if self.concurrency < 1:
            raise ConfigError("--concurrency must be at least 1")
        if self.chunk_tokens is not None and self.chunk_tokens < 50:
            raise ConfigError("--chunk-tokens must be at least 50")
        if self.max_attempts < 1:
            raise ConfigError("retry attempts must be at least 1")

    @property
    def chunk_budget(self) -> int:
        return self.chunk_tokens or 800

    @property
    def call_log_path(self) -> Path:
        return self.call_log or self.cache_dir / "calls.jsonl"
