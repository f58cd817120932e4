"""A local HTTP server (127.0.0.1, in a thread) serving the fixture feeds and pages of tests/fixtures/collect.

``{BASE}`` in a fixture becomes the server's address. Feeds carry an ETag and answer 304 to a matching
``If-None-Match``. Special paths: a redirect, a 404, a 500, a slow page and an oversized page.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "collect"
HUGE = 6 * 1024 * 1024
SLOW = 1.5


@dataclass
class Site:
    base: str = ""
    requests: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fixture(self, name: str) -> bytes:
        return (FIXTURES / name).read_text("utf-8").replace("{BASE}", self.base).encode()

    def paths(self, status: int | None = None) -> list[str]:
        with self.lock:
            return [p for p, s in self.requests if status is None or s == status]


def _route(site: Site, path: str) -> tuple[int, dict[str, str], bytes]:
    bare = path.split("?")[0].split("#")[0]
    if bare == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, site.fixture("robots.txt")
    if bare in ("/rss.xml", "/atom.xml", "/sitemap.xml"):
        body = site.fixture(bare[1:])
        return (
            200,
            {"Content-Type": "application/xml", "ETag": '"' + hashlib.sha1(body).hexdigest() + '"'},
            body,
        )
    if bare == "/old/1004":
        return 301, {"Location": f"{site.base}/news/1004"}, b""
    if bare == "/news/broken":
        return 500, {}, b"server error"
    if bare == "/news/huge":
        return 200, {"Content-Type": "text/html"}, b"<html><body>" + b"x" * HUGE + b"</body></html>"
    if bare == "/news/slow":
        time.sleep(SLOW)
        return 200, {"Content-Type": "text/html"}, site.fixture("news-1001.html")
    name = bare.removeprefix("/m").strip("/").replace("/", "-") + ".html"
    if (FIXTURES / name).is_file():
        return 200, {"Content-Type": "text/html; charset=utf-8"}, site.fixture(name)
    return 404, {}, b"not found"


@contextmanager
def serve() -> Iterator[Site]:
    site = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = _route(site, self.path)
            etag = headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
            with site.lock:
                site.requests.append((self.path, status))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (timeout, size limit): expected
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
