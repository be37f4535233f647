"""Threads for the per-cadre decision rule at large scale.

numpy releases the GIL inside its array loops, so the decision rule, which is pure and
elementwise per cadre, can run on chunks of cadres in parallel threads. Results do not
depend on the number of threads: every chunk writes its own slice and no random numbers
are drawn inside. Small models stay single-threaded (thread hand-off would cost more
than it saves), and so do sweeps' worker processes that set ``CADRE_SIM_THREADS=1``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from model.errors import CadreSimError

ENV = "CADRE_SIM_THREADS"
MIN_CADRES = 200_000  # below this a step is a few ms and threads do not pay

_pool: ThreadPoolExecutor | None = None
_pool_key: tuple[int, int] | None = None  # (pid, threads): a forked child rebuilds its pool


def n_threads() -> int:
    """Threads to use: ``$CADRE_SIM_THREADS`` if set, else the CPUs this process may use."""
    text = os.environ.get(ENV)
    if text is None:
        return max(
            1,
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1,
        )
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise CadreSimError(f"{ENV} = {text!r} is invalid: allowed is an integer >= 1")
    return value


def pool_for(n_cadres: int) -> ThreadPoolExecutor | None:
    """A shared thread pool for a model of ``n_cadres``, or None to run in this thread.

    perf: a small model returns before reading the environment and the CPU affinity (a
    system call), which it did every month.
    """
    global _pool, _pool_key
    if n_cadres < MIN_CADRES:
        return None
    threads = n_threads()
    if threads < 2:
        return None
    key = (os.getpid(), threads)
    if _pool is None or _pool_key != key:
        _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="cadre-sim")
        _pool_key = key
    return _pool
