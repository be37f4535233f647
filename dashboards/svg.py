"""The dashboard's charts as SVG strings.

Drawing SVG in Python and handing the browser a string is what keeps the classroom
preset above 10 months per second: a matplotlib PNG per chart per month costs more than
the model step itself. Every function is pure (snapshot in, markup out) and tolerates
NaN and empty histories, so no control value can break a chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import numpy as np

from dashboards import i18n
from dashboards.views import COL, ROW, Snapshot, TreeData, UnitDetail
from experiments.plotting import ACTION_COLOURS
from model.hierarchy import LEVELS, N_LEVELS
from model.metrics import SANCTION_COLUMNS, SURVEY_ANSWERS, SURVEY_TARGET
from model.state import ACTIONS, REC_AVOID, REC_FAILED, REC_ROUTINE, REC_SUCCEEDED

COLOURS = [ACTION_COLOURS[a] for a in ACTIONS]
NO_DATA = "#d9d9d9"
LEVEL_COLOURS = ("#1d3557", "#457b9d", "#6a994e", "#bc6c25", "#9d0208")
SEED_COLOUR = "#6c757d"
ADOPTED_COLOUR = "#555555"  # share of units that adopted the centre's latest regime
TRUTH_COLOUR = "#d62828"  # the truth of a belief
FONT = "font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
RECORD_COLOURS = {
    REC_SUCCEEDED: ACTION_COLOURS["innovate"],
    REC_FAILED: "#264653",
    REC_ROUTINE: ACTION_COLOURS["routine"],
    REC_AVOID: ACTION_COLOURS["avoid"],
}
MAX_POINTS = 400  # points per line; longer runs are thinned


def _f(x: float) -> str:
    return f"{x:.1f}"


def _text(
    x: float,
    y: float,
    s: str,
    size: int = 11,
    anchor: str = "start",
    fill: str = "#222",
    weight: str = "normal",
    extra: str = "",
) -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}" {extra}>{escape(s)}</text>'
    )


def _svg(width: int, height: int, body: list[str], cls: str = "") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px; {FONT}" role="img">' + "".join(body) + "</svg>"
    )


def pct(x: float) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{100 * x:.1f}%"


def _thin(n: int) -> np.ndarray:
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_POINTS).astype(int))


def _polyline(
    xs: np.ndarray, ys: np.ndarray, colour: str, width: float = 1.6, dashed: bool = False
) -> str:
    """A line that breaks at NaN values instead of failing."""
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any():
        return ""
    # runs of consecutive finite points
    edges = np.flatnonzero(np.diff(np.concatenate([[0], ok.astype(np.int8), [0]])))
    out = []
    for a, b in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        px, py = xs[a:b].tolist(), ys[a:b].tolist()
        if len(px) == 1:
            out.append(f'<circle cx="{px[0]:.1f}" cy="{py[0]:.1f}" r="1.5" fill="{colour}"/>')
            continue
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(px, py, strict=True))
        dash = ' stroke-dasharray="5,3"' if dashed else ""
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="{width}"{dash} points="{pts}"/>'
        )
    return "".join(out)


def nice_max(v: float) -> float:
    """A round upper limit for an axis (1, 2, 5 × 10^k)."""
    if not math.isfinite(v) or v <= 0:
        return 1.0
    k = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 5, 10):
        if v <= m * k:
            return m * k
    return 10 * k


def _fmt_tick(v: float, as_pct: bool) -> str:
    if as_pct:
        return f"{100 * v:.0f}%"
    return f"{v:g}" if abs(v) >= 0.01 or v == 0 else f"{v:.0e}"


def line_panel(
    x0: float,
    y0: float,
    w: float,
    h: float,
    steps: np.ndarray,
    lines: Sequence[np.ndarray],
    colours: Sequence[str],
    title: str,
    y_max: float | None = None,
    as_pct: bool = False,
    change_points: Sequence[int] = (),
    x_label: str = "",
    dashed: Sequence[bool] | None = None,
) -> list[str]:
    """One small chart at (x0, y0) of size w × h (the plot area inside margins); the
    lines flagged in ``dashed`` are drawn dashed."""
    body = [
        f'<rect x="{_f(x0)}" y="{_f(y0)}" width="{_f(w)}" height="{_f(h)}" fill="#fafafa" stroke="#ccc"/>',
        _text(x0, y0 - 6, title, 12, weight="600"),
    ]
    finite = [np.nanmax(v) for v in lines if len(v) and np.isfinite(v).any()]
    top = y_max if y_max is not None else nice_max(max(finite) if finite else 1.0)
    for frac in (0.5, 1.0):
        yy = y0 + h - frac * h
        body.append(
            f'<line x1="{_f(x0)}" x2="{_f(x0 + w)}" y1="{_f(yy)}" y2="{_f(yy)}" stroke="#e3e3e3"/>'
        )
        body.append(_text(x0 - 4, yy + 4, _fmt_tick(frac * top, as_pct), 9, "end", "#666"))
    body.append(_text(x0 - 4, y0 + h + 4, _fmt_tick(0, as_pct), 9, "end", "#666"))
    n = len(steps)
    t_max = max(int(steps[-1]) if n else 1, 1)
    body.append(_text(x0 + w, y0 + h + 12, f"{t_max}", 9, "end", "#666"))
    body.append(_text(x0, y0 + h + 12, "0", 9, "start", "#666"))
    if x_label:
        body.append(_text(x0 + w / 2, y0 + h + 12, x_label, 9, "middle", "#666"))
    for at in change_points:
        if 0 < at <= t_max:
            xx = x0 + w * at / t_max
            body.append(
                f'<line class="change-mark" x1="{_f(xx)}" x2="{_f(xx)}" y1="{_f(y0)}" y2="{_f(y0 + h)}" '
                'stroke="#333" stroke-dasharray="3,3" stroke-width="0.9"/>'
            )
    if n:
        keep = _thin(n)
        xs = x0 + w * steps[keep] / t_max
        styles = dashed if dashed is not None else [False] * len(lines)
        for v, c, d in zip(lines, colours, styles, strict=True):
            ys = y0 + h - h * np.clip(np.asarray(v, dtype=float)[keep] / top, 0, 1.05)
            body.append(_polyline(xs, ys, c, 1.2 if d else 1.6, d))
    return body


def legend(x: float, y: float, items: Sequence[tuple[str, str]], size: int = 11) -> list[str]:
    body, cx = [], x
    for label, colour in items:
        body.append(
            f'<rect x="{_f(cx)}" y="{_f(y - 9)}" width="11" height="11" rx="2" fill="{colour}"/>'
        )
        body.append(_text(cx + 15, y, label, size))
        cx += 22 + 6.5 * len(label) * (1.6 if any(ord(ch) > 0x2E80 for ch in label) else 1.0)
    return body


def action_legend(x: float, y: float, lang: str) -> list[str]:
    return legend(x, y, [(i18n.action_name(k, lang), COLOURS[k]) for k in range(3)])


# ------------------------------------------------------------------------ tree
def pie(cx: float, cy: float, r: float, shares: np.ndarray) -> str:
    """Three-slice pie; grey when there are no shares yet."""
    if not np.isfinite(shares).all() or shares.sum() <= 0:
        return f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="{NO_DATA}"/>'
    full = np.flatnonzero(shares > 0.9999)
    if len(full):
        return f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="{COLOURS[int(full[0])]}"/>'
    out, a0 = [], -math.pi / 2
    for k, sh in enumerate(shares):
        if sh <= 0:
            continue
        a1 = a0 + 2 * math.pi * float(sh)
        large = 1 if a1 - a0 > math.pi else 0
        x0, y0 = cx + r * math.cos(a0), cy + r * math.sin(a0)
        x1, y1 = cx + r * math.cos(a1), cy + r * math.sin(a1)
        out.append(
            f'<path d="M{_f(cx)},{_f(cy)} L{_f(x0)},{_f(y0)} A{_f(r)},{_f(r)} 0 {large} 1 '
            f'{_f(x1)},{_f(y1)} Z" fill="{COLOURS[k]}"/>'
        )
        a0 = a1
    return "".join(out)


def _share_title(name: str, shares: np.ndarray, lang: str) -> str:
    if not np.isfinite(shares).all():
        return name
    return (
        name + " — " + ", ".join(f"{i18n.action_name(k, lang)} {pct(shares[k])}" for k in range(3))
    )


MIN_HIT = 11.0  # px: the smallest half-size of the area a click on a unit selects


def tree_names(tree: TreeData, lang: str) -> list[str]:
    """Each drawn unit named by its place: "County 3 of City 2"."""
    number = tree.number if tree.number is not None else np.zeros(len(tree.x), dtype=int)
    out = []
    for u in range(len(tree.x)):
        path = [(int(tree.level[u]), int(number[u]))] if tree.level[u] > 0 else []
        p = int(tree.parent[u])
        if p >= 0 and tree.level[p] > 0:
            path.insert(0, (int(tree.level[p]), int(number[p])))
        out.append(i18n.place_name(path, lang))
    return out


def tree_svg(tree: TreeData, lang: str, selected: int | None = None, width: int = 980) -> str:
    """The unit tree, centre at the top; each unit a pie of its cadres' choices.

    Every unit sits in a click area of at least 2 x ``MIN_HIT`` px (a leaf's area is its
    whole column), so even the ~100 counties of a province are easy to click."""
    left, right, top = 70, 20, 26
    n_leaves = max(len(tree.leaves), 1)
    spacing = (width - left - right) / n_leaves
    # Many leaves (the ~100 counties of a province): two staggered rows, so each dot
    # and its click area can be twice as wide.
    stagger = spacing < 14
    r_leaf = max(4.5, min(13.0, 0.42 * spacing * (2 if stagger else 1)))
    row_h = 64 if tree.depth >= 3 else 80
    bar_h = 46 if tree.below is not None else 0
    body: list[str] = []
    px = left + tree.x * (width - left - right)
    py = top + 14 + tree.y * row_h * tree.depth
    if stagger:
        py[tree.leaves[1::2]] += 2 * r_leaf + 3
    # edges first, so the pies sit on top
    edges = [
        f"M{px[p]:.1f},{py[p]:.1f}L{px[u]:.1f},{py[u]:.1f}"
        for u, p in enumerate(tree.parent)
        if p >= 0
    ]
    body.append(f'<path d="{"".join(edges)}" stroke="#b8b8b8" stroke-width="0.8" fill="none"/>')
    for lv in range(tree.depth + 1):
        body.append(
            _text(
                4,
                top + 18 + lv * row_h * tree.depth / max(tree.depth, 1),
                i18n.level_name(lv, lang),
                12,
                weight="600",
                fill="#444",
            )
        )
    names = tree_names(tree, lang)
    leaf_hit = max(spacing * (1 if stagger else 0.5), 1.0)
    for u in range(len(tree.x)):
        lv = int(tree.level[u])
        leaf = lv == tree.depth
        r = r_leaf if leaf else min(16.0, r_leaf + 4 + 2 * (tree.depth - lv))
        title = _share_title(names[u], tree.shares[u], lang)
        ring = (
            (
                f'<circle cx="{_f(px[u])}" cy="{_f(py[u])}" r="{_f(r + 3)}" fill="none" '
                'stroke="#111" stroke-width="2.2"/>'
            )
            if selected == u
            else ""
        )
        half_h = r + 1.5 if leaf and stagger else max(r + 4, MIN_HIT)
        half_w = leaf_hit if leaf else max(r + 4, MIN_HIT)
        hit = (
            f'<rect class="hit" x="{_f(px[u] - half_w)}" y="{_f(py[u] - half_h)}" width="{_f(2 * half_w)}" '
            f'height="{_f(2 * half_h)}" fill="transparent"/>'
        )
        body.append(
            f'<g class="unit" data-unit="{u}" style="cursor:pointer"><title>{escape(title)}</title>'
            f"{hit}{pie(px[u], py[u], r, tree.shares[u])}"
            f'<circle cx="{_f(px[u])}" cy="{_f(py[u])}" r="{_f(r)}" fill="none" stroke="#fff" '
            f'stroke-width="0.8"/>{ring}</g>'
        )
    y_bottom = py.max() + r_leaf + 8
    if tree.below is not None and tree.below_counts is not None:
        bw = max(1.5, min(10.0, 0.7 * spacing))
        for j, u in enumerate(tree.leaves):
            sh = tree.below[j]
            x = px[u] - bw / 2
            y = y_bottom
            if not np.isfinite(sh).all():
                body.append(
                    f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(bw)}" height="{bar_h - 8}" fill="{NO_DATA}"/>'
                )
                continue
            for k in range(3):
                hk = (bar_h - 8) * float(sh[k])
                body.append(
                    f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(bw)}" height="{_f(hk)}" fill="{COLOURS[k]}"/>'
                )
                y += hk
        body.append(
            _text(
                4, y_bottom + 14, i18n.level_name(N_LEVELS - 1, lang), 12, weight="600", fill="#444"
            )
        )
        body.append(
            _text(
                left,
                y_bottom + bar_h + 6,
                i18n.t("tree_aggregated", lang, n=int(tree.below_counts.sum())),
                10,
                fill="#555",
            )
        )
        y_bottom += bar_h + 8
    body += action_legend(left, y_bottom + 18, lang)
    if not np.isfinite(tree.shares).all():
        body.append(
            _text(width - right, y_bottom + 18, i18n.t("no_data_yet", lang), 11, "end", "#777")
        )
    return _svg(width, int(y_bottom + 26), body, "tree")


# --------------------------------------------------------------- time series
def shares_svg(snap: Snapshot, lang: str, width: int = 980) -> str:
    """Small multiples: one panel per level (and all levels) with the three shares."""
    cols, pw, ph = 3, (width - 60) / 3 - 30, 96
    rows_ = ["central", "province", "city", "county", "township", "all"]
    steps = np.arange(1, len(snap.hist) + 1)
    body: list[str] = []
    for k, lv in enumerate(rows_):
        r, c = divmod(k, cols)
        x0 = 50 + c * (pw + 40)
        y0 = 24 + r * (ph + 44)
        title = i18n.t("all_levels", lang) if lv == "all" else i18n.level_name(ROW[lv], lang)
        lines = (
            [snap.hist[:, ROW[lv], COL[a]] for a in (*ACTIONS, "adopted")]
            if len(snap.hist)
            else [np.array([])] * 4
        )
        body += line_panel(
            x0,
            y0,
            pw,
            ph,
            steps,
            lines,
            [*COLOURS, ADOPTED_COLOUR],
            title,
            1.0,
            True,
            snap.change_points,
            i18n.t("month", lang),
            dashed=[False] * 3 + [True],
        )
    height = 24 + 2 * (ph + 44) + 10
    body += action_legend(50, height, lang)
    body += dash_legend(width - 10, height, i18n.t("adopted_legend", lang), ADOPTED_COLOUR)
    return _svg(width, int(height + 10), body, "shares")


def dash_legend(x_end: float, y: float, label: str, colour: str) -> list[str]:
    """A dashed line sample and its label, right-aligned at ``x_end``."""
    x = x_end - text_width(label, 11) - 30
    return [
        f'<line x1="{_f(x)}" x2="{_f(x + 24)}" y1="{_f(y - 4)}" y2="{_f(y - 4)}" stroke="{colour}" '
        'stroke-width="1.4" stroke-dasharray="5,3"/>',
        _text(x + 28, y, label, 11),
    ]


def problems_svg(snap: Snapshot, lang: str, width: int = 480) -> str:
    steps = np.arange(1, len(snap.hist) + 1)
    pw, ph = width - 70, 110
    body: list[str] = []
    levels = list(range(N_LEVELS))
    empty = [np.array([])] * N_LEVELS
    prob = (
        [snap.hist[:, lv, COL["problems_per_cadre"]] for lv in levels] if len(snap.hist) else empty
    )
    esc = [snap.hist[:, lv, COL["escalations"]] for lv in levels] if len(snap.hist) else empty
    body += line_panel(
        55,
        24,
        pw,
        ph,
        steps,
        prob,
        LEVEL_COLOURS,
        i18n.t("problems_per_cadre", lang),
        change_points=snap.change_points,
        x_label=i18n.t("month", lang),
    )
    body += line_panel(
        55,
        24 + ph + 46,
        pw,
        ph,
        steps,
        esc,
        LEVEL_COLOURS,
        i18n.t("escalations", lang),
        change_points=snap.change_points,
        x_label=i18n.t("month", lang),
    )
    y = 24 + 2 * ph + 46 + 32
    body += legend(10, y, [(i18n.level_name(lv, lang), LEVEL_COLOURS[lv]) for lv in levels], 10)
    return _svg(width, y + 8, body, "problems")


# -------------------------------------------------------------------- funnel
def funnel_svg(snap: Snapshot, lang: str, width: int = 480) -> str:
    f = snap.funnel()
    n_cases = f["cases"]
    stages = list(range(6))
    values = [f[c] for c in ("cases", "applied", "accepted", "consulted", "approved", "recognised")]
    label_w, bar_w, bh = 150, width - 150 - 90, 20
    body: list[str] = []
    top = max(n_cases, 1.0)
    for i in stages:
        y = 12 + i * (bh + 8)
        w = bar_w * values[i] / top
        body.append(_text(label_w - 6, y + 14, i18n.stage_name(i, lang), 11, "end"))
        body.append(
            f'<rect x="{label_w}" y="{y}" width="{_f(bar_w)}" height="{bh}" fill="#f1f1f1"/>'
        )
        body.append(f'<rect x="{label_w}" y="{y}" width="{_f(w)}" height="{bh}" fill="#2a9d8f"/>')
        share = pct(values[i] / n_cases) if n_cases > 0 else "–"
        body.append(
            _text(label_w + bar_w + 6, y + 14, f"{values[i]:.0f} ({share})", 10, fill="#333")
        )
    y = 12 + 6 * (bh + 8) + 6
    w = bar_w * f["coupons"] / top
    body.append(_text(label_w - 6, y + 14, i18n.t("coupons", lang), 11, "end", "#b23a48", "600"))
    body.append(f'<rect x="{label_w}" y="{y}" width="{_f(bar_w)}" height="{bh}" fill="#f1f1f1"/>')
    body.append(f'<rect x="{label_w}" y="{y}" width="{_f(w)}" height="{bh}" fill="#b23a48"/>')
    body.append(_text(label_w + bar_w + 6, y + 14, f"{f['coupons']:.0f}", 10, fill="#b23a48"))
    y += bh + 22
    body.append(_text(8, y, i18n.t("eff_tolerance", lang, x=pct(snap.effective_tolerance)), 11))
    y += 17
    if n_cases > 0:
        body.append(
            _text(
                8,
                y,
                i18n.t(
                    "realised_tolerance",
                    lang,
                    k=f"{f['recognised']:.0f}",
                    n=f"{n_cases:.0f}",
                    x=pct(f["recognised"] / n_cases),
                ),
                11,
            )
        )
    else:
        body.append(_text(8, y, i18n.t("no_cases", lang), 11, fill="#777"))
    return _svg(width, y + 10, body, "funnel")


# ---------------------------------------------------------- targets and blame
def yearly_sanctions(hist: np.ndarray, level: int, months: int = 12) -> np.ndarray:
    """Sanctions per cadre per year at ``level``, month by month: 12 x the mean of the
    last ``months`` months' sanctions (fewer at the start) over the level's cadres."""
    if not len(hist):
        return np.array([])
    monthly = hist[:, level, [COL[c] for c in SANCTION_COLUMNS]].sum(axis=1)
    c = np.concatenate([[0.0], np.cumsum(monthly)])
    n = np.arange(1, len(monthly) + 1)
    k = np.minimum(n, months)
    mean = (c[n] - c[n - k]) / k
    cadres = np.maximum(hist[:, level, COL["n_cadres"]], 1.0)
    return 12 * mean / cadres


def blame_svg(snap: Snapshot, lang: str, width: int = 480) -> str:
    """Per level: the one-veto targets its units treat as binding (solid) and those in
    force (dashed) — a loosening leaves startled birds; and sanctions per cadre per year
    (lower levels carry the blame)."""
    steps = np.arange(1, len(snap.hist) + 1)
    pw, ph = width - 70, 110
    levels = list(range(N_LEVELS))
    has = len(snap.hist) > 0
    targets = (
        (
            [snap.hist[:, lv, COL["perceived_targets"]] for lv in levels]
            + [snap.hist[:, lv, COL["targets"]] for lv in levels]
        )
        if has
        else [np.array([])] * (2 * N_LEVELS)
    )
    body = line_panel(
        55,
        24,
        pw,
        ph,
        steps,
        targets,
        [*LEVEL_COLOURS, *LEVEL_COLOURS],
        i18n.t("targets_panel", lang),
        change_points=snap.change_points,
        x_label=i18n.t("month", lang),
        dashed=[False] * N_LEVELS + [True] * N_LEVELS,
    )
    rates = [yearly_sanctions(snap.hist, lv) for lv in levels] if has else [np.array([])] * N_LEVELS
    body += line_panel(
        55,
        24 + ph + 46,
        pw,
        ph,
        steps,
        rates,
        LEVEL_COLOURS,
        i18n.t("sanctions_panel", lang),
        as_pct=True,
        change_points=snap.change_points,
        x_label=i18n.t("month", lang),
    )
    y = 24 + 2 * ph + 46 + 32
    body += legend(10, y, [(i18n.level_name(lv, lang), LEVEL_COLOURS[lv]) for lv in levels], 10)
    body += dash_legend(width - 10, y + 18, i18n.t("targets_dashed", lang), "#333")
    return _svg(width, y + 26, body, "blame")


# ------------------------------------------------------------------- beliefs
def text_width(s: str, size: float) -> float:
    """Estimated width in px of ``s`` at font ``size`` (CJK glyphs are square, Latin about
    0.58 em wide in the page's sans-serif fonts, a little more in bold)."""
    return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in s)


def wrap(s: str, width: float, size: float) -> list[str]:
    """``s`` broken into lines no wider than ``width`` px (at spaces; CJK anywhere)."""
    cjk = any(ord(ch) > 0x2E80 for ch in s)
    tokens = list(s) if cjk else s.split(" ")
    sep = "" if cjk else " "
    lines: list[str] = []
    for tok in tokens:
        trial = f"{lines[-1]}{sep}{tok}" if lines else tok
        if lines and text_width(trial, size) <= width:
            lines[-1] = trial
        else:
            lines.append(tok)
    return lines


BELIEF_TITLE_SIZE = 11


def belief_titles(lang: str, width: int = 480) -> tuple[float, list[list[str]]]:
    """(panel width, each panel's title lines) of :func:`beliefs_svg`."""
    pw = (width - 100) / 2
    return pw, [
        wrap(i18n.t(key, lang), pw, BELIEF_TITLE_SIZE) for key in ("belief_tol", "belief_det")
    ]


def beliefs_svg(snap: Snapshot, lang: str, width: int = 480) -> str:
    """Ridgelines: per level, the distribution of each belief over its cadres."""
    row_h = 30
    pw, titles = belief_titles(lang, width)
    top = 14 * max(len(t) for t in titles) + 16  # room for the longest title
    body: list[str] = []
    panels = (
        (snap.belief_tol, snap.belief_tol_mean, snap.belief_tol_truth, snap.belief_tol_top),
        (snap.belief_det, snap.belief_det_mean, snap.belief_det_truth, snap.belief_det_top),
    )
    for j, (dens, means, truth, axis_top) in enumerate(panels):
        x0 = 62 + j * (pw + 20)
        for i, line in enumerate(titles[j]):
            body.append(
                _text(
                    x0,
                    14 + 14 * i,
                    line,
                    BELIEF_TITLE_SIZE,
                    weight="600",
                    extra='class="belief-title"',
                )
            )
        bins = dens.shape[1]
        for lv in range(N_LEVELS):
            base = top + (lv + 1) * row_h
            if j == 0:
                body.append(_text(4, base - 4, i18n.level_name(lv, lang), 11, fill="#444"))
            d = dens[lv]
            peak = max(float(d.max()), 1e-9)
            xs = x0 + pw * (np.arange(bins) + 0.5) / bins
            ys = base - (row_h * 1.15) * d / peak
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
            body.append(
                f'<polygon points="{_f(x0)},{base} {pts} {_f(x0 + pw)},{base}" '
                f'fill="{LEVEL_COLOURS[lv]}" fill-opacity="0.55" stroke="{LEVEL_COLOURS[lv]}"/>'
            )
            m = float(means[lv])
            if math.isfinite(m):
                mx = x0 + pw * min(max(m / axis_top, 0.0), 1.0)
                body.append(
                    f'<line x1="{_f(mx)}" x2="{_f(mx)}" y1="{base - row_h}" y2="{base + 2}" '
                    'stroke="#111" stroke-width="1.4"/>'
                )
            tv = float(truth[lv])
            if math.isfinite(tv):  # the truth: a red triangle under the baseline
                tx = x0 + pw * min(max(tv / axis_top, 0.0), 1.0)
                body.append(
                    f'<path class="belief-truth" d="M{_f(tx)},{base - 1} l-4,7 h8 z" fill="{TRUTH_COLOUR}"/>'
                )
        y_axis = top + N_LEVELS * row_h + 16
        for v in (0, 0.5, 1):
            body.append(_text(x0 + pw * v, y_axis, pct_tick(v * axis_top), 9, "middle", "#666"))
    y = top + N_LEVELS * row_h + 34
    body.append(
        f'<line x1="62" x2="62" y1="{y - 10}" y2="{y + 1}" stroke="#111" stroke-width="1.4"/>'
    )
    body.append(_text(68, y, i18n.t("belief_mean_legend", lang), 10, fill="#444"))
    tx = 68 + text_width(i18n.t("belief_mean_legend", lang), 10) + 18
    body.append(f'<path d="M{_f(tx)},{y - 8} l-4,7 h8 z" fill="{TRUTH_COLOUR}"/>')
    body.append(_text(tx + 8, y, i18n.t("belief_truth_legend", lang), 10, fill="#444"))
    return _svg(width, y + 6, body, "beliefs")


def pct_tick(v: float) -> str:
    """An axis tick as a percentage: "0", "2.5%", "50%"."""
    if v == 0:
        return "0"
    return (
        f"{100 * v:.1f}%" if 100 * v < 10 and not float(100 * v).is_integer() else f"{100 * v:.0f}%"
    )


# -------------------------------------------------------------------- survey
# the four answers of the survey, from "many" to "don't know"
ANSWER_COLOURS = ("#264653", "#2a9d8f", "#e9c46a", "#d9d9d9")


def survey_svg(snap: Snapshot, lang: str, width: int = 480) -> str:
    """Grouped bars: the model's answers next to seed 003's table; below, each level's
    answers as one bar of 100 % (who knows of cases, and who does not)."""
    body: list[str] = []
    x0, ph, top = 46, 150, 1.0
    observed = [snap.survey.get(a, float("nan")) for a in SURVEY_ANSWERS]
    target = [SURVEY_TARGET[a] for a in SURVEY_ANSWERS]
    top = nice_max(max([v for v in observed + target if math.isfinite(v)] + [0.1]))
    gw = (width - x0 - 10) / len(SURVEY_ANSWERS)
    bw = gw * 0.34
    for frac in (0, 0.5, 1.0):
        y = 16 + ph - frac * ph
        body.append(
            f'<line x1="{x0}" x2="{width - 10}" y1="{_f(y)}" y2="{_f(y)}" stroke="#e3e3e3"/>'
        )
        body.append(_text(x0 - 4, y + 4, f"{100 * frac * top:.0f}%", 9, "end", "#666"))
    for i in range(len(SURVEY_ANSWERS)):
        gx = x0 + i * gw + gw * 0.12
        for k, (v, colour) in enumerate(((observed[i], "#264653"), (target[i], SEED_COLOUR))):
            x = gx + k * (bw + 4)
            if math.isfinite(v):
                hgt = ph * min(v / top, 1.0)
                body.append(
                    f'<rect x="{_f(x)}" y="{_f(16 + ph - hgt)}" width="{_f(bw)}" height="{_f(hgt)}" '
                    f'fill="{colour}"/>'
                )
                body.append(_text(x + bw / 2, 16 + ph - hgt - 3, pct(v), 9, "middle", colour))
        body.append(_text(gx + bw + 2, 16 + ph + 14, i18n.survey_answer(i, lang), 11, "middle"))
    body += legend(
        x0,
        16 + ph + 36,
        [(i18n.t("survey_model", lang), "#264653"), (i18n.t("survey_seed", lang), SEED_COLOUR)],
    )
    height = 16 + ph + 46
    if snap.survey_levels:
        body, height = _survey_levels(snap.survey_levels, lang, width, body, height)
    return _svg(width, height, body, "survey")


def _survey_levels(
    by_level: dict[str, dict[str, float]], lang: str, width: int, body: list[str], y: float
) -> tuple[list[str], float]:
    """One bar of 100 % per level, split by answer."""
    x0, bh = 64, 14
    body.append(_text(10, y + 12, i18n.t("survey_by_level", lang), 11, weight="600"))
    y += 20
    for k, name in enumerate(LEVELS):
        shares = by_level[name]
        body.append(_text(x0 - 6, y + bh - 3, i18n.level_name(k, lang), 10, "end"))
        x = float(x0)
        for a, colour in zip(SURVEY_ANSWERS, ANSWER_COLOURS, strict=True):
            w = (width - x0 - 10) * shares[a]
            if w > 0:
                body.append(
                    f'<rect class="survey-level" data-level="{name}" data-answer="{a}" '
                    f'x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{bh}" fill="{colour}">'
                    f"<title>{pct(shares[a])}</title></rect>"
                )
            x += w
        y += bh + 4
    items = [(i18n.survey_answer(i, lang), c) for i, c in enumerate(ANSWER_COLOURS)]
    body += legend(x0, y + 12, items, 10)
    return body, y + 20


# -------------------------------------------------------------- unit details
def record_cells(history: Sequence[int], size: int = 11) -> str:
    """A row of small squares, one per month, coloured by what the cadre did."""
    cells = "".join(
        f'<rect x="{i * (size + 2)}" y="0" width="{size}" height="{size}" rx="2" '
        f'fill="{RECORD_COLOURS.get(r, NO_DATA)}"/>'
        for i, r in enumerate(history)
    )
    w = max(len(history) * (size + 2), 1)
    return f'<svg width="{w}" height="{size}" viewBox="0 0 {w} {size}">{cells}</svg>'


def record_legend(lang: str) -> str:
    items = [
        (i18n.t("rec_succeeded", lang), RECORD_COLOURS[REC_SUCCEEDED]),
        (i18n.t("rec_failed", lang), RECORD_COLOURS[REC_FAILED]),
        (i18n.t("rec_routine", lang), RECORD_COLOURS[REC_ROUTINE]),
        (i18n.t("rec_avoid", lang), RECORD_COLOURS[REC_AVOID]),
        (i18n.t("rec_none", lang), NO_DATA),
    ]
    return " ".join(
        f'<span style="white-space:nowrap"><span style="display:inline-block;width:10px;height:10px;'
        f'border-radius:2px;background:{c}"></span> {escape(label)}</span>'
        for label, c in items
    )


def unit_html(d: UnitDetail, lang: str) -> str:
    """The selected unit's cadres as an HTML table (state and recent record)."""
    t = i18n.t
    heads = [
        "col_cadre",
        "col_role",
        "col_action",
        "col_belief_tol",
        "col_belief_det",
        "col_attention",
        "col_sanctions",
        "col_tolerated",
        "col_tenure",
        "col_history",
    ]
    th = "".join(f"<th>{escape(t(h, lang))}</th>" for h in heads)
    rows = []
    for c in d.cadres:
        if c["action"] < 0:
            act = "–"
        else:
            act = i18n.action_name(c["action"], lang)
            if c["form"] >= 0:
                act += f" ({i18n.form_name(c['form'], lang)})"
        colour = COLOURS[c["action"]] if c["action"] >= 0 else "#444"
        rows.append(
            f"<tr><td>#{c['cadre']}</td><td>{escape(t('leader' if c['leader'] else 'staff', lang))}</td>"
            f"<td style='color:{colour};font-weight:600'>{escape(act)}</td>"
            f"<td>{pct(c['belief_tol'])}</td><td>{pct(c['belief_det'])}</td>"
            f"<td>{c['free_attention']:.2f}</td><td>{c['sanctions']}</td><td>{c['tolerated']}</td>"
            f"<td>{c['tenure']}</td><td>{record_cells(c['history'])}</td></tr>"
        )
    return (
        "<div class='unit-detail'><table style='border-collapse:collapse;font-size:12px' "
        "class='cadre-table'><thead><tr>"
        + th
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table><div style='font-size:11px;margin-top:4px'>"
        + record_legend(lang)
        + "</div></div>"
    )


# ------------------------------------------------------------------ monitors
def monitors_html(snap: Snapshot, lang: str) -> str:
    """Per level, the shares that innovated and avoided blame last month (a readout
    next to the levers, as NetLogo's monitors)."""
    last = snap.hist[-1] if len(snap.hist) else None
    head = (
        f"<tr><th></th><th style='color:{COLOURS[0]}'>{escape(i18n.action_name(0, lang))}</th>"
        f"<th style='color:{COLOURS[2]}'>{escape(i18n.action_name(2, lang))}</th></tr>"
    )
    rows = []
    for lv in range(N_LEVELS):
        inn = pct(float(last[lv, COL["innovate"]])) if last is not None else "–"
        avo = pct(float(last[lv, COL["avoid"]])) if last is not None else "–"
        rows.append(
            f"<tr class='monitor-{lv}'><td>{escape(i18n.level_name(lv, lang))}</td>"
            f"<td class='mon-innovate'>{inn}</td><td class='mon-avoid'>{avo}</td></tr>"
        )
    return (
        "<table class='monitors' style='border-collapse:collapse; font-size:12px; width:100%'>"
        f"<caption style='text-align:left; font-size:11px; color:#555'>"
        f"{escape(i18n.t('monitors_title', lang))}</caption>{head}{''.join(rows)}</table>"
    )


# --------------------------------------------------------------- play as cadre
def path_svg(
    my_choices: Sequence[tuple[int, int]],
    town_shares: np.ndarray,
    start: int,
    lang: str,
    width: int = 640,
) -> str:
    """The player's choices (squares) above the township cadres' shares (stacked areas).

    ``my_choices`` holds (month, action); ``town_shares`` is (months, 3) for the months
    from ``start`` on.
    """
    body: list[str] = []
    n = max(len(town_shares), 1)
    x0, w = 110, width - 120
    cell = w / n
    body.append(_text(x0 - 8, 20, i18n.t("path_you", lang), 11, "end", weight="600"))
    for month, a in my_choices:
        i = month - start
        if 0 <= i < n:
            body.append(
                f'<rect x="{_f(x0 + i * cell)}" y="8" width="{_f(max(cell - 1, 1))}" height="16" '
                f'fill="{COLOURS[a]}"/>'
            )
    y0, hh = 34, 90
    body.append(_text(x0 - 8, y0 + hh / 2, i18n.t("path_others", lang), 10, "end", weight="600"))
    if len(town_shares):
        xs = x0 + cell * (np.arange(len(town_shares)) + 0.5)
        cum = np.zeros(len(town_shares))
        for k in range(3):
            v = np.nan_to_num(town_shares[:, k])
            lo, hi = cum, cum + v
            pts_hi = " ".join(
                f"{x:.1f},{y0 + hh * (1 - y):.1f}" for x, y in zip(xs, hi, strict=True)
            )
            pts_lo = " ".join(
                f"{x:.1f},{y0 + hh * (1 - y):.1f}" for x, y in zip(xs[::-1], lo[::-1], strict=True)
            )
            body.append(
                f'<polygon points="{pts_hi} {pts_lo}" fill="{COLOURS[k]}" fill-opacity="0.9"/>'
            )
            cum = hi
    body.append(
        f'<rect x="{x0}" y="{y0}" width="{_f(w)}" height="{hh}" fill="none" stroke="#ccc"/>'
    )
    body += action_legend(x0, y0 + hh + 22, lang)
    return _svg(width, y0 + hh + 30, body, "path")


# The chart views drawn from a snapshot alone, by name (the page's cards and live updates).
CHARTS = {
    "shares": shares_svg,
    "funnel": funnel_svg,
    "survey": survey_svg,
    "beliefs": beliefs_svg,
    "blame": blame_svg,
    "problems": problems_svg,
}
