"""Run calls concurrently in threads, results back in input order.

Threads, not asyncio: the SDK's sync client is thread-safe, the work is I/O-bound, and callers
stay plain functions. Inputs are consumed lazily with a bounded backlog, so producing them (reading
and chunking articles) overlaps with the calls, and a slow item never holds back others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    concurrency: int,
    on_done: Callable[[R], None] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]`` with at most ``concurrency`` calls at once.

    ``items`` may be a generator: it is drawn as workers free up (at most ``2 x concurrency``
    waiting). An exception from ``fn`` (a fatal error, or a bug) cancels what has not started and
    is raised; calls already in flight finish, so caches they write stay whole.
    """
    workers = max(1, concurrency)
    backlog = 2 * workers
    results: dict[int, R] = {}
    pending: dict[Future[R], int] = {}
    source = iter(enumerate(items))
    exhausted = False
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="briefing")
    try:
        while True:
            while not exhausted and len(pending) < backlog:
                try:
                    index, item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending[pool.submit(fn, item)] = index
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                results[index] = future.result()
                if on_done is not None:
                    on_done(results[index])
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [results[i] for i in sorted(results)]
