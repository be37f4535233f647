"""Replicate runs of a lesson's set-up, on which the lesson's verdict rests.

The run on the screen is one seed; the verdict is judged over ``K`` runs of the same
set-up with seeds ``s, s + 1, …, s + K − 1`` (``s`` the run's own seed, so the run on
the screen is one of them). They run in one background thread shared by all sessions,
so a class of students starting the same lesson computes it once (results are kept in
a small cache keyed by lesson, hierarchy and seed).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from dashboards.session import MAX_SEED, Simulation
from dashboards.verdicts import Runs

# Runs per verdict: the classroom hierarchy has 196 cadres, so a verdict needs many runs;
# one province has 36,000 and its runs vary little (and each takes ~25x longer).
REPLICATES: dict[str, int] = {"classroom": 20, "province": 5}
CACHE_SIZE = 12

_executor: ThreadPoolExecutor | None = None
_cache: OrderedDict[tuple, Future] = OrderedDict()
_lock = threading.Lock()


def replicates_for(preset: str) -> int:
    return REPLICATES.get(preset, 5)


def seeds_for(seed: int, k: int) -> tuple[int, ...]:
    return tuple((seed + i) % (MAX_SEED + 1) for i in range(k))


def run_lesson(lesson, preset: str, seed: int, k: int | None = None) -> Runs:
    """Run ``lesson``'s set-up ``k`` times (seeds from ``seed`` on) to its end."""
    k = replicates_for(preset) if k is None else k
    hist, surveys, seeds = [], [], seeds_for(seed, k)
    for s in seeds:
        sim = Simulation(scenario=lesson.scenario, preset=preset, seed=s, schedule=lesson.schedule)
        sim.step(lesson.steps)
        hist.append(sim.model.history_array().astype(np.float32))
        surveys.append(sim.model.survey())
    return Runs(np.stack(hist), tuple(surveys), seeds)


def submit(lesson, preset: str, seed: int, k: int | None = None) -> Future:
    """The replicate runs of (lesson, preset, seed), computed once in the background."""
    global _executor
    k = replicates_for(preset) if k is None else k
    key = (lesson.key, preset, int(seed), k)
    with _lock:
        fut = _cache.get(key)
        if fut is not None and not (fut.done() and fut.exception() is not None):
            _cache.move_to_end(key)
            return fut
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadre-replicates")
        fut = _executor.submit(run_lesson, lesson, preset, seed, k)
        _cache[key] = fut
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return fut
