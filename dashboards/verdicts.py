"""How a lesson judges its runs: estimates over replicate runs, stated rules, texts.

A lesson's verdict must not flip with the seed and must not assert what was not
measured. So every verdict here is the class of a *mean over K runs* of the lesson's
set-up (seeds s, s + 1, …, s + K − 1), named only when the whole 95 % interval of
that mean lies inside the class; otherwise the verdict says the runs cannot tell.
Every sentence of the explanation is built from measured numbers; the sources' claim
is shown beside it, marked as agreeing or not.

Pure Python (no solara): the tests build runs (or fake histories) and check that each
branch produces the matching text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from dashboards import i18n
from dashboards.views import COL, ROW
from experiments.findings import mean_ci
from model.hierarchy import N_LEVELS

INF = float("inf")


# ------------------------------------------------------------------- texts
@dataclass(frozen=True)
class Text:
    """One sentence in both languages."""

    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        return i18n.pick(lang, self.en, self.zh)

    def __add__(self, other: Text) -> Text:
        sep = (" " if self.en and other.en else "", "")
        return Text(self.en + sep[0] + other.en, self.zh + sep[1] + other.zh)


def join(parts: Sequence[Text]) -> Text:
    out = Text("", "")
    for p in parts:
        out = out + p
    return out


def pct(x: float) -> str:
    return f"{100 * x:.1f}%" if np.isfinite(x) else "–"


def num(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}" if np.isfinite(x) else "–"


def signed(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}" if np.isfinite(x) else "–"


# --------------------------------------------------------------- estimates
CONF = 0.95


@dataclass(frozen=True)
class Estimate:
    """Mean of one statistic over runs, with its 95 % t-interval (lo = hi = mean for
    a single run)."""

    mean: float
    lo: float
    hi: float
    n: int

    def interval(self, digits: int = 1) -> str:
        return f"[{signed(self.lo, digits)}, {signed(self.hi, digits)}]"


def estimate(values: Sequence[float] | np.ndarray) -> Estimate:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    if len(v) == 1 or np.ptp(v) == 0:
        m = float(v.mean())
        return Estimate(m, m, m, len(v))
    m, lo, hi = mean_ci(v, CONF)
    return Estimate(float(m), float(lo), float(hi), len(v))


@dataclass(frozen=True)
class Band:
    """A class of a statistic: ``lo <= x < hi``."""

    key: str
    lo: float
    hi: float


def classify(est: Estimate, bands: Sequence[Band]) -> tuple[str | None, list[str]]:
    """(class whose band holds the whole interval or None, classes the interval touches)."""
    if est.n == 0:
        return None, []
    touched = [b.key for b in bands if est.lo < b.hi and est.hi >= b.lo]
    inside = [b.key for b in bands if b.lo <= est.lo and est.hi < b.hi]
    return (inside[0] if inside else None), touched


def direction(est: Estimate, band: float) -> str:
    """'rise', 'fall' or 'same' (whole interval inside ±band), or 'unclear'."""
    key, _ = classify(
        est, (Band("fall", -INF, -band), Band("same", -band, band), Band("rise", band, INF))
    )
    return key or "unclear"


# ------------------------------------------------------------------ runs
@dataclass(frozen=True)
class Runs:
    """Replicate runs of one set-up: histories (K, months, levels + all, columns) and
    each run's survey answers at its end."""

    hist: np.ndarray
    surveys: tuple[dict[str, float], ...]
    seeds: tuple[int, ...]

    @property
    def k(self) -> int:
        return int(self.hist.shape[0])

    @property
    def months(self) -> int:
        return int(self.hist.shape[1])

    def has(self, *columns: str) -> bool:
        return all(c in COL for c in columns)

    def window(self, level: str, column: str, first: int, last: int) -> np.ndarray:
        """Per run, the mean of ``column`` at ``level`` over months ``first``..``last``
        (1-based, inclusive); NaN where the window is empty."""
        first, last = max(int(first), 1), min(int(last), self.months)
        if last < first or column not in COL:
            return np.full(self.k, np.nan)
        return np.nanmean(self.hist[:, first - 1 : last, ROW[level], COL[column]], axis=1)

    def total(self, level: str, column: str, first: int = 1, last: int | None = None) -> np.ndarray:
        """Per run, the sum of a count column over months ``first``..``last``."""
        last = self.months if last is None else min(last, self.months)
        if column not in COL:
            return np.full(self.k, np.nan)
        return self.hist[:, max(first, 1) - 1 : last, ROW[level], COL[column]].sum(axis=1)

    def curves(self, column: str) -> np.ndarray:
        """(runs, months, levels) of a column for the five levels (``all`` left out)."""
        return self.hist[:, :, :N_LEVELS, COL[column]]

    def seeds_text(self) -> str:
        s = self.seeds
        if len(s) > 1 and all(b == a + 1 for a, b in zip(s, s[1:], strict=False)):
            return f"{s[0]}–{s[-1]}"
        return ", ".join(map(str, s))


def runs_of(
    histories: Sequence[np.ndarray],
    surveys: Sequence[dict[str, float]] | None = None,
    seeds: Sequence[int] | None = None,
) -> Runs:
    """Runs from a list of (months, levels + all, columns) histories of equal length."""
    hist = np.stack([np.asarray(h, dtype=float) for h in histories])
    n = len(histories)
    return Runs(hist, tuple(surveys or ({},) * n), tuple(seeds if seeds is not None else range(n)))


# --------------------------------------------------------------- verdicts
@dataclass
class Verdict:
    """What a lesson concludes from its runs, and how.

    ``key`` is the option the runs settle on (None: the runs cannot tell, or the verdict
    is withheld). ``agrees``: whether the runs agree with the sources' claim (None when
    they cannot tell)."""

    key: str | None
    rule: Text
    happened: Text
    this_run: Text
    why: list[Text] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)
    agrees: bool | None = None
    withheld: Text | None = None
    run_key: tuple = ()  # (model identity, month) of the run it describes

    def describes(self, run_key: tuple) -> bool:
        return self.run_key == run_key


def withheld(reason: Text, run_key: tuple = ()) -> Verdict:
    empty = Text("", "")
    return Verdict(None, empty, empty, empty, withheld=reason, run_key=run_key)


T_INTERVAL = Text("its 95 % t-interval", "95% t 区间")
BOOTSTRAP_INTERVAL = Text("its 95 % bootstrap interval over runs", "各次运行的 95% 自助法区间")


def rule_text(
    k: int, seeds: str, statistic: Text, bands: Text, interval: Text = T_INTERVAL
) -> Text:
    return Text(
        f"Verdict rule: the mean over {k} runs of this set-up (seeds {seeds}) of {statistic.en}, with "
        f"{interval.en}; a class is named only when the whole interval lies inside it ({bands.en}).",
        f"判定规则：取本设置 {k} 次运行（随机种子 {seeds}）中{statistic.zh}的均值及其{interval.zh}；"
        f"只有整个区间都落在某一类之内时才下结论（{bands.zh}）。",
    )


def settled_text(key: str | None, touched: list[str], label: Callable[[str], Text]) -> Text:
    """'→ <class>' when settled, else which classes the interval spans."""
    if key is not None:
        return Text(f"Verdict: {label(key).en}.", f"结论：{label(key).zh}。")
    names = [label(k) for k in touched]
    return Text(
        "Verdict: the runs cannot tell — the interval spans "
        + " and ".join(f"“{n.en}”" for n in names)
        + ".",
        "结论：这些运行无法判定——区间同时跨越了" + "和".join(f"“{n.zh}”" for n in names) + "。",
    )


Judge = Callable[[Runs, np.ndarray, dict[str, float]], Verdict]
