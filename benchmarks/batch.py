"""Batch at scale through the real path: requests built from articles in a SQLite store, uploaded,
started, polled and collected by ``briefing.batch.flow`` with the official openai SDK, against a
local fake of the files and batches endpoints (``benchmarks/batch_server.py``, its own process).

    python benchmarks/batch.py [--requests 200000] [--items 0] [--keep DIR] [--profile]

Phases, each with wall time, this process's CPU time (the fair figure when the machine is shared)
and its peak RSS during the phase (Linux VmHWM, reset between phases):
1. store: the generated corpus (JSON Lines files, read by the project's reader) into a new store;
2. submit: ``batch submit --from-store``: prompts and cache keys per chunk, files split at the
   API's limits, uploaded and started through the SDK;
3. wait: polling until the fake has answered every batch (the server's work, not ours);
4. collect: ``batch collect``: download, validate every answer as a synchronous one, fill the
   cache, and finish every article into the store.
Then it checks that every request was answered and every article extracted, and prints the
server's own peak RSS.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import pstats
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import free_port  # noqa: E402

# Sentences of a plausible article, varied by number so that every article's text is its own.
SENTENCES = [
    "구광모 LG그룹 회장은 {d}일 미국 테네시주 클라크스빌에 있는 LG전자 생산 법인을 방문해 현지 임직원을 격려했다.",
    '구 회장은 이 자리에서 "고객이 체감하는 가치를 높이는 혁신에 속도를 내야 한다"고 강조했다.',
    "LG전자는 올해 이 공장에 {n}억 달러를 추가로 투자해 세탁기 생산 능력을 {p}% 늘릴 계획이다.",
    "조주완 LG전자 사장도 {d}일 애틀랜타의 협력사 {k}곳을 찾아 공급망 현황을 점검했다.",
    '회사 관계자는 "현지 인재 채용을 넓히고 인공지능 기반 생산 체계를 갖출 것"이라고 말했다.',
    "업계에서는 북미 가전 시장의 경쟁이 치열해지는 가운데 이번 방문이 현지화 전략의 분수령이 될 것으로 본다.",
]


def write_corpus(directory: Path, articles: int, paragraphs: int, per_file: int = 1000) -> None:
    """``articles`` JSON Lines records in files of ``per_file``: one file is read at a time."""
    directory.mkdir(parents=True, exist_ok=True)
    for first in range(0, articles, per_file):
        with (directory / f"part-{first // per_file:04d}.jsonl").open("w", encoding="utf-8") as fh:
            for a in range(first, min(first + per_file, articles)):
                body = "\n\n".join(
                    " ".join(
                        s.format(d=(a + p) % 28 + 1, n=a % 97 + p, p=(a + p) % 40 + 5, k=a * 10 + p)
                        for s in SENTENCES
                    )
                    for p in range(paragraphs)
                )
                record = {"title": f"LG 경영진 북미 현장 점검 {a}", "text": body, "outlet": "벤치마크일보",
                          "url": f"https://bench.example/{a}", "published": "2024-05-07"}  # fmt: skip
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def chunks_per_article(paragraphs: int, budget: int) -> int:
    from briefing.chunk import chunk_article
    from briefing.readers import iter_articles

    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp), 1, paragraphs)
        article = next(a for a in iter_articles([Path(tmp)]) if not isinstance(a, Exception))
    return len(chunk_article(article, budget))


# --- measuring ------------------------------------------------------------------------------------------


def reset_peak() -> bool:
    """Reset this process's peak RSS (Linux: writing 5 to clear_refs); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PHASES: list[tuple[str, float, float, float, str]] = []


@contextmanager
def phase(name: str) -> Iterator[list[str]]:
    note: list[str] = []
    reset_peak()
    t0, c0 = time.monotonic(), time.process_time()
    yield note
    PHASES.append((name, time.monotonic() - t0, time.process_time() - c0, peak_mb(), " ".join(note)))
    wall, cpu, rss, extra = PHASES[-1][1:]
    print(f"{name}: {wall:.1f} s ({cpu:.1f} s CPU), peak RSS {rss:.0f} MB {extra}", flush=True)


class FakeServer:
    def __init__(self, directory: Path, items: int) -> None:
        self.port = free_port()
        script = ROOT / "benchmarks" / "batch_server.py"
        self.proc = subprocess.Popen(
            [sys.executable, str(script), str(self.port), str(directory), str(items)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit("the fake batch server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats", timeout=10) as r:
            data: dict[str, int] = json.loads(r.read())
            return data

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


# --- the run ------------------------------------------------------------------------------------------


def run(requests: int, paragraphs: int, items: int, work: Path, wait_limit: float, profile: bool) -> None:
    from pydantic import SecretStr

    from briefing.batch import flow
    from briefing.batch.poll import FINISHED
    from briefing.batch.submit import batch_client
    from briefing.cache import Cache
    from briefing.config import Settings
    from briefing.readers import iter_articles
    from briefing.store import Store

    settings = Settings(api_key=SecretStr("sk-bench"), chunk_tokens=800, cache_dir=work / "cache")
    per_article = chunks_per_article(paragraphs, settings.chunk_budget)
    articles = math.ceil(requests / per_article)
    print(
        f"{articles:,} articles of {per_article} chunks (800-token budget): {articles * per_article:,} requests"
    )
    write_corpus(work / "corpus", articles, paragraphs)

    server = FakeServer(work / "server", items)
    settings = settings.with_(base_url=server.url)
    store = Store(work / "store.sqlite3")
    cache = Cache(settings.cache_dir)
    client = batch_client(settings)
    try:
        with phase("store") as note:
            n = 0
            store.db.execute("BEGIN")
            for item in iter_articles([work / "corpus"]):
                if isinstance(item, Exception):
                    raise SystemExit(f"corpus: {item}")
                store.add_article(item)
                n += 1
            store.db.execute("COMMIT")
            note.append(f"({n:,} articles read, cleaned and stored)")

        with phase("submit") as note:
            todo = flow.articles_from([], store, settings.model, from_store=True)
            sent = flow.submit(todo, store, settings, client, cache)
            size = sum(Path(str(b["path"])).stat().st_size for b in store.batches())
            note.append(
                f"({sent.requests:,} requests in {len(sent.batches)} batches, {size / 2**20:,.0f} MB uploaded)"
            )

        with phase("wait") as note:
            deadline = time.monotonic() + wait_limit
            while not all(b["state"] in FINISHED for b in flow.refresh(store, client)):
                if time.monotonic() > deadline:
                    raise SystemExit(f"the fake server did not answer within {wait_limit:.0f} s")
                time.sleep(0.5)
            note.append("(the fake server answering; not the client's work)")

        t0, c0 = time.monotonic(), time.process_time()
        with phase("collect") as note:
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            report = flow.collect(store, settings, client, cache)
            if profiler:
                profiler.disable()
            rate = report.done / (time.monotonic() - t0)
            per_cpu = report.done / (time.process_time() - c0)
            note.append(
                f"({report.done:,} answers, {report.articles:,} articles finished, {rate:,.0f} answers/s "
                f"overall, {per_cpu:,.0f} per CPU second of this process; answers collected in "
                f"{report.answer_seconds:.1f} s = {report.done / max(report.answer_seconds, 1e-9):,.0f} answers/s; "
                f"articles finished in {report.finish_seconds:.1f} s = "
                f"{report.done / max(report.finish_seconds, 1e-9):,.0f} chunks/s on every core)"
            )
            # the finishing workers have been reaped (the fake server, still running, is not counted)
            workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            if workers_mb:
                note.append(f"(largest finishing worker's peak RSS {workers_mb:.0f} MB)")
        server_stats = server.stats()
        if profiler:
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    finally:
        server.stop()
        store.close()

    db = sqlite3.connect(work / "store.sqlite3")
    extracted = db.execute("SELECT COUNT(*) FROM extractions WHERE failures_json = '[]'").fetchone()[0]
    facts = db.execute("SELECT chunks_json FROM extractions LIMIT 1").fetchone()[0]
    db.close()
    print(f"checks: {report.done:,}/{sent.requests:,} answered, {len(report.failed)} failed, "
          f"{extracted:,}/{articles:,} articles extracted")  # fmt: skip
    print(f"one stored chunk: {json.loads(facts)[0]['extraction']}")
    print(f"server: peak RSS {server_stats['peak_rss_mb']} MB, {server_stats['uploaded_bytes'] / 2**20:,.0f} MB "
          f"received, {server_stats['downloaded_bytes'] / 2**20:,.0f} MB sent")  # fmt: skip
    print()
    print("| phase | wall time | CPU time (this process) | peak RSS (this process) | |")
    print("|---|---|---|---|---|")
    for name, seconds, cpu, rss, extra in PHASES:
        print(f"| {name} | {seconds:.1f} s | {cpu:.1f} s | {rss:.0f} MB | {extra.strip('()')} |")
    if report.failed or report.done != sent.requests or extracted != articles:
        raise SystemExit("the run did not answer and extract everything")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--paragraphs", type=int, default=4, help="paragraphs of six sentences per article")
    parser.add_argument(
        "--items",
        type=int,
        default=0,
        help="items in each list of the fake answers: 0, empty lists (the default); 1, one item per "
        "list, whose pointers the resolver must follow (its cost then dominates: try 10,000 requests)",
    )
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temporary directory)")
    parser.add_argument(
        "--wait-limit", type=float, default=1800.0, help="seconds to wait for the fake server"
    )
    parser.add_argument("--profile", action="store_true", help="profile the collect phase (to stderr)")
    args = parser.parse_args()
    if not reset_peak():
        print("note: peak RSS is not reset between phases here; each figure is the peak so far")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.requests, args.paragraphs, args.items, args.keep, args.wait_limit, args.profile)
        return
    with tempfile.TemporaryDirectory(prefix="briefing-batch-") as tmp:
        run(args.requests, args.paragraphs, args.items, Path(tmp), args.wait_limit, args.profile)


if __name__ == "__main__":
    main()
