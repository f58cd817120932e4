"""The project's errors. The CLI turns every one of them into one line and an exit code.

    BriefingError             root: a known failure with a message that says how to fix it
    ├── ConfigError           bad flags or environment (exit 2)
    ├── InputError            an article or sidecar cannot be read or parsed (per file)
    ├── PromptError           a prompt file is invalid or its lock is stale
    └── LLMError              a call to the model failed
        ├── FatalLLMError     the endpoint rejects every call (bad key, unknown model): stop at once
        └── CallFailed        one call failed after bounded retries; the run goes on without it

Messages never contain API keys: they are built from status codes and our own text only.
"""

from __future__ import annotations


class BriefingError(Exception):
    """A known failure. ``str(err)`` is a one-line message for the user."""

    exit_code = 1


class ConfigError(BriefingError):
    exit_code = 2


class InputError(BriefingError):
    """An input file could not be used. ``path`` names it."""

    exit_code = 4

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class PromptError(BriefingError):
    exit_code = 2


class LLMError(BriefingError):
    exit_code = 3


class FatalLLMError(LLMError):
    """Every further call would fail the same way (401, 403, 404): no retry helps."""


class CallFailed(LLMError):
    """One call failed for good; ``kind`` is a short machine-readable reason."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
