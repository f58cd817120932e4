"""Politeness: robots.txt honoured, a delay between requests to one host, a global bound on requests."""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from urllib.parse import urlsplit

from .fetch import USER_AGENT, Fetched, Fetcher, FetchFailed

DELAY = 1.0
CONCURRENCY = 4


class Polite:
    """Wraps a ``Fetcher``: ``allowed(url)`` reads robots.txt once per host; ``get`` waits its turn."""

    def __init__(self, fetcher: Fetcher, delay: float = DELAY, concurrency: int = CONCURRENCY) -> None:
        self.fetcher = fetcher
        self.delay = delay
        self.slots = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._next: dict[str, float] = {}
        self._host_locks: dict[str, threading.Lock] = {}

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            host_lock = self._host_locks.setdefault(root, threading.Lock())
        with host_lock:
            if root not in self._robots:
                parser = urllib.robotparser.RobotFileParser()
                try:
                    got = self._fetch(f"{root}/robots.txt")
                    parser.parse(got.body.decode("utf-8", "replace").splitlines())
                except FetchFailed:
                    parser.parse([])  # no robots.txt (404) or unreachable: everything allowed
                self._robots[root] = parser
        return self._robots[root].can_fetch(USER_AGENT, url)

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        return self._fetch(url, etag, last_modified)

    def _fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        host = urlsplit(url).netloc
        with self.slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next.get(host, now))
                self._next[host] = start + self.delay
            if start > now:
                time.sleep(start - now)
            return self.fetcher.get(url, etag, last_modified)
