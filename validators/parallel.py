"""Independent work side by side in threads, or one after the other where threads cannot start.

The readers (calamine, polars) and the polars queries release the GIL, so on a machine with two
cores two files are read, or two outputs computed, at the same time. In Pyodide (xlwings Lite)
a thread cannot be started: there everything runs in order, with the same results.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


def threads_available() -> bool:
    """False where threads cannot start (Pyodide, i.e. xlwings Lite)."""
    return sys.platform != "emscripten"


def workers() -> int:
    """How many things to do at once: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def side_by_side(tasks: Iterable[Callable[[], T]], *, limit: int | None = None,
                 done: Callable[[int], None] | None = None) -> list[T]:
    """Run tasks side by side and return their results in the order given.

    An exception of a task is raised (the first in task order) once every task has ended.
    done(n) is called after each task ends, with the number of tasks ended so far.
    """
    tasks = list(tasks)
    size = min(len(tasks), limit or workers())
    if size <= 1 or not threads_available():
        results = []
        for i, task in enumerate(tasks, start=1):
            results.append(task())
            if done:
                done(i)
        return results
    with ThreadPoolExecutor(max_workers=size, thread_name_prefix="registro") as pool:
        futures = [pool.submit(task) for task in tasks]
        if done:
            from concurrent.futures import as_completed

            for i, _ in enumerate(as_completed(futures), start=1):
                done(i)
        return [f.result() for f in futures]
