#!/usr/bin/env python3
"""A stand-in for llama-server in tests: same flags, /health, and /v1/chat/completions answered
from the hand-written seed fixtures. Behaviour is steered by FAKE_SERVER_MODE:
ok (default), crash (exit 3 at once), never-ready (health stays 503), slow-start (503 for 1 s).
"""

from __future__ import annotations

import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mockllm import FIXTURES, Replay, completion

MODE = os.environ.get("FAKE_SERVER_MODE", "ok")
STARTED = time.monotonic()
REPLAY = Replay.from_dir(FIXTURES / "seeds")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt: str, *args: object) -> None:
        sys.stderr.write("fake-llama-server: " + fmt % args + "\n")

    def _send(self, status: int, body: dict) -> None:  # type: ignore[type-arg]
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        loading = MODE == "never-ready" or (MODE == "slow-start" and time.monotonic() - STARTED < 1)
        if self.path == "/health":
            self._send(503 if loading else 200, {"status": "loading model" if loading else "ok"})
        else:
            self._send(404, {})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        fixture = REPLAY.find(body)
        if fixture is None:
            empty = {"leaders": [], "stops": [], "statements": [], "figures": []}
            self._send(200, completion(json.dumps(empty)))
        else:
            self._send(200, completion(json.dumps(fixture["content"], ensure_ascii=False)))


def main() -> None:
    args = sys.argv[1:]
    port = int(args[args.index("--port") + 1])
    assert Path(args[args.index("--model") + 1]).is_file()
    assert "--no-repack" in args
    print(f"fake-llama-server: pid {os.getpid()} args {' '.join(args)}", flush=True)
    if MODE == "crash":
        print("fake-llama-server: Illegal instruction", flush=True)
        sys.exit(3)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
