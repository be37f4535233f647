"""Guided lessons that follow the argument of the two sources.

Each lesson sets up a scenario (and, where the argument is about a change, a regime
switch part-way through), states the claim with its passage IDs from
``docs/sources.md``, asks the student to predict, runs, and then judges what happened.

The judgement never rests on the one run on the screen: :mod:`dashboards.replicates`
runs the same set-up with K seeds, and the verdict is the class of a statistic over those
runs, named only when its 95 % interval lies inside the class (:mod:`dashboards.verdicts`):
a mean with its t-interval, or — for the lessons on when a change spreads and recovers —
how many months the runs' mean curve takes to make half of its move (the rule of the
pre-registered findings 9 and 10), with a bootstrap interval over runs.
Every sentence of "what happened" and "why" is generated from measured numbers; the
sources' argument is shown beside them, marked as agreeing with the runs or not. A run
that no longer follows the lesson (a lever moved, the run played on) gets no verdict.

Lever values in a switch are taken from the model's own scenarios, never restated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dashboards import i18n
from dashboards.session import Simulation
from dashboards.verdicts import (
    BOOTSTRAP_INTERVAL,
    INF,
    Band,
    Estimate,
    Judge,
    Runs,
    Text,
    Verdict,
    classify,
    direction,
    estimate,
    num,
    pct,
    rule_text,
    runs_of,
    settled_text,
    signed,
    withheld,
)
from experiments.findings import PRE_WINDOW as PRE_MONTHS
from experiments.findings import bootstrap_ci, half_lags
from model.hierarchy import LEVELS
from model.metrics import SANCTION_COLUMNS, SURVEY_TARGET
from model.params import DEFAULTS
from model.scenarios import SCENARIOS

WINDOW = 12  # months averaged for "before" and "after"
SAME_BAND = 3.0  # changes of township shares within ±3 points count as "about the same"
BELIEF_BAND = 0.02  # changes of believed tolerance within ±0.02 count as "no change"
DETECT_BAND = 0.005  # believed detection is a monthly chance of a few per cent: ±0.5 points
LAG_BAND = 6.0  # months: levels reaching half their move within half a year are "together"
PACE_BAND = 3.0  # months: a recovery within ±3 months of the fall's pace is "as fast"
HARDLY = 0.2  # share of a drop regained by the end below which it "hardly comes back"


@dataclass(frozen=True)
class Option:
    key: str
    en: str
    zh: str

    def text(self, lang: str) -> str:
        return i18n.pick(lang, self.en, self.zh)

    @property
    def label(self) -> Text:
        return Text(self.en, self.zh)


@dataclass(frozen=True)
class Lesson:
    key: str
    title_en: str
    title_zh: str
    scenario: str
    steps: int
    schedule: tuple[tuple[int, Mapping[str, Any]], ...]
    claim_en: str
    claim_zh: str
    sources: tuple[str, ...]
    question_en: str
    question_zh: str
    options: tuple[Option, ...]
    judge: Judge
    source_en: str  # the sources' argument (not a statement about the run)
    source_zh: str
    source_keys: tuple[str, ...]  # verdicts that agree with the sources' claim
    look_en: str
    look_zh: str

    def title(self, lang: str) -> str:
        return i18n.pick(lang, self.title_en, self.title_zh)

    def claim(self, lang: str) -> str:
        return i18n.pick(lang, self.claim_en, self.claim_zh).format(**_claim_fields())

    def question(self, lang: str) -> str:
        return i18n.pick(lang, self.question_en, self.question_zh)

    def source_claim(self, lang: str) -> str:
        return i18n.pick(lang, self.source_en, self.source_zh)

    def look(self, lang: str) -> str:
        return i18n.pick(lang, self.look_en, self.look_zh)

    def option(self, key: str | None) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    # ------------------------------------------------------------- running
    def setup(self, sim: Simulation) -> None:
        """Put the session into this lesson's starting state (keeps preset and seed)."""
        sim.configure(scenario=self.scenario, overrides={}, schedule=self.schedule)

    def remaining(self, sim: Simulation) -> int:
        return max(self.steps - sim.steps, 0)

    def departure(self, sim: Simulation) -> Text | None:
        """Why the run on the screen no longer follows this lesson (None: it does)."""
        if sim.scenario != self.scenario:
            return Text(
                f"the scenario is “{i18n.scenario_title(sim.scenario, 'en')}”, not the lesson's",
                f"情景是“{i18n.scenario_title(sim.scenario, 'zh')}”，而不是本课的情景",
            )
        if sim.run_overrides:
            en = ", ".join(
                f"{i18n.param_label(n, 'en')} = {_fmt(v)}" for n, v in sim.run_overrides.items()
            )
            zh = "，".join(
                f"{i18n.param_label(n, 'zh')} = {_fmt(v)}" for n, v in sim.run_overrides.items()
            )
            return Text(f"it started with {en} set by hand", f"运行开始时手动设置了{zh}")
        if tuple((at, dict(ch)) for at, ch in sim.extra_schedule) != tuple(
            (at, dict(ch)) for at, ch in self.schedule
        ):
            return Text(
                "its schedule of lever changes is not the lesson's", "其参数变化时间表与本课不同"
            )
        if sim.live_changes:
            at, ch = sim.live_changes[0]
            en = ", ".join(f"{i18n.param_label(n, 'en')} → {_fmt(v)}" for n, v in ch.items())
            zh = "，".join(f"{i18n.param_label(n, 'zh')} → {_fmt(v)}" for n, v in ch.items())
            return Text(
                f"a lever was moved during the run (from month {at}: {en})",
                f"运行中调整了参数（第 {at} 个月起：{zh}）",
            )
        if sim.steps > self.steps:
            return Text(
                f"it went on past the lesson's end (month {sim.steps} of {self.steps})",
                f"运行超过了本课的终点（第 {sim.steps} 个月，本课为 {self.steps} 个月）",
            )
        if sim.steps < self.steps:
            return Text(
                f"it has not reached the lesson's end (month {sim.steps} of {self.steps})",
                f"运行尚未到达本课的终点（第 {sim.steps} 个月，共 {self.steps} 个月）",
            )
        return None

    def evaluate(self, sim: Simulation, runs: Runs) -> Verdict:
        """The verdict on the run on the screen, judged over ``runs`` (the same set-up
        with K seeds); withheld when the run no longer follows the lesson."""
        with sim.lock:
            key = run_key(sim)
            why_not = self.departure(sim)
            this = sim.model.history_array()
            survey = sim.model.survey() if sim.steps > 0 else {}
        if why_not is not None:
            return withheld(
                Text(
                    f"The run no longer follows the lesson: {why_not.en}. No verdict; start the "
                    "lesson again to judge its set-up.",
                    f"本次运行已不再符合本课的设置：{why_not.zh}。因此不作判定；请重新开始本课，"
                    "以判断本课设置下的结果。",
                ),
                key,
            )
        verdict = self.judge(runs, this, survey)
        agrees = None if verdict.key is None else verdict.key in self.source_keys
        return replace(verdict, agrees=agrees, run_key=key)

    def setup_text(self, lang: str) -> str:
        changes = "".join(
            i18n.t(
                "setup_change", lang, at=at, what=describe_changes(dict(ch), lang, self._before(at))
            )
            for at, ch in self.schedule
        )
        return i18n.t(
            "setup_note",
            lang,
            scenario=i18n.scenario_title(self.scenario, lang),
            steps=self.steps,
            changes=changes,
        )

    def _before(self, at: int) -> dict[str, Any]:
        values = {**DEFAULTS, **SCENARIOS[self.scenario].params}
        for when, ch in self.schedule:
            if when < at:
                values.update(ch)
        return values


def run_key(sim: Simulation) -> tuple:
    """Identity of the run on the screen: its model object and month."""
    return id(sim.model), int(sim.steps)


def _claim_fields() -> dict[str, str]:
    return {k: f"{100 * v:.2f}%" for k, v in SURVEY_TARGET.items()}


def _fmt(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def describe_changes(changes: Mapping[str, Any], lang: str, before: Mapping[str, Any]) -> str:
    sep = "，" if lang == "zh" else ", "
    return sep.join(
        f"{i18n.param_label(n, lang)} {_fmt(before[n])} → {_fmt(v)}" for n, v in changes.items()
    )


def _values(scenario: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Values of ``names`` in ``scenario`` (schema default where it sets none)."""
    p = SCENARIOS[scenario].params
    return {n: p.get(n, DEFAULTS[n]) for n in names}


def _diff(src: str, dst: str) -> dict[str, Any]:
    """Every value scenario ``dst`` sets differently from scenario ``src``."""
    a = {**DEFAULTS, **SCENARIOS[src].params}
    b = {**DEFAULTS, **SCENARIOS[dst].params}
    return {n: b[n] for n in b if b[n] != a[n]}


def level_text(i: int) -> Text:
    return Text(i18n.level_name(i, "en"), i18n.level_name(i, "zh"))


# ------------------------------------------------------------ measurements
def _ratio(num_: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num_ / np.where(den > 0, den, 1.0), np.nan)


def _points(est: Estimate) -> str:
    return f"{signed(est.mean)} {est.interval()}"


def _drop(est: Estimate) -> str:
    return f"{num(est.mean, 1)} [{num(est.lo, 1)}, {num(est.hi, 1)}]"


def _this(this: np.ndarray) -> Runs:
    """The run on the screen as a one-run :class:`Runs` (same measures)."""
    return runs_of([this])


def _months(x: float) -> str:
    return f"{x:.0f}" if np.isfinite(x) else "–"


def _mo(x: float, sign: bool = False) -> str:
    """ "1 month", "22 months", "+19 months" (English; "–" when not measured)."""
    if not np.isfinite(x):
        return "– months"
    n = f"{x:+.0f}" if sign else f"{x:.0f}"
    return f"{n} {'month' if abs(round(x)) == 1 else 'months'}"


def _years(x: float, lang: str) -> str:
    return (
        i18n.pick(lang, f"about {x / 12:.1f} years", f"约 {x / 12:.1f} 年")
        if np.isfinite(x)
        else "–"
    )


TOWNSHIP, PROVINCE = LEVELS.index("township"), LEVELS.index("province")


def half_moves(curves: np.ndarray, t0: int, t_end: int, rising: bool = True) -> np.ndarray:
    """Months after ``t0`` until each curve of ``curves`` (months, levels) first covers
    half of its move between the 10 months before ``t0`` and the last quarter of
    ``[t0, t_end)``, on a 3-month centred average: the rule of the pre-registered
    findings 9 and 10 (:func:`experiments.findings.half_lags`). NaN where the curve
    does not move that way."""
    if t0 <= PRE_MONTHS or t_end - t0 < 4:
        return np.full(curves.shape[1], np.nan)
    return half_lags(curves, t0, t_end, rising)


def half_adopted(runs: Runs, t0: int, t_end: int) -> np.ndarray:
    """Per level, months after ``t0`` until half of its units (weighted by their cadres)
    had adopted the centre's latest regime (the ``adopted`` column, mean of the runs);
    NaN if not within ``[t0, t_end)``."""
    share = runs.curves("adopted").mean(axis=0)[t0 - 1 : t_end - 1]
    hit = share >= 0.5
    return np.where(hit.any(axis=0), hit.argmax(axis=0), np.nan).astype(float)


def boot(stat: Callable[[np.ndarray], float], k: int) -> Estimate:
    """A statistic of the runs (a function of the run indices) with its 95 % bootstrap
    interval over runs (:func:`experiments.findings.bootstrap_ci`)."""
    m, lo, hi = bootstrap_ci(stat, k)
    if not np.isfinite(m):
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    if k == 1:
        return Estimate(m, m, m, 1)
    if not (np.isfinite(lo) and np.isfinite(hi)):  # most resamples undefined: no interval
        return Estimate(m, -INF, INF, k)
    return Estimate(m, lo, hi, k)


def sanction_rates(runs: Runs, first: int, last: int) -> np.ndarray:
    """Per level, sanctions per cadre per year over months ``first``..``last`` (mean
    over runs)."""
    out = []
    for lv in LEVELS:
        total = sum(runs.total(lv, c, first, last) for c in SANCTION_COLUMNS)
        months = max(min(last, runs.months) - first + 1, 1)
        cadres = runs.window(lv, "n_cadres", first, last)
        rate = _ratio(12 * total / months, cadres)
        out.append(float(np.nanmean(rate)) if np.isfinite(rate).any() else float("nan"))
    return np.array(out)


def _level_list(
    values: np.ndarray,
    lang: str,
    fmt: Callable[[float], str] = _months,
    levels: range | list[int] | None = None,
) -> str:
    idx = range(len(LEVELS)) if levels is None else levels
    sep = "，" if lang == "zh" else ", "
    return sep.join(f"{i18n.level_name(i, lang)} {fmt(float(values[i]))}" for i in idx)


@dataclass(frozen=True)
class Indicator:
    """A quantity whose change a lesson reports, with what each direction means."""

    label: Text
    values: Callable[[Runs, tuple[int, int], tuple[int, int]], tuple[np.ndarray, np.ndarray]]
    band: float
    digits: int = 2
    as_pct: bool = False
    meaning: Mapping[str, Text] | None = None  # by direction: rise / fall / same

    def fmt(self, x: float) -> str:
        return pct(x) if self.as_pct else num(x, self.digits)

    def sentence(self, runs: Runs, before: tuple[int, int], after: tuple[int, int]) -> Text | None:
        a, b = self.values(runs, before, after)
        if not np.isfinite(a).any() or not np.isfinite(b).any():
            return None
        d = estimate(b - a)
        x, y = float(np.nanmean(a)), float(np.nanmean(b))
        change = f"{self.fmt(x)} → {self.fmt(y)}"
        how = direction(d, self.band)
        if self.as_pct:  # a change of shares is given in points
            iv = Text(
                f"[{signed(100 * d.lo)}, {signed(100 * d.hi)}] points",
                f"[{signed(100 * d.lo)}, {signed(100 * d.hi)}] 个百分点",
            )
        else:
            iv = Text(
                f"[{signed(d.lo, self.digits)}, {signed(d.hi, self.digits)}]",
                f"[{signed(d.lo, self.digits)}, {signed(d.hi, self.digits)}]",
            )
        head = {
            "rise": Text(
                f"{self.label.en} rose ({change}; change {iv.en}).",
                f"{self.label.zh}上升了（{change}；变化 {iv.zh}）。",
            ),
            "fall": Text(
                f"{self.label.en} fell ({change}; change {iv.en}).",
                f"{self.label.zh}下降了（{change}；变化 {iv.zh}）。",
            ),
            "same": Text(
                f"{self.label.en} did not change measurably ({change}).",
                f"{self.label.zh}没有明显变化（{change}）。",
            ),
            "unclear": Text(
                f"{self.label.en} went {change}; the runs cannot tell whether it changed ({iv.en}).",
                f"{self.label.zh}为 {change}；这些运行无法判定它是否变化（{iv.zh}）。",
            ),
        }[how]
        extra = (self.meaning or {}).get(how)
        return head + extra if extra is not None else head


def _window_pair(level: str, column: str):
    def values(runs: Runs, before: tuple[int, int], after: tuple[int, int]):
        return runs.window(level, column, *before), runs.window(level, column, *after)

    return values


def _rate_pair(level: str, numerator: str, denominator: str):
    def values(runs: Runs, before: tuple[int, int], after: tuple[int, int]):
        return (
            _ratio(runs.total(level, numerator, *before), runs.total(level, denominator, *before)),
            _ratio(runs.total(level, numerator, *after), runs.total(level, denominator, *after)),
        )

    return values


BELIEF_DETECTION = Indicator(
    Text(
        "Township cadres' believed chance that a misstep of theirs becomes their case (a month)",
        "乡镇干部预期自己的失误被立案追责的概率（每月）",
    ),
    _window_pair("township", "belief_detection"),
    DETECT_BAND,
    as_pct=True,
    meaning={
        "rise": Text(
            "Cadres learn it from the cases of their unit and the sanctions circulated nearby, and "
            "from the documents of the new regime; they decide on what they believe.",
            "干部从本单位的案例、附近通报的处分以及新制度的文件中认识到这一点，并依据自己的判断做决定。",
        ),
        "same": Text(
            "So the change did not come through what cadres believe about detection.",
            "因此这一变化并不是通过干部对“被发现”的判断产生的。",
        ),
    },
)
TRUE_DETECTION = Indicator(
    Text(
        "The true chance that a township misstep is noticed (a month)",
        "乡镇干部的失误实际被发现的概率（每月）",
    ),
    _window_pair("township", "true_detection"),
    DETECT_BAND,
    as_pct=True,
    meaning={
        "rise": Text(
            "A township is watched by the supervision of all five levels (its own and every level "
            "above), and each level's own apparatus catches up as it adopts the regime.",
            "乡镇受到五级监督（本级及以上各级），每一级在采纳新制度后，其监督力量也随之加强。",
        )
    },
)
FREE_ATTENTION = Indicator(
    Text("Township cadres' free attention (cadre-months)", "乡镇干部的剩余注意力（人·月）"),
    _window_pair("township", "free_attention"),
    0.01,
    meaning={
        "fall": Text(
            "Each one-veto target takes attention, and every level adds its margin on the way "
            "down (层层加码).",
            "每项一票否决指标都占用注意力，而且每一级下达时都层层加码。",
        ),
        "rise": Text(
            "Fewer targets and less paperwork left more attention for other work.",
            "指标和文牍减少后，干部有了更多注意力做其他工作。",
        ),
    },
)
SUCCESS_RATE = Indicator(
    Text("The share of township innovations that succeeded", "乡镇创新的成功率"),
    _rate_pair("township", "successes", "innovations"),
    0.03,
    as_pct=True,
    meaning={
        "fall": Text(
            "With less free attention an innovation is less likely to work, so it is a worse bet.",
            "剩余注意力越少，创新越难成功，也就越不划算。",
        )
    },
)
BELIEF_TOLERANCE = Indicator(
    Text("Township cadres' believed chance of being tolerated", "乡镇干部预期获容错的概率"),
    _window_pair("township", "belief_tolerance"),
    BELIEF_BAND,
    meaning={
        "rise": Text(
            "Cadres learnt it from tolerated cases in their unit and publicised ones nearby.",
            "干部从本单位获容错的案例和附近公开的案例中学到了这一点。",
        ),
        "same": Text(
            "So the recovery did not come through belief that tolerance is real.",
            "因此恢复并不是因为干部相信容错是真的。",
        ),
        "fall": Text(
            "So the recovery did not come through belief that tolerance is real.",
            "因此恢复并不是因为干部相信容错是真的。",
        ),
    },
)
BELIEF_DETECTION_REFORM = replace(
    BELIEF_DETECTION,
    meaning={
        "fall": Text(
            "Cadres came to expect less detection, which lowers the expected cost of acting.",
            "干部对被发现的预期下降，降低了作为的预期代价。",
        )
    },
)
TOLERATED_SHARE = Indicator(
    Text(
        "The share of good-faith cases under the provision that were tolerated and recognised",
        "纳入容错规定范围的善意失误中获容错并被上级认可的比例",
    ),
    _rate_pair("all", "recognised", "cases"),
    0.03,
    as_pct=True,
)
TOWNSHIP_INNOVATION = Indicator(
    Text("Township innovation", "乡镇干部的创新比例"),
    _window_pair("township", "innovate"),
    SAME_BAND / 100,
    as_pct=True,
)


def startled_sentence(runs: Runs, last: tuple[int, int]) -> Text | None:
    """Binding one-veto targets at the townships: as the units perceive them and as they
    are in force (the targets a loosening freed but units still fear)."""
    seen, real = (
        float(np.nanmean(runs.window("township", c, *last)))
        for c in ("perceived_targets", "targets")
    )
    if not (np.isfinite(seen) and np.isfinite(real)) or max(seen, real) <= 0:
        return None
    if seen - real >= 0.5:
        return Text(
            f"In the last year township units still treated {seen:.1f} one-veto targets as binding, against "
            f"{real:.1f} in force: freed targets are unlearnt only from misses that supervision saw go "
            "unpunished (birds startled by the bow, 惊弓之鸟).",
            f"最后一年乡镇单位仍把 {seen:.1f} 项一票否决指标当作硬指标，而实际有效的只有 {real:.1f} 项："
            "只有看到指标失守被发现却未被追责，已松绑的指标才会被逐渐放下（惊弓之鸟）。",
        )
    return Text(
        f"In the last year township units treated {seen:.1f} one-veto targets as binding, {real:.1f} in force.",
        f"最后一年乡镇单位把 {seen:.1f} 项一票否决指标当作硬指标，实际有效 {real:.1f} 项。",
    )


def blame_sentence(runs: Runs, last: tuple[int, int]) -> Text | None:
    """Sanctions per cadre and year by level: lower levels carry the blame."""
    rates = sanction_rates(runs, *last)
    if not np.isfinite(rates).any():
        return None
    fmt = pct  # noqa: E731 — a yearly rate as a share of cadres
    return Text(
        f"Sanctions per cadre and year in the last year: {_level_list(rates, 'en', fmt)} (cases arising "
        "above are pushed down onto cadres below, 背锅).",
        f"最后一年每名干部每年受处分的比例：{_level_list(rates, 'zh', fmt)}（上级的案例会被推给下级干部承担，即“背锅”）。",
    )


def spread_sentences(
    runs: Runs, before: tuple[int, int], after: tuple[int, int], at: int
) -> list[Text]:
    """Where blame avoidance rose (each level's change over runs), whether one level rose
    clearly most (paired over runs), how soon half of each level's units had adopted
    the change, and how soon each level made half of its rise."""
    deltas = np.array(
        [
            100 * (runs.window(lv, "avoid", *after) - runs.window(lv, "avoid", *before))
            for lv in LEVELS
        ]
    )  # (levels, runs)
    ests = [estimate(d) for d in deltas]
    rose = [i for i, e in enumerate(ests) if e.n and e.lo > 0]
    names_en = ", ".join(level_text(i).en for i in rose)
    names_zh = "、".join(level_text(i).zh for i in rose)
    if not rose:
        out = [
            Text(
                "Blame avoidance did not rise measurably at any level.",
                "各层级的避责比例都没有明显上升。",
            )
        ]
    elif len(rose) == len(LEVELS):
        out = [
            Text(
                "Blame avoidance rose measurably at every level.",
                "每一层级的避责比例都明显上升了。",
            )
        ]
    else:
        out = [
            Text(
                f"Blame avoidance rose measurably at {len(rose)} of {len(LEVELS)} levels ({names_en}).",
                f"{len(LEVELS)} 个层级中有 {len(rose)} 个层级的避责比例明显上升（{names_zh}）。",
            )
        ]
    if rose and runs.k >= 2:
        order = np.argsort([-e.mean for e in ests])
        top, second = int(order[0]), int(order[1])
        lead = estimate(deltas[top] - deltas[second])
        if lead.lo > 0:
            out.append(
                Text(
                    f"It rose clearly most at the {level_text(top).en} level ({_points(ests[top])} points).",
                    f"上升最多的明显是{level_text(top).zh}一级（{_points(ests[top])} 个百分点）。",
                )
            )
        else:
            out.append(
                Text(
                    f"No level rose clearly more than the others (the largest rise, "
                    f"{level_text(top).en}, is within the noise of {level_text(second).en}).",
                    f"没有哪一级的上升明显多于其他层级（上升最多的{level_text(top).zh}与"
                    f"{level_text(second).zh}之差在随机波动之内）。",
                )
            )
    end = runs.months + 1
    adopted = half_adopted(runs, at, end)
    below = [i for i in range(1, len(LEVELS)) if np.isfinite(adopted[i])]
    if below and adopted[below[-1]] > 0:
        out.append(
            Text(
                f"The change is relayed down: half of each level's units had adopted it after "
                f"{_level_list(adopted, 'en', levels=below)} months.",
                f"变化逐级传达：各层级过半单位采纳新制度所用的月数为{_level_list(adopted, 'zh', levels=below)}。",
            )
        )
    if rose:
        lag = half_moves(runs.curves("avoid").mean(axis=0), at, end)
        shown = [i for i in rose if np.isfinite(lag[i])]
        if shown:
            seq = sorted(shown, key=lambda i: (lag[i], i))
            out.append(
                Text(
                    "Blame avoidance made half of its rise after "
                    + _level_list(lag, "en", levels=seq)
                    + " months (mean of the runs, 3-month average).",
                    "避责比例上升过半所用的月数："
                    + _level_list(lag, "zh", levels=seq)
                    + "（各次运行的均值，3个月滑动平均）。",
                )
            )
    return out


# ------------------------------------------------------------------ judges
def _judge_era(options: tuple[Option, ...]) -> Judge:
    label = _labels(options)
    bands = (Band("avoid", -INF, -5), Band("even", -5, 5), Band("innovate", 5, INF))

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        n = runs.months
        last = (n - WINDOW + 1, n)
        inn, avo = (
            runs.window("township", "innovate", *last),
            runs.window("township", "avoid", *last),
        )
        d = estimate(100 * (inn - avo))
        key, touched = classify(d, bands)
        one = _this(this)
        ti, ta = (
            float(one.window("township", "innovate", *last)[0]),
            float(one.window("township", "avoid", *last)[0]),
        )
        happened = Text(
            f"Across {runs.k} runs, in the last year {pct(np.nanmean(inn))} of township cadres innovated and "
            f"{pct(np.nanmean(avo))} avoided blame each month: innovating minus avoiding "
            f"{_points(d)} points.",
            f"在 {runs.k} 次运行中，最后一年乡镇干部每月平均有 {pct(np.nanmean(inn))} 选择创新、"
            f"{pct(np.nanmean(avo))} 选择避责：创新减避责为 {_points(d)} 个百分点。",
        ) + settled_text(key, touched, label)
        why: list[Text] = []
        succ = estimate(
            _ratio(runs.total("township", "successes"), runs.total("township", "innovations"))
        )
        if succ.n:
            why.append(
                Text(
                    f"{pct(succ.mean)} of township innovations succeeded.",
                    f"乡镇创新中有 {pct(succ.mean)} 获得成功。",
                )
            )
        acts = sum(runs.total("all", c) for c in SANCTION_COLUMNS) - runs.total(
            "all", "sanctions_omission"
        )
        cost = estimate(100 * _ratio(acts, runs.total("all", "failures")))
        if cost.n:
            tail = (
                Text("Trying cost little.", "尝试的代价很小。")
                if cost.hi < 10
                else Text("Trying was risky.", "尝试风险很大。")
                if cost.lo > 50
                else Text("", "")
            )
            why.append(
                Text(
                    f"For every 100 failed innovations there were {num(cost.mean, 1)} sanctions for acts "
                    "(failed innovations, missed targets, past acts found by review, territorial cases): "
                    f"at most {num(cost.mean, 1)} in 100 failures ended in a sanction.",
                    f"每 100 项失败的创新，对应 {num(cost.mean, 1)} 个因作为而受的处分（创新失败、指标失守、"
                    f"被审查翻出的过往行为、属地问责）：100 项失败中至多 {num(cost.mean, 1)} 项受到处分。",
                )
                + tail
            )
        absorbed = estimate(runs.total("all", "absorbed"))
        if absorbed.n:
            why.append(
                Text(
                    f"Upper levels absorbed {num(absorbed.mean, 0)} successful innovations per run, each "
                    "solving problems in the sibling units too."
                    if absorbed.mean >= 1
                    else f"Hardly any pilot was absorbed upward ({num(absorbed.mean, 1)} per run).",
                    f"上级平均每次运行吸收了 {num(absorbed.mean, 0)} 项成功创新，每一项还在同级单位中解决了问题。"
                    if absorbed.mean >= 1
                    else f"几乎没有试点被上级吸收（每次运行 {num(absorbed.mean, 1)} 项）。",
                )
            )
        return Verdict(
            key,
            rule_text(
                runs.k,
                runs.seeds_text(),
                Text(
                    "township cadres' share innovating minus the share avoiding (last "
                    "year, points)",
                    "最后一年乡镇干部创新比例减避责比例（百分点）",
                ),
                Text(
                    "more innovate: above +5; about even: −5 to +5; more avoid: below −5",
                    "创新的多：高于 +5；差不多：−5 至 +5；避责的多：低于 −5",
                ),
            ),
            happened,
            _this_run_text(
                one,
                Text(
                    f"innovate {pct(ti)}, avoid {pct(ta)} in the last year",
                    f"最后一年创新 {pct(ti)}，避责 {pct(ta)}",
                ),
            ),
            why,
            touched,
        )

    return judge


def _labels(options: tuple[Option, ...]) -> Callable[[str], Text]:
    by_key = {o.key: o.label for o in options}
    return lambda key: by_key.get(key, Text(key, key))


def _this_run_text(one: Runs, what: Text) -> Text:
    del one
    return Text(f"In the run on the screen: {what.en}.", f"屏幕上这次运行：{what.zh}。")


CHANGE_BANDS = (
    Band("fall", -INF, -SAME_BAND),
    Band("same", -SAME_BAND, SAME_BAND),
    Band("rise", SAME_BAND, INF),
)
CHANGE_RULE = Text(
    f"rises: above +{SAME_BAND:g}; about the same: within ±{SAME_BAND:g}; falls: below −{SAME_BAND:g}",
    f"上升：高于 +{SAME_BAND:g}；基本不变：±{SAME_BAND:g} 以内；下降：低于 −{SAME_BAND:g}",
)
REFORM_BANDS = (
    Band("hardly", -INF, SAME_BAND),
    Band("little", SAME_BAND, 10.0),
    Band("clearly", 10.0, INF),
)
REFORM_RULE = Text(
    f"clearly: above 10; a little: {SAME_BAND:g}–10; hardly: under {SAME_BAND:g}",
    f"明显：高于 10；略有：{SAME_BAND:g}–10；几乎没有：低于 {SAME_BAND:g}",
)


def _judge_change(
    at: int,
    options: tuple[Option, ...],
    indicators: tuple[Indicator, ...],
    bands: tuple[Band, ...] = CHANGE_BANDS,
    bands_rule: Text = CHANGE_RULE,
    before: Text | None = None,
    spread: bool = True,
) -> Judge:
    """Township innovation in the year before month ``at`` vs the run's last year, the
    change of each indicator, and (with ``spread``) where blame avoidance rose and how
    the change travelled down — or, for a recovery (no ``spread``), how soon half of the
    gain came and what the townships still feared."""
    label = _labels(options)
    before_text = before or Text(f"the year before month {at}", f"第 {at} 个月之前一年")

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        n = runs.months
        prior, last = (at - WINDOW, at - 1), (n - WINDOW + 1, n)
        a, b = (
            runs.window("township", "innovate", *prior),
            runs.window("township", "innovate", *last),
        )
        d = estimate(100 * (b - a))
        key, touched = classify(d, bands)
        one = _this(this)
        ta = float(one.window("township", "innovate", *prior)[0])
        tb = float(one.window("township", "innovate", *last)[0])
        happened = Text(
            f"Across {runs.k} runs, township innovation went from {pct(np.nanmean(a))} in {before_text.en} to "
            f"{pct(np.nanmean(b))} in the last year: {_points(d)} points.",
            f"在 {runs.k} 次运行中，乡镇干部的创新比例从{before_text.zh}的 {pct(np.nanmean(a))} 变为最后一年的 "
            f"{pct(np.nanmean(b))}：{_points(d)} 个百分点。",
        ) + settled_text(key, touched, label)
        why = [s for s in (ind.sentence(runs, prior, last) for ind in indicators) if s is not None]
        if spread:
            why += spread_sentences(runs, prior, last, at)
        else:
            if key is not None and d.lo > 0:
                why += _half_gain(runs, at)
            why += [s for s in (startled_sentence(runs, last),) if s is not None]
        return Verdict(
            key,
            rule_text(
                runs.k,
                runs.seeds_text(),
                Text(
                    f"the change of township innovation (last year minus {before_text.en}, points)",
                    f"乡镇干部创新比例的变化（最后一年减{before_text.zh}，百分点）",
                ),
                bands_rule,
            ),
            happened,
            _this_run_text(one, Text(f"{pct(ta)} → {pct(tb)}", f"{pct(ta)} → {pct(tb)}")),
            why,
            touched,
        )

    return judge


def _half_gain(runs: Runs, at: int) -> list[Text]:
    """When township innovation made half of its gain, and when half of the townships
    had adopted the change (mean of the runs)."""
    end = runs.months + 1
    lag = half_moves(runs.curves("innovate").mean(axis=0)[:, [TOWNSHIP]], at, end)[0]
    if not np.isfinite(lag):
        return []
    adopted = half_adopted(runs, at, end)[TOWNSHIP]
    relay = (
        Text(
            f"Half of the townships had adopted the change {_mo(adopted)} after month {at}.",
            f"第 {at} 个月之后 {_months(adopted)} 个月，过半乡镇采纳了这一变化。",
        )
        if np.isfinite(adopted)
        else Text("", "")
    )
    return [
        Text(
            f"Township innovation made half of its gain {_mo(lag)} after month {at} (mean of the runs, "
            "3-month average).",
            f"乡镇干部的创新在第 {at} 个月之后 {lag:.0f} 个月恢复了一半的增幅（各次运行的均值，3个月滑动平均）。",
        )
        + relay
    ]


SPREAD_BANDS = (
    Band("bottom_up", -INF, -LAG_BAND),
    Band("together", -LAG_BAND, LAG_BAND),
    Band("top_down", LAG_BAND, INF),
)
SPREAD_RULE = Text(
    f"from the bottom up: below −{LAG_BAND:g}; about together: −{LAG_BAND:g} to +{LAG_BAND:g}; "
    f"from the top down: above +{LAG_BAND:g}",
    f"自下而上：低于 −{LAG_BAND:g}；大致同时：−{LAG_BAND:g} 至 +{LAG_BAND:g}；自上而下：高于 +{LAG_BAND:g}",
)


def _judge_spread(at: int, options: tuple[Option, ...], indicators: tuple[Indicator, ...]) -> Judge:
    """The order in which the levels' blame avoidance makes half of its rise after a
    tightening at month ``at``: the townships' lag minus the provinces' (finding 9's
    rule), with a bootstrap interval over runs; then how the change travelled."""
    label = _labels(options)

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        n, end = runs.months, runs.months + 1
        prior, last = (at - WINDOW, at - 1), (n - WINDOW + 1, n)
        avoid = runs.curves("avoid")

        def lag(idx: int) -> Callable[[np.ndarray], float]:
            return lambda sel: float(half_moves(avoid[sel].mean(axis=0)[:, [idx]], at, end)[0])

        town = boot(lag(TOWNSHIP), runs.k)
        gap = boot(lambda sel: lag(TOWNSHIP)(sel) - lag(PROVINCE)(sel), runs.k)
        key, touched = classify(gap, SPREAD_BANDS)
        lags = half_moves(avoid.mean(axis=0), at, end)
        happened = Text(
            f"Across {runs.k} runs, township blame avoidance made half of its rise {_mo(town.mean)} "
            f"[{_months(town.lo)}, {_months(town.hi)}] after the tightening at month {at} "
            f"({_years(town.mean, 'en')}), the provinces' after {_months(lags[PROVINCE])}: the townships "
            f"{_mo(gap.mean, sign=True)} {gap.interval(0)} later.",
            f"在 {runs.k} 次运行中，乡镇干部的避责比例在第 {at} 个月收紧之后 {_months(town.mean)} 个月"
            f"（[{_months(town.lo)}, {_months(town.hi)}]，{_years(town.mean, 'zh')}）上升过半，省级为 "
            f"{_months(lags[PROVINCE])} 个月：乡镇晚了 {signed(gap.mean, 0)} 个月（{gap.interval(0)}）。",
        ) + settled_text(key, touched, label)
        mine = half_moves(runs_of([this]).curves("avoid")[0], at, end)
        this_run = _this_run_text(
            _this(this),
            Text(
                f"half of the rise after {_level_list(mine, 'en')} months",
                f"避责比例上升过半所用的月数为{_level_list(mine, 'zh')}",
            ),
        )
        why = spread_sentences(runs, prior, last, at)
        why += [s for s in (ind.sentence(runs, prior, last) for ind in indicators) if s is not None]
        why += [s for s in (blame_sentence(runs, last),) if s is not None]
        return Verdict(
            key,
            rule_text(
                runs.k,
                runs.seeds_text(),
                Text(
                    "the months by which the townships' blame avoidance made half of its "
                    "rise after the provinces' (each level's curve averaged over the runs, "
                    "3-month centred average; rise: the 10 months before the tightening to "
                    "the last quarter of the run)",
                    "乡镇避责比例上升过半比省级晚的月数（各层级曲线取各次运行的均值、3个月居中滑动平均；"
                    "上升幅度：收紧前10个月至运行最后四分之一）",
                ),
                SPREAD_RULE,
                BOOTSTRAP_INTERVAL,
            ),
            happened,
            this_run,
            why,
            touched,
        )

    return judge


PACE_BANDS = (
    Band("faster", -INF, -PACE_BAND),
    Band("as_fast", -PACE_BAND, PACE_BAND),
    Band("slower", PACE_BAND, INF),
)


def _judge_recovery(start: int, stop: int, options: tuple[Option, ...]) -> Judge:
    """Retroactive review from ``start`` to ``stop``: how many months township
    innovation took to make half of its fall, and half of its recovery (finding 10's
    rule), compared over runs."""
    label = _labels(options)
    no_drop = Text(
        "innovation hardly fell, so there was nothing to recover", "创新几乎没有下降，谈不上恢复"
    )

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        n, end = runs.months, runs.months + 1
        windows = {
            "pre": (start - WINDOW, start - 1),
            "tight": (stop - WINDOW, stop - 1),
            "late": (n - WINDOW + 1, n),
        }
        inn = {k: runs.window("township", "innovate", *w) for k, w in windows.items()}
        drop = estimate(100 * (inn["pre"] - inn["tight"]))
        town = runs.curves("innovate")[:, :, [TOWNSHIP]]

        def lags(sel: np.ndarray) -> tuple[float, float]:
            return lags_of(town[sel].mean(axis=0), start, stop, end)

        def regained(idx: np.ndarray) -> float:
            pre, tight, late = (float(inn[k][idx].mean()) for k in ("pre", "tight", "late"))
            return (late - tight) / (pre - tight) if pre - tight > 0 else float("nan")

        one = _this(this)
        t = {k: float(one.window("township", "innovate", *w)[0]) for k, w in windows.items()}
        fall1, rec1 = lags_of(one.curves("innovate")[0][:, [TOWNSHIP]], start, stop, end)
        this_run = _this_run_text(
            one,
            Text(
                f"{pct(t['pre'])} before month {start}, {pct(t['tight'])} just before month {stop}, {pct(t['late'])} in "
                f"the last year; half of the fall after {_mo(fall1)}, half of the recovery after "
                f"{_months(rec1)}",
                f"第 {start} 个月之前 {pct(t['pre'])}，第 {stop} 个月之前 {pct(t['tight'])}，最后一年 {pct(t['late'])}；"
                f"{_months(fall1)} 个月降幅过半，{_months(rec1)} 个月恢复过半",
            ),
        )
        fall, rec = lags(np.arange(runs.k))
        nums = Text(
            f"Across {runs.k} runs, township innovation was {pct(np.nanmean(inn['pre']))} before month {start}, "
            f"{pct(np.nanmean(inn['tight']))} just before month {stop} (a drop of {_drop(drop)} points) and "
            f"{pct(np.nanmean(inn['late']))} in the last year.",
            f"在 {runs.k} 次运行中，乡镇干部的创新比例在第 {start} 个月之前为 {pct(np.nanmean(inn['pre']))}，"
            f"第 {stop} 个月之前为 {pct(np.nanmean(inn['tight']))}（下降 {_drop(drop)} 个百分点），最后一年为 "
            f"{pct(np.nanmean(inn['late']))}。",
        )
        rule = rule_text(
            runs.k,
            runs.seeds_text(),
            Text(
                "the months township innovation took to make half of its recovery after the lift "
                "minus the months it took to make half of its fall after the start (the runs' mean "
                "curve, 3-month centred average)",
                "取消后乡镇干部创新恢复过半所用月数减去开始后下降过半所用月数（各次运行的均值曲线，"
                "3个月居中滑动平均）",
            ),
            Text(
                f"a drop must exceed {SAME_BAND:g} points; hardly: under {100 * HARDLY:.0f} % of the "
                f"drop regained in the last year; faster: below −{PACE_BAND:g}; about as fast: "
                f"−{PACE_BAND:g} to +{PACE_BAND:g}; more slowly: above +{PACE_BAND:g}",
                f"降幅须超过 {SAME_BAND:g} 个百分点；几乎不恢复：最后一年恢复不足降幅的 {100 * HARDLY:.0f}%；"
                f"更快：低于 −{PACE_BAND:g}；差不多：−{PACE_BAND:g} 至 +{PACE_BAND:g}；"
                f"更慢：高于 +{PACE_BAND:g}",
            ),
            BOOTSTRAP_INTERVAL,
        )
        why = _retro_why(runs, windows, start, stop)
        if drop.n and drop.hi < SAME_BAND:
            return Verdict(
                "no_drop",
                rule,
                nums + Text(f"Verdict: {no_drop.en}.", f"结论：{no_drop.zh}。"),
                this_run,
                why,
                [],
            )
        if not (drop.n and drop.lo > SAME_BAND):
            return Verdict(
                None,
                rule,
                nums
                + Text(
                    "Verdict: the runs cannot tell whether innovation fell, so "
                    "its recovery cannot be judged.",
                    "结论：这些运行无法判定创新是否下降，因而无法判断其恢复情况。",
                ),
                this_run,
                why,
                [],
            )
        back = boot(regained, runs.k)
        gap = boot(lambda sel: lags(sel)[1] - lags(sel)[0], runs.k)
        nums += Text(
            f"It made half of its fall {_mo(fall)} after month {start} and half of its recovery "
            f"{_mo(rec)} after month {stop}: {_mo(gap.mean, sign=True)} {gap.interval(0)}. By "
            f"the end it had regained {pct(back.mean)} of the drop [{pct(back.lo)}, {pct(back.hi)}].",
            f"它在第 {start} 个月之后 {_months(fall)} 个月降幅过半，在第 {stop} 个月之后 {_months(rec)} 个月"
            f"恢复过半：相差 {signed(gap.mean, 0)} 个月（{gap.interval(0)}）。到最后恢复了降幅的 "
            f"{pct(back.mean)}（[{pct(back.lo)}, {pct(back.hi)}]）。",
        )
        if back.n and back.hi < HARDLY:
            key, touched = "none", ["none"]
        else:
            key, touched = classify(gap, PACE_BANDS)
            if back.n and back.lo < HARDLY:
                touched = [*touched, "none"]
                key = None
        return Verdict(key, rule, nums + settled_text(key, touched, label), this_run, why, touched)

    return judge


def lags_of(curve: np.ndarray, start: int, stop: int, end: int) -> tuple[float, float]:
    """(months to half the fall after ``start``, months to half the recovery after
    ``stop``) of a (months, 1) curve."""
    return (
        float(half_moves(curve, start, stop, rising=False)[0]),
        float(half_moves(curve, stop, end, rising=True)[0]),
    )


def _retro_why(runs: Runs, w: dict[str, tuple[int, int]], start: int, stop: int) -> list[Text]:
    out: list[Text] = []
    end = runs.months + 1
    on, off = half_adopted(runs, start, stop)[TOWNSHIP], half_adopted(runs, stop, end)[TOWNSHIP]
    if np.isfinite(on) and np.isfinite(off) and max(on, off) > 0:
        fall, rec = lags_of(runs.curves("innovate").mean(axis=0)[:, [TOWNSHIP]], start, stop, end)
        cadres = (
            Text(
                "The lift reached the townships about as fast as the review did, so the slower recovery "
                "lies with the cadres, not with the relay.",
                "取消审查传到乡镇的速度与开始审查时差不多，所以恢复更慢的原因在干部身上，而不在传达过程。",
            )
            if abs(off - on) <= PACE_BAND and rec - fall > PACE_BAND
            else Text("", "")
        )
        out.append(
            Text(
                f"Both changes were relayed down: half of the townships had adopted the review {_mo(on)} "
                f"after month {start} and its lift {_mo(off)} after month {stop}.",
                f"两次变化都是逐级传达的：过半乡镇在第 {start} 个月之后 {on:.0f} 个月开始审查，"
                f"在第 {stop} 个月之后 {off:.0f} 个月取消审查。",
            )
            + cadres
        )
    br = {k: runs.window("township", "belief_retro", *win) for k, win in w.items()}
    rise = estimate(br["tight"] - br["pre"])
    m = {k: float(np.nanmean(v)) for k, v in br.items()}

    def p2(x: float) -> str:
        return f"{100 * x:.2f}%" if np.isfinite(x) else "–"

    if rise.n and rise.lo > 0:
        curve = runs.curves("belief_retro").mean(axis=0)[:, [TOWNSHIP]]
        up, down = lags_of(-curve, start, stop, end)  # a belief that rises, then falls
        if np.isfinite(up) and np.isfinite(down):
            pace = (
                Text("Bad news was learnt faster than good.", "坏消息比好消息学得更快。")
                if down > up + PACE_BAND
                else Text("", "")
            )
            out.append(
                Text(
                    f"The townships' belief that review catches an innovation made half of its rise {_mo(up)} "
                    f"after month {start} and half of its fall {_mo(down)} after month {stop}.",
                    f"乡镇干部对“创新被审查翻出”的预期在第 {start} 个月之后 {up:.0f} 个月上升过半，"
                    f"在第 {stop} 个月之后 {down:.0f} 个月回落过半。",
                )
                + pace
            )
        faded = (m["tight"] - m["late"]) / (m["tight"] - m["pre"])
        speed = (
            Text(
                "Beliefs learnt under review had not faded by the end.",
                "审查期间形成的判断到最后仍未消退。",
            )
            if faded < 0.5
            else Text(
                "Beliefs learnt under review faded by the end.",
                "审查期间形成的判断到最后已经消退。",
            )
        )
        out.append(
            Text(
                f"Township cadres' believed chance that review catches an innovation of theirs in a month rose "
                f"from {p2(m['pre'])} to {p2(m['tight'])} under review and was {p2(m['late'])} in the last "
                f"year ({pct(faded)} of the rise gone).",
                f"“秋后算账”期间，乡镇干部预期自己的创新在一个月内被审查翻出的概率从 {p2(m['pre'])} 升至 "
                f"{p2(m['tight'])}，最后一年为 {p2(m['late'])}（上升部分消退了 {pct(faded)}）。",
            )
            + speed
        )
    elif rise.n:
        out.append(
            Text(
                f"Township cadres' believed chance that review catches an innovation of theirs hardly rose "
                f"({p2(m['pre'])} → {p2(m['tight'])}), so the caution did not come through that belief.",
                f"乡镇干部预期自己的创新被审查翻出的概率几乎没有上升（{p2(m['pre'])} → {p2(m['tight'])}），"
                "因此谨慎并非来自这一判断。",
            )
        )
    if runs.has("retro_cases"):
        during = estimate(runs.total("all", "retro_cases", start, stop - 1) / max(stop - start, 1))
        after = estimate(
            runs.total("all", "retro_cases", stop, runs.months) / max(runs.months - stop + 1, 1)
        )
        out.append(
            Text(
                f"Retroactive reviews found {num(during.mean, 1)} cases a month while in force and "
                f"{num(after.mean, 1)} a month after the lift.",
                f"“秋后算账”实施期间每月查出 {num(during.mean, 1)} 个案例，取消后每月 {num(after.mean, 1)} 个。",
            )
        )
    return out


PAPER_BANDS = (Band("few", 0.0, 0.10), Band("some", 0.10, 0.50), Band("most", 0.50, INF))
STAGE_COLUMNS = ("cases", "applied", "accepted", "consulted", "approved", "recognised")


def _judge_paper(at: int, options: tuple[Option, ...]) -> Judge:
    """The share of the cases under the provision that end tolerated and recognised
    before month ``at`` (the text on paper); then what the same text did once standards
    were clear and the levels agreed."""
    label = _labels(options)

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        phase = (1, at - 1)
        n = runs.months
        prior, last = (at - WINDOW, at - 1), (n - WINDOW + 1, n)
        counts = {c: runs.total("all", c, *phase) for c in STAGE_COLUMNS}
        share = estimate(_ratio(counts["recognised"], counts["cases"]))
        key, touched = classify(share, PAPER_BANDS)
        coupons = runs.total("all", "coupons", *phase)
        reach = estimate(_ratio(counts["cases"], runs.total("all", "cases_all", *phase)))
        happened = Text(
            f"Across {runs.k} runs, before month {at} (standards unclear, levels disagreeing), "
            f"{num(np.nanmean(counts['cases']), 0)} good-faith cases per run came under the provision "
            f"({pct(reach.mean)} of all cases); {pct(share.mean)} [{pct(share.lo)}, {pct(share.hi)}] of them ended "
            f"tolerated and recognised, and {num(np.nanmean(coupons), 1)} per run were tolerated below but not "
            "recognised above (local ration coupons).",
            f"在 {runs.k} 次运行中，第 {at} 个月之前（标准不清、上下级意见不一），每次平均有 "
            f"{num(np.nanmean(counts['cases']), 0)} 个善意失误纳入容错规定范围（占全部案例的 {pct(reach.mean)}）；其中 "
            f"{pct(share.mean)}（[{pct(share.lo)}, {pct(share.hi)}]）最终获容错并被上级认可，每次平均 "
            f"{num(np.nanmean(coupons), 1)} 个本级认定容错但上级不认可（地方粮票）。",
        ) + settled_text(key, touched, label)
        one = _this(this)
        tc, tr = (
            float(one.total("all", "cases", *phase)[0]),
            float(one.total("all", "recognised", *phase)[0]),
        )
        this_run = _this_run_text(
            one,
            Text(
                f"before month {at}, {tr:.0f} of {tc:.0f} cases tolerated and recognised",
                f"第 {at} 个月之前，{tc:.0f} 个案例中 {tr:.0f} 个获容错并被上级认可",
            ),
        )
        why: list[Text] = []
        mean = [float(np.nanmean(counts[c])) for c in STAGE_COLUMNS]
        if mean[0] > 0:
            losses = [(mean[i] - mean[i + 1], i + 1) for i in range(len(STAGE_COLUMNS) - 1)]
            lost, worst = max(losses)
            why.append(
                Text(
                    f"Most cases were lost at the stage “{i18n.stage_name(worst, 'en')}”: "
                    f"{num(lost, 1)} of {num(mean[0], 1)} per run.",
                    f"流失最多的环节是“{i18n.stage_name(worst, 'zh')}”：每次运行 {num(mean[0], 1)} 个中流失 "
                    f"{num(lost, 1)} 个。",
                )
            )
            applied = estimate(_ratio(counts["applied"], counts["cases"]))
            why.append(
                Text(
                    f"Cadres applied in {pct(applied.mean)} of cases.",
                    f"干部在 {pct(applied.mean)} 的案例中提出了申请。",
                )
            )
        if n >= at + WINDOW:
            after = [
                s
                for s in (
                    ind.sentence(runs, prior, last)
                    for ind in (TOLERATED_SHARE, BELIEF_TOLERANCE, TOWNSHIP_INNOVATION)
                )
                if s is not None
            ]
            if after:
                why.append(
                    Text(
                        f"From month {at} the standards were made clear and the levels came to agree, relayed "
                        "down level by level; the text stayed as it was. Between the year before and the "
                        "last year:",
                        f"从第 {at} 个月起，标准变得清晰、上下级达成共识，并逐级传达；成文规定本身不变。"
                        "从变化前一年到最后一年：",
                    )
                )
                why += after
        dk = estimate([s.get("dont_know", np.nan) for s in runs.surveys])
        if dk.n:
            gap = dk.mean - SURVEY_TARGET["dont_know"]
            close = abs(gap) < 0.10
            why.append(
                Text(
                    f"In the model's survey at the end of the run {pct(dk.mean)} of cadres answer “don't know” "
                    f"(seed 003: {pct(SURVEY_TARGET['dont_know'])}; "
                    + ("close" if close else "far apart")
                    + ").",
                    f"运行结束时模型问卷中有 {pct(dk.mean)} 的干部回答“不知道”（种子文献003："
                    f"{pct(SURVEY_TARGET['dont_know'])}；"
                    + ("接近" if close else "相差较大")
                    + "）。",
                )
            )
        return Verdict(
            key,
            rule_text(
                runs.k,
                runs.seeds_text(),
                Text(
                    f"the share of good-faith cases under the provision tolerated and "
                    f"recognised before month {at}",
                    f"第 {at} 个月之前纳入容错规定范围的善意失误中获容错并被上级认可的比例",
                ),
                Text(
                    "few: under 10 %; some: 10–50 %; most: over 50 %",
                    "很少：不到 10%；一部分：10%–50%；大多数：超过 50%",
                ),
            ),
            happened,
            this_run,
            why,
            touched,
        )

    return judge


# ----------------------------------------------------------------- lessons
RISE_SAME_FALL = (
    Option("rise", "It rises", "上升"),
    Option("same", "It stays about the same (within 3 points)", "基本不变（变化不超过3个百分点）"),
    Option("fall", "It falls", "下降"),
)
ERA_OPTIONS = (
    Option("innovate", "More of them innovate than avoid blame", "创新的多于避责的"),
    Option(
        "even",
        "About as many innovate as avoid blame (within 5 points)",
        "创新与避责的差不多（相差不超过5个百分点）",
    ),
    Option("avoid", "More of them avoid blame than innovate", "避责的多于创新的"),
)
SPREAD_OPTIONS = (
    Option(
        "top_down",
        "From the top down: the townships last, half a year or more after the provinces",
        "自上而下：乡镇最后，比省级晚半年以上",
    ),
    Option(
        "together",
        "All levels at about the same time (within half a year)",
        "各层级大致同时（相差不超过半年）",
    ),
    Option(
        "bottom_up",
        "From the bottom up: the townships half a year or more before the provinces",
        "自下而上：乡镇比省级早半年以上",
    ),
)
RETRO_OPTIONS = (
    Option("faster", "Faster than it fell", "比下降时更快"),
    Option(
        "as_fast",
        "About as fast as it fell (within 3 months)",
        "和下降时差不多快（相差不超过3个月）",
    ),
    Option("slower", "More slowly than it fell", "比下降时更慢"),
    Option(
        "none",
        "It hardly comes back (under a fifth of the drop by the end)",
        "几乎不恢复（到最后恢复不足降幅的五分之一）",
    ),
)
PAPER_OPTIONS = (
    Option("most", "Most of them (over 50%)", "大多数（超过50%）"),
    Option("some", "Some (10–50%)", "一部分（10%–50%）"),
    Option("few", "Few (under 10%)", "很少（不到10%）"),
)
REFORM_OPTIONS = (
    Option("clearly", "Clearly (by more than 10 points)", "明显恢复（超过10个百分点）"),
    Option("little", "A little (3–10 points)", "略有恢复（3–10个百分点）"),
    Option("hardly", "Hardly (under 3 points)", "几乎没有恢复（不到3个百分点）"),
)

_VETO = ("one_veto_targets", "vague_requirements", "amplification", "paperwork_load")
_RETRO = ("retroactive_risk", "standard_drift")
_PROCEDURE = ("standards_clarity", "inter_level_consensus")
FLEX, TIGHT = "flexible_experimentation", "tightened_accountability"
# The 2012 tightening of the scenario that tightens, then loosens (its first change).
TIGHTENING = SCENARIOS["tightening_then_loosening"].schedule[0]

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "trial_and_error",
        "The era of trial and error",
        "试错的年代",
        FLEX,
        60,
        (),
        "China's reforms relied on trial-and-error policy experimentation: localities try, upper levels "
        "watch and absorb what works (S000-01, S000-03). It works only with flexible, elastic relations "
        "between levels that implicitly tolerate failure (S000-02, S000-02b).",
        "中国的改革依靠“试错式”政策试验：地方先行先试，上级观察并吸收成功经验（S000-01、S000-03）。"
        "这种模式依赖灵活而有弹性的府际关系，其中内含对失败的容忍（S000-02、S000-02b）。",
        ("S000-01", "S000-02", "S000-02b", "S000-03"),
        "Light supervision, few one-veto targets, failures implicitly tolerated. After five years, what "
        "will township cadres mostly do each month?",
        "监督较轻、一票否决指标少、失败被默许容忍。五年后，乡镇干部每月主要会怎么做？",
        ERA_OPTIONS,
        _judge_era(ERA_OPTIONS),
        "When supervision is light and failure is implicitly tolerated, the expected cost of a failed "
        "experiment is small next to the gains of success — promotion, recognition, problems solved. "
        "Upper levels absorb what works, so one success solves problems in the sibling units too: the "
        "system-level value of experimentation (S000-03).",
        "在监督较轻、失败被默许容忍时，试验失败的预期代价远小于成功带来的晋升、认可和问题的解决。"
        "上级吸收成功经验，一项成功还能在同级单位中解决问题——这就是政策试验对整个体系的价值（S000-03）。",
        ("innovate",),
        "the colours of the tree, the shares at each level, and how many cases reach the funnel.",
        "层级图的颜色、各层级的比例曲线，以及进入容错漏斗的案例数量。",
    ),
    Lesson(
        "tightening_spreads",
        "The tightening travels down",
        "问责收紧逐级传导",
        FLEX,
        120,
        (TIGHTENING,),
        "Since 2012 the centre has tightened supervision through many overlapping channels — “one person "
        "works, N people watch” — and driven hard targets straight from the centre down to the grassroots "
        "(S000-04b, S000-05, S000-24). The sources argue that blame-avoidance thinking then spread through "
        "governments at every level (S000-18).",
        "2012年以来，中央通过多个条口叠加强化监督——“一个人干活N个人看”，并把“硬指标”从中央“一竿子捅到底”"
        "压到基层（S000-04b、S000-05、S000-24）。文献认为，避责思维由此在各级政府中蔓延开来（S000-18）。",
        ("S000-04b", "S000-05", "S000-24", "S000-18"),
        f"At month {TIGHTENING[0]} the centre tightens accountability as in 2012: more supervision channels at "
        "every level, many more one-veto targets, retroactive review, a weaker tolerance provision. Each level "
        "adopts the change only after its superior has. In what order will blame avoidance rise at the levels?",
        f"第{TIGHTENING[0]}个月，中央像2012年那样强化问责：各级监督渠道增多、一票否决指标大增、开始“秋后算账”、"
        "容错规定减弱。每一级都要等上级采纳之后才会采纳。各层级的避责比例会按什么顺序上升？",
        SPREAD_OPTIONS,
        _judge_spread(TIGHTENING[0], SPREAD_OPTIONS, (BELIEF_DETECTION, TRUE_DETECTION)),
        "A tightening is relayed down level by level: superiors pass targets on by meetings and forwarded "
        "documents, and the strengthened supervision moves down through the hierarchy (S000-29, S000-29b); each "
        "level adds its margin to the targets it hands down (层层加码) and inspects the levels below (S000-05b, "
        "S000-08), and cadres learn the new risks from the cases they see. The grassroots, watched by every level "
        "above and handed the blame from above, carry the most (S000-17, S000-25), so avoidance spreads through "
        "every level and is strongest at the bottom (S000-18). How many months each level takes to adopt the "
        "change is the model's assumption (the relay delay), not a figure of the sources.",
        "收紧是逐级传达的：上级以会议或文件转发的形式下达指标，强化的监督体系通过科层化的组织体系不断下移"
        "（S000-29、S000-29b）；每一级下达指标时层层加码，并检查下面各级（S000-05b、S000-08），"
        "干部则从所见的案例中认识新的风险。基层受上面每一级的监督，还要承接上级推下来的责任，承担的问责最多"
        "（S000-17、S000-25），所以避责思维在各级蔓延开来，在基层最重（S000-18）。每一级要过几个月才采纳这一变化"
        "是模型的假设（传达延迟），文献没有给出这一数字。",
        ("top_down",),
        f"the dashed lines in the shares chart (each level's units that have adopted the new regime) and when each "
        f"level's blame avoidance rises after month {TIGHTENING[0]}; the chart of believed and true detection.",
        f"比例图中的虚线（各层级已采纳新制度的单位比例），以及第{TIGHTENING[0]}个月之后各层级的避责比例何时上升；"
        "“预期与实际被发现概率”图。",
    ),
    Lesson(
        "one_veto_targets",
        "One-veto targets multiply",
        "一票否决指标增多",
        FLEX,
        84,
        ((36, _values(TIGHT, _VETO)),),
        "One-veto targets keep multiplying (S000-08), and under strong supervision vague requirements "
        "turn into invisible one-veto targets (S000-10). Targets plus meetings, documents, forms and "
        "ledgers exhaust cadres' attention, leaving no energy for innovation (S000-11).",
        "“一票否决”式指标越来越多（S000-08），在强监督下，模糊要求被扩大为“无形”的一票否决指标（S000-10）。"
        "繁重的指标加上海量的会议、文件、表格、台账耗尽了干部的注意力，使其无暇创新（S000-11）。",
        ("S000-08", "S000-10", "S000-11", "S000-21b"),
        "At month 36 one-veto targets, vague requirements, their amplification down the levels and "
        "paperwork all grow, relayed down level by level; supervision stays as it was. What happens to the "
        "share of township cadres who innovate?",
        "第36个月起，一票否决指标、模糊要求、层层加码和文牍负担都增加了，并逐级传达；监督保持不变。"
        "乡镇干部中选择创新的比例会怎样？",
        RISE_SAME_FALL,
        _judge_change(36, RISE_SAME_FALL, (FREE_ATTENTION, SUCCESS_RATE)),
        "Each one-veto target takes attention and can fail, and every level adds to the targets it passes "
        "down (层层加码). With little free attention an innovation is less likely to succeed, so even "
        "cadres who want to innovate find it a worse bet — they are buried in “mountains of documents "
        "and seas of forms” (S000-11, S000-21b).",
        "每项一票否决指标都占用注意力并可能失守，而每一级在下达指标时还会层层加码。剩余注意力越少，创新越难成功，"
        "即使想创新的干部也会觉得不划算——他们被“文山表海”压得无暇他顾（S000-11、S000-21b）。",
        ("fall",),
        "the free attention of each level (the cadre table of a township), then the shares after month 36.",
        "各层级的剩余注意力（可在乡镇的干部表中查看），以及第36个月之后的比例变化。",
    ),
    Lesson(
        "retroactive_accountability",
        "Retroactive accountability and startled birds",
        "秋后算账与惊弓之鸟",
        FLEX,
        160,
        ((30, _values(TIGHT, _RETRO)), (90, _values(FLEX, _RETRO))),
        "Cadres fear “settling accounts after the harvest”: what is compliant today may be punished "
        "tomorrow (S000-06, S000-06b). Even after the centre loosens, cadres who became “birds startled "
        "by the bow” keep acting as if the old risks were still there (S000-12, S000-12b).",
        "干部担心“秋后算账”：今天合规的做法明天可能被问责（S000-06、S000-06b）。即使中央“松绑”，"
        "成为“惊弓之鸟”的干部仍按旧的风险行事（S000-12、S000-12b）。",
        ("S000-06", "S000-06b", "S000-12", "S000-12b"),
        "At month 30 retroactive review is stepped up to the tightened regime's level, and at month 90 it returns "
        "to the flexible regime's; each change reaches the townships only after the levels above. Township innovation falls after month 30. After month 90, does it come back as "
        "fast as it fell?",
        "第30个月起“秋后算账”加强到问责强化时期的水平，第90个月回到弹性试验时期的水平；每次变化都要先经过上面各级才到达乡镇。第30个月后乡镇干部的创新会下降。"
        "第90个月之后，它恢复得和下降时一样快吗？",
        RETRO_OPTIONS,
        _judge_recovery(30, 90, RETRO_OPTIONS),
        "A review under today's standards can punish what was compliant when done, and innovations — "
        "non-standard by nature — are the most exposed records (S000-06b). Cadres who lived through it become "
        "“birds startled by the bow”: a loosening is a document they only half believe, for the wind may turn "
        "again, so they keep acting as if the old risks were still there and recovery lags the fall "
        "(S000-12, S000-12b, S000-12c).",
        "按今天的标准审查过去，可能惩罚当时合规的行为，而创新因为不合常规，是最容易被翻出来的记录（S000-06b）。"
        "经历过的干部成了“惊弓之鸟”：对“松绑”文件将信将疑，担心风向再变，于是仍按旧的风险行事，"
        "恢复比下降更慢（S000-12、S000-12b、S000-12c）。",
        ("slower", "none"),
        "the two dotted lines, the dashed lines of adoption in the shares chart, and township innovation after "
        "month 90.",
        "两条虚线、比例图中表示采纳情况的虚线，以及第90个月之后乡镇干部的创新比例。",
    ),
    Lesson(
        "tolerance_on_paper",
        "Tolerance on paper vs in practice",
        "纸面上的容错与实践中的容错",
        "tolerance_on_paper",
        108,
        ((48, _values("reform_package", _PROCEDURE)),),
        "Tolerance texts are rich but practice is poor (S003-07): in seed 003's survey only {many} said "
        "their area had applied the mechanism many times and {dont_know} did not know (S003-06). Unclear "
        "standards, disagreement between levels (“local ration coupons”) and the discipline commission's "
        "view that an error is still an error keep cases from getting through (S003-08, S003-09, S003-10).",
        "容错机制“文本丰富、实践匮乏”（S003-07）：种子文献003的调查中，只有 {many} 的受访者回答“有，而且很多”，"
        "{dont_know} 表示“不了解”（S003-06）。标准不清、上下级意见不一（“地方粮票”）以及纪委“错终究是错”的看法，"
        "使案例难以走完程序（S003-08、S003-09、S003-10）。",
        ("S003-06", "S003-07", "S003-08", "S003-09", "S003-10"),
        "The written tolerance provision is strong and broad, but standards are unclear and the levels disagree. "
        "In the first four years, of the good-faith cases that come under the provision, what share will end "
        "tolerated and recognised by the upper level? (At month 48 the standards become clear and the levels "
        "agree: watch what the same text does then.)",
        "成文的容错规定力度大、覆盖广，但标准不清、上下级意见不一。前四年里，纳入容错规定范围的善意失误中，"
        "最终获容错并被上级认可的比例会是多少？（第48个月起标准变得清晰、上下级达成共识：观察同样的规定随后起了什么作用。）",
        PAPER_OPTIONS,
        _judge_paper(48, PAPER_OPTIONS),
        "A strong text obliges officials to tell cadres their error qualifies, to accept the case and to decide on "
        "it, so in this model a cadre who knows its error qualifies almost always applies; but it cannot settle what "
        "it leaves vague: with unclear standards only about half of the cadres know their error qualifies, and the "
        "joint consultation seldom clears a case "
        "(S003-08), the discipline commission holds that a tolerable error is still an error (S003-10), public "
        "intolerance blocks high-profile cases (S003-11), and the upper level may refuse to recognise the decision "
        "(S003-09). Applications are far more than tolerated cases. Seed 003 found applications themselves few "
        "(S003-07b) and three in four of its respondents knew of no case: where applying is left to the cadre (the model's "
        "“Duty to help cadres apply” set to 0), far fewer apply. Clear standards and agreement between levels are what let "
        "the text work (S003-12b).",
        "有力的成文规定可以要求有关部门告知干部其失误符合条件、受理案例并作出认定，所以在本模型中，知道自己的失误符合条件的"
        "干部几乎都会申请；但规定无法解决自身含糊之处：标准不清时，只有约一半干部知道自己的失误符合条件，调查会商也很少"
        "通过（S003-08），纪委认为可容之错也是错（S003-10），公众的不宽容挡住了高关注度案例（S003-11），上级还可能"
        "不认可下级的认定（S003-09）。申请远多于获容错的案例。种子文献003发现申请本身就很少（S003-07b），四分之三的受访者不知道"
        "有任何案例：如果是否申请完全由干部自己决定（把模型的“协助申请的义务”设为0），申请会少得多。清晰的标准和上下级"
        "共识，才能让规定真正起作用（S003-12b）。",
        ("few",),
        "the funnel (where the cases drop out, and the red local ration coupons), and after month 48 the believed "
        "and true chance of being tolerated by level.",
        "容错漏斗（案例在哪个环节流失，红色的“地方粮票”），以及第48个月之后各层级预期与实际获容错的概率。",
    ),
    Lesson(
        "reform_package",
        "The reform package",
        "改革组合拳",
        TIGHT,
        108,
        ((48, _diff(TIGHT, "reform_package")),),
        "Both sources propose remedies: make upper-level targets less rigid and use supervision and "
        "accountability more flexibly (S000-20, S000-20b); balance accountability with tolerance, make "
        "the standards clear and build a tolerant public ecology (S003-12, S003-12b, S003-14).",
        "两篇文献都提出了对策：降低上级指标的刚性、更有弹性地运用监督问责（S000-20、S000-20b）；"
        "实现问责与容错的均衡、明晰容错标准、营造包容的社会生态（S003-12、S003-12b、S003-14）。",
        ("S000-20", "S000-20b", "S003-12", "S003-12b", "S003-14"),
        "After four years of tightened accountability the reform package arrives at month 48. By the end "
        "of the run, how much has township innovation recovered?",
        "在问责强化四年之后，第48个月推出改革组合拳。到运行结束时，乡镇干部的创新恢复了多少？",
        REFORM_OPTIONS,
        _judge_change(
            48,
            REFORM_OPTIONS,
            (FREE_ATTENTION, BELIEF_DETECTION_REFORM, BELIEF_TOLERANCE, TOLERATED_SHARE),
            REFORM_BANDS,
            REFORM_RULE,
            Text("the year before the reform", "改革前一年"),
            spread=False,
        ),
        "The remedies act on different links: fewer, less rigid targets free attention (S000-20); "
        "flexible supervision lowers the risk of acting (S000-20b); clear standards and inter-level "
        "consensus let the tolerance procedure work in practice (S003-12b, S003-09); publicised cases "
        "let cadres learn that tolerance is real (S003-14b). The reform is relayed down level by level and cadres "
        "believe good news slowly (S000-12b), so recovery takes years.",
        "各项对策作用于不同环节：更少、更有弹性的指标释放注意力（S000-20）；弹性监督降低了作为的风险（S000-20b）；"
        "清晰的标准和上下级共识让容错程序在实践中运转（S003-12b、S003-09）；公开容错案例让干部相信容错是真的"
        "（S003-14b）。改革要逐级传达，干部对好消息将信将疑（S000-12b），所以恢复需要数年。",
        ("clearly", "little"),
        "the shares after the dotted line at month 48, the funnel, the believed tolerance by level and the "
        "targets the townships still treat as binding.",
        "第48个月虚线之后的比例变化、容错漏斗、各层级预期获容错的概率，以及乡镇仍当作硬指标的指标数。",
    ),
)

BY_KEY: dict[str, Lesson] = {lesson.key: lesson for lesson in LESSONS}


def get(key: str) -> Lesson:
    if key not in BY_KEY:
        from model.errors import CadreSimError

        raise CadreSimError(f"lesson = {key!r} is invalid: allowed are {', '.join(BY_KEY)}")
    return BY_KEY[key]


def main(argv: list[str] | None = None) -> int:
    """Print each lesson's verdict, rule and explanation for a seed block, as the page
    would show them: ``python -m dashboards.lessons [KEY ...] [--seed S] [--lang zh]``."""
    import argparse

    from dashboards.replicates import run_lesson

    ap = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    ap.add_argument("keys", nargs="*", help=f"lessons (default: all): {', '.join(BY_KEY)}")
    ap.add_argument(
        "--seed", type=int, default=0, help="first seed of the replicate runs (default 0)"
    )
    ap.add_argument("--preset", default="classroom", help="classroom (default) or province")
    ap.add_argument("--lang", default="en", choices=i18n.LANGS)
    args = ap.parse_args(argv)
    for key in args.keys or list(BY_KEY):
        lesson = get(key)
        runs = run_lesson(lesson, args.preset, args.seed)
        v = lesson.judge(runs, runs.hist[0], runs.surveys[0])
        agrees = "—" if v.key is None else ("agrees" if v.key in lesson.source_keys else "differs")
        print(f"## {lesson.title(args.lang)} ({key}): {v.key} (sources: {agrees})")
        print(v.happened(args.lang))
        for w in v.why:
            print("  -", w(args.lang))
        print(" ", v.rule(args.lang))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
