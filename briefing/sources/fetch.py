"""One bounded HTTP client for feeds, pages and robots.txt.

Every request has a clear User-Agent, timeouts, a byte cap (the body is streamed and dropped past
it), a redirect limit and an http/https check. Connect errors, timeouts on connect, 429 and 5xx are
retried a few times with a short backoff (tenacity, the only retry layer here). A feed fetched with
its last ``ETag``/``Last-Modified`` costs one small request when unchanged (304).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from .. import __version__
from .urls import is_web

USER_AGENT = f"briefing/{__version__} (+https://github.com/lg-briefing/briefing)"
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 15.0


class FetchFailed(Exception):
    """A URL could not be fetched; ``str()`` is a short reason (no headers, no secrets)."""


class _Transient(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)


@dataclass
class Fetched:
    url: str  # after redirects
    status: int  # 200 or 304
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""


@dataclass
class FetchSettings:
    timeout: float = TIMEOUT
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    attempts: int = 3
    backoff: float = 0.5


class Fetcher:
    """``get(url)`` with the limits of ``FetchSettings``; thread-safe (one httpx client)."""

    def __init__(
        self, settings: FetchSettings | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.settings = s = settings or FetchSettings()
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(s.timeout),
            follow_redirects=True,
            max_redirects=s.max_redirects,
            transport=transport,
        )
        self._get = retry(
            retry=retry_if_exception(lambda e: isinstance(e, _Transient)),
            stop=stop_after_attempt(s.attempts),
            wait=wait_exponential(multiplier=s.backoff, max=4),
            reraise=True,
        )(self._once)

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """The body at ``url``, or status 304 with no body. Raises ``FetchFailed``."""
        if not is_web(url):
            raise FetchFailed("not an http or https URL")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return self._get(url, headers)
        except _Transient as e:
            raise FetchFailed(f"{e} after {self.settings.attempts} attempts") from e

    def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                if not is_web(str(r.url)):
                    raise FetchFailed("redirected to a non-http URL")
                if r.status_code == 429 or r.status_code >= 500:
                    raise _Transient(f"HTTP {r.status_code}")
                if r.status_code == 304:
                    return Fetched(
                        str(r.url), 304, b"", headers.get("If-None-Match"), headers.get("If-Modified-Since")
                    )
                if r.status_code != 200:
                    raise FetchFailed(f"HTTP {r.status_code}")
                declared = r.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                    raise FetchFailed(f"too large ({declared} bytes > {self.settings.max_bytes})")
                chunks: list[bytes] = []
                size = 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > self.settings.max_bytes:
                        raise FetchFailed(f"too large (over {self.settings.max_bytes} bytes)")
                    chunks.append(chunk)
                return Fetched(
                    str(r.url), 200, b"".join(chunks), r.headers.get("ETag"), r.headers.get("Last-Modified"),
                    r.headers.get("Content-Type", ""),
                )  # fmt: skip
        except httpx.TooManyRedirects as e:
            raise FetchFailed(f"more than {self.settings.max_redirects} redirects") from e
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            raise _Transient(f"cannot connect ({e.__class__.__name__})") from e
        except httpx.TimeoutException as e:
            raise FetchFailed(f"timed out after {self.settings.timeout:g} s") from e
        except httpx.UnsupportedProtocol as e:
            raise FetchFailed("redirected to a non-http URL") from e
        except httpx.HTTPError as e:
            raise FetchFailed(f"{e.__class__.__name__}") from e
