"""A plain per-agent Mesa implementation of the model's rules, for speed comparisons.

This is what a typical Mesa user would write: one :class:`CadreAgentBaseline` per cadre
holding its own scalar state, a Python ``step()`` per agent driven by
``model.agents.shuffle_do("step")``, and unit-level aggregation (imitation, learning
signals, problems, passing down, escalation, reporters) done by looping over agents and
units in Python. It implements the same monthly rules as :meth:`model.model.CadreModel.step`
(attention, prospect-theory utilities, logit choice, imitation, avoidance forms,
outcomes, multi-channel detection, retroactive review, the five-stage tolerance
procedure, graded sanctions, belief learning, problems, absorption, passing down,
escalation, promotion, turnover and removal), reusing the world-building and the
scalar-friendly pieces of :mod:`model` (parameters, scenarios, hierarchy,
``detection_probability``, ``effective_veto_targets``, severity tables).

Simplifications (none changes a rule):

* Random draws come from the model's own streams in a different order (scalar draws
  from ``model.random``, the stdlib generator Mesa seeds from the same seed, because it
  is what per-agent code calls and is much cheaper per scalar than numpy; Poisson
  inflow from ``model.rng``), so runs are statistically, not bit-for-bit, equivalent.
* Reporters are reduced to action shares and mean beliefs per level (the vectorised
  model records ~40 columns per level); the survey logs and the dashboard's
  "play as a cadre" override are left out. Both make the baseline do *less* work, so
  the measured speed-up is conservative.
* Prospect-theory probability weights are computed in float64 (the vectorised model
  uses float32 for speed; the difference is ~1e-7).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import mesa
import numpy as np

from model.accountability import PROMOTION_BLOCK_MONTHS, SEVERE
from model.decision import (
    FORM_WEIGHTS,
    INNOVATION_RECORD_EXPOSURE,
    ROUTINE_RECORD_EXPOSURE,
    SEVERITY,
    detection_probability,
    effective_veto_targets,
    expected_severity,
)
from model.hierarchy import LEVELS, N_LEVELS, HierarchySpec, build, custom_spec, get_spec
from model.learning import PUBLIC_WEIGHT
from model.model import PROMOTION_MERIT_CAP
from model.params import resolve
from model.scenarios import DEFAULT_SCENARIO, validate_schedule
from model.scenarios import get as get_scenario
from model.state import (
    ACTIONS,
    AVOID,
    BELIEF_CONCENTRATION,
    HISTORY_LEN,
    INNOVATE,
    NO_FORM,
    PASS_DOWN,
    REC_AVOID,
    REC_FAILED,
    REC_ROUTINE,
    REC_SUCCEEDED,
    ROUTINE,
    SHARE,
    STALL,
)
from model.tolerance import ORGANISATION_APPROVAL

# Cumulative severity distributions per kind of case (mild, moderate) as floats.
_SEV_CUM = {k: (float(v[0]), float(v[0] + v[1])) for k, v in SEVERITY.items()}
_FORM_CUM = {
    k: (float(w[0]), float(w[0] + w[1]), float(w.sum())) for k, w in FORM_WEIGHTS.items()
}
# Same weights with passing down impossible (units without subordinates).
_FORM_CUM_NO_PD = {k: (0.0, float(w[1]), float(w[1] + w[2])) for k, w in FORM_WEIGHTS.items()}


def prob_weight(p: float, gamma: float) -> float:
    """Tversky–Kahneman (1992) probability weighting, scalar form."""
    if gamma == 1.0:
        return p
    pg = p**gamma
    return pg / (pg + (1.0 - p) ** gamma) ** (1.0 / gamma)


def update(belief: float, signal: float, rate: float, negativity_bias: float,
           bad_when_higher: bool) -> float:
    """Move a belief toward a signal; bad news moves it ``negativity_bias`` times faster."""
    bad = signal > belief if bad_when_higher else signal < belief
    step = min(rate * negativity_bias, 1.0) if bad else rate
    return belief + step * (signal - belief)


def observed_rate(hits: float, total: float, pub_hits: float, pub_total: float) -> float | None:
    """Rate seen in a unit (own cases + down-weighted publicised peer cases), None if none."""
    den = total + PUBLIC_WEIGHT * pub_total
    return (hits + PUBLIC_WEIGHT * pub_hits) / den if den > 0 else None


def draw_severity(kind: str, u: float) -> int:
    c0, c1 = _SEV_CUM[kind]
    return 0 if u < c0 else (1 if u < c1 else 2)


class Unit:
    """One administrative unit: its members and this month's tallies."""

    def __init__(self, index: int, level: int, group: int, n_cadres: int) -> None:
        self.index = index
        self.level = level
        self.group = group
        self.n_cadres = n_cadres
        self.parent: Unit | None = None
        self.children: list[Unit] = []
        self.members: list[CadreAgentBaseline] = []
        self.problems = 0.0
        self.inbox = 0.0            # load passed down to this unit last month
        self.last_counts: list[float] | None = None
        self.seen: tuple[float, float, float] | None = None
        self.reset_tallies()

    def reset_tallies(self) -> None:
        self.counts = [0, 0, 0]
        self.successes = 0
        self.missteps = 0
        self.detected_missteps = 0
        self.retro_cases = 0
        self.pub_sanctions = 0
        self.cases = 0
        self.tolerated = 0
        self.pub_tolerated = 0
        self.pub_not_tolerated = 0
        self.pass_downs: list[Unit] = []   # receiving unit of each pass-down, in order


class CadreAgentBaseline(mesa.Agent):
    """One cadre with its own scalar state and a per-agent monthly step."""

    def __init__(self, model: BaselineModel, unit: Unit, leader: bool) -> None:
        super().__init__(model)
        self.unit = unit
        self.level = unit.level
        self.leader = leader
        self.action = ROUTINE
        self.form = NO_FORM
        self.free_attention = 0.0
        self.new_post()

    def new_post(self) -> None:
        """Fresh motivation, beliefs and record (at start and for newcomers)."""
        p, r = self.model.p, self.model.random
        self.intrinsic = r.expovariate(1.0) * p["intrinsic_motivation"]
        self.belief_detect = _draw_belief(r, p["prior_detection"])
        self.belief_tol = _draw_belief(r, p["prior_tolerance"])
        self.blocked = 0
        self.tenure = 0
        self.sanctions = 0
        self.tolerated = 0
        self.records: deque[int] = deque(maxlen=HISTORY_LEN)

    # -------------------------------------------------------------- decision etc.
    def step(self) -> None:
        m = self.model
        p, c, r = m.p, m.month, m.random
        unit = self.unit
        a, g, lam = p["value_curvature"], p["probability_weighting"], p["loss_aversion"]

        # attention and the true chances this cadre faces
        duty = p["leader_duty"] if self.leader else 1.0
        veto = c.veto[self.level]
        demand = (p["routine_load"] + p["paperwork_load"] + p["veto_attention"] * veto) * duty
        demand += unit.inbox / unit.n_cadres
        free = max(c.budget - demand, 0.0)
        overload = max(demand - c.budget, 0.0) / c.budget
        self.free_attention = free
        p_success = c.success_cap * min(free / p["innovation_attention"], 1.0)
        per_target = min(p["veto_failure_rate"] * duty * (1.0 + overload), 1.0)
        p_irregular = 1.0 - (1.0 - per_target) ** veto

        # prospect-theory utilities on beliefs, then logit choice and imitation
        bd, bt = self.belief_detect, self.belief_tol
        u_innov = (prob_weight(p_success, g) * c.v_gain_innov + self.intrinsic**a
                   - lam * prob_weight((1.0 - p_success) * bd * (1.0 - bt), g) * c.v_commission
                   - lam * prob_weight(c.retro * c.drift_innov * (1.0 - bt), g) * c.v_retro)
        u_routine = (c.v_routine_credit
                     - lam * prob_weight(p_irregular * bd, g) * c.v_veto
                     - c.routine_retro_loss)
        u_avoid = c.v_avoid_relief - lam * prob_weight(bd * p["omission_visibility"], g) * c.v_omission
        beta = p["rationality"]
        top = max(u_innov, u_routine, u_avoid)
        e0 = math.exp(beta * (u_innov - top))
        e1 = math.exp(beta * (u_routine - top))
        e2 = math.exp(beta * (u_avoid - top))
        tot = e0 + e1 + e2
        p0, p1 = e0 / tot, e1 / tot
        if unit.seen is not None and p["imitation"] != 0.0:
            w = p["imitation"]
            p0 = (1.0 - w) * p0 + w * unit.seen[0]
            p1 = (1.0 - w) * p1 + w * unit.seen[1]
        x = r.random()
        action = INNOVATE if x <= p0 else (ROUTINE if x <= p0 + p1 else AVOID)
        self.action = action
        unit.counts[action] += 1

        innovative_task = r.random() < p["innovative_task_share"]
        x = r.random()
        self.form = NO_FORM
        if action == AVOID:
            task = "innovative_task" if innovative_task else "routine_task"
            cum = (_FORM_CUM if unit.children else _FORM_CUM_NO_PD)[task]
            x *= cum[2]
            self.form = PASS_DOWN if x < cum[0] else (SHARE if x < cum[1] else STALL)

        # outcomes and the record
        success = action == INNOVATE and r.random() < p_success
        failed = action == INNOVATE and not success
        irregular = action == ROUTINE and r.random() < p_irregular
        self.records.append(REC_SUCCEEDED if success else REC_FAILED if failed
                            else REC_ROUTINE if action == ROUTINE else REC_AVOID)
        if success:
            unit.successes += 1
        if self.form == PASS_DOWN:
            kids = unit.children
            unit.pass_downs.append(kids[int(r.random() * len(kids))])

        # accountability for this month's acts
        x = r.random()
        det_fail = failed and x < c.p_det
        det_irr = irregular and x < c.p_det
        shed = self.form == SHARE and r.random() < p["share_dilution"]
        det_omit = action == AVOID and x < c.p_omit and not shed
        self.misstep = failed or irregular
        self.detected_misstep = det_fail or det_irr
        if self.misstep:
            unit.missteps += 1
            if self.detected_misstep:
                unit.detected_missteps += 1

        # retroactive review of the months before this one
        retro_found = retro_innov = False
        if r.random() < p["retroactive_risk"]:
            past = list(self.records)[-1 - c.lookback:-1]
            n_innov = sum(1 for rec in past if rec in (REC_FAILED, REC_SUCCEEDED))
            n_routine = sum(1 for rec in past if rec == REC_ROUTINE)
            retro_innov = r.random() < 1.0 - (1.0 - c.drift_innov) ** n_innov
            routine_case = r.random() < 1.0 - (1.0 - c.drift_routine) ** n_routine
            retro_found = retro_innov or routine_case
            if retro_found:
                unit.retro_cases += 1

        # good-faith cases go through the tolerance procedure; the rest are sanctioned
        sanctions: list[str] = []
        self.case_outcomes: list[bool] = []
        for kind, is_case in (("commission", det_fail), ("retro", retro_innov)):
            if not is_case:
                continue
            ok = self.tolerance_procedure(r.random() < p["high_profile_share"])
            self.case_outcomes.append(ok)
            unit.cases += 1
            if ok:
                unit.tolerated += 1
                self.tolerated += 1
            else:
                sanctions.append(kind)
        if retro_found and not retro_innov:
            sanctions.append("retro")
        if det_irr:
            sanctions.append("veto")
        if det_omit:
            sanctions.append("omission")

        self.severe = False
        self.blocked = max(self.blocked - 1, 0)
        for kind in sanctions:
            if draw_severity(kind, r.random()) == SEVERE:
                self.severe = True
            self.sanctions += 1
            self.blocked = PROMOTION_BLOCK_MONTHS
        # publicity is drawn per sanction and per case, as in the vectorised model
        for _ in sanctions:
            if r.random() < p["sanction_publicity"]:
                unit.pub_sanctions += 1
        for ok in self.case_outcomes:
            if r.random() < p["tolerance_publicity"] and ok:
                unit.pub_tolerated += 1
        for ok in self.case_outcomes:
            if not ok and r.random() < p["sanction_publicity"]:
                unit.pub_not_tolerated += 1

    def tolerance_procedure(self, high_profile: bool) -> bool:
        """Walk one case through the five stages; True if tolerated and recognised."""
        p, r = self.model.p, self.model.random
        tol, clar = p["tolerance"], p["standards_clarity"]
        committee = (0.5 + 0.5 * tol) * (0.5 + 0.5 * clar)
        stages = (
            tol * (0.5 + 0.5 * clar) * (0.5 + 0.5 * self.belief_tol),
            p["public_tolerance"] if high_profile else 0.7 + 0.3 * p["public_tolerance"],
            p["discipline_stance"] * clar + (1.0 - p["discipline_stance"]) * ORGANISATION_APPROVAL,
            committee * p["inter_level_consensus"] if high_profile else committee,
            1.0 if high_profile else p["inter_level_consensus"],
        )
        return all(r.random() < s for s in stages)

    # ------------------------------------------------------------------ learning
    def learn(self) -> None:
        p, unit = self.model.p, self.unit
        lr, nb = p["learning_rate"], p["negativity_bias"]
        if unit.detect_rate is not None:
            self.belief_detect = update(self.belief_detect, unit.detect_rate, lr, nb, True)
        if self.misstep:
            self.belief_detect = update(self.belief_detect, float(self.detected_misstep), lr, nb, True)
        if unit.tol_rate is not None:
            self.belief_tol = update(self.belief_tol, unit.tol_rate, lr, nb, False)
        if self.case_outcomes:
            # Several cases in one month are judged against the same prior belief and
            # the last one stands, as the vectorised model's indexed assignment does.
            prior = self.belief_tol
            for ok in self.case_outcomes:
                self.belief_tol = update(prior, float(ok), lr, nb, False)

    # ------------------------------------------------------------------- careers
    def renew(self) -> None:
        p, r = self.model.p, self.model.random
        scale = 1 + PROMOTION_MERIT_CAP
        promoted = False
        if r.random() < min(p["promotion_rate"] * scale, 1.0) and self.blocked == 0:
            merit = sum(1 for rec in list(self.records)[-12:] if rec == REC_SUCCEEDED)
            promoted = r.random() * scale < 1 + min(merit, PROMOTION_MERIT_CAP)
        retired = r.random() < p["turnover_rate"]
        self.tenure += 1
        if promoted or retired or self.severe:
            self.new_post()


def _draw_belief(r: Any, prior: float) -> float:
    return r.betavariate(max(prior * BELIEF_CONCENTRATION, 1e-6),
                         max((1.0 - prior) * BELIEF_CONCENTRATION, 1e-6))


class _Month:
    """Quantities that are the same for every cadre this month."""


class BaselineModel(mesa.Model):
    """Per-agent Mesa version of :class:`model.CadreModel` (same arguments, minus ``agents``)."""

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        preset: str | HierarchySpec = "classroom",
        rng: int | None = None,
        schedule: Iterable | Mapping | None = None,
        branching: Iterable[int] | None = None,
        **params: Any,
    ) -> None:
        sc = get_scenario(scenario)
        self.p: dict[str, Any] = resolve({**sc.params, **params})
        own = validate_schedule(schedule)
        super().__init__(rng=rng)
        self.schedule = tuple(sorted(validate_schedule(sc.schedule) + own, key=lambda e: e[0]))
        spec = custom_spec(tuple(branching)) if branching is not None else get_spec(preset)
        # Same tree as CadreModel for the same seed: it is the first use of the rng.
        h = build(spec, self.rng)
        self.units = [Unit(u, int(h.level[u]), int(h.group[u]), int(h.n_cadres[u]))
                      for u in range(h.n_units)]
        for u in self.units[1:]:
            u.parent = self.units[int(h.parent[u.index])]
            u.parent.children.append(u)
        for u in self.units:
            for k in range(u.n_cadres):
                u.members.append(CadreAgentBaseline(self, u, leader=k < int(h.n_leaders[u.index])))
        self.month = _Month()
        self.rows: list[dict[str, Any]] = []

    @property
    def n_cadres(self) -> int:
        return len(self.agents)

    def _prepare_month(self) -> None:
        p, c = self.p, self.month
        a = p["value_curvature"]
        lam, g = p["loss_aversion"], p["probability_weighting"]
        S = p["sanction_scale"]
        c.veto = [float(v) for v in effective_veto_targets(p, N_LEVELS)]
        c.budget = p["attention_budget"] * p["resources"]
        c.success_cap = min(p["innovation_success"] * p["resources"], 1.0)
        c.p_det = detection_probability(p["supervision"], p["supervision_channels"])
        c.p_omit = detection_probability(p["supervision"], p["supervision_channels"],
                                         p["omission_visibility"])
        c.retro = 1.0 - (1.0 - p["retroactive_risk"]) ** p["lookback"]
        c.drift_innov = min(INNOVATION_RECORD_EXPOSURE * p["standard_drift"], 1.0)
        c.drift_routine = ROUTINE_RECORD_EXPOSURE * p["standard_drift"]
        c.lookback = min(p["lookback"], HISTORY_LEN - 1)
        c.v_gain_innov = (p["promotion_value"] + p["recognition_value"] + p["problem_value"]) ** a
        c.v_commission = (S * expected_severity("commission")) ** a
        c.v_retro = (S * expected_severity("retro")) ** a
        c.v_veto = (S * expected_severity("veto")) ** a
        c.v_omission = (S * expected_severity("omission")) ** a
        c.v_routine_credit = p["routine_credit"] ** a
        c.v_avoid_relief = p["avoid_relief"] ** a
        c.routine_retro_loss = lam * prob_weight(c.retro * c.drift_routine, g) * c.v_retro

    def _group_sums(self, attr: str) -> dict[int, float]:
        sums: dict[int, float] = {}
        for u in self.units:
            sums[u.group] = sums.get(u.group, 0.0) + getattr(u, attr)
        return sums

    def _imitation_signals(self) -> None:
        """Action shares each unit's cadres saw last month among peers and superior."""
        w = self.p["peer_weight"]
        peer: dict[int, list[float]] = {}
        for u in self.units:
            if u.last_counts is None:
                return
            acc = peer.setdefault(u.group, [0.0, 0.0, 0.0])
            for k in range(3):
                acc[k] += u.last_counts[k]
        for u in self.units:
            pc = peer[u.group]
            sc = u.parent.last_counts if u.parent is not None else u.last_counts
            pt, st = sum(pc) or 1.0, sum(sc) or 1.0
            u.seen = tuple(w * pc[k] / pt + (1.0 - w) * sc[k] / st for k in range(3))

    def step(self) -> None:
        for at, changes in self.schedule:
            if at == self.steps:
                self.p.update(changes)
        self._prepare_month()
        self._imitation_signals()
        for u in self.units:
            u.reset_tallies()

        self.agents.shuffle_do("step")

        # learning signals per unit: own cases plus publicised cases of peer units
        pub_s = self._group_sums("pub_sanctions")
        pub_t = self._group_sums("pub_tolerated")
        pub_f = self._group_sums("pub_not_tolerated")
        for u in self.units:
            other_s = pub_s[u.group] - u.pub_sanctions
            u.detect_rate = observed_rate(u.detected_missteps + u.retro_cases,
                                          u.missteps + u.retro_cases, other_s, other_s)
            other_t = pub_t[u.group] - u.pub_tolerated
            other_f = pub_f[u.group] - u.pub_not_tolerated
            u.tol_rate = observed_rate(u.tolerated, u.cases, other_t, other_t + other_f)
        self.agents.do("learn")

        self._problems()
        self.agents.do("renew")
        for u in self.units:
            u.last_counts = [float(x) for x in u.counts]
        self._collect()

    def _problems(self) -> None:
        p, r = self.p, self.random
        for u in self.units:
            u.absorbed = 0 if u.parent is None else r.binomialvariate(u.successes, p["absorption_rate"])
        absorbed = self._group_sums("absorbed")
        for u in self.units:
            inflow = float(self.rng.poisson(p["problem_inflow"] * u.n_cadres))
            solved = (r.binomialvariate(u.counts[ROUTINE], p["routine_solve"])
                      + p["innovation_yield"] * u.successes + absorbed[u.group] - u.absorbed)
            u.problems = max(u.problems + inflow - solved, 0.0)
        # each pass-down carries one problem while the unit has one, and load next month
        moves = []
        for u in self.units:
            for rank, child in enumerate(u.pass_downs):
                if rank < u.problems:
                    moves.append((u, child))
            u.inbox = 0.0
        for u in self.units:
            for child in u.pass_downs:
                child.inbox += p["pass_down_load"]
        for src, dst in moves:
            src.problems -= 1.0
            dst.problems += 1.0
        # problems above a unit's threshold escalate to its superior
        outs = []
        for u in self.units:
            if u.parent is None:
                continue
            excess = max(u.problems - p["escalation_threshold"] * u.n_cadres, 0.0)
            outs.append((u, math.floor(p["escalation_rate"] * excess)))
        for u, out in outs:
            u.problems -= out
            u.parent.problems += out

    def _collect(self) -> None:
        counts = [[0, 0, 0] for _ in range(N_LEVELS)]
        n = [0] * N_LEVELS
        bt = [0.0] * N_LEVELS
        bd = [0.0] * N_LEVELS
        for agent in self.agents:
            lv = agent.level
            counts[lv][agent.action] += 1
            n[lv] += 1
            bt[lv] += agent.belief_tol
            bd[lv] += agent.belief_detect
        for name, cs, k, t, d in zip(
            (*LEVELS, "all"),
            (*counts, [sum(c[j] for c in counts) for j in range(3)]),
            (*n, sum(n)), (*bt, sum(bt)), (*bd, sum(bd)), strict=True,
        ):
            k1 = max(k, 1)
            row: dict[str, Any] = {"step": self.steps, "level": name, "n_cadres": k}
            row.update({ACTIONS[j]: cs[j] / k1 for j in range(3)})
            row["belief_tolerance"] = t / k1
            row["belief_detection"] = d / k1
            self.rows.append(row)

    def run(self, steps: int) -> BaselineModel:
        for _ in range(steps):
            self.step()
        return self

    def final_share(self, level: str, column: str, fraction: float = 0.2) -> float:
        """Mean of ``column`` at ``level`` over the last ``fraction`` of steps."""
        vals = [r[column] for r in self.rows if r["level"] == level]
        if not vals:
            return float("nan")
        k = max(1, int(round(len(vals) * fraction)))
        return float(np.mean(vals[-k:]))
