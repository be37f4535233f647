"""CadreModel: the conductor of one clearly ordered monthly step.

Order of each step (docs/ODD.md §1.3, "Process overview and scheduling"):

0. regime: scheduled changes are issued by the centre and relayed down the tree; units
   that adopt a new version receive its documents;
1. pressure: binding targets, paperwork and passed-down load consume attention;
2. decision: every cadre chooses innovate / routine / avoid (and a form of avoidance);
3. outcomes: innovations succeed or fail, routine work may miss a binding target;
4. accountability: detection by every watching level, blame pushed down, inaction
   noticed, retroactive review of the record;
5. tolerance procedure for eligible good-faith cases, then graded sanctions;
6. learning: beliefs move towards what cadres saw; freed targets are unlearnt;
7. dynamics: problems arrive, are solved, passed down and escalate upward; absorption
   of successful innovations; promotion, retirement, removal and entry;
8. observation: per-level reporters.

Every rule is applied to all cadres at once (arrays in :mod:`model.state`); there is no
per-cadre Python loop inside a step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from model import accountability, beliefs, decision, dynamics, learning, metrics, regime, threads
from model import tolerance as tol_rules
from model.accountability import COMMISSION, OMISSION, RETRO_INNOV, RETRO_ROUTINE, SEVERE, VETO
from model.agents import CadreAgent
from model.errors import CadreSimError
from model.hierarchy import Hierarchy, HierarchySpec, build, custom_spec, get_spec
from model.memo import ArrayMemo
from model.params import ParamDict, ParamError, check_seed, resolve
from model.scenarios import DEFAULT_SCENARIO, validate_schedule
from model.scenarios import get as get_scenario
from model.state import (
    AVOID,
    BELIEFS,
    HISTORY_LEN,
    INNOVATE,
    JUDGED,
    MAX_LOOKBACK,
    PASS_DOWN,
    REC_FAILED,
    REC_SUCCEEDED,
    ROUTINE,
    SHARE,
    CadreState,
    count_by,
    init_state,
    replace_cadres,
    run_starts,
)
from model.transmission import Transmission

PROMOTION_MERIT_CAP = 12  # successes in the last year that can raise the promotion chance
MAX_INFLOW_RUNS = 16  # runs of equal problem inflow drawn one by one (model._inflow)
# Which column of the provision's reach (tolerance.eligibility) covers each kind of case.
_REACH_OF_KIND = np.array(
    [
        tol_rules.ELIGIBLE_INNOVATION,
        tol_rules.ELIGIBLE_ROUTINE,
        tol_rules.ELIGIBLE_RETRO,
        tol_rules.ELIGIBLE_RETRO,
        0,
    ]
)

# Beliefs (model.state.BELIEFS order) whose peer evidence is circulated sanctions.
_CIRCULATED_SANCTIONS = np.array([True, True, True, False, False])


def _peer_weights(sanction_publicity: np.ndarray) -> np.ndarray:
    """(5, U) weight of peers' evidence per belief: circulated sanctions (detection,
    omission, review) with the unit's sanction publicity, the rest ``PUBLIC_WEIGHT``."""
    return np.where(
        _CIRCULATED_SANCTIONS[:, None],
        learning.PUBLIC_WEIGHT * sanction_publicity,
        learning.PUBLIC_WEIGHT,
    )


_peer_weight = ArrayMemo(_peer_weights)  # a regime's arrays are never written to


def _learning_steps(alert: np.ndarray, learning_rate: float) -> np.ndarray:
    """(5, U) float32 step of each unit's beliefs towards its evidence, at most 1."""
    return np.minimum(learning_rate * alert, 1.0).astype(np.float32)


# Alertness is replaced, never written to, and stays the same array while it is 1
# everywhere (``beliefs.calm``): the steps are kept as long.
_learning_step = ArrayMemo(_learning_steps)
# Columns the Mesa DataCollector reports per level (the full set is in ``history()``).
REPORTED = (
    "innovate",
    "routine",
    "avoid",
    "belief_tolerance",
    "belief_detection",
    "free_attention",
    "problems",
    "escalations",
    "recognised",
    "cases",
)


def _latest(model: CadreModel, row: int, col: int) -> float:
    return float(model._mats[-1][row, col]) if model._mats else float("nan")


def _rows_cols(a: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``a[np.ix_(rows, cols)]`` for a few of many columns: two ``take``s, rows first
    (whole rows copy fast; a ``take`` along axis 1 is slow per row)."""
    return a.take(rows, axis=0).take(cols, axis=1)


def _take_of(index: np.ndarray, values: np.ndarray) -> np.ndarray:
    return values.take(index, axis=0)


def _reach_of(unit: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """(3, N) float32 reach of the provision per cadre, as ``decision.situation_terms``
    casts it, from the (U, 3) regime's."""
    return np.asarray(eligible, dtype=np.float32).T.take(unit, axis=1)


def _int_in(name: str, value: Any, low: float, high: float, allowed: str) -> int:
    """An integer in [``low``, ``high``] (a bool is not one), or a one-line ``ParamError``
    naming ``name``, the value and what is ``allowed``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        raise ParamError(f"{name} = {value!r} is invalid: allowed is {allowed}")
    return int(value)


def _flag(name: str, value: Any) -> bool:
    """True or False (numpy's too), or a one-line ``ParamError``."""
    if not isinstance(value, bool | np.bool_):
        raise ParamError(f"{name} = {value!r} is invalid: allowed is True or False")
    return bool(value)


def _cadre_index(name: str, value: Any, n: int) -> int:
    """A cadre index in [0, n - 1] (no negative indexing: -1 would silently be the last
    cadre)."""
    return _int_in(name, value, 0, n - 1, f"a cadre index in [0, {n - 1}]")


_ACTIONS = {INNOVATE: "innovate", ROUTINE: "routine", AVOID: "avoid"}  # codes 0, 1, 2


def _check_forced(actions: Mapping, applications: Mapping, n: int) -> None:
    """The user's choices for the next month (play mode), checked before the month
    starts so that a bad one cannot stop it half-way."""
    allowed = ", ".join(f"{k} ({v})" for k, v in _ACTIONS.items())
    for c, a in actions.items():
        _cadre_index("forced_actions key", c, n)
        _int_in(f"forced_actions[{c}]", a, min(_ACTIONS), max(_ACTIONS), allowed)
    for c, applies in applications.items():
        _cadre_index("forced_applications key", c, n)
        _flag(f"forced_applications[{c}]", applies)


def _check_call(params: Mapping, agents: Any) -> None:
    """Arguments of ``CadreModel`` that are not model parameters."""
    if "seed" in params:  # Mesa's older keyword: say so rather than "unknown parameter"
        raise ParamError(
            f"seed={params['seed']!r}: CadreModel takes its seed as rng= (Mesa 3's name "
            "for it), e.g. CadreModel(rng=1)"
        )
    _flag("agents", agents)


def _build_world(
    spec: HierarchySpec, name: str, p: Mapping, rng: np.random.Generator
) -> tuple[Hierarchy, CadreState]:
    """The tree and its cadres; a tree too large for memory is a one-line error (numpy's
    message names an array shape, not the user's input)."""
    try:
        h = build(spec, rng)
        return h, init_state(h, p, rng)
    except MemoryError:
        raise CadreSimError(
            f"hierarchy of {spec.n_units:,} units and {spec.n_cadres:,} cadres ({name}) "
            "does not fit in this machine's memory; choose a smaller preset or branching"
        ) from None


def _mask(n: int, idx: np.ndarray) -> np.ndarray:
    """Boolean mask of length ``n``, True at ``idx``."""
    mask = np.zeros(n, dtype=bool)
    mask[idx] = True
    return mask


def _runs_of_positive(values: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of equal positive values."""
    edges = np.flatnonzero(np.diff(values)) + 1
    bounds = zip(np.r_[0, edges].tolist(), np.r_[edges, len(values)].tolist(), strict=True)
    return [(lo, hi) for lo, hi in bounds if values[lo] > 0]


def _nonzero_2d(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``mask.nonzero()`` of a C-contiguous 2-D mask, the same (row, col) pairs in the same
    order. perf: numpy's 2-D ``nonzero`` is several times slower than the flat one."""
    return np.divmod(mask.ravel().nonzero()[0], mask.shape[1])


def _ring_sum(log: np.ndarray, newest: int, months: int) -> np.ndarray:
    """Sum over the ``months`` rows of a ring log (axis 0) going back from row ``newest``:
    integer sums of at most two slices, which are exact in any order.

    perf: no copy of the rows (``take`` of 12 rows of a (37, U) log copied them)."""
    first = newest - months + 1
    if first >= 0:
        return log[first : newest + 1].sum(axis=0)
    return log[: newest + 1].sum(axis=0) + log[first:].sum(axis=0)


def _binomial(rng: np.random.Generator, n: np.ndarray, p: float) -> np.ndarray:
    """``rng.binomial(n, p)`` drawing only where ``n > 0`` (numpy draws nothing for n = 0,
    so the stream is the same)."""
    out = np.zeros(len(n), dtype=np.int64)
    nz = n.nonzero()[0]
    out[nz] = rng.binomial(n[nz], p)
    return out


class _MatrixCollector(mesa.DataCollector):
    """Mesa's DataCollector for reporters that each read one cell of the step's matrix.

    perf: Mesa's ``collect`` calls every reporter and deep-copies its value, 60 calls a
    month; reading all cells in one indexing gives the same Python floats. Anything
    beyond those reporters (added by a user) takes Mesa's path.
    """

    def __init__(self, cells: dict[str, tuple[int, int]]) -> None:
        super().__init__(
            model_reporters={name: partial(_latest, row=r, col=c) for name, (r, c) in cells.items()}
        )
        self._cells = tuple(cells)
        self._rows = np.array([r for r, _ in cells.values()])
        self._cols = np.array([c for _, c in cells.values()])

    def collect(self, model: CadreModel) -> None:
        if (
            not model._mats
            or tuple(self.model_reporters) != self._cells
            or self.agent_reporters
            or self.agenttype_reporters
        ):
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
    # 0. regime
    adopted: np.ndarray = None  # units that adopted a new version this month
    # 1. pressure (per situation: unit x leader)
    pressure: decision.Pressure = None  # attention, chances, the decision's terms
    p_miss_real: np.ndarray = None  # chance of missing a target really in force
    # 2. decision
    avoid_idx: np.ndarray = None
    # 3. outcomes
    action_counts: np.ndarray = None  # (3, U) cadres per action and unit
    success_idx: np.ndarray = None
    fail_idx: np.ndarray = None  # every failed innovation
    miss_idx: np.ndarray = None  # routine work that missed a binding target
    # 4. accountability
    misstep_idx: np.ndarray = None  # failed innovations and misses, cadre order
    misstep_failed: np.ndarray = None  # per misstep: a failed innovation (else a miss)
    misstep_detected: np.ndarray = None  # per misstep
    misstep_own_case: np.ndarray = None  # per misstep: it became its author's case
    omit_idx: np.ndarray = None  # avoiders with an omission case
    omitted: np.ndarray = None  # per avoider: it has an omission case
    open_innov: np.ndarray = None  # (U,) open innovations on record before review
    retro_found: np.ndarray = None  # (U,) innovations review caught that stayed cases
    case_cadre: np.ndarray = None  # every case: the cadre who carries it
    case_kind: np.ndarray = None  # accountability.COMMISSION ... OMISSION
    case_shifted: np.ndarray = None  # pushed down from a superior unit
    case_territorial: np.ndarray = None  # an incident on the unit's territory (属地)
    # 5. tolerance and sanctions
    eligible: np.ndarray = None  # per case: under the provision's reach
    stages: np.ndarray = None  # (eligible cases, 5) stages passed
    high_profile: np.ndarray = None  # per eligible case: decided above
    tolerated: np.ndarray = None  # per case
    sanction_sev: np.ndarray = None  # per not-tolerated case
    # 6. learning
    publicised_sanction: np.ndarray = None  # per not-tolerated case: circulated
    outcome_known: np.ndarray = None  # per eligible case: its outcome made known to peers
    publicised: np.ndarray = None  # cadres whose tolerated case was made known
    # 7. dynamics
    unit_counts: dict[str, np.ndarray] = None
    promoted: np.ndarray = None
    retired: np.ndarray = None
    removed: np.ndarray = None

    @cached_property
    def sanctioned(self) -> np.ndarray:
        """Cadres of the cases not tolerated.

        perf: cached, read by four stages; stage 5 sets the cases and their tolerance
        before the first read, and nothing changes them afterwards."""
        return self.case_cadre[~self.tolerated]

    @cached_property
    def eligible_cadre(self) -> np.ndarray:
        """Cadres of the eligible cases (cached like ``sanctioned``)."""
        return self.case_cadre[self.eligible]


class CadreModel(mesa.Model):
    """Cadres of a five-level hierarchy choosing to innovate, comply or avoid blame.

    Args:
        scenario: name in :data:`model.scenarios.SCENARIOS`; its overrides and schedule apply.
        preset: hierarchy preset (``classroom``, ``province``, ``national``) or a
            :class:`~model.hierarchy.HierarchySpec`.
        rng: seed (int) or generator; the whole run is determined by it and the parameters.
        schedule: extra changes ``[(step, {param: value}), ...]`` after the scenario's.
        branching: custom uniform branching (4 ints) instead of ``preset``.
        agents: create one Mesa agent view per cadre (turn off for the fastest sweeps).
        **params: any schema parameter, overriding the scenario's value.
    """

    _unfinished: int | None = None  # the month under way (set while a step runs)
    # Kept from month to month (perf): stage 1's pressure per situation and the inputs it
    # was computed from (regime key, passed-down load, perceived targets); m^a of the
    # cadres' intrinsic motivation and the curvature a it was raised to.
    _sit_pressure: decision.Pressure | None = None
    _pressure_inputs: tuple = (None, None, None)
    _motivation: np.ndarray | None = None
    _motivation_curvature: float | None = None

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
        _check_call(params, agents)
        sc = get_scenario(scenario)
        initial = resolve({**sc.params, **params})
        own_schedule = validate_schedule(schedule)
        super().__init__(rng=check_seed(rng))
        # Mesa wrapped step() in its event schedule; calls go through _checked_step first.
        self._mesa_step, self.step = self.step, self._checked_step
        self.seed = int(rng) if isinstance(rng, (int, np.integer)) else None
        self.scenario_name = scenario
        self.params: dict[str, Any] = ParamDict(initial)  # as the run started
        self.p: dict[str, Any] = ParamDict(initial)  # issued by the centre now (validated)
        self.schedule = tuple(
            sorted(validate_schedule(sc.schedule) + own_schedule, key=lambda e: e[0])
        )
        spec = custom_spec(branching) if branching is not None else get_spec(preset)
        self.preset = preset if branching is None and isinstance(preset, str) else "custom"

        self.hierarchy, self.state = h, s = _build_world(spec, self.preset, self.p, self.rng)
        U = h.n_units
        # Situations: (unit, leader?) pairs; cadre i is in situation 2*unit + leader.
        self._situation = 2 * s.unit + s.leader
        self._sit_unit = np.repeat(np.arange(U), 2)
        self._sit_leader = np.tile([False, True], U)
        self._can_pass_down = (h.n_children > 0)[s.unit]
        self._superior = learning.superiors(h.parent)  # whom each unit imitates
        self._levels = h.level_units
        # Per-unit arrays of the regime spread to cadres / situations, kept while the
        # regime is (its arrays are never written to; a cadre's post never moves).
        self._cadre_memo = ArrayMemo(partial(_take_of, s.unit), size=4)
        self._cadre_reach = ArrayMemo(partial(_reach_of, s.unit), size=4)
        self.transmission = Transmission(self.p, h)
        self.local_text = tol_rules.local_texts(h, self.rng.spawn(1)[0])  # own stream (ODD 2.9)
        self._regime_key: tuple | None = None
        self._adoptions = 0  # adoption events so far: the regime is rebuilt when it grows
        self.regime = self._current_regime()
        self.perceived_targets = self.regime.targets.copy()  # binding in each unit's eyes
        self.alert = np.ones((len(BELIEFS), U))  # how much each unit heeds cases (beliefs)
        s.belief[:] = beliefs.settled(self.regime.truth, s.unit, self.rng)
        self.problems = np.zeros(U)
        self.inbox = np.zeros(U)  # load passed down to each unit last month
        self._own_escalations = np.zeros(U)  # problems that arose in a unit and escalated
        self._grassroots_cadres = np.where(h.n_children == 0, h.n_cadres, 0)
        self._inflow_runs = _runs_of_positive(self._grassroots_cadres)
        # (3, U) actions per unit last month, for imitation; ``unit_counts`` is its (U, 3) view
        self._action_counts: np.ndarray | None = None
        self.applied_log = np.zeros((HISTORY_LEN, U), dtype=np.int32)
        self.public_tol_log = np.zeros((HISTORY_LEN, U), dtype=np.int32)
        # Cases each unit's procedure brought before its superior unit, per month (survey).
        self.referred_log = np.zeros((HISTORY_LEN, U), dtype=np.int32)
        # Open (not yet judged) innovations per ring row and unit: review's exposure.
        self._open_innov_log = np.zeros((HISTORY_LEN, U), dtype=np.int64)
        self._mats: list[np.ndarray] = []  # per step: (levels + all, VALUE_COLUMNS)
        # cadre index -> action code imposed on the next step only (then cleared), and
        # cadre index -> whether it applies for tolerance if a case of its own is eligible
        self.forced_actions: dict[int, int] = {}
        self.forced_applications: dict[int, bool] = {}
        self._root_units = self._levels[0]
        self.last_events: metrics.StepEvents | None = None  # set by each step

        self.datacollector = _MatrixCollector(
            {
                f"{lv}_{c}": (i, metrics.VALUE_COLUMNS.index(c))
                for i, lv in enumerate(metrics.ROW_LEVELS)
                for c in REPORTED
            }
        )
        if agents:
            for i in range(s.n):
                CadreAgent(self, i)
        self.running = True

    # ----------------------------------------------------------------- helpers
    @property
    def n_cadres(self) -> int:
        return self.state.n

    @property
    def n_units(self) -> int:
        return self.hierarchy.n_units

    def _current_regime(self) -> regime.UnitRegime:
        """The regime in force: rebuilt only when a unit adopted a version or a value in
        ``p`` changed (a schedule, or a dashboard writing to ``p``)."""
        key = (tuple(self.p.values()), self._adoptions)
        if key != self._regime_key:
            h = self.hierarchy
            share = decision.share_form_chance(self.p, h.n_children > 0)
            self.regime = regime.build(
                self.transmission.values(), self.p, h, self._levels, share, self.local_text
            )
            self._regime_key = key
        return self.regime

    def _of_cadres(self, unit_values: np.ndarray) -> np.ndarray:
        """``unit_values`` per cadre (``take`` by ``state.unit``), remembered."""
        return self._cadre_memo(unit_values)

    def _apply_schedule(self, step: int) -> None:
        for at, changes in self.schedule:
            if at == step:
                self.p.update(changes)

    # -------------------------------------------------------------------- step
    def _ready(self) -> None:
        """Refuse to run after a month that did not finish, or with bad choices for the
        next month (checked before Mesa's schedule is entered, which a raise would lose).

        Mesa 3.5 schedules the next month only once this one has returned, so after an
        exception or Ctrl-C inside a month every later ``step()`` or ``run_for()`` would
        silently do nothing, on a state left half-way through that month."""
        if self._unfinished is not None:
            raise CadreSimError(
                f"this model stopped during month {self._unfinished} and its state is "
                "incomplete; build a new model (same parameters and seed) to run again"
            )
        _check_forced(self.forced_actions, self.forced_applications, self.n_cadres)

    def _checked_step(self) -> None:
        """``step()`` as callers reach it: Mesa's scheduled step, after ``_ready``."""
        self._ready()
        self._mesa_step()

    def run_for(self, duration: float | int) -> None:
        """Mesa's ``run_for``, after ``_ready``."""
        self._ready()
        super().run_for(duration)

    def run_until(self, end_time: float | int) -> None:
        """Mesa's ``run_until``, after ``_ready``."""
        self._ready()
        super().run_until(end_time)

    def step(self) -> None:
        """One month, in the order of docs/ODD.md §1.3 (each stage documents its rule).
        ``_unfinished`` holds the month until its last stage is done, whichever way Mesa
        reached it (``step()``, ``run_for``, ``run_until``)."""
        self._unfinished = self.steps
        month = Month(t=self.steps)
        self._regime(month)  # 0. regime: schedule, issue, relay, documents
        self._pressure(month)  # 1. pressure and attention
        self._decide(month)  # 2. decision
        self._outcomes(month)  # 3. outcomes
        self._hold_accountable(month)  # 4. accountability
        self._tolerate_and_sanction(month)  # 5. tolerance procedure and sanctions
        self._learn(month)  # 6. learning
        self._dynamics(month)  # 7. problems, absorption, careers
        self._observe(month)  # 8. observation
        self._unfinished = None

    def _regime(self, month: Month) -> None:
        """0. Changes due this month are issued by the centre, which adopts them at once;
        every other unit adopts its superior's version after a relay delay. Where the
        risks in force moved (a unit's own adoption or a level above it), the unit heeds
        cases more after bad news, less after good news; the cadres of an adopting unit
        receive its documents."""
        p, tr = self.p, self.transmission
        self._apply_schedule(month.t)
        issued = tr.issue(p, month.t)
        relayed = tr.relay(p["relay_delay"], p["negativity_bias"], month.t, self.rng)
        month.adopted = np.concatenate([self._root_units, relayed]) if issued else relayed
        self.alert = beliefs.calm(self.alert, p["learning_rate"])
        old_truth = self.regime.truth
        if len(month.adopted):
            self._adoptions += 1
        self._current_regime()
        if self.regime.truth is not old_truth:  # the risks in force moved somewhere
            self.alert = beliefs.alertness(
                old_truth, self.regime.truth, self.alert, p["negativity_bias"]
            )
        if len(month.adopted):
            self._documents(month.adopted)
        if p["perfect_information"]:
            self.state.belief[:] = self.regime.truth.take(self.state.unit, axis=1)

    def _documents(self, units: np.ndarray) -> None:
        """Documents of a newly adopted regime: beliefs move towards what it announces,
        believed more when it raises the risks than when it lowers them; targets it frees
        stay binding in part (S000-12b, S000-12c)."""
        p, s, r = self.p, self.state, self.regime
        cadres = _mask(self.n_units, units)[s.unit].nonzero()[0]
        ann = r.announced.take(s.unit[cadres], axis=1)
        s.belief[:, cadres] = beliefs.announce(
            s.belief[:, cadres], ann, p["document_credibility"], p["negativity_bias"]
        )
        fewer = units[r.targets[units] < self.perceived_targets[units]]
        credit = p["document_credibility"] / p["negativity_bias"]
        self.perceived_targets[fewer] += credit * (r.targets[fewer] - self.perceived_targets[fewer])

    def _pressure(self, month: Month) -> None:
        """1. The targets a unit treats as binding (new ones bind at once), paperwork and
        last month's passed-down load consume attention; overload raises misses.

        perf: computed per situation (unit x leader), 2U rows instead of N cadres, and
        only for the situations whose inputs changed (``_stale_situations``, a tenth of
        them in a month): ``decision.pressure`` is element by element, so the others'
        numbers are last month's; they are updated in place. Where every unit treats just
        the targets in force as binding (a steady regime), the chance of missing a real
        target is the one already computed for the perceived.
        """
        p, h, r = self.p, self.hierarchy, self.regime
        if p["perfect_information"]:
            self.perceived_targets = r.targets.copy()
        else:
            np.maximum(self.perceived_targets, r.targets, out=self.perceived_targets)
        passed_down = self.inbox / h.n_cadres
        sit = self._stale_situations(passed_down)
        su = self._sit_unit.take(sit)
        new = decision.pressure(
            p,
            r.paperwork.take(su),
            self.perceived_targets.take(su),
            self._sit_leader.take(sit),
            passed_down.take(su),
        )
        if len(sit) == len(self._sit_unit):  # all of them, in order
            self._sit_pressure = new
        else:
            self._sit_pressure.update(sit, new)
        pr = month.pressure = self._sit_pressure
        if (self.perceived_targets == r.targets).all():
            month.p_miss_real = pr.p_miss
        else:
            real = r.targets.take(self._sit_unit)
            month.p_miss_real = decision.miss_probability(pr.fail_per_target, real)
        self.state.free_attention = pr.free.astype(np.float32).take(self._situation)

    def _stale_situations(self, passed_down: np.ndarray) -> np.ndarray:
        """Situations whose pressure must be computed this month: every one in the first
        month and after the regime or a parameter changed (``_regime_key`` is then a new
        object), else both situations of each unit whose passed-down load or perceived
        targets changed since last month."""
        key, last_load, last_targets = self._pressure_inputs
        if key is not self._regime_key:
            stale = np.arange(2 * self.n_units)
        else:
            changed = passed_down != last_load
            changed |= self.perceived_targets != last_targets
            stale = np.repeat(2 * changed.nonzero()[0], 2)
            stale[1::2] += 1  # the leaders' situation follows the staff's
        self._pressure_inputs = (self._regime_key, passed_down, self.perceived_targets.copy())
        return stale

    def _decide(self, month: Month) -> None:
        """2. Every cadre weighs innovate / routine / avoid on its beliefs, mixes in what
        peers and superiors did last month, draws an action; avoiders pick a form."""
        p, s, h, rng = self.p, self.state, self.hierarchy, self.rng
        N = s.n
        beliefs.flush_tiny(s.belief)
        seen = None
        if self._action_counts is not None:
            seen = learning.shares_seen(
                self._action_counts, h.group, self._superior, p["peer_weight"]
            ).astype(np.float32)
        s.action = decision.choose(
            p,
            month.pressure.terms,  # the reach is given per cadre (last argument)
            s.belief,
            s.intrinsic,
            self._situation,
            s.unit,
            seen,
            rng.random(N, dtype=np.float32),
            threads.pool_for(N),
            self._cadre_reach(self.regime.eligible),
            self._valued_motivation(),
        )
        if self.forced_actions:  # a user playing one cadre (dashboard "play as a cadre")
            idx = np.fromiter(self.forced_actions.keys(), dtype=np.int64)
            s.action[idx] = np.fromiter(self.forced_actions.values(), dtype=np.int8)
            self.forced_actions = {}
        # perf: draws only for the cadres a rule concerns (avoiders here, innovators for
        # success, ...): a third of the draws at national scale.
        month.avoid_idx = (s.action == AVOID).nonzero()[0]
        k = len(month.avoid_idx)
        s.form = decision.avoidance_forms(
            N,
            month.avoid_idx,
            rng.random(k) < p["innovative_task_share"],
            self._can_pass_down[month.avoid_idx],
            rng.random(k),
        )

    def _valued_motivation(self) -> np.ndarray:
        """m^a of every cadre's intrinsic motivation m (as ``decision.cadre_utilities``
        raises it), kept while the value curvature a is; ``_renew`` raises the
        newcomers' (the same float32 power, element by element)."""
        a = self.p["value_curvature"]
        if a != self._motivation_curvature:
            self._motivation = self.state.intrinsic ** np.float32(a)
            self._motivation_curvature = a
        return self._motivation

    def _outcomes(self, month: Month) -> None:
        """3. Innovations succeed or fail; routine work may miss a binding target. The
        month's acts enter each cadre's record.

        perf: one count of every action per unit, (3, U) as imitation reads it, serves
        review's exposure here and imitation in stage 6 (actions do not change between).
        """
        s, rng, sit = self.state, self.rng, self._situation
        innov_idx = (s.action == INNOVATE).nonzero()[0]
        routine_idx = (s.action == ROUTINE).nonzero()[0]
        works = rng.random(len(innov_idx)) < month.pressure.p_success[sit[innov_idx]]
        month.success_idx, month.fail_idx = innov_idx[works], innov_idx[~works]
        month.miss_idx = routine_idx[
            rng.random(len(routine_idx)) < month.p_miss_real[sit[routine_idx]]
        ]
        # perf: record codes equal action codes (model.state), so the record is the action
        # with successes overwritten: one copy instead of nested selects over N.
        s.hist_pos = (s.hist_pos + 1) % HISTORY_LEN
        s.history[s.hist_pos] = s.action
        s.history[s.hist_pos, month.success_idx] = REC_SUCCEEDED
        key = np.multiply(s.action, self.n_units, dtype=np.intp)
        key += s.unit
        counts = np.bincount(key, minlength=3 * self.n_units).reshape(3, -1)
        month.action_counts = counts
        self._open_innov_log[s.hist_pos] = counts[INNOVATE]

    def _hold_accountable(self, month: Month) -> None:
        """4. Missteps are detected by the channels of every level watching the unit;
        inaction is noticed rarely; a review re-reads records under drifted standards.
        A case arising in a unit with subordinates may be pushed down (背锅). Every case
        and the cadre who carries it."""
        s = self.state
        detected = self._detect_missteps(month)
        self._notice_omissions(month)
        retro_cadre, retro_kind = self._review_records(month)
        territorial = self._territorial_cases()
        cadre = np.concatenate([detected, retro_cadre, territorial])
        pushed = self.rng.random(len(cadre)) < self.regime.shift[s.unit[cadre]]
        # What review teaches a unit: its open innovations caught that stayed its case.
        kept = retro_cadre[
            (retro_kind == RETRO_INNOV) & ~pushed[len(detected) : len(detected) + len(retro_cadre)]
        ]
        month.retro_found = np.bincount(s.unit[kept], minlength=self.n_units)
        cadre[pushed] = self._push_down(cadre[pushed])
        own_case = np.ones(len(month.misstep_idx), dtype=bool)
        own_case[month.misstep_detected.nonzero()[0][pushed[: len(detected)]]] = False
        month.misstep_own_case = month.misstep_detected & own_case
        month.case_cadre = np.concatenate([cadre, month.omit_idx])
        # Kinds in the order of the cases: missteps, review, territorial, omissions.
        n_det, n_case = len(detected), len(cadre)
        kind = month.case_kind = np.empty(len(month.case_cadre), dtype=np.int8)
        kind[:n_det] = np.where(month.misstep_failed[month.misstep_detected], COMMISSION, VETO)
        kind[n_det : n_det + len(retro_kind)] = retro_kind
        kind[n_det + len(retro_kind) : n_case] = VETO
        kind[n_case:] = OMISSION
        month.case_shifted = np.zeros(len(month.case_cadre), dtype=bool)
        month.case_shifted[:n_case] = pushed
        month.case_territorial = np.zeros(len(month.case_cadre), dtype=bool)
        month.case_territorial[n_det + len(retro_kind) : n_case] = True

    def _territorial_cases(self) -> np.ndarray:
        """Territorial accountability (属地式问责, S000-25): problems that arose in a unit
        and escalated out of it last month are incidents on its territory — petitions,
        accidents — that reach the level above. The watching levels pursue each with the
        unit's detection D; a unit with e of them gets at most one case a month, with
        chance 1 - (1 - D)^e, pinned on a cadre of the unit chosen at random. A
        missed stability target is a one-veto failure (S000-08b); risks moving upward
        (S000-19) thus come back down as blame. A cadre cannot avoid it by what it does,
        so it does not weigh it.

        perf: the chance is computed only where something escalated (a quarter of the
        units); elsewhere it is 0, which no uniform falls below.
        """
        h, r, rng = self.hierarchy, self.regime, self.rng
        esc = self._own_escalations
        pos = (esc > 0).nonzero()[0]
        chance = np.zeros(h.n_units)
        chance[pos] = accountability.at_least_once(r.detect.take(pos), esc.take(pos))
        units = (rng.random(h.n_units) < chance).nonzero()[0]
        return h.cadre_start[units] + (rng.random(len(units)) * h.n_cadres[units]).astype(np.int64)

    def _detect_missteps(self, month: Month) -> np.ndarray:
        """Failed innovations and misses detected by every watching level; returns the
        cadres whose misstep was detected (the acts are marked judged).

        perf: the union of the two sorted index arrays is read off a mask, not sorted."""
        s, r, rng = self.state, self.regime, self.rng
        # Failed and missing acts are disjoint (innovate vs routine): their sorted union
        # is the month's missteps in cadre order.
        failed = _mask(s.n, month.fail_idx)
        either = failed.copy()
        either[month.miss_idx] = True
        mis = month.misstep_idx = either.nonzero()[0]
        month.misstep_failed = failed.take(mis)
        month.misstep_detected = rng.random(len(mis)) < r.detect[s.unit[mis]]
        detected = mis[month.misstep_detected]
        accountability.mark_judged(s.history, s.hist_pos, detected)  # handled: never re-judged
        failed_now = mis[month.misstep_detected & month.misstep_failed]
        self._open_innov_log[s.hist_pos] -= np.bincount(s.unit[failed_now], minlength=self.n_units)
        return detected

    def _push_down(self, cadres: np.ndarray) -> np.ndarray:
        """Cases pushed down from ``cadres``' units land on a cadre below: blame flows to
        the grassroots."""
        k = len(cadres)
        return accountability.scapegoats(
            self.hierarchy, self.state.unit[cadres], self.rng.random(k), self.rng.random(k)
        )

    def _notice_omissions(self, month: Month) -> None:
        """Inaction is noticed with the visibility of omission; sharing responsibility
        sheds the case with probability ``share_dilution`` (S000-14)."""
        s, rng, avoid = self.state, self.rng, month.avoid_idx
        k = len(avoid)
        keep = (s.form[avoid] != SHARE) | (rng.random(k) >= self.p["share_dilution"])
        month.omitted = (rng.random(k) < self._of_cadres(self.regime.detect_omission)[avoid]) & keep
        month.omit_idx = avoid[month.omitted]

    def _review_records(self, month: Month) -> tuple[np.ndarray, np.ndarray]:
        """Retroactive review: each reviewed cadre's open acts of the look-back window
        (this month excluded) are judged under today's standards; caught acts are
        marked judged. Returns the cadre and kind of every act caught.

        perf: the review chance per cadre is kept while the regime is; the records are
        read rows first (whole rows copy fast, and review reaches few cadres); the open
        innovations on record are summed over the ring's slices (``_ring_sum``).
        """
        s, r, rng = self.state, self.regime, self.rng
        rows = s.recent_rows(self.p["lookback"] + 1)[1:]  # this month excluded
        month.open_innov = _ring_sum(
            self._open_innov_log, (s.hist_pos - 1) % HISTORY_LEN, len(rows)
        )
        reviewed = (rng.random(s.n, dtype=np.float32) < self._of_cadres(r.review)).nonzero()[0]
        records = s.history.take(rows, axis=0).take(reviewed, axis=1)
        ru = s.unit[reviewed]
        found = accountability.retro_review(
            records, r.judge_innov[ru], r.judge_routine[ru], rng.random(records.shape)
        )
        row, col = _nonzero_2d(found)
        innov = (records[row, col] == REC_FAILED) | (records[row, col] == REC_SUCCEEDED)
        cadre = reviewed[col]
        accountability.mark_judged(s.history, rows[row], cadre)
        np.subtract.at(self._open_innov_log, (rows[row[innov]], s.unit[cadre[innov]]), 1)
        return cadre, np.where(innov, RETRO_INNOV, RETRO_ROUTINE)

    def _tolerate_and_sanction(self, month: Month) -> None:
        """5. A good-faith case under the provision's reach goes through the tolerance
        procedure; every case not tolerated is sanctioned with a severity drawn by kind
        (the four forms); a sanction blocks promotion for its influence period."""
        p, s, r, rng = self.p, self.state, self.regime, self.rng
        cadre, kind = month.case_cadre, month.case_kind
        unit = s.unit[cadre]
        reach = r.eligible[unit, _REACH_OF_KIND[kind]] * (kind != OMISSION)
        month.eligible = rng.random(len(cadre)) < reach
        el = month.eligible.nonzero()[0]
        high_profile = (rng.random(len(el)) < p["high_profile_share"]).astype(np.intp)
        month.high_profile = high_profile.astype(bool)
        month.stages = tol_rules.run_procedure(
            r.stages[unit[el], high_profile],
            r.tolerance[unit[el]],
            s.belief_tol[cadre[el]],
            rng.random((len(el), 5)),
            self._applications(cadre[el]),
            p["application_duty"],
        )
        month.tolerated = np.zeros(len(cadre), dtype=bool)
        month.tolerated[el] = month.stages[:, 4]
        sanctioned = month.sanctioned
        month.sanction_sev = accountability.draw_severities(
            kind[~month.tolerated], rng.random(len(sanctioned))
        )
        np.add.at(s.sanctions, sanctioned, np.int32(1))
        np.add.at(s.tolerated, cadre[month.tolerated], np.int32(1))
        # perf: blocked >= 0, so max(b, 1) - 1 counts down to 0 in place
        np.maximum(s.blocked, 1, out=s.blocked)
        s.blocked -= 1
        np.maximum.at(s.blocked, sanctioned, accountability.BLOCK_MONTHS[month.sanction_sev])

    def _applications(self, cadres: np.ndarray) -> np.ndarray | None:
        """Stage 1 decided by a user playing a cadre (1 / 0), else -1; cleared after use."""
        if not self.forced_applications:
            return None
        out = np.full(len(cadres), -1.0)
        for c, applies in self.forced_applications.items():
            out[cadres == c] = float(bool(applies))
        self.forced_applications = {}
        return out

    def _learn(self, month: Month) -> None:
        """6. Which cases were circulated; beliefs move towards what cadres saw (their
        unit, peers' circulated cases, their own outcome); units unlearn freed targets
        whose misses went unpunished; imitation's counts of last month's actions."""
        p, s, h, r, rng = self.p, self.state, self.hierarchy, self.regime, self.rng
        sanctioned = month.sanctioned
        month.publicised_sanction = (
            rng.random(len(sanctioned)) < r.sanction_publicity[s.unit[sanctioned]]
        )
        # The outcome of an eligible case (tolerated or not) is made known to peer units
        # with the unit's tolerance publicity: rare by default (S003-07c).
        el_cadre = month.eligible_cadre
        month.outcome_known = rng.random(len(el_cadre)) < r.tolerance_publicity[s.unit[el_cadre]]
        month.publicised = el_cadre[month.outcome_known & month.tolerated[month.eligible]]
        unpunished = self._freed_target_misses(month)
        if not p["perfect_information"]:
            self._update_beliefs(month)
            self.perceived_targets = beliefs.unlearn_targets(
                self.perceived_targets, r.targets, unpunished, p["learning_rate"]
            )
        self.public_tol_log[s.hist_pos] = np.bincount(s.unit[month.publicised], minlength=h.n_units)
        self._action_counts = month.action_counts.astype(float)

    def _freed_target_misses(self, month: Month) -> np.ndarray:
        """Misses of targets a unit still treats as binding though they were freed, seen
        by supervision and left unpunished: Poisson per unit with the routine cadres'
        expected misses times the chance supervision notices one. An unnoticed miss
        teaches nothing: no one knows whether it would have been punished."""
        s, h = self.state, self.hierarchy
        freed = np.maximum(self.perceived_targets - self.regime.targets, 0.0)
        if not freed.any():  # perf: nothing freed (a steady regime): nothing to draw
            return np.zeros(h.n_units)
        routine_by_sit = np.bincount(self._situation[s.action == ROUTINE], minlength=2 * h.n_units)
        expected = (routine_by_sit * month.pressure.fail_per_target).reshape(-1, 2).sum(axis=1)
        mean = expected * freed * self.regime.detect
        out = np.zeros(h.n_units)
        pos = (mean > 0).nonzero()[0]
        out[pos] = self.rng.poisson(mean[pos])
        return out

    def _update_beliefs(self, month: Month) -> None:
        """Every belief a step towards the rate its evidence shows (model.beliefs): own
        unit's cases, peers' circulated cases (weight ``PUBLIC_WEIGHT``), own outcome.

        perf: the five beliefs' evidence is one (5, U) array, and one ``learn_units``
        moves all beliefs (was five ``observed`` and five ``learn`` with their spreads).
        The own and the circulated cases are counted in one ``count_by``; the avoiders
        per unit are stage 3's count of actions (the same integers).
        The evidence rows are written into two arrays, not concatenated; the peer weights
        are kept while the regime is.
        """
        p, s, h, r = self.p, self.state, self.hierarchy, self.regime
        cadre, kind = month.case_cadre, month.case_kind
        sanctioned = month.sanctioned
        mis = month.misstep_idx
        known = month.eligible_cadre[month.outcome_known]
        rows = count_by(
            s.unit,
            h.n_units,
            mis[month.misstep_own_case],
            mis,
            cadre[kind == OMISSION],
            sanctioned,
            cadre[month.tolerated],  # tolerated cases are eligible ones
            month.eligible_cadre,
            sanctioned[month.publicised_sanction],
            month.publicised,
            known,
        )
        own_rows, pub_rows = rows[:6], rows[6:]
        # Hits and trials of each belief's evidence, interleaved: (10, U), own and peers'.
        own = np.empty((10, h.n_units))
        own[:3], own[3] = own_rows[:3], month.action_counts[AVOID]
        own[4], own[5] = month.retro_found, month.open_innov
        np.multiply(own_rows[3], r.severity, out=own[6])
        own[7:] = own_rows[3:]
        shown = np.empty_like(own)
        shown[:6] = own[:6]
        np.multiply(pub_rows[0], r.severity, out=shown[6])
        shown[7:] = pub_rows
        # What each unit's peers showed; row 6 (sanctions x severity) is not counts.
        totals = learning.count_sums(shown, h.group)
        totals[6] = learning.group_sum(shown[6], h.group)
        peer = totals - shown
        weight = _peer_weight(r.sanction_publicity)
        rate, has = beliefs.observed(own[0::2], own[1::2], peer[0::2], peer[1::2], weight)
        unit = s.unit
        step = _learning_step(self.alert, p["learning_rate"])  # (5, U)
        beliefs.learn_units(s.belief, rate, has, step, h.n_cadres)
        # Own experience: a second step towards one's own outcome.
        outcomes = [
            (mis, month.misstep_own_case),
            (month.avoid_idx, month.omitted),
            (sanctioned, r.severity[unit[sanctioned]]),
            (month.eligible_cadre, month.stages[:, 4]),
        ]
        for row, (who, value) in zip((0, 1, 3, 4), outcomes, strict=True):
            s.belief[row, who] = beliefs.learn_own(s.belief[row], who, value, step[row], unit)

    def _dynamics(self, month: Month) -> None:
        """7. Problems arrive, are solved, passed down and escalate; successful
        innovations are absorbed; case dates are recorded; promotion, retirement and
        removal renew the posts, and newcomers learn their unit's beliefs."""
        s = self.state
        pd_idx = month.avoid_idx[s.form[month.avoid_idx] == PASS_DOWN]
        month.unit_counts = self._problems(month.success_idx, month.action_counts[ROUTINE], pd_idx)
        # Case dates before renewal: a newcomer inherits none of its predecessor's.
        el_cadre = month.eligible_cadre
        self.applied_log[s.hist_pos] = np.bincount(
            s.unit[el_cadre], month.stages[:, 0], minlength=self.n_units
        ).astype(np.int32)
        referred = tol_rules.referred_up(month.stages, month.high_profile)
        self.referred_log[s.hist_pos] = np.bincount(
            s.unit[el_cadre], referred, minlength=self.n_units
        ).astype(np.int32)
        s.last_case[month.case_cadre] = month.t
        s.last_applied[el_cadre[month.stages[:, 0]]] = month.t
        s.last_public[month.publicised] = month.t
        severe = month.sanctioned[month.sanction_sev == SEVERE]
        month.promoted, month.retired, month.removed = self._renew(severe)

    def _observe(self, month: Month) -> None:
        """8. Per-level reporters of the month, for ``history()`` and the DataCollector."""
        s = self.state
        not_tol = ~month.tolerated
        ev = metrics.StepEvents(
            overload=month.pressure.overload.take(self._situation),
            action_counts=month.action_counts,
            avoid_idx=month.avoid_idx,
            success_idx=month.success_idx,
            fail_idx=month.fail_idx,
            # missteps (acts) and omissions (avoiders) are disjoint, each in cadre order
            detected_idx=np.concatenate(
                [month.misstep_idx[month.misstep_detected], month.omit_idx]
            ),
            retro_idx=month.case_cadre[
                (month.case_kind == RETRO_INNOV) | (month.case_kind == RETRO_ROUTINE)
            ],
            case_idx=month.eligible_cadre,
            stages=month.stages,
            sanction_idx=month.sanctioned,
            sanction_severity=month.sanction_sev,
            omission_sanction=month.case_kind[not_tol] == OMISSION,
            case_cadre=month.case_cadre,
            case_kind=month.case_kind,
            case_shifted=month.case_shifted,
            case_territorial=month.case_territorial,
            case_eligible=month.eligible,
            tolerated=month.tolerated,
            high_profile=month.high_profile,
            unit_counts=month.unit_counts,
            promoted=month.promoted,
            retired=month.retired,
            removed=month.removed,
        )
        self.last_events = ev  # what happened this month, for callers who follow one cadre
        self._mats.append(
            metrics.step_matrix(self.hierarchy, s, ev, self.problems, self.unit_state())
        )
        self.datacollector.collect(self)

    def cadre_odds(self, cadre: int) -> dict[str, Any]:
        """What cadre ``cadre`` could know of its odds this month, from the regime in force
        at its unit (for a user playing it): its attention and its parts, the chance an
        innovation succeeds, of missing a target its unit treats as binding, the true
        chances of detection, of inaction being noticed, of review and of a review finding
        an open act irregular, the tolerance procedure's stages for an ordinary case, and
        its own beliefs."""
        p, s, h, r = self.p, self.state, self.hierarchy, self.regime
        c = _cadre_index("cadre", cadre, self.n_cadres)
        unit, leader = int(s.unit[c]), np.array([bool(s.leader[c])])
        duty = float(p["leader_duty"]) if leader[0] else 1.0
        perceived = float(self.perceived_targets[unit])
        standing = decision.standing_demand(p, r.paperwork[unit], perceived, leader)
        inbox = float(self.inbox[unit] / h.n_cadres[unit])
        free, overload, _ = decision.attention(p, standing, np.array([inbox]))
        per_target = decision.target_failure(p, leader, overload)
        stages = r.stages[unit, 0].copy()
        stages[0] *= tol_rules.application(
            r.tolerance[unit], s.belief_tol[c], self.p["application_duty"]
        )
        through = r.stages[unit].prod(axis=-1) / r.stages[unit, :, 0]  # stages 2-5
        hp = p["high_profile_share"]
        return {
            "budget": float(p["attention_budget"] * p["resources"]),
            "routine": float(p["routine_load"] * duty),
            "paperwork": float(r.paperwork[unit] * duty),
            "targets": perceived,
            "per_target": float(p["veto_attention"] * duty),
            "duty": duty,
            "passed_down": inbox,
            "free": float(free[0]),
            "needed": float(p["innovation_attention"]),
            "full_success": float(min(p["innovation_success"] * p["resources"], 1.0)),
            "success": float(decision.success_probability(p, free)[0]),
            "irregular": float(decision.miss_probability(per_target, perceived)[0]),
            "channels": int(self.transmission.value("supervision_channels")[unit]),
            "detect": float(r.detect[unit]),
            "omission": float(r.truth[1, unit]),
            "retro": float(r.review[unit]),
            "lookback": int(p["lookback"]),
            "judge_innov": float(r.judge_innov[unit]),
            "judge_routine": float(r.judge_routine[unit]),
            "tolerated_if_apply": float((1 - hp) * through[0] + hp * through[1]),
            "apply_passes": float(stages[0]),
            "stage_chances": tuple(float(x) for x in stages),
            "believed_detect": float(s.belief_detect[c]),
            "believed_tolerance": float(s.belief_tol[c]),
            "eligible": dict(
                zip(("innovation", "routine", "retro"), r.eligible[unit].tolist(), strict=True)
            ),
            "shift": float(r.shift[unit]),
        }

    def unit_state(self) -> metrics.UnitState:
        """Per-unit quantities the reporters average: regime in force and perception."""
        r = self.regime
        return metrics.UnitState(
            detect=r.detect,
            targets=r.targets,
            perceived_targets=self.perceived_targets,
            tolerance_truth=r.truth[4],
            adopted=self.transmission.adopted == self.transmission.latest,
        )

    def _problems(self, success_idx, routine_counts, pd_idx) -> dict[str, np.ndarray]:
        p, s, h, rng = self.p, self.state, self.hierarchy, self.rng
        U = h.n_units
        # Problems arise where people live: at the grassroots (units without subordinates).
        inflow = self._inflow(p["problem_inflow"])
        succ_u = np.bincount(s.unit[success_idx], minlength=U).astype(float)
        absorbed = _binomial(rng, succ_u.astype(np.int64), p["absorption_rate"]).astype(float)
        absorbed[self._root_units] = 0.0  # the centre has no one above to absorb its pilots
        solved_routine = rng.binomial(routine_counts, p["routine_solve"])
        solved = (
            solved_routine
            + p["innovation_yield"] * succ_u
            + dynamics.absorbed_diffusion(absorbed, h)
        )
        before = self.problems + inflow
        self.problems = np.maximum(before - solved, 0.0)
        solved = before - self.problems

        # Passing down: each pass-down carries one whole problem (while the unit has one)
        # and adds load to a random subordinate unit next month.
        pd_unit = s.unit[pd_idx]
        child = dynamics.random_child(h, pd_unit, rng.random(len(pd_idx)))
        rank = np.arange(len(pd_idx)) - np.searchsorted(pd_unit, pd_unit, side="left")
        carries = rank + 1 <= self.problems[pd_unit]
        moved_out = np.bincount(pd_unit[carries], minlength=U).astype(float)
        moved_in = np.bincount(child[carries], minlength=U).astype(float)
        self.problems += moved_in - moved_out
        self.inbox = p["pass_down_load"] * np.bincount(child, minlength=U)

        self.problems, escalated = dynamics.escalate(
            self.problems, h, p["escalation_threshold"], p["escalation_rate"]
        )
        # What escalated out of a unit beyond what it received from below arose in it.
        received = np.bincount(dynamics.superior_bins(h.parent), escalated, minlength=U)
        self._own_escalations = np.maximum(escalated - received, 0.0)
        return {
            "absorbed": absorbed,
            "passed_down": np.bincount(pd_unit, minlength=U).astype(float),
            "inflow": inflow,
            "solved": solved,
            "escalations": escalated,
        }

    def _inflow(self, per_cadre: float) -> np.ndarray:
        """Problems arriving in each unit: Poisson with ``per_cadre`` x its grassroots cadres.

        perf: drawn per run of units with the same mean (in a uniform tree, one run: the
        grassroots), a scalar mean being cheaper per draw than an array of means; numpy
        draws each value in order either way and nothing for a mean of 0, so the stream
        is the same. Many runs (uneven staffing) take the array path."""
        g = self._grassroots_cadres
        if len(self._inflow_runs) > MAX_INFLOW_RUNS:
            return self.rng.poisson(per_cadre * g).astype(float)
        out = np.zeros(len(g))
        for lo, hi in self._inflow_runs:
            out[lo:hi] = self.rng.poisson(per_cadre * g[lo], size=hi - lo)
        return out

    def _renew(self, severe_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Promotion, retirement and removal; newcomers take the vacated posts."""
        p, s, rng = self.p, self.state, self.rng
        N = s.n
        # Promotion chance min(rate x (1 + successes in the last year), 1), by thinning:
        # candidates at the highest possible chance q, then each kept with chance / q.
        rate = p["promotion_rate"]
        q = min(rate * (1 + PROMOTION_MERIT_CAP), 1.0)
        cand = ((rng.random(N, dtype=np.float32) < q) & (s.blocked == 0)).nonzero()[0]
        records = _rows_cols(s.history, s.recent_rows(12), cand)
        merit = ((records == REC_SUCCEEDED) | (records == (REC_SUCCEEDED | JUDGED))).sum(axis=0)
        chance = np.minimum(rate * (1 + np.minimum(merit, PROMOTION_MERIT_CAP)), 1.0)
        promoted = cand[rng.random(len(cand)) * q < chance]
        leaving = rng.random(N, dtype=np.float32) < p["turnover_rate"]
        retiring = leaving.copy()
        leaving[severe_idx] = True
        leaving[promoted] = True
        retiring[severe_idx] = False
        retiring[promoted] = False
        s.tenure += 1
        new = leaving.nonzero()[0]
        records = s.history.take(new, axis=1)  # their open innovations leave the record
        row, col = _nonzero_2d((records == REC_FAILED) | (records == REC_SUCCEEDED))
        np.subtract.at(self._open_innov_log, (row, s.unit[new[col]]), 1)
        replace_cadres(s, new, p, rng)
        if self._motivation is not None:
            self._motivation[new] = s.intrinsic[new] ** np.float32(self._motivation_curvature)
        if len(new):
            h = self.hierarchy
            s.belief[:, new] = beliefs.socialise(
                s.belief, h.cadre_start, h.n_cadres, s.unit, new, rng
            )
        severe = np.sort(severe_idx)
        return promoted, retiring.nonzero()[0], severe[run_starts(severe)]

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
        return history_frame(self.history_array())

    def survey(self, **rule: Any) -> dict[str, float]:
        """Shares of many / few / none / dont_know (seed 003's question); ``rule``: the
        keywords of :meth:`survey_answers`."""
        return metrics.answer_shares(self.survey_answers(**rule))

    def survey_by_level(self, **rule: Any) -> dict[str, dict[str, float]]:
        """``survey()`` asked of each level's cadres apart."""
        return metrics.shares_by_level(self.survey_answers(**rule), self.state.level)

    def survey_answers(
        self,
        *,
        memory: int = metrics.SURVEY_MEMORY,
        many: int = metrics.SURVEY_MANY,
        department: bool = True,
        area: bool = True,
    ) -> np.ndarray:
        """Each cadre's answer to seed 003's question (its index in
        ``metrics.SURVEY_ANSWERS``) by the rule of ``metrics.survey_answers``, whose
        assumptions can be varied to see what each does: the months a cadre recalls (1 to
        ``MAX_LOOKBACK``), the known cases from which it answers "many", whether a whole
        unit knows its applications, and whether a unit knows the cases its subordinate
        units brought before it."""
        memory = _int_in(
            "survey memory", memory, 1, MAX_LOOKBACK, f"an integer in [1, {MAX_LOOKBACK}]"
        )
        many = _int_in("survey many", many, 1, np.inf, "an integer >= 1")
        department, area = _flag("survey department", department), _flag("survey area", area)
        # before the first month nothing has been logged
        rows = self.state.recent_rows(memory if self.state.hist_pos >= 0 else 0)
        return metrics.survey_answers(
            self.hierarchy,
            self.state,
            self.applied_log[rows],
            self.public_tol_log[rows],
            self.referred_log[rows],
            self.steps,
            memory=memory,
            many=many,
            department=department,
            area=area,
        )

    def effective_tolerance(self) -> float:
        """Chance that an eligible good-faith case ends tolerated and recognised, for a
        cadre who has learnt the procedure's record, averaged over cadres' posts."""
        return float(np.average(self.regime.truth[4], weights=self.hierarchy.n_cadres))

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

    def summary(self, fraction: float = metrics.FINAL_FRACTION) -> dict[str, Any]:
        """Parameters, sizes, per-level means and rates over the last ``fraction`` of the
        months (in (0, 1]; at least one month), the survey and effective tolerance."""
        if (
            isinstance(fraction, bool)
            or not isinstance(fraction, int | float | np.integer | np.floating)
            or not 0 < fraction <= 1
        ):
            raise ParamError(f"fraction = {fraction!r} is invalid: allowed is a number in (0, 1]")
        answers = self.survey_answers()
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
            "survey": metrics.answer_shares(answers),
            "survey_by_level": metrics.shares_by_level(answers, self.state.level),
            "effective_tolerance": self.effective_tolerance(),
        }


def history_frame(series: np.ndarray) -> pd.DataFrame:
    """A stacked history (steps, levels + all, ``metrics.VALUE_COLUMNS``) in long form,
    month x level: what ``CadreModel.history()`` gives, also for histories run elsewhere."""
    n_steps, n_rows, _ = series.shape
    df = pd.DataFrame(series.reshape(n_steps * n_rows, -1), columns=list(metrics.VALUE_COLUMNS))
    df.insert(0, "level", np.tile(metrics.ROW_LEVELS, n_steps))
    df.insert(0, "step", np.repeat(np.arange(1, n_steps + 1), n_rows))
    df["n_cadres"] = df["n_cadres"].astype(int)
    return df
