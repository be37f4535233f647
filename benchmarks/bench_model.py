"""Model benchmarks: build time, step time, per-cadre cost and peak memory per scale.

Every measurement runs in a fresh Python subprocess (``python -m benchmarks.bench_model
--child SPEC``) so that its peak RSS (``ru_maxrss``) belongs to that model alone and no
scale warms caches for the next. The child prints one JSON line; the parent collects
them, compares against the targets and returns a dict for ``results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from model.errors import CadreSimError
from model.scenarios import DEFAULT_SCENARIO

REPO = Path(__file__).resolve().parent.parent

# ~10,000 cadres with the classroom staffing: 1 + 5 + 30 + 180 + 1,800 = 2,016 units,
# 6 + 5 x 2,015 = 10,081 cadres (a uniform tree; see README).
BRANCHING_10K = (5, 6, 6, 10)


@dataclass(frozen=True)
class Scale:
    """One model size and how long to time it (full run, then --quick)."""

    name: str
    model_kwargs: dict[str, Any]
    warmup: int
    steps: int
    quick_warmup: int | None  # None: skipped in --quick
    quick_steps: int | None
    note: str = ""


SCALES: tuple[Scale, ...] = (
    Scale("classroom", {"preset": "classroom"}, 5, 100, 3, 20),
    Scale(
        "10k",
        {"branching": BRANCHING_10K},
        5,
        50,
        3,
        20,
        note=f"custom uniform tree branching={BRANCHING_10K}, classroom staffing",
    ),
    Scale("province", {"preset": "province"}, 5, 30, 2, 10),
    Scale("national", {"preset": "national"}, 2, 10, None, None),
)
# The per-agent Mesa baseline is timed at the scale the speed-up target names.
BASELINE_SCALE = "10k"
BASELINE_WARMUP, BASELINE_STEPS = 2, 10
BASELINE_QUICK = (1, 3)
SEED = 1
NO_AGENTS_STEPS = 5
# Vectorised steps timed after each baseline step in the paired measurement.
PAIRED_VECTORISED_STEPS = 5


@dataclass(frozen=True)
class Target:
    name: str
    metric: str  # key in the flat metrics dict
    limit: float
    op: str  # "<=" or ">="
    unit: str


GB = 1e9
TARGETS: tuple[Target, ...] = (
    Target("national build (agents=True)", "national.build_s", 30.0, "<=", "s"),
    Target("national median step", "national.step_median_s", 0.5, "<=", "s"),
    Target("national peak RSS", "national.peak_rss_bytes", 3 * GB, "<=", "bytes"),
    Target("10k cadres steps per second", "10k.steps_per_s", 100.0, ">=", "steps/s"),
    Target("10k speed-up over per-agent Mesa baseline", "speedup_10k", 30.0, ">=", "x"),
)


@dataclass
class ChildSpec:
    """What one subprocess measures."""

    kind: str  # "model" (vectorised CadreModel) or "baseline"
    model_kwargs: dict[str, Any] = field(default_factory=dict)
    agents: bool = True
    warmup: int = 0
    steps: int = 0  # 0: build only
    seed: int = SEED


# --------------------------------------------------------------------- child side
def _peak_rss_bytes() -> int:
    # Linux reports ru_maxrss in KiB.
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def _step_timed(m: Any, times: list[float], cpu: list[float]) -> None:
    t, c = time.perf_counter(), time.process_time()
    m.step()
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)


def _timing(times: list[float], cpu: list[float], n: int) -> dict[str, float]:
    if not times:
        return {}
    med = statistics.median(times)
    return {
        "step_median_s": med,
        "step_mean_s": statistics.fmean(times),
        "step_min_s": min(times),
        "step_max_s": max(times),
        "steps_per_s": 1.0 / med,
        "ns_per_cadre_step": med / n * 1e9,
        # CPU time is less inflated than wall time when other jobs share the cores.
        "step_cpu_median_s": statistics.median(cpu),
    }


def measure(spec: ChildSpec) -> dict[str, Any]:
    """Build one model, warm it up, time each step; runs inside the child process.

    Kind ``baseline`` times the per-agent Mesa model and, interleaved with it in the
    same process, the vectorised model on the same world: both then see the same
    machine load, so their ratio stays meaningful on shared cores.
    """
    from benchmarks.baseline_agents import BaselineModel
    from model import CadreModel

    kwargs = dict(spec.model_kwargs)
    if "branching" in kwargs:
        kwargs["branching"] = tuple(kwargs["branching"])
    rss_before = _peak_rss_bytes()
    t0 = time.perf_counter()
    if spec.kind == "model":
        m = CadreModel(rng=spec.seed, agents=spec.agents, **kwargs)
    elif spec.kind == "baseline":
        m = BaselineModel(rng=spec.seed, **kwargs)
    else:
        raise ValueError(f"benchmark kind = {spec.kind!r}: allowed are model, baseline")
    build_s = time.perf_counter() - t0
    rss_built = _peak_rss_bytes()
    for _ in range(spec.warmup):
        m.step()
    ref = None
    if spec.kind == "baseline":
        ref = CadreModel(rng=spec.seed, agents=spec.agents, **kwargs)
        for _ in range(spec.warmup):
            ref.step()
    times: list[float] = []
    cpu: list[float] = []
    ref_times: list[float] = []
    ref_cpu: list[float] = []
    for _ in range(spec.steps):
        _step_timed(m, times, cpu)
        for _ in range(PAIRED_VECTORISED_STEPS if ref is not None else 0):
            _step_timed(ref, ref_times, ref_cpu)
    n = int(m.n_cadres)
    out: dict[str, Any] = {
        "kind": spec.kind,
        "agents": spec.agents,
        "model_kwargs": spec.model_kwargs,
        "seed": spec.seed,
        "n_cadres": n,
        "n_units": len(m.units) if spec.kind == "baseline" else int(m.n_units),
        "n_mesa_agents": len(m.agents),
        "build_s": build_s,
        "warmup_steps": spec.warmup,
        "timed_steps": spec.steps,
        "peak_rss_bytes": _peak_rss_bytes(),
        "rss_after_imports_bytes": rss_before,
        "peak_rss_after_build_bytes": rss_built,
        **_timing(times, cpu, n),
    }
    if ref is not None and times:
        vec = _timing(ref_times, ref_cpu, n)
        out["vectorised_interleaved"] = vec
        out["speedup"] = out["step_median_s"] / vec["step_median_s"]
        out["speedup_cpu"] = out["step_cpu_median_s"] / vec["step_cpu_median_s"]
    return out


# -------------------------------------------------------------------- parent side
def run_child(spec: ChildSpec, timeout: float = 1800.0) -> dict[str, Any]:
    """Measure ``spec`` in a fresh interpreter and return its JSON result."""
    cmd = [sys.executable, "-m", "benchmarks.bench_model", "--child", json.dumps(asdict(spec))]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no stderr)"]
        return {"error": f"child exited {proc.returncode}: {tail[0]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt_bytes(b: float) -> str:
    return f"{b / 2**20:,.0f} MiB"


def _flat_metrics(scales: dict[str, dict], speedup: float | None) -> dict[str, float]:
    flat: dict[str, float] = {}
    for name, r in scales.items():
        for k, v in r.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                flat[f"{name}.{k}"] = float(v)
    if speedup is not None:
        flat["speedup_10k"] = speedup
    return flat


def evaluate_targets(flat: dict[str, float]) -> list[dict[str, Any]]:
    """PASS / FAIL per target; SKIP when the metric was not measured (e.g. --quick)."""
    out = []
    for t in TARGETS:
        v = flat.get(t.metric)
        if v is None:
            status = "SKIP"
        else:
            status = "PASS" if (v <= t.limit if t.op == "<=" else v >= t.limit) else "FAIL"
        out.append({**asdict(t), "value": v, "status": status})
    return out


def _print_table(scales: dict[str, dict], baseline: dict | None) -> None:
    head = (
        f"{'scale':<13}{'cadres':>10}{'units':>8}{'build s':>9}{'step ms':>10}{'min ms':>9}"
        f"{'cpu ms':>9}{'ns/cadre':>10}{'steps/s':>9}{'peak RSS':>11}"
    )
    print(head)
    print("-" * len(head))
    rows = list(scales.items()) + ([(f"baseline@{BASELINE_SCALE}", baseline)] if baseline else [])
    for name, r in rows:
        if "error" in r:
            print(f"{name:<13}  {r['error']}")
            continue
        if "step_median_s" in r:
            timing = (
                f"{r['step_median_s'] * 1e3:10.2f}{r['step_min_s'] * 1e3:9.2f}"
                f"{r['step_cpu_median_s'] * 1e3:9.2f}{r['ns_per_cadre_step']:10.0f}"
                f"{r['steps_per_s']:9.1f}"
            )
        else:
            timing = f"{'-':>10}{'-':>9}{'-':>9}{'-':>10}{'-':>9}"
        print(
            f"{name:<13}{r['n_cadres']:>10,}{r['n_units']:>8,}{r['build_s']:9.2f}{timing}"
            f"{_fmt_bytes(r['peak_rss_bytes']):>11}"
        )


def _fmt_limit(t: dict[str, Any]) -> str:
    if t["unit"] == "bytes":
        return f"{t['op']} {t['limit'] / GB:g} GB"
    return f"{t['op']} {t['limit']:g} {t['unit']}"


def _fmt_measured(t: dict[str, Any]) -> str:
    if t["value"] is None:
        return "not measured"
    if t["unit"] == "bytes":
        return f"{t['value'] / GB:.2f} GB"
    return f"{t['value']:.3g} {t['unit']}"


def _fmt_value(t: dict[str, Any]) -> str:
    return f"{_fmt_measured(t)} (limit {_fmt_limit(t)})"


def run(
    quick: bool = False, only_scales: list[str] | None = None, verbose: bool = True
) -> dict[str, Any]:
    """Measure every scale (and the per-agent baseline) and check the targets."""
    known = [s.name for s in SCALES]
    for name in only_scales or []:
        if name not in known:
            raise CadreSimError(
                f"benchmark scale '{name}' is unknown: allowed are {', '.join(known)}"
            )
    scales: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    for sc in SCALES:
        if only_scales and sc.name not in only_scales:
            continue
        if quick and sc.quick_steps is None:
            skipped[sc.name] = "skipped in --quick"
            continue
        warm, steps = (sc.quick_warmup, sc.quick_steps) if quick else (sc.warmup, sc.steps)
        if verbose:
            print(f"  measuring {sc.name} ({warm} warm-up + {steps} timed steps) ...", flush=True)
        res = run_child(ChildSpec("model", sc.model_kwargs, True, warm, steps))
        if sc.note:
            res["note"] = sc.note
        if sc.name == "national" and "error" not in res:
            # Sweeps build without agent views; a few steps show whether the million
            # Mesa agents (GC, registries) slow the step itself.
            if verbose:
                print(
                    f"  measuring national with agents=False (1 warm-up + "
                    f"{NO_AGENTS_STEPS} timed steps) ...",
                    flush=True,
                )
            light = run_child(ChildSpec("model", sc.model_kwargs, False, 1, NO_AGENTS_STEPS))
            res["build_no_agents_s"] = light.get("build_s")
            res["step_median_no_agents_s"] = light.get("step_median_s")
            res["peak_rss_no_agents_bytes"] = light.get("peak_rss_bytes")
        scales[sc.name] = res

    baseline = None
    speedup = speedup_cpu = None
    if not only_scales or BASELINE_SCALE in only_scales:
        base_sc = next(s for s in SCALES if s.name == BASELINE_SCALE)
        warm, steps = BASELINE_QUICK if quick else (BASELINE_WARMUP, BASELINE_STEPS)
        if verbose:
            print(
                f"  measuring per-agent Mesa baseline at {BASELINE_SCALE} "
                f"({warm} warm-up + {steps} timed steps) ...",
                flush=True,
            )
        baseline = run_child(ChildSpec("baseline", base_sc.model_kwargs, True, warm, steps))
        speedup, speedup_cpu = baseline.get("speedup"), baseline.get("speedup_cpu")

    targets = evaluate_targets(_flat_metrics(scales, speedup))
    if verbose:
        print()
        _print_table(scales, baseline)
        nat = scales.get("national", {})
        if nat.get("build_no_agents_s") is not None:
            print(
                f"national with agents=False: build {nat['build_no_agents_s']:.2f} s, "
                f"median step {nat['step_median_no_agents_s'] * 1e3:.0f} ms, "
                f"peak RSS {_fmt_bytes(nat['peak_rss_no_agents_bytes'])}"
            )
        if speedup is not None:
            vec = baseline["vectorised_interleaved"]
            print(
                f"speed-up at {BASELINE_SCALE}, interleaved in one process: {speedup:.1f}x wall, "
                f"{speedup_cpu:.1f}x CPU time (per-agent Mesa {baseline['step_median_s'] * 1e3:.0f} "
                f"ms/step vs vectorised {vec['step_median_s'] * 1e3:.1f} ms/step)"
            )
        for name, why in skipped.items():
            print(f"{name}: {why}")
        print()
        for t in targets:
            print(f"{t['status']:<5} {t['name']}: {_fmt_value(t)}")
    return {
        "quick": quick,
        "seed": SEED,
        "scenario": DEFAULT_SCENARIO,
        "scales": scales,
        "skipped": skipped,
        "baseline": baseline,
        "speedup_10k": speedup,
        "speedup_10k_cpu": speedup_cpu,
        "targets": targets,
    }


def markdown(results: dict[str, Any]) -> str:
    """The figures of a ``bench_model.run`` result as Markdown tables (for the README)."""
    lines = [
        "| scale | cadres | units | build s | median step ms | min step ms | CPU ms/step "
        "| ns per cadre-step | steps/s | peak RSS MiB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    rows = list(results["scales"].items())
    if results.get("baseline"):
        rows.append((f"per-agent Mesa baseline @ {BASELINE_SCALE}", results["baseline"]))
    for name, r in rows:
        if "error" in r:
            lines.append(f"| {name} | {r['error']} |" + " |" * 8)
            continue
        lines.append(
            f"| {name} | {r['n_cadres']:,} | {r['n_units']:,} | {r['build_s']:.2f} "
            f"| {r['step_median_s'] * 1e3:.1f} | {r['step_min_s'] * 1e3:.1f} "
            f"| {r['step_cpu_median_s'] * 1e3:.1f} | {r['ns_per_cadre_step']:,.0f} "
            f"| {r['steps_per_s']:.1f} | {r['peak_rss_bytes'] / 2**20:,.0f} |"
        )
    nat = results["scales"].get("national", {})
    if nat.get("build_no_agents_s") is not None:
        lines += [
            "",
            f"National with `agents=False`: build {nat['build_no_agents_s']:.2f} s, median "
            f"step {nat['step_median_no_agents_s'] * 1e3:.0f} ms, peak RSS "
            f"{nat['peak_rss_no_agents_bytes'] / 2**20:,.0f} MiB.",
        ]
    if results.get("speedup_10k") is not None:
        vec = results["baseline"]["vectorised_interleaved"]
        lines += [
            "",
            f"Speed-up at {BASELINE_SCALE} (interleaved in one process): "
            f"{results['speedup_10k']:.1f}x wall-clock, {results['speedup_10k_cpu']:.1f}x CPU time "
            f"({results['baseline']['step_median_s'] * 1e3:.0f} ms vs "
            f"{vec['step_median_s'] * 1e3:.1f} ms per step).",
        ]
    lines += ["", "| target | measured | status |", "|---|---|---|"]
    for t in results["targets"]:
        lines.append(f"| {t['name']} {_fmt_limit(t)} | {_fmt_measured(t)} | {t['status']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", help="(internal) JSON ChildSpec to measure in this process")
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure(ChildSpec(**json.loads(args.child)))))
        return 0
    run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
