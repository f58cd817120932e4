"""Command line: parse arguments, call the library, turn known errors into one line and an exit code.

Exit codes: 0 all done; 1 output written but something was left out (a file or chunk failed);
2 usage or configuration error; 3 the endpoint refused (bad key, unknown model, unreachable);
4 no readable input; 130 interrupted. Heavy libraries are imported only inside commands.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import BriefingError, ConfigError, InputError

EXIT_PARTIAL, EXIT_CONFIG, EXIT_LLM, EXIT_INPUT, EXIT_INTERRUPTED = 1, 2, 3, 4, 130


def say(message: str) -> None:
    print(f"briefing: {message}", file=sys.stderr, flush=True)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="article files or directories")
    p.add_argument("--published", type=_date, help="publication date for every input (YYYY-MM-DD)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _add_llm_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model and endpoint (flags override the environment)")
    g.add_argument("--model", help="model name (env BRIEFING_MODEL; default gpt-4o-mini)")
    g.add_argument(
        "--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (env OPENAI_BASE_URL)"
    )
    g.add_argument(
        "--output-mode",
        choices=["json_schema", "json_object", "prompt"],
        help="how to ask for structured output (env BRIEFING_OUTPUT_MODE; default json_schema)",
    )
    g.add_argument(
        "--local-model",
        type=Path,
        metavar="GGUF",
        help="model file for the local server (env BRIEFING_LOCAL_MODEL)",
    )
    g.add_argument("--concurrency", type=int, help="requests in flight at once (default 4)")
    g.add_argument("--timeout", type=float, help="seconds to wait for one answer (default 120)")
    g.add_argument(
        "--chunk-tokens", type=int, help="token budget per chunk (default 800; 600 on the local model)"
    )
    g.add_argument(
        "--context-tokens", type=int, help="tokens of preceding text given as context (default 60)"
    )
    g.add_argument("--cache-dir", type=Path, help="cache and call log directory (env BRIEFING_CACHE_DIR)")
    g.add_argument("--no-cache", action="store_true", help="ignore and do not write the cache")
    g.add_argument(
        "--log-file", type=Path, help="JSON Lines log of every call (default CACHE_DIR/calls.jsonl)"
    )
    g.add_argument(
        "--record", type=Path, metavar="DIR", help="save every answer as a replayable test fixture"
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="briefing",
        description="Turn Korean news coverage of LG's leaders into English executive briefings.",
    )
    p.add_argument("--version", action="version", version=f"briefing {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run", help="write a briefing from article files", description="Write an English briefing."
    )
    _add_input_options(run)
    run.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    run.add_argument(
        "--format", choices=["md", "json"], default="md", help="Markdown briefing or merged JSON data"
    )
    _add_llm_options(run)

    tr = sub.add_parser(
        "translate",
        help="translate articles into English",
        description="Translate whole articles into English.",
    )
    _add_input_options(tr)
    tr.add_argument(
        "-o", "--output-dir", type=Path, default=Path("."), help="where NAME.en.md files go (default .)"
    )
    tr.add_argument("--bilingual", action="store_true", help="each Korean paragraph followed by its English")
    tr.add_argument(
        "--format", choices=["md", "json"], default="md", help="Markdown, or JSON paragraph pairs"
    )
    _add_llm_options(tr)

    add = sub.add_parser(
        "add", help="ingest and extract articles into the store", description="Add articles to the store."
    )
    _add_input_options(add)
    add.add_argument(
        "--store", type=Path, help="SQLite store (env BRIEFING_STORE; default ~/.local/share/briefing)"
    )
    _add_llm_options(add)

    wk = sub.add_parser(
        "weekly", help="render a weekly briefing from the store", description="Weekly briefing."
    )
    when = wk.add_mutually_exclusive_group()
    when.add_argument("--week", help="ISO week, e.g. 2024-W19 (default: the current week)")
    when.add_argument("--since", type=_date, help="first day (YYYY-MM-DD); with --until")
    when.add_argument(
        "--since-last", action="store_true", help="what arrived in the store since the last weekly briefing"
    )
    wk.add_argument("--until", type=_date, help="last day (YYYY-MM-DD)")
    wk.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    wk.add_argument("--format", choices=["md", "json"], default="md", help="Markdown briefing or JSON data")
    wk.add_argument(
        "--store", type=Path, help="SQLite store (env BRIEFING_STORE; default ~/.local/share/briefing)"
    )
    _add_llm_options(wk)

    co = sub.add_parser(
        "collect", help="fetch feeds and pages into the store", description="Collect the week's coverage."
    )
    co.add_argument("urls", nargs="*", help="feed, sitemap or page URLs (added to --feeds)")
    co.add_argument("--feeds", type=Path, help="feeds.toml (default: ./feeds.toml if present)")
    co.add_argument("--dry-run", action="store_true", help="list what would be added; write nothing")
    co.add_argument(
        "--no-extract", action="store_true", help="store only; do not extract the new articles yet"
    )
    co.add_argument("-q", "--quiet", action="store_true", help="no extraction progress on stderr")
    co.add_argument("--model", help="model for extracting what was added (env BRIEFING_MODEL)")
    co.add_argument("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    co.add_argument("--concurrency", type=int, default=4, help="requests in flight at most (default 4)")
    co.add_argument(
        "--delay", type=float, default=1.0, help="seconds between requests to one host (default 1)"
    )
    co.add_argument("--timeout", type=float, default=15.0, help="seconds per request (default 15)")
    co.add_argument(
        "--store", type=Path, help="SQLite store (env BRIEFING_STORE; default ~/.local/share/briefing)"
    )

    ev = sub.add_parser(
        "eval", help="score extraction against gold annotations", description="Evaluate faithfulness."
    )
    ev.add_argument("gold", type=Path, metavar="GOLD.jsonl", help="gold annotations (see docs/eval.md)")
    ev.add_argument("--articles", type=Path, metavar="DIR", help="where the gold's article files are")
    ev.add_argument("--format", choices=["table", "json"], default="table", help="Markdown table or JSON")
    ev.add_argument(
        "--oracle", action="store_true", help="answer from the gold itself: checks our code path (all 1.0)"
    )
    ev.add_argument(
        "--code-only",
        action="store_true",
        help="a model that answers nothing: what code alone finds (the floor of any model)",
    )
    _add_llm_options(ev)

    _add_batch_parser(sub)

    prompts = sub.add_parser("prompts", help="list the versioned prompts", description="List prompts.")
    prompts.add_argument(
        "--check", action="store_true", help="fail if a prompt changed without a version bump"
    )
    prompts.add_argument("--lock", action="store_true", help="pin the hashes of new prompt versions")
    return p


def _add_batch_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser(
        "batch", help="bulk runs: OpenAI Batch API and vLLM files", description="Bulk extraction."
    )
    bsub = b.add_subparsers(dest="batch_command", metavar="STEP", required=True)
    store_help = "SQLite store (env BRIEFING_STORE; default ~/.local/share/briefing)"
    for name, text in (
        ("submit", "write, upload and start batches"),
        ("status", "one line per batch"),
        ("collect", "download and validate answers"),
        ("export", "write a vLLM run_batch input file"),
        ("import", "read a vLLM run_batch output file"),
    ):
        p = bsub.add_parser(name, help=text, description=text)
        p.add_argument("--store", type=Path, help=store_help)
        if name in ("submit", "export"):
            p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="article files or directories")
            p.add_argument(
                "--from-store", action="store_true", help="also the stored articles not yet extracted"
            )
            p.add_argument("--published", type=_date, help="publication date for every input")
        if name == "export":
            p.add_argument("-o", "--output", type=Path, required=True, help="the run_batch input file")
        if name == "import":
            p.add_argument("output_file", type=Path, metavar="OUT.jsonl", help="the run_batch output file")
        if name == "collect":
            p.add_argument("--sync-rest", action="store_true", help="finish what failed synchronously")
        _add_llm_options(p)


def settings_from(args: argparse.Namespace) -> object:
    from .config import Settings

    return Settings.from_env().with_(
        model=args.model,
        base_url=args.base_url,
        output_mode=args.output_mode,
        concurrency=args.concurrency,
        timeout=args.timeout,
        chunk_tokens=args.chunk_tokens,
        context_tokens=args.context_tokens,
        cache_dir=args.cache_dir,
        use_cache=False if args.no_cache else None,
        call_log=args.log_file,
        record_dir=args.record,
        local_model=args.local_model,
    )


def warning_kind(warning: str) -> str:
    """A warning without its particulars (article id, names, quoted words, numbers): what repeats."""
    kind = re.sub(r"^[\w.\-]+: ", "", warning)
    kind = re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”", "…", kind)
    kind = re.sub(r"\S*[가-힣]\S*", "…", kind)
    return re.sub(r"\d+", "N", kind)


def report_warnings(warnings: Sequence[str], quiet: bool, log_path: Path | None) -> None:
    """Every warning on stderr; with ``-q`` one line per kind with a count, details in the call log."""
    if not quiet:
        for warning in warnings:
            say(f"warning: {warning}")
        return
    from collections import Counter

    from .cache import CallLog

    CallLog(log_path).write({"event": "warnings", "warnings": list(warnings)})
    for kind, n in Counter(warning_kind(w) for w in warnings).items():
        say(f"warning: {kind}" if n == 1 else f"warning ({n}×): {kind}")
    if warnings and log_path:
        say(f"{len(warnings)} warning(s) in full in {log_path}")


def output_file(path: Path | None) -> Path | None:
    """``-o`` must name a file: checked before any work, so a typo costs no model run."""
    if path is not None and path.is_dir():
        raise ConfigError(f"-o {path} is a directory; give a file name, e.g. -o {path / 'briefing.md'}")
    return path


def cmd_run(args: argparse.Namespace) -> int:
    from .backend import open_llm
    from .config import Settings
    from .pipeline import run
    from .render import render_json, render_markdown
    from .store_files import atomic_write_text

    settings = settings_from(args)
    assert isinstance(settings, Settings)
    output_file(args.output)
    progress = None if args.quiet else say
    with open_llm(settings, say) as (llm, effective):
        result = run(args.paths, effective, llm, published=args.published, progress=progress)
    text = render_json(result.data) if args.format == "json" else render_markdown(result.data)
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    stats = result.data.stats
    ok = stats.chunks - len(stats.failures)
    say(
        f"{len(result.articles)} article(s), {stats.chunks} chunk(s): {ok} ok ({stats.cache_hits} from cache), "
        f"{len(stats.failures)} failed; {stats.calls} call(s), {stats.retried} retried; "
        f"tokens {stats.prompt_tokens} prompt ({stats.cached_tokens} cached) / {stats.completion_tokens} completion"
    )
    from .pipeline import cost

    if price := cost(result.data.model, stats.prompt_tokens, stats.completion_tokens):
        say(f"cost {price} (cached-input discounts not applied)")
    for err in result.input_errors:
        say(f"skipped {err}")
    report_warnings(result.data.merged.warnings, args.quiet, effective.call_log_path)
    for f in stats.failures:
        say(f"failed {f.path} chunk {f.chunk_index}: {f.kind} ({f.detail}); run again to retry it")
    if args.output:
        say(f"wrote {args.output}")
    return 0 if result.ok else EXIT_PARTIAL


def cmd_translate(args: argparse.Namespace) -> int:
    from .backend import open_llm
    from .config import Settings
    from .glossary import default_glossary
    from .readers import load_articles
    from .store_files import atomic_write_text
    from .translate import render_translation, translate_article

    settings = settings_from(args)
    assert isinstance(settings, Settings)
    articles, errors = load_articles(args.paths, args.published)
    for err in errors:
        say(f"skipped {err}")
    if not articles:
        raise InputError(", ".join(map(str, args.paths)), "no readable article")
    progress = None if args.quiet else say
    flagged = 0
    with open_llm(settings, say) as (llm, effective):
        for article in articles:
            doc = translate_article(
                article, llm, default_glossary(), effective.chunk_budget, effective.concurrency, progress
            )
            suffix = "json" if args.format == "json" else "md"
            path = args.output_dir / f"{article.id}.en.{suffix}"
            text = (
                doc.model_dump_json(indent=2) + "\n"
                if args.format == "json"
                else render_translation(doc, args.bilingual)
            )
            atomic_write_text(path, text)
            flagged += doc.issues
            say(f"wrote {path} ({len(doc.paragraphs)} paragraph(s), {doc.issues} issue(s) flagged)")
    return 0 if not errors and not flagged else EXIT_PARTIAL


def _open_store(args: argparse.Namespace) -> object:
    from .store import Store, default_store_path

    return Store(args.store or default_store_path())


def cmd_add(args: argparse.Namespace) -> int:
    from .backend import expected_model, open_llm
    from .config import Settings
    from .store import Store
    from .weekly import add

    settings = settings_from(args)
    assert isinstance(settings, Settings)
    store = _open_store(args)
    assert isinstance(store, Store)
    try:
        report = add(
            args.paths,
            store,
            expected_model(settings),
            lambda: open_llm(settings, say),
            published=args.published,
            progress=None if args.quiet else say,
        )
    finally:
        store.close()
    s = report.stats
    say(
        f"{len(report.added)} added, {len(report.already)} already stored; {len(report.extracted)} extracted "
        f"({s.calls} call(s), {len(s.failures)} chunk(s) failed), {len(report.up_to_date)} already extracted"
    )
    for err in report.errors:
        say(f"skipped {err}")
    for f in s.failures:
        say(f"failed {f.path} chunk {f.chunk_index}: {f.kind} ({f.detail}); run again to retry it")
    if not report.added and not report.already and report.errors:
        return EXIT_INPUT
    return 0 if not report.errors and not s.failures else EXIT_PARTIAL


def cmd_collect(args: argparse.Namespace) -> int:
    from .collect import CollectSettings, collect
    from .glossary import default_glossary
    from .sources import feedlist
    from .sources.fetch import FetchSettings
    from .store import Store

    feeds_file = args.feeds or (Path("feeds.toml") if Path("feeds.toml").is_file() else None)
    sources = feedlist.load(feeds_file) if feeds_file else feedlist.SourceList()
    extra = feedlist.from_args(args.urls)
    sources.feeds += extra.feeds
    sources.pages += extra.pages
    if not sources.feeds and not sources.pages:
        raise ConfigError("nothing to collect: give URLs or --feeds FILE (or put a feeds.toml here)")
    if args.delay < 0 or args.timeout <= 0 or args.concurrency < 1:
        raise ConfigError("--concurrency must be 1 or more, --delay 0 or more, --timeout more than 0 seconds")
    settings = CollectSettings(
        args.concurrency, args.delay, FetchSettings(timeout=args.timeout), args.dry_run
    )
    store = _open_store(args)
    assert isinstance(store, Store)
    try:
        report = collect(sources, store, default_glossary(), settings, say)
    finally:
        store.close()
    for url in report.added:
        print(f"{'would add' if args.dry_run else 'added'} {url}")
    say(report.summary())
    if args.dry_run or args.no_extract:
        return 0
    return _extract_pending(args)


def _extract_pending(args: argparse.Namespace) -> int:
    """Extract what the store holds but has not extracted yet, so `weekly` can render it."""
    from .backend import expected_model, open_llm
    from .config import Settings
    from .models import RunStats
    from .store import Store
    from .weekly import extract_into, pending

    settings = Settings.from_env().with_(model=args.model, base_url=args.base_url)
    store = _open_store(args)
    assert isinstance(store, Store)
    stats = RunStats()
    try:
        todo = pending(store, expected_model(settings))
        done = extract_into(store, todo, lambda: open_llm(settings, say), stats, None if args.quiet else say)
    finally:
        store.close()
    if done:
        say(
            f"extracted {len(done)} article(s) ({stats.calls} call(s), {len(stats.failures)} chunk(s) failed)"
        )
    for f in stats.failures:
        say(f"failed {f.path} chunk {f.chunk_index}: {f.kind} ({f.detail}); run again to retry it")
    return EXIT_PARTIAL if stats.failures else 0


def cmd_weekly(args: argparse.Namespace) -> int:
    from .backend import open_llm
    from .config import Settings
    from .glossary import default_glossary
    from .pipeline import build_date
    from .render import render_json, render_markdown
    from .store import Store
    from .store_files import atomic_write_text
    from .weekly import arrived_window, week_name, week_window, weekly

    output_file(args.output)
    settings = settings_from(args)
    assert isinstance(settings, Settings)
    store = _open_store(args)
    assert isinstance(store, Store)
    after = None
    if args.since_last:
        if args.until:
            raise ConfigError("--since-last takes no --until")
        last = store.last_briefing()
        after = last[1] if last else None
        since, until = arrived_window(store, after, build_date())
        name = f"since {last[0][:10]}" if last else f"{since} to {until}"
    elif args.since or args.until:
        if not (args.since and args.until) or args.since > args.until:
            raise ConfigError("give both --since and --until, with --since not after --until")
        since, until, name = args.since, args.until, f"{args.since} to {args.until}"
    else:
        since, until = week_window(args.week or week_name(build_date()))
        name = args.week or week_name(build_date())
    try:
        upto = store.last_article_pk()
        result = weekly(
            store, since, until, default_glossary(), lambda: open_llm(settings, say), after_pk=after
        )
        store.put_briefing(since.isoformat(), until.isoformat(), upto)
    finally:
        store.close()
    if args.format == "json":
        text = render_json(result.data)
    else:
        text = render_markdown(
            result.data, "weekly.md.j2", week=name, since=since, until=until, timeline=result.timeline,
            since_last_week=result.since_last_week, missing=result.missing,
        )  # fmt: skip
    if args.output:
        atomic_write_text(args.output, text)
        say(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import json
    from contextlib import nullcontext

    from .backend import open_llm
    from .config import Settings
    from .evaluate import (
        NullLLM,
        OracleLLM,
        evaluate_items,
        format_table,
        gold_by_article,
        load_gold,
        resolve_articles,
    )
    from .pipeline import run
    from .render import render_markdown

    settings = settings_from(args)
    assert isinstance(settings, Settings)
    golds = load_gold(args.gold)
    paths = resolve_articles(golds, args.gold, args.articles)
    oracle: OracleLLM | NullLLM | None = OracleLLM(gold_by_article(golds, paths)) if args.oracle else None
    if args.code_only:
        oracle = NullLLM()
    backend = nullcontext((oracle, settings)) if oracle else open_llm(settings, say)
    with backend as (llm, effective):
        result = run(paths, effective, llm)
    total, per = evaluate_items(golds, paths, result.articles, result.items, render_markdown(result.data))
    if args.format == "json":
        report = {"model": result.data.model, "overall": total.table(), "lost": total.lost,
                  "articles": {k: v.table() for k, v in per.items()}}  # fmt: skip
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"model: {result.data.model}\n\n" + format_table(total, per))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .backend import open_llm
    from .batch import flow
    from .batch.submit import batch_client
    from .cache import Cache
    from .config import Settings
    from .store import Store

    settings = settings_from(args)
    assert isinstance(settings, Settings)
    store = _open_store(args)
    assert isinstance(store, Store)
    cache = Cache(settings.cache_dir) if settings.use_cache else None
    step = args.batch_command
    try:
        if step in ("submit", "export"):
            if not args.paths and not args.from_store:
                raise ConfigError("give article paths, or --from-store for the stored articles")
            todo = flow.articles_from(args.paths, store, settings.model, args.from_store, args.published)
            if step == "export":
                n = flow.export(todo, store, settings, cache, args.output)
                say(f"wrote {n} request(s) to {args.output}")
                return 0
            sent = flow.submit(todo, store, settings, batch_client(settings), cache)
            say(f"{sent.requests} request(s) in {len(sent.batches)} batch(es) started, {sent.skipped} "
                f"already sent or answered, {sent.resumed} resumed")  # fmt: skip
            return 0
        if step == "status":
            for batch in flow.refresh(store, batch_client(settings)):
                print(flow.status_line(batch))
            return 0
        if step == "import":
            report = flow.import_(args.output_file, store, settings, cache)
        else:
            report = flow.collect(store, settings, batch_client(settings), cache)
            if args.sync_rest:
                rest = flow.sync_rest(store, settings, cache, lambda: open_llm(settings, say))
                say(f"{rest.done} finished synchronously, {len(rest.failed)} still failed")
                report.failed = rest.failed
                report.articles += rest.articles
                report.done += rest.done
    finally:
        store.close()
    say(f"{report.done} answer(s) collected, {report.articles} article(s) complete, "
        f"{len(report.failed)} failed; {report.cost_line(settings.model)}")  # fmt: skip
    for cid, reason in report.failed:
        say(f"failed {cid[:16]}: {reason}; submit again or collect --sync-rest")
    for bid in report.waiting:
        say(f"{bid} not finished yet; collect again later")
    return EXIT_PARTIAL if report.failed else 0


def cmd_prompts(args: argparse.Namespace) -> int:
    from .prompts import check_lock, load_prompts, update_lock

    if args.lock:
        for ref in update_lock():
            say(f"locked {ref}")
    problems = check_lock()
    for prompt in load_prompts().values():
        print(
            f"{prompt.ref:<16} sha256 {prompt.sha256[:12]}  {prompt.path.name:<18} {prompt.spec.description}"
        )
    for problem in problems:
        say(problem)
    return EXIT_CONFIG if problems and (args.check or args.lock) else 0


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help()
        return EXIT_CONFIG
    handlers = {
        "run": cmd_run,
        "translate": cmd_translate,
        "add": cmd_add,
        "weekly": cmd_weekly,
        "collect": cmd_collect,
        "eval": cmd_eval,
        "prompts": cmd_prompts,
        "batch": cmd_batch,
    }
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        say("interrupted; no output written, the cache keeps every finished answer")
        return EXIT_INTERRUPTED
    except BriefingError as e:  # each known error carries its exit code (errors.py)
        say(f"error: {e}")
        return e.exit_code


if __name__ == "__main__":
    sys.exit(main())
