"""A local OpenAI-compatible mock for benchmarks: answers schema-valid JSON after a fixed latency.

    python benchmarks/mock_server.py PORT LATENCY_SECONDS

Counts requests and peak in-flight requests (GET /stats), reports usage with an estimate of prompt
tokens, and imitates providers' automatic prompt caching: when a request's system message was
seen before, its tokens are reported as cached. Runs as its own process so that it does not share
the benchmark's interpreter lock.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATS = {"requests": 0, "in_flight": 0, "peak_in_flight": 0, "prompt_tokens": 0, "cached_tokens": 0}
SEEN_PREFIXES: set[str] = set()
LATENCY = 0.2
EXTRACTION = {"leaders": [], "stops": [], "statements": [], "figures": []}
SYNTHESIS = {"summary": ["a", "b", "c"], "common_threads": [], "differences": []}


HANGUL = re.compile("[\uac00-\ud7a3\u3130-\u318f]")
SPACE = re.compile(r"\s")


def tokens(text: str) -> int:
    """The same estimate briefing uses (briefing/chunk.py), so ratios compare like with like."""
    hangul = len(HANGUL.findall(text))
    return hangul + -(-(len(text) - len(SPACE.findall(text)) - hangul) // 3)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One write per response, no Nagle: otherwise delayed ACKs add ~40 ms to every call.
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

    def do_GET(self) -> None:
        with LOCK:
            self._json(200, dict(STATS))

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        with LOCK:
            STATS["requests"] += 1
            STATS["in_flight"] += 1
            STATS["peak_in_flight"] = max(STATS["peak_in_flight"], STATS["in_flight"])
            cached = tokens(system) if system in SEEN_PREFIXES else 0
            SEEN_PREFIXES.add(system)
            prompt_tokens = tokens(system) + tokens(user)
            STATS["prompt_tokens"] += prompt_tokens
            STATS["cached_tokens"] += cached
        try:
            time.sleep(LATENCY)
            name = body.get("response_format", {}).get("json_schema", {}).get("name", "")
            content = json.dumps(SYNTHESIS if name.startswith("synthesize") else EXTRACTION)
            self._json(200, {
                "id": "bench", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": tokens(content),
                          "total_tokens": prompt_tokens + tokens(content),
                          "prompt_tokens_details": {"cached_tokens": cached}},
            })  # fmt: skip
        finally:
            with LOCK:
                STATS["in_flight"] -= 1


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main() -> None:
    global LATENCY
    port, LATENCY = int(sys.argv[1]), float(sys.argv[2])
    server = Server(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
