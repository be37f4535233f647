"""Sweep throughput: runs per minute and per-run overhead, with 1 and 2 workers.

Everything goes through the real code path (``experiments.runner.run_sweep``: a Dask
LocalCluster, ``run_one`` on the workers, Parquet parts written atomically).

Reference sweep (the issue's target): models of 10,081 cadres (``branching=(5, 6, 6,
10)``, the same "10k" scale as ``bench_model.py``) run for 200 months, final-window
statistics recorded. Target: 1,000 such runs in <= 5 minutes on this 2-core machine.
Running all 1,000 twice (1 and 2 workers) would take the better part of an hour, so
this benchmark runs a subset and **extrapolates linearly**: time for 1,000 runs =
1,000 / measured throughput (runs per second of the sweep loop, cluster start-up
excluded and reported separately). The subset is 20 runs per worker count (4 with
``--quick``); set ``CADRE_BENCH_SWEEP_RUNS=1000`` to run the real reference sweep.

Scheduling overhead is measured on a sweep of near-empty runs (classroom preset, one
month): worker time not spent inside ``run_one`` per run, i.e. ``(loop time x workers
- summed run_one time) / runs``, which covers Dask's scheduling, moving the result and
writing it to Parquet.

    .venv/bin/python -m benchmarks.bench_sweep [--quick]

``--full`` (``make bench-full``, about 5 minutes) measures the target itself instead:
the whole 1,000-run reference sweep on 2 workers, timed from the command to the last
result on disk (cluster start-up included), with no extrapolation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REF_BRANCHING = (5, 6, 6, 10)
REF_STEPS = 200
TARGET_RUNS = 1000
TARGET_SECONDS = 300.0
TARGET_OVERHEAD = 0.050
TARGET_SPEEDUP = 1.7


def _spec(branching: tuple[int, ...] | None, steps: int, runs: int, seed: int) -> Any:
    from experiments.spec import parse_spec

    where = f"branching = {list(branching)}" if branching else 'preset = "classroom"'
    points = 4 if runs % 4 == 0 else 1
    grid = (
        "[parameters]\nsupervision = [0.002, 0.006]\ntolerance = [0.3, 0.8]\n"
        if points == 4
        else ""
    )
    text = (
        f'scenario = "tightened_accountability"\n{where}\nsteps = {steps}\n'
        f"replicates = {runs // points}\nseed = {seed}\n{grid}"
    )
    return parse_spec(text, source="bench", default_name="bench")


def _measure(spec: Any, workers: int) -> dict[str, float]:
    from experiments.runner import run_sweep

    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        t0 = time.perf_counter()
        o = run_sweep(spec, Path(tmp) / "out", workers=workers, progress=False, log=lambda s: None)
        wall = time.perf_counter() - t0
    runs = o.ran
    return {
        "workers": o.workers,
        "runs": runs,
        "loop_s": o.loop_seconds,
        "wall_s": wall,
        "startup_s": wall - o.loop_seconds,
        "runs_per_min": 60 * runs / o.loop_seconds,
        "run_one_mean_s": o.run_seconds / runs,
        "overhead_per_run_s": (o.loop_seconds * o.workers - o.run_seconds) / runs,
    }


def _reference(**extra: Any) -> dict[str, Any]:
    """The reference sweep's shape, as stored with its figures."""
    return {"branching": list(REF_BRANCHING), "cadres": 10081, "steps": REF_STEPS, **extra}


def _target(name: str, value: float, limit: float, op: str, unit: str) -> dict[str, Any]:
    ok = value <= limit if op == "<=" else value >= limit
    return {
        "name": name,
        "value": value,
        "limit": limit,
        "op": op,
        "unit": unit,
        "status": "PASS" if ok else "FAIL",
    }


def run(quick: bool) -> dict[str, Any]:
    """Measure, print a summary with PASS/FAIL per target, and return every figure."""
    n_ref = int(os.environ.get("CADRE_BENCH_SWEEP_RUNS", 4 if quick else 20))
    n_ref = max(4, n_ref - n_ref % 4)
    n_tiny = 60 if quick else 200
    load_start = list(os.getloadavg())
    print(
        f"sweep benchmark: reference = {n_ref} runs of {REF_BRANCHING} (10,081 cadres) x "
        f"{REF_STEPS} months per worker count; overhead = {n_tiny} one-month classroom runs"
    )

    ref = {}
    for w in (1, 2):
        ref[w] = _measure(_spec(REF_BRANCHING, REF_STEPS, n_ref, seed=1), w)
        r = ref[w]
        print(
            f"  reference, {w} worker(s): {r['runs']} runs in {r['loop_s']:.1f} s "
            f"({r['runs_per_min']:.1f} runs/min; run_one {r['run_one_mean_s']:.2f} s; "
            f"idle worker time {1000 * r['overhead_per_run_s']:.0f} ms/run; cluster start "
            f"{r['startup_s']:.1f} s)"
        )
    tiny = _measure(_spec(None, 1, n_tiny, seed=2), 1)
    print(
        f"  overhead sweep, 1 worker: {tiny['runs']} runs in {tiny['loop_s']:.2f} s; "
        f"run_one {1000 * tiny['run_one_mean_s']:.1f} ms; overhead "
        f"{1000 * tiny['overhead_per_run_s']:.1f} ms/run"
    )

    speedup = ref[2]["runs_per_min"] / ref[1]["runs_per_min"]
    extrapolated = TARGET_RUNS / ref[2]["runs_per_min"] * 60
    how = "measured" if n_ref >= TARGET_RUNS else f"extrapolated linearly from {n_ref} runs"
    # What the model itself would need: 2 workers x 300 s over 1,000 runs x 200 steps.
    step_budget_ms = 1000 * 2 * TARGET_SECONDS / TARGET_RUNS / REF_STEPS
    step_ms = 1000 * ref[1]["run_one_mean_s"] / REF_STEPS
    targets = [
        _target(
            f"{TARGET_RUNS} runs of 10k cadres x {REF_STEPS} steps, 2 workers ({how})",
            extrapolated,
            TARGET_SECONDS,
            "<=",
            "s",
        ),
        _target(
            "scheduling overhead per run", tiny["overhead_per_run_s"], TARGET_OVERHEAD, "<=", "s"
        ),
        _target("2 workers vs 1 (throughput ratio)", speedup, TARGET_SPEEDUP, ">=", "x"),
    ]
    print(
        f"  model step at 10k cadres inside a sweep: {step_ms:.1f} ms (the {TARGET_RUNS}-run target "
        f"needs <= {step_budget_ms:.1f} ms per step with 2 workers)"
    )
    for t in targets:
        value = f"{t['value']:.3g} {t['unit']}"
        print(
            f"{t['status']:<5} {t['name']}: {value} (target {t['op']} {t['limit']:g} {t['unit']})"
        )
    return {
        "reference": _reference(runs_per_worker_count=n_ref, extrapolation=how),
        "workers_1": ref[1],
        "workers_2": ref[2],
        "overhead_sweep": tiny,
        "speedup_2_vs_1": speedup,
        f"seconds_for_{TARGET_RUNS}_runs_2_workers": extrapolated,
        "model_step_ms_10k": step_ms,
        "step_budget_ms_for_target": step_budget_ms,
        "load_average": {"start": load_start, "end": list(os.getloadavg())},
        "targets": targets,
    }


def run_full(workers: int = 2) -> dict[str, Any]:
    """The target measured, not extrapolated: all 1,000 reference runs on ``workers``."""
    load_start = list(os.getloadavg())
    print(
        f"sweep benchmark (full): {TARGET_RUNS} runs of {REF_BRANCHING} (10,081 cadres) x "
        f"{REF_STEPS} months on {workers} workers, cluster start-up included"
    )
    r = _measure(_spec(REF_BRANCHING, REF_STEPS, TARGET_RUNS, seed=1), workers)
    target = _target(
        f"{TARGET_RUNS} runs of 10k cadres x {REF_STEPS} steps, {workers} workers "
        "(measured, start-up included)",
        r["wall_s"],
        TARGET_SECONDS,
        "<=",
        "s",
    )
    print(
        f"  {r['runs']} runs in {r['wall_s']:.1f} s ({r['loop_s']:.1f} s running, "
        f"{r['startup_s']:.1f} s cluster start and close; {r['runs_per_min']:.1f} runs/min; "
        f"run_one {r['run_one_mean_s']:.3f} s)"
    )
    print(
        f"{target['status']:<5} {target['name']}: {r['wall_s']:.3g} s (target <= {TARGET_SECONDS:g} s)"
    )
    return {
        "reference": _reference(runs=TARGET_RUNS),
        f"workers_{workers}": r,
        "load_average": {"start": load_start, "end": list(os.getloadavg())},
        "targets": [target],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_sweep", description=__doc__.splitlines()[0]
    )
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="4 reference runs per worker count")
    mode.add_argument(
        "--full",
        action="store_true",
        help=f"the whole {TARGET_RUNS}-run reference sweep on 2 workers (~5 min)",
    )
    args = ap.parse_args(argv)
    result = run_full() if args.full else run(args.quick)
    print(json.dumps(result, indent=2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
