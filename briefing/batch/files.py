"""Batch JSONL, streaming: a writer that starts a new file at the API's limits, and a line reader."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024


@dataclass
class Part:
    path: Path
    keys: list[Any] = field(default_factory=list)  # what the caller passed with each line
    size: int = 0


def write_parts(
    lines: Iterable[tuple[Any, dict[str, Any]]],
    directory: Path,
    stem: str,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Part]:
    """Write ``(key, line)`` pairs into ``stem-N.jsonl`` files, each within both limits.

    A part is yielded once it is closed, so the caller can upload it while the next is written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    part: Part | None = None
    fh = None
    n = 0
    for key, line in lines:
        data = (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        if part is not None and (len(part.keys) >= max_requests or part.size + len(data) > max_bytes):
            assert fh is not None
            fh.close()
            yield part
            part = None
        if part is None:
            part = Part(directory / f"{stem}-{n}.jsonl")
            fh = part.path.open("wb")
            n += 1
        assert fh is not None
        fh.write(data)
        part.size += len(data)
        part.keys.append(key)
    if part is not None and fh is not None:
        fh.close()
        yield part


def read_lines(chunks: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    """JSON objects from a byte stream of JSON Lines, one line in memory at a time."""
    rest = b""
    for chunk in chunks:
        rest += chunk
        *whole, rest = rest.split(b"\n")
        for line in whole:
            if line.strip():
                yield json.loads(line)
    if rest.strip():
        yield json.loads(rest)


def read_file(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as fh:
        yield from read_lines(iter(lambda: fh.read(1 << 20), b""))
