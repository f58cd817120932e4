"""Content-addressed cache of validated LLM answers, and the call log.

Key = sha256 of (model, prompt id@version and file hash, schema, rendered messages, parameters,
output mode), serialised with sorted keys. Entries are written atomically, so an interrupted run
leaves either a whole entry or none. Neither the cache nor the log ever holds an API key.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

from .store_files import atomic_write_text


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
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # a damaged entry is a miss, and is re-made
            return None
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        atomic_write_text(self._path(key), json.dumps(entry, ensure_ascii=False, indent=1), durable=False)


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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
