"""Content-addressed cache of validated LLM answers, and the call log.

Key = sha256 of (model, prompt id@version and file hash, schema, rendered messages, parameters,
output mode), serialised with sorted keys. Entries are written atomically, so an interrupted run
leaves either a whole entry or none. Neither the cache nor the log ever holds an API key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .store_files import atomic_write_text

_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        print(f"briefing: warning: {message}", file=sys.stderr)


def cache_key(parts: dict[str, Any]) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = root / "llm"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            entry: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except OSError:
            return None  # missing or unreadable: a miss
        except ValueError:
            with contextlib.suppress(OSError):
                path.unlink()  # a damaged entry is a miss, and is re-made
            return None
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store an entry; a full or read-only disk costs a repeated call later, not the run."""
        try:
            atomic_write_text(self._path(key), json.dumps(entry, ensure_ascii=False, indent=1), durable=False)
        except OSError as e:
            _warn_once(f"cache not written ({e.strerror}): {self.root}; answers will be asked again next run")


class CallLog:
    """Append-only JSON Lines log of every request sent: prompt, answer, tokens, latency."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        if self.path is None:
            return
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record}
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(line)
            except OSError as e:
                _warn_once(f"call log not written ({e.strerror}): {self.path}")
