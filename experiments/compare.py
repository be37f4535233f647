"""The headline scenarios side by side (``cadre-sim compare``): replicates of each, their
time series, a summary with min–max bands and one figure.

Replicate ``r`` of every scenario uses the same seed, :func:`experiments.batch.seeds`
of the root seed (32 bits, as ``compare`` always had), so scenarios differ by their
regimes, not by their random draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import batch
from experiments.files import make_dir, save_png, write_csv, write_json
from experiments.plotting import ACTION_COLOURS, figure, mark_schedule
from model import scenarios as scen
from model.metrics import FINAL_KEYS, ROW_LEVELS, SURVEY_ANSWERS, VALUE_COLUMNS
from model.model import history_frame
from model.params import resolve

HEADLINE = (
    "flexible_experimentation",
    "tightened_accountability",
    "tolerance_on_paper",
    "reform_package",
    "tightening_then_loosening",
)
SEED_BITS = 32
_COL = {c: i for i, c in enumerate(VALUE_COLUMNS)}
FILES = ("compare.csv", "compare_summary.json", "compare.png")


@dataclass
class Comparison:
    frame: pd.DataFrame  # scenario, replicate, seed, step, level, columns
    summary: dict[str, Any]  # per scenario: bands of the final-window shares, survey
    schedules: dict[str, Sequence]  # each scenario's regime changes


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """The replicates' seeds (the same in every scenario)."""
    return batch.seeds(seed, replicates, bits=SEED_BITS)


def _band(values: Sequence[float]) -> dict[str, float]:
    return {
        "mean": float(np.mean(values)),
        "min": float(np.min(values)),
        "max": float(np.max(values)),
    }


def compare(
    preset: str = "classroom",
    seed: int = 0,
    replicates: int = 3,
    steps: int | None = None,
    pool: batch.Pool | None = None,
    names: Sequence[str] = HEADLINE,
) -> Comparison:
    """Run ``replicates`` runs of each scenario in ``names`` (its own length unless ``steps``)."""
    seeds = replicate_seeds(seed, replicates)
    lengths = {n: steps if steps is not None else scen.get(n).steps for n in names}
    tasks = [
        batch.Task(n, (), s, lengths[n], preset=preset, series=True) for n in names for s in seeds
    ]
    results = batch.run_tasks(tasks, pool)
    frames, summary = (
        [],
        {"preset": preset, "seed": seed, "replicates": replicates, "seeds": seeds, "scenarios": {}},
    )
    schedules: dict[str, Sequence] = {}
    for i, name in enumerate(names):
        sc = scen.get(name)
        runs = results[i * replicates : (i + 1) * replicates]
        for r, (s, res) in enumerate(zip(seeds, runs, strict=True)):
            h = history_frame(res["series"])
            h.insert(0, "seed", s)
            h.insert(0, "replicate", r)
            h.insert(0, "scenario", name)
            frames.append(h)
        schedules[name] = tuple(sorted(scen.validate_schedule(sc.schedule), key=lambda e: e[0]))
        levels = [
            {
                lv: {c: float(res["final"][j, _COL[c]]) for c in FINAL_KEYS}
                for j, lv in enumerate(ROW_LEVELS)
            }
            for res in runs
        ]
        summary["scenarios"][name] = {
            "title_en": sc.title_en,
            "title_zh": sc.title_zh,
            "steps": lengths[name],
            "params": resolve(sc.params),
            "schedule": [[at, dict(ch)] for at, ch in schedules[name]],
            "levels": {
                lv: {k: _band([x[lv][k] for x in levels]) for k in FINAL_KEYS} for lv in ROW_LEVELS
            },
            "survey": {
                a: _band([res["survey"][k] for res in runs]) for k, a in enumerate(SURVEY_ANSWERS)
            },
            "effective_tolerance": runs[0]["effective_tolerance"],
        }
    return Comparison(pd.concat(frames, ignore_index=True), summary, schedules)


def plot_compare(
    frame: pd.DataFrame, names: Sequence[str], schedules: Mapping[str, Sequence], title: str
) -> Any:
    """Township and all-level innovate / avoid over time per scenario: mean, min–max band."""
    fig = figure(13, 7, layout="constrained")
    axes = fig.subplots(2, 3, sharey=True).ravel()
    styles = {"township": "-", "all": "--"}
    for ax, name in zip(axes, names, strict=False):
        sub = frame[(frame["scenario"] == name) & frame["level"].isin(list(styles))]
        stats = sub.groupby(["level", "step"])[["innovate", "avoid"]].agg(["mean", "min", "max"])
        for lv, ls in styles.items():
            s = stats.loc[lv]
            for action in ("innovate", "avoid"):
                c = ACTION_COLOURS[action]
                ax.fill_between(
                    s.index, s[(action, "min")], s[(action, "max")], color=c, alpha=0.18, lw=0
                )
                ax.plot(
                    s.index, s[(action, "mean")], color=c, ls=ls, lw=1.4, label=f"{action}, {lv}"
                )
        steps = int(sub["step"].max())
        mark_schedule(ax, schedules[name], steps)
        ax.set_title(scen.SCENARIOS[name].title_en, fontsize=10)
        ax.set_xlim(1, max(steps, 2))
        ax.set_ylim(-0.02, 1.02)  # lines pinned at 0 or 1 stay visible
        ax.set_xlabel("month")
    for ax in axes[::3]:
        ax.set_ylabel("share of cadres")
    spare = axes[len(names) :]
    if len(spare):
        handles, labels = axes[0].get_legend_handles_labels()
        for ax in spare:
            ax.axis("off")
        spare[0].legend(
            handles, labels, loc="center", title="mean over replicates;\nband = min–max"
        )
    else:
        axes[0].legend(fontsize=8)
    fig.suptitle(title)
    return fig


def write_compare(out: str | Path, c: Comparison) -> list[Path]:
    """``compare.csv``, ``compare_summary.json`` and ``compare.png`` in ``out``."""
    out = make_dir(out)
    s = c.summary
    title = (
        f"Headline scenarios — {s['preset']}, {s['replicates']} replicates "
        f"(seed {s['seed']}); dotted lines: regime changes"
    )
    write_csv(out / FILES[0], c.frame)
    write_json(out / FILES[1], s)
    save_png(out / FILES[2], plot_compare(c.frame, list(s["scenarios"]), c.schedules, title))
    return [out / f for f in FILES]
