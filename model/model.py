"""CadreModel: the conductor of one clearly ordered monthly step.

Order of each step (docs/ODD.md, "Process overview and scheduling"):

0. regime schedule: lever changes due this month take effect;
1. pressure: targets cascade down with amplification, vague requirements inflate,
   targets, routine work, paperwork and passed-down load consume attention;
2. decision: every cadre chooses innovate / routine / avoid (and a form of avoidance);
3. outcomes: innovations succeed or fail, routine work may miss a one-veto target;
4. accountability: detection through overlapping channels, retroactive review;
5. tolerance procedure for good-faith cases, then graded sanctions;
6. learning: beliefs about detection and tolerance update from what cadres observe;
7. dynamics: problems arrive, are solved, passed down and escalate upward; absorption
   of successful innovations; promotion, retirement, removal and entry.

Every rule is applied to all cadres at once (arrays in :mod:`model.state`); there is no
per-cadre Python loop inside a step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from model import decision, dynamics, learning, metrics, threads, tolerance
from model.accountability import PROMOTION_BLOCK_MONTHS, SEVERE, draw_severities, retro_review
from model.agents import CadreAgent
from model.hierarchy import N_LEVELS, HierarchySpec, build, custom_spec, get_spec
from model.params import ParamError, resolve
from model.scenarios import DEFAULT_SCENARIO, validate_schedule
from model.scenarios import get as get_scenario
from model.state import (
    AVOID,
    HISTORY_LEN,
    INNOVATE,
    PASS_DOWN,
    REC_SUCCEEDED,
    ROUTINE,
    SHARE,
    count_by,
    init_state,
    replace_cadres,
)

PROMOTION_MERIT_CAP = 12  # successes in the last year that can raise the promotion chance
# Kinds of sanctioned case, in the order the step grades them.
SANCTION_KINDS = ("commission", "retro", "retro", "veto", "omission")
_OMISSION_KIND = np.array(SANCTION_KINDS) == "omission"


# Columns the Mesa DataCollector reports per level (the full set is in ``history()``).
REPORTED = ("innovate", "routine", "avoid", "belief_tolerance", "belief_detection",
            "free_attention", "problems", "escalations", "recognised", "cases")


def _latest(model: CadreModel, row: int, col: int) -> float:
    return float(model._mats[-1][row, col]) if model._mats else float("nan")


def _rows_cols(a: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``a[np.ix_(rows, cols)]``: two ``take``s are about twice as fast."""
    return a.take(rows, axis=0).take(cols, axis=1)


def _sorted_unique(idx: np.ndarray) -> np.ndarray:
    """``np.unique`` of a small index array; its hash table costs ~30 µs on any size."""
    x = np.sort(idx)
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = x[1:] != x[:-1]
    return x[keep]


def _mask(n: int, idx: np.ndarray) -> np.ndarray:
    """Boolean mask of length ``n``, True at ``idx``."""
    mask = np.zeros(n, dtype=bool)
    mask[idx] = True
    return mask


def _binomial(rng: np.random.Generator, n: np.ndarray, p: float) -> np.ndarray:
    """``rng.binomial(n, p)`` drawing only where ``n > 0``.

    numpy returns 0 for n = 0 without consuming random numbers, so the draws and the
    stream are the same; mostly-zero counts (successes per unit) skip most of the loop.
    """
    out = np.zeros(len(n), dtype=np.int64)
    nz = n.nonzero()[0]
    out[nz] = rng.binomial(n[nz], p)
    return out


class _MatrixCollector(mesa.DataCollector):
    """Mesa's DataCollector for reporters that each read one cell of the step's matrix.

    Mesa's ``collect`` calls every reporter and deep-copies its value: 60 calls a month,
    a tenth of a step at 10k cadres. Reading all cells in one indexing gives the same
    Python floats. Anything beyond those reporters (added by a user) takes Mesa's path.
    """

    def __init__(self, cells: dict[str, tuple[int, int]]) -> None:
        super().__init__(model_reporters={name: partial(_latest, row=r, col=c)
                                          for name, (r, c) in cells.items()})
        self._cells = tuple(cells)
        self._rows = np.array([r for r, _ in cells.values()])
        self._cols = np.array([c for _, c in cells.values()])

    def collect(self, model: CadreModel) -> None:
        if (not model._mats or tuple(self.model_reporters) != self._cells
                or self.agent_reporters or self.agenttype_reporters):
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        values = model._mats[-1][self._rows, self._cols].tolist()
        for name, value in zip(self._cells, values, strict=True):
            self.model_vars[name].append(value)


@dataclass
class Month:
    """What the stages of one month hand on to each other (cadre indices, per-situation
    chances, per-case arrays). Each stage fills the fields under its number."""

    t: int
    # 1. pressure (per situation)
    overload: np.ndarray = None
    p_success: np.ndarray = None
    p_irregular: np.ndarray = None
    # 2. decision
    avoid_idx: np.ndarray = None
    # 3. outcomes
    success_idx: np.ndarray = None
    fail_idx: np.ndarray = None          # every failed innovation
    irregular_idx: np.ndarray = None     # routine work that missed a one-veto target
    # 4. accountability
    misstep_idx: np.ndarray = None
    misstep_detected: np.ndarray = None
    detected: np.ndarray = None          # mask: a current act of the cadre was detected
    detected_fail_idx: np.ndarray = None
    veto_idx: np.ndarray = None
    omit_idx: np.ndarray = None
    retro_idx: np.ndarray = None
    retro_innov: np.ndarray = None
    # 5. tolerance and sanctions
    case_idx: np.ndarray = None
    stages: np.ndarray = None
    tolerated: np.ndarray = None
    sanction_idx: np.ndarray = None
    sanction_sev: np.ndarray = None
    omission_flag: np.ndarray = None
    # 6. learning
    publicised: np.ndarray = None
    # 7. dynamics
    unit_counts: dict[str, np.ndarray] = None
    promoted: np.ndarray = None
    retired: np.ndarray = None
    removed: np.ndarray = None


@dataclass(frozen=True)
class _ParamConstants:
    """Per-step quantities that depend only on the parameters and the fixed tree.

    The step would compute them the same way every month; computed once per set of
    parameter values instead, they save a few dozen small numpy calls a month.
    """

    demand: np.ndarray          # standing attention demand per situation
    irregular_rate: np.ndarray  # per-target failure rate per situation, before overload
    veto_targets: np.ndarray    # one-veto targets per situation
    p_detect: float             # chance a misstep is detected
    p_omit: float               # chance inaction is detected

    @classmethod
    def of(cls, p: dict, sit_level: np.ndarray, sit_leader: np.ndarray) -> _ParamConstants:
        veto = decision.effective_veto_targets(p, N_LEVELS)
        rate, targets = decision.irregularity_factors(p, veto, sit_level, sit_leader)
        return cls(
            demand=decision.standing_demand(p, veto, sit_level, sit_leader),
            irregular_rate=rate, veto_targets=targets,
            p_detect=decision.detection_probability(p["supervision"], p["supervision_channels"]),
            p_omit=decision.detection_probability(p["supervision"], p["supervision_channels"],
                                                  p["omission_visibility"]),
        )


class CadreModel(mesa.Model):
    """Cadres of a five-level hierarchy choosing to innovate, comply or avoid blame.

    Args:
        scenario: name in :data:`model.scenarios.SCENARIOS`; its overrides and schedule apply.
        preset: hierarchy preset (``classroom``, ``province``, ``national``) or a
            :class:`~model.hierarchy.HierarchySpec`.
        rng: seed (int) or generator; the whole run is determined by it and the parameters.
        schedule: extra lever changes ``[(step, {param: value}), ...]`` after the scenario's.
        branching: custom uniform branching (4 ints) instead of ``preset``.
        agents: create one Mesa agent view per cadre (turn off for the fastest sweeps).
        **params: any schema parameter, overriding the scenario's value.
    """

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        preset: str | HierarchySpec = "classroom",
        rng: int | np.random.Generator | None = None,
        schedule: Iterable | Mapping | None = None,
        branching: Iterable[int] | None = None,
        agents: bool = True,
        **params: Any,
    ) -> None:
        sc = get_scenario(scenario)
        initial = resolve({**sc.params, **params})
        own_schedule = validate_schedule(schedule)
        super().__init__(rng=rng)
        self.seed = int(rng) if isinstance(rng, (int, np.integer)) else None
        self.scenario_name = scenario
        self.params: dict[str, Any] = initial          # as the run started
        self.p: dict[str, Any] = dict(initial)          # in force now (schedule may change it)
        self.schedule = tuple(sorted(validate_schedule(sc.schedule) + own_schedule, key=lambda e: e[0]))
        spec = custom_spec(tuple(branching)) if branching is not None else get_spec(preset)
        self.preset = "custom" if branching is not None else (preset if isinstance(preset, str) else "custom")

        self.hierarchy = build(spec, self.rng)
        self.state = init_state(self.hierarchy, self.p, self.rng)
        U = self.hierarchy.n_units
        # Situations: (unit, leader?) pairs; cadre i is in situation 2*unit + leader.
        self._situation = 2 * self.state.unit + self.state.leader
        self._sit_unit = np.repeat(np.arange(U), 2)
        # intp: levels index arrays each step, and int8 indices are converted every time
        self._sit_level = self.hierarchy.level[self._sit_unit].astype(np.intp)
        self._sit_leader = np.tile([False, True], U)
        # Posts whose unit has subordinate units to pass work down to (fixed, like the tree).
        self._can_pass_down = (self.hierarchy.n_children > 0)[self.state.unit]
        self._superior = learning.superiors(self.hierarchy.parent)  # whom each unit imitates
        self.problems = np.zeros(U)
        self.inbox = np.zeros(U)                 # load passed down to each unit last month
        # (3, U) actions per unit last month, for imitation; ``unit_counts`` is its (U, 3) view
        self._action_counts: np.ndarray | None = None
        self.applied_log = np.zeros((HISTORY_LEN, U), dtype=np.int32)
        self.public_tol_log = np.zeros((HISTORY_LEN, U), dtype=np.int32)
        self._mats: list[np.ndarray] = []   # per step: (levels + all, VALUE_COLUMNS)
        # cadre index -> action code imposed on the next step only (then cleared)
        self.forced_actions: dict[int, int] = {}
        self._constants_key: tuple | None = None  # the values of ``p`` _constants() was made for
        self._constants_value: _ParamConstants | None = None
        self._root_units = np.flatnonzero(self.hierarchy.parent < 0)
        self.last_events: metrics.StepEvents | None = None  # set by each step

        self.datacollector = _MatrixCollector({
            f"{lv}_{c}": (i, metrics.VALUE_COLUMNS.index(c))
            for i, lv in enumerate(metrics.ROW_LEVELS) for c in REPORTED
        })
        if agents:
            for i in range(self.state.n):
                CadreAgent(self, i)
        self.running = True

    # ----------------------------------------------------------------- helpers
    @property
    def n_cadres(self) -> int:
        return self.state.n

    @property
    def n_units(self) -> int:
        return self.hierarchy.n_units

    def _constants(self) -> _ParamConstants:
        """This month's ``_ParamConstants``: remade only when a value in ``self.p`` has
        changed (by the schedule, or a dashboard writing to ``p``)."""
        key = tuple(self.p.values())
        if key != self._constants_key:
            self._constants_value = _ParamConstants.of(self.p, self._sit_level, self._sit_leader)
            self._constants_key = key
        return self._constants_value

    def _apply_schedule(self, step: int) -> None:
        for at, changes in self.schedule:
            if at == step:
                self.p.update(changes)

    # -------------------------------------------------------------------- step
    def step(self) -> None:
        """One month, in the order of docs/ODD.md §1.3 (each stage documents its rule)."""
        month = Month(t=self.steps)
        self._schedule(month)            # 0. regime schedule
        self._pressure(month)            # 1. pressure and attention
        self._decide(month)              # 2. decision
        self._outcomes(month)            # 3. outcomes
        self._hold_accountable(month)    # 4. accountability
        self._tolerate_and_sanction(month)  # 5. tolerance procedure and sanctions
        self._learn(month)               # 6. learning
        self._dynamics(month)            # 7. problems, absorption, careers
        self._observe(month)             # 8. observation

    def _schedule(self, month: Month) -> None:
        """0. Lever changes due this month take effect."""
        self._apply_schedule(month.t)

    def _pressure(self, month: Month) -> None:
        """1. Targets cascade down, vague requirements inflate, and targets, routine work,
        paperwork and last month's passed-down load consume attention.

        perf: computed per situation (unit x leader), 2U rows instead of N cadres: all
        cadres of a situation face the same load.
        """
        p, h = self.p, self.hierarchy
        c = self._constants()
        inbox_per_cadre = (self.inbox / h.n_cadres).take(self._sit_unit)
        free, month.overload = decision.attention(p, c.demand, inbox_per_cadre)
        month.p_success = decision.success_probability(p, free)
        month.p_irregular = decision.irregularity_probability(c.irregular_rate, c.veto_targets,
                                                              month.overload)
        self.state.free_attention = free.astype(np.float32)[self._situation]

    def _decide(self, month: Month) -> None:
        """2. Every cadre weighs innovate / routine / avoid on its beliefs, mixes in what
        peers and superiors did last month, draws an action; avoiders pick a form."""
        p, s, h, rng = self.p, self.state, self.hierarchy, self.rng
        N = s.n
        terms = decision.situation_terms(p, month.p_success, month.p_irregular)
        seen = None
        if self._action_counts is not None:
            seen = learning.shares_seen(self._action_counts, h.group, self._superior,
                                        p["peer_weight"]).astype(np.float32)
        s.action = decision.choose(p, terms, s.belief_detect, s.belief_tol, s.intrinsic,
                                   self._situation, s.unit, seen,
                                   rng.random(N, dtype=np.float32), threads.pool_for(N))
        if self.forced_actions:  # a user playing one cadre (dashboard "play as a cadre")
            idx = np.fromiter(self.forced_actions.keys(), dtype=np.int64)
            s.action[idx] = np.fromiter(self.forced_actions.values(), dtype=np.int8)
            self.forced_actions = {}
        # perf: draws only for the cadres a rule concerns (avoiders here, innovators for
        # success, ...): a third of the draws at national scale.
        month.avoid_idx = (s.action == AVOID).nonzero()[0]
        k = len(month.avoid_idx)
        s.form = decision.avoidance_forms(
            N, month.avoid_idx, rng.random(k) < p["innovative_task_share"],
            self._can_pass_down[month.avoid_idx], rng.random(k))

    def _outcomes(self, month: Month) -> None:
        """3. Innovations succeed or fail; routine work may miss a one-veto target. The
        month's acts enter each cadre's record."""
        s, rng, sit = self.state, self.rng, self._situation
        innov_idx = (s.action == INNOVATE).nonzero()[0]
        routine_idx = (s.action == ROUTINE).nonzero()[0]
        works = rng.random(len(innov_idx)) < month.p_success[sit[innov_idx]]
        month.success_idx, month.fail_idx = innov_idx[works], innov_idx[~works]
        month.irregular_idx = routine_idx[
            rng.random(len(routine_idx)) < month.p_irregular[sit[routine_idx]]]
        # perf: record codes equal action codes (model.state), so the record is the action
        # with successes overwritten: one copy instead of nested selects over N.
        s.hist_pos = (s.hist_pos + 1) % HISTORY_LEN
        s.history[s.hist_pos] = s.action
        s.history[s.hist_pos, month.success_idx] = REC_SUCCEEDED

    def _hold_accountable(self, month: Month) -> None:
        """4. Failed innovations and missed targets are detected through overlapping
        channels, inaction rarely; a review re-reads records under drifted standards."""
        p, s, rng = self.p, self.state, self.rng
        c = self._constants()
        N = s.n
        # Failed and irregular acts are disjoint (innovate vs routine): their sorted union
        # is the month's missteps in cadre order.
        month.misstep_idx = np.sort(np.concatenate([month.fail_idx, month.irregular_idx]))
        month.misstep_detected = rng.random(len(month.misstep_idx)) < c.p_detect
        detected_idx = month.misstep_idx[month.misstep_detected]
        failed = _mask(N, month.fail_idx)
        detected_failed = failed[detected_idx]
        month.detected_fail_idx = detected_idx[detected_failed]
        month.veto_idx = detected_idx[~detected_failed]
        # Sharing responsibility sheds the case with probability share_dilution (S000-14).
        k = len(month.avoid_idx)
        keep = (s.form[month.avoid_idx] != SHARE) | (rng.random(k) >= p["share_dilution"])
        month.omit_idx = month.avoid_idx[(rng.random(k) < c.p_omit) & keep]
        month.detected = _mask(N, detected_idx)
        month.detected[month.omit_idx] = True

        reviewed = (rng.random(N, dtype=np.float32) < p["retroactive_risk"]).nonzero()[0]
        rows_back = (s.hist_pos - 1 - np.arange(min(p["lookback"], HISTORY_LEN - 1))) % HISTORY_LEN
        records = _rows_cols(s.history, rows_back, reviewed)
        k = len(reviewed)
        found, innov_case = retro_review(records, p["standard_drift"], rng.random(k), rng.random(k))
        month.retro_idx = reviewed[found]
        month.retro_innov = innov_case[found]

    def _tolerate_and_sanction(self, month: Month) -> None:
        """5. Good-faith cases (current failures, past innovations caught by review) go
        through the tolerance procedure; what is not tolerated, and every other case, is
        sanctioned with a severity drawn by kind of case."""
        p, s, rng = self.p, self.state, self.rng
        fail_idx = month.detected_fail_idx
        month.case_idx = np.concatenate([fail_idx, month.retro_idx[month.retro_innov]])
        n_cases, n_fail = len(month.case_idx), len(fail_idx)
        high_profile = rng.random(n_cases) < p["high_profile_share"]
        month.stages = tolerance.run_procedure(p, s.belief_tol[month.case_idx], high_profile,
                                               rng.random((n_cases, 5)))
        month.tolerated = month.stages[:, 4]
        groups = (fail_idx[~month.tolerated[:n_fail]],
                  month.case_idx[n_fail:][~month.tolerated[n_fail:]],
                  month.retro_idx[~month.retro_innov], month.veto_idx, month.omit_idx)
        counts = [len(idx) for idx in groups]
        month.sanction_idx = np.concatenate(groups)
        # One draw for all groups: the same uniforms as one draw per group, in order.
        month.sanction_sev = draw_severities(SANCTION_KINDS, counts,
                                             rng.random(len(month.sanction_idx)))
        month.omission_flag = _OMISSION_KIND.repeat(counts)
        np.add.at(s.sanctions, month.sanction_idx, np.int32(1))  # typed: numpy's fast path
        np.add.at(s.tolerated, month.case_idx[month.tolerated], np.int32(1))
        # perf: blocked >= 0, so max(b, 1) - 1 counts down to 0 in place
        np.maximum(s.blocked, 1, out=s.blocked)
        s.blocked -= 1
        s.blocked[month.sanction_idx] = PROMOTION_BLOCK_MONTHS

    def _learn(self, month: Month) -> None:
        """6. Beliefs about detection and tolerance move towards what each unit saw: own
        and own-unit cases, and the cases peer units publicised."""
        p, s, h, rng = self.p, self.state, self.hierarchy, self.rng
        case_idx, tolerated = month.case_idx, month.tolerated
        # What gets publicised: sanctions, tolerated cases, sanctions of good-faith cases
        # (drawn in this order; nothing below draws, so all counts can be made at once).
        pub = rng.random(len(month.sanction_idx)) < p["sanction_publicity"]
        pub_tol = rng.random(len(case_idx)) < p["tolerance_publicity"]
        not_tol_cases = case_idx[~tolerated]
        pub_fail = rng.random(len(not_tol_cases)) < p["sanction_publicity"]
        month.publicised = case_idx[tolerated & pub_tol]
        pub_u, retro_u, caught_u, own_u, tol_u, cases_u, pub_tol_u, pub_fail_u = count_by(
            s.unit, h.n_units, month.sanction_idx[pub], month.retro_idx,
            month.misstep_idx[month.misstep_detected], month.misstep_idx, case_idx[tolerated],
            case_idx, month.publicised, not_tol_cases[pub_fail])
        # Publicised cases of peer units: the sibling group's total minus the unit's own.
        pub_rows = np.concatenate([pub_u, pub_tol_u, pub_fail_u]).reshape(3, -1)  # = np.stack
        pub_other, pt_other, pf_other = learning.group_sums(pub_rows, h.group) - pub_rows
        lr, nb = p["learning_rate"], p["negativity_bias"]
        # Detection: missteps in the unit and how many were caught, plus publicised sanctions.
        rate, has = learning.observed_rate(caught_u + retro_u, own_u + retro_u, pub_other, pub_other)
        s.belief_detect = self._update_by_unit(s.belief_detect, rate, has, True)
        mis = month.misstep_idx
        s.belief_detect[mis] = learning.update(s.belief_detect[mis], month.misstep_detected,
                                               None, lr, nb, True)
        # Tolerance: own-unit cases and their outcome; publicised tolerated cases and
        # publicised sanctions of good-faith cases in peer units.
        rate, has = learning.observed_rate(tol_u, cases_u, pt_other, pt_other + pf_other)
        s.belief_tol = self._update_by_unit(s.belief_tol, rate, has, False)
        s.belief_tol[case_idx] = learning.update(s.belief_tol[case_idx], tolerated, None,
                                                 lr, nb, False)
        self.public_tol_log[(s.hist_pos)] = pub_tol_u
        # perf: (3, U) layout, the one imitation reads next month.
        key = np.multiply(s.action, h.n_units, dtype=np.intp)
        key += s.unit
        self._action_counts = np.bincount(key, minlength=3 * h.n_units).reshape(3, -1).astype(float)

    def _update_by_unit(self, belief: np.ndarray, rate: np.ndarray, has: np.ndarray,
                        bad_when_higher: bool) -> np.ndarray:
        """``learning.update`` of every cadre towards its unit's observed ``rate``."""
        unit = self.state.unit
        # perf: cast once per unit, then gather: the same values as gathering, then casting.
        signal = rate.astype(belief.dtype).take(unit)
        return learning.update(belief, signal, has.take(unit), self.p["learning_rate"],
                               self.p["negativity_bias"], bad_when_higher)

    def _dynamics(self, month: Month) -> None:
        """7. Problems arrive, are solved, passed down and escalate; successful
        innovations are absorbed; promotion, retirement and removal renew the posts."""
        s = self.state
        pd_idx = month.avoid_idx[s.form[month.avoid_idx] == PASS_DOWN]
        month.unit_counts = self._problems(month.success_idx, self.unit_counts, pd_idx)
        severe = month.sanction_idx[month.sanction_sev == SEVERE]
        month.promoted, month.retired, month.removed = self._renew(severe)
        stages = month.stages
        self.applied_log[s.hist_pos] = np.bincount(s.unit[month.case_idx], stages[:, 0].astype(float),
                                                   minlength=self.hierarchy.n_units)
        s.last_case[month.case_idx] = month.t
        s.last_applied[month.case_idx[stages[:, 0]]] = month.t
        s.last_public[month.publicised] = month.t

    def _observe(self, month: Month) -> None:
        """8. Per-level reporters of the month, for ``history()`` and the DataCollector."""
        s, N = self.state, self.state.n
        ev = metrics.StepEvents(
            overload=month.overload[self._situation], success=_mask(N, month.success_idx),
            failed=_mask(N, month.fail_idx), detected=month.detected,
            retro_idx=month.retro_idx, case_idx=month.case_idx, stages=month.stages,
            sanction_idx=month.sanction_idx, sanction_severity=month.sanction_sev,
            omission_sanction=month.omission_flag, unit_counts=month.unit_counts,
            promoted=month.promoted, retired=month.retired, removed=month.removed,
        )
        self.last_events = ev  # what happened this month, for callers who follow one cadre
        self._mats.append(metrics.step_matrix(self.hierarchy, s, ev, self.problems))
        self.datacollector.collect(self)
    def _problems(self, success_idx, unit_counts, pd_idx) -> dict[str, np.ndarray]:
        p, s, h, rng = self.p, self.state, self.hierarchy, self.rng
        U = h.n_units
        inflow = rng.poisson(p["problem_inflow"] * h.n_cadres).astype(float)
        succ_u = np.bincount(s.unit[success_idx], minlength=U).astype(float)
        absorbed = _binomial(rng, succ_u.astype(np.int64), p["absorption_rate"]).astype(float)
        absorbed[self._root_units] = 0.0  # the centre has no one above to absorb its pilots
        solved_routine = rng.binomial(unit_counts[:, ROUTINE].astype(np.int64), p["routine_solve"])
        solved = solved_routine + p["innovation_yield"] * succ_u + dynamics.absorbed_diffusion(absorbed, h)
        before = self.problems + inflow
        self.problems = np.maximum(before - solved, 0.0)
        solved = before - self.problems

        # Passing down: each pass-down carries one problem (while the unit has one) and
        # adds load to a random subordinate unit next month.
        pd_unit = s.unit[pd_idx]
        child = dynamics.random_child(h, pd_unit, rng.random(len(pd_idx)))
        rank = np.arange(len(pd_idx)) - np.searchsorted(pd_unit, pd_unit, side="left")
        carries = rank < self.problems[pd_unit]
        moved_out = np.bincount(pd_unit[carries], minlength=U).astype(float)
        moved_in = np.bincount(child[carries], minlength=U).astype(float)
        self.problems += moved_in - moved_out
        self.inbox = p["pass_down_load"] * np.bincount(child, minlength=U)

        self.problems, escalated = dynamics.escalate(
            self.problems, h, p["escalation_threshold"], p["escalation_rate"])
        return {"absorbed": absorbed, "passed_down": np.bincount(pd_unit, minlength=U).astype(float),
                "inflow": inflow, "solved": solved, "escalations": escalated}

    def _renew(self, severe_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Promotion, retirement and removal; newcomers take the vacated posts."""
        p, s, rng = self.p, self.state, self.rng
        N = s.n
        # Promotion chance = rate x (1 + successes in the last year), by thinning.
        scale = 1 + PROMOTION_MERIT_CAP
        cand = ((rng.random(N, dtype=np.float32) < min(p["promotion_rate"] * scale, 1.0)) & (s.blocked == 0)).nonzero()[0]
        last_year = s.recent_rows(12)
        merit = (_rows_cols(s.history, last_year, cand) == REC_SUCCEEDED).sum(axis=0)
        promoted = cand[rng.random(len(cand)) * scale < 1 + np.minimum(merit, PROMOTION_MERIT_CAP)]
        leaving = rng.random(N, dtype=np.float32) < p["turnover_rate"]
        retiring = leaving.copy()
        leaving[severe_idx] = True
        leaving[promoted] = True
        retiring[severe_idx] = False
        retiring[promoted] = False
        s.tenure += 1
        replace_cadres(s, leaving.nonzero()[0], p, rng)
        return promoted, retiring.nonzero()[0], _sorted_unique(severe_idx)

    # ----------------------------------------------------------------- outputs
    def run(self, steps: int) -> CadreModel:
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ParamError(f"steps = {steps!r} is invalid: allowed is an integer >= 1")
        for _ in range(int(steps)):
            self.step()
        return self

    @property
    def rows(self) -> list[dict]:
        """Per-step, per-level reporters as dicts (long form)."""
        return [r for i, m in enumerate(self._mats) for r in metrics.matrix_rows(i + 1, m)]

    def history_array(self) -> np.ndarray:
        """Stacked reporters: (steps, levels + all, ``metrics.VALUE_COLUMNS``)."""
        if not self._mats:
            return np.zeros((0, len(metrics.ROW_LEVELS), len(metrics.VALUE_COLUMNS)))
        return np.stack(self._mats)

    def history(self) -> pd.DataFrame:
        """Per-step, per-level time series (long form)."""
        arr = self.history_array()
        n_steps, n_rows, _ = arr.shape
        df = pd.DataFrame(arr.reshape(n_steps * n_rows, -1), columns=list(metrics.VALUE_COLUMNS))
        df.insert(0, "level", np.tile(metrics.ROW_LEVELS, n_steps))
        df.insert(0, "step", np.repeat(np.arange(1, n_steps + 1), n_rows))
        df["n_cadres"] = df["n_cadres"].astype(int)
        return df

    def survey(self) -> dict[str, float]:
        """Shares of many / few / none / dont_know (seed 003's question)."""
        # before the first month nothing has been logged
        rows = self.state.recent_rows(metrics.SURVEY_MEMORY if self.state.hist_pos >= 0 else 0)
        return metrics.survey(self.hierarchy, self.state, self.applied_log[rows],
                              self.public_tol_log[rows], self.steps)

    def effective_tolerance(self) -> float:
        """Analytic chance a detected good-faith error ends tolerated, at belief 0.5."""
        return tolerance.effective_tolerance(self.p)

    @property
    def unit_counts(self) -> np.ndarray | None:
        """(U, 3) counts of innovate / routine / avoid per unit last month (None before
        the first month): a view of the (3, U) counts imitation reads."""
        return None if self._action_counts is None else self._action_counts.T

    def unit_shares(self) -> np.ndarray:
        """(U, 3) shares of innovate / routine / avoid in each unit this month."""
        c = self.unit_counts if self.unit_counts is not None else np.zeros((self.n_units, 3))
        tot = c.sum(axis=1, keepdims=True)
        return c / np.where(tot > 0, tot, 1.0)

    def summary(self, fraction: float = 0.2) -> dict[str, Any]:
        return {
            "scenario": self.scenario_name,
            "preset": self.preset,
            "params": dict(self.params),
            "schedule": [[at, dict(ch)] for at, ch in self.schedule],
            "seed": self.seed,
            "steps": int(self.steps),
            "n_units": int(self.n_units),
            "n_cadres": int(self.n_cadres),
            "levels": metrics.final_window_levels(self.history_array(), fraction),
            "survey": self.survey(),
            "effective_tolerance": self.effective_tolerance(),
        }
