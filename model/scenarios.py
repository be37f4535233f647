"""Named scenarios and regime schedules, built from the parameter schema.

A scenario is a set of overrides of the schema defaults plus an optional schedule of
lever changes within a run. Values not named here come from :mod:`model.params`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.params import DEFAULTS, ParamError, validate

# Regimes as building blocks; scenarios and schedules compose them. Where a value is
# an assumption rather than a figure of the sources, docs/ODD.md §3.5 says so.
# Before 2012: elastic inter-level relations implicitly tolerated failure (S000-01/02).
_FLEXIBLE = {
    "supervision": 0.0015,
    "supervision_channels": 2,
    "one_veto_targets": 1,
    "retroactive_risk": 0.003,
    "standard_drift": 0.01,
    "tolerance": 0.8,
    "paperwork_load": 0.10,
    "vague_requirements": 1.0,
    "amplification": 0.05,
    "inter_level_consensus": 0.85,
    "discipline_stance": 0.2,
    "blame_shift": 0.1,
    "standards_clarity": 0.6,
    "public_tolerance": 0.6,
    "sanction_publicity": 0.3,
    "absorption_rate": 0.4,
    "sanction_scale": 8.0,
}
# The tolerance procedure of the tightened regime, fitted to seed 003's survey (S003-06)
# by model 2.1's calibration (`cadre-sim calibrate --seed 2024`, 2026-12-05: TV 0.019
# [0.013, 0.041], goal <= 0.05; docs/findings.md): the provision's reach and strength and
# how far the cities' and counties' texts differ (S003-03c-e); the fitted 0.127 and 1.437,
# rounded to the dashboard sliders' steps (0.01, 0.02); the result of a search whose
# method was set after earlier fits, every step reported there. Clarity and publicity are
# not identified by the survey and stay the values read from seed 003's picture (unclear
# standards, S003-08; cases seldom publicised, S003-07c): assumptions, in the ODD's words.
_TOLERANCE_AS_SURVEYED = {
    "standards_clarity": 0.18,
    "tolerance_publicity": 0.07,
    "tolerance": 0.13,
    "local_text_spread": 1.44,
}
# After 2012: overlapping channels at every level, hard and multiplying targets,
# retroactive review, heavy paperwork, blame pushed down (S000-04b–11, S000-17, S000-25);
# grassroots staff and funds did not grow (S000-09), so resources stay at the baseline.
_TIGHTENED = {
    "supervision": 0.0026,
    "supervision_channels": 4,
    "one_veto_targets": 8,
    "retroactive_risk": 0.015,
    "standard_drift": 0.02,
    "paperwork_load": 0.25,
    "vague_requirements": 5.0,
    "amplification": 0.15,
    "inter_level_consensus": 0.4,
    "discipline_stance": 0.65,
    "blame_shift": 0.3,
    "public_tolerance": 0.3,
    "sanction_publicity": 0.6,
    "absorption_rate": 0.3,
    "sanction_scale": 12.0,
    **_TOLERANCE_AS_SURVEYED,
}
# Tolerance texts exist, but levels disagree and standards are unclear (S003-07–10).
_ON_PAPER = {
    "tolerance": 0.9,
    "standards_clarity": 0.2,
    "inter_level_consensus": 0.2,
    "discipline_stance": 0.8,
    "tolerance_publicity": 0.02,
}
# Seed 000's remedies (less rigid targets, flexible supervision) and seed 003's
# (clear standards, inter-level consensus, balanced departments, publicity, public ecology).
_REFORM = {
    "one_veto_targets": 3,
    "vague_requirements": 1.0,
    "amplification": 0.05,
    "paperwork_load": 0.15,
    "supervision": 0.0015,
    "supervision_channels": 3,
    "retroactive_risk": 0.005,
    "standard_drift": 0.01,
    "blame_shift": 0.1,
    "tolerance": 0.85,
    "standards_clarity": 0.8,
    "inter_level_consensus": 0.8,
    "discipline_stance": 0.45,
    "public_tolerance": 0.55,
    "tolerance_publicity": 0.4,
}


def _switch(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Changes that move from regime ``old`` to ``new``: what ``old`` set and ``new``
    does not name goes back to its schema default."""
    return {**{k: DEFAULTS[k] for k in old}, **new}


@dataclass(frozen=True)
class Scenario:
    name: str
    title_en: str
    title_zh: str
    en: str
    zh: str
    params: Mapping[str, Any]
    schedule: tuple[tuple[int, Mapping[str, Any]], ...] = ()
    steps: int = 120
    sources: str = ""


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario(
            "flexible_experimentation",
            "Flexible experimentation (before 2012)",
            "弹性试验（2012年以前）",
            "Elastic relations between levels: light supervision, few one-veto targets, "
            "failures implicitly tolerated, successes absorbed upward.",
            "上下级关系富有弹性：监督较轻、一票否决指标少、失败被默许容忍、成功经验被上级吸纳推广。",
            _FLEXIBLE,
            sources="S000-01, S000-02, S000-03",
        ),
        Scenario(
            "tightened_accountability",
            "Tightened accountability (after 2012)",
            "问责强化（2012年以后）",
            "Every level watches the ones below through several channels, one-veto targets "
            "multiply on the way down, records are reviewed retroactively, paperwork is heavy "
            "and blame is pushed down; grassroots staff and funds did not grow. The setting in "
            "which cadres stopped innovating.",
            "各级通过多个渠道监督下级、一票否决指标层层加码、秋后算账、文牍繁重、责任层层下移，"
            "而基层的人财物并未增加：干部不再创新的制度情境。",
            _TIGHTENED,
            sources="S000-04 to S000-13, S000-17, S000-25; tolerance reach and local texts fitted to S003-06; clarity and publicity read from S003-07c, S003-08 (assumption)",
        ),
        Scenario(
            "tolerance_on_paper",
            "Tolerance on paper",
            "纸面上的容错",
            "Tightened accountability with strong tolerance texts, but levels disagree, "
            "standards are unclear and the discipline view prevails: text rich, practice poor.",
            "在问责强化的情境下，容错文件力度很大，但上下级认识不一、标准模糊、纪委立场占上风："
            "文本丰富、实践匮乏。",
            {**_TIGHTENED, **_ON_PAPER},
            sources="S003-06 to S003-11",
        ),
        Scenario(
            "reform_package",
            "Reform package",
            "改革组合拳",
            "Tightened accountability plus both seeds' remedies: less rigid targets, "
            "flexible supervision, clear standards, inter-level consensus, publicised cases, "
            "a more tolerant public.",
            "在问责强化基础上实施两篇文章提出的改革：指标去刚性、监督问责更灵活、标准清晰、"
            "上下级共识、公开容错案例、更宽容的社会氛围。",
            {**_TIGHTENED, **_REFORM},
            sources="S000-20, S003-12, S003-14",
        ),
        Scenario(
            "tightening_then_loosening",
            "Tightening, then loosening",
            "先收紧、后放松",
            "Starts flexible; the centre tightens accountability at month 40 and loosens it "
            "with the reform package at month 120. Each change is relayed down level by level: "
            "watch avoidance reach the townships over years, and the startled birds come back "
            "more slowly still.",
            "从弹性试验开始；中央在第40个月强化问责，第120个月以改革组合拳放松。每次变化都逐级传达："
            "观察避责如何用数年时间蔓延到乡镇，“惊弓之鸟”又如何更慢地恢复。",
            _FLEXIBLE,
            schedule=((40, _switch(_FLEXIBLE, _TIGHTENED)), (120, _REFORM)),
            steps=200,
            sources="S000-04b, S000-12, S000-12b, S000-18, S000-29 (relay delay: assumption)",
        ),
    ]
}
DEFAULT_SCENARIO = "tightened_accountability"


def get(name: str) -> Scenario:
    if name not in SCENARIOS:
        raise ParamError(f"unknown scenario '{name}': allowed are {', '.join(SCENARIOS)}")
    return SCENARIOS[name]


Schedule = tuple[tuple[int, dict[str, Any]], ...]


def validate_schedule(schedule: Iterable | Mapping | None) -> Schedule:
    """Validate ``[(step, {param: value}), ...]`` or ``{step: {param: value}}``.

    Changes listed for step s take effect at the start of step s (steps count from 1).
    """
    if not schedule:
        return ()
    items = schedule.items() if isinstance(schedule, Mapping) else schedule
    out = []
    for entry in items:
        try:
            step, changes = entry
        except (TypeError, ValueError):
            raise ParamError(
                f"schedule entry {entry!r}: expected (step, {{param: value}})"
            ) from None
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 1:
            raise ParamError(f"schedule step = {step!r} is invalid: allowed is an integer >= 1")
        step = int(step)
        if not isinstance(changes, Mapping):
            raise ParamError(f"schedule at step {step}: expected a mapping of parameter values")
        out.append((step, validate(changes)))
    return tuple(sorted(out, key=lambda e: e[0]))


def parse_change(text: str) -> tuple[int, dict[str, Any]]:
    """Parse the CLI form ``STEP:NAME=VALUE[,NAME=VALUE...]``."""
    from model.params import parse_assignment

    step_s, sep, rest = text.partition(":")
    if not sep or not rest:
        raise ParamError(f"--at expects STEP:NAME=VALUE[,NAME=VALUE], got '{text}'")
    try:
        step = int(step_s)
    except ValueError:
        raise ParamError(f"--at step = '{step_s}' is invalid: allowed is an integer >= 1") from None
    if step < 1:
        raise ParamError(f"--at step = {step} is invalid: allowed is an integer >= 1")
    return step, dict(parse_assignment(a) for a in rest.split(","))
