"""What one sweep run stores: its columns, and :func:`run_one`, which runs a task on a
worker and returns its rows (one per level and ``all``) and, if recorded, its time series.

The columns are shared by the runner (which writes them) and the store (whose Parquet
schemas they define), so both import them from here.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from experiments.batch import Task, simulate
from model import metrics

# Per level, averaged over the final window (the model's own summary keys) ...
FINAL_COLUMNS: tuple[str, ...] = metrics.FINAL_KEYS
# ... yearly sanction and removal rates and the severity mix over the same window ...
RATE_COLUMNS: tuple[str, ...] = metrics.RATE_KEYS
# ... the unsolved-problem stock averaged over the same window ...
STOCK_COLUMNS: tuple[str, ...] = ("problems",)
# ... and counts summed over the whole run.
TOTAL_COLUMNS: tuple[str, ...] = (
    "escalations",
    "cases",
    "recognised",
    "sanctions",
    "innovations",
    "successes",
)
# Model-level outputs, repeated on every level row of a run.
MODEL_COLUMNS: tuple[str, ...] = (
    *(f"survey_{a}" for a in metrics.SURVEY_ANSWERS),
    "effective_tolerance",
)
OUTPUT_COLUMNS: tuple[str, ...] = (
    *FINAL_COLUMNS,
    *RATE_COLUMNS,
    *STOCK_COLUMNS,
    *(f"{c}_total" for c in TOTAL_COLUMNS),
    *MODEL_COLUMNS,
)
# Per month and level when the time series is recorded.
TS_COLUMNS: tuple[str, ...] = (*FINAL_COLUMNS, "problems", "escalations", "cases", "recognised")
ROW_LEVELS: tuple[str, ...] = metrics.ROW_LEVELS

_IDX = {c: i for i, c in enumerate(metrics.VALUE_COLUMNS)}
_SANCTIONS = [_IDX[c] for c in ("sanctions_mild", "sanctions_moderate", "sanctions_severe")]


def run_one(task: Task) -> dict[str, Any]:
    """Run one sweep task and return its per-level rows (and time series if recorded).

    Pure: the output depends only on ``task`` (its seed included). Runs on a worker.
    """
    t0 = time.perf_counter()
    res = simulate(task)
    window, total = res["final"], res["total"]
    n_rows = len(ROW_LEVELS)
    rows: dict[str, Any] = {
        "run_id": np.full(n_rows, task.run_id, dtype=np.int64),
        "point": np.full(n_rows, task.point, dtype=np.int64),
        "replicate": np.full(n_rows, task.replicate, dtype=np.int64),
        "seed": np.full(n_rows, task.seed, dtype=np.int64),
        "scenario": [task.scenario] * n_rows,
        "steps": np.full(n_rows, task.steps, dtype=np.int64),
        "level": list(ROW_LEVELS),
        "n_cadres": res["last"][:, _IDX["n_cadres"]].astype(np.int64),
    }
    params = dict(task.params)
    for name in task.varied:
        rows[name] = [params[name]] * n_rows
    for c in (*FINAL_COLUMNS, *STOCK_COLUMNS):
        rows[c] = window[:, _IDX[c]]
    for c, values in zip(RATE_COLUMNS, metrics.rates(window).T, strict=True):
        rows[c] = values
    for c in TOTAL_COLUMNS:
        rows[f"{c}_total"] = (
            total[:, _SANCTIONS].sum(axis=1) if c == "sanctions" else total[:, _IDX[c]]
        )
    for a, share in zip(metrics.SURVEY_ANSWERS, res["survey"], strict=True):
        rows[f"survey_{a}"] = np.full(n_rows, share)
    rows["effective_tolerance"] = np.full(n_rows, res["effective_tolerance"])

    ts = None
    if task.series:
        sub = res["series"]  # (kept months, rows, cols)
        months = np.arange(task.every, task.steps + 1, task.every)[: len(sub)]
        n = len(sub) * n_rows
        ts = {
            "run_id": np.full(n, task.run_id, dtype=np.int64),
            "step": np.repeat(months, n_rows).astype(np.int64),
            "level": list(ROW_LEVELS) * len(sub),
        }
        for c in TS_COLUMNS:
            ts[c] = sub[:, :, _IDX[c]].reshape(n)
    return {"run_id": task.run_id, "rows": rows, "ts": ts, "seconds": time.perf_counter() - t0}
