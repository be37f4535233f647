"""A plain per-agent Mesa implementation of the model's rules, for speed comparisons.

This is what a typical Mesa user would write: one :class:`CadreAgentBaseline` per cadre
holding its own scalar state (five beliefs, a 37-month record, promotion block, ...),
Python methods per agent driven by ``model.agents.shuffle_do`` / ``model.agents.do``
stage by stage, and everything above the cadre (imitation signals, learning evidence,
relay of documents, problems, passing down, escalation, reporters) done by looping over
:class:`Unit` objects in Python. Each month applies the rules of
:meth:`model.model.CadreModel.step`, stage by stage:

0. regime: schedule, issue and relay of versions, alertness calms, documents for the
   cadres of adopting units (direction-dependent credibility, alertness set, freed
   targets partly unlearnt), ``perfect_information``;
1. per cadre: perceived binding targets, standing demand, free attention, overload, load,
   success chance, failure per target, miss chances on perceived and real targets;
2. per cadre: prospect-theory utilities on its five beliefs, logit, imitation of last
   month's peer / superior shares, action draw, form of avoidance;
3. per cadre: outcome and record (history ring with the JUDGED bit);
4. per cadre: detection by every watching level (act marked judged), omission with share
   dilution, retroactive review of every open act of the look-back window; per unit:
   territorial cases from its own escalations; per case: push-down onto a cadre chosen
   uniformly among all the cadres below the unit;
5. per case of each carrier: eligibility by kind, the five-stage tolerance procedure
   (application depends on the provision and the carrier's belief), severity by kind,
   promotion block for the influence period;
6. per case: publicity draws; per unit: evidence (own unit + peers' circulated cases),
   unpunished misses of freed targets (Poisson) and their unlearning; per cadre: belief
   steps (learning rate x the unit's alertness) towards its unit's evidence and its own
   outcomes;
7. per unit: inflow at the grassroots, absorption, routine solving, passing down whole
   problems, continuous escalation, own escalations; per cadre: promotion (exact
   thinning), retirement, removal after a severe sanction, newcomers socialised to their
   unit's beliefs;
8. reporters per level.

**Reused from** :mod:`model` (world-building and per-unit constants, not the month's
per-cadre work): the parameter schema and scenarios (``resolve``, ``validate_schedule``),
the tree (``hierarchy.build``; same tree as ``CadreModel`` for the same seed), the
regime in force at each unit (``regime.build``,
``decision.share_form_chance``: per-unit detection, shift, targets, review, judging,
eligibility, stage factors, truths and announced values, copied into each
:class:`Unit` as Python floats), the versions and their relay (``Transmission``, which
draws one uniform per lagging unit from ``model.rng``), and constants (record codes, form
weights, severity tables and influence periods, ``PUBLIC_WEIGHT``, ``APPLY_FLOOR``,
``PROMOTION_MERIT_CAP``, ``ROUTINE_RETRO_RATIO``, which beliefs are bad news when they
rise, belief scatter shapes, ``expected_severity``).

**Simplifications** (none changes a rule):

* Random draws come from the model's streams in a different order: scalar draws from
  ``model.random`` (the stdlib generator Mesa seeds from the same seed; cheaper per
  scalar than numpy, and what per-agent code calls), Poisson draws (problem inflow,
  unpunished misses of freed targets) from ``model.rng``. Runs are therefore
  statistically, not bit-for-bit, equivalent; ``tests/benchmarks/test_baseline.py``
  checks the equivalence against the vectorised model over replicate seeds.
* Reporters are reduced to action shares, mean beliefs and counts of sanctions, cases,
  pushed-down cases and retroactive cases per level (the vectorised model records ~50
  columns per level); the survey logs and case dates, the stage counts of the tolerance
  procedure and the dashboard's "play as a cadre" override (``forced_actions``) are left
  out. Each makes the baseline do *less* work, so the measured speed-up is conservative.
* Beliefs and probability weights are computed in float64 (the vectorised model stores
  beliefs and utilities in float32; the difference is ~1e-7).
* A newcomer takes over the post's agent (its state is reset in place), as the
  vectorised model reuses the post's row.

``drop`` (tests only) switches off one rule, to show that the equivalence test can fail:
see :data:`DROPPABLE`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import mesa

from model import regime
from model.accountability import (
    BLOCK_MONTHS,
    COMMISSION,
    OMISSION,
    RETRO_INNOV,
    RETRO_ROUTINE,
    SEVERE,
    SEVERITY,
    VETO,
    expected_severity,
    severity_of_kind,
)
from model.beliefs import BAD_WHEN_HIGHER, SEVERITY_SHAPE
from model.decision import FORM_WEIGHTS, ROUTINE_RETRO_RATIO, share_form_chance
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
    BELIEFS,
    HISTORY_LEN,
    INNOVATE,
    JUDGED,
    NO_FORM,
    PASS_DOWN,
    REC_FAILED,
    REC_NONE,
    REC_ROUTINE,
    REC_SUCCEEDED,
    ROUTINE,
    SHARE,
    STALL,
)
from model.tolerance import (
    APPLY_FLOOR,
    ELIGIBLE_INNOVATION,
    ELIGIBLE_RETRO,
    ELIGIBLE_ROUTINE,
    local_texts,
)
from model.transmission import Transmission

# Rules that ``BaselineModel(drop=...)`` can switch off (tests only: a broken baseline
# the equivalence test must tell from the model).
DROPPABLE: dict[str, str] = {
    "push_down": "cases are never pushed down to a cadre below (no 背锅)",
    "documents": "cadres ignore the documents of a newly adopted version",
}
N_BELIEFS = len(BELIEFS)
DETECT, OMIT, RETRO, SEV, TOL = range(N_BELIEFS)
# Which column of the provision's reach covers each kind of case (inaction: none).
REACH_COLUMN = {
    COMMISSION: ELIGIBLE_INNOVATION,
    VETO: ELIGIBLE_ROUTINE,
    RETRO_INNOV: ELIGIBLE_RETRO,
    RETRO_ROUTINE: ELIGIBLE_RETRO,
}
# Upper bounds of MILD and MODERATE per kind of case.
SEVERITY_BOUNDS = {
    kind: (
        float(SEVERITY[severity_of_kind(kind)][0]),
        float(SEVERITY[severity_of_kind(kind)][:2].sum()),
    )
    for kind in (COMMISSION, VETO, RETRO_INNOV, RETRO_ROUTINE, OMISSION)
}
OPEN_INNOVATION = (REC_FAILED, REC_SUCCEEDED)  # innovations on record, not yet judged
SUCCEEDED = (REC_SUCCEEDED, REC_SUCCEEDED | JUDGED)
REPORTED_COUNTS = ("sanctions", "cases", "cases_shifted", "retro_cases")


def prob_weight(p: float, gamma: float) -> float:
    """Tversky–Kahneman (1992) probability weighting, scalar form."""
    if gamma == 1.0:
        return p
    pg = p**gamma
    return pg / (pg + (1.0 - p) ** gamma) ** (1.0 / gamma)


def at_least_once(chance: float, times: float) -> float:
    """1 - (1 - chance)^times, with a sure chance catching as soon as times > 0."""
    if chance >= 1.0:
        return 1.0 if times > 0 else 0.0
    return 1.0 - (1.0 - chance) ** times


def draw_belief(r: Any, row: int, mean: float) -> float:
    """One belief scattered around ``mean``: Beta with concentration 20 for the chances,
    Gamma with the same mean (CV 0.2) for the weight of a sanction."""
    if row == SEV:
        return r.gammavariate(SEVERITY_SHAPE, max(mean, 1e-9) / SEVERITY_SHAPE)
    m = min(max(mean, 1e-6), 1.0 - 1e-6)
    return r.betavariate(m * BELIEF_CONCENTRATION, (1.0 - m) * BELIEF_CONCENTRATION)


class Case:
    """One accountability case: who carries it, of which kind, and what became of it."""

    __slots__ = ("carrier", "kind", "shifted", "tolerated", "author", "order")

    def __init__(
        self,
        carrier: CadreAgentBaseline,
        kind: int,
        order: tuple = (),
        author: CadreAgentBaseline | None = None,
    ) -> None:
        self.carrier = carrier
        self.kind = kind
        self.shifted = False
        self.tolerated = False
        self.author = author  # the cadre whose misstep it is (detected missteps only)
        self.order = order  # position among the month's cases of its source


class Unit:
    """One administrative unit: its members, the regime it has adopted, its perception,
    its problems, and this month's tallies."""

    def __init__(self, index: int, level: int, n_cadres: int) -> None:
        self.index = index
        self.level = level
        self.n_cadres = n_cadres
        self.parent: Unit | None = None
        self.children: list[Unit] = []
        self.members: list[CadreAgentBaseline] = []
        self.below: list[CadreAgentBaseline] = []  # every cadre of every unit under it
        self.perceived_targets = 0.0
        self.alert = [1.0] * N_BELIEFS
        self.problems = 0.0
        self.inbox = 0.0  # load passed down to the unit last month
        self.own_escalations = 0.0  # problems that arose in it and escalated last month
        self.last_counts: list[int] | None = None
        self.seen: list[float] | None = None
        self.reset_tallies()

    def adopt(self, r: regime.UnitRegime, i: int) -> None:
        """The regime in force at this unit, as Python floats (``i`` = its index)."""
        self.detect = r.detect[i]
        self.detect_omission = r.detect_omission[i]
        self.shift = r.shift[i]
        self.targets = r.targets[i]
        self.review = r.review[i]
        self.judge_innov = r.judge_innov[i]
        self.judge_routine = r.judge_routine[i]
        self.severity = r.severity[i]
        self.paperwork = r.paperwork[i]
        self.tolerance = r.tolerance[i]
        self.eligible = r.eligible[i]
        self.stages = r.stages[i]
        self.sanction_publicity = r.sanction_publicity[i]
        self.tolerance_publicity = r.tolerance_publicity[i]
        self.truth = [row[i] for row in r.truth]
        self.announced = [row[i] for row in r.announced]

    def reset_tallies(self) -> None:
        self.counts = [0, 0, 0]
        self.successes = 0
        self.routine_failure = 0.0  # sum of the routine cadres' failure per target
        self.pass_downs = 0
        self.missteps = 0
        self.own_cases = 0
        self.omitted = 0
        self.avoided = 0
        self.open_innov = 0
        self.retro_found = 0
        self.sanctioned = 0
        self.tolerated = 0
        self.eligible_cases = 0
        self.pub_sanctions = 0
        self.pub_tolerated = 0
        self.known = 0

    def own_evidence(self) -> list[float]:
        """(hits, trials) of each belief in the unit's own cases this month."""
        return [
            self.own_cases,
            self.missteps,
            self.omitted,
            self.avoided,
            self.retro_found,
            self.open_innov,
            self.sanctioned * self.severity,
            self.sanctioned,
            self.tolerated,
            self.eligible_cases,
        ]

    def circulated(self) -> list[float]:
        """(hits, trials) of each belief that the unit's peers see of it: its missteps,
        inaction and review record, its circulated sanctions and the tolerance cases
        whose outcome was made known."""
        return [
            self.own_cases,
            self.missteps,
            self.omitted,
            self.avoided,
            self.retro_found,
            self.open_innov,
            self.pub_sanctions * self.severity,
            self.pub_sanctions,
            self.pub_tolerated,
            self.known,
        ]


class CadreAgentBaseline(mesa.Agent):
    """One cadre with its own scalar state and per-agent monthly methods."""

    def __init__(self, model: BaselineModel, unit: Unit, index: int, leader: bool) -> None:
        super().__init__(model)
        self.unit = unit
        self.index = index  # the post (the vectorised model's cadre index)
        self.level = unit.level
        self.leader = leader
        self.action = ROUTINE
        self.form = NO_FORM
        self.free_attention = 0.0
        self.belief = [0.0] * N_BELIEFS
        self.cases: list[Case] = []
        self.new_post()

    def new_post(self) -> None:
        """A newcomer's motivation, record and counters (beliefs: ``socialise``)."""
        self.intrinsic = self.model.random.expovariate(1.0) * self.model.p["intrinsic_motivation"]
        self.blocked = 0
        self.tenure = 0
        self.sanctions = 0
        self.tolerated = 0
        self.record = [REC_NONE] * HISTORY_LEN

    def settle_beliefs(self) -> None:
        """Beliefs of a cadre in post at the start: scattered around its post's truth."""
        r, truth = self.model.random, self.unit.truth
        self.belief = [draw_belief(r, row, truth[row]) for row in range(N_BELIEFS)]

    def read_documents(self, credibility: float, negativity_bias: float) -> None:
        """0. The unit adopted a version: beliefs move towards what it announces, more
        when the news is bad than when it is good."""
        b, ann = self.belief, self.unit.announced
        for row in range(N_BELIEFS):
            up = ann[row] > b[row]
            bad = up if BAD_WHEN_HIGHER[row] else not up
            step = credibility if bad else credibility / negativity_bias
            b[row] += step * (ann[row] - b[row])

    # ---------------------------------------------------- 1-4: choose, act, be watched
    def act(self) -> None:
        m = self.model
        c, r, u, b = m.month, m.random, self.unit, self.belief
        # 1. pressure and attention
        duty = c.leader_duty if self.leader else 1.0
        demand = (
            c.routine_load + u.paperwork + c.veto_attention * u.perceived_targets
        ) * duty + u.inbox / u.n_cadres
        free = max(c.budget - demand, 0.0)
        overload = max(demand - c.budget, 0.0) / c.budget
        load = demand / c.budget
        self.free_attention = free
        p_success = c.success_cap * min(free / c.innovation_attention, 1.0)
        per_target = min(c.veto_failure_rate * duty * (1.0 + overload), 1.0)
        p_miss = 1.0 - (1.0 - per_target) ** u.perceived_targets
        p_miss_real = 1.0 - (1.0 - per_target) ** u.targets

        # 2. prospect-theory utilities on the five beliefs, logit, imitation, draw
        g, a = c.gamma, c.alpha
        bd, bo, br, bs, bt = b
        e_innov, e_routine, e_retro = u.eligible
        fail = 1.0 - p_success
        loss = c.loss_aversion * bs**a
        retro_tol = 1.0 - e_retro * bt
        x_innov = 1.0 - (1.0 - br) ** c.lookback
        x_routine = 1.0 - (1.0 - br * ROUTINE_RETRO_RATIO) ** c.lookback
        u_innov = (
            prob_weight(p_success, g) * c.v_gain
            + self.intrinsic**a
            - loss
            * (
                c.v_commission * prob_weight(fail * bd * (1.0 - e_innov * bt), g)
                + c.v_retro * prob_weight(x_innov * (1.0 - fail * bd) * retro_tol, g)
            )
        )
        u_routine = c.v_credit - loss * (
            c.v_veto * prob_weight(p_miss * bd * (1.0 - e_routine * bt), g)
            + c.v_retro * prob_weight(x_routine * (1.0 - p_miss * bd) * retro_tol, g)
        )
        u_avoid = (c.avoid_relief * load) ** a - loss * c.v_omission * prob_weight(bo, g)
        top = max(u_innov, u_routine, u_avoid)
        e0 = math.exp(c.rationality * (u_innov - top))
        e1 = math.exp(c.rationality * (u_routine - top))
        e2 = math.exp(c.rationality * (u_avoid - top))
        p0, p1 = e0 / (e0 + e1 + e2), e1 / (e0 + e1 + e2)
        if u.seen is not None and c.imitation != 0.0:
            p0 = (1.0 - c.imitation) * p0 + c.imitation * u.seen[INNOVATE]
            p1 = (1.0 - c.imitation) * p1 + c.imitation * u.seen[ROUTINE]
        x = r.random()
        action = self.action = INNOVATE if x <= p0 else (ROUTINE if x <= p0 + p1 else AVOID)
        u.counts[action] += 1
        self.form = NO_FORM
        if action == AVOID:
            weights = FORM_WEIGHTS[
                "innovative_task" if r.random() < c.innovative_task_share else "routine_task"
            ]
            w_pass = weights[PASS_DOWN] if u.children else 0.0
            x = r.random() * (w_pass + weights[SHARE] + weights[STALL])
            self.form = (
                PASS_DOWN if x < w_pass else (SHARE if x < w_pass + weights[SHARE] else STALL)
            )
            if self.form == PASS_DOWN:
                u.pass_downs += 1

        # 3. outcomes and the record
        success = action == INNOVATE and r.random() < p_success
        failed = action == INNOVATE and not success
        missed = action == ROUTINE and r.random() < p_miss_real
        if success:
            u.successes += 1
        if action == ROUTINE:
            u.routine_failure += per_target
        pos = m.hist_pos
        self.record[pos] = REC_SUCCEEDED if success else action  # codes: model.state

        # 4. detection of a misstep by every watching level; inaction noticed
        self.misstep = failed or missed
        self.own_case = False
        if self.misstep:
            u.missteps += 1
            if r.random() < u.detect:
                self.record[pos] |= JUDGED
                self.own_case = True  # unless it is pushed down
                m.detected.append(Case(self, COMMISSION if failed else VETO, (self.index,), self))
        self.omitted = False
        if action == AVOID:
            u.avoided += 1
            shed = self.form == SHARE and r.random() < c.share_dilution
            if r.random() < u.detect_omission and not shed:
                self.omitted = True
                u.omitted += 1
                m.omissions.append(Case(self, OMISSION, (self.index,)))
        self.review_record()

    def review_record(self) -> None:
        """4. Retroactive review: every open act of the look-back window (this month
        excluded) is judged under today's standards; caught acts are marked judged."""
        m = self.model
        u, rec = self.unit, self.record
        rows = m.month.window
        u.open_innov += sum(1 for row in rows if rec[row] in OPEN_INNOVATION)
        r = m.random
        if r.random() >= u.review:
            return
        for k, row in enumerate(rows):
            code = rec[row]
            if code in OPEN_INNOVATION:
                if r.random() < u.judge_innov:
                    kind = RETRO_INNOV
                else:
                    continue
            elif code == REC_ROUTINE:
                if r.random() < u.judge_routine:
                    kind = RETRO_ROUTINE
                else:
                    continue
            else:
                continue
            rec[row] = code | JUDGED
            m.retro.append(Case(self, kind, (k, self.index)))

    # ----------------------------------------------------- 5: tolerance and sanctions
    def settle(self) -> None:
        """5. The influence period counts down; each case this cadre carries goes through
        the tolerance procedure if eligible, else it is sanctioned. 6. Publicity draws."""
        c, r, u = self.model.month, self.model.random, self.unit
        self.blocked = max(self.blocked, 1) - 1
        self.sanctioned = False
        self.severe = False
        self.tol_outcome = None  # outcome of the last eligible case this month
        if not self.cases:
            return
        for case in self.cases:
            column = REACH_COLUMN.get(case.kind)
            eligible = column is not None and r.random() < u.eligible[column]
            tolerated = False
            if eligible:
                tolerated = self.tolerance_procedure(r.random() < c.high_profile_share)
                u.eligible_cases += 1
                self.tol_outcome = tolerated
                known = r.random() < u.tolerance_publicity
                u.known += known
                if tolerated:
                    u.tolerated += 1
                    u.pub_tolerated += known
                    self.tolerated += 1
            if tolerated:
                case.tolerated = True
                continue
            x = r.random()
            mild, moderate = SEVERITY_BOUNDS[case.kind]
            severity = 0 if x < mild else (1 if x < moderate else 2)
            self.sanctions += 1
            self.sanctioned = True
            self.severe = self.severe or severity == SEVERE
            self.blocked = max(self.blocked, int(BLOCK_MONTHS[severity]))
            u.sanctioned += 1
            u.pub_sanctions += r.random() < u.sanction_publicity
        self.cases = []

    def tolerance_procedure(self, high_profile: bool) -> bool:
        """The five stages; True if the case ends tolerated and recognised. Stage 1:
        the cadre knows its error qualifies and applies (obliged by the text, or on its
        own belief that the procedure works)."""
        u, r = self.unit, self.model.random
        stages = u.stages[high_profile]
        bind = self.model.p["application_duty"] * u.tolerance
        apply = bind + (1.0 - bind) * (APPLY_FLOOR + (1.0 - APPLY_FLOOR) * self.belief[TOL])
        if r.random() >= stages[0] * apply:
            return False
        return all(r.random() < stages[j] for j in range(1, 5))

    # --------------------------------------------------------------------- 6: learning
    def learn(self) -> None:
        """6. Each belief a step towards the rate its unit's evidence shows, then a
        second step towards the cadre's own outcome."""
        u, b = self.unit, self.belief
        step = u.step
        for row in range(N_BELIEFS):
            rate = u.evidence[row]
            if rate is not None:
                b[row] += step[row] * (rate - b[row])
        if self.misstep:
            b[DETECT] += step[DETECT] * (float(self.own_case) - b[DETECT])
        if self.action == AVOID:
            b[OMIT] += step[OMIT] * (float(self.omitted) - b[OMIT])
        if self.sanctioned:
            b[SEV] += step[SEV] * (u.severity - b[SEV])
        if self.tol_outcome is not None:
            b[TOL] += step[TOL] * (float(self.tol_outcome) - b[TOL])

    # ---------------------------------------------------------------------- 7: careers
    def career(self) -> None:
        """7. Promotion (by thinning at the highest chance), retirement, removal after a
        severe sanction; sets ``leaving``."""
        c, r = self.model.month, self.model.random
        promoted = False
        if r.random() < c.promotion_q and self.blocked == 0:
            rec = self.record
            merit = sum(1 for row in c.last_year if rec[row] in SUCCEEDED)
            chance = min(c.promotion_rate * (1 + min(merit, PROMOTION_MERIT_CAP)), 1.0)
            promoted = r.random() * c.promotion_q < chance
        retiring = r.random() < c.turnover_rate
        self.tenure += 1
        self.leaving = promoted or retiring or self.severe

    def socialise(self, mean: list[float]) -> None:
        """A newcomer's beliefs: scattered around its unit's mean beliefs."""
        r = self.model.random
        self.belief = [draw_belief(r, row, mean[row]) for row in range(N_BELIEFS)]


class _Month:
    """Quantities that are the same for every cadre this month."""


class BaselineModel(mesa.Model):
    """Per-agent Mesa version of :class:`model.CadreModel` (same arguments, minus
    ``agents``; ``drop`` names rules to switch off, for tests only)."""

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        preset: str | HierarchySpec = "classroom",
        rng: int | None = None,
        schedule: Iterable | Mapping | None = None,
        branching: Iterable[int] | None = None,
        drop: Iterable[str] = (),
        **params: Any,
    ) -> None:
        sc = get_scenario(scenario)
        self.p: dict[str, Any] = resolve({**sc.params, **params})
        own = validate_schedule(schedule)
        self.drop = frozenset(drop)
        unknown = self.drop - set(DROPPABLE)
        if unknown:
            raise ValueError(f"drop = {sorted(unknown)}: allowed are {', '.join(DROPPABLE)}")
        super().__init__(rng=rng)
        self.schedule = tuple(sorted(validate_schedule(sc.schedule) + own, key=lambda e: e[0]))
        spec = custom_spec(tuple(branching)) if branching is not None else get_spec(preset)
        # The tree, then the local factors: the first uses of model.rng, as in CadreModel.
        self.hierarchy = h = build(spec, self.rng)
        self.units = [Unit(u, int(h.level[u]), int(h.n_cadres[u])) for u in range(h.n_units)]
        for u in self.units[1:]:
            u.parent = self.units[int(h.parent[u.index])]
            u.parent.children.append(u)
        index = 0
        for u in self.units:
            for k in range(u.n_cadres):
                u.members.append(
                    CadreAgentBaseline(self, u, index, leader=k < int(h.n_leaders[u.index]))
                )
                index += 1
        for u in reversed(self.units):  # children first
            for child in u.children:
                u.below.extend(child.members)
                u.below.extend(child.below)
        self._levels = h.level_units
        self.transmission = Transmission(self.p, h)
        self.local_text = local_texts(h, self.rng.spawn(1)[0])  # as in CadreModel
        self._regime_key: tuple | None = None
        self._adoptions = 0
        self._current_regime()
        for u in self.units:
            u.perceived_targets = u.targets
        self.agents.do("settle_beliefs")
        self.hist_pos = -1
        self.month = _Month()
        self.rows: list[dict[str, Any]] = []

    @property
    def n_cadres(self) -> int:
        return len(self.agents)

    # --------------------------------------------------------------------- the regime
    def _current_regime(self) -> None:
        """Rebuild the per-unit regime when a unit adopted a version or ``p`` changed."""
        key = (tuple(self.p.values()), self._adoptions)
        if key == self._regime_key:
            return
        h = self.hierarchy
        share = share_form_chance(self.p, h.n_children > 0)
        r = regime.build(
            self.transmission.values(), self.p, h, self._levels, share, self.local_text
        )
        plain = regime.UnitRegime(
            **{name: getattr(r, name).tolist() for name in regime.UnitRegime.__dataclass_fields__}
        )
        for u in self.units:
            u.adopt(plain, u.index)
        self._regime_key = key

    def _regime(self, t: int) -> None:
        """0. Schedule, issue, relay; documents for the adopting units' cadres."""
        p = self.p
        for at, changes in self.schedule:
            if at == t:
                p.update(changes)
        tr = self.transmission
        issued = tr.issue(p, t)
        relayed = tr.relay(p["relay_delay"], p["negativity_bias"], t, self.rng)
        adopted = ([self.units[0]] if issued else []) + [self.units[i] for i in relayed.tolist()]
        keep = 1.0 - p["learning_rate"]
        for u in self.units:  # alertness calms while the regime stays put
            u.alert = [x**keep for x in u.alert]
        old_truth = {u.index: u.truth for u in self.units}
        if adopted:
            self._adoptions += 1
        self._current_regime()
        nb, credibility = p["negativity_bias"], p["document_credibility"]
        for u in self.units:  # wherever the risks in force moved
            old = old_truth[u.index]
            for row in range(N_BELIEFS):
                new = u.truth[row]
                if new != old[row]:
                    bad = new > old[row] if BAD_WHEN_HIGHER[row] else not new > old[row]
                    u.alert[row] = nb if bad else 1.0 / nb
        for u in adopted:
            for agent in u.members if "documents" not in self.drop else ():
                agent.read_documents(credibility, nb)
            if u.targets < u.perceived_targets:
                u.perceived_targets += credibility / nb * (u.targets - u.perceived_targets)
        if p["perfect_information"]:
            for agent in self.agents:
                agent.belief = list(agent.unit.truth)

    def _prepare_month(self) -> None:
        p, c = self.p, self.month
        a = c.alpha = p["value_curvature"]
        c.gamma = p["probability_weighting"]
        c.loss_aversion = p["loss_aversion"]
        c.rationality = p["rationality"]
        c.imitation = p["imitation"]
        for name in (
            "leader_duty",
            "routine_load",
            "veto_attention",
            "innovation_attention",
            "veto_failure_rate",
            "avoid_relief",
            "innovative_task_share",
            "share_dilution",
            "high_profile_share",
            "promotion_rate",
            "turnover_rate",
            "lookback",
        ):
            setattr(c, name, p[name])
        c.budget = p["attention_budget"] * p["resources"]
        c.success_cap = min(p["innovation_success"] * p["resources"], 1.0)
        c.v_gain = (p["promotion_value"] + p["recognition_value"] + p["problem_value"]) ** a
        c.v_commission = expected_severity("commission") ** a
        c.v_veto = expected_severity("veto") ** a
        c.v_retro = expected_severity("retro") ** a
        c.v_omission = expected_severity("omission") ** a
        c.v_credit = p["routine_credit"] ** a
        c.promotion_q = min(p["promotion_rate"] * (1 + PROMOTION_MERIT_CAP), 1.0)
        pos = self.hist_pos
        c.window = [(pos - 1 - k) % HISTORY_LEN for k in range(p["lookback"])]
        c.last_year = [(pos - k) % HISTORY_LEN for k in range(12)]

    def _imitation_signals(self) -> None:
        """1. Action shares each unit's cadres saw last month among their peers (the
        units with the same parent) and their superior (the centre sees itself)."""
        w = self.p["peer_weight"]

        def shares(counts: list[float]) -> list[float]:
            tot = sum(counts)
            return [x / tot if tot > 0 else 0.0 for x in counts]

        if self.units[0].last_counts is None:
            return  # the first month: nothing seen yet
        peers = {}  # per parent: the shares among its children
        for u in self.units:
            if u.children:
                peers[u.index] = shares(
                    [sum(c.last_counts[k] for c in u.children) for k in range(3)]
                )
        for u in self.units:
            peer = peers[u.parent.index] if u.parent is not None else shares(u.last_counts)
            sup = shares((u.parent or u).last_counts)
            u.seen = [w * peer[k] + (1.0 - w) * sup[k] for k in range(3)]

    # ------------------------------------------------------------------------ a month
    def step(self) -> None:
        t = self.steps
        self._regime(t)  # 0
        self.hist_pos = (self.hist_pos + 1) % HISTORY_LEN
        self._prepare_month()
        self._imitation_signals()
        for u in self.units:
            u.reset_tallies()
            if self.p["perfect_information"]:
                u.perceived_targets = u.targets
            else:
                u.perceived_targets = max(u.perceived_targets, u.targets)
        self.detected: list[Case] = []
        self.retro: list[Case] = []
        self.omissions: list[Case] = []
        self.agents.shuffle_do("act")  # 1-4 per cadre
        cases = self._cases()  # 4 territorial, push-down
        for agent in self.agents:
            agent.cases = []
        for case in cases:
            case.carrier.cases.append(case)
        self.agents.do("settle")  # 5 (and 6's publicity)
        self._learn()  # 6
        self._problems()  # 7
        self._renew()
        self._collect(cases)  # 8

    def _cases(self) -> list[Case]:
        """4. Territorial cases, then blame pushed down; every case of the month in the
        vectorised model's order (detected, retroactive, territorial, omissions)."""
        r = self.random
        self.detected.sort(key=lambda case: case.order)
        self.retro.sort(key=lambda case: case.order)
        territorial = []
        for u in self.units:
            if r.random() < at_least_once(u.detect, u.own_escalations):
                territorial.append(Case(u.members[int(r.random() * u.n_cadres)], VETO))
        cases = self.detected + self.retro + territorial
        if "push_down" not in self.drop:
            for case in cases:
                u = case.carrier.unit
                if r.random() < u.shift:  # zero at the grassroots
                    case.carrier = u.below[int(r.random() * len(u.below))]
                    case.shifted = True
                    if case.author is not None:
                        case.author.own_case = False
        for case in self.detected:
            if case.author.own_case:
                case.author.unit.own_cases += 1
        for case in self.retro:  # review teaches a unit the innovations that stayed its cases
            if case.kind == RETRO_INNOV and not case.shifted:
                case.carrier.unit.retro_found += 1
        self.omissions.sort(key=lambda case: case.order)
        return cases + self.omissions

    def _learn(self) -> None:
        """6. Unpunished misses of freed targets are unlearnt; each unit's evidence (its
        own rows plus its peers' circulated ones); then every cadre learns."""
        p = self.p
        lr = p["learning_rate"]
        for u in self.units:
            freed = max(u.perceived_targets - u.targets, 0.0)
            mean = u.routine_failure * freed * u.detect
            u.unpunished = float(self.rng.poisson(mean)) if mean > 0 else 0.0
        if p["perfect_information"]:
            for u in self.units:
                u.last_counts = u.counts
            return
        seen = {u.index: u.circulated() for u in self.units}
        group_sum = {}  # per parent: the sum over its children
        for u in self.units:
            if u.children:
                group_sum[u.index] = [
                    sum(seen[c.index][k] for c in u.children) for k in range(2 * N_BELIEFS)
                ]
        for u in self.units:
            own, mine = u.own_evidence(), seen[u.index]
            total = group_sum[u.parent.index] if u.parent is not None else mine
            peer = [total[k] - mine[k] for k in range(2 * N_BELIEFS)]
            w_circ = PUBLIC_WEIGHT * u.sanction_publicity
            weights = (w_circ, w_circ, w_circ, PUBLIC_WEIGHT, PUBLIC_WEIGHT)
            u.evidence = []
            for row in range(N_BELIEFS):
                num = own[2 * row] + weights[row] * peer[2 * row]
                den = own[2 * row + 1] + weights[row] * peer[2 * row + 1]
                u.evidence.append(num / den if den > 0 else None)
            u.step = [min(lr * x, 1.0) for x in u.alert]
        self.agents.do("learn")
        for u in self.units:
            excess = max(u.perceived_targets - u.targets, 0.0)
            u.perceived_targets = u.targets + excess * (1.0 - lr) ** u.unpunished
            u.last_counts = u.counts

    def _problems(self) -> None:
        """7. Inflow at the grassroots, absorption, solving, passing down, escalation."""
        p, r = self.p, self.random
        for u in self.units:
            u.absorbed = (
                0 if u.parent is None else r.binomialvariate(u.successes, p["absorption_rate"])
            )
        for u in self.units:
            inflow = (
                0.0 if u.children else float(self.rng.poisson(p["problem_inflow"] * u.n_cadres))
            )
            siblings = sum(s.absorbed for s in u.parent.children) - u.absorbed if u.parent else 0
            solved = (
                r.binomialvariate(u.counts[ROUTINE], p["routine_solve"])
                + p["innovation_yield"] * u.successes
                + siblings
            )
            u.problems = max(u.problems + inflow - solved, 0.0)
        # each pass-down carries one whole problem while the unit has one, and adds
        # load to a random subordinate unit next month
        received = {u.index: 0 for u in self.units}
        moves = []
        for u in self.units:
            for rank in range(u.pass_downs):
                child = u.children[int(r.random() * len(u.children))]
                received[child.index] += 1
                if rank + 1 <= u.problems:
                    moves.append((u, child))
        for src, dst in moves:
            src.problems -= 1.0
            dst.problems += 1.0
        for u in self.units:
            u.inbox = p["pass_down_load"] * received[u.index]
        # the stock above each unit's threshold escalates, in expectation
        out = {}
        for u in self.units:
            excess = max(u.problems - p["escalation_threshold"] * u.n_cadres, 0.0)
            out[u.index] = 0.0 if u.parent is None else p["escalation_rate"] * excess
        for u in self.units:
            from_below = sum(out[c.index] for c in u.children)
            u.problems = max(u.problems - out[u.index] + from_below, 0.0)
            u.own_escalations = max(out[u.index] - from_below, 0.0)

    def _renew(self) -> None:
        """7. Promotion, retirement and removal; newcomers learn their unit's beliefs."""
        self.agents.do("career")
        for u in self.units:
            newcomers = [a for a in u.members if a.leaving]
            if not newcomers:
                continue
            # the unit's cadres as the posts change hands (the leavers' beliefs included)
            mean = [sum(a.belief[row] for a in u.members) / u.n_cadres for row in range(N_BELIEFS)]
            for agent in newcomers:
                agent.new_post()
                agent.socialise(mean)

    def _collect(self, cases: list[Case]) -> None:
        """8. Per level: action shares, mean beliefs, counts of sanctions and cases."""
        n = [0] * N_LEVELS
        counts = [[0, 0, 0] for _ in range(N_LEVELS)]
        beliefs = [[0.0] * N_BELIEFS for _ in range(N_LEVELS)]
        events = [[0] * len(REPORTED_COUNTS) for _ in range(N_LEVELS)]
        for agent in self.agents:
            lv = agent.level
            n[lv] += 1
            counts[lv][agent.action] += 1
            for row in range(N_BELIEFS):
                beliefs[lv][row] += agent.belief[row]
        for case in cases:
            ev = events[case.carrier.level]
            ev[0] += not case.tolerated
            ev[1] += 1
            ev[2] += case.shifted
            ev[3] += case.kind in (RETRO_INNOV, RETRO_ROUTINE)
        for i, name in enumerate((*LEVELS, "all")):
            if name == "all":
                k = sum(n)
                cs = [sum(c[j] for c in counts) for j in range(3)]
                bs = [sum(b[row] for b in beliefs) for row in range(N_BELIEFS)]
                es = [sum(e[j] for e in events) for j in range(len(REPORTED_COUNTS))]
            else:
                k, cs, bs, es = n[i], counts[i], beliefs[i], events[i]
            k1 = max(k, 1)
            row: dict[str, Any] = {"step": self.steps, "level": name, "n_cadres": k}
            row.update({ACTIONS[j]: cs[j] / k1 for j in range(3)})
            row.update({f"belief_{b}": bs[j] / k1 for j, b in enumerate(BELIEFS)})
            row.update(zip(REPORTED_COUNTS, es, strict=True))
            self.rows.append(row)

    # ------------------------------------------------------------------------ outputs
    def run(self, steps: int) -> BaselineModel:
        for _ in range(steps):
            self.step()
        return self
