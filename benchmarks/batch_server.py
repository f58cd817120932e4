"""A local fake of the OpenAI files and batches endpoints, for ``benchmarks/batch.py``.

    python benchmarks/batch_server.py PORT DIR [ITEMS]

- ``POST /v1/files``: the multipart upload is streamed to a file under DIR; the JSONL part is
  found by its boundary and kept as a byte range of that file (never held in memory).
- ``POST /v1/batches``: queues the batch for one worker thread, which reads the input line by line
  and writes an output file answering every request with a chat completion whose content is a
  minimal instance of the request's own ``response_format`` JSON schema (so it is valid for
  whatever schema the client sends), with ITEMS items in each list (default 1; 0 for empty lists).
- ``GET /v1/batches/{id}``: state (validating, in_progress, completed) and request counts.
- ``GET /v1/files/{id}/content``: the file, streamed in 1 MB pieces.
- ``GET /stats``: this process's peak RSS and what it has served.

Listens on 127.0.0.1 only. Runs as its own process, so its CPU and memory are not the client's.
"""

from __future__ import annotations

import json
import queue
import re
import resource
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from mock_server import tokens  # the same token estimate as the chat-completions mock

PIECE = 1 << 20
LOCK = threading.Lock()


@dataclass
class StoredFile:
    path: Path
    start: int
    end: int
    filename: str
    purpose: str

    @property
    def size(self) -> int:
        return self.end - self.start

    def pieces(self) -> Iterator[bytes]:
        with self.path.open("rb") as fh:
            fh.seek(self.start)
            left = self.size
            while left > 0:
                data = fh.read(min(PIECE, left))
                if not data:
                    return
                left -= len(data)
                yield data

    def lines(self) -> Iterator[bytes]:
        rest = b""
        for data in self.pieces():
            rest += data
            *whole, rest = rest.split(b"\n")
            yield from (x for x in whole if x.strip())
        if rest.strip():
            yield rest


FILES: dict[str, StoredFile] = {}
BATCHES: dict[str, dict[str, Any]] = {}
WORK: queue.Queue[str] = queue.Queue()
STATS = {"uploads": 0, "uploaded_bytes": 0, "answered": 0, "downloaded_bytes": 0}
ROOT = Path(".")
ITEMS = 1


# --- answers -----------------------------------------------------------------------------------------


def instance(schema: dict[str, Any]) -> Any:
    """A small value valid under a strict-mode JSON schema: ``ITEMS`` items per list (within its
    bounds), the first enum value, the lowest allowed number, a short placeholder string, the
    non-null branch of a nullable."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "anyOf" in schema:
        branches = [b for b in schema["anyOf"] if b.get("type") != "null"] or schema["anyOf"]
        return instance(branches[0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        return {name: instance(sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        count = max(schema.get("minItems", 0), min(ITEMS, schema.get("maxItems", ITEMS)))
        return [instance(schema.get("items", {})) for _ in range(count)]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "string":
        return "x" * max(1, min(schema.get("minLength", 1), schema.get("maxLength", 8)))
    if kind == "boolean":
        return False
    return None


_CONTENT: dict[str, str] = {}


def content_for(body: dict[str, Any]) -> str:
    """The answer's text for a request body, built once per distinct schema."""
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema") or {"type": "object"}
    key = json.dumps(schema, sort_keys=True)
    if key not in _CONTENT:
        _CONTENT[key] = json.dumps(instance(schema), separators=(",", ":"))
    return _CONTENT[key]


def answer_line(n: int, line: dict[str, Any]) -> dict[str, Any]:
    body = line["body"]
    content = content_for(body)
    prompt = sum(tokens(m.get("content") or "") for m in body.get("messages", []))
    done = tokens(content)
    completion = {
        "id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()), "model": body["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                     "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done},
    }  # fmt: skip
    return {
        "id": f"batch_req_{n}",
        "custom_id": line["custom_id"],
        "response": {"status_code": 200, "request_id": f"req_{n}", "body": completion},
        "error": None,
    }


def run_batches() -> None:
    """The worker: answers queued batches one at a time, streaming input to output."""
    while True:
        bid = WORK.get()
        batch = BATCHES[bid]
        source = FILES[batch["input_file_id"]]
        out = ROOT / f"{bid}-output.jsonl"
        with LOCK:
            batch["status"] = "in_progress"
            batch["in_progress_at"] = int(time.time())
        total = 0
        with out.open("wb") as fh:
            for raw in source.lines():
                row = answer_line(total, json.loads(raw))
                fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
                total += 1
                if total % 1000 == 0:
                    with LOCK:
                        batch["request_counts"] = {"total": total, "completed": total, "failed": 0}
        fid = f"file-{bid}-output"
        FILES[fid] = StoredFile(out, 0, out.stat().st_size, out.name, "batch_output")
        with LOCK:
            STATS["answered"] += total
            batch.update(status="completed", output_file_id=fid, completed_at=int(time.time()),
                         request_counts={"total": total, "completed": total, "failed": 0})  # fmt: skip


# --- multipart, streamed -------------------------------------------------------------------------------


def find(path: Path, needle: bytes, start: int) -> int:
    """The offset of ``needle`` in the file at or after ``start``, or -1; reads 1 MB at a time."""
    with path.open("rb") as fh:
        fh.seek(start)
        offset, tail = start, b""
        while data := fh.read(PIECE):
            window = tail + data
            at = window.find(needle)
            if at >= 0:
                return offset - len(tail) + at
            tail = window[-(len(needle) - 1) :]
            offset += len(data)
    return -1


def parse_upload(path: Path, boundary: bytes) -> StoredFile:
    """The file part of a multipart body saved at ``path``, as a byte range; and the ``purpose``."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    delimiter = b"--" + boundary
    purpose, found = "", None
    at = head.find(delimiter)
    while at >= 0 and found is None:
        header_end = head.find(b"\r\n\r\n", at)
        if header_end < 0:
            break
        headers = head[at:header_end].decode("utf-8", "replace")
        start = header_end + 4
        if 'name="file"' in headers:
            name = re.search(r'filename="([^"]*)"', headers)
            found = (start, name.group(1) if name else "upload.jsonl")
        elif 'name="purpose"' in headers:
            purpose = head[start : head.find(b"\r\n", start)].decode()
        at = head.find(delimiter, start)
    if found is None:
        raise ValueError("no file part in the upload")
    start, filename = found
    end = find(path, b"\r\n" + delimiter, start)
    if end < 0:
        raise ValueError("the file part has no closing boundary")
    return StoredFile(path, start, end, filename, purpose or "batch")


# --- HTTP ------------------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, fmt: str, *args: object) -> None:
        pass

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _not_found(self) -> None:
        self._json(404, {"error": {"message": f"no such path {self.path}", "type": "invalid_request_error"}})

    def _batch(self, bid: str) -> dict[str, Any]:
        with LOCK:
            b = dict(BATCHES[bid])
        return {"id": bid, "object": "batch", "endpoint": b["endpoint"], "completion_window": "24h",
                "errors": None, "error_file_id": None, "output_file_id": None, **b}  # fmt: skip

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        if self.path == "/v1/files":
            boundary = self.headers["content-type"].split("boundary=", 1)[1].strip('"').encode()
            with LOCK:
                STATS["uploads"] += 1
                n = STATS["uploads"]
            raw = ROOT / f"upload-{n}.multipart"
            with raw.open("wb") as fh:
                left = length
                while left > 0:
                    data = self.rfile.read(min(PIECE, left))
                    if not data:
                        break
                    fh.write(data)
                    left -= len(data)
            stored = parse_upload(raw, boundary)
            fid = f"file-{n}"
            with LOCK:
                FILES[fid] = stored
                STATS["uploaded_bytes"] += stored.size
            self._json(200, {"id": fid, "object": "file", "bytes": stored.size, "created_at": int(time.time()),
                             "filename": stored.filename, "purpose": stored.purpose, "status": "processed"})  # fmt: skip
            return
        if self.path == "/v1/batches":
            body = json.loads(self.rfile.read(length))
            if body.get("input_file_id") not in FILES:
                self._json(
                    400, {"error": {"message": "unknown input_file_id", "type": "invalid_request_error"}}
                )
                return
            with LOCK:
                bid = f"batch_{len(BATCHES)}"
                BATCHES[bid] = {"input_file_id": body["input_file_id"], "endpoint": body["endpoint"],
                                "status": "validating", "created_at": int(time.time()),
                                "request_counts": {"total": 0, "completed": 0, "failed": 0}}  # fmt: skip
            WORK.put(bid)
            self._json(200, self._batch(bid))
            return
        self.rfile.read(length)
        self._not_found()

    def do_GET(self) -> None:
        if self.path == "/stats":
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            with LOCK:
                self._json(200, {**STATS, "peak_rss_mb": peak})
            return
        if (m := re.fullmatch(r"/v1/batches/([^/?]+)", self.path)) and m.group(1) in BATCHES:
            self._json(200, self._batch(m.group(1)))
            return
        if m := re.fullmatch(r"/v1/files/([^/?]+)/content", self.path):
            stored = FILES.get(m.group(1))
            if stored is not None:
                self.send_response(200)
                self.send_header("content-type", "application/octet-stream")
                self.send_header("content-length", str(stored.size))
                self.end_headers()
                for data in stored.pieces():
                    self.wfile.write(data)
                with LOCK:
                    STATS["downloaded_bytes"] += stored.size
                return
        self._not_found()


class Server(ThreadingHTTPServer):
    daemon_threads = True


def main() -> None:
    global ROOT, ITEMS
    port, ROOT = int(sys.argv[1]), Path(sys.argv[2])
    ITEMS = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    ROOT.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=run_batches, daemon=True).start()
    server = Server(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
