"""The reproduction report: figures, tidy CSVs, ``report.md`` and ``report.html``.

The Markdown links the PNG files in ``figures/``; the HTML embeds them as base64 so it
is one self-contained file. Every figure's data is written to ``data/<figure>.csv``.
"""

from __future__ import annotations

import base64
import html
import io
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments import findings as fd  # noqa: E402
from experiments.calibrate import Calibration, summary_lines  # noqa: E402
from experiments.calibrate import __doc__ as CALIBRATION_METHOD  # noqa: E402
from experiments.files import make_dir, write_bytes, write_csv, write_text  # noqa: E402
from experiments.plotting import CELL_COLOURS, LEVEL_COLOURS  # noqa: E402
from experiments.scale import Result, Scale  # noqa: E402
from experiments.stats import CONF, t_half_width  # noqa: E402
from model.hierarchy import LEVELS  # noqa: E402
from model.metrics import SURVEY_ANSWERS  # noqa: E402
from model.params import LEVERS, SCHEMA  # noqa: E402

SOURCES_MD = Path(__file__).resolve().parents[1] / "docs" / "sources.md"
VERDICT_MARK = {
    fd.REPRODUCED: "✅ reproduced",
    fd.PARTLY: "🟡 partly",
    fd.NOT_REPRODUCED: "❌ not reproduced",
}


def source_passages(path: Path = SOURCES_MD) -> dict[str, tuple[str, str]]:
    """ID -> (quote, gloss) from the table rows of ``docs/sources.md``."""
    out: dict[str, tuple[str, str]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"S\d{3}-\d{2}[a-z]?", cells[0]):
            out[cells[0]] = (cells[2], cells[3])
    return out


def _ci(values: pd.Series) -> tuple[float, float, float]:
    m, lo, hi = fd.mean_ci(values.to_numpy())
    if not np.isfinite(lo):
        lo = hi = m
    return m, lo, hi


def _band(df: pd.DataFrame, by: list[str], y: str) -> pd.DataFrame:
    """Mean and 95% t-interval of ``y`` per group (the interval collapses to the mean
    for a single replicate), computed for all groups at once."""
    g = df.groupby(by, as_index=False)[y].agg(mean="mean", sd="std", n="count")
    half = np.nan_to_num(
        t_half_width(g["sd"].fillna(0).to_numpy(), g["n"].to_numpy(), CONF), nan=0.0
    )
    g["lo"], g["hi"] = g["mean"] - half, g["mean"] + half
    return g.drop(columns=["sd", "n"])


# -------------------------------------------------------------------- figures
def fig_levers(r: Result) -> plt.Figure:
    df = r.data["fig1_lever_response"]
    fig, axes = plt.subplots(2, len(LEVERS), figsize=(14, 6.2), sharey="row")
    for j, lever in enumerate(LEVERS):
        for i, outcome in enumerate(("innovate", "avoid")):
            ax = axes[i, j]
            b = _band(
                df[(df.lever == lever) & (df.level.isin(LEVELS))], ["level", "value"], outcome
            )
            for lv in LEVELS:
                s = b[b.level == lv].sort_values("value")
                ax.plot(s.value, s["mean"], "-o", ms=3, color=LEVEL_COLOURS[lv], label=lv)
                ax.fill_between(
                    s.value, s.lo.clip(0, 1), s.hi.clip(0, 1), color=LEVEL_COLOURS[lv], alpha=0.15
                )
            if i == 1:
                ax.set_xlabel(f"{SCHEMA[lever].label_en}\n[{SCHEMA[lever].unit}]", fontsize=8)
            if j == 0:
                ax.set_ylabel(f"share {outcome}")
            ax.set_title(lever if i == 0 else "", fontsize=10)
            ax.grid(alpha=0.3)
    axes[0, -1].legend(fontsize=7)
    fig.suptitle(
        "Finding 1 — response of innovation (top) and avoidance (bottom) to each lever, by level "
        "(mean and 95% CI over replicates)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def fig_diffusion(r: Result) -> plt.Figure:
    df = r.data["fig2_avoidance_over_time"]
    t0, t_end = r.extra["t0"], r.extra["t_end"]
    arms = list(dict.fromkeys(df.arm))
    fig, axes = plt.subplots(2, 2, figsize=(13, 8))
    for a, arm in enumerate(arms):
        ax = axes[0, a]
        b = _band(df[df.arm == arm], ["level", "step"], "avoid")
        for lv in LEVELS:
            s = b[b.level == lv].sort_values("step")
            sm = {k: fd.smooth(s[k].to_numpy()[None])[0] for k in ("mean", "lo", "hi")}
            ax.plot(s.step, sm["mean"], color=LEVEL_COLOURS[lv], label=lv)
            ax.fill_between(
                s.step,
                np.clip(sm["lo"], 0, 1),
                np.clip(sm["hi"], 0, 1),
                color=LEVEL_COLOURS[lv],
                alpha=0.12,
            )
        for t, name in ((t0, "tightening"), (t_end, "loosening")):
            ax.axvline(t, color="k", ls="--", lw=0.8)
            ax.text(t, ax.get_ylim()[1] * 0.97, f" {name}", fontsize=8, va="top")
        ax.set_title(f"avoidance share by level — {arm}", fontsize=10)
        ax.set_xlabel("month")
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    lags = r.data["fig2_lags"]
    ax = axes[1, 0]
    x = np.arange(len(LEVELS))
    for a, arm in enumerate(arms):
        s = lags[lags.arm == arm].set_index("level").loc[list(LEVELS)]
        ax.bar(x + (a - 0.5) * 0.38, s.half_rise_lag, 0.38, label=arm)
    ax.set_xticks(x, LEVELS)
    ax.set_ylabel("half-rise lag after tightening [months]")
    ex = lags[lags.arm == arms[0]].set_index("level").loc[list(LEVELS)].exposure
    ax2 = ax.twinx()
    ax2.plot(x, ex, "k^", label="exposure (sanctions per cadre, 24 months)")
    ax2.set_ylabel("exposure", fontsize=8)
    ax.legend(fontsize=8, loc="upper left")
    ax2.legend(fontsize=8, loc="upper right")
    ax.set_title("lag per level and exposure", fontsize=10)
    ax = axes[1, 1]
    co = r.data["fig2_contagion"]
    for a, arm in enumerate(arms):
        v = co[co.arm == arm].contagion
        m, lo, hi = _ci(v)
        ax.plot(np.full(len(v), a) + np.linspace(-0.1, 0.1, len(v)), v, "o", alpha=0.4)
        ax.errorbar(a + 0.25, m, yerr=[[m - lo], [hi - m]], fmt="ks", capsize=4)
    ax.set_xticks(range(len(arms)), arms, fontsize=8)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylabel("peer + superior coefficient")
    ax.set_title("contagion: unit avoidance on last month's peers and superior", fontsize=10)
    fig.suptitle(
        "Finding 2 — avoidance after a tightening (5-month smoothed mean, 95% CI bands)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def fig_phase(r: Result) -> plt.Figure:
    df = r.data["fig3_phase"]
    corners = r.extra["corners"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for ax, col, cmap in ((axes[0], "innovate", "viridis"), (axes[1], "avoid", "magma")):
        piv = df.groupby(["consensus_clarity", "tolerance"])[col].mean().unstack()
        im = ax.pcolormesh(piv.columns, piv.index, piv.to_numpy(), shading="nearest", cmap=cmap)
        fig.colorbar(im, ax=ax, label=f"share {col} (all levels)")
        pts = {
            "base": (corners["tol_lo"], corners["c_lo"]),
            "on paper": (corners["tol_hi"], corners["c_lo"]),
            "joint": (corners["tol_hi"], corners["c_hi"]),
        }
        for name, (x, y) in pts.items():
            ax.plot(x, y, "wo", mec="k")
            ax.annotate(
                name,
                (x, y),
                textcoords="offset points",
                xytext=(5, 5),
                color="w",
                fontsize=9,
                bbox={"fc": "k", "alpha": 0.4, "lw": 0},
            )
        ax.set_xlabel("formal tolerance provision (lever)")
        ax.set_ylabel("inter-level consensus = standards clarity")
        ax.set_title(f"{col} share", fontsize=10)
    fig.suptitle(
        "Finding 3 — phase diagram on the tightened regime (mean over replicates)", fontsize=11
    )
    fig.tight_layout()
    return fig


def fig_attention(r: Result) -> plt.Figure:
    df = r.data["fig4_attention"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for ax, param in zip(axes, ("one_veto_targets", "paperwork_load"), strict=True):
        for arm in dict.fromkeys(df[df.parameter == param].arm):
            b = _band(df[df.arm == arm], ["value"], "innovate").sort_values("value")
            ax.plot(b.value, b["mean"], "-o", ms=3, label=arm)
            ax.fill_between(b.value, b.lo.clip(0, 1), b.hi.clip(0, 1), alpha=0.2)
        ax.set_xlabel(f"{SCHEMA[param].label_en} [{SCHEMA[param].unit}]")
        ax.set_ylabel("share innovating (all levels)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(
        "Finding 4 — innovation vs targets and paperwork with their risk switched off "
        "(mean, 95% CI)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def fig_escalation(r: Result) -> plt.Figure:
    df = r.data["fig5_problems_by_level"]
    df = df[df.level.isin(LEVELS)]
    scen = list(dict.fromkeys(df.scenario))
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    x = np.arange(len(LEVELS))
    w = 0.8 / len(scen)
    for ax, col, label in (
        (axes[0], "avoid", "avoidance share"),
        (axes[1], "problems_per_cadre", "unsolved problems per cadre (log)"),
        (axes[2], "escalations", "problems escalated out per month"),
    ):
        for i, sc in enumerate(scen):
            b = _band(df[df.scenario == sc], ["level"], col).set_index("level").loc[list(LEVELS)]
            ax.bar(
                x + (i - (len(scen) - 1) / 2) * w,
                b["mean"],
                w,
                yerr=[b["mean"] - b.lo, b.hi - b["mean"]],
                capsize=2,
                label=sc,
            )
        ax.set_xticks(x, LEVELS, fontsize=8)
        ax.set_title(label, fontsize=10)
        if col == "problems_per_cadre":
            ax.set_yscale("symlog", linthresh=0.1)
            ax.set_ylim(bottom=0)  # a stock cannot be negative, whatever its interval says
        ax.grid(alpha=0.3, axis="y")
    axes[0].legend(fontsize=7)
    fig.suptitle(
        "Finding 5 — where problems stay and where they go, by scenario (last 20% of the run, 95% CI)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def fig_experimentation(r: Result) -> plt.Figure:
    df = r.data["fig6_experimentation_over_time"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for ax, col, label in (
        (axes[0], "failures", "failed innovations per cadre-month"),
        (axes[1], "absorbed", "innovations absorbed upward per cadre-month"),
        (axes[2], "problems", "unsolved problems per cadre (system)"),
    ):
        for sc in dict.fromkeys(df.scenario):
            g = df[df.scenario == sc].groupby("step")[col]
            m = fd.smooth(g.mean().to_numpy()[None], 9)[0]
            strong = sc in ("flexible_experimentation", "tightened_accountability")
            ax.plot(g.mean().index, m, lw=2 if strong else 1, alpha=1 if strong else 0.5, label=sc)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("month")
        ax.grid(alpha=0.3)
    axes[2].set_yscale("symlog", linthresh=0.1)
    axes[0].legend(fontsize=7)
    fig.suptitle(
        "Finding 6 — experimentation over time (9-month smoothed replicate means)", fontsize=11
    )
    fig.tight_layout()
    return fig


def fig_package(r: Result) -> plt.Figure:
    df = r.data["fig7_factorial"]
    ind = r.data["fig7_indices"]
    b = _band(df, ["cell", "remedies", "n_remedies"], "innovate").sort_values(
        ["n_remedies", "mean"]
    )
    fig, axes = plt.subplots(1, 2, figsize=(15, 5.5), gridspec_kw={"width_ratios": [2.2, 1]})
    ax = axes[0]
    top = b.n_remedies.max()
    kind = {top: "all", 0: "none", 1: "one"}  # as before when there are 0 or 1 remedies
    colours = [CELL_COLOURS[kind.get(n, "several")] for n in b.n_remedies]
    y = np.arange(len(b))
    ax.barh(y, b["mean"], xerr=[b["mean"] - b.lo, b.hi - b["mean"]], color=colours, capsize=2)
    ax.set_yticks(
        y,
        [" + ".join(part.split(" (")[0] for part in s.split(" + ")) for s in b.remedies],
        fontsize=7,
    )
    ax.set_xlabel("share innovating (all levels)")
    ax.set_title(
        "every combination of remedies (red: none, blue: one, green: package)", fontsize=10
    )
    ax = axes[1]
    x = np.arange(len(ind))
    ax.bar(x - 0.2, ind.S1, 0.4, label="first order S1")
    ax.bar(x + 0.2, ind.ST, 0.4, label="total ST")
    ax.set_xticks(x, [n.split(" (")[0] for n in ind.remedy], rotation=25, ha="right", fontsize=8)
    ax.set_title("factorial Sobol indices (innovation)", fontsize=10)
    ax.legend(fontsize=8)
    fig.suptitle(
        "Finding 7 — the reform package and its parts (95% CI over replicates)", fontsize=11
    )
    fig.tight_layout()
    return fig


def fig_sensitivity(r: Result) -> plt.Figure:
    df = r.data["fig8_sensitivity"]
    outs = list(dict.fromkeys(df.output))
    fig, axes = plt.subplots(1, len(outs) + 1, figsize=(16, 4.8))
    for ax, out in zip(axes, outs, strict=False):
        d = df[df.output == out].sort_values("ST", ascending=False)
        x = np.arange(len(d))
        ax.bar(x - 0.2, d.S1, 0.4, yerr=d.S1_conf, capsize=2, label="S1")
        ax.bar(x + 0.2, d.ST, 0.4, yerr=d.ST_conf, capsize=2, label="ST")
        ax.set_xticks(
            x,
            [("★ " if lv else "") + p for p, lv in zip(d.parameter, d.is_lever, strict=True)],
            rotation=40,
            ha="right",
            fontsize=8,
        )
        ax.set_title(f"Sobol indices — {out}", fontsize=9)
        ax.axhline(0, color="grey", lw=0.6)
        ax.legend(fontsize=8)
    ax = axes[-1]
    for out, mk in zip(outs, "os", strict=False):
        d = df[df.output == out]
        mx = max(d.mu_star.max(), 1e-12)
        ax.scatter(d.mu_star / mx, d.sigma / mx, marker=mk, label=out)
        for p, xv, yv in zip(d.parameter, d.mu_star / mx, d.sigma / mx, strict=True):
            ax.annotate(p, (xv, yv), fontsize=6)
    ax.set_xlabel("Morris μ* (scaled to max)")
    ax.set_ylabel("Morris σ (same scale)")
    ax.set_title("Morris screen", fontsize=9)
    ax.legend(fontsize=7)
    fig.suptitle("Finding 8 — global sensitivity (★ = lever; bars: 95% bootstrap CI)", fontsize=11)
    fig.tight_layout()
    return fig


def _travel_panel(ax: Any, df: pd.DataFrame, col: str, r: Result, title: str) -> None:
    for lv in LEVELS:
        d = df[df.level == lv].sort_values("step")
        ax.plot(
            d.step,
            fd.smooth(d[col].to_numpy()[None], fd.SPREAD_SMOOTH)[0],
            color=LEVEL_COLOURS[lv],
            label=lv,
        )
    for t, name in ((r.extra["t0"], "tightening"), (r.extra["t_end"], "loosening")):
        ax.axvline(t, color="k", ls="--", lw=0.8)
        ax.text(t, ax.get_ylim()[1] * 0.97, f" {name}", fontsize=8, va="top")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("month")
    ax.grid(alpha=0.3)


def fig_travel(r: Result) -> plt.Figure:
    df = r.data["fig9_travel_by_level"]
    main = df[df.arm == "default"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    _travel_panel(axes[0], main, "avoid", r, "avoidance share by level")
    _travel_panel(axes[1], main, "adopted", r, "share of units that adopted the centre's regime")
    _travel_panel(
        axes[2],
        main,
        "perceived_targets",
        r,
        "binding targets as perceived (solid) / in force (dotted)",
    )
    for lv in LEVELS:
        d = main[main.level == lv].sort_values("step")
        axes[2].plot(d.step, d.targets, color=LEVEL_COLOURS[lv], ls=":", lw=0.9)
    axes[0].legend(fontsize=8)
    fig.suptitle(
        "Finding 9 — a tightening travels down the hierarchy (province preset, replicate mean)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def fig_recovery(r: Result) -> plt.Figure:
    lags = r.data["fig10_lags"]
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.6))
    ax = axes[0]
    main = lags[lags.arm == "default"].set_index("level").loc[list(LEVELS)]
    x = np.arange(len(LEVELS))
    ax.bar(x - 0.2, main.innovation_half_fall, 0.4, label="innovation: half of the fall")
    ax.bar(x + 0.2, main.innovation_half_recovery, 0.4, label="innovation: half of the recovery")
    ax.set_xticks(x, LEVELS)
    ax.set_ylabel("months after the change")
    ax.legend(fontsize=8)
    ax.set_title("startled birds: innovation comes back more slowly than it went", fontsize=10)
    ax = axes[1]
    arms = list(dict.fromkeys(lags.arm))
    town = lags[lags.level == "township"].set_index("arm").loc[arms]
    y = np.arange(len(arms))
    for k, (col, label) in enumerate(
        (
            ("avoidance_half_rise", "avoidance: half of the rise"),
            ("innovation_half_fall", "innovation: half of the fall"),
            ("innovation_half_recovery", "innovation: half of the recovery"),
        )
    ):
        bars = ax.barh(y + (k - 1) * 0.27, town[col], 0.27, label=label)
        # A lag of 0 draws no bar: say so, or the arm reads as missing.
        ax.bar_label(bars, [f"{v:.0f}" if v == 0 else "" for v in town[col]], fontsize=7)
    ax.set_yticks(y, arms, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("township lag [months]")
    ax.legend(fontsize=8)
    ax.set_title(
        "township lags with each mechanism switched off,\nand at other paces of the relay",
        fontsize=10,
    )
    fig.suptitle("Finding 10 — slow recovery after a loosening (province preset)", fontsize=11)
    fig.tight_layout()
    return fig


def fig_tolerance_lever(r: Result) -> plt.Figure:
    df = r.data["fig11_tolerance_lever"]
    fig, ax = plt.subplots(figsize=(11, 4.6))
    labels = []
    for i, ((setting, tol), d) in enumerate(
        df.groupby(["setting", "tolerance"], dropna=False, sort=False)
    ):
        m, lo, hi = _ci(d.township_innovate)
        ax.bar(i, m, color=f"C{i}")
        ax.errorbar(i, m, yerr=[[m - lo], [hi - m]], fmt="none", ecolor="k", capsize=4)
        name = textwrap.fill(setting.replace("_", " "), 16)
        labels.append(name + ("" if pd.isna(tol) else f"\ntolerance {tol}"))
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylabel("township innovation share")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(
        "Finding 11 — the tolerance lever where the procedure works, and on paper "
        "(province preset, 95% CI)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def fig_calibration(c: Calibration) -> plt.Figure:
    p = len(c.names)
    fig, axes = plt.subplots(1, p + 1, figsize=(4 * (p + 1), 3.8))
    ax = axes[0]
    fs = c.fitted_survey
    x = np.arange(len(SURVEY_ANSWERS))
    ax.bar(x - 0.27, fs.target, 0.27, label="survey (seed 003)", color="k")
    ax.bar(
        x,
        fs.model,
        0.27,
        yerr=[fs.model - fs.model_lo, fs.model_hi - fs.model],
        capsize=3,
        label=f"model, fitted (TV {c.tv:.3f})",
    )
    ax.bar(x + 0.27, fs.current, 0.27, label=f"model, current (TV {c.tv_current:.3f})", alpha=0.6)
    ax.set_xticks(x, SURVEY_ANSWERS)
    ax.set_ylabel("share of respondents")
    ax.legend(fontsize=7)
    ax.set_title("Has your area applied the tolerance mechanism?", fontsize=9)
    kept = c.draws[c.draws.kept]
    for ax, row in zip(axes[1:], c.posterior.itertuples(), strict=True):
        ax.hist(
            c.draws[row.parameter],
            bins=20,
            range=(row.prior_low, row.prior_high),
            density=True,
            alpha=0.3,
            label="all draws (both rounds)",
        )
        ax.hist(
            kept[f"adjusted_{row.parameter}"],
            bins=20,
            range=(row.prior_low, row.prior_high),
            weights=kept.weight,
            density=True,
            alpha=0.7,
            label="posterior (rejection)" if c.extra.get("outside") else "posterior (adjusted)",
        )
        ax.axvline(row.current, color="k", ls="--", label="current")
        ax.axvline(row.median, color="r", ls=":", label="posterior median")
        ax.axvline(c.fitted[row.parameter], color="r", label="fitted (step 5)")
        ax.axvspan(row.lo, row.hi, color="r", alpha=0.1)
        ax.set_title(row.parameter, fontsize=9)
    axes[1].legend(fontsize=7)
    fig.suptitle(
        f"Calibration to the survey under '{c.scenario}' (ABC, "
        + ("rejection" if c.extra.get("outside") else "regression adjustment")
        + ")",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


FIGURES = {
    1: fig_levers,
    2: fig_diffusion,
    3: fig_phase,
    4: fig_attention,
    5: fig_escalation,
    6: fig_experimentation,
    7: fig_package,
    8: fig_sensitivity,
    9: fig_travel,
    10: fig_recovery,
    11: fig_tolerance_lever,
}


# ------------------------------------------------------------------- document
class Doc:
    """A tiny document model rendered to both Markdown and HTML."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, Any]] = []

    def h(self, level: int, text: str) -> None:
        self.blocks.append(("h", (level, text)))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def quote(self, text: str) -> None:
        self.blocks.append(("quote", text))

    def pre(self, text: str) -> None:
        self.blocks.append(("pre", text))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.blocks.append(("table", (list(header), [list(r) for r in rows])))

    def img(self, path: str, png: bytes, alt: str) -> None:
        self.blocks.append(("img", (path, png, alt)))

    def markdown(self) -> str:
        out = []
        for kind, x in self.blocks:
            if kind == "h":
                out.append("#" * x[0] + " " + x[1])
            elif kind == "p":
                out.append(x)
            elif kind == "quote":
                out.append("\n".join("> " + line for line in x.splitlines()))
            elif kind == "pre":
                out.append("```text\n" + x + "\n```")
            elif kind == "table":
                head, rows = x
                out.append(
                    "| "
                    + " | ".join(head)
                    + " |\n|"
                    + "---|" * len(head)
                    + "\n"
                    + "\n".join(
                        "| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |"
                        for r in rows
                    )
                )
            elif kind == "img":
                out.append(f"![{x[2]}]({x[0]})")
        return "\n\n".join(out) + "\n"

    def html(self, title: str) -> str:
        def inline(t: str) -> str:
            t = html.escape(t)
            t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
            t = re.sub(r"`(.+?)`", r"<code>\1</code>", t)
            return re.sub(r"\[(.+?)\]\((.+?)\)", r'<a href="\2">\1</a>', t)

        out = []
        for kind, x in self.blocks:
            if kind == "h":
                out.append(f"<h{x[0]}>{inline(x[1])}</h{x[0]}>")
            elif kind == "p":
                out.append(f"<p>{inline(x)}</p>")
            elif kind == "quote":
                out.append(
                    "<blockquote>"
                    + "<br>".join(inline(s) for s in x.splitlines())
                    + "</blockquote>"
                )
            elif kind == "pre":
                out.append(f"<pre>{html.escape(x)}</pre>")
            elif kind == "table":
                head, rows = x
                out.append(
                    "<table><tr>"
                    + "".join(f"<th>{inline(h)}</th>" for h in head)
                    + "</tr>"
                    + "".join(
                        "<tr>" + "".join(f"<td>{inline(str(c))}</td>" for c in r) + "</tr>"
                        for r in rows
                    )
                    + "</table>"
                )
            elif kind == "img":
                b64 = base64.b64encode(x[1]).decode()
                out.append(
                    f'<figure><img alt="{html.escape(x[2])}" src="data:image/png;base64,{b64}"></figure>'
                )
        style = (
            "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
            "line-height:1.45;color:#222}table{border-collapse:collapse;font-size:.85em;margin:.6em 0}"
            "td,th{border:1px solid #ccc;padding:3px 7px;text-align:left}th{background:#f3f3f3}"
            "blockquote{border-left:4px solid #ccc;margin:.6em 0;padding:.2em 1em;color:#444}"
            "pre{background:#f7f7f7;padding:.8em;white-space:pre-wrap;font-size:.82em}"
            "img{max-width:100%}code{background:#f3f3f3;padding:0 3px}"
        )
        return (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
            f"</title><style>{style}</style></head><body>\n" + "\n".join(out) + "\n</body></html>\n"
        )


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def _fmt(x: float) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:.3g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.2e}"


def _checks_table(doc: Doc, v: fd.Verdict) -> None:
    rows = [
        [
            c.name,
            _fmt(c.estimate),
            f"[{_fmt(c.lo)}, {_fmt(c.hi)}]",
            "—" if c.note == "descriptive" else ("yes" if c.passed else "no"),
            c.note if c.note != "descriptive" else "",
        ]
        for c in v.checks
    ]
    doc.table(["check", "estimate", "95% CI", "passed", "note"], rows)


def _finding_section(doc: Doc, r: Result, passages: dict, figdir: Path, datadir: Path) -> None:
    f = fd.FINDINGS[r.finding]
    v = r.verdict
    doc.h(2, f"Finding {f.number}. {f.title} — {VERDICT_MARK[v.verdict]}")
    doc.p(f"**Claim.** {f.claim}")
    for sid in f.sources:
        if sid in passages:
            q, gloss = passages[sid]
            doc.quote(f"{q}\n— {gloss} ({sid})")
        else:
            doc.p(f"Source: {sid} (see docs/sources.md)")
    doc.p(f"**Experiment.** {r.design}")
    png = _png(FIGURES[r.finding](r))
    name = f"fig{r.finding}.png"
    write_bytes(figdir / name, png)
    doc.img(f"figures/{name}", png, f"Figure {r.finding}: {f.title}")
    csvs = []
    for key, df in r.data.items():
        write_csv(datadir / f"{key}.csv", df)
        csvs.append(f"[data/{key}.csv](data/{key}.csv)")
    doc.p("Data behind the figure: " + ", ".join(csvs) + ".")
    doc.p("**Pre-registered criterion** (written in `experiments/findings.py` before the run):")
    doc.pre(fd.criterion_text(fd.CRITERIA[r.finding]))
    doc.p("**Statistics.**")
    if r.finding == 1:
        _levers_summary(doc, r)
    else:
        _checks_table(doc, v)
    _extra(doc, r)
    doc.p(f"**Verdict: {v.verdict}.** {v.explanation}")
    if v.verdict != fd.REPRODUCED:
        doc.p(f"*What might be missing (hypothesis written before the run):* {f.if_not}")


def _levers_summary(doc: Doc, r: Result) -> None:
    v = r.verdict
    rows = []
    for lever in LEVERS:
        for outcome in ("innovate", "avoid"):
            cells = [
                c for c in v.checks if c.name.startswith(f"{lever} ·") and c.name.endswith(outcome)
            ]
            rows.append(
                [lever, outcome]
                + [
                    f"{_fmt(c.estimate)} [{_fmt(c.lo)}, {_fmt(c.hi)}] "
                    f"{'✓' if c.passed else '✗' if c.note == 'contradicted' else '·'}"
                    for c in cells
                ]
            )
    doc.p(
        "Difference between the highest and the lowest value of each lever (paired over replicates; "
        "✓ confirmed, · inconclusive, ✗ contradicted):"
    )
    doc.table(["lever", "outcome", *LEVELS], rows)
    tip = r.data["fig1_tipping"]
    t = tip[tip.tipping & tip.level.isin(LEVELS)]
    if len(t):
        doc.p(
            "Non-linear responses (one grid segment carries at least half of the change along the curve): "
            + "; ".join(
                f"{x.lever} → {x.outcome} at {x.level} between {_fmt(x.steepest_from)} and "
                f"{_fmt(x.steepest_to)} ({x.share_of_change:.0%})"
                for x in t.itertuples()
            )
            + "."
        )
    else:
        doc.p(
            "No response curve has a single grid segment carrying half of its change: responses are "
            "gradual at this grid resolution."
        )


def _extra(doc: Doc, r: Result) -> None:
    e = r.verdict.extra
    if r.finding == 2:
        lags = r.data["fig2_lags"]
        rows = [
            [x.arm, x.level, _fmt(x.half_rise_lag), _fmt(x.exposure)] for x in lags.itertuples()
        ]
        doc.table(
            ["arm", "level", "half-rise lag [months]", "exposure (sanctions per cadre, 24 months)"],
            rows,
        )
    elif r.finding == 7:
        ind = r.data["fig7_indices"]
        doc.table(
            ["remedy", "S1", "ST", "ST − S1 (interactions)"],
            [[x.remedy, _fmt(x.S1), _fmt(x.ST), _fmt(x.ST - x.S1)] for x in ind.itertuples()],
        )
        groups = r.extra["groups"]
        doc.p(
            "Remedies (changes from the tightened regime): "
            + "; ".join(
                f"{g}: " + ", ".join(f"{k} = {v}" for k, v in ch.items())
                for g, ch in groups.items()
            )
            + "."
        )
        doc.p(f"Best single remedy: {e['best_single']}.")
    elif r.finding in (9, 10):
        lags = r.data["fig9_lags" if r.finding == 9 else "fig10_lags"]
        doc.p(
            "Lags per level and arm (months after the change; replicate-mean curves, "
            f"{fd.SPREAD_SMOOTH}-month moving average; NaN: the curve did not move that way):"
        )
        doc.table(
            [
                "arm",
                "level",
                "avoidance half-rise",
                "innovation half-fall",
                "innovation half-recovery",
            ],
            [
                [
                    x.arm,
                    x.level,
                    _fmt(x.avoidance_half_rise),
                    _fmt(x.innovation_half_fall),
                    _fmt(x.innovation_half_recovery),
                ]
                for x in lags.itertuples()
            ],
        )
    elif r.finding == 11:
        df = r.data["fig11_tolerance_lever"]
        g = df.groupby(["setting", "tolerance"], dropna=False, sort=False)
        doc.table(
            [
                "setting",
                "tolerance",
                "township innovation",
                "township avoidance",
                "believed tolerance",
                "true tolerance",
            ],
            [
                [
                    k[0],
                    "—" if pd.isna(k[1]) else k[1],
                    _fmt(d.township_innovate.mean()),
                    _fmt(d.township_avoid.mean()),
                    _fmt(d.belief_tolerance.mean()),
                    _fmt(d.true_tolerance.mean()),
                ]
                for k, d in g
            ],
        )
    elif r.finding == 8:
        df = r.data["fig8_sensitivity"]
        for out in dict.fromkeys(df.output):
            d = df[df.output == out].sort_values("ST", ascending=False)
            doc.p(
                f"Ranking by total index — {out}: "
                + ", ".join(
                    f"{x.parameter} {_fmt(x.ST)} ± {_fmt(x.ST_conf)}" for x in d.itertuples()
                )
                + "."
            )


def _calibration_section(doc: Doc, c: Calibration | None, figdir: Path, datadir: Path) -> None:
    doc.h(2, "Calibration to seed 003's survey")
    if c is None:
        doc.p("Not run.")
        return
    doc.p("**Method.**")
    doc.pre(CALIBRATION_METHOD.strip())
    png = _png(fig_calibration(c))
    write_bytes(figdir / "fig_calibration.png", png)
    doc.img("figures/fig_calibration.png", png, "Calibration")
    write_csv(datadir / "calibration_posterior.csv", c.posterior)
    write_csv(datadir / "calibration_survey.csv", c.fitted_survey)
    write_csv(datadir / "calibration_draws.csv", c.draws)
    doc.p(
        "Data: [data/calibration_posterior.csv](data/calibration_posterior.csv), "
        "[data/calibration_survey.csv](data/calibration_survey.csv), "
        "[data/calibration_draws.csv](data/calibration_draws.csv)."
    )
    doc.table(
        [
            "parameter",
            "current value",
            "fitted (step 5)",
            "posterior median",
            "90% interval",
            "prior range",
            "round-2 box",
        ],
        [
            [
                x.parameter,
                _fmt(x.current),
                _fmt(c.fitted[x.parameter]),
                _fmt(x.median),
                f"[{_fmt(x.lo)}, {_fmt(x.hi)}]",
                f"[{_fmt(x.prior_low)}, {_fmt(x.prior_high)}]",
                f"[{_fmt(x.round2_low)}, {_fmt(x.round2_high)}]",
            ]
            for x in c.posterior.itertuples()
        ],
    )
    _candidates_table(doc, c, datadir)
    doc.table(
        ["answer", "survey", "model at fitted values (95% CI)", "model at current values"],
        [
            [
                x.answer,
                f"{x.target:.2%}",
                f"{x.model:.2%} [{x.model_lo:.2%}, {x.model_hi:.2%}]",
                f"{x.current:.2%}",
            ]
            for x in c.fitted_survey.itertuples()
        ],
    )
    doc.p(
        f"**Total-variation distance** at the fitted values: {c.tv:.3f} (95% bootstrap CI "
        f"{c.tv_ci[0]:.3f}–{c.tv_ci[1]:.3f}); at the scenario's current values: {c.tv_current:.3f}. "
        f"Goal: ≤ {fd.CALIBRATION_GOAL}."
    )
    if c.extra.get("outside"):
        doc.p(
            f"No kept draw came near the survey's {', '.join(c.extra['outside'])}: a local "
            "regression adjustment would extrapolate beyond the kept draws, so the posterior "
            "is the kept draws themselves (rejection ABC), weighted by their distance."
        )
    if c.good:
        doc.p(
            "**The fit is good**: the fitted values are proposed as the documented defaults of "
            f"`{c.scenario}` (the lead decides; `model/` is not edited by this run)."
        )
    else:
        doc.p(
            f"**The fit is not good enough** (TV above {fd.CALIBRATION_GOAL}): the scenario keeps its "
            "current values; the fitted ones are reported only."
        )
        missed = [
            x for x in c.fitted_survey.itertuples() if not x.model_lo <= x.target <= x.model_hi
        ]
        if missed:
            doc.p(
                "At the fitted values the model misses (survey share outside the model's 95% interval): "
                + "; ".join(
                    f"{x.answer} — model {x.model:.1%} vs survey {x.target:.1%}" for x in missed
                )
                + "."
            )
        best = c.extra.get("best_draw")
        if best:
            near = (
                "within the goal, but one run is noisier than a validated mean of many"
                if best["distance"] <= fd.CALIBRATION_GOAL
                else "the parameters fitted here cannot bring the model's survey much closer"
            )
            doc.p(
                f"The closest single run among all {len(c.draws)} draws had TV "
                f"{best['distance']:.3f}: {near}."
            )
    if c.rules is not None:
        _survey_rules(doc, c, datadir)
    doc.pre("\n".join(summary_lines(c)))


def _candidates_table(doc: Doc, c: Calibration, datadir: Path) -> None:
    """Step 5 of the method: the candidates, their screening distance, the proposal."""
    write_csv(datadir / "calibration_candidates.csv", c.candidates)
    screen = c.settings["screen"]
    doc.p(
        f"**Step 5: which values are proposed.** Each candidate is run {screen} times on the same "
        "new seeds; the closest replicate-mean survey is proposed and then validated on "
        f"{c.settings['validation']} seeds of its own (below). Data: "
        "[data/calibration_candidates.csv](data/calibration_candidates.csv)."
    )
    doc.table(
        ["candidate", *c.names, "single-run TV", f"TV, mean of {screen} runs", "proposed"],
        [
            [
                x["candidate"],
                *(_fmt(x[n]) for n in c.names),
                "" if np.isnan(x["draw_distance"]) else f"{x['draw_distance']:.3f}",
                f"{x['screen_distance']:.3f}",
                "**yes**" if x["proposed"] else "",
            ]
            for _, x in c.candidates.iterrows()
        ],
    )


def _survey_rules(doc: Doc, c: Calibration, datadir: Path) -> None:
    """Step 6 of the method: what each assumption of the survey's observation rule does,
    and who answers what, level by level."""
    write_csv(datadir / "calibration_survey_rules.csv", c.rules)
    n = c.settings["validation"]
    doc.p(
        "**What the observation rule does** (shown, not fitted): the same "
        f"{n} runs at the scenario's current values, their survey answered under other rules "
        "(`CadreModel.survey(memory, many, department, area)`); mean shares, the TV of the "
        "mean, and the range of single runs' TVs. Data: "
        "[data/calibration_survey_rules.csv](data/calibration_survey_rules.csv)."
    )
    doc.table(
        ["survey rule", *SURVEY_ANSWERS, "TV (single runs)"],
        [
            ["survey (seed 003)", *(f"{c.target[a]:.2%}" for a in SURVEY_ANSWERS), ""],
            *(
                [
                    f"**{x.label}**" if x.rule == "model" else x.label,
                    *(f"{getattr(x, a):.1%}" for a in SURVEY_ANSWERS),
                    f"{x.tv:.3f} ({x.tv_min:.3f}–{x.tv_max:.3f})",
                ]
                for x in c.rules.itertuples()
            ),
        ],
    )
    if c.levels is not None:
        write_csv(datadir / "calibration_survey_levels.csv", c.levels)
        doc.p(
            "**Who answers what, level by level** (the same runs at the current values; "
            "[data/calibration_survey_levels.csv](data/calibration_survey_levels.csv)):"
        )
        doc.table(
            ["level", *SURVEY_ANSWERS],
            [
                [x.level, *(f"{getattr(x, a):.1%}" for a in SURVEY_ANSWERS)]
                for x in c.levels.itertuples()
            ],
        )


def write_report(
    out: Path,
    results: Sequence[Result],
    calib: Calibration | None,
    scale: Scale,
    seed: int,
    workers: int,
    seconds: float,
    cpu: float = float("nan"),
) -> Path:
    """Write figures, CSVs, ``report.md`` and ``report.html`` into ``out``; return the md path."""
    out = Path(out)
    figdir, datadir = make_dir(out / "figures"), make_dir(out / "data")
    passages = source_passages()
    doc = Doc()
    title = "Reproducing the sources' findings with cadre-sim"
    doc.h(1, title)
    doc.p(
        f"Form: **{scale.name}** (`cadre-sim reproduce{' --quick' if scale.name == 'quick' else ''}`), "
        f"seed {seed}, {workers} worker(s), {seconds / 60:.1f} minutes wall clock "
        f"({cpu / 60:.1f} CPU-minutes). Hierarchy: {scale.hierarchy}. "
        "Every verdict follows a criterion fixed in `experiments/findings.py` before the experiments were "
        "run; statistics are paired over replicates that share seeds across conditions, with 95% intervals."
    )
    if scale.name == "quick":
        doc.p(
            "This is the quick form: few replicates and short runs, so intervals are wide and some checks "
            "may be inconclusive for lack of power. The full form (`cadre-sim reproduce --out DIR`) is the "
            "reference."
        )
    doc.table(
        ["finding", "verdict", "summary", "CPU [s]"],
        [
            [
                f"{r.finding}. {fd.FINDINGS[r.finding].title}",
                VERDICT_MARK[r.verdict.verdict],
                r.verdict.explanation,
                f"{r.cpu:.0f}",
            ]
            for r in results
        ]
        + (
            [
                [
                    "calibration to the survey",
                    "good fit" if calib.good else "fit not good enough",
                    f"TV = {calib.tv:.3f} (goal ≤ {fd.CALIBRATION_GOAL})",
                    f"{calib.cpu:.0f}",
                ]
            ]
            if calib
            else []
        ),
    )
    for r in results:
        _finding_section(doc, r, passages, figdir, datadir)
    _calibration_section(doc, calib, figdir, datadir)
    verdicts = pd.DataFrame(
        [
            {
                "finding": r.finding,
                "title": fd.FINDINGS[r.finding].title,
                "verdict": r.verdict.verdict,
                "explanation": r.verdict.explanation,
                "seconds": r.seconds,
                "cpu_seconds": r.cpu,
            }
            for r in results
        ]
    )
    write_csv(datadir / "verdicts.csv", verdicts)
    checks = pd.DataFrame(
        [{"finding": r.finding, **c.as_dict()} for r in results for c in r.verdict.checks]
    )
    write_csv(datadir / "checks.csv", checks)
    md = out / "report.md"
    write_text(md, doc.markdown())
    write_text(out / "report.html", doc.html(title))
    return md


def write_calibration(out: Path, c: Calibration) -> Path:
    """``cadre-sim calibrate --out DIR``: calibration.md/.html, CSVs and the figure."""
    out = Path(out)
    figdir, datadir = make_dir(out / "figures"), make_dir(out / "data")
    doc = Doc()
    doc.h(1, "Calibration of cadre-sim to seed 003's survey")
    _calibration_section(doc, c, figdir, datadir)
    md = out / "calibration.md"
    write_text(md, doc.markdown())
    write_text(out / "calibration.html", doc.html("cadre-sim calibration"))
    return md
