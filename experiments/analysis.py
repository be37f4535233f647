"""``cadre-sim analyze DIR``: figures and tidy tables from a sweep's stored results.

What is made depends on what the sweep varied and recorded:

- response curves (``response_<param>.png``): innovate / avoid shares per level against
  each varied parameter, mean and 95% confidence band;
- phase diagrams (``phase_<a>__<b>[_<scenario>].png``): heatmaps of the shares over every
  pair of varied parameters;
- time-series bands (``timeseries_<scenario>.png``) when the time series was recorded;
- Sobol first-order / total indices (``sobol_indices.png``; second-order in
  ``sobol_s2.png`` when computed) with bootstrap confidence intervals for a ``sobol``
  design, Morris mu*/sigma (``morris.png``) for a ``morris`` design (SALib).

Every plotted number is also written to a tidy CSV beside the figure. Confidence bands
of a response curve are over replicates: each replicate's mean over the other varied
parameters is one estimate, and the band is the t-interval of those estimates. With
one replicate, or a sampled (binned) design, the interval is over the runs at that value
(column ``ci_basis`` says which).
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.designs import RAW_PREFIX
from experiments.files import check_out_dir, make_dir, save_png, write_csv
from experiments.plotting import ACTION_COLOURS, INDEX_COLOURS, figure, mark_schedule
from experiments.rows import ROW_LEVELS
from experiments.stats import CONF, t_half_width
from experiments.store import StoreError, load, read_manifest
from model import scenarios as scen
from model.errors import CadreSimError
from model.params import SCHEMA

OUTPUTS: tuple[str, ...] = ("innovate", "avoid")
# Outputs whose global sensitivity is reported (level, column); the figure shows the first four.
SENSITIVITY_OUTPUTS: tuple[tuple[str, str], ...] = (
    ("township", "innovate"),
    ("township", "avoid"),
    ("all", "innovate"),
    ("all", "avoid"),
    *((lv, c) for lv in ROW_LEVELS[:-2] for c in OUTPUTS),
    ("all", "problems_per_cadre"),
    ("all", "escalations_total"),
)
MAX_DISCRETE = 12  # more distinct values than this are binned
BINS = 10
PHASE_BINS = 8
DPI = 110
KINDS: tuple[str, ...] = ("response", "phase", "timeseries", "sensitivity")


@dataclass
class AnalysisReport:
    out: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ statistics
def _axis_values(values: pd.Series, discrete: bool, bins: int) -> pd.Series:
    """The x used for grouping: the values themselves, or the centre of equal-width bins."""
    if discrete or values.nunique() <= MAX_DISCRETE:
        return values
    lo, hi = float(values.min()), float(values.max())
    edges = np.linspace(lo, hi, bins + 1)
    idx = np.clip(np.digitize(values, edges[1:-1]), 0, bins - 1)
    centres = (edges[:-1] + edges[1:]) / 2
    return pd.Series(centres[idx], index=values.index)


def _interval_frame(groups: Any, outputs: Sequence[str]) -> pd.DataFrame:
    """Mean, t-interval ends and count of each output per group, long form (vectorised)."""
    agg = groups[list(outputs)].agg(["mean", "std", "count"])
    frames = []
    for out in outputs:
        a = agg[out]
        n = a["count"].to_numpy(dtype=float)
        half = t_half_width(a["std"].to_numpy(), n, CONF)
        f = pd.DataFrame(
            {
                "output": out,
                "mean": a["mean"].to_numpy(),
                "ci_low": a["mean"].to_numpy() - half,
                "ci_high": a["mean"].to_numpy() + half,
                "n": n.astype(int),
            },
            index=agg.index,
        )
        frames.append(f)
    return pd.concat(frames).reset_index()


def response_curves(
    runs: pd.DataFrame, params: Sequence[str], discrete: bool, outputs: Sequence[str] = OUTPUTS
) -> pd.DataFrame:
    """Tidy table: scenario, parameter, value, level, output, mean, ci_low, ci_high, n, ci_basis."""
    frames = []
    n_rep = runs["replicate"].nunique()
    keys = ["scenario", "level", "_x"]
    for p in params:
        binned = not (discrete or runs[p].nunique() <= MAX_DISCRETE)
        frame = runs.assign(_x=_axis_values(runs[p], discrete, BINS))
        by_rep = n_rep > 1 and not binned
        if by_rep:
            # Replicate means over the other parameters are iid estimates; raw runs are not.
            frame = (
                frame.groupby([*keys, "replicate"], observed=True)[list(outputs)]
                .mean()
                .reset_index()
            )
        t = _interval_frame(frame.groupby(keys, observed=True), outputs)
        t = t.rename(columns={"_x": "value"})
        t.insert(1, "parameter", p)
        t["ci_basis"] = "replicates" if by_rep else "runs"
        t["binned"] = binned
        frames.append(t)
    cols = [
        "scenario",
        "parameter",
        "value",
        "level",
        "output",
        "mean",
        "ci_low",
        "ci_high",
        "n",
        "ci_basis",
        "binned",
    ]
    out = pd.concat(frames, ignore_index=True)[cols]
    out["level"] = out["level"].astype(str)
    return out.sort_values(
        ["scenario", "parameter", "output", "level", "value"], kind="stable", key=_level_key
    ).reset_index(drop=True)


def _level_key(col: pd.Series) -> pd.Series:
    return col.map({lv: i for i, lv in enumerate(ROW_LEVELS)}) if col.name == "level" else col


def phase_table(
    runs: pd.DataFrame, a: str, b: str, discrete: bool, outputs: Sequence[str] = OUTPUTS
) -> pd.DataFrame:
    """Tidy table of mean shares over the (a, b) plane, per scenario and level."""
    xa = _axis_values(runs[a], discrete, PHASE_BINS)
    xb = _axis_values(runs[b], discrete, PHASE_BINS)
    frame = runs.assign(_a=xa, _b=xb)
    g = frame.groupby(["scenario", "level", "_a", "_b"], observed=True)[list(outputs)]
    stats = g.mean().reset_index()
    counts = g.size().reset_index(name="n")
    stats = stats.merge(counts, on=["scenario", "level", "_a", "_b"])
    long = stats.melt(
        id_vars=["scenario", "level", "_a", "_b", "n"],
        value_vars=list(outputs),
        var_name="output",
        value_name="mean",
    )
    long = long.rename(columns={"_a": "x", "_b": "y"})
    long.insert(1, "x_parameter", a)
    long.insert(2, "y_parameter", b)
    return long[
        ["scenario", "x_parameter", "y_parameter", "x", "y", "level", "output", "mean", "n"]
    ]


def timeseries_bands(ts: pd.DataFrame, outputs: Sequence[str] = OUTPUTS) -> pd.DataFrame:
    """Per scenario, month and level: mean over runs, its 95% CI and the 10-90% envelope."""
    keys = ["scenario", "step", "level"]
    groups = ts.groupby(keys, observed=True)
    t = _interval_frame(groups, outputs)
    q = groups[list(outputs)].quantile([0.1, 0.9]).unstack()
    for out in outputs:
        sel = t["output"] == out
        idx = pd.MultiIndex.from_frame(t.loc[sel, keys])
        t.loc[sel, "p10"] = q[(out, 0.1)].reindex(idx).to_numpy()
        t.loc[sel, "p90"] = q[(out, 0.9)].reindex(idx).to_numpy()
    t["level"] = t["level"].astype(str)
    return t[
        ["scenario", "step", "level", "output", "mean", "ci_low", "ci_high", "p10", "p90", "n"]
    ]


def _point_means(
    runs: pd.DataFrame, level: str, column: str, n_points: int, first_point: int
) -> np.ndarray:
    """Output of each design point (mean over replicates) in design order."""
    sub = runs[runs["level"] == level]
    y = sub.groupby("point")[column].mean()
    idx = np.arange(first_point, first_point + n_points)
    missing = np.setdiff1d(idx, y.index.to_numpy())
    if len(missing):
        raise StoreError(
            f"design point {int(missing[0])} has no stored run: global sensitivity "
            "needs every point; resume the sweep first"
        )
    return y.reindex(idx).to_numpy(dtype=float)


def sobol_indices(
    problem: dict[str, Any],
    y: np.ndarray,
    second_order: bool = False,
    seed: int = 0,
    resamples: int = 1000,
) -> pd.DataFrame:
    """Sobol S1, ST (and S2) with bootstrap CIs: columns parameter, index, estimate, conf."""
    from SALib.analyze import sobol

    with warnings.catch_warnings():
        # An output that is constant over some bootstrap resamples (a level where almost
        # nobody innovates) is legitimate; its intervals simply come out wide or NaN.
        warnings.filterwarnings("ignore", message="Constant values encountered")
        res = sobol.analyze(
            problem,
            y,
            calc_second_order=second_order,
            num_resamples=resamples,
            conf_level=CONF,
            seed=seed,
        )
    rows = []
    for i, name in enumerate(problem["names"]):
        for key in ("S1", "ST"):
            rows.append(
                {
                    "parameter": name,
                    "index": key,
                    "estimate": float(res[key][i]),
                    "conf": float(res[f"{key}_conf"][i]),
                }
            )
    if second_order:
        for i, j in itertools.combinations(range(len(problem["names"])), 2):
            rows.append(
                {
                    "parameter": f"{problem['names'][i]} x {problem['names'][j]}",
                    "index": "S2",
                    "estimate": float(res["S2"][i, j]),
                    "conf": float(res["S2_conf"][i, j]),
                }
            )
    out = pd.DataFrame(rows)
    out["ci_low"] = out["estimate"] - out["conf"]
    out["ci_high"] = out["estimate"] + out["conf"]
    return out


# A Sobol index lies in [0, 1]; a 95 % interval wider than half that range on either side
# of its estimate, or an estimate far outside it, cannot rank parameters.
SOBOL_MAX_CONF = 0.25
SOBOL_SLACK = 0.1


def imprecise_sobol(
    table: pd.DataFrame, max_conf: float = SOBOL_MAX_CONF, slack: float = SOBOL_SLACK
) -> list[str]:
    """One line per (scenario, level, output) whose S1/ST estimates are too imprecise to
    rank parameters: a 95 % half-width above ``max_conf``, or an estimate outside
    [-slack, 1 + slack]. Heavy-tailed outputs (an output near 0 almost everywhere that
    spikes in a corner) need far more base samples than smooth ones."""
    lines = []
    first = table[table["index"].isin(("S1", "ST"))]
    for (sc, level, out), g in first.groupby(["scenario", "level", "output"], sort=False):
        conf, est = g["conf"].max(), g["estimate"]
        outside = ((est < -slack) | (est > 1 + slack)).any()
        if conf > max_conf or outside:
            lines.append(
                f"Sobol indices of {level} {out} ({sc}) are imprecise: largest 95 % "
                f"half-width {conf:.2f}, estimates from {est.min():.2f} to "
                f"{est.max():.2f}; raise `samples` in the spec before ranking parameters"
            )
    return lines


def morris_indices(
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    levels: int,
    seed: int = 0,
    resamples: int = 1000,
) -> pd.DataFrame:
    """Morris mu, mu*, mu* CI and sigma per parameter."""
    from SALib.analyze import morris

    res = morris.analyze(
        problem, x, y, num_resamples=resamples, conf_level=CONF, num_levels=levels, seed=seed
    )
    return pd.DataFrame(
        {
            "parameter": list(problem["names"]),
            "mu": np.asarray(res["mu"], dtype=float),
            "mu_star": np.asarray(res["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
            "sigma": np.asarray(res["sigma"], dtype=float),
        }
    )


def sensitivity_table(
    runs: pd.DataFrame,
    design: pd.DataFrame,
    method: str,
    problem: dict[str, Any],
    *,
    second_order: bool = False,
    levels: int = 4,
    seed: int = 0,
    outputs: Sequence[tuple[str, str]] = SENSITIVITY_OUTPUTS,
) -> pd.DataFrame:
    """Sobol or Morris indices of each (level, output) per scenario, from stored runs.

    Each design point's output is the mean over its replicates; points are put back in
    design order (results arrive in any order), which is what SALib's estimators need.
    """
    frames = []
    for sc, d in design.groupby("scenario", sort=False):
        first, n = int(d["point"].min()), len(d)
        sub = runs[runs["scenario"] == sc]
        for level, col in outputs:
            y = _point_means(sub, level, col, n, first)
            # A constant output has no variance to apportion: no indices (the figure says so).
            if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
                continue
            if method == "sobol":
                t = sobol_indices(problem, y, second_order, seed)
            else:
                x = d.sort_values("point")[[RAW_PREFIX + nm for nm in problem["names"]]].to_numpy()
                t = morris_indices(problem, x, y, levels, seed)
            t.insert(0, "output", col)
            t.insert(0, "level", level)
            t.insert(0, "scenario", sc)
            frames.append(t)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# ------------------------------------------------------------------ figures
# Margins are set per figure by hand: the grids are fixed, and constrained layout doubles
# render time.
_figure = figure


def _label(p: str) -> str:
    return f"{SCHEMA[p].label_en} ({p})" if p in SCHEMA else p


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def plot_response(table: pd.DataFrame, param: str, title: str) -> Any:
    fig = _figure(13, 6.5)
    axes = fig.subplots(2, 3, sharex=True, sharey=True).ravel()
    scenarios = list(dict.fromkeys(table["scenario"]))
    styles = ["-", "--", ":", "-."]
    for ax, lv in zip(axes, ROW_LEVELS, strict=True):
        for k, sc in enumerate(scenarios):
            for out in OUTPUTS:
                s = table[
                    (table["scenario"] == sc) & (table["level"] == lv) & (table["output"] == out)
                ]
                s = s.sort_values("value")
                c = ACTION_COLOURS[out]
                label = out if len(scenarios) == 1 else f"{out}, {sc}"
                # Shares live in [0, 1]; a t-band from 2-3 replicates can overshoot (CSV keeps it).
                ax.fill_between(
                    s["value"],
                    s["ci_low"].clip(0, 1),
                    s["ci_high"].clip(0, 1),
                    color=c,
                    alpha=0.2,
                    lw=0,
                )
                ax.plot(
                    s["value"],
                    s["mean"],
                    color=c,
                    ls=styles[k % len(styles)],
                    marker="o",
                    ms=3,
                    lw=1.5,
                    label=label,
                )
        ax.set_title(lv)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    for ax in axes[3:]:
        ax.set_xlabel(_label(param))
    for ax in axes[::3]:
        ax.set_ylabel("share of cadres (final window)")
    axes[0].legend(fontsize=8, loc="best")
    fig.suptitle(title)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.09, top=0.9, wspace=0.06, hspace=0.18)
    return fig


def plot_phase(table: pd.DataFrame, a: str, b: str, title: str) -> Any:
    fig = _figure(17, 6.2)
    xs = np.sort(table["x"].unique())
    ys = np.sort(table["y"].unique())
    rotate = len(xs) > 6
    # Rotated x tick labels need room below each row, or they run into the next row's titles.
    fig.subplots_adjust(
        left=0.04,
        right=0.97,
        bottom=0.13 if rotate else 0.1,
        top=0.9,
        wspace=0.25,
        hspace=0.45 if rotate else 0.3,
    )
    axes = fig.subplots(len(OUTPUTS), len(ROW_LEVELS), squeeze=False)
    for r, out in enumerate(OUTPUTS):
        sub = table[table["output"] == out]
        vmin, vmax = float(sub["mean"].min()), float(sub["mean"].max())
        if not vmax > vmin:
            vmin, vmax = vmin - 0.01, vmax + 0.01
        im = None
        for c, lv in enumerate(ROW_LEVELS):
            ax = axes[r, c]
            grid = (
                sub[sub["level"] == lv]
                .pivot_table(index="y", columns="x", values="mean")
                .reindex(index=ys, columns=xs)
            )
            im = ax.imshow(
                grid.to_numpy(),
                origin="lower",
                aspect="auto",
                cmap="viridis",
                vmin=vmin,
                vmax=vmax,
                interpolation="nearest",
            )
            # 3 significant digits: bin centres of sampled designs are not round numbers.
            ax.set_xticks(
                range(len(xs)), [f"{v:.3g}" for v in xs], fontsize=7, rotation=90 if rotate else 0
            )
            ax.set_yticks(range(len(ys)), [f"{v:.3g}" for v in ys], fontsize=7)
            ax.set_title(f"{out} — {lv}", fontsize=9)
            if r == len(OUTPUTS) - 1:
                ax.set_xlabel(a, fontsize=8)
            if c == 0:
                ax.set_ylabel(b, fontsize=8)
        fig.colorbar(im, ax=axes[r, :].tolist(), shrink=0.9, pad=0.01, label=f"{out} share")
    fig.suptitle(title)
    return fig


def plot_timeseries(table: pd.DataFrame, schedule: Sequence, title: str) -> Any:
    fig = _figure(13, 6.5)
    axes = fig.subplots(2, 3, sharex=True, sharey=True).ravel()
    steps = int(table["step"].max())
    for ax, lv in zip(axes, ROW_LEVELS, strict=True):
        for out in OUTPUTS:
            s = table[(table["level"] == lv) & (table["output"] == out)].sort_values("step")
            c = ACTION_COLOURS[out]
            ax.fill_between(s["step"], s["p10"], s["p90"], color=c, alpha=0.12, lw=0)
            ax.fill_between(
                s["step"],
                s["ci_low"].clip(0, 1),
                s["ci_high"].clip(0, 1),
                color=c,
                alpha=0.35,
                lw=0,
            )
            ax.plot(s["step"], s["mean"], color=c, lw=1.4, label=out)
        mark_schedule(ax, schedule, steps)
        ax.set_title(lv)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlim(1, max(steps, 2))
    for ax in axes[3:]:
        ax.set_xlabel("month")
    for ax in axes[::3]:
        ax.set_ylabel("share of cadres")
    from matplotlib.patches import Patch

    handles, _ = axes[0].get_legend_handles_labels()
    handles += [
        Patch(color="grey", alpha=0.5, label="95% CI of the mean"),
        Patch(color="grey", alpha=0.15, label="10–90% of runs"),
    ]
    axes[0].legend(handles=handles, fontsize=8)
    fig.suptitle(title)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.09, top=0.9, wspace=0.06, hspace=0.18)
    return fig


def _no_indices(ax: Any) -> None:
    ax.text(
        0.5,
        0.5,
        "output constant over the design:\nno sensitivity indices",
        transform=ax.transAxes,
        ha="center",
        va="center",
        color="grey",
    )


def plot_sobol(table: pd.DataFrame, title: str) -> Any:
    panels = list(SENSITIVITY_OUTPUTS[:4])
    fig = _figure(12, 7.5)
    axes = fig.subplots(2, 2, sharey=True).ravel()
    for ax, (lv, out) in zip(axes, panels, strict=True):
        s = table[(table["level"] == lv) & (table["output"] == out)]
        ax.set_title(f"{out} — {lv}")
        if s.empty:
            _no_indices(ax)
            continue
        names = list(dict.fromkeys(s["parameter"][s["index"] == "S1"]))
        xpos = np.arange(len(names))
        for k, idx in enumerate(("S1", "ST")):
            colour = INDEX_COLOURS[idx]
            v = s[s["index"] == idx].set_index("parameter").reindex(names)
            ax.bar(
                xpos + (k - 0.5) * 0.38,
                v["estimate"],
                width=0.38,
                color=colour,
                yerr=v["conf"],
                capsize=3,
                label={"S1": "first order S1", "ST": "total ST"}[idx],
            )
        ax.set_xticks(xpos, names, rotation=15, fontsize=8)
        ax.axhline(0, color="black", lw=0.6)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("Sobol index (95% CI)")
    axes[2].set_ylabel("Sobol index (95% CI)")
    drawn = [ax for ax in axes if ax.get_legend_handles_labels()[0]]
    if drawn:
        drawn[0].legend(fontsize=8)
    fig.suptitle(title)
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.08, top=0.9, wspace=0.06, hspace=0.3)
    return fig


def plot_sobol_s2(table: pd.DataFrame, title: str) -> Any:
    """Second-order indices: one horizontal bar per pair of parameters (names are long)."""
    panels = list(SENSITIVITY_OUTPUTS[:4])
    pairs = list(dict.fromkeys(table["parameter"][table["index"] == "S2"]))
    fig = _figure(12, max(4.5, 1.6 + 0.55 * len(pairs)))
    axes = fig.subplots(2, 2, sharex=True, sharey=True).ravel()
    ypos = np.arange(len(pairs))
    for ax, (lv, out) in zip(axes, panels, strict=True):
        s = table[(table["level"] == lv) & (table["output"] == out) & (table["index"] == "S2")]
        ax.set_title(f"{out} — {lv}")
        if s.empty:
            _no_indices(ax)
            continue
        v = s.set_index("parameter").reindex(pairs)
        ax.barh(
            ypos, v["estimate"], xerr=v["conf"], color=INDEX_COLOURS["S2"], capsize=3, height=0.6
        )
        ax.set_yticks(ypos, pairs, fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.6)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[2:]:
        ax.set_xlabel("second-order Sobol index S2 (95% CI)")
    fig.suptitle(title)
    fig.subplots_adjust(left=0.2, right=0.98, bottom=0.1, top=0.88, wspace=0.06, hspace=0.3)
    return fig


def plot_morris(table: pd.DataFrame, title: str) -> Any:
    panels = list(SENSITIVITY_OUTPUTS[:4])
    fig = _figure(12, 8)
    axes = fig.subplots(2, 2).ravel()
    for ax, (lv, out) in zip(axes, panels, strict=True):
        s = table[(table["level"] == lv) & (table["output"] == out)]
        ax.set_title(f"{out} — {lv}")
        if s.empty:
            _no_indices(ax)
            continue
        ax.errorbar(
            s["mu_star"],
            s["sigma"],
            xerr=s["mu_star_conf"],
            fmt="o",
            color=INDEX_COLOURS["S1"],
            ecolor=ACTION_COLOURS["routine"],
            capsize=3,
        )
        for _, r in s.iterrows():
            ax.annotate(
                r["parameter"],
                (r["mu_star"], r["sigma"]),
                fontsize=8,
                xytext=(4, 4),
                textcoords="offset points",
            )
        lim = max(
            float(s["mu_star"].max() + s["mu_star_conf"].max()), float(s["sigma"].max()), 1e-6
        )
        ax.plot([0, lim], [0, lim], color="grey", lw=0.6, ls="--")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("μ* (mean |elementary effect|, 95% CI)")
        ax.set_ylabel("σ (spread of elementary effects)")
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.08, top=0.9, wspace=0.2, hspace=0.32)
    return fig


# ------------------------------------------------------------------ driver
def _save(fig: Any, path: Path, report: AnalysisReport) -> None:
    save_png(path, fig, DPI)
    report.files.append(path)


def _csv(frame: pd.DataFrame, path: Path, report: AnalysisReport) -> None:
    write_csv(path, frame, float_format="%.6g")
    report.files.append(path)


def _problem(manifest: dict[str, Any]) -> dict[str, Any]:
    params = manifest["spec"]["parameters"]
    names = list(manifest["parameters"])
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(params[n]["low"]), float(params[n]["high"])] for n in names],
    }


def check_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    for k in kinds:
        if k not in KINDS:
            raise CadreSimError(f"--only '{k}' is invalid: allowed are {', '.join(KINDS)}")
    return tuple(kinds)


def analyze(
    path: str | Path,
    out: str | Path | None = None,
    log: Callable[[str], None] | None = None,
    only: Sequence[str] | None = None,
) -> AnalysisReport:
    """Write every figure the sweep in ``path`` supports, with its CSV, into ``out``.

    ``only`` restricts the output to some of :data:`KINDS`. In order: the stored results
    are read and checked (:func:`_open`, before any figure is drawn); then response
    curves (:func:`_responses`), phase diagrams (:func:`_phases`), time-series bands
    (:func:`_timeseries`) and sensitivity indices (:func:`_sensitivity`), as far as the
    design and what was recorded allow.
    """
    say = log or (lambda s: None)
    kinds = check_kinds(only) if only else KINDS
    sweep = _open(Path(path), out, kinds)
    report = AnalysisReport(make_dir(sweep.figdir))
    if sweep.n_runs < sweep.manifest["n_runs"]:
        report.notes.append(
            f"sweep incomplete: {sweep.n_runs} of {sweep.manifest['n_runs']} runs stored"
        )
    if sweep.params and "response" in kinds:
        _responses(sweep, report)
    elif not sweep.params:
        report.notes.append("no varied parameters: no response curves or phase diagrams")
    if "phase" in kinds:
        _phases(sweep, report)
    if "timeseries" in kinds:
        _timeseries(sweep, report)
    if "sensitivity" in kinds and sweep.sensitivity:
        _sensitivity(sweep, report)
    for note in report.notes:
        say(f"note: {note}")
    return report


@dataclass
class _Sweep:
    """A stored sweep as the figures need it."""

    root: Path
    figdir: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    n_runs: int
    sensitivity: bool  # a sampled design whose indices were asked for

    @property
    def spec(self) -> dict[str, Any]:
        return self.manifest["spec"]

    @property
    def params(self) -> list[str]:
        return list(self.manifest["parameters"])

    @property
    def discrete(self) -> bool:
        return self.spec["design"] == "grid"

    @property
    def name(self) -> str:
        return self.manifest["name"]

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(self.runs["scenario"]))


def _open(root: Path, out: str | Path | None, kinds: Sequence[str]) -> _Sweep:
    """Read the runs and refuse, before drawing anything, what cannot be analysed."""
    manifest = read_manifest(root)
    spec = manifest["spec"]
    figdir = check_out_dir(out if out is not None else root / "figures")
    runs = load(root)
    if runs.empty:
        raise StoreError(f"'{root}' holds no finished runs yet; run the sweep first")
    n_runs = runs["run_id"].nunique()
    sensitivity = spec["design"] in ("sobol", "morris") and "sensitivity" in kinds
    if sensitivity and n_runs < manifest["n_runs"]:
        # Checked before drawing anything: the estimators need every design point.
        raise StoreError(
            f"'{root}' is incomplete ({n_runs} of {manifest['n_runs']} runs): "
            f"{spec['design']} indices need every run; resume the sweep, or use "
            "--only response,phase,timeseries for the runs so far"
        )
    return _Sweep(root, figdir, manifest, runs, n_runs, sensitivity)


def _responses(sw: _Sweep, report: AnalysisReport) -> None:
    table = response_curves(sw.runs, sw.params, sw.discrete)
    _csv(table, sw.figdir / "response_curves.csv", report)
    for p in sw.params:
        sub = table[table["parameter"] == p]
        basis = "replicates" if (sub["ci_basis"] == "replicates").all() else "runs"
        binned = f"values in {BINS} bins; " if sub["binned"].any() else ""
        title = (
            f"{sw.name}: response to {p} ({binned}mean over other parameters; band = 95% CI "
            f"over {basis}; {_n(sw.n_runs, 'run')}, {_n(sw.spec['replicates'], 'replicate')})"
        )
        _save(plot_response(sub, p, title), sw.figdir / f"response_{_slug(p)}.png", report)


def _phases(sw: _Sweep, report: AnalysisReport) -> None:
    pairs = list(itertools.combinations(sw.params, 2))
    if not pairs:
        return
    tables = []
    for a, b in pairs:
        t = phase_table(sw.runs, a, b, sw.discrete)
        tables.append(t)
        for sc in sw.scenarios:
            suffix = "" if len(sw.scenarios) == 1 else f"_{_slug(sc)}"
            over = (
                f"mean share per cell of a {PHASE_BINS} x {PHASE_BINS} binning of the "
                "sampled values"
                if not sw.discrete
                else "mean share over replicates"
            )
            title = (
                f"{sw.name}: {a} x {b}"
                + (f" ({sc})" if len(sw.scenarios) > 1 else "")
                + f" — {over}"
                + (" and the other parameters" if len(sw.params) > 2 else "")
            )
            _save(
                plot_phase(t[t["scenario"] == sc], a, b, title),
                sw.figdir / f"phase_{_slug(a)}__{_slug(b)}{suffix}.png",
                report,
            )
    _csv(pd.concat(tables, ignore_index=True), sw.figdir / "phase_diagrams.csv", report)


def _timeseries(sw: _Sweep, report: AnalysisReport) -> None:
    if not sw.spec["record"]["timeseries"]:
        report.notes.append("no time series recorded (set timeseries = true under [record])")
        return
    ts = load(sw.root, "timeseries")
    bands = timeseries_bands(ts)
    _csv(bands, sw.figdir / "timeseries_bands.csv", report)
    for sc in sw.scenarios:
        n = ts[ts["scenario"] == sc]["run_id"].nunique()
        title = f"{sw.name}: {scen.get(sc).title_en} — {_n(n, 'run')}" + (
            " (all parameter values)" if sw.params else ""
        )
        _save(
            plot_timeseries(bands[bands["scenario"] == sc], scen.get(sc).schedule, title),
            sw.figdir / f"timeseries_{_slug(sc)}.png",
            report,
        )


def _sensitivity(sw: _Sweep, report: AnalysisReport) -> None:
    spec, method, reps = sw.spec, sw.spec["design"], sw.spec["replicates"]
    t = sensitivity_table(
        sw.runs,
        load(sw.root, "design"),
        method,
        _problem(sw.manifest),
        second_order=bool(spec.get("second_order")),
        levels=int(spec.get("morris_levels") or 4),
        seed=int(spec["seed"]),
    )
    if t.empty:
        report.notes.append(f"every output is constant over the design: no {method} indices")
        return
    _csv(t, sw.figdir / f"{method}_indices.csv", report)
    if method == "sobol":
        report.notes.extend(imprecise_sobol(t))
    for sc in sw.scenarios:
        suffix = "" if len(sw.scenarios) == 1 else f"_{_slug(sc)}"
        sub = t[t["scenario"] == sc]
        if method == "sobol":
            title = (
                f"{sw.name}: Sobol indices ({spec['samples']} base samples, "
                f"{_n(reps, 'replicate')} per point; bootstrap 95% CI)"
            )
            _save(plot_sobol(sub, title), sw.figdir / f"sobol_indices{suffix}.png", report)
            if (sub["index"] == "S2").any():
                _save(
                    plot_sobol_s2(
                        sub, title.replace("Sobol indices", "second-order Sobol indices")
                    ),
                    sw.figdir / f"sobol_s2{suffix}.png",
                    report,
                )
        else:
            title = (
                f"{sw.name}: Morris screening ({spec['samples']} trajectories, "
                f"{_n(reps, 'replicate')} per point)"
            )
            _save(plot_morris(sub, title), sw.figdir / f"morris{suffix}.png", report)
