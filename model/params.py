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


@dataclass(frozen=True, kw_only=True)
class Param:
    """One parameter: its value range, unit, bilingual label and meaning, and its source.

    ``transmitted`` parameters are policy issued by the centre: a change of one reaches
    each unit only when the unit adopts it from its superior (:mod:`model.transmission`);
    the others (cadres' psychology, society, the tree's dynamics) act everywhere at once.
    """

    name: str
    default: float | int
    low: float | int
    high: float | int
    unit: str
    unit_zh: str
    group: str
    label_en: str
    label_zh: str
    en: str
    zh: str
    source: str
    kind: str = "float"  # "float" or "int"
    transmitted: bool = False
    source_zh: str = ""  # the source in Chinese where it has words, not only passage codes

    def __post_init__(self) -> None:
        if not self.source_zh:  # passage codes read the same in both languages
            object.__setattr__(self, "source_zh", self.source.replace(", ", "、"))

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
            x = float(value) + 0.0  # -0.0 becomes 0.0: equal values are the same value
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


# Groups in display order; the dashboard shows "levers" up front, the rest collapsed.
GROUPS: dict[str, tuple[str, str]] = {
    "levers": ("The four levers", "四个政策杠杆"),
    "supervision": ("Supervision and accountability", "监督与问责"),
    "attention": ("Targets, paperwork and attention", "指标、文牍与注意力"),
    "decision": ("Decision under risk", "风险下的决策"),
    "avoidance": ("Forms of blame avoidance", "避责形式"),
    "tolerance": ("Tolerance procedure", "容错程序"),
    "transmission": ("How a regime travels", "政策如何层层传导"),
    "learning": ("Learning and imitation", "学习与模仿"),
    "dynamics": ("Problems, experimentation and careers", "问题、试验与仕途"),
}

_PARAMS: list[Param] = [
    # ------------------------------------------------------------------ levers
    Param(
        name="supervision",
        default=0.002,
        low=0.0,
        high=0.05,
        group="levers",
        transmitted=True,
        unit="probability per channel per watching level per month",
        unit_zh="每个监督层级每个渠道每月的概率",
        label_en="Supervision intensity",
        label_zh="监督强度",
        en="Chance that one supervision channel of one level detects a given irregular act "
        "in the month it happens. A unit is watched by the channels of its own level and "
        "of every level above it, so the grassroots are watched most ('one works, N watch').",
        zh="某一层级的一个监督渠道在当月发现某一违规行为的概率。一个单位受本级及其以上各级"
        "监督渠道的共同监督，因此基层受到的监督最多（“一个人干活N个人看”）。",
        source="S000-04b, S000-05, S000-05b, S000-07; magnitude: CCDI 2021 (assumption fitted "
        "to sanction volumes, see ODD §3.3)",
        source_zh="S000-04b、S000-05、S000-05b、S000-07；量级：中央纪委国家监委2021年报告（按处分总量拟合的假设，见 ODD §3.3）",
    ),
    Param(
        name="one_veto_targets",
        default=4,
        low=0,
        high=30,
        group="levers",
        transmitted=True,
        kind="int",
        unit="targets",
        unit_zh="项指标",
        label_en="One-veto targets",
        label_zh="一票否决指标数",
        en="One-veto targets (stability, safety, environment, poverty, integrity …) issued by "
        "the centre; each level adds its margin on the way down, each consumes attention "
        "and can be missed.",
        zh="中央下达的一票否决指标数量（维稳、安全、环保、扶贫、廉政……）；逐级下达时每级层层加码，"
        "每项都占用注意力并可能失守。",
        source="S000-08, S000-08b, S000-24",
    ),
    Param(
        name="retroactive_risk",
        default=0.01,
        low=0.0,
        high=0.2,
        group="levers",
        transmitted=True,
        unit="probability per month",
        unit_zh="每月概率",
        label_en="Retroactive accountability risk",
        label_zh="秋后算账风险",
        en="Chance per month that one level's review re-examines a unit's records within the "
        "look-back window under today's (drifted) standards. Every level at and above the unit "
        "reviews, so a unit is reviewed with 1 − Π(1 − r) (a township with about 5r); every "
        "act not yet judged can be found irregular.",
        zh="每一级每月按今天（已漂移）的标准重新审查某单位回溯期内记录的概率。本级及以上各级都会审查，"
        "因此单位被审查的概率为 1 − Π(1 − r)（乡镇约为 5r）；尚未被认定过的行为都可能被认定违规。",
        source="S000-06, S000-06b",
    ),
    Param(
        name="tolerance",
        default=0.5,
        low=0.0,
        high=1.0,
        group="levers",
        transmitted=True,
        unit="index (0 = no provision, 1 = broad, binding provision)",
        unit_zh="指数（0 = 无规定，1 = 覆盖广、约束强）",
        label_en="Tolerance provision (reach and strength)",
        label_zh="容错规定（范围与力度）",
        en="Reach and strength of the written tolerance (容错) provision. Reach: failed "
        "innovations become eligible first (fully from 0.5), unintentional errors in "
        "routine work and retroactive cases as it rises above 0.5. Strength: how strongly "
        "the text binds application, acceptance, consultation and determination. Whether "
        "a case is tolerated still emerges from all five stages.",
        zh="成文容错规定的覆盖范围与约束力度。范围：先覆盖创新失误（0.5 起全部覆盖），超过 0.5 后"
        "逐步覆盖常规工作中的无意过失和秋后算账案件。力度：文本对申请、受理、会商、认定四个环节"
        "的约束强弱。一个案例能否被容错仍取决于全部五个环节。",
        source="S003-03, S003-04, S003-05, S003-15b, S003-15c, S000-23",
    ),
    # ------------------------------------------------------------- supervision
    Param(
        name="supervision_channels",
        default=3,
        low=1,
        high=10,
        group="supervision",
        transmitted=True,
        kind="int",
        unit="channels per level",
        unit_zh="每级渠道数",
        label_en="Supervision channels per level",
        label_zh="每级监督渠道数",
        en="Independent channels of each level (inspection tours, discipline, audit, "
        "supervision, cross checks) that can each detect the same act.",
        zh="每一级可独立发现同一行为的监督渠道数（巡视巡察、纪检、审计、督查、交叉检查）。",
        source="S000-05, S000-05b",
    ),
    Param(
        name="omission_visibility",
        default=0.012,
        low=0.0,
        high=1.0,
        group="supervision",
        transmitted=True,
        unit="ratio",
        unit_zh="比率",
        label_en="Visibility of omission",
        label_zh="不作为的可见度",
        en="How visible a month of inaction is to a supervision channel, relative to a failed "
        "act (commission = 1).",
        zh="一个月的不作为相对于一次“做错”（记为 1）被监督渠道发现的程度。",
        source="S000-17, S003-15 (magnitude: assumption)",
        source_zh="S000-17、S003-15（量级：假设）",
    ),
    Param(
        name="lookback",
        default=12,
        low=1,
        high=36,
        group="supervision",
        kind="int",
        unit="months",
        unit_zh="个月",
        label_en="Look-back window",
        label_zh="回溯期",
        en="How many past months a retroactive review reaches into a cadre's record.",
        zh="秋后算账回溯审查干部记录的月数。",
        source="S000-06",
    ),
    Param(
        name="standard_drift",
        default=0.015,
        low=0.0,
        high=0.5,
        group="supervision",
        transmitted=True,
        unit="index δ (a reviewed innovation is judged irregular with min(2δ, 1))",
        unit_zh="指数 δ（被审查的创新被认定违规的概率为 min(2δ, 1)）",
        label_en="Drift of standards",
        label_zh="标准漂移",
        en="Drift of the standards a review applies: a past innovation, compliant when taken, "
        "is judged irregular with chance min(2δ, 1); a routine act, which follows procedure, "
        "with 0.05δ (1/40 as exposed).",
        zh="审查所用标准的漂移：一项当时合规的过往创新被认定违规的概率为 min(2δ, 1)；"
        "按程序办事的常规行为为 0.05δ（暴露度为其四十分之一）。",
        source="S000-06b, S000-13b",
    ),
    Param(
        name="sanction_scale",
        default=12.0,
        low=0.0,
        high=100.0,
        group="supervision",
        transmitted=True,
        unit="utility units (moderate sanction)",
        unit_zh="效用单位（中等处分）",
        label_en="Weight of a sanction",
        label_zh="处分的分量",
        en="Disutility of a moderate sanction (second form: light discipline); mild (first "
        "form) weighs 0.25×, severe (third and fourth forms) 4× and removes the cadre from "
        "post. Compare the credit for routine compliance, a month's gain from routine work.",
        zh="一次中等处分（第二种形态：党纪轻处分）的负效用；轻微（第一种形态）为 0.25 倍，"
        "严重（第三、四种形态）为 4 倍并免职。可与“常规履职的收益”（一个月常规工作的收益）比较。",
        source="S000-17, S003-01; four forms: CCDI report on 2021",
        source_zh="S000-17、S003-01；“四种形态”：中央纪委国家监委关于2021年的报告",
    ),
    Param(
        name="blame_shift",
        default=0.2,
        low=0.0,
        high=1.0,
        group="supervision",
        transmitted=True,
        unit="probability per case",
        unit_zh="每起案件的概率",
        label_en="Blame pushed down",
        label_zh="责任下移（背锅）",
        en="Chance, per level beneath a unit, that a case arising in it is pushed down onto a "
        "cadre of a subordinate unit, who carries the sanction (背锅式问责): a county passes "
        "a case on with this chance, a unit with k levels beneath with 1 − (1 − b)^k.",
        zh="按单位以下每一层级计，在该单位发生的问责案件被推给下级单位某名干部、由其承担处分的概率"
        "（背锅式问责）：县级以此概率转移案件，下面有 k 个层级的单位以 1 − (1 − b)^k 转移。",
        source="S000-17, S000-17b, S000-25 (magnitude: assumption)",
        source_zh="S000-17、S000-17b、S000-25（量级：假设）",
    ),
    # ---------------------------------------------------------------- attention
    Param(
        name="attention_budget",
        default=1.0,
        low=0.1,
        high=3.0,
        group="attention",
        unit="cadre-months",
        unit_zh="人·月",
        label_en="Attention budget",
        label_zh="注意力预算",
        en="Working attention of one cadre per month.",
        zh="每名干部每月可支配的工作注意力。",
        source="S000-11",
    ),
    Param(
        name="routine_load",
        default=0.35,
        low=0.0,
        high=2.0,
        group="attention",
        unit="cadre-months",
        unit_zh="人·月",
        label_en="Routine workload",
        label_zh="常规工作负荷",
        en="Attention routine tasks take per cadre per month.",
        zh="常规任务每月占用每名干部的注意力。",
        source="S000-09b",
    ),
    Param(
        name="paperwork_load",
        default=0.20,
        low=0.0,
        high=2.0,
        group="attention",
        transmitted=True,
        unit="cadre-months",
        unit_zh="人·月",
        label_en="Paperwork load",
        label_zh="文牍负担",
        en="Attention taken by meetings, documents, forms and ledgers (文山表海).",
        zh="会议、文件、表格、台账（文山表海）占用的注意力。",
        source="S000-11, S000-21b",
    ),
    Param(
        name="veto_attention",
        default=0.02,
        low=0.0,
        high=0.5,
        group="attention",
        unit="cadre-months per target",
        unit_zh="人·月 / 每项指标",
        label_en="Attention per one-veto target",
        label_zh="每项一票否决指标的注意力",
        en="Attention each one-veto target a unit treats as binding takes per cadre per month.",
        zh="单位视为硬约束的每项一票否决指标每月占用每名干部的注意力。",
        source="S000-08, S000-11",
    ),
    Param(
        name="amplification",
        default=0.15,
        low=0.0,
        high=1.0,
        group="attention",
        transmitted=True,
        unit="fraction per level",
        unit_zh="每级比例",
        label_en="Pressure amplification per level",
        label_zh="层层加码",
        en="Each level below the centre multiplies the targets it passes on by (1 + this).",
        zh="中央以下每一级在下达指标时乘以 (1 + 该值)。",
        source="S000-08, S000-24",
    ),
    Param(
        name="vague_requirements",
        default=4.0,
        low=0.0,
        high=20.0,
        group="attention",
        transmitted=True,
        unit="requirements",
        unit_zh="项要求",
        label_en="Vague requirements",
        label_zh="模糊要求",
        en="Vague requirements; each becomes an invisible one-veto target with the chance "
        "that supervision notices a miss in the unit.",
        zh="模糊要求的数量；每一项以单位违规被监督发现的概率转化为隐性一票否决指标。",
        source="S000-10, S000-10b",
    ),
    Param(
        name="leader_duty",
        default=1.5,
        low=1.0,
        high=3.0,
        group="attention",
        unit="multiplier",
        unit_zh="倍数",
        label_en="Leaders' extra duties",
        label_zh="领导干部的额外职责",
        en="Leaders' workload and error rate relative to ordinary cadres.",
        zh="领导干部相对于普通干部的工作量和出错率倍数。",
        source="S003-13, S003-13d",
    ),
    Param(
        name="innovation_attention",
        default=0.25,
        low=0.01,
        high=1.0,
        group="attention",
        unit="cadre-months",
        unit_zh="人·月",
        label_en="Attention an innovation needs",
        label_zh="创新所需注意力",
        en="Free attention a cadre needs to carry an innovation through; with less, the "
        "chance of success shrinks proportionally.",
        zh="干部推进一项创新所需的剩余注意力；不足时成功率按比例下降。",
        source="S000-11, S000-21b",
    ),
    Param(
        name="resources",
        default=1.0,
        low=0.2,
        high=3.0,
        group="attention",
        unit="relative to baseline",
        unit_zh="相对于基准",
        label_en="Resources",
        label_zh="资源",
        en="Grassroots staff and funds relative to the baseline: scale the attention budget "
        "and innovation success.",
        zh="基层人员和经费相对于基准的倍数：放大注意力预算和创新成功率。",
        source="S000-09",
    ),
    # ----------------------------------------------------------------- decision
    Param(
        name="rationality",
        default=2.0,
        low=0.0,
        high=20.0,
        group="decision",
        unit="1 / utility unit",
        unit_zh="1 / 效用单位",
        label_en="Choice rationality (logit β)",
        label_zh="决策理性程度（logit β）",
        en="Precision of the logit choice: 0 = random, large = always the best option.",
        zh="logit 选择的精确度：0 为随机，越大越倾向于选择效用最高的选项。",
        source="Bounded rationality (McFadden 1974)",
        source_zh="有限理性（McFadden 1974）",
    ),
    Param(
        name="loss_aversion",
        default=2.25,
        low=1.0,
        high=5.0,
        group="decision",
        unit="ratio",
        unit_zh="比率",
        label_en="Loss aversion (λ)",
        label_zh="损失厌恶（λ）",
        en="How much more a loss weighs than an equal gain.",
        zh="损失相对于等量收益的权重倍数。",
        source="Tversky & Kahneman 1992; S003-01",
        source_zh="Tversky 与 Kahneman（1992）；S003-01",
    ),
    Param(
        name="value_curvature",
        default=0.88,
        low=0.2,
        high=1.0,
        group="decision",
        unit="exponent",
        unit_zh="指数",
        label_en="Value curvature (α)",
        label_zh="价值函数曲率（α）",
        en="Diminishing sensitivity of the prospect-theory value function.",
        zh="前景理论价值函数的敏感度递减指数。",
        source="Tversky & Kahneman 1992",
        source_zh="Tversky 与 Kahneman（1992）",
    ),
    Param(
        name="probability_weighting",
        default=0.69,
        low=0.3,
        high=1.0,
        group="decision",
        unit="exponent",
        unit_zh="指数",
        label_en="Probability weighting (γ)",
        label_zh="概率权重（γ）",
        en="Curvature of the probability weighting function: small risks loom large.",
        zh="概率权重函数的曲率：小概率风险被高估。",
        source="Tversky & Kahneman 1992",
        source_zh="Tversky 与 Kahneman（1992）",
    ),
    Param(
        name="promotion_value",
        default=2.0,
        low=0.0,
        high=10.0,
        group="decision",
        unit="utility units",
        unit_zh="效用单位",
        label_en="Value of promotion prospects",
        label_zh="晋升前景的价值",
        en="Gain from the promotion prospects a successful innovation brings.",
        zh="一次成功创新带来的晋升前景收益。",
        source="S003-02, S003-02c",
    ),
    Param(
        name="recognition_value",
        default=1.0,
        low=0.0,
        high=10.0,
        group="decision",
        unit="utility units",
        unit_zh="效用单位",
        label_en="Value of recognition",
        label_zh="上级认可的价值",
        en="Gain from recognition by superiors for a successful innovation.",
        zh="成功创新获得上级认可的收益。",
        source="S003-02",
    ),
    Param(
        name="problem_value",
        default=1.0,
        low=0.0,
        high=10.0,
        group="decision",
        unit="utility units",
        unit_zh="效用单位",
        label_en="Value of solving problems",
        label_zh="解决问题的价值",
        en="Gain from solving local problems by innovating.",
        zh="通过创新解决本地问题的收益。",
        source="S000-01, S003-02",
    ),
    Param(
        name="intrinsic_motivation",
        default=0.8,
        low=0.0,
        high=5.0,
        group="decision",
        unit="utility units (mean)",
        unit_zh="效用单位（均值）",
        label_en="Intrinsic motivation (mean)",
        label_zh="内在动机（均值）",
        en="Mean of each cadre's own drive to innovate (exponentially distributed).",
        zh="干部个人创新内在动力的均值（服从指数分布）。",
        source="S003-01, S003-02",
    ),
    Param(
        name="routine_credit",
        default=2.0,
        low=0.0,
        high=5.0,
        group="decision",
        unit="utility units",
        unit_zh="效用单位",
        label_en="Credit for routine compliance",
        label_zh="常规履职的收益",
        en="Gain from doing the routine work as required.",
        zh="按要求完成常规工作的收益。",
        source="S000-22",
    ),
    Param(
        name="avoid_relief",
        default=1.2,
        low=0.0,
        high=5.0,
        group="decision",
        unit="utility units",
        unit_zh="效用单位",
        label_en="Relief from avoiding",
        label_zh="避责的省力收益",
        en="Effort saved by avoiding the task.",
        zh="推诿、躲避任务所节省的精力。",
        source="S000-14, S000-15",
    ),
    Param(
        name="innovation_success",
        default=0.5,
        low=0.0,
        high=1.0,
        group="decision",
        unit="probability",
        unit_zh="概率",
        label_en="Innovation success chance",
        label_zh="创新成功率",
        en="Chance an innovation succeeds with full attention and baseline resources.",
        zh="在注意力充足、资源为基准时一项创新成功的概率。",
        source="S000-01, S003-17",
    ),
    Param(
        name="veto_failure_rate",
        default=0.0085,
        low=0.0,
        high=0.2,
        group="decision",
        unit="probability per target per month",
        unit_zh="每项指标每月概率",
        label_en="One-veto failure rate",
        label_zh="一票否决失守率",
        en="Chance per month that routine work misses one binding target (higher when "
        "overloaded, × leader duty for leaders).",
        zh="常规工作每月在一项硬指标上失守的概率（超负荷时更高，领导干部乘以职责倍数）。",
        source="S000-08, S003-13 (magnitude: assumption)",
        source_zh="S000-08、S003-13（量级：假设）",
    ),
    # --------------------------------------------------------------- avoidance
    Param(
        name="innovative_task_share",
        default=0.5,
        low=0.0,
        high=1.0,
        group="avoidance",
        unit="share",
        unit_zh="占比",
        label_en="Share of innovative tasks",
        label_zh="创新型任务占比",
        en="Share of tasks at hand that call for innovation; avoidance takes task-specific forms.",
        zh="手头需要创新的任务比例；避责形式因任务类型而异。",
        source="S000-14, S000-15",
    ),
    Param(
        name="pass_down_load",
        default=0.05,
        low=0.0,
        high=1.0,
        group="avoidance",
        unit="cadre-months per pass-down",
        unit_zh="人·月 / 每次下推",
        label_en="Load of a passed-down task",
        label_zh="下推任务的负荷",
        en="Attention one passed-down task adds to the receiving lower unit next month.",
        zh="每一项被下推的任务在下月给接收单位增加的注意力负担。",
        source="S000-14, S000-16, S000-17",
    ),
    Param(
        name="share_dilution",
        default=0.5,
        low=0.0,
        high=1.0,
        group="avoidance",
        unit="fraction",
        unit_zh="比例",
        label_en="Dilution by shared responsibility",
        label_zh="分担责任的稀释",
        en="Chance that sharing responsibility (collective decisions, joint documents) sheds "
        "an omission case.",
        zh="通过分担责任（集体决策、联合发文）使一起不作为案件不了了之的概率。",
        source="S000-14",
    ),
    # ---------------------------------------------------------------- tolerance
    Param(
        name="standards_clarity",
        default=0.35,
        low=0.0,
        high=1.0,
        group="tolerance",
        transmitted=True,
        unit="index",
        unit_zh="指数",
        label_en="Clarity of tolerance standards",
        label_zh="容错标准的清晰度",
        en="How clearly the rules say which errors can be tolerated (positive and negative "
        "lists): cadres know whether to apply, the discipline commission can clear a case.",
        zh="规则对哪些错误可以容错规定得有多清楚（正面、负面清单）：干部知道能否申请，纪委能否认定。",
        source="S003-08, S003-08b, S003-12b, S003-12c",
    ),
    Param(
        name="discipline_stance",
        default=0.65,
        low=0.0,
        high=1.0,
        group="tolerance",
        transmitted=True,
        unit="weight",
        unit_zh="权重",
        label_en="Weight of the discipline commission",
        label_zh="纪委立场的权重",
        en="Weight of the discipline commission ('a tolerable error is still an error') vs "
        "the organisation department in joint consultation.",
        zh="联合会商中纪委（“可容之错终究是错”）相对组织部门的权重。",
        source="S003-10, S003-10b",
    ),
    Param(
        name="inter_level_consensus",
        default=0.40,
        low=0.0,
        high=1.0,
        group="tolerance",
        transmitted=True,
        unit="probability",
        unit_zh="概率",
        label_en="Inter-level consensus",
        label_zh="上下级共识",
        en="Chance the upper level recognises a lower level's tolerance decision; otherwise "
        "it is a 'local ration coupon' (地方粮票) and the sanction stands.",
        zh="上级认可下级容错认定的概率；否则成为“地方粮票”，处分照旧。",
        source="S003-09, S003-09c",
    ),
    Param(
        name="public_tolerance",
        default=0.30,
        low=0.0,
        high=1.0,
        group="tolerance",
        unit="index",
        unit_zh="指数",
        label_en="Public tolerance",
        label_zh="社会公众的宽容度",
        en="How far the public tolerates officials' mistakes; low public tolerance keeps "
        "cases, high-profile ones above all, from being accepted.",
        zh="公众对官员失误的宽容程度；宽容度低时案例（尤其是高关注度案例）难以被受理。",
        source="S003-11, S003-11b",
    ),
    Param(
        name="high_profile_share",
        default=0.1,
        low=0.0,
        high=1.0,
        group="tolerance",
        unit="share",
        unit_zh="占比",
        label_en="High-profile cases",
        label_zh="高关注度案例占比",
        en="Share of cases that draw public attention; they are decided by the upper level.",
        zh="引起公众关注的案例比例；这些案例由上级审议认定。",
        source="S003-05c, S003-11 (magnitude: assumption)",
        source_zh="S003-05c、S003-11（量级：假设）",
    ),
    Param(
        name="application_duty",
        default=1.0,
        low=0.0,
        high=1.0,
        group="tolerance",
        unit="share of the provision's strength",
        unit_zh="规定约束力的比例",
        label_en="Duty to help cadres apply",
        label_zh="协助申请的义务",
        en="How far the provision's strength obliges departments to tell a cadre its error "
        "qualifies and to help it apply, as it binds acceptance and determination. 1: fully "
        "(seed 003's proposed procedure, read as in force); 0: applying is left to the cadre "
        "and its belief that the procedure works (the county text seed 003 quotes).",
        zh="规定的约束力在多大程度上要求有关部门告知干部其失误符合容错条件并协助其申请（如同约束受理和"
        "认定环节）。1：完全要求（把种子文献003建议的流程视为现行做法）；0：是否申请由干部自己决定，"
        "取决于其对程序是否有效的判断（种子文献003引用的县级文本）。",
        source="S003-05 (a proposed procedure), S003-04 (assumption: 1 keeps model 2.0's reading)",
        source_zh="S003-05（建议的流程）、S003-04（假设：取1即模型2.0的理解）",
    ),
    Param(
        name="consensus_to_start",
        default=0.0,
        low=0.0,
        high=1.0,
        group="tolerance",
        unit="share",
        unit_zh="比例",
        label_en="Disagreement stops cases at the start",
        label_zh="意见不一使程序难以启动",
        en="How far disagreement between levels keeps a case from being accepted at all "
        "(the procedure 'hard to start', left idle locally): acceptance is multiplied by "
        "1 − this × (1 − inter-level consensus). 0: consensus acts only where the upper "
        "level decides (high-profile cases) or recognises the decision (model 2.0's reading).",
        zh="上下级意见不一在多大程度上使案例根本无法受理（程序“很难启动”、陷入“局部空转”）："
        "受理概率乘以 1 − 该值 × (1 − 上下级共识)。0：共识只在上级审议（高关注度案例）或认可"
        "认定结果时起作用（即模型2.0的理解）。",
        source="S003-09b, S003-09c (0 keeps model 2.0's reading; magnitude: assumption)",
        source_zh="S003-09b、S003-09c（取0即模型2.0的理解；量级：假设）",
    ),
    Param(
        name="local_text_spread",
        default=0.0,
        low=0.0,
        high=2.0,
        group="tolerance",
        transmitted=True,
        unit="SD of the logit offset",
        unit_zh="对数几率偏移的标准差",
        label_en="Local texts differ",
        label_zh="地方容错文本的差异",
        en="How far the cities' and counties' own implementing texts depart from the "
        "province's: the standard deviation, across counties, of the shift of the "
        "provision's strength and the standards' clarity on the logit scale (a more detailed "
        "text is both clearer and binds more). 0: one text everywhere.",
        zh="市、县自行制定的实施办法与省级文本相差多少：各县之间容错条款力度与标准清晰度"
        "（对数几率尺度上）偏移的标准差（文本越细，标准越清楚、约束力越强）。0：各地文本相同。",
        source="S003-03c, S003-03d, S003-03e (magnitude: fitted to the survey, S003-06; "
        "shape of the departures: assumption)",
        source_zh="S003-03c、S003-03d、S003-03e（量级：按问卷S003-06拟合；偏离的分布形式：假设）",
    ),
    # ------------------------------------------------------------- transmission
    Param(
        name="relay_delay",
        default=6.0,
        low=0.0,
        high=36.0,
        group="transmission",
        unit="months per level (mean)",
        unit_zh="每级平均月数",
        label_en="Relay delay per level",
        label_zh="逐级传达的时滞",
        en="Mean months between a unit's superior adopting a change of regime and the unit "
        "adopting it (documents relayed by meetings, targets decomposed, the level's own "
        "supervision set up). 0: every level at once.",
        zh="上级采纳一项制度变化后，下级单位平均需要多少个月才采纳（开会传达文件、分解指标、"
        "建立本级的监督力量）。0 表示各级同时。",
        source="S000-29, S000-29b, S003-03c; rollout of city and county inspections (巡察) "
        "2015-17 (magnitude: assumption)",
        source_zh="S000-29、S000-29b、S003-03c；2015—2017年市县巡察的建立（量级：假设）",
    ),
    Param(
        name="document_credibility",
        default=0.5,
        low=0.0,
        high=1.0,
        group="transmission",
        unit="fraction",
        unit_zh="比例",
        label_en="Credibility of a document",
        label_zh="文件的可信度",
        en="Share of the way a cadre's beliefs move towards the regime a newly adopted "
        "document announces when it raises the risks; the rest is learnt from cases.",
        zh="新采纳的文件宣布风险上升时，干部的预期立即向文件宣布的状况移动的比例；其余从案例中学习。",
        source="S000-12, S000-12b (magnitude: assumption)",
        source_zh="S000-12、S000-12b（量级：假设）",
    ),
    Param(
        name="negativity_bias",
        default=2.0,
        low=1.0,
        high=5.0,
        group="transmission",
        unit="ratio",
        unit_zh="比率",
        label_en="Startled birds (negativity bias)",
        label_zh="惊弓之鸟（负面偏差）",
        en="Bad news is learnt this many times faster than good news after a change: a "
        "document that lowers the risks or frees targets is believed this many times less "
        "than one that raises them, and for a while after it cadres learn from cases this "
        "many times more slowly (after a tightening, this many times faster). In a steady "
        "regime learning is symmetric. 1 = no asymmetry.",
        zh="制度变化之后，坏消息比好消息学得快这么多倍：降低风险或为指标“松绑”的文件，其可信度比"
        "提高风险的文件低这么多倍；此后一段时间里，干部从案例中学习的速度也慢这么多倍（收紧之后"
        "则快这么多倍）。制度稳定时学习是对称的。1 表示没有不对称。",
        source="S000-12, S000-12b, S000-12c",
    ),
    Param(
        name="perfect_information",
        default=0,
        low=0,
        high=1,
        group="transmission",
        kind="int",
        unit="switch (0/1)",
        unit_zh="开关（0/1）",
        label_en="Cadres know the true risks",
        label_zh="干部完全知道真实风险",
        en="1: every cadre weighs the true risks of its post and the targets really in force, "
        "instead of beliefs learnt from documents and cases (switches off the perceived "
        "regime to measure its share of a result).",
        zh="1：每名干部按其岗位的真实风险和实际有效的指标决策，而不是按从文件和案例中学到的预期"
        "（用于关闭“感知的制度”这一机制，衡量它对结果的贡献）。",
        source="model switch (no source)",
        source_zh="模型开关（无出处）",
    ),
    # ----------------------------------------------------------------- learning
    Param(
        name="learning_rate",
        default=0.10,
        low=0.0,
        high=1.0,
        group="learning",
        unit="fraction per month with evidence",
        unit_zh="有证据时每月比例",
        label_en="Learning rate",
        label_zh="学习速率",
        en="How far a month's evidence (own, own-unit and publicised peer cases) moves a "
        "belief towards the rate it shows; symmetric, so beliefs are right on average in a "
        "steady regime.",
        zh="一个月的证据（本人、本单位和同级单位公开的案例）使预期向所显示的比率移动的幅度；"
        "对称更新，因此在稳定的制度下预期平均而言是准确的。",
        source="Reinforcement learning (Bush & Mosteller 1955)",
        source_zh="强化学习（Bush 与 Mosteller 1955）",
    ),
    Param(
        name="imitation",
        default=0.30,
        low=0.0,
        high=1.0,
        group="learning",
        unit="weight",
        unit_zh="权重",
        label_en="Imitation strength",
        label_zh="模仿强度",
        en="Weight of what peers and superiors did last month in a cadre's choice.",
        zh="同级和上级上月的行为在干部决策中的权重。",
        source="S000-18",
    ),
    Param(
        name="peer_weight",
        default=0.6,
        low=0.0,
        high=1.0,
        group="learning",
        unit="weight",
        unit_zh="权重",
        label_en="Peers vs superiors",
        label_zh="同级与上级的相对权重",
        en="Within imitation, weight of peers (same parent) vs the superior unit.",
        zh="模仿中，同级单位（同一上级）相对于上级单位的权重。",
        source="S000-18",
    ),
    Param(
        name="sanction_publicity",
        default=0.50,
        low=0.0,
        high=1.0,
        group="learning",
        transmitted=True,
        unit="probability",
        unit_zh="概率",
        label_en="Publicity of sanctions",
        label_zh="问责通报的公开程度",
        en="Chance a case and its sanction are circulated (通报) to peer units.",
        zh="一起案件及其处分被通报到同级单位的概率。",
        source="S000-05, S000-18",
    ),
    Param(
        name="tolerance_publicity",
        default=0.05,
        low=0.0,
        high=1.0,
        group="learning",
        transmitted=True,
        unit="probability",
        unit_zh="概率",
        label_en="Publicity of tolerance cases",
        label_zh="容错案例的公开程度",
        en="Chance a tolerated case is made known to peer units (rare by default).",
        zh="一个容错案例被公开到同级单位的概率（默认很少）。",
        source="S003-07c, S003-14b",
    ),
    # ----------------------------------------------------------------- dynamics
    Param(
        name="problem_inflow",
        default=0.10,
        low=0.0,
        high=2.0,
        group="dynamics",
        unit="problems per grassroots cadre per month",
        unit_zh="个问题 / 每名基层干部每月",
        label_en="Problem inflow",
        label_zh="问题产生速率",
        en="New local problems (disputes, hazards, needs) arising per grassroots cadre per "
        "month in every township; unsolved, they escalate to the levels above.",
        zh="每个乡镇每名基层干部每月新产生的本地问题（纠纷、隐患、诉求）数；未解决的问题向上级传递。",
        source="S000-01, S000-19",
    ),
    Param(
        name="routine_solve",
        default=0.06,
        low=0.0,
        high=1.0,
        group="dynamics",
        unit="problems per cadre per month",
        unit_zh="个问题 / 每名干部每月",
        label_en="Problems solved by routine work",
        label_zh="常规工作解决问题的速率",
        en="Problems a routine-compliant cadre resolves per month.",
        zh="一名按常规履职的干部每月解决的问题数。",
        source="S000-22",
    ),
    Param(
        name="innovation_yield",
        default=2.0,
        low=0.0,
        high=10.0,
        group="dynamics",
        unit="problems",
        unit_zh="个问题",
        label_en="Problems solved by an innovation",
        label_zh="一项创新解决的问题数",
        en="Problems a successful innovation solves in its own unit.",
        zh="一项成功创新在本单位解决的问题数。",
        source="S000-01",
    ),
    Param(
        name="absorption_rate",
        default=0.30,
        low=0.0,
        high=1.0,
        group="dynamics",
        unit="probability",
        unit_zh="概率",
        label_en="Absorption upward",
        label_zh="上级吸纳率",
        en="Chance the upper level notices and absorbs a successful innovation; an absorbed "
        "one then solves one problem in each sibling unit.",
        zh="上级注意并吸纳一项成功创新的概率；被吸纳的创新在每个同级单位再解决一个问题。",
        source="S000-01, S000-03, S000-03b",
    ),
    Param(
        name="escalation_threshold",
        default=1.0,
        low=0.0,
        high=20.0,
        group="dynamics",
        unit="problems per cadre",
        unit_zh="个问题 / 每名干部",
        label_en="Escalation threshold",
        label_zh="风险上移阈值",
        en="Unsolved problems per cadre above which a unit's problems escalate upward.",
        zh="每名干部平均未解决问题数超过该值时，单位的问题开始向上级传递。",
        source="S000-19",
    ),
    Param(
        name="escalation_rate",
        default=0.20,
        low=0.0,
        high=1.0,
        group="dynamics",
        unit="fraction per month",
        unit_zh="每月比例",
        label_en="Escalation rate",
        label_zh="风险上移速率",
        en="Fraction of the stock above the threshold that moves to the superior unit.",
        zh="超过阈值的问题存量中每月转移到上级的比例。",
        source="S000-19",
    ),
    Param(
        name="turnover_rate",
        default=0.005,
        low=0.0,
        high=0.1,
        group="dynamics",
        unit="probability per month",
        unit_zh="每月概率",
        label_en="Retirement and transfer",
        label_zh="退休与调离",
        en="Chance per month a cadre retires or is transferred out; a newcomer, socialised "
        "by the unit's cadres, takes the post.",
        zh="干部每月退休或调离的概率；由受本单位同事影响的新任干部接替。",
        source="retirement at 60 after ~35 years (≈ 0.24 %/month) plus exchanges of leaders "
        "after a 5-year term or 10 years in post (党政领导干部交流工作规定); "
        "magnitude: assumption",
        source_zh="60岁退休、职业生涯约35年（每月约0.24%），加上领导干部任期五年或同一职位任职满十年交流（《党政领导干部交流工作规定》）；量级：假设",
    ),
    Param(
        name="promotion_rate",
        default=0.003,
        low=0.0,
        high=0.1,
        group="dynamics",
        unit="probability per month",
        unit_zh="每月概率",
        label_en="Base promotion rate",
        label_zh="基础晋升率",
        en="Chance per month of promotion; × (1 + successes in the last year), blocked "
        "during the influence period of a sanction.",
        zh="每月晋升的基础概率；乘以 (1 + 近一年成功创新数)，处分影响期内不得晋升。",
        source="S003-02c (magnitude: assumption)",
        source_zh="S003-02c（量级：假设）",
    ),
]

SCHEMA: dict[str, Param] = {p.name: p for p in _PARAMS}
DEFAULTS: dict[str, float | int] = {p.name: p.default for p in _PARAMS}
# Policy that travels down the hierarchy (model.transmission), in schema order.
TRANSMITTED: tuple[str, ...] = tuple(p.name for p in _PARAMS if p.transmitted)


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
            "unit_zh": p.unit_zh,
            "range": f"[{p.low}, {p.high}]" + (" int" if p.kind == "int" else ""),
            "default": p.default,
            "source": p.source,
            "source_zh": p.source_zh,
            "transmitted": p.transmitted,
        }
        for p in chosen
    ]


# ------------------------------------------------------------ parameters in force
class ParamDict(dict):
    """The parameters in force: a dict whose every write is validated by the schema.

    ``model.p['supervision'] = 0.5`` (a dashboard, a user between steps) is checked exactly
    as a scheduled change is (:func:`validate`): unknown names, NaN, values out of range
    and non-integers for integer parameters raise :class:`ParamError`; accepted values are
    stored with their schema type. Parameters cannot be removed. Reading is a plain dict's.
    """

    def __init__(self, values: Mapping[str, Any] = (), /, **kw: Any) -> None:
        super().__init__(validate({**dict(values), **kw}))

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, spec(name).validate(value))

    def update(
        self, values: Mapping[str, Any] | Iterable[tuple[str, Any]] = (), /, **kw: Any
    ) -> None:
        super().update(validate({**dict(values), **kw}))

    def setdefault(self, name: str, value: Any = None) -> Any:
        if name not in self:
            self[name] = value
        return self[name]

    def __ior__(self, values: Any) -> ParamDict:
        self.update(values)
        return self

    def _removal(self, *args: Any, **kw: Any) -> Any:
        raise ParamError("parameters in force cannot be removed; set a value instead")

    __delitem__ = pop = popitem = clear = _removal

    def copy(self) -> ParamDict:
        return ParamDict(self)


def check_seed(rng: Any) -> Any:
    """``rng`` as CadreModel accepts it: None, an integer >= 0 or a numpy Generator."""
    import numpy as np

    if rng is None:
        return rng
    if isinstance(rng, np.random.Generator):
        # The local texts draw from a generator spawned from this one (ODD §2.9).
        if not isinstance(rng.bit_generator.seed_seq, np.random.SeedSequence):
            raise ParamError(
                f"rng = {rng!r} is invalid: its bit generator cannot spawn (it was not "
                "seeded by a SeedSequence); pass a seed (an integer >= 0) or "
                "numpy.random.default_rng(seed)"
            )
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return int(rng)
    raise ParamError(
        f"rng = {rng!r} is invalid: allowed is a seed (an integer >= 0), a "
        "numpy.random.Generator or None"
    )
