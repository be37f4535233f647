"""Guided lessons that follow the argument of the two sources.

Each lesson sets up a scenario (and, where the argument is about a change, a regime
switch part-way through), states the claim with its passage IDs from
``docs/sources.md``, asks the student to predict, runs, and then explains what the run
actually did. Every number in the explanation is measured on the run, so a lesson stays
honest whatever the parameters and seed: when the model disagrees with the prediction
(or with the source) the student sees it.

Lever values in a switch are taken from the model's own scenarios, never restated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from dashboards import i18n
from dashboards.session import Simulation
from dashboards.views import COL, ROW
from model.hierarchy import LEVELS
from model.metrics import SURVEY_TARGET
from model.params import DEFAULTS
from model.scenarios import SCENARIOS

WINDOW = 12       # months averaged for "before" and "after"
SAME_BAND = 0.03  # share changes smaller than 3 points count as "about the same"


@dataclass(frozen=True)
class Option:
    key: str
    en: str
    zh: str

    def text(self, lang: str) -> str:
        return i18n.pick(lang, self.en, self.zh)


@dataclass(frozen=True)
class Outcome:
    key: str      # an option key, or a key no option has (e.g. nothing to recover)
    en: str
    zh: str

    def text(self, lang: str) -> str:
        return i18n.pick(lang, self.en, self.zh)


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
    measure: Callable[[np.ndarray, Simulation], Outcome]
    why_en: str
    why_zh: str
    look_en: str
    look_zh: str

    def title(self, lang: str) -> str:
        return i18n.pick(lang, self.title_en, self.title_zh)

    def claim(self, lang: str) -> str:
        return i18n.pick(lang, self.claim_en, self.claim_zh).format(**_claim_fields())

    def question(self, lang: str) -> str:
        return i18n.pick(lang, self.question_en, self.question_zh)

    def why(self, lang: str) -> str:
        return i18n.pick(lang, self.why_en, self.why_zh)

    def look(self, lang: str) -> str:
        return i18n.pick(lang, self.look_en, self.look_zh)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    # ------------------------------------------------------------- running
    def setup(self, sim: Simulation) -> None:
        """Put the session into this lesson's starting state (keeps preset and seed)."""
        sim.configure(scenario=self.scenario, overrides={}, schedule=self.schedule)

    def remaining(self, sim: Simulation) -> int:
        return max(self.steps - sim.steps, 0)

    def evaluate(self, sim: Simulation) -> Outcome:
        with sim.lock:
            hist = sim.model.history_array()
        return self.measure(hist, sim)

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


def _claim_fields() -> dict[str, str]:
    return {k: f"{100 * v:.2f}%" for k, v in SURVEY_TARGET.items()}


def _fmt(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def describe_changes(changes: Mapping[str, Any], lang: str, before: Mapping[str, Any]) -> str:
    sep = "，" if lang == "zh" else ", "
    return sep.join(f"{i18n.param_label(n, lang)} {_fmt(before[n])} → {_fmt(v)}" for n, v in changes.items())


# -------------------------------------------------------------- measurements
def window(hist: np.ndarray, level: str, column: str, first: int, last: int) -> float:
    """Mean of ``column`` at ``level`` over months ``first``..``last`` (1-based, inclusive)."""
    rows = hist[max(first, 1) - 1: max(last, 0), ROW[level], COL[column]]
    return float(np.nanmean(rows)) if len(rows) else float("nan")


def direction(before: float, after: float, band: float = SAME_BAND) -> str:
    if not (np.isfinite(before) and np.isfinite(after)):
        return "same"
    if after - before > band:
        return "rise"
    if before - after > band:
        return "fall"
    return "same"


def pct(x: float) -> str:
    return f"{100 * x:.1f}%" if np.isfinite(x) else "–"


def _values(scenario: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Values of ``names`` in ``scenario`` (schema default where it sets none)."""
    p = SCENARIOS[scenario].params
    return {n: p.get(n, DEFAULTS[n]) for n in names}


def _diff(src: str, dst: str) -> dict[str, Any]:
    """Every value scenario ``dst`` sets differently from scenario ``src``."""
    a = {**DEFAULTS, **SCENARIOS[src].params}
    b = {**DEFAULTS, **SCENARIOS[dst].params}
    return {n: b[n] for n in b if b[n] != a[n]}


def _level_name(i: int, lang: str) -> str:
    return i18n.level_name(i, lang)


def _biggest_rise(hist: np.ndarray, column: str, first: tuple[int, int], second: tuple[int, int]
                  ) -> tuple[int, float, float]:
    deltas = []
    for i, lv in enumerate(LEVELS):
        a, b = window(hist, lv, column, *first), window(hist, lv, column, *second)
        deltas.append((b - a if np.isfinite(a) and np.isfinite(b) else -np.inf, i, a, b))
    _, i, a, b = max(deltas)
    return i, a, b


RISE_SAME_FALL = (
    Option("rise", "It rises", "上升"),
    Option("same", "It stays about the same (within 3 points)", "基本不变（变化不超过3个百分点）"),
    Option("fall", "It falls", "下降"),
)


def _measure_era(hist: np.ndarray, sim: Simulation) -> Outcome:
    n = len(hist)
    inn = window(hist, "township", "innovate", n - WINDOW + 1, n)
    avo = window(hist, "township", "avoid", n - WINDOW + 1, n)
    absorbed = float(hist[:, ROW["all"], COL["absorbed"]].sum()) if n else 0.0
    key = "innovate" if inn - avo > 0.05 else "avoid" if avo - inn > 0.05 else "even"
    return Outcome(
        key,
        f"in the last year {pct(inn)} of township cadres innovated and {pct(avo)} avoided blame each "
        f"month; upper levels absorbed {absorbed:.0f} successful innovations, each solving problems in "
        "the sibling units too.",
        f"最后一年，乡镇干部中每月有 {pct(inn)} 选择创新、{pct(avo)} 选择避责；上级共吸纳了 {absorbed:.0f} "
        "项成功创新，每一项都在同级单位中解决了问题。",
    )


def _measure_change(at: int, column_extra: str, extra_en: str, extra_zh: str
                    ) -> Callable[[np.ndarray, Simulation], Outcome]:
    """Township innovation in the year before month ``at`` vs the run's last year."""

    def measure(hist: np.ndarray, sim: Simulation) -> Outcome:
        n = len(hist)
        before = (at - WINDOW, at - 1)
        after = (n - WINDOW + 1, n)
        a = window(hist, "township", "innovate", *before)
        b = window(hist, "township", "innovate", *after)
        c = window(hist, "township", column_extra, *before)
        d = window(hist, "township", column_extra, *after)
        lv, x, y = _biggest_rise(hist, "avoid", before, after)
        key = direction(a, b)
        return Outcome(
            key,
            f"township innovation went from {pct(a)} (year before month {at}) to {pct(b)} (last year); "
            f"{extra_en} went from {c:.2f} to {d:.2f}. Blame avoidance rose most at the "
            f"{_level_name(lv, 'en')} level ({pct(x)} → {pct(y)}).",
            f"乡镇干部的创新比例从 {pct(a)}（第 {at} 个月之前一年）变为 {pct(b)}（最后一年）；"
            f"{extra_zh}从 {c:.2f} 变为 {d:.2f}。避责比例上升最多的是{_level_name(lv, 'zh')}一级"
            f"（{pct(x)} → {pct(y)}）。",
        )

    return measure


def _measure_retro(start: int, stop: int) -> Callable[[np.ndarray, Simulation], Outcome]:
    def measure(hist: np.ndarray, sim: Simulation) -> Outcome:
        n = len(hist)
        pre = window(hist, "township", "innovate", start - WINDOW, start - 1)
        tight = window(hist, "township", "innovate", stop - WINDOW, stop - 1)
        early = window(hist, "township", "innovate", stop, stop + WINDOW - 1)
        late = window(hist, "township", "innovate", n - WINDOW + 1, n)
        bd = (window(hist, "township", "belief_detection", stop - WINDOW, stop - 1),
              window(hist, "township", "belief_detection", n - WINDOW + 1, n))
        drop = pre - tight
        nums_en = (f"township innovation: {pct(pre)} before month {start}, {pct(tight)} just before "
                   f"month {stop}, {pct(early)} in the year after, {pct(late)} in the last year; "
                   f"believed detection {bd[0]:.2f} → {bd[1]:.2f}.")
        nums_zh = (f"乡镇干部的创新比例：第 {start} 个月之前为 {pct(pre)}，第 {stop} 个月之前为 {pct(tight)}，"
                   f"之后一年为 {pct(early)}，最后一年为 {pct(late)}；预期被发现的概率 {bd[0]:.2f} → {bd[1]:.2f}。")
        if not (np.isfinite(drop) and drop > SAME_BAND):
            return Outcome("no_drop", "innovation hardly fell, so there was little to recover: " + nums_en,
                           "创新比例几乎没有下降，因此谈不上恢复：" + nums_zh)
        fast = (early - tight) / drop
        total = (late - tight) / drop
        key = "fast" if fast >= 0.8 else "none" if total < 0.2 else "slow"
        return Outcome(key, f"{nums_en} Within a year it regained {pct(fast)} of the drop, by the end {pct(total)}.",
                       f"{nums_zh}一年内恢复了下降幅度的 {pct(fast)}，到最后恢复了 {pct(total)}。")

    return measure


def _measure_paper(hist: np.ndarray, sim: Simulation) -> Outcome:
    rows = hist[:, ROW["all"], :]
    stages = ("cases", "applied", "accepted", "consulted", "approved", "recognised")
    counts = [float(rows[:, COL[c]].sum()) for c in stages]
    coupons = float(rows[:, COL["coupons"]].sum())
    with sim.lock:
        survey = sim.model.survey()
        eff = sim.model.effective_tolerance()
    n, k = counts[0], counts[-1]
    share = k / n if n > 0 else eff
    key = "most" if share > 0.5 else "some" if share >= 0.1 else "few"
    losses = [(counts[i] - counts[i + 1], i + 1) for i in range(5)]
    worst = max(losses)[1]
    return Outcome(
        key,
        f"of {n:.0f} detected good-faith errors, {k:.0f} ({pct(share)}) were tolerated and recognised, "
        f"and {coupons:.0f} were tolerated locally but not recognised above (local ration coupons). The "
        f"most cases were lost at '{i18n.stage_name(worst, 'en')}'. In the survey {pct(survey['dont_know'])} "
        f"of cadres answer “don't know” (seed 003: {pct(SURVEY_TARGET['dont_know'])}).",
        f"在 {n:.0f} 个被发现的善意失误中，{k:.0f} 个（{pct(share)}）获容错并被上级认可，{coupons:.0f} 个本级认定容错"
        f"但上级不认可（地方粮票）。流失最多的环节是“{i18n.stage_name(worst, 'zh')}”。问卷中 {pct(survey['dont_know'])} "
        f"的干部回答“不知道”（种子文献003：{pct(SURVEY_TARGET['dont_know'])}）。",
    )


def _measure_reform(at: int) -> Callable[[np.ndarray, Simulation], Outcome]:
    def measure(hist: np.ndarray, sim: Simulation) -> Outcome:
        n = len(hist)
        a = window(hist, "township", "innovate", at - WINDOW, at - 1)
        b = window(hist, "township", "innovate", n - WINDOW + 1, n)
        t0 = window(hist, "township", "belief_tolerance", at - WINDOW, at - 1)
        t1 = window(hist, "township", "belief_tolerance", n - WINDOW + 1, n)
        gain = b - a if np.isfinite(a) and np.isfinite(b) else 0.0
        key = "clearly" if gain > 0.10 else "little" if gain >= SAME_BAND else "hardly"
        return Outcome(
            key,
            f"township innovation went from {pct(a)} (year before the reform) to {pct(b)} (last year), "
            f"a change of {100 * gain:+.1f} points; believed tolerance went from {t0:.2f} to {t1:.2f}.",
            f"乡镇干部的创新比例从 {pct(a)}（改革前一年）变为 {pct(b)}（最后一年），变化 {100 * gain:+.1f} 个百分点；"
            f"预期获容错的概率从 {t0:.2f} 变为 {t1:.2f}。",
        )

    return measure


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
        (Option("innovate", "More of them innovate than avoid blame", "创新的多于避责的"),
         Option("even", "About as many innovate as avoid blame (within 5 points)", "创新与避责的差不多（相差不超过5个百分点）"),
         Option("avoid", "More of them avoid blame than innovate", "避责的多于创新的")),
        _measure_era,
        "When supervision is light and failure is implicitly tolerated, the expected cost of a failed "
        "experiment is small next to the gains of success — promotion, recognition, problems solved. "
        "Upper levels absorb what works, so one success solves problems in the sibling units too: the "
        "system-level value of experimentation (S000-03).",
        "在监督较轻、失败被默许容忍时，试验失败的预期代价远小于成功带来的晋升、认可和问题的解决。"
        "上级吸收成功经验，一项成功还能在同级单位中解决问题——这就是政策试验对整个体系的价值（S000-03）。",
        "the tree (mostly teal slices), the shares at each level, and how few cases ever reach the funnel.",
        "层级图（以青绿色为主）、各层级的比例曲线，以及进入容错漏斗的案例之少。",
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
        _measure_change(36, "belief_detection", "their believed chance of detection",
                        "他们预期被发现的概率"),
        "Cadres decide on what they believe. Every detected failure and every publicised sanction raises "
        "believed detection, and bad news is learnt faster than good. Errors of commission are visible "
        "while omission rarely is (S003-15), so innovation is what cadres drop first; imitation carries "
        "the caution to peers and across levels (S000-18).",
        "干部依据自己的主观判断做决定。每一次被发现的失误、每一次通报的处分都会提高他们对被发现概率的估计，"
        "而坏消息比好消息学得更快。“做错”容易被看见，“不做”很少被追究（S003-15），所以干部最先放弃的是创新；"
        "模仿又把这种谨慎传给同级和其他层级（S000-18）。",
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
        _measure_change(36, "free_attention", "their free attention (cadre-months)", "他们的剩余注意力（人·月）"),
        "Each one-veto target takes attention and can fail, and every level adds to the targets it passes "
        "down (层层加码). With little free attention an innovation is less likely to succeed, so even "
        "cadres who want to innovate find it a worse bet — they are buried in “mountains of documents "
        "and seas of forms” (S000-11, S000-21b).",
        "每项一票否决指标都占用注意力并可能失守，而每一级在下达指标时还会层层加码。剩余注意力越少，创新越难成功，"
        "即使想创新的干部也会觉得不划算——他们被“文山表海”压得无暇他顾（S000-11、S000-21b）。",
        "free attention falling first at the townships (the bottom of the cascade), then innovation.",
        "剩余注意力首先在乡镇（指标层层下压的最底层）下降，随后创新减少。",
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
        (Option("fast", "Fully, within about a year", "一年左右完全恢复"),
         Option("slow", "Only slowly or partly", "只能缓慢或部分恢复"),
         Option("none", "Hardly at all", "几乎不恢复")),
        _measure_retro(30, 66),
        "A review under today's standards can punish what was compliant when done, and innovations — "
        "non-standard by nature — are the most exposed records. Cadres learn bad news faster than good "
        "(the negativity bias), so once the risk is lifted their beliefs and their colleagues' example "
        "recover only gradually (S000-12b).",
        "按今天的标准审查过去，可能惩罚当时合规的行为，而创新因为不合常规，是最容易被翻出来的记录。"
        "干部学习坏消息比好消息快（负面偏差），所以风险取消后，他们的判断和同事的示范只会逐渐恢复（S000-12b）。",
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
        (Option("most", "Most of them (over 50%)", "大多数（超过50%）"),
         Option("some", "Some (10–50%)", "一部分（10%–50%）"),
         Option("few", "Few (under 10%)", "很少（不到10%）")),
        _measure_paper,
        "The lever only strengthens the written provision. A case must pass every stage: cadres unsure "
        "what can be tolerated seldom apply (S003-08), public intolerance blocks high-profile cases "
        "(S003-11), the discipline commission holds that a tolerable error is still an error (S003-10), "
        "and the upper level may refuse to recognise the decision (S003-09). Few tolerated cases are "
        "publicised, so most cadres never hear of one — hence “don't know”.",
        "这个杠杆只加强了成文规定。一个案例必须走完每个环节：不清楚哪些错误可以容错的干部很少申请（S003-08），"
        "公众的不宽容挡住了高关注度案例（S003-11），纪委认为可容之错也是错（S003-10），上级还可能不认可下级的认定"
        "（S003-09）。获容错的案例很少公开，大多数干部从未听说过——于是回答“不知道”。",
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
        (Option("clearly", "Clearly (by more than 10 points)", "明显恢复（超过10个百分点）"),
         Option("little", "A little (3–10 points)", "略有恢复（3–10个百分点）"),
         Option("hardly", "Hardly (under 3 points)", "几乎没有恢复（不到3个百分点）")),
        _measure_reform(48),
        "The remedies act on different links: fewer, less rigid targets free attention (S000-20); "
        "flexible supervision lowers the risk of acting (S000-20b); clear standards and inter-level "
        "consensus let the tolerance procedure work in practice (S003-12b, S003-09); publicised cases "
        "let cadres learn that tolerance is real (S003-14b). Beliefs move slowly, so recovery takes time.",
        "各项对策作用于不同环节：更少、更有弹性的指标释放注意力（S000-20）；弹性监督降低了作为的风险（S000-20b）；"
        "清晰的标准和上下级共识让容错程序在实践中运转（S003-12b、S003-09）；公开容错案例让干部相信容错是真的"
        "（S003-14b）。主观判断变化缓慢，所以恢复需要时间。",
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
