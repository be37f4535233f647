"""Limits: the memory and computing time a request needs, estimated before it starts.

``cadre-sim run``, ``compare`` and ``sweep`` refuse, in one line that says what would fit,
a request that cannot fit in this machine's available memory or would compute for more
than :data:`MAX_HOURS`; ``--force`` runs it anyway. The estimates are deliberately
rough (costs measured on a 2-core machine, with margins); they exist to stop requests
that are off by orders of magnitude (``--steps 1000000000``, a billion replicates, a
tree of 10^12 units) before an output folder is created or a design is sampled.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from model.errors import CadreSimError
from model.hierarchy import HierarchySpec
from model.metrics import ROW_LEVELS, VALUE_COLUMNS

MAX_HOURS = 24.0  # refuse what would compute longer than this ...
MEMORY_SHARE = 0.8  # ... or need more than this share of the available memory
# Costs (measured on model 2.0, 2 shared cores: a month of a classroom model ~1 ms; 0.3-0.45
# us per cadre and month from 10k to 840k cadres; peak ~550 bytes per cadre during a
# month), with margins.
STEP_SECONDS = 1e-3
CADRE_STEP_SECONDS = 0.4e-6
CADRE_BYTES = 1_500
UNIT_BYTES = 2_000  # tree arrays and the hierarchy graph, per unit
HISTORY_BYTES = len(ROW_LEVELS) * len(VALUE_COLUMNS) * 8  # one month of history
TASK_BYTES = 4_000  # one planned run: its task, future and scheduler record
FORCE_HINT = "add --force to run it anyway"


class LimitError(CadreSimError):
    """A request too large for this machine (one line with what would fit)."""


@dataclass(frozen=True)
class Estimate:
    memory: float  # bytes at the peak
    seconds: float  # wall-clock seconds


def available_memory() -> float | None:
    """Bytes of memory available to new work (Linux MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def model_memory(tree: HierarchySpec, steps: int) -> float:
    """Peak bytes of one model of ``tree`` run for ``steps`` months (history included)."""
    return tree.n_cadres * CADRE_BYTES + tree.n_units * UNIT_BYTES + steps * HISTORY_BYTES


def model_seconds(tree: HierarchySpec, steps: int) -> float:
    return steps * (STEP_SECONDS + tree.n_cadres * CADRE_STEP_SECONDS)


def size(n: float) -> str:
    """Bytes as a short human figure (1.8 TB)."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB", "EB"):
        if n < 1000 or unit == "EB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} EB"


def duration(seconds: float) -> str:
    """Seconds as a short human figure (5.8 days)."""
    for unit, s in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= s:
            return f"{seconds / s:,.1f} {unit}"
    return f"{seconds:.0f} s"


def _budget() -> tuple[float | None, float]:
    avail = available_memory()
    return (None if avail is None else MEMORY_SHARE * avail), MAX_HOURS * 3600


def _over(need: Estimate, avail: float | None, secs: float) -> list[str]:
    reasons = []
    if avail is not None and need.memory > avail:
        reasons.append(
            f"about {size(need.memory)} of memory ({size(avail / MEMORY_SHARE)} available)"
        )
    if need.seconds > secs:
        reasons.append(f"about {duration(need.seconds)} of computing (limit {MAX_HOURS:g} hours)")
    return reasons


def check_model(what: str, tree: HierarchySpec, steps: int, force: bool = False) -> Estimate:
    """One model of ``tree`` for ``steps`` months (``cadre-sim run``); ``what`` names the
    request in the message (``--steps 1000000000``)."""
    need = Estimate(model_memory(tree, steps), model_seconds(tree, steps))
    avail, secs = _budget()
    reasons = _over(need, avail, secs)
    if not reasons or force:
        return need
    one_month = Estimate(model_memory(tree, 1), model_seconds(tree, 1))
    if _over(one_month, avail, secs):
        fit = f"a tree of at most {_max_cadres(avail, secs):,} cadres fits"
    else:
        fit = f"at most {_max_steps(tree, avail, secs):,} months fit"
    raise LimitError(
        f"{what} ({tree.n_units:,} units, {tree.n_cadres:,} cadres, {steps:,} months) "
        f"needs {' and '.join(reasons)}; {fit}; {FORCE_HINT}"
    )


def _max_steps(tree: HierarchySpec, avail: float | None, secs: float) -> int:
    by_time = secs / (STEP_SECONDS + tree.n_cadres * CADRE_STEP_SECONDS)
    by_memory = math.inf if avail is None else (avail - model_memory(tree, 0)) / HISTORY_BYTES
    return max(1, int(min(by_time, by_memory)))


def _max_cadres(avail: float | None, secs: float) -> int:
    by_time = (secs - STEP_SECONDS) / CADRE_STEP_SECONDS
    by_memory = math.inf if avail is None else avail / (CADRE_BYTES + UNIT_BYTES / 20)
    return max(1, int(min(by_time, by_memory)))


def check_batch(
    what: str,
    runs: int,
    tree: HierarchySpec,
    steps: Sequence[int],
    workers: int,
    kept_bytes_per_run: float = 0.0,
    knob: tuple[str, int] | None = None,
    force: bool = False,
) -> Estimate:
    """``runs`` models of ``tree`` (lengths cycling through ``steps``) on ``workers``
    parallel workers, each run leaving ``kept_bytes_per_run`` with the caller.

    ``what`` names the request (``replicates = 1000000000``); ``knob``, when given, is
    the setting to lower and the runs one unit of it makes (``("replicates", 40)``), so
    the message can say which value would fit.
    """
    mean_steps = sum(steps) / len(steps)
    longest = max(steps)
    per_run = model_seconds(tree, mean_steps)
    plan = runs * (TASK_BYTES + kept_bytes_per_run)
    need = Estimate(plan + workers * model_memory(tree, longest), runs * per_run / max(workers, 1))
    avail, secs = _budget()
    reasons = _over(need, avail, secs)
    if not reasons or force:
        return need
    alone = _over(Estimate(model_memory(tree, longest), model_seconds(tree, longest)), avail, secs)
    if alone:
        raise LimitError(
            f"{what}: one run ({tree.n_cadres:,} cadres, {longest:,} months) alone "
            f"needs {' and '.join(alone)}; {FORCE_HINT}"
        )
    by_time = secs * max(workers, 1) / per_run
    by_memory = (
        math.inf
        if avail is None
        else (avail - workers * model_memory(tree, longest)) / (TASK_BYTES + kept_bytes_per_run)
    )
    fit = max(0, int(min(by_time, by_memory)))
    hint = ""
    if knob:
        name, per = knob
        hint = (
            f" ({name} <= {fit // per:,})"
            if fit >= per
            else f" (even one of {name} gives {per:,} runs: fewer design points)"
        )
    raise LimitError(
        f"{what} gives {runs:,} runs of {tree.n_cadres:,} cadres on {workers} "
        f"worker(s), needing {' and '.join(reasons)}; at most {fit:,} runs fit{hint}; "
        f"{FORCE_HINT}"
    )
