"""Batch parameter sweeps of the cadre model: specs, designs, execution, store, analysis.

Typical use::

    from experiments import load_spec, run_sweep, load, analyze
    spec = load_spec("experiments/sweeps/levers_grid.toml")
    run_sweep(spec, "runs/levers", workers=2)
    frame = load("runs/levers")          # one row per run x level
    analyze("runs/levers")               # figures + tidy CSVs in runs/levers/figures

or from the shell: ``cadre-sim sweep SPEC --out DIR`` and ``cadre-sim analyze DIR``.
Heavy dependencies (dask, SALib, matplotlib) are imported only when used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.spec import SpecError, SweepSpec, load_spec, parse_spec

SWEEPS_DIR = Path(__file__).resolve().parent / "sweeps"

__all__ = [
    "SpecError",
    "SweepSpec",
    "load_spec",
    "parse_spec",
    "run_sweep",
    "load",
    "analyze",
    "SWEEPS_DIR",
]


def __getattr__(name: str) -> Any:
    # Lazy: `import experiments` must not pull in dask, pyarrow or matplotlib.
    if name == "run_sweep":
        from experiments.runner import run_sweep

        return run_sweep
    if name == "load":
        from experiments.store import load

        return load
    if name == "analyze":
        from experiments.analysis import analyze

        return analyze
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")
