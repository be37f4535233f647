"""Designs: from a spec to design points, and from points to runs with derived seeds.

A *point* is one combination of scenario and varied parameter values; a *run* is one
replicate of a point. Run ids are stable: ``run_id = point * replicates + replicate``,
with points in the order the design lists them (scenarios outermost). The seed of run
``i`` is :func:`experiments.batch.derive_seed` ``(seed, i)``: child ``i`` of
``numpy.random.SeedSequence(seed)``, exactly what ``SeedSequence(seed).spawn(n)[i]``
gives, so a result depends only on the spec and the run id, never on the number of
workers or where the run happened.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

from experiments.batch import Task, derive_seed
from experiments.spec import SweepSpec
from model.params import SCHEMA

RAW_PREFIX = "raw_"  # design columns holding the sampler's unrounded values


def sample_matrix(
    design: str,
    problem: dict[str, Any],
    samples: int,
    seed: int,
    second_order: bool = False,
    levels: int = 4,
) -> np.ndarray:
    """The raw sample (rows x factors) of a sampled design, via SALib.

    Schema-agnostic so the same code samples the model's levers and test functions
    with known sensitivity indices (Ishigami). Seeded: the same inputs give the same
    matrix.
    """
    if design == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, samples, seed=seed)
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            problem, samples, calc_second_order=second_order, scramble=True, seed=seed
        )
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=levels, seed=seed)
    raise ValueError(f"not a sampled design: {design}")


def _int_values(x: np.ndarray, low: int, high: int) -> np.ndarray:
    """Map sampled values in [low, high] onto integers with equal shares of the range.

    [low, high] is cut into high - low + 1 equal bins, so the end values are not drawn
    half as often as plain rounding would draw them.
    """
    if high == low:
        return np.full(len(x), low, dtype=np.int64)
    k = np.floor(low + (x - low) / (high - low) * (high - low + 1)).astype(np.int64)
    return np.clip(k, low, high)


def build(spec: SweepSpec) -> pd.DataFrame:
    """Design points: columns ``point, scenario, steps``, one per varied parameter and,
    for sampled designs, ``raw_<name>`` with the sampler's value before integer mapping."""
    names = list(spec.parameters)
    if spec.design == "grid":
        combos = list(itertools.product(*(f.values for f in spec.factors))) if names else [()]
        body = pd.DataFrame(combos, columns=names) if names else pd.DataFrame(index=range(1))
        raw = None
    else:
        raw = sample_matrix(
            spec.design,
            spec.problem(),
            spec.samples or 0,
            spec.seed,
            spec.second_order,
            spec.morris_levels,
        )
        body = pd.DataFrame(index=range(len(raw)))
        for j, f in enumerate(spec.factors):
            col = raw[:, j]
            body[f.name] = (
                _int_values(col, int(f.low), int(f.high)) if f.kind == "int" else col.astype(float)
            )
    frames = []
    for s in spec.scenarios:
        part = body.copy()
        part.insert(0, "steps", spec.steps_for(s))
        part.insert(0, "scenario", s)
        if raw is not None:
            for j, n in enumerate(names):
                part[RAW_PREFIX + n] = raw[:, j]
        frames.append(part)
    design = pd.concat(frames, ignore_index=True)
    design.insert(0, "point", np.arange(len(design), dtype=np.int64))
    for n in names:
        if SCHEMA[n].kind == "int":
            design[n] = design[n].astype(np.int64)
        else:
            design[n] = design[n].astype(float)
    design["steps"] = design["steps"].astype(np.int64)
    return design


def tasks(spec: SweepSpec, design: pd.DataFrame) -> list[Task]:
    """All runs of the sweep in run-id order (parameters: varied, then fixed)."""
    names = list(spec.parameters)
    fixed = tuple(spec.fixed.items())
    out = []
    R = spec.replicates
    values = design[names].to_dict("records") if names else [{}] * len(design)
    for row, vals in zip(design.itertuples(index=False), values, strict=True):
        params = tuple((n, _py(vals[n])) for n in names) + fixed
        for r in range(R):
            run_id = int(row.point) * R + r
            seed = derive_seed(spec.seed, r if spec.common_seeds else run_id)
            out.append(
                Task(
                    row.scenario,
                    params,
                    seed,
                    int(row.steps),
                    spec.branching,
                    preset=spec.preset,
                    window=spec.record.window,
                    series=spec.record.timeseries,
                    every=spec.record.every,
                    run_id=run_id,
                    point=int(row.point),
                    replicate=r,
                    varied=tuple(names),
                )
            )
    return out


def _py(v: Any) -> float | int:
    return int(v) if isinstance(v, (np.integer, int)) else float(v)


def n_points(spec: SweepSpec) -> int:
    """Design points the spec gives, counted without building the design (a Sobol
    design of 2^24 samples is refused by its size, not after minutes of sampling)."""
    d = len(spec.factors)
    if spec.design == "grid":
        per_scenario = math.prod(len(f.values) for f in spec.factors)
    elif spec.design == "lhs":
        per_scenario = spec.samples or 0
    elif spec.design == "sobol":
        per_scenario = (spec.samples or 0) * ((2 * d + 2) if spec.second_order else (d + 2))
    else:  # morris
        per_scenario = (spec.samples or 0) * (d + 1)
    return per_scenario * len(spec.scenarios)


def n_runs(spec: SweepSpec, design: pd.DataFrame | None = None) -> int:
    return (n_points(spec) if design is None else len(design)) * spec.replicates


def describe(spec: SweepSpec, design: pd.DataFrame | None = None) -> str:
    """One line: design, points, replicates and runs (counted, not built, without ``design``)."""
    points = n_points(spec) if design is None else len(design)
    sc = f"{len(spec.scenarios)} scenarios x " if len(spec.scenarios) > 1 else ""
    extra = ""
    if spec.design == "sobol":
        extra = (
            f" (Saltelli: {spec.samples} x (2D+2))"
            if spec.second_order
            else f" (Saltelli: {spec.samples} x (D+2))"
        )
    elif spec.design == "morris":
        extra = f" ({spec.samples} trajectories x (D+1))"
    return (
        f"{spec.design} over {', '.join(spec.parameters) or 'no parameters'}: {sc}"
        f"{_plural(points // len(spec.scenarios), 'point')}{extra} x "
        f"{_plural(spec.replicates, 'replicate')} "
        f"= {points * spec.replicates} runs"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
