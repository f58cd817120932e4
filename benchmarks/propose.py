"""Benchmark: what code's own reading of a chunk costs (``briefing/propose.py``).

    python benchmarks/propose.py [--rounds N]

Chunks the 42 articles of the coverage corpus at 800 tokens and times ``number_chunk`` plus
``propose`` over every chunk, best of N rounds; prints milliseconds of CPU per chunk.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.chunk import chunk_article  # noqa: E402
from briefing.extract import known_before  # noqa: E402
from briefing.pointing import number_chunk  # noqa: E402
from briefing.propose import propose  # noqa: E402
from briefing.readers import load_articles  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    articles, _ = load_articles([ROOT / "tests" / "fixtures" / "coverage"])
    chunks = [c for a in articles for c in chunk_article(a, 800, 60)]
    for c in chunks:  # warm: the directory, the gazetteer and the name patterns are built once
        propose(number_chunk(c.text), known_before(c))
    best = float("inf")
    for _ in range(args.rounds):
        t0 = time.process_time()
        for c in chunks:
            propose(number_chunk(c.text), known_before(c))
        best = min(best, time.process_time() - t0)
    print(f"{len(articles)} articles, {len(chunks)} chunks of <= 800 tokens")
    print(f"number_chunk + propose: {best / len(chunks) * 1000:.2f} ms CPU per chunk (best of {args.rounds})")


if __name__ == "__main__":
    main()
