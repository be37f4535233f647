"""Guided lessons that follow the argument of the two sources.

Each lesson sets up a scenario (and, where the argument is about a change, a regime
switch part-way through), states the claim with its passage IDs from
``docs/sources.md``, asks the student to predict, runs, and then judges what happened.

The judgement never rests on the one run on the screen: :mod:`dashboards.replicates`
runs the same set-up with K seeds, and the verdict is the class of the mean over those
runs, named only when its 95 % interval lies inside the class (:mod:`dashboards.verdicts`).
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
from experiments.findings import bootstrap_ci
from model.hierarchy import LEVELS
from model.metrics import SURVEY_TARGET
from model.params import DEFAULTS
from model.scenarios import SCENARIOS

WINDOW = 12        # months averaged for "before" and "after"
SAME_BAND = 3.0    # changes of township shares within ±3 points count as "about the same"
BELIEF_BAND = 0.02  # changes of mean beliefs within ±0.02 count as "no change"
SMOOTH = 6         # months of the rolling mean that dates each level's change


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
    source_en: str        # the sources' argument (not a statement about the run)
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
            return Text(f"the scenario is “{i18n.scenario_title(sim.scenario, 'en')}”, not the lesson's",
                        f"情景是“{i18n.scenario_title(sim.scenario, 'zh')}”，而不是本课的情景")
        if sim.run_overrides:
            en = ", ".join(f"{i18n.param_label(n, 'en')} = {_fmt(v)}" for n, v in sim.run_overrides.items())
            zh = "，".join(f"{i18n.param_label(n, 'zh')} = {_fmt(v)}" for n, v in sim.run_overrides.items())
            return Text(f"it started with {en} set by hand", f"运行开始时手动设置了{zh}")
        if tuple((at, dict(ch)) for at, ch in sim.extra_schedule) != tuple((at, dict(ch)) for at, ch in self.schedule):
            return Text("its schedule of lever changes is not the lesson's", "其参数变化时间表与本课不同")
        if sim.live_changes:
            at, ch = sim.live_changes[0]
            en = ", ".join(f"{i18n.param_label(n, 'en')} → {_fmt(v)}" for n, v in ch.items())
            zh = "，".join(f"{i18n.param_label(n, 'zh')} → {_fmt(v)}" for n, v in ch.items())
            return Text(f"a lever was moved during the run (from month {at}: {en})",
                        f"运行中调整了参数（第 {at} 个月起：{zh}）")
        if sim.steps > self.steps:
            return Text(f"it went on past the lesson's end (month {sim.steps} of {self.steps})",
                        f"运行超过了本课的终点（第 {sim.steps} 个月，本课为 {self.steps} 个月）")
        if sim.steps < self.steps:
            return Text(f"it has not reached the lesson's end (month {sim.steps} of {self.steps})",
                        f"运行尚未到达本课的终点（第 {sim.steps} 个月，共 {self.steps} 个月）")
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
            return withheld(Text(f"The run no longer follows the lesson: {why_not.en}. No verdict; start the "
                                 "lesson again to judge its set-up.",
                                 f"本次运行已不再符合本课的设置：{why_not.zh}。因此不作判定；请重新开始本课，"
                                 "以判断本课设置下的结果。"), key)
        verdict = self.judge(runs, this, survey)
        agrees = None if verdict.key is None else verdict.key in self.source_keys
        return replace(verdict, agrees=agrees, run_key=key)

    def setup_text(self, lang: str) -> str:
        changes = "".join(
            i18n.t("setup_change", lang, at=at, what=describe_changes(dict(ch), lang, self._before(at)))
            for at, ch in self.schedule
        )
        return i18n.t("setup_note", lang, scenario=i18n.scenario_title(self.scenario, lang),
                      steps=self.steps, changes=changes)

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
    return sep.join(f"{i18n.param_label(n, lang)} {_fmt(before[n])} → {_fmt(v)}" for n, v in changes.items())


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


@dataclass(frozen=True)
class Indicator:
    """A quantity whose change a lesson reports, with what each direction means."""

    label: Text
    values: Callable[[Runs, tuple[int, int], tuple[int, int]], tuple[np.ndarray, np.ndarray]]
    band: float
    digits: int = 2
    as_pct: bool = False
    meaning: Mapping[str, Text] | None = None   # by direction: rise / fall / same

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
            iv = Text(f"[{signed(100 * d.lo)}, {signed(100 * d.hi)}] points", f"[{signed(100 * d.lo)}, {signed(100 * d.hi)}] 个百分点")
        else:
            iv = Text(f"[{signed(d.lo, self.digits)}, {signed(d.hi, self.digits)}]",
                      f"[{signed(d.lo, self.digits)}, {signed(d.hi, self.digits)}]")
        head = {
            "rise": Text(f"{self.label.en} rose ({change}; change {iv.en}).", f"{self.label.zh}上升了（{change}；变化 {iv.zh}）。"),
            "fall": Text(f"{self.label.en} fell ({change}; change {iv.en}).", f"{self.label.zh}下降了（{change}；变化 {iv.zh}）。"),
            "same": Text(f"{self.label.en} did not change measurably ({change}).",
                         f"{self.label.zh}没有明显变化（{change}）。"),
            "unclear": Text(f"{self.label.en} went {change}; the runs cannot tell whether it changed ({iv.en}).",
                            f"{self.label.zh}为 {change}；这些运行无法判定它是否变化（{iv.zh}）。"),
        }[how]
        extra = (self.meaning or {}).get(how)
        return head + extra if extra is not None else head


def _window_pair(level: str, column: str):
    def values(runs: Runs, before: tuple[int, int], after: tuple[int, int]):
        return runs.window(level, column, *before), runs.window(level, column, *after)
    return values


def _rate_pair(level: str, numerator: str, denominator: str):
    def values(runs: Runs, before: tuple[int, int], after: tuple[int, int]):
        return (_ratio(runs.total(level, numerator, *before), runs.total(level, denominator, *before)),
                _ratio(runs.total(level, numerator, *after), runs.total(level, denominator, *after)))
    return values


BELIEF_DETECTION = Indicator(
    Text("Township cadres' believed chance of detection", "乡镇干部预期被发现的概率"),
    _window_pair("township", "belief_detection"), BELIEF_BAND,
    meaning={"rise": Text("Cadres learn it from the missteps detected in their unit and from publicised "
                          "sanctions, and decide on what they believe.",
                          "干部从本单位被发现的失误和通报的处分中学到这一点，并依据自己的判断做决定。"),
             "same": Text("So the change did not come through what cadres believe about detection.",
                          "因此这一变化并不是通过干部对“被发现”的判断产生的。")})
FREE_ATTENTION = Indicator(
    Text("Township cadres' free attention (cadre-months)", "乡镇干部的剩余注意力（人·月）"),
    _window_pair("township", "free_attention"), 0.01,
    meaning={"fall": Text("Each one-veto target takes attention, and every level adds its margin on the way "
                          "down (层层加码).", "每项一票否决指标都占用注意力，而且每一级下达时都层层加码。"),
             "rise": Text("Fewer targets and less paperwork left more attention for other work.",
                          "指标和文牍减少后，干部有了更多注意力做其他工作。")})
SUCCESS_RATE = Indicator(
    Text("The share of township innovations that succeeded", "乡镇创新的成功率"),
    _rate_pair("township", "successes", "innovations"), 0.03, as_pct=True,
    meaning={"fall": Text("With less free attention an innovation is less likely to work, so it is a worse bet.",
                          "剩余注意力越少，创新越难成功，也就越不划算。")})
BELIEF_TOLERANCE = Indicator(
    Text("Township cadres' believed chance of being tolerated", "乡镇干部预期获容错的概率"),
    _window_pair("township", "belief_tolerance"), BELIEF_BAND,
    meaning={"rise": Text("Cadres learnt it from tolerated cases in their unit and publicised ones nearby.",
                          "干部从本单位获容错的案例和附近公开的案例中学到了这一点。"),
             "same": Text("So the recovery did not come through belief that tolerance is real.",
                          "因此恢复并不是因为干部相信容错是真的。"),
             "fall": Text("So the recovery did not come through belief that tolerance is real.",
                          "因此恢复并不是因为干部相信容错是真的。")})
BELIEF_DETECTION_REFORM = replace(BELIEF_DETECTION, meaning={
    "fall": Text("Cadres came to expect less detection, which lowers the expected cost of acting.",
                 "干部对被发现的预期下降，降低了作为的预期代价。")})
TOLERATED_SHARE = Indicator(
    Text("The share of detected good-faith errors tolerated and recognised", "被发现的善意失误中获容错并被上级认可的比例"),
    _rate_pair("all", "recognised", "cases"), 0.03, as_pct=True)


def spread_sentences(runs: Runs, before: tuple[int, int], after: tuple[int, int], at: int) -> list[Text]:
    """Where blame avoidance rose (each level's change over runs), whether one level rose
    clearly most (paired over runs), and in what order the levels changed."""
    deltas = np.array([100 * (runs.window(lv, "avoid", *after) - runs.window(lv, "avoid", *before))
                       for lv in LEVELS])                       # (levels, runs)
    ests = [estimate(d) for d in deltas]
    rose = [i for i, e in enumerate(ests) if e.n and e.lo > 0]
    names_en = ", ".join(level_text(i).en for i in rose)
    names_zh = "、".join(level_text(i).zh for i in rose)
    if not rose:
        out = [Text("Blame avoidance did not rise measurably at any level.", "各层级的避责比例都没有明显上升。")]
    elif len(rose) == len(LEVELS):
        out = [Text("Blame avoidance rose measurably at every level.", "每一层级的避责比例都明显上升了。")]
    else:
        out = [Text(f"Blame avoidance rose measurably at {len(rose)} of {len(LEVELS)} levels ({names_en}).",
                    f"{len(LEVELS)} 个层级中有 {len(rose)} 个层级的避责比例明显上升（{names_zh}）。")]
    if rose and runs.k >= 2:
        order = np.argsort([-e.mean for e in ests])
        top, second = int(order[0]), int(order[1])
        lead = estimate(deltas[top] - deltas[second])
        if lead.lo > 0:
            out.append(Text(f"It rose clearly most at the {level_text(top).en} level ({_points(ests[top])} points).",
                            f"上升最多的明显是{level_text(top).zh}一级（{_points(ests[top])} 个百分点）。"))
        else:
            out.append(Text(f"No level rose clearly more than the others (the largest rise, "
                            f"{level_text(top).en}, is within the noise of {level_text(second).en}).",
                            f"没有哪一级的上升明显多于其他层级（上升最多的{level_text(top).zh}与"
                            f"{level_text(second).zh}之差在随机波动之内）。"))
    if len(rose) >= 2:
        months = {}
        for i in rose:
            curve = runs.mean_curve(LEVELS[i], "avoid")
            smooth = np.convolve(curve, np.ones(SMOOTH) / SMOOTH, mode="full")[:len(curve)]
            a = float(np.mean(curve[before[0] - 1:before[1]]))
            b = float(np.mean(curve[after[0] - 1:after[1]]))
            crossed = np.flatnonzero(smooth[at - 1:] >= a + 0.5 * (b - a))
            if len(crossed):
                months[i] = at + int(crossed[0])
        if len(months) >= 2:
            seq = sorted(months.items(), key=lambda kv: (kv[1], kv[0]))
            out.append(Text(
                f"Half of each level's rise was reached (mean over runs, {SMOOTH}-month average) by month: "
                + ", ".join(f"{level_text(i).en} {m}" for i, m in seq) + ".",
                f"各层级上升幅度过半的月份（各次运行的均值，{SMOOTH} 个月滑动平均）："
                + "，".join(f"{level_text(i).zh}第 {m} 个月" for i, m in seq) + "。"))
    return out


# ------------------------------------------------------------------ judges
def _judge_era(options: tuple[Option, ...]) -> Judge:
    label = _labels(options)
    bands = (Band("avoid", -INF, -5), Band("even", -5, 5), Band("innovate", 5, INF))

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        n = runs.months
        last = (n - WINDOW + 1, n)
        inn, avo = runs.window("township", "innovate", *last), runs.window("township", "avoid", *last)
        d = estimate(100 * (inn - avo))
        key, touched = classify(d, bands)
        one = _this(this)
        ti, ta = float(one.window("township", "innovate", *last)[0]), float(one.window("township", "avoid", *last)[0])
        happened = Text(
            f"Across {runs.k} runs, in the last year {pct(np.nanmean(inn))} of township cadres innovated and "
            f"{pct(np.nanmean(avo))} avoided blame each month: innovating minus avoiding "
            f"{_points(d)} points.",
            f"在 {runs.k} 次运行中，最后一年乡镇干部每月平均有 {pct(np.nanmean(inn))} 选择创新、"
            f"{pct(np.nanmean(avo))} 选择避责：创新减避责为 {_points(d)} 个百分点。",
        ) + settled_text(key, touched, label)
        why: list[Text] = []
        succ = estimate(_ratio(runs.total("township", "successes"), runs.total("township", "innovations")))
        if succ.n:
            why.append(Text(f"{pct(succ.mean)} of township innovations succeeded.",
                            f"乡镇创新中有 {pct(succ.mean)} 获得成功。"))
        cost = estimate(100 * _ratio(runs.total("all", "cases") - runs.total("all", "recognised"),
                                     runs.total("all", "failures")))
        if cost.n:
            tail = (Text("Trying cost little.", "尝试的代价很小。") if cost.hi < 20
                    else Text("Trying was risky.", "尝试风险很大。") if cost.lo > 50 else Text("", ""))
            why.append(Text(f"For every 100 failed innovations, {num(cost.mean, 0)} good-faith errors ended in a "
                            "sanction (detected and not tolerated, including past innovations caught by "
                            "retroactive review).",
                            f"每 100 项失败的创新，对应 {num(cost.mean, 0)} 个善意失误最终受到处分（被发现且未获容错，"
                            "包括被“秋后算账”翻出的过往创新）。") + tail)
        absorbed = estimate(runs.total("all", "absorbed"))
        if absorbed.n:
            why.append(Text(f"Upper levels absorbed {num(absorbed.mean, 0)} successful innovations per run, each "
                            "solving problems in the sibling units too." if absorbed.mean >= 1 else
                            f"Hardly any pilot was absorbed upward ({num(absorbed.mean, 1)} per run).",
                            f"上级平均每次运行吸收了 {num(absorbed.mean, 0)} 项成功创新，每一项还在同级单位中解决了问题。"
                            if absorbed.mean >= 1 else f"几乎没有试点被上级吸收（每次运行 {num(absorbed.mean, 1)} 项）。"))
        return Verdict(key, rule_text(runs.k, runs.seeds_text(),
                                      Text("township cadres' share innovating minus the share avoiding (last "
                                           "year, points)", "最后一年乡镇干部创新比例减避责比例（百分点）"),
                                      Text("more innovate: above +5; about even: −5 to +5; more avoid: below −5",
                                           "创新的多：高于 +5；差不多：−5 至 +5；避责的多：低于 −5")),
                       happened, _this_run_text(one, Text(f"innovate {pct(ti)}, avoid {pct(ta)} in the last year",
                                                           f"最后一年创新 {pct(ti)}，避责 {pct(ta)}")), why, touched)

    return judge


def _labels(options: tuple[Option, ...]) -> Callable[[str], Text]:
    by_key = {o.key: o.label for o in options}
    return lambda key: by_key.get(key, Text(key, key))


def _this_run_text(one: Runs, what: Text) -> Text:
    del one
    return Text(f"In the run on the screen: {what.en}.", f"屏幕上这次运行：{what.zh}。")


CHANGE_BANDS = (Band("fall", -INF, -SAME_BAND), Band("same", -SAME_BAND, SAME_BAND), Band("rise", SAME_BAND, INF))
CHANGE_RULE = Text(f"rises: above +{SAME_BAND:g}; about the same: within ±{SAME_BAND:g}; falls: below −{SAME_BAND:g}",
                   f"上升：高于 +{SAME_BAND:g}；基本不变：±{SAME_BAND:g} 以内；下降：低于 −{SAME_BAND:g}")
REFORM_BANDS = (Band("hardly", -INF, SAME_BAND), Band("little", SAME_BAND, 10.0), Band("clearly", 10.0, INF))
REFORM_RULE = Text(f"clearly: above 10; a little: {SAME_BAND:g}–10; hardly: under {SAME_BAND:g}",
                   f"明显：高于 10；略有：{SAME_BAND:g}–10；几乎没有：低于 {SAME_BAND:g}")


def _judge_change(at: int, options: tuple[Option, ...], indicators: tuple[Indicator, ...],
                  bands: tuple[Band, ...] = CHANGE_BANDS, bands_rule: Text = CHANGE_RULE,
                  before: Text | None = None, spread: bool = True) -> Judge:
    """Township innovation in the year before month ``at`` vs the run's last year, the
    change of each indicator, and (with ``spread``) where blame avoidance rose — or, for a
    recovery (no ``spread``), how soon half of the gain came."""
    label = _labels(options)
    before_text = before or Text(f"the year before month {at}", f"第 {at} 个月之前一年")

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        n = runs.months
        prior, last = (at - WINDOW, at - 1), (n - WINDOW + 1, n)
        a, b = runs.window("township", "innovate", *prior), runs.window("township", "innovate", *last)
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
        elif key is not None and d.lo > 0:
            why += _half_gain(runs, at, float(np.nanmean(a)), float(np.nanmean(b)))
        return Verdict(key, rule_text(runs.k, runs.seeds_text(),
                                      Text(f"the change of township innovation (last year minus {before_text.en}, "
                                           "points)", f"乡镇干部创新比例的变化（最后一年减{before_text.zh}，百分点）"),
                                      bands_rule),
                       happened, _this_run_text(one, Text(f"{pct(ta)} → {pct(tb)}", f"{pct(ta)} → {pct(tb)}")),
                       why, touched)

    return judge


def _half_gain(runs: Runs, at: int, lo: float, hi: float) -> list[Text]:
    """When half of a gain of township innovation was reached (mean over runs)."""
    curve = runs.mean_curve("township", "innovate")
    smooth = np.convolve(curve, np.ones(SMOOTH) / SMOOTH, mode="full")[:len(curve)]
    crossed = np.flatnonzero(smooth[at - 1:] >= lo + 0.5 * (hi - lo))
    if not len(crossed):
        return []
    return [Text(f"Half of the gain was reached {int(crossed[0])} months after month {at} ({SMOOTH}-month "
                 "average of the runs' mean).",
                 f"第 {at} 个月之后第 {int(crossed[0])} 个月恢复了一半的增幅（各次运行均值的 {SMOOTH} 个月滑动平均）。")]


def _judge_retro(start: int, stop: int, options: tuple[Option, ...]) -> Judge:
    label = _labels(options)
    no_drop = Text("innovation hardly fell, so there was nothing to recover", "创新几乎没有下降，谈不上恢复")

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        n = runs.months
        windows = {"pre": (start - WINDOW, start - 1), "tight": (stop - WINDOW, stop - 1),
                   "early": (stop, stop + WINDOW - 1), "late": (n - WINDOW + 1, n)}
        inn = {k: runs.window("township", "innovate", *w) for k, w in windows.items()}
        drop = estimate(100 * (inn["pre"] - inn["tight"]))

        def recovery(which: str):
            def stat(idx: np.ndarray) -> float:
                pre, tight, x = (float(inn[k][idx].mean()) for k in ("pre", "tight", which))
                return (x - tight) / (pre - tight) if pre - tight > 0 else float("nan")
            return bootstrap_ci(stat, runs.k)

        one = _this(this)
        t = {k: float(one.window("township", "innovate", *w)[0]) for k, w in windows.items()}
        this_run = _this_run_text(one, Text(
            f"{pct(t['pre'])} before month {start}, {pct(t['tight'])} just before month {stop}, "
            f"{pct(t['early'])} in the year after, {pct(t['late'])} in the last year",
            f"第 {start} 个月之前 {pct(t['pre'])}，第 {stop} 个月之前 {pct(t['tight'])}，之后一年 {pct(t['early'])}，"
            f"最后一年 {pct(t['late'])}"))
        nums = Text(
            f"Across {runs.k} runs, township innovation was {pct(np.nanmean(inn['pre']))} before month {start}, "
            f"{pct(np.nanmean(inn['tight']))} just before month {stop} (a drop of {_drop(drop)} points), "
            f"{pct(np.nanmean(inn['early']))} in the year after the lift and {pct(np.nanmean(inn['late']))} "
            "in the last year.",
            f"在 {runs.k} 次运行中，乡镇干部的创新比例在第 {start} 个月之前为 {pct(np.nanmean(inn['pre']))}，"
            f"第 {stop} 个月之前为 {pct(np.nanmean(inn['tight']))}（下降 {_drop(drop)} 个百分点），取消后一年为 "
            f"{pct(np.nanmean(inn['early']))}，最后一年为 {pct(np.nanmean(inn['late']))}。")
        rule = rule_text(runs.k, runs.seeds_text(),
                         Text("township innovation: its drop under review, and the share of the drop regained "
                              "after the lift", "乡镇干部创新比例在审查期间的降幅及取消后恢复的比例"),
                         Text(f"a drop must exceed {SAME_BAND:g} points; fully: at least 80 % regained within a "
                              "year; hardly: under 20 % by the end; slowly or partly: in between",
                              f"降幅须超过 {SAME_BAND:g} 个百分点；完全恢复：一年内恢复至少 80%；几乎不恢复：到最后不足 20%；"
                              "介于两者之间为缓慢或部分恢复"), BOOTSTRAP_INTERVAL)
        why = _retro_why(runs, windows, start, stop)
        if drop.n and drop.hi < SAME_BAND:
            return Verdict("no_drop", rule, nums + Text(f"Verdict: {no_drop.en}.", f"结论：{no_drop.zh}。"),
                           this_run, why, [])
        if not (drop.n and drop.lo > SAME_BAND):
            return Verdict(None, rule, nums + Text("Verdict: the runs cannot tell whether innovation fell, so "
                                                   "its recovery cannot be judged.",
                                                   "结论：这些运行无法判定创新是否下降，因而无法判断其恢复情况。"),
                           this_run, why, [])
        r1, r_end = recovery("early"), recovery("late")
        nums += Text(f"Within a year it regained {pct(r1[0])} of the drop [{pct(r1[1])}, {pct(r1[2])}], by the end "
                     f"{pct(r_end[0])} [{pct(r_end[1])}, {pct(r_end[2])}].",
                     f"一年内恢复了降幅的 {pct(r1[0])}（[{pct(r1[1])}, {pct(r1[2])}]），到最后恢复了 "
                     f"{pct(r_end[0])}（[{pct(r_end[1])}, {pct(r_end[2])}]）。")
        lo1, hi1 = (r1[1], r1[2]) if np.isfinite(r1[1]) else (r1[0], r1[0])
        lo2, hi2 = (r_end[1], r_end[2]) if np.isfinite(r_end[1]) else (r_end[0], r_end[0])
        if lo1 >= 0.8:
            key = "fast"
        elif hi2 < 0.2:
            key = "none"
        elif hi1 < 0.8 and lo2 >= 0.2:
            key = "slow"
        else:
            key = None
        touched = [k for k, ok in (("fast", hi1 >= 0.8), ("slow", lo1 < 0.8 and hi2 >= 0.2), ("none", lo2 < 0.2)) if ok]
        return Verdict(key, rule, nums + settled_text(key, touched, label), this_run, why, touched)

    return judge


def _retro_why(runs: Runs, w: dict[str, tuple[int, int]], start: int, stop: int) -> list[Text]:
    bd = {k: runs.window("township", "belief_detection", *win) for k, win in w.items()}
    rise = estimate(bd["tight"] - bd["pre"])
    m = {k: float(np.nanmean(v)) for k, v in bd.items()}
    out: list[Text] = []
    if rise.n and rise.lo > BELIEF_BAND:
        faded = (m["tight"] - m["early"]) / (m["tight"] - m["pre"])
        speed = (Text("Beliefs learnt under the threat faded slowly.", "在威胁下形成的判断消退得很慢。") if faded < 0.5
                 else Text("Beliefs learnt under the threat faded quickly.", "在威胁下形成的判断很快消退了。"))
        out.append(Text(f"Township cadres' believed chance of detection rose from {num(m['pre'])} to {num(m['tight'])} "
                        f"under retroactive review; a year after the lift it was {num(m['early'])} ({pct(faded)} of "
                        f"the rise gone), {num(m['late'])} by the end.",
                        f"“秋后算账”期间，乡镇干部预期被发现的概率从 {num(m['pre'])} 升至 {num(m['tight'])}；取消一年后为 "
                        f"{num(m['early'])}（上升部分消退了 {pct(faded)}），到最后为 {num(m['late'])}。") + speed)
    elif rise.n:
        out.append(Text(f"Township cadres' believed chance of detection hardly rose under retroactive review "
                        f"({num(m['pre'])} → {num(m['tight'])}), so the caution did not come through beliefs "
                        "about detection.",
                        f"“秋后算账”期间乡镇干部预期被发现的概率几乎没有上升（{num(m['pre'])} → {num(m['tight'])}），"
                        "因此谨慎并非来自对“被发现”的判断。"))
    if runs.has("retro_cases"):
        during = estimate(runs.total("all", "retro_cases", start, stop - 1) / max(stop - start, 1))
        after = estimate(runs.total("all", "retro_cases", stop, runs.months) / max(runs.months - stop + 1, 1))
        out.append(Text(f"Retroactive reviews found {num(during.mean, 1)} cases a month while in force and "
                        f"{num(after.mean, 1)} a month after the lift.",
                        f"“秋后算账”实施期间每月查出 {num(during.mean, 1)} 个案例，取消后每月 {num(after.mean, 1)} 个。"))
    return out


PAPER_BANDS = (Band("few", 0.0, 0.10), Band("some", 0.10, 0.50), Band("most", 0.50, INF))
STAGE_COLUMNS = ("cases", "applied", "accepted", "consulted", "approved", "recognised")


def _judge_paper(options: tuple[Option, ...]) -> Judge:
    label = _labels(options)

    def judge(runs: Runs, this: np.ndarray, survey: dict[str, float]) -> Verdict:
        counts = {c: runs.total("all", c) for c in STAGE_COLUMNS}
        share = estimate(_ratio(counts["recognised"], counts["cases"]))
        key, touched = classify(share, PAPER_BANDS)
        coupons = runs.total("all", "coupons")
        happened = Text(
            f"Across {runs.k} runs, of {num(np.nanmean(counts['cases']), 0)} detected good-faith errors per run, "
            f"{pct(share.mean)} [{pct(share.lo)}, {pct(share.hi)}] ended tolerated and recognised; "
            f"{num(np.nanmean(coupons), 1)} per run were tolerated below but not recognised above (local ration "
            "coupons).",
            f"在 {runs.k} 次运行中，每次平均有 {num(np.nanmean(counts['cases']), 0)} 个被发现的善意失误，其中 "
            f"{pct(share.mean)}（[{pct(share.lo)}, {pct(share.hi)}]）最终获容错并被上级认可；每次平均 "
            f"{num(np.nanmean(coupons), 1)} 个本级认定容错但上级不认可（地方粮票）。",
        ) + settled_text(key, touched, label)
        one = _this(this)
        tc, tr = float(one.total("all", "cases")[0]), float(one.total("all", "recognised")[0])
        this_run = _this_run_text(one, Text(f"{tr:.0f} of {tc:.0f} cases tolerated and recognised",
                                            f"{tc:.0f} 个案例中 {tr:.0f} 个获容错并被上级认可"))
        why: list[Text] = []
        mean = [float(np.nanmean(counts[c])) for c in STAGE_COLUMNS]
        if mean[0] > 0:
            losses = [(mean[i] - mean[i + 1], i + 1) for i in range(len(STAGE_COLUMNS) - 1)]
            lost, worst = max(losses)
            why.append(Text(f"Most cases were lost at the stage “{i18n.stage_name(worst, 'en')}”: "
                            f"{num(lost, 1)} of {num(mean[0], 1)} per run.",
                            f"流失最多的环节是“{i18n.stage_name(worst, 'zh')}”：每次运行 {num(mean[0], 1)} 个中流失 "
                            f"{num(lost, 1)} 个。"))
            applied = estimate(_ratio(counts["applied"], counts["cases"]))
            why.append(Text(f"Cadres applied in {pct(applied.mean)} of cases.",
                            f"干部在 {pct(applied.mean)} 的案例中提出了申请。"))
        dk = estimate([s.get("dont_know", np.nan) for s in runs.surveys])
        if dk.n:
            gap = dk.mean - SURVEY_TARGET["dont_know"]
            close = abs(gap) < 0.10
            why.append(Text(f"In the model's survey {pct(dk.mean)} of cadres answer “don't know” (seed 003: "
                            f"{pct(SURVEY_TARGET['dont_know'])}; " + ("close" if close else "far apart") + ").",
                            f"模型问卷中有 {pct(dk.mean)} 的干部回答“不知道”（种子文献003：{pct(SURVEY_TARGET['dont_know'])}；"
                            + ("接近" if close else "相差较大") + "）。"))
        return Verdict(key, rule_text(runs.k, runs.seeds_text(),
                                      Text("the share of detected good-faith errors tolerated and recognised",
                                           "被发现的善意失误中获容错并被上级认可的比例"),
                                      Text("few: under 10 %; some: 10–50 %; most: over 50 %",
                                           "很少：不到 10%；一部分：10%–50%；大多数：超过 50%")),
                       happened, this_run, why, touched)

    return judge


# ----------------------------------------------------------------- lessons
RISE_SAME_FALL = (
    Option("rise", "It rises", "上升"),
    Option("same", "It stays about the same (within 3 points)", "基本不变（变化不超过3个百分点）"),
    Option("fall", "It falls", "下降"),
)
ERA_OPTIONS = (
    Option("innovate", "More of them innovate than avoid blame", "创新的多于避责的"),
    Option("even", "About as many innovate as avoid blame (within 5 points)", "创新与避责的差不多（相差不超过5个百分点）"),
    Option("avoid", "More of them avoid blame than innovate", "避责的多于创新的"),
)
RETRO_OPTIONS = (
    Option("fast", "Fully, within about a year", "一年左右完全恢复"),
    Option("slow", "Only slowly or partly", "只能缓慢或部分恢复"),
    Option("none", "Hardly at all", "几乎不恢复"),
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

_SUP = ("supervision", "supervision_channels")
_VETO = ("one_veto_targets", "vague_requirements", "amplification", "paperwork_load")
_RETRO = ("retroactive_risk", "standard_drift")
FLEX, TIGHT = "flexible_experimentation", "tightened_accountability"

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "trial_and_error", "The era of trial and error", "试错的年代",
        FLEX, 60, (),
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
        "supervision_tightens", "Supervision tightens", "监督收紧",
        FLEX, 84, ((36, _values(TIGHT, _SUP)),),
        "Since 2012 supervision has been strengthened through many overlapping channels — “one person "
        "works, N people watch” (S000-04b, S000-05). The sources argue that the resulting accountability "
        "pressure spread blame-avoidance thinking through every level (S000-18).",
        "2012年以来，监督体系通过多个条口叠加而不断强化——“一个人干活N个人看”（S000-04b、S000-05）。"
        "文献认为，由此带来的问责压力使避责思维在各级政府中蔓延开来（S000-18）。",
        ("S000-04b", "S000-05", "S000-18", "S003-15"),
        "At month 36 more supervision channels watch and each detects more; nothing else changes. What "
        "happens to the share of township cadres who innovate?",
        "第36个月起，监督渠道增多，每个渠道的发现概率也提高，其他条件不变。乡镇干部中选择创新的比例会怎样？",
        RISE_SAME_FALL,
        _judge_change(36, RISE_SAME_FALL, (BELIEF_DETECTION,)),
        "Cadres decide on what they believe. Every detected failure and every publicised sanction raises "
        "believed detection, and bad news is learnt faster than good. Errors of commission are visible "
        "while omission rarely is (S003-15), so innovation is what cadres drop first; imitation carries "
        "the caution to peers and across levels (S000-18).",
        "干部依据自己的主观判断做决定。每一次被发现的失误、每一次通报的处分都会提高他们对被发现概率的估计，"
        "而坏消息比好消息学得更快。“做错”容易被看见，“不做”很少被追究（S003-15），所以干部最先放弃的是创新；"
        "模仿又把这种谨慎传给同级和其他层级（S000-18）。",
        ("fall",),
        "the dotted line at month 36 in the shares chart and the believed detection by level.",
        "比例图中第36个月的虚线，以及各层级干部预期被发现的概率。",
    ),
    Lesson(
        "one_veto_targets", "One-veto targets multiply", "一票否决指标增多",
        FLEX, 84, ((36, _values(TIGHT, _VETO)),),
        "One-veto targets keep multiplying (S000-08), and under strong supervision vague requirements "
        "turn into invisible one-veto targets (S000-10). Targets plus meetings, documents, forms and "
        "ledgers exhaust cadres' attention, leaving no energy for innovation (S000-11).",
        "“一票否决”式指标越来越多（S000-08），在强监督下，模糊要求被扩大为“无形”的一票否决指标（S000-10）。"
        "繁重的指标加上海量的会议、文件、表格、台账耗尽了干部的注意力，使其无暇创新（S000-11）。",
        ("S000-08", "S000-10", "S000-11", "S000-21b"),
        "At month 36 one-veto targets, vague requirements, their amplification down the levels and "
        "paperwork all grow; supervision stays as it was. What happens to the share of township cadres "
        "who innovate?",
        "第36个月起，一票否决指标、模糊要求、层层加码和文牍负担都增加了，监督保持不变。乡镇干部中选择创新的比例会怎样？",
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
        "retroactive_accountability", "Retroactive accountability", "秋后算账",
        FLEX, 108, ((30, _values(TIGHT, _RETRO)), (66, _values(FLEX, _RETRO))),
        "Cadres fear “settling accounts after the harvest”: what is compliant today may be punished "
        "tomorrow (S000-06, S000-06b). Even after the centre loosens, cadres who became “birds startled "
        "by the bow” keep acting as if the old risks were still there (S000-12b).",
        "干部担心“秋后算账”：今天合规的做法明天可能被问责（S000-06、S000-06b）。即使中央“松绑”，"
        "成为“惊弓之鸟”的干部仍按旧的风险行事（S000-12b）。",
        ("S000-06", "S000-06b", "S000-12", "S000-12b"),
        "Retroactive review starts at month 30 and is lifted again at month 66. After it is lifted, how "
        "does township innovation recover?",
        "“秋后算账”从第30个月开始，第66个月取消。取消之后，乡镇干部的创新会如何恢复？",
        RETRO_OPTIONS,
        _judge_retro(30, 66, RETRO_OPTIONS),
        "A review under today's standards can punish what was compliant when done, and innovations — "
        "non-standard by nature — are the most exposed records. Cadres learn bad news faster than good "
        "(the negativity bias), so once the risk is lifted their beliefs and their colleagues' example "
        "recover only gradually (S000-12b).",
        "按今天的标准审查过去，可能惩罚当时合规的行为，而创新因为不合常规，是最容易被翻出来的记录。"
        "干部学习坏消息比好消息快（负面偏差），所以风险取消后，他们的判断和同事的示范只会逐渐恢复（S000-12b）。",
        ("slow", "none"),
        "the two dotted lines and the believed detection of township cadres after month 66.",
        "两条虚线，以及第66个月之后乡镇干部预期被发现的概率。",
    ),
    Lesson(
        "tolerance_on_paper", "Tolerance on paper vs in practice", "纸面上的容错与实践中的容错",
        "tolerance_on_paper", 72, (),
        "Tolerance texts are rich but practice is poor (S003-07): in seed 003's survey only {many} said "
        "their area had applied the mechanism many times and {dont_know} did not know (S003-06). Unclear "
        "standards, disagreement between levels (“local ration coupons”) and the discipline commission's "
        "view that an error is still an error keep cases from getting through (S003-08, S003-09, S003-10).",
        "容错机制“文本丰富、实践匮乏”（S003-07）：种子文献003的调查中，只有 {many} 的受访者回答“有，而且很多”，"
        "{dont_know} 表示“不了解”（S003-06）。标准不清、上下级意见不一（“地方粮票”）以及纪委“错终究是错”的看法，"
        "使案例难以走完程序（S003-08、S003-09、S003-10）。",
        ("S003-06", "S003-07", "S003-08", "S003-09", "S003-10"),
        "The written tolerance provision is strong. Of the good-faith errors that supervision detects, "
        "what share will end tolerated and recognised by the upper level?",
        "成文的容错规定力度很大。被监督发现的善意失误中，最终获容错并被上级认可的比例会是多少？",
        PAPER_OPTIONS,
        _judge_paper(PAPER_OPTIONS),
        "The lever only strengthens the written provision. A case must pass every stage: cadres unsure "
        "what can be tolerated seldom apply (S003-08), public intolerance blocks high-profile cases "
        "(S003-11), the discipline commission holds that a tolerable error is still an error (S003-10), "
        "and the upper level may refuse to recognise the decision (S003-09). Few tolerated cases are "
        "publicised, so most cadres never hear of one — hence “don't know”.",
        "这个杠杆只加强了成文规定。一个案例必须走完每个环节：不清楚哪些错误可以容错的干部很少申请（S003-08），"
        "公众的不宽容挡住了高关注度案例（S003-11），纪委认为可容之错也是错（S003-10），上级还可能不认可下级的认定"
        "（S003-09）。获容错的案例很少公开，大多数干部从未听说过——于是回答“不知道”。",
        ("few",),
        "the funnel (where the cases drop out, and the red local ration coupons) and the survey chart.",
        "容错漏斗（案例在哪个环节流失，红色的“地方粮票”）和问卷对照图。",
    ),
    Lesson(
        "reform_package", "The reform package", "改革组合拳",
        TIGHT, 108, ((48, _diff(TIGHT, "reform_package")),),
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
        _judge_change(48, REFORM_OPTIONS,
                      (FREE_ATTENTION, BELIEF_DETECTION_REFORM, BELIEF_TOLERANCE, TOLERATED_SHARE),
                      REFORM_BANDS, REFORM_RULE, Text("the year before the reform", "改革前一年"), spread=False),
        "The remedies act on different links: fewer, less rigid targets free attention (S000-20); "
        "flexible supervision lowers the risk of acting (S000-20b); clear standards and inter-level "
        "consensus let the tolerance procedure work in practice (S003-12b, S003-09); publicised cases "
        "let cadres learn that tolerance is real (S003-14b). Beliefs move slowly, so recovery takes time.",
        "各项对策作用于不同环节：更少、更有弹性的指标释放注意力（S000-20）；弹性监督降低了作为的风险（S000-20b）；"
        "清晰的标准和上下级共识让容错程序在实践中运转（S003-12b、S003-09）；公开容错案例让干部相信容错是真的"
        "（S003-14b）。主观判断变化缓慢，所以恢复需要时间。",
        ("clearly", "little"),
        "the shares after the dotted line at month 48, the funnel and the believed tolerance by level.",
        "第48个月虚线之后的比例变化、容错漏斗和各层级预期获容错的概率。",
    ),
)

BY_KEY: dict[str, Lesson] = {lesson.key: lesson for lesson in LESSONS}


def get(key: str) -> Lesson:
    if key not in BY_KEY:
        from model.errors import CadreSimError

        raise CadreSimError(f"lesson = {key!r} is invalid: allowed are {', '.join(BY_KEY)}")
    return BY_KEY[key]
