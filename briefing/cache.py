"""Content-addressed cache of validated LLM answers, and the call log.

Key = sha256 of (model, prompt id@version and file hash, schema, rendered messages, parameters,
output mode), serialised with sorted keys. Entries are written atomically, so an interrupted run
leaves either a whole entry or none. Neither the cache nor the log ever holds an API key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable
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
    """One JSON file per answer (``llm/ab/<key>.json``), and a packed tier for bulk writes.

    A batch collect writes hundreds of thousands of answers; one file each cost more than the rest
    of collecting an answer. ``put_many`` writes them into one SQLite file (``llm/packed.sqlite``)
    in one transaction per group; ``get`` reads a file first, then the packed tier. Losing the
    packed file, like losing a file, costs only a repeated call.
    """

    PACKED = "packed.sqlite"

    def __init__(self, root: Path) -> None:
        self.root = root / "llm"
        self._packed: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            entry: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except OSError:
            return self._get_packed(key)  # no file: perhaps written in bulk
        except ValueError:
            with contextlib.suppress(OSError):
                path.unlink()  # a damaged entry is a miss, and is re-made
            return None
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> bool:
        """Store an entry; a full or read-only disk costs a repeated call later, not the run.
        Whether it was written."""
        try:
            atomic_write_text(self._path(key), json.dumps(entry, ensure_ascii=False, indent=1), durable=False)
        except OSError as e:
            _warn_once(f"cache not written ({e.strerror}): {self.root}; answers will be asked again next run")
            return False
        return True

    def put_many(self, entries: Iterable[tuple[str, dict[str, Any]]]) -> bool:
        """Store many entries at once in the packed tier (one transaction). Whether they were
        written: a caller that cannot ask again (a batch's answers) must know."""
        rows = [(k, json.dumps(e, ensure_ascii=False, separators=(",", ":"))) for k, e in entries]
        if not rows:
            return True
        try:
            with self._lock:
                con = self._connect(create=True)
                assert con is not None
                with con:
                    con.executemany("INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)", rows)
        except (OSError, sqlite3.Error) as e:
            _warn_once(f"cache not written ({e}): {self.root}")
            return False
        return True

    def _get_packed(self, key: str) -> dict[str, Any] | None:
        try:
            with self._lock:
                con = self._connect(create=False)
                if con is None:
                    return None
                row = con.execute("SELECT entry FROM entries WHERE key = ?", (key,)).fetchone()
                if row is None:
                    return None
                try:
                    entry: dict[str, Any] = json.loads(row[0])
                except ValueError:
                    with con:
                        con.execute("DELETE FROM entries WHERE key = ?", (key,))  # damaged: a miss
                    return None
                return entry
        except sqlite3.Error:
            return None  # unreadable: a miss

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._packed is None:
            path = self.root / self.PACKED
            if not create and not path.exists():
                return None
            path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(path, check_same_thread=False, timeout=30)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=OFF")  # a cache: a lost write is a repeated call
            con.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry TEXT NOT NULL)")
            self._packed = con
        return self._packed


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
