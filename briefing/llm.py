"""The one seam to the model: ``LLM.complete(prompt, schema) -> Completion``.

``OpenAIChat`` sends through the official ``openai`` SDK to any OpenAI-compatible endpoint. Retries
live in one layer only: the SDK's own retries are off (``max_retries=0``) and tenacity retries
transient failures (408/409/429/5xx, timeouts, connection errors) with jittered exponential
backoff that honours ``Retry-After``, bounded in attempts and in total time. A bad answer (not
JSON, wrong schema, empty) is re-asked once with the validation error; a truncated answer is
re-asked once with twice the ``max_tokens``. ``CachingLLM`` wraps any ``LLM`` with the cache.
"""

from __future__ import annotations

import contextlib
import copy
import email.utils
import functools
import hashlib
import json
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, stop_after_delay

from .cache import Cache, CallLog, cache_key
from .config import OutputMode, Settings
from .errors import CallFailed, FatalLLMError
from .prompts import RenderedPrompt
from .store_files import atomic_write_text

if TYPE_CHECKING:
    import httpx
    import openai

T = TypeVar("T", bound=BaseModel)


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cached_tokens += other.cached_tokens


@dataclass
class Completion(Generic[T]):
    value: T
    usage: Usage = field(default_factory=Usage)
    cached: bool = False
    attempts: int = 1
    latency: float = 0.0


class LLM(Protocol):
    model: str
    output_mode: OutputMode

    def complete(self, prompt: RenderedPrompt, schema: type[T]) -> Completion[T]: ...

    def request_schema(self, schema: type[BaseModel]) -> dict[str, Any]: ...


# --- schemas ------------------------------------------------------------------------------------


_BOUNDS = ("maxLength", "minLength", "maxItems", "minItems", "pattern", "minimum", "maximum")


@functools.cache
def response_schema(
    model: type[BaseModel], max_items: int | None = None, max_string: int | None = None
) -> dict[str, Any]:
    """The model's JSON Schema in the strict subset OpenAI and llama.cpp both accept.

    References are inlined, every property is required (optional ones are nullable), extra keys
    are forbidden, and ``default``/``title`` are dropped. ``max_items``/``max_string`` add length
    bounds, which grammar-constrained local servers enforce (they stop a small model repeating one
    list item until ``max_tokens``); with them, the bounds and string patterns a model declares
    (``briefing/answers.py``) are kept too. OpenAI's strict mode rejects such keywords, so without
    bounds they are all dropped.
    Cached (building it costs milliseconds): callers must not modify the result.
    """
    raw = model.model_json_schema()
    defs = raw.pop("$defs", {})
    bounded = bool(max_items or max_string)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(copy.deepcopy(defs[node["$ref"].split("/")[-1]]))
            dropped = ("default", "title") if bounded else ("default", "title", *_BOUNDS)
            out = {
                k: ({name: walk(sub) for name, sub in v.items()} if k == "properties" else walk(v))
                for k, v in node.items()
                if k not in dropped  # keywords; a *property* named "title" stays
            }
            if bounded and "anyOf" in out:  # a nullable field: its bounds go on the non-null branch
                for branch in out["anyOf"]:
                    if branch.get("type") in ("string", "integer"):
                        branch.update({k: out.pop(k) for k in _BOUNDS if k in out})
            if out.get("type") == "object" and "properties" in out:
                out["required"] = list(out["properties"])
                out["additionalProperties"] = False
            if out.get("type") == "array" and max_items:
                out.setdefault("maxItems", max_items)
            if out.get("type") == "string" and max_string:
                out.setdefault("maxLength", max_string)
            return out
        if isinstance(node, list):
            return [walk(x) for x in node]
        return node

    result: dict[str, Any] = walk(raw)
    return result


_SCHEMA_HASHES: dict[int, str] = {}


def _schema_sha256(schema: dict[str, Any]) -> str:
    """Hash of a (cached, shared) schema dict, memoised by identity."""
    key = id(schema)
    if key not in _SCHEMA_HASHES:
        _SCHEMA_HASHES[key] = hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()
    return _SCHEMA_HASHES[key]


def schema_hint(llm: LLM, schema: type[BaseModel]) -> str:
    """The schema text to put in the prompt, for endpoints that cannot take it as a parameter."""
    return json.dumps(llm.request_schema(schema), ensure_ascii=False) if llm.output_mode == "prompt" else ""


# --- errors, retries ----------------------------------------------------------------------------


class _Transient(Exception):
    """A failure worth retrying; carries the server's Retry-After in seconds, if any."""

    def __init__(self, kind: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after


class _OverBudget(Exception):
    def __init__(self, cause: _Transient, pause: float) -> None:
        super().__init__(cause.detail)
        self.cause = cause
        self.pause = pause


def retry_after_seconds(headers: Any) -> float | None:
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def endpoint_host(base_url: str | None) -> str:
    """The endpoint without credentials or query, safe to print."""
    if not base_url:
        return "api.openai.com"
    parts = urlsplit(base_url)
    return f"{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def _classify(exc: Exception, model: str, host: str) -> Exception:
    """Map an SDK exception to ours. Server text is not echoed for auth errors (it may hold keys)."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return _Transient("timeout", "the endpoint did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        return _Transient("connection", f"cannot connect to {host}")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return FatalLLMError(
            f"{host} rejected the API key (HTTP {exc.status_code}): check OPENAI_API_KEY, "
            "or unset it to use the local model"
        )
    if isinstance(exc, openai.NotFoundError):
        return FatalLLMError(
            f"model {model!r} or its path not found at {host} (HTTP 404): check BRIEFING_MODEL "
            "or --model, and OPENAI_BASE_URL (it usually ends in /v1)"
        )
    if isinstance(exc, openai.APIResponseValidationError | ValueError):
        return CallFailed(
            "bad_response", f"the answer from {host} is not an OpenAI chat completion; check OPENAI_BASE_URL"
        )
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        after = retry_after_seconds(exc.response.headers)
        if status == 429:
            return _Transient("rate_limited", "HTTP 429 from the endpoint", after)
        if status in (408, 409) or status >= 500:
            return _Transient("server_error", f"HTTP {status} from the endpoint", after)
        return CallFailed("bad_request", f"HTTP {status} from the endpoint")
    return exc


@dataclass
class _Reply:
    content: str | None
    finish_reason: str | None
    usage: Usage
    attempts: int


class BadAnswer(Exception):
    def __init__(self, kind: str, detail: str, content: str | None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.content = content


# --- request bodies and answers (pure: shared with the batch files) ------------------------------


def response_format(prompt: RenderedPrompt, schema: dict[str, Any], output_mode: OutputMode) -> Any:
    """The ``response_format`` parameter for ``output_mode``, or None to put the schema in the prompt."""
    if output_mode == "json_schema":
        name = prompt.ref.replace("@", "_v")
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    if output_mode == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def first_messages(prompt: RenderedPrompt) -> list[dict[str, str]]:
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]


def chat_body(
    model: str, prompt: RenderedPrompt, messages: list[dict[str, str]], max_tokens: int, fmt: Any
) -> dict[str, Any]:
    """The body of one chat completions request, as sent synchronously and written to batch files."""
    params: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": prompt.params.temperature,
        "max_tokens": max_tokens,
    }
    if prompt.params.top_p is not None:
        params["top_p"] = prompt.params.top_p
    if prompt.params.seed is not None:
        params["seed"] = prompt.params.seed
    if fmt is not None:
        params["response_format"] = fmt
    return params


def parse_answer(content: str | None, schema: type[T]) -> T:
    """Validate an answer's text against ``schema``; raises ``BadAnswer`` saying why it fails."""
    if content is None or not content.strip():
        raise BadAnswer("empty", "the answer had no content", content)
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise BadAnswer("invalid_json", f"not JSON: {e.msg} at char {e.pos}", content) from e
    try:
        return schema.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        detail = f"{where}: {first['msg']} ({e.error_count()} error(s))"
        raise BadAnswer("schema_mismatch", detail, content) from e


def request_key(model: str, output_mode: str, schema: dict[str, Any], prompt: RenderedPrompt) -> str:
    """The cache key of one request: also the ``custom_id`` of its batch line."""
    return cache_key(
        {
            "model": model,
            "prompt": prompt.ref,
            "prompt_sha256": prompt.sha256,
            "schema": _schema_sha256(schema),
            "system": prompt.system,
            "user": prompt.user,
            "params": prompt.params.model_dump(),
            "output_mode": output_mode,
        }
    )


# --- the OpenAI-compatible client ---------------------------------------------------------------


class OpenAIChat:
    """Chat completions with structured output through the official SDK."""

    def __init__(
        self,
        settings: Settings,
        http_client: httpx.Client | None = None,
        log: CallLog | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx
        import openai

        self.settings = settings
        self.model = settings.model
        self.output_mode: OutputMode = settings.output_mode
        self.host = endpoint_host(settings.base_url)
        self.log = log or CallLog(None)
        self._sleep = sleep
        self._fatal: FatalLLMError | None = None
        self._ssl: Any = None
        key = settings.api_key.get_secret_value() if settings.api_key else "sk-no-key-required"
        self.client = openai.OpenAI(
            api_key=key,
            base_url=settings.base_url,
            max_retries=0,
            timeout=httpx.Timeout(settings.timeout, connect=10.0),
            http_client=http_client or self._new_http_client(),
        )
        # A small client (and connection pool) per call in flight, reused from an idle list:
        # httpx's shared pool scans every connection for every queued request, which at 32
        # requests in flight cost more CPU than the rest of the pipeline together. At most as
        # many clients exist as calls have ever been in flight at once.
        self._shared = http_client is not None
        self._idle: queue.SimpleQueue[openai.OpenAI] = queue.SimpleQueue()
        self._clients = [self.client]
        self._clients_lock = threading.Lock()

    def _new_http_client(self) -> httpx.Client:
        import httpx

        if self._ssl is None:  # building an SSL context costs ~40 ms: one for all clients
            self._ssl = httpx.create_ssl_context()
        return httpx.Client(verify=self._ssl, limits=httpx.Limits(max_connections=2))

    @contextlib.contextmanager
    def _borrow(self) -> Iterator[openai.OpenAI]:
        if self._shared:
            yield self.client
            return
        try:
            client = self._idle.get_nowait()
        except queue.Empty:
            client = self.client.with_options(http_client=self._new_http_client())
            with self._clients_lock:
                self._clients.append(client)
        try:
            yield client
        finally:
            self._idle.put(client)

    def request_schema(self, schema: type[BaseModel]) -> dict[str, Any]:
        return response_schema(schema, self.settings.schema_max_items, self.settings.schema_max_string)

    def close(self) -> None:
        with self._clients_lock:
            for client in self._clients:
                client.close()

    def _response_format(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> Any:
        return response_format(prompt, self.request_schema(schema), self.output_mode)

    def complete(self, prompt: RenderedPrompt, schema: type[T]) -> Completion[T]:
        messages = first_messages(prompt)
        max_tokens = prompt.params.max_tokens
        usage = Usage()
        attempts = 0
        started = time.monotonic()
        reasked = grew = False
        while True:
            reply = self._send(prompt, schema, messages, max_tokens)
            attempts += reply.attempts
            usage.add(reply.usage)
            try:
                if reply.finish_reason == "length":
                    raise BadAnswer("truncated", f"answer cut off at {max_tokens} tokens", None)
                value = self._parse(reply.content, schema)
            except BadAnswer as bad:
                if bad.kind == "truncated" and not grew:
                    grew = True
                    max_tokens = min(max_tokens * 2, 16384)
                    continue
                if bad.kind in ("invalid_json", "schema_mismatch", "empty") and not reasked:
                    reasked = True
                    messages = [
                        *messages[:2],
                        {"role": "assistant", "content": bad.content or ""},
                        {
                            "role": "user",
                            "content": f"That answer was not valid ({bad.detail}). Reply again "
                            "with only the corrected JSON object.",
                        },
                    ]
                    continue
                raise CallFailed(bad.kind, bad.detail) from None
            return Completion(
                value=value,
                usage=usage,
                attempts=attempts,
                latency=time.monotonic() - started,
            )

    def _parse(self, content: str | None, schema: type[T]) -> T:
        return parse_answer(content, schema)

    def _send(
        self,
        prompt: RenderedPrompt,
        schema: type[BaseModel],
        messages: list[dict[str, str]],
        max_tokens: int,
    ) -> _Reply:
        """One logical request with bounded retries."""
        params = chat_body(self.model, prompt, messages, max_tokens, self._response_format(prompt, schema))

        s = self.settings

        deadline = time.monotonic() + s.retry_total

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            pause = self._backoff(state.attempt_number, getattr(exc, "retry_after", None))
            if time.monotonic() + pause > deadline:  # a Retry-After past the budget: give up now
                assert isinstance(exc, _Transient)
                raise _OverBudget(exc, pause)
            return pause

        retrying = Retrying(
            retry=retry_if_exception_type(_Transient),
            stop=stop_after_attempt(s.max_attempts) | stop_after_delay(s.retry_total),
            wait=wait,
            sleep=self._sleep,
            reraise=True,
        )
        attempt = 0
        try:
            for attempt_state in retrying:
                with attempt_state:
                    attempt = attempt_state.retry_state.attempt_number
                    completion = self._create(prompt, messages, params, attempt)
        except _Transient as exc:
            raise CallFailed(exc.kind, f"{exc.detail}; gave up after {attempt} attempt(s)") from None
        except _OverBudget as over:
            raise CallFailed(
                over.cause.kind,
                f"{over.cause.detail}; the next wait ({over.pause:.0f} s) would pass the {s.retry_total:.0f} s retry budget",
            ) from None
        usage = _usage(completion)
        if not completion.choices:
            return _Reply(None, None, usage, attempt)
        choice = completion.choices[0]
        message = choice.message
        if getattr(message, "refusal", None):
            raise CallFailed("refusal", "the model refused to answer")
        if choice.finish_reason == "content_filter":
            raise CallFailed("content_filter", "the endpoint's content filter stopped the answer")
        return _Reply(message.content, choice.finish_reason, usage, attempt)

    def _create(
        self, prompt: RenderedPrompt, messages: list[dict[str, str]], params: dict[str, Any], attempt: int
    ) -> Any:
        """One HTTP request, logged; SDK exceptions mapped to ours."""
        from openai.types.chat import ChatCompletion

        if self._fatal is not None:  # another call already learnt that every call will fail
            raise self._fatal
        t0 = time.monotonic()
        try:
            # The SDK's generic POST (same auth, errors and ChatCompletion parsing as
            # `chat.completions.create`) without its type-driven transform of the body, which
            # costs ~2-3 ms of CPU per call and a third of the pipeline's CPU at high concurrency.
            with self._borrow() as client:
                completion = client.post("/chat/completions", body=params, cast_to=ChatCompletion)
        except Exception as raw:  # classified below; unknown ones re-raised
            exc = _classify(raw, self.model, self.host)
            self._log(prompt, messages, None, None, time.monotonic() - t0, attempt, exc)
            if exc is raw:
                raise
            if isinstance(exc, FatalLLMError):
                self._fatal = exc
            raise exc from None
        if not isinstance(completion, ChatCompletion) or not isinstance(completion.choices, list):
            failed = CallFailed(
                "bad_response",
                f"the answer from {self.host} is not an OpenAI chat completion; check OPENAI_BASE_URL",
            )
            self._log(prompt, messages, None, None, time.monotonic() - t0, attempt, failed)
            raise failed
        self._log(prompt, messages, completion, _usage(completion), time.monotonic() - t0, attempt, None)
        return completion

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        s = self.settings
        base = min(s.retry_max_wait, s.retry_initial * 2 ** (attempt - 1))
        jittered = random.uniform(base / 2, base)
        return min(max(jittered, retry_after or 0.0), max(s.retry_max_wait, retry_after or 0.0))

    def _log(
        self,
        prompt: RenderedPrompt,
        messages: list[dict[str, str]],
        completion: Any,
        usage: Usage | None,
        latency: float,
        attempt: int,
        error: Exception | None,
    ) -> None:
        content = None
        finish = None
        if completion is not None and completion.choices:
            content = completion.choices[0].message.content
            finish = completion.choices[0].finish_reason
        self.log.write(
            {
                "prompt": prompt.ref,
                "prompt_sha256": prompt.sha256,
                "model": self.model,
                "endpoint": self.host,
                "attempt": attempt,
                "latency_s": round(latency, 3),
                "messages": messages,
                "response": content,
                "finish_reason": finish,
                "usage": usage.__dict__ if usage else None,
                "error": str(error) if error else None,
            }
        )


def _usage(completion: openai.types.chat.ChatCompletion) -> Usage:
    u = completion.usage
    if u is None:
        return Usage()
    details = getattr(u, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or 0
    return Usage(u.prompt_tokens or 0, u.completion_tokens or 0, cached)


# --- cache and recording ------------------------------------------------------------------------


class CachingLLM:
    """Serves repeated requests from the cache; optionally records answers as test fixtures."""

    def __init__(self, inner: LLM, cache: Cache | None, record_dir: Path | None = None) -> None:
        self.inner = inner
        self.model = inner.model
        self.output_mode = inner.output_mode
        self.cache = cache
        self.record_dir = record_dir

    def key(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> str:
        return request_key(self.model, self.output_mode, self.inner.request_schema(schema), prompt)

    def request_schema(self, schema: type[BaseModel]) -> dict[str, Any]:
        return self.inner.request_schema(schema)

    def close(self) -> None:
        if (close := getattr(self.inner, "close", None)) is not None:
            close()

    def complete(self, prompt: RenderedPrompt, schema: type[T]) -> Completion[T]:
        key = self.key(prompt, schema)
        if self.cache is not None and (entry := self.cache.get(key)) is not None:
            try:
                return Completion(value=schema.model_validate(entry["value"]), cached=True)
            except (ValidationError, KeyError):
                pass  # stale or damaged: ask again and overwrite
        result = self.inner.complete(prompt, schema)
        value = result.value.model_dump(mode="json")
        if self.cache is not None:
            self.cache.put(
                key,
                {
                    "prompt": prompt.ref,
                    "prompt_sha256": prompt.sha256,
                    "model": self.model,
                    "value": value,
                    "usage": result.usage.__dict__,
                },
            )
        if self.record_dir is not None:
            record_fixture(self.record_dir, key, prompt, self.model, value)
        return result


def record_fixture(
    directory: Path, key: str, prompt: RenderedPrompt, model: str, value: dict[str, Any]
) -> Path:
    """Save one answer in the fixture format the tests replay (see tests/fixtures/README.md)."""
    path = directory / f"{prompt.ref.replace('@', '_v')}-{key[:16]}.json"
    fixture = {
        "label": f"recorded from {model} on {time.strftime('%Y-%m-%d')}",
        "prompt": prompt.ref,
        "match": prompt.data,
        "content": value,
    }
    atomic_write_text(path, json.dumps(fixture, ensure_ascii=False, indent=2) + "\n")
    return path
