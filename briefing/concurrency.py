"""Run calls concurrently in threads, results back in input order.

Threads, not asyncio: the SDK's sync client is thread-safe, the work is I/O-bound, and callers
stay plain functions. A slow item never holds back others (results are collected as they finish).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_ordered(
    fn: Callable[[T], R],
    items: Sequence[T],
    concurrency: int,
    on_done: Callable[[R], None] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]`` with at most ``concurrency`` calls at once.

    An exception from ``fn`` (a fatal error, or a bug) cancels what has not started and is raised;
    calls already in flight finish, so caches they write stay whole.
    """
    results: list[R | None] = [None] * len(items)
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="briefing")
    try:
        futures: dict[Future[R], int] = {pool.submit(fn, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if on_done is not None:
                on_done(result)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [r for r in results if r is not None]
