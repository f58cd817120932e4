"""Batch files at scale: write 200,000 request lines (split at the API's limits), read them back,
and validate 200,000 answer lines as ``collect`` does; prints wall time and peak RSS.

    .venv/bin/python benchmarks/batch.py [N]

Partial: the local fake of the files and batches endpoints (upload, create, download through the
SDK) and the store writes are not yet part of this benchmark.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from briefing.batch.collect import answer
from briefing.batch.files import read_file, write_parts

EXTRACTION = json.dumps({"leaders": [], "stops": [], "statements": [], "figures": []})


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    body = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "가" * 1500}],
        "max_tokens": 2048,
    }
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        lines = ((f"id{i}", {"custom_id": f"id{i}", "method": "POST", "url": "/v1/chat/completions",
                             "body": body}) for i in range(n))  # fmt: skip
        parts = list(write_parts(lines, Path(tmp), "bench"))
        t1 = time.monotonic()
        out = Path(tmp) / "out.jsonl"
        with out.open("w") as fh:
            for part in parts:
                for line in read_file(part.path):
                    reply = {"choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": EXTRACTION}}],
                             "usage": {"prompt_tokens": 1500, "completion_tokens": 20}}  # fmt: skip
                    fh.write(json.dumps({"custom_id": line["custom_id"],
                                         "response": {"status_code": 200, "body": reply}}) + "\n")  # fmt: skip
        t2 = time.monotonic()
        ok = sum(1 for x in read_file(out) if answer(x).value is not None)
        t3 = time.monotonic()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n} requests in {len(parts)} file(s): write {t1 - t0:.1f} s")
    print(f"collect: {ok} answers validated in {t3 - t2:.1f} s ({ok / (t3 - t2):,.0f}/s)")
    print(f"peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
