"""PNG figures of the current views (matplotlib) for download.

The screen uses SVG for speed; a download is rare, so it is drawn properly with
matplotlib from the same :class:`~dashboards.views.Snapshot`. Chinese labels need a
CJK font: one installed on the system is used (e.g. Debian's ``fonts-noto-cjk``, whose
simplified-Chinese face is preferred; Windows' Microsoft YaHei / SimHei; macOS' PingFang),
found through fontconfig even when matplotlib's font cache predates it; without one the
PNG falls back to English labels and the page says so.
"""

from __future__ import annotations

import io
import math
import re
import subprocess
import threading
from functools import lru_cache
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle, Wedge

from dashboards import i18n
from dashboards.svg import (
    ADOPTED_COLOUR,
    ANSWER_COLOURS,
    COLOURS,
    LEVEL_COLOURS,
    NO_DATA,
    SEED_COLOUR,
    TRUTH_COLOUR,
    yearly_sanctions,
)
from dashboards.views import COL, ROW, Snapshot
from model.hierarchy import LEVELS, N_LEVELS
from model.metrics import SURVEY_ANSWERS, SURVEY_TARGET
from model.state import ACTIONS

_MPL_LOCK = threading.Lock()
FIGURES: tuple[str, ...] = ("tree", "shares", "funnel", "beliefs", "blame", "problems", "survey")
CJK_HINTS = (
    "CJK",
    "Hei",
    "YaHei",
    "WenQuanYi",
    "Source Han",
    "PingFang",
    "Hiragino",
    "SimSun",
    "Song",
    "Sarasa",
    "Droid Sans Fallback",
    "AR PL",
)
# Region tags in a font family's name, best first for simplified Chinese: a pan-CJK
# collection (Noto CJK) has one family per region, and the others draw some characters
# in their Traditional, Hong Kong or Japanese forms.
CJK_REGIONS = (
    (r"\b(sc|cn|gb|simplified)\b", 0),
    (r"\b(tc|tw|traditional)\b", 2),
    (r"\bhk\b", 3),
    (r"\b(jp|japanese)\b", 4),
    (r"\b(kr|korean)\b", 5),
)
FC_LIST = ("fc-list", ":lang=zh", "file")


def cjk_rank(name: str) -> tuple[int, int, str] | None:
    """How well font family ``name`` suits simplified Chinese (lower is better; None: not
    a CJK font): region first (SC before a font without a region tag, then TC, HK, JP,
    KR), then sans before serif and monospace."""
    low = name.lower()
    if not any(h.lower() in low for h in CJK_HINTS):
        return None
    region = next((r for pattern, r in CJK_REGIONS if re.search(pattern, low)), 1)
    style = 2 if "mono" in low else 1 if ("serif" in low or "song" in low or "sun" in low) else 0
    return region, style, name


def system_cjk_files() -> list[str]:
    """Font files fontconfig says cover Chinese (empty without fontconfig)."""
    try:
        out = subprocess.run(
            FC_LIST, capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def find_cjk_font(manager=None, files: list[str] | None = None) -> str | None:
    """The best font family for Chinese that ``manager`` (matplotlib's) can use.

    matplotlib keeps a cache of the system's fonts made when it first ran: fonts
    installed later (``apt-get install fonts-noto-cjk``) are not in it. So the files
    fontconfig reports for Chinese are added to the manager first (every face of a
    collection), then the family names are ranked by :func:`cjk_rank`.
    """
    from matplotlib import font_manager

    fm = manager if manager is not None else font_manager.fontManager
    known = {f.fname for f in fm.ttflist}
    for path in system_cjk_files() if files is None else files:
        if path not in known and path.lower().endswith((".ttf", ".otf", ".ttc")):
            try:
                fm.addfont(path)
            except Exception:  # an unreadable font file is skipped, not fatal
                continue
    ranked = sorted(r for r in (cjk_rank(n) for n in {f.name for f in fm.ttflist}) if r is not None)
    return ranked[0][2] if ranked else None


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed font matplotlib can use for Chinese, or None."""
    return find_cjk_font()


def export_lang(lang: str) -> str:
    """The language the PNG can be drawn in: Chinese only with a CJK font."""
    return "zh" if lang == "zh" and cjk_font() else "en"


def _figure(w: float, h: float, lang: str) -> Figure:
    del lang  # the font comes from the rc context set in figure_png
    return Figure(figsize=(w, h), layout="constrained")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, facecolor="white")
    return buf.getvalue()


def _steps(snap: Snapshot) -> np.ndarray:
    return np.arange(1, len(snap.hist) + 1)


def _marks(ax, snap: Snapshot) -> None:
    for at in snap.change_points:
        if 0 < at <= max(snap.step, 1):
            ax.axvline(at, color="black", lw=0.8, ls=":", alpha=0.7)


def _title(lang: str, key: str) -> str:
    return i18n.t(key, lang)


def fig_tree(snap: Snapshot, lang: str) -> Figure:
    tr = snap.tree
    below = tr.below is not None
    fig = _figure(11, 4.6 if below else 4.2, lang)
    ax = fig.add_subplot()
    depth = max(tr.depth, 1)
    span = 0.36  # tree height in units of its width; equal aspect keeps the pies round
    y = (1 - tr.y) * span
    for u, p in enumerate(tr.parent):
        if p >= 0:
            ax.plot([tr.x[p], tr.x[u]], [y[p], y[u]], color="#bbbbbb", lw=0.6, zorder=1)
    n_leaves = max(len(tr.leaves), 1)
    r_leaf = min(0.4 / n_leaves, 0.018)
    for u in range(len(tr.x)):
        lv = int(tr.level[u])
        r = r_leaf if lv == tr.depth else min(0.024, r_leaf + 0.004 * (tr.depth - lv + 1))
        sh = tr.shares[u]
        if not np.isfinite(sh).all() or sh.sum() <= 0:
            ax.add_patch(Wedge((tr.x[u], y[u]), r, 0, 360, color=NO_DATA, zorder=2))
            continue
        a0 = 90.0
        for k in range(3):
            a1 = a0 - 360 * float(sh[k])
            if sh[k] > 0:
                ax.add_patch(Wedge((tr.x[u], y[u]), r, a1, a0, color=COLOURS[k], zorder=2))
            a0 = a1
    bottom_y = -0.03
    if below and tr.below is not None:
        bar = 0.06
        for j, u in enumerate(tr.leaves):
            sh = np.nan_to_num(tr.below[j])
            top = bottom_y - 0.01
            for k in range(3):
                ax.add_patch(
                    Rectangle(
                        (tr.x[u] - 0.35 / n_leaves, top - bar * sh[k]),
                        0.7 / n_leaves,
                        bar * sh[k],
                        color=COLOURS[k],
                    )
                )
                top -= bar * sh[k]
        ax.text(
            -0.015,
            bottom_y - 0.04,
            i18n.level_name(N_LEVELS - 1, lang),
            ha="right",
            va="center",
            fontsize=9,
        )
        bottom_y -= 0.08
    for lv in range(tr.depth + 1):
        ax.text(
            -0.015,
            span * (1 - lv / depth),
            i18n.level_name(lv, lang),
            ha="right",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(-0.09, 1.01)
    ax.set_ylim(bottom_y - 0.02, span + 0.03)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [
        Rectangle((0, 0), 1, 1, color=c, label=i18n.action_name(k, lang))
        for k, c in enumerate(COLOURS)
    ]
    ax.legend(handles=handles, loc="upper right", frameon=False, fontsize=8, ncol=3)
    ax.set_title(
        f"{_title(lang, 'tree_title')} — {i18n.t('month_n', lang, step=snap.step)}", fontsize=10
    )
    return fig


def fig_shares(snap: Snapshot, lang: str) -> Figure:
    fig = _figure(11, 5.2, lang)
    axes = fig.subplots(2, 3, sharex=True, sharey=True)
    steps = _steps(snap)
    for ax, lv in zip(
        axes.flat, ["central", "province", "city", "county", "township", "all"], strict=True
    ):
        for k, a in enumerate(ACTIONS):
            if len(snap.hist):
                ax.plot(
                    steps,
                    snap.hist[:, ROW[lv], COL[a]],
                    color=COLOURS[k],
                    lw=1.2,
                    label=i18n.action_name(k, lang),
                )
        if len(snap.hist):
            ax.plot(
                steps,
                snap.hist[:, ROW[lv], COL["adopted"]],
                color=ADOPTED_COLOUR,
                lw=0.9,
                ls="--",
                label=i18n.t("adopted_legend", lang),
            )
        _marks(ax, snap)
        ax.set_title(
            i18n.t("all_levels", lang) if lv == "all" else i18n.level_name(ROW[lv], lang),
            fontsize=9,
        )
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel(i18n.t("month", lang))
    if len(snap.hist):
        axes[0, 0].legend(fontsize=7, frameon=False)
    fig.suptitle(_title(lang, "shares_title"), fontsize=10)
    return fig


def fig_funnel(snap: Snapshot, lang: str) -> Figure:
    fig = _figure(6.4, 3.8, lang)
    ax = fig.add_subplot()
    f = snap.funnel()
    keys = ("cases", "applied", "accepted", "consulted", "approved", "recognised")
    vals = [f[k] for k in keys] + [f["coupons"]]
    labels = [i18n.stage_name(i, lang) for i in range(6)] + [i18n.t("coupons", lang)]
    colours = ["#2a9d8f"] * 6 + ["#b23a48"]
    ypos = np.arange(len(vals))[::-1]
    ax.barh(ypos, vals, color=colours)
    ax.set_yticks(ypos, labels, fontsize=8)
    for yy, v in zip(ypos, vals, strict=True):
        share = f" ({100 * v / f['cases']:.1f}%)" if f["cases"] > 0 else ""
        ax.text(v, yy, f" {v:.0f}{share}", va="center", fontsize=7)
    ax.set_xlim(0, max(f["cases"], 1) * 1.25)
    ax.set_title(_title(lang, "funnel_title"), fontsize=10)
    ax.set_xlabel(
        i18n.t("eff_tolerance", lang, x=f"{100 * snap.effective_tolerance:.1f}%"), fontsize=8
    )
    return fig


def fig_beliefs(snap: Snapshot, lang: str) -> Figure:
    fig = _figure(8, 3.8, lang)
    axes = fig.subplots(1, 2, sharey=True)
    bins = snap.belief_tol.shape[1]
    panels = (
        (
            axes[0],
            "belief_tol",
            snap.belief_tol,
            snap.belief_tol_mean,
            snap.belief_tol_truth,
            snap.belief_tol_top,
        ),
        (
            axes[1],
            "belief_det",
            snap.belief_det,
            snap.belief_det_mean,
            snap.belief_det_truth,
            snap.belief_det_top,
        ),
    )
    for ax, key, dens, means, truth, top in panels:
        centres = (np.arange(bins) + 0.5) / bins * top
        for lv in range(N_LEVELS):
            base = N_LEVELS - 1 - lv
            d = dens[lv] / max(float(dens[lv].max()), 1e-9) * 0.9
            ax.fill_between(centres, base, base + d, color=LEVEL_COLOURS[lv], alpha=0.6)
            if math.isfinite(float(means[lv])):
                ax.plot(
                    [means[lv]] * 2,
                    [base, base + 0.9],
                    color="black",
                    lw=1.2,
                    label=i18n.t("belief_mean_legend", lang) if lv == 0 else None,
                )
            if math.isfinite(float(truth[lv])):
                ax.plot(
                    [truth[lv]],
                    [base],
                    marker="^",
                    color=TRUTH_COLOUR,
                    ms=6,
                    ls="none",
                    label=i18n.t("belief_truth_legend", lang) if lv == 0 else None,
                )
        ax.set_xlim(0, top)
        ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:g}%")
        ax.set_title(i18n.t(key, lang), fontsize=9)
    axes[1].legend(fontsize=7, frameon=False, loc="upper right")
    axes[0].set_yticks(
        np.arange(N_LEVELS) + 0.4,
        [i18n.level_name(lv, lang) for lv in range(N_LEVELS)][::-1],
        fontsize=8,
    )
    fig.suptitle(_title(lang, "beliefs_title"), fontsize=10)
    return fig


def fig_problems(snap: Snapshot, lang: str) -> Figure:
    fig = _figure(6.4, 5, lang)
    axes = fig.subplots(2, 1, sharex=True)
    steps = _steps(snap)
    for ax, col, key in (
        (axes[0], "problems_per_cadre", "problems_per_cadre"),
        (axes[1], "escalations", "escalations"),
    ):
        for lv in range(N_LEVELS):
            if len(snap.hist):
                ax.plot(
                    steps,
                    snap.hist[:, lv, COL[col]],
                    color=LEVEL_COLOURS[lv],
                    lw=1.2,
                    label=i18n.level_name(lv, lang),
                )
        _marks(ax, snap)
        ax.set_title(i18n.t(key, lang), fontsize=9)
        ax.grid(alpha=0.3)
    if len(snap.hist):
        axes[0].legend(fontsize=7, frameon=False, ncol=5)
    axes[1].set_xlabel(i18n.t("month", lang))
    fig.suptitle(_title(lang, "problems_title"), fontsize=10)
    return fig


def fig_blame(snap: Snapshot, lang: str) -> Figure:
    fig = _figure(6.4, 5, lang)
    axes = fig.subplots(2, 1, sharex=True)
    steps = _steps(snap)
    for lv in range(N_LEVELS):
        if len(snap.hist):
            axes[0].plot(
                steps,
                snap.hist[:, lv, COL["perceived_targets"]],
                color=LEVEL_COLOURS[lv],
                lw=1.2,
                label=i18n.level_name(lv, lang),
            )
            axes[0].plot(
                steps, snap.hist[:, lv, COL["targets"]], color=LEVEL_COLOURS[lv], lw=0.9, ls="--"
            )
            axes[1].plot(steps, yearly_sanctions(snap.hist, lv), color=LEVEL_COLOURS[lv], lw=1.2)
    for ax, key in ((axes[0], "targets_panel"), (axes[1], "sanctions_panel")):
        _marks(ax, snap)
        ax.set_title(i18n.t(key, lang), fontsize=9)
        ax.grid(alpha=0.3)
    axes[1].yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    if len(snap.hist):
        axes[0].legend(
            fontsize=7,
            frameon=False,
            ncol=5,
            title=i18n.t("targets_dashed", lang),
            title_fontsize=7,
        )
    axes[1].set_xlabel(i18n.t("month", lang))
    fig.suptitle(_title(lang, "blame_title"), fontsize=10)
    return fig


def fig_survey(snap: Snapshot, lang: str) -> Figure:
    """The card's two parts: the answers next to seed 003's, and each level's answers."""
    by_level = list(enumerate(LEVELS)) if snap.survey_levels else []
    fig = _figure(6.4, 3.6 + (1.9 if by_level else 0.0), lang)
    if by_level:
        ax, ax_lv = fig.subplots(2, 1, height_ratios=(3.6, 1.9))
        _survey_by_level(ax_lv, snap, by_level, lang)
    else:
        ax = fig.add_subplot()
    x = np.arange(len(SURVEY_ANSWERS))
    model_vals = [snap.survey.get(a, float("nan")) for a in SURVEY_ANSWERS]
    seed_vals = [SURVEY_TARGET[a] for a in SURVEY_ANSWERS]
    ax.bar(
        x - 0.2, np.nan_to_num(model_vals), 0.4, color="#264653", label=i18n.t("survey_model", lang)
    )
    ax.bar(x + 0.2, seed_vals, 0.4, color=SEED_COLOUR, label=i18n.t("survey_seed", lang))
    for xx, v in zip(x, model_vals, strict=True):
        if math.isfinite(v):
            ax.text(xx - 0.2, v, f"{100 * v:.1f}%", ha="center", va="bottom", fontsize=7)
    for xx, v in zip(x, seed_vals, strict=True):
        ax.text(xx + 0.2, v, f"{100 * v:.2f}%", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, [i18n.survey_answer(i, lang) for i in range(len(SURVEY_ANSWERS))], fontsize=8)
    ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(_title(lang, "survey_title"), fontsize=9)
    return fig


def _survey_by_level(ax: Any, snap: Snapshot, by_level: list[tuple[int, str]], lang: str) -> None:
    """One bar of 100 % per level, split by answer (the card's lower part)."""
    y = np.arange(len(by_level))[::-1]
    left = np.zeros(len(by_level))
    for i, (a, colour) in enumerate(zip(SURVEY_ANSWERS, ANSWER_COLOURS, strict=True)):
        w = np.array([snap.survey_levels[lv][a] for _, lv in by_level])
        ax.barh(y, w, left=left, color=colour, height=0.7, label=i18n.survey_answer(i, lang))
        left += w
    ax.set_yticks(y, [i18n.level_name(k, lang) for k, _ in by_level], fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=7, frameon=False, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    ax.set_title(i18n.t("survey_by_level", lang), fontsize=9)


DRAW = {
    "tree": fig_tree,
    "shares": fig_shares,
    "funnel": fig_funnel,
    "beliefs": fig_beliefs,
    "blame": fig_blame,
    "problems": fig_problems,
    "survey": fig_survey,
}


def figure_png(name: str, snap: Snapshot, lang: str) -> bytes:
    """One view as PNG bytes."""
    if name not in DRAW:
        raise ValueError(f"figure = {name!r}: allowed are {', '.join(FIGURES)}")
    lang = export_lang(lang)
    font = cjk_font() if lang == "zh" else None
    rc = {"font.family": [font, "DejaVu Sans"]} if font else {}
    # rcParams are process-wide; the lock keeps two sessions' exports from mixing fonts.
    with _MPL_LOCK, matplotlib.rc_context(rc):
        return _png(DRAW[name](snap, lang))


def all_figures_zip(snap: Snapshot, lang: str) -> bytes:
    """Every view as a PNG, in one ZIP archive."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in FIGURES:
            z.writestr(f"{name}_month{snap.step:03d}.png", figure_png(name, snap, lang))
    return buf.getvalue()
