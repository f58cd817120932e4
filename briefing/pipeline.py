"""The orchestrator: ingest → chunk → extract → verify/merge → synthesize, in that order.

Takes an ``LLM`` (real, cached or fake) so that every caller (CLI, tests, benchmarks) runs the same
code path.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .chunk import chunk_article
from .config import Settings
from .errors import CallFailed, InputError, LLMError
from .extract import ChunkResult, extract_chunks
from .glossary import Glossary, default_glossary
from .grounding import check_summary
from .llm import LLM, schema_hint
from .merge import ArticleExtraction, merge
from .models import Article, BriefingData, Chunk, MergedData, RunStats, Synthesis
from .places import default_gazetteer
from .prompts import get_prompt

Progress = Callable[[str], None]


@dataclass
class RunResult:
    data: BriefingData
    articles: list[Article]
    input_errors: list[InputError] = field(default_factory=list)
    items: list[ArticleExtraction] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing left out: every file read, every chunk extracted, the summary written."""
        merged = self.data.merged
        summary_missing = self.data.synthesis is None and bool(merged.stops or merged.statements)
        return not self.input_errors and not self.data.stats.failures and not summary_missing


def cost(model: str, prompt_tokens: int, completion_tokens: int, batch: bool = False) -> str | None:
    """The run's cost from BRIEFING_PRICE ("IN,OUT" USD per million tokens) or the price table;
    ``batch``: at the Batch API's price, half the synchronous one."""
    from importlib import resources

    price: list[float] | None = None
    if env := os.environ.get("BRIEFING_PRICE"):
        try:
            price = [float(x) for x in env.split(",")]
        except ValueError:
            price = None
    if price is None:
        table = json.loads(resources.files("briefing").joinpath("data/prices.json").read_text("utf-8"))
        price = table.get(model)
    if not price or len(price) != 2:
        return None
    if batch:
        price = [p / 2 for p in price]
    usd = (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
    return f"${usd:.4f} at ${price[0]:g}/${price[1]:g} per million tokens"


def build_date() -> dt.date:
    """Today, or ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def synthesis_facts(merged: MergedData) -> str:
    """The merged English data the synthesis prompt sees: no Korean, no offsets."""
    facts = {
        "leaders": [{"name": x.name_en, "title": x.title, "company": x.company} for x in merged.leaders],
        "stops": [
            {
                "leader": s.leader_en,
                "dates": s.dates.display(),
                "place": s.place,
                "organisations": s.organisations,
                "people_met": [p.name_en for p in s.people_met],
                "purpose": " ".join(s.purposes),
                "status": s.status,
            }
            for s in merged.stops
        ],
        "statements": [
            {"speaker": s.speaker_en, "topic": s.topic, "words": s.quote_en} for s in merged.statements
        ],
        "figures": [{"value": f.value_en, "meaning": f.meaning} for f in merged.figures],
    }
    return json.dumps(facts, ensure_ascii=False, indent=1)


def synthesize(merged: MergedData, llm: LLM, stats: RunStats) -> Synthesis | None:
    """The executive layer, or None (with a warning) if the call fails: the facts still render."""
    if not merged.stops and not merged.statements:
        return None
    prompt = get_prompt("synthesize")
    facts = synthesis_facts(merged)
    rendered = prompt.render(data=facts, facts=facts, schema_json=schema_hint(llm, Synthesis))
    try:
        done = llm.complete(rendered, Synthesis)
    except CallFailed as e:
        merged.warnings.append(f"executive summary not written: {e}")
        return None
    _count(stats, done.cached, done.attempts, done.usage)
    checked, dropped = check_summary(done.value, merged, default_glossary(), default_gazetteer())
    merged.warnings += dropped
    return checked


def _count(stats: RunStats, cached: bool, attempts: int, usage: object) -> None:
    if cached:
        stats.cache_hits += 1
        return
    stats.calls += attempts
    stats.retried += 1 if attempts > 1 else 0
    stats.prompt_tokens += getattr(usage, "prompt_tokens", 0)
    stats.completion_tokens += getattr(usage, "completion_tokens", 0)
    stats.cached_tokens += getattr(usage, "cached_tokens", 0)


def extract_articles(
    articles: Iterable[Article],
    settings: Settings,
    llm: LLM,
    stats: RunStats,
    progress: Progress | None = None,
) -> list[ChunkResult]:
    """Chunk every article first (so progress knows its total), then extract the chunks.

    Raises:
        LLMError: every chunk failed (nothing worth writing).
        FatalLLMError: the endpoint rejects every call.
    """
    paths: dict[str, str] = {}
    todo: list[Chunk] = []
    for article in articles:  # chunked first: reading is fast, and the progress line knows its total
        paths[article.id] = article.path
        todo += chunk_article(article, settings.chunk_budget, settings.context_tokens)
    stats.chunks = len(todo)
    if progress and todo:
        progress(f"{len(todo)} chunk(s) from {len(paths)} article(s) to extract")
    done = 0
    started = time.monotonic()

    def on_done(result: ChunkResult) -> None:
        nonlocal done
        done += 1
        if progress:
            state = "failed" if result.failure else ("cached" if result.cached else "ok")
            where = f"{result.chunk.article_id} chunk {result.chunk.index}: {state}"
            progress(f"{progress_count(done, len(todo), time.monotonic() - started)} {where}")

    results = extract_chunks(todo, paths, llm, get_prompt("extract"), settings.concurrency, on_done)
    if results and all(r.failure for r in results):
        first = results[0].failure
        assert first is not None
        raise LLMError(
            f"every chunk failed, nothing written ({first.kind}: {first.detail}); check the endpoint "
            "and run again"
        )
    for r in results:
        if r.failure is not None:
            stats.failures.append(r.failure)
        else:
            _count(stats, r.cached, r.attempts, r.usage)
    return results


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"


def progress_count(done: int, total: int, elapsed: float) -> str:
    """ "[3/6 · 2m10s, about 2m10s left]": the estimate is the average so far times what is left."""
    left = elapsed / done * (total - done) if done else 0.0
    tail = f", about {_clock(left)} left" if done < total else ""
    return f"[{done}/{total} · {_clock(elapsed)}{tail}]"


def prompt_refs() -> list[str]:
    return [f"{p.ref} (sha256 {p.sha256[:12]})" for p in (get_prompt("extract"), get_prompt("synthesize"))]


def run(
    paths: Sequence[Path],
    settings: Settings,
    llm: LLM,
    published: dt.date | None = None,
    progress: Progress | None = None,
    glossary: Glossary | None = None,
    today: dt.date | None = None,
) -> RunResult:
    """Build the briefing data for the articles under ``paths``.

    Raises:
        InputError: no article could be read at all.
        FatalLLMError: the endpoint rejects every call.
    """
    from .readers import iter_articles

    glossary = glossary or default_glossary()
    articles: list[Article] = []
    errors: list[InputError] = []

    def readable() -> Iterator[Article]:
        """Articles as they are read; errors are kept for the summary."""
        for item in iter_articles(paths, published):
            if isinstance(item, InputError):
                errors.append(item)
            else:
                articles.append(item)
                yield item

    stats = RunStats()
    results = extract_articles(readable(), settings, llm, stats, progress)
    stats.input_errors = [str(e) for e in errors]
    if not articles:
        reasons = "; ".join(str(e) for e in errors[:3]) or "nothing given"
        raise InputError(", ".join(str(p) for p in paths), f"no readable article ({reasons})")
    by_id = {a.id: a for a in articles}
    items = [
        ArticleExtraction(by_id[r.chunk.article_id], r.chunk.start, r.chunk.end, r.extraction)
        for r in results
        if r.extraction is not None
    ]
    merged = merge(articles, items, glossary)
    if progress:
        progress("writing the executive summary")
    synthesis = synthesize(merged, llm, stats)
    data = BriefingData(
        generated=today or build_date(),
        model=llm.model,
        prompts=prompt_refs(),
        merged=merged,
        synthesis=synthesis,
        stats=stats,
    )
    return RunResult(data=data, articles=articles, input_errors=errors, items=items)
