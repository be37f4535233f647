"""The parameter schema: the single source of truth for every model parameter.

Defaults, allowed ranges, units, bilingual labels and descriptions and the source
passage of each parameter live here and nowhere else. Validation, the CLI, sweep
specs, the dashboard's controls and the ODD parameter table are all generated from
:data:`SCHEMA`. Source IDs (``S000-05`` …) refer to ``docs/sources.md``.

One model step is one month.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from model.errors import CadreSimError

LEVERS: tuple[str, ...] = ("supervision", "one_veto_targets", "retroactive_risk", "tolerance")


class ParamError(CadreSimError):
    """A parameter name or value that the schema does not allow (one readable line)."""


@dataclass(frozen=True)
class Param:
    name: str
    default: float | int
    low: float | int
    high: float | int
    unit: str
    group: str
    label_en: str
    label_zh: str
    en: str
    zh: str
    source: str
    kind: str = "float"  # "float" or "int"

    @property
    def is_lever(self) -> bool:
        return self.name in LEVERS

    def allowed(self) -> str:
        kind = "an integer" if self.kind == "int" else "a number"
        return f"{kind} in [{self.low}, {self.high}]"

    def validate(self, value: Any) -> float | int:
        """Return ``value`` as this parameter's type, or raise :class:`ParamError`."""
        bad = f"parameter '{self.name}' = {value!r} is invalid: allowed is {self.allowed()}"
        if isinstance(value, bool):
            raise ParamError(bad)
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise ParamError(bad) from None
        if not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
            raise ParamError(bad)
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ParamError(bad) from None
        if math.isnan(x) or math.isinf(x):
            raise ParamError(bad)
        if self.kind == "int":
            if x != int(x):
                raise ParamError(bad)
            x = int(x)
        if not (self.low <= x <= self.high):
            raise ParamError(bad)
        return x


def _p(name, default, low, high, unit, group, label_en, label_zh, en, zh, source, kind="float"):
    return Param(name, default, low, high, unit, group, label_en, label_zh, en, zh, source, kind)


# Groups in display order; the dashboard shows "levers" up front, the rest collapsed.
GROUPS: dict[str, tuple[str, str]] = {
    "levers": ("The four levers", "四个政策杠杆"),
    "supervision": ("Supervision and accountability", "监督与问责"),
    "attention": ("Targets, paperwork and attention", "指标、文牍与注意力"),
    "decision": ("Decision under risk", "风险下的决策"),
    "avoidance": ("Forms of blame avoidance", "避责形式"),
    "tolerance": ("Tolerance procedure", "容错程序"),
    "learning": ("Learning and imitation", "学习与模仿"),
    "dynamics": ("Problems, experimentation and careers", "问题、试验与仕途"),
}

_PARAMS: list[Param] = [
    # ------------------------------------------------------------------ levers
    _p("supervision", 0.30, 0.0, 1.0, "probability per channel per month", "levers",
       "Supervision intensity", "监督强度",
       "Chance that one supervision channel detects an irregular act in a month; overall "
       "detection combines `supervision_channels` overlapping channels.",
       "单一监督渠道在一个月内发现违规行为的概率；总体发现概率由多个叠加的监督渠道共同决定。",
       "S000-04, S000-05, S000-07"),
    _p("one_veto_targets", 4, 0, 30, "targets", "levers",
       "One-veto targets", "一票否决指标数",
       "Number of one-veto targets (stability, safety, environment, poverty, integrity …) "
       "imposed by the centre; each consumes attention and can fail.",
       "中央层面设定的一票否决指标数量（维稳、安全、环保、扶贫、廉政……），每项都占用注意力并可能失守。",
       "S000-08", "int"),
    _p("retroactive_risk", 0.10, 0.0, 1.0, "probability per month", "levers",
       "Retroactive accountability risk", "秋后算账风险",
       "Chance per month that a cadre's past record within the look-back window is "
       "re-examined under today's (drifted) standards.",
       "干部在回溯期内的过往记录每月被按今天（已漂移）的标准重新审查的概率。",
       "S000-06"),
    _p("tolerance", 0.50, 0.0, 1.0, "index (0 = no provision, 1 = strong provision)", "levers",
       "Formal tolerance provision", "容错制度（文本）强度",
       "Strength of the written tolerance (容错) provisions. It scales the application "
       "and the committee-determination stages of the tolerance procedure; whether a "
       "case is actually tolerated emerges from all stages.",
       "成文容错规定的力度。它作用于容错程序的申请和同级党委审议两个环节；"
       "一个案例最终能否被容错取决于全部环节。",
       "S003-03, S003-04, S003-05"),
    # ------------------------------------------------------------- supervision
    _p("supervision_channels", 3, 1, 10, "channels", "supervision",
       "Overlapping supervision channels", "叠加监督渠道数",
       "Independent channels (inspection tours, discipline, audit, supervision, cross "
       "checks) that can each detect the same act: 'one works, N watch'.",
       "可独立发现同一行为的监督渠道数（巡视、纪检、审计、督查、交叉检查）：“一人干活，多人监督”。",
       "S000-05", "int"),
    _p("omission_visibility", 0.15, 0.0, 1.0, "ratio", "supervision",
       "Visibility of omission", "不作为的可见度",
       "How visible inaction is to supervision relative to a failed act (commission = 1).",
       "相对于“做错”（记为 1），“不做”被监督发现的程度。",
       "S000-17, S003-15"),
    _p("lookback", 12, 1, 36, "months", "supervision",
       "Look-back window", "回溯期",
       "How far back a retroactive review reaches into a cadre's record.",
       "秋后算账回溯审查干部记录的时间跨度。",
       "S000-06", "int"),
    _p("standard_drift", 0.15, 0.0, 1.0, "probability per reviewed act", "supervision",
       "Drift of standards", "标准漂移",
       "Chance that an act compliant when taken is judged irregular when reviewed later "
       "(innovations, being non-standard, are twice as exposed).",
       "当时合规的行为在事后审查中被认定为违规的概率（创新行为因不合常规，暴露度加倍）。",
       "S000-06, S000-13"),
    _p("sanction_scale", 2.5, 0.0, 20.0, "utility units (moderate sanction)", "supervision",
       "Weight of a sanction", "处分的分量",
       "Disutility of a moderate sanction; mild = 0.25x, severe = 2.5x (severe also "
       "removes the cadre from post).",
       "一次中等处分的负效用；轻微为 0.25 倍，严重为 2.5 倍（严重处分同时免职）。",
       "S000-17, S003-01"),
    # ---------------------------------------------------------------- attention
    _p("attention_budget", 1.0, 0.1, 3.0, "cadre-months", "attention",
       "Attention budget", "注意力预算",
       "Working attention of one cadre per month.",
       "每名干部每月可支配的工作注意力。",
       "S000-11"),
    _p("routine_load", 0.35, 0.0, 2.0, "cadre-months", "attention",
       "Routine workload", "常规工作负荷",
       "Attention routine tasks take per cadre per month.",
       "常规任务每月占用每名干部的注意力。",
       "S000-09"),
    _p("paperwork_load", 0.20, 0.0, 2.0, "cadre-months", "attention",
       "Paperwork load", "文牍负担",
       "Attention taken by meetings, documents, forms and ledgers (文山会海, 表海).",
       "会议、文件、表格、台账（文山会海、表海）占用的注意力。",
       "S000-11, S000-21"),
    _p("veto_attention", 0.025, 0.0, 0.5, "cadre-months per target", "attention",
       "Attention per one-veto target", "每项一票否决指标的注意力",
       "Attention each (effective) one-veto target takes per cadre per month.",
       "每项（有效）一票否决指标每月占用每名干部的注意力。",
       "S000-08, S000-11"),
    _p("amplification", 0.15, 0.0, 1.0, "fraction per level", "attention",
       "Pressure amplification per level", "层层加码",
       "Each level below the centre multiplies the targets it passes on by (1 + this).",
       "中央以下每一级在下达指标时乘以 (1 + 该值)。",
       "S000-08, S000-17"),
    _p("vague_requirements", 4.0, 0.0, 20.0, "requirements", "attention",
       "Vague requirements", "模糊要求",
       "Vague requirements that become invisible one-veto targets in proportion to "
       "supervision intensity.",
       "在强监督下按监督强度比例转化为隐性一票否决指标的模糊要求数量。",
       "S000-10"),
    _p("leader_duty", 1.5, 1.0, 3.0, "multiplier", "attention",
       "Leaders' extra duties", "领导干部的额外职责",
       "Leaders' workload and error rate relative to ordinary cadres.",
       "领导干部相对于普通干部的工作量和出错率倍数。",
       "S003-13"),
    _p("innovation_attention", 0.25, 0.01, 1.0, "cadre-months", "attention",
       "Attention an innovation needs", "创新所需注意力",
       "Free attention a cadre needs to carry an innovation through; with less, the "
       "chance of success shrinks proportionally.",
       "干部推进一项创新所需的剩余注意力；不足时成功率按比例下降。",
       "S000-11, S000-21"),
    _p("resources", 1.0, 0.2, 3.0, "relative to baseline", "attention",
       "Resources", "资源",
       "Staff and funds relative to the baseline: scale attention and innovation success.",
       "相对于基准的人员和经费：放大注意力预算和创新成功率。",
       "S000-04, S000-09"),
    # ----------------------------------------------------------------- decision
    _p("rationality", 2.0, 0.0, 20.0, "1 / utility unit", "decision",
       "Choice rationality (logit β)", "决策理性程度（logit β）",
       "Precision of the logit choice: 0 = random, large = always the best option.",
       "logit 选择的精确度：0 为随机，越大越倾向于选择效用最高的选项。",
       "Bounded rationality (McFadden 1974)"),
    _p("loss_aversion", 2.25, 1.0, 5.0, "ratio", "decision",
       "Loss aversion (λ)", "损失厌恶（λ）",
       "How much more a loss weighs than an equal gain.",
       "损失相对于等量收益的权重倍数。",
       "Tversky & Kahneman 1992; S003-01"),
    _p("value_curvature", 0.88, 0.2, 1.0, "exponent", "decision",
       "Value curvature (α)", "价值函数曲率（α）",
       "Diminishing sensitivity of the prospect-theory value function.",
       "前景理论价值函数的敏感度递减指数。",
       "Tversky & Kahneman 1992"),
    _p("probability_weighting", 0.69, 0.3, 1.0, "exponent", "decision",
       "Probability weighting (γ)", "概率权重（γ）",
       "Curvature of the probability weighting function: small risks loom large.",
       "概率权重函数的曲率：小概率风险被高估。",
       "Tversky & Kahneman 1992"),
    _p("promotion_value", 2.0, 0.0, 10.0, "utility units", "decision",
       "Value of promotion prospects", "晋升前景的价值",
       "Gain from the promotion prospects a successful innovation brings.",
       "一次成功创新带来的晋升前景收益。",
       "S003-02"),
    _p("recognition_value", 1.0, 0.0, 10.0, "utility units", "decision",
       "Value of recognition", "上级认可的价值",
       "Gain from recognition by superiors for a successful innovation.",
       "成功创新获得上级认可的收益。",
       "S003-02"),
    _p("problem_value", 1.0, 0.0, 10.0, "utility units", "decision",
       "Value of solving problems", "解决问题的价值",
       "Gain from solving local problems by innovating.",
       "通过创新解决本地问题的收益。",
       "S000-01, S003-02"),
    _p("intrinsic_motivation", 0.8, 0.0, 5.0, "utility units (mean)", "decision",
       "Intrinsic motivation (mean)", "内在动机（均值）",
       "Mean of each cadre's own drive to innovate (exponentially distributed).",
       "干部个人创新内在动力的均值（服从指数分布）。",
       "S003-01, S003-02"),
    _p("routine_credit", 1.5, 0.0, 5.0, "utility units", "decision",
       "Credit for routine compliance", "常规履职的收益",
       "Gain from doing the routine work as required.",
       "按要求完成常规工作的收益。",
       "S000-21"),
    _p("avoid_relief", 0.3, 0.0, 5.0, "utility units", "decision",
       "Relief from avoiding", "避责的省力收益",
       "Effort saved by avoiding the task.",
       "推诿、躲避任务所节省的精力。",
       "S000-14, S000-15"),
    _p("innovation_success", 0.5, 0.0, 1.0, "probability", "decision",
       "Innovation success chance", "创新成功率",
       "Chance an innovation succeeds with full attention and baseline resources.",
       "在注意力充足、资源为基准时一项创新成功的概率。",
       "S000-01"),
    _p("veto_failure_rate", 0.004, 0.0, 0.2, "probability per target per month", "decision",
       "One-veto failure rate", "一票否决失守率",
       "Chance per month that routine work misses one one-veto target (higher when "
       "overloaded, x leader duty for leaders).",
       "常规工作每月在一项一票否决指标上失守的概率（超负荷时更高，领导干部乘以职责倍数）。",
       "S000-08, S003-13"),
    # --------------------------------------------------------------- avoidance
    _p("innovative_task_share", 0.5, 0.0, 1.0, "share", "avoidance",
       "Share of innovative tasks", "创新型任务占比",
       "Share of tasks at hand that call for innovation; avoidance takes task-specific "
       "forms.",
       "手头需要创新的任务比例；避责形式因任务类型而异。",
       "S000-14, S000-15"),
    _p("pass_down_load", 0.05, 0.0, 1.0, "cadre-months per pass-down", "avoidance",
       "Load of a passed-down task", "下推任务的负荷",
       "Attention one passed-down task adds to the receiving lower unit next month.",
       "每一项被下推的任务在下月给接收单位增加的注意力负担。",
       "S000-14, S000-16, S000-17"),
    _p("share_dilution", 0.5, 0.0, 1.0, "fraction", "avoidance",
       "Dilution by shared responsibility", "分担责任的稀释",
       "Fraction of a sanction shed by sharing responsibility (collective decisions, "
       "joint documents).",
       "通过分担责任（集体决策、联合发文）而减轻的处分比例。",
       "S000-14"),
    # ---------------------------------------------------------------- tolerance
    _p("standards_clarity", 0.35, 0.0, 1.0, "index", "tolerance",
       "Clarity of tolerance standards", "容错标准的清晰度",
       "How clearly the rules say which errors can be tolerated (positive/negative lists).",
       "规则对哪些错误可以容错规定得有多清楚（正面/负面清单）。",
       "S003-08, S003-12"),
    _p("discipline_stance", 0.65, 0.0, 1.0, "weight", "tolerance",
       "Weight of the discipline commission", "纪委立场的权重",
       "Weight of the discipline commission ('a tolerable error is still an error') vs "
       "the organisation department (leans to incentive) in joint consultation.",
       "联合会商中纪委（“可容之错也是错”）相对组织部门（倾向激励）的权重。",
       "S003-10"),
    _p("inter_level_consensus", 0.40, 0.0, 1.0, "probability", "tolerance",
       "Inter-level consensus", "上下级共识",
       "Chance the upper level recognises a lower level's tolerance decision; otherwise "
       "it is a 'local ration coupon' (地方粮票) and the sanction stands.",
       "上级认可下级容错认定的概率；否则成为“地方粮票”，处分照旧。",
       "S003-09"),
    _p("public_tolerance", 0.30, 0.0, 1.0, "index", "tolerance",
       "Public tolerance", "社会公众的宽容度",
       "How far the public tolerates officials' mistakes; low public tolerance keeps "
       "cases, high-profile ones above all, from being accepted.",
       "公众对官员失误的宽容程度；宽容度低时案例（尤其是高关注度案例）难以被受理。",
       "S003-11, S003-14"),
    _p("high_profile_share", 0.20, 0.0, 1.0, "share", "tolerance",
       "High-profile cases", "高关注度案例占比",
       "Share of cases that draw public attention; they are referred to the upper level.",
       "引起公众关注的案例比例；这些案例需报上级审议。",
       "S003-05, S003-11"),
    # ----------------------------------------------------------------- learning
    _p("learning_rate", 0.10, 0.0, 1.0, "fraction per observation", "learning",
       "Learning rate", "学习速率",
       "How far beliefs move toward what a cadre observes.",
       "信念向所观察到的情况调整的幅度。",
       "Reinforcement learning (Bush & Mosteller 1955)"),
    _p("negativity_bias", 2.0, 1.0, 5.0, "multiplier", "learning",
       "Negativity bias", "负面偏差",
       "Bad news (more detection, less tolerance than believed) is learnt this many "
       "times faster: 'birds startled by the bow' (惊弓之鸟).",
       "坏消息（比预期更易被发现、更难被容错）的学习速度倍数：“惊弓之鸟”。",
       "S000-12"),
    _p("imitation", 0.30, 0.0, 1.0, "weight", "learning",
       "Imitation strength", "模仿强度",
       "Weight of what peers and superiors did last month in a cadre's choice.",
       "同级和上级上月的行为在干部决策中的权重。",
       "S000-18"),
    _p("peer_weight", 0.6, 0.0, 1.0, "weight", "learning",
       "Peers vs superiors", "同级与上级的相对权重",
       "Within imitation, weight of peers (same parent) vs the superior unit.",
       "模仿中，同级单位（同一上级）相对于上级单位的权重。",
       "S000-18"),
    _p("sanction_publicity", 0.50, 0.0, 1.0, "probability", "learning",
       "Publicity of sanctions", "问责通报的公开程度",
       "Chance a sanction is publicised (通报) to peer units.",
       "一项处分被通报到同级单位的概率。",
       "S000-05, S000-18"),
    _p("tolerance_publicity", 0.05, 0.0, 1.0, "probability", "learning",
       "Publicity of tolerance cases", "容错案例的公开程度",
       "Chance a tolerated case is publicised to peer units (rare by default).",
       "一个容错案例被公开到同级单位的概率（默认很少）。",
       "S003-07"),
    _p("prior_tolerance", 0.40, 0.0, 1.0, "probability", "learning",
       "Newcomers' believed tolerance", "新任干部的容错预期",
       "Believed chance that a detected good-faith error is tolerated, for new cadres.",
       "新任干部认为善意失误被发现后会被容错的概率。",
       "S003-07, S003-08"),
    _p("prior_detection", 0.40, 0.0, 1.0, "probability", "learning",
       "Newcomers' believed detection", "新任干部的被查预期",
       "Believed chance that an error is detected, for new cadres.",
       "新任干部认为失误会被发现的概率。",
       "S000-05"),
    # ----------------------------------------------------------------- dynamics
    _p("problem_inflow", 0.10, 0.0, 2.0, "problems per cadre per month", "dynamics",
       "Problem inflow", "问题产生速率",
       "New local problems arising per cadre per month in every unit.",
       "每个单位每名干部每月新产生的本地问题数。",
       "S000-01, S000-19"),
    _p("routine_solve", 0.06, 0.0, 1.0, "problems per cadre per month", "dynamics",
       "Problems solved by routine work", "常规工作解决问题的速率",
       "Problems a routine-compliant cadre resolves per month.",
       "一名按常规履职的干部每月解决的问题数。",
       "S000-21"),
    _p("innovation_yield", 2.0, 0.0, 10.0, "problems", "dynamics",
       "Problems solved by an innovation", "一项创新解决的问题数",
       "Problems a successful innovation solves in its own unit.",
       "一项成功创新在本单位解决的问题数。",
       "S000-01"),
    _p("absorption_rate", 0.30, 0.0, 1.0, "probability", "dynamics",
       "Absorption upward", "上级吸纳率",
       "Chance the upper level notices and absorbs a successful innovation; an absorbed "
       "one then solves one problem in each sibling unit.",
       "上级注意并吸纳一项成功创新的概率；被吸纳的创新在每个同级单位再解决一个问题。",
       "S000-01, S000-02, S000-03"),
    _p("escalation_threshold", 1.0, 0.0, 20.0, "problems per cadre", "dynamics",
       "Escalation threshold", "风险上移阈值",
       "Unsolved problems per cadre above which a unit's problems escalate upward.",
       "每名干部平均未解决问题数超过该值时，单位的问题开始向上级传递。",
       "S000-19"),
    _p("escalation_rate", 0.20, 0.0, 1.0, "fraction per month", "dynamics",
       "Escalation rate", "风险上移速率",
       "Fraction of the stock above the threshold that moves to the superior unit.",
       "超过阈值的问题存量中每月转移到上级的比例。",
       "S000-19"),
    _p("turnover_rate", 0.01, 0.0, 0.1, "probability per month", "dynamics",
       "Turnover", "人员流动率",
       "Chance per month a cadre retires or transfers; a newcomer takes the post.",
       "干部每月退休或调离的概率；由新任干部接替。",
       "Renewal of the cadre body (assumption)"),
    _p("promotion_rate", 0.005, 0.0, 0.1, "probability per month", "dynamics",
       "Base promotion rate", "基础晋升率",
       "Chance per month of promotion; x(1 + successes in the last year), blocked for "
       "12 months after a sanction.",
       "每月晋升的基础概率；乘以 (1 + 近一年成功创新数)，受处分后 12 个月内不得晋升。",
       "S003-02"),
]

SCHEMA: dict[str, Param] = {p.name: p for p in _PARAMS}
DEFAULTS: dict[str, float | int] = {p.name: p.default for p in _PARAMS}


def spec(name: str) -> Param:
    """The schema entry of ``name`` or a :class:`ParamError` listing close names."""
    try:
        return SCHEMA[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(str(name), SCHEMA, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ParamError(
            f"unknown parameter '{name}'{hint}; run `cadre-sim params` for the list"
        ) from None


def validate(values: Mapping[str, Any]) -> dict[str, float | int]:
    """Validate a partial mapping of parameter values; return them typed."""
    return {name: spec(name).validate(v) for name, v in values.items()}


def resolve(overrides: Mapping[str, Any] | None = None) -> dict[str, float | int]:
    """Defaults updated with validated ``overrides``: a complete parameter set."""
    full = dict(DEFAULTS)
    full.update(validate(overrides or {}))
    return full


def by_group() -> Iterator[tuple[str, list[Param]]]:
    for g in GROUPS:
        yield g, [p for p in _PARAMS if p.group == g]


def parse_assignment(text: str) -> tuple[str, float | int]:
    """Parse ``NAME=VALUE`` (CLI ``--set``) into a validated pair."""
    if "=" not in text:
        raise ParamError(f"expected NAME=VALUE, got '{text}'")
    name, value = (s.strip() for s in text.split("=", 1))
    return name, spec(name).validate(value)


def table_rows(names: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Rows for the printed / documented parameter table."""
    chosen = [SCHEMA[n] for n in names] if names else _PARAMS
    return [
        {
            "name": p.name,
            "group": p.group,
            "label_en": p.label_en,
            "label_zh": p.label_zh,
            "meaning_en": p.en,
            "meaning_zh": p.zh,
            "unit": p.unit,
            "range": f"[{p.low}, {p.high}]" + (" int" if p.kind == "int" else ""),
            "default": p.default,
            "source": p.source,
        }
        for p in chosen
    ]
