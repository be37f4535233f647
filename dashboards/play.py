""" "Play as a cadre": the user makes one township cadre's choice each month.

The choice goes to the model through its ``forced_actions`` hook (cadre index →
action code, applied right after the model samples everyone's choices, cleared after
the step), so the rest of the model — detection, tolerance, learning, imitation,
careers — reacts to it exactly as to a simulated cadre's. Whether the player applies
for tolerance goes through ``forced_applications`` (cadre index → True/False): it
decides stage 1 of the procedure for the player's covered cases of the month.

What happened to the player's cadre is read from ``model.last_events`` (the step's
:class:`model.metrics.StepEvents`): every case of the month with its kind, whether it
was pushed down from a unit above and whether it was tolerated; the covered cases that
entered the tolerance procedure with their stages; each sanction with its severity. The
game has a goal, an end (``length`` months) and a debrief against the other township
cadres of the same post. The goal has two tallies, kept for the player and the peers
alike by the one :class:`Ledger` (so every counter the page shows comes from one place):
what the post did **for the township** (problems solved, at the model's yields) and what
it cost **for the career** (months of promotion blocked by sanctions, and removal from
post), judged by :func:`outcome`: the player wins by serving the township at least as
well as the average peer while keeping the career no worse than theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from dashboards.odds import Odds, odds_for
from dashboards.session import Simulation
from model.accountability import BLOCK_MONTHS, CASE_KINDS, MILD
from model.errors import CadreSimError
from model.hierarchy import N_LEVELS
from model.state import (
    ACTIONS,
    AVOID,
    INNOVATE,
    REC_AVOID,
    REC_FAILED,
    REC_ROUTINE,
    REC_SUCCEEDED,
    ROUTINE,
)

TOWNSHIP = N_LEVELS - 1
GAME_LENGTHS: tuple[int, ...] = (12, 24, 36)
DEFAULT_LENGTH = 24
# The win rule (:func:`outcome`). "No worse for the career" allows the months of one
# mild sanction (诫勉, the lightest form) more than the peers' mean: one admonishment is
# not a career break, a Party warning (12 months) or a removal (24, and the post) is.
CAREER_TOLERANCE = float(BLOCK_MONTHS[MILD])
# The debrief's headline: both goals met / the township served, the career paid for it /
# the career kept, the township short of the average / neither.
OUTCOMES: tuple[str, ...] = ("won", "township_only", "career_only", "neither")
# The kind of error of each case kind that the tolerance provision can cover
# (``Odds.eligible``); inaction is never covered.
REACH_OF_KIND = {
    "commission": "innovation",
    "veto": "routine",
    "retro_innov": "retro",
    "retro_routine": "retro",
}


def check_action(action: int) -> int:
    if isinstance(action, bool) or action not in (INNOVATE, ROUTINE, AVOID):
        raise CadreSimError(
            f"action = {action!r} is invalid: allowed are 0 ({ACTIONS[0]}), "
            f"1 ({ACTIONS[1]}), 2 ({ACTIONS[2]})"
        )
    return int(action)


@dataclass
class Case:
    """A case the player's cadre carried this month (one of the model's cases).

    ``kind`` is the model's code name (``model.accountability.CASE_KINDS``). A case is
    ``shifted`` when a unit above pushed it down onto the player (背锅); a case that is
    not shifted is ``territorial`` when it is an incident of the township's own problems
    that escalated (属地式问责). ``covered``: the case entered the tolerance procedure,
    whose ``stages`` passed it then carries (None when it did not)."""

    kind: str
    shifted: bool = False
    territorial: bool = False
    tolerated: bool = False
    severity: int | None = None  # the sanction's severity (0-2), None when tolerated
    stages: tuple[bool, ...] | None = None
    covered: bool = False  # it entered the tolerance procedure

    @property
    def coupon(self) -> bool:
        return self.stages is not None and bool(self.stages[3] and not self.stages[4])


@dataclass
class Turn:
    """What one month brought the player's cadre."""

    month: int
    choice: int
    record: int | None  # REC_* code of the act, None if none
    form: int  # avoidance form, -1 if none
    cases: list[Case]  # every case the player carried this month
    left: str | None  # promoted / removed / retired
    solved: float  # problems solved in the player's township this month
    problems_left: float
    township: float  # problems the player's post solved this month, at the model's yields
    blocked: float  # months of promotion blocked that this month's sanctions added
    applied: bool  # the player chose to apply for tolerance if a case is covered
    odds: Odds | None = None  # the odds the player saw before choosing
    lookback: int = 0
    township_shares: np.ndarray = field(default_factory=lambda: np.full(3, np.nan))

    @property
    def sanctions(self) -> list[Case]:
        """The cases that ended in a sanction."""
        return [c for c in self.cases if c.severity is not None]

    @property
    def sanction(self) -> int | None:
        """The most severe sanction this month (None: none)."""
        return max((c.severity for c in self.sanctions), default=None)


def player_cases(ev, cadre: int) -> list[Case]:
    """The cases ``cadre`` carried in the month of ``ev`` (a ``StepEvents``), read from the
    model's per-case fields: kind, pushed down or not, territorial or not, the stages of
    the tolerance procedure if it entered it, the outcome and the sanction's severity.

    Sanctions are aligned with the cases that were not tolerated (checked)."""
    cadre_of, kinds = np.asarray(ev.case_cadre), np.asarray(ev.case_kind)
    tolerated, shifted, territorial, eligible = (
        np.asarray(x, dtype=bool)
        for x in (ev.tolerated, ev.case_shifted, ev.case_territorial, ev.case_eligible)
    )
    not_tol = np.flatnonzero(~tolerated)
    if len(not_tol) != len(ev.sanction_idx) or not np.array_equal(
        cadre_of[not_tol], ev.sanction_idx
    ):
        raise CadreSimError(
            "the model's sanctions are not aligned with its cases that were not tolerated"
        )
    severity = dict(zip(not_tol.tolist(), np.asarray(ev.sanction_severity).tolist(), strict=True))
    if len(ev.stages) != eligible.sum():
        raise CadreSimError("the model's procedures are not aligned with its eligible cases")
    stage_row = np.cumsum(eligible) - 1  # the k-th eligible case is row k of ev.stages
    cases = []
    for row in np.flatnonzero(cadre_of == cadre).tolist():
        pushed = bool(shifted[row])
        case = Case(
            CASE_KINDS[int(kinds[row])],
            pushed,
            bool(territorial[row]) and not pushed,  # pushed down: the incident was above
            bool(tolerated[row]),
            severity.get(row),
            covered=bool(eligible[row]),
        )
        if case.covered:
            case.stages = tuple(bool(x) for x in ev.stages[stage_row[row]])
        cases.append(case)
    return cases


class Ledger:
    """Per post (cadre index), the game's two tallies and their parts, month by month,
    for every post — the player's and the peers' alike.

    * **For the township** (为乡镇, ``township``): problems solved, at the model's own
      yields (``innovation_yield`` per successful innovation, ``routine_solve`` per month
      of routine work; avoiding solves nothing).
    * **For the career** (为仕途, ``blocked``): months of promotion blocked by the
      sanctions received, as the model blocks them — each sanction bars promotion for its
      influence period (``model.accountability.BLOCK_MONTHS`` by severity, counted from the
      month of the sanction); periods that overlap count once (the model keeps the longer
      of the block running and the new one); months that run past the game's end count
      too. ``removals`` counts removals from post (a severe sanction's). When a post
      changes hands (promotion, removal, retirement) the newcomer starts unblocked, as in
      the model; what the leaver's sanctions blocked stays counted for the post.
    """

    def __init__(self, n: int) -> None:
        self.successes = np.zeros(n)
        self.sanctions = np.zeros((n, 3))
        self.promotions = np.zeros(n)
        self.removals = np.zeros(n)
        self.actions = np.zeros((n, 3))
        self.township = np.zeros(n)
        self.blocked = np.zeros(n)
        self._until = np.zeros(n)  # the month from which the occupant may be promoted again

    def add_month(self, m, yields: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
        """Count the model's last month for every post; returns each post's gain for the
        township and the months of promotion blocked added this month."""
        ev, s = m.last_events, m.state
        n = len(self.township)
        month = float(m.steps)  # the month just played (1 = the run's first)
        success = np.asarray(ev.success, dtype=float)
        routine = (s.action == ROUTINE).astype(float)
        who = np.asarray(ev.sanction_idx, dtype=np.int64)
        severity = np.asarray(ev.sanction_severity, dtype=np.int64)
        sev = np.zeros((n, 3))
        np.add.at(sev, (who, severity), 1)
        # the block each post's sanctions of the month set: the longest of them
        block = np.zeros(n)
        np.maximum.at(block, who, BLOCK_MONTHS[severity].astype(float))
        ends = np.where(block > 0, month + block, 0.0)
        added = np.maximum(ends - np.maximum(self._until, month), 0.0)
        self._until = np.maximum(self._until, ends)
        promoted = np.zeros(n)
        promoted[np.asarray(ev.promoted, dtype=np.int64)] = 1
        removed = np.zeros(n)
        removed[np.asarray(ev.removed, dtype=np.int64)] = 1
        for left in (ev.promoted, ev.removed, ev.retired):  # newcomers start unblocked
            self._until[np.asarray(left, dtype=np.int64)] = 0.0
        self.actions[np.arange(n), s.action.astype(np.int64)] += 1
        gain = yields[0] * success + yields[1] * routine
        self.successes += success
        self.sanctions += sev
        self.promotions += promoted
        self.removals += removed
        self.township += gain
        self.blocked += added
        return gain, added

    def columns(self) -> dict[str, np.ndarray]:
        """Every tally, one array over the posts: what a row and a mean are read from."""
        return {
            "township": self.township,
            "blocked": self.blocked,
            "successes": self.successes,
            "sanctions": self.sanctions.sum(axis=1),
            "mild": self.sanctions[:, 0],
            "moderate": self.sanctions[:, 1],
            "severe": self.sanctions[:, 2],
            "promotions": self.promotions,
            "removals": self.removals,
        }

    def row(self, i: int) -> dict[str, float]:
        return {k: float(v[i]) for k, v in self.columns().items()}

    def mean(self, idx: np.ndarray) -> dict[str, float]:
        """The tallies averaged over the posts ``idx`` (NaN for none)."""
        idx = np.asarray(idx, dtype=np.int64)
        return {
            k: float(v[idx].mean()) if len(idx) else float("nan") for k, v in self.columns().items()
        }


def serves_township(mine: Mapping[str, float], peers: Mapping[str, float]) -> bool:
    """At least as many problems solved for the township as the peers' mean."""
    return bool(mine["township"] >= peers["township"] - 1e-9)


def keeps_career(mine: Mapping[str, float], peers: Mapping[str, float]) -> bool:
    """Never removed from post, and months of promotion blocked at most the peers' mean
    plus :data:`CAREER_TOLERANCE`."""
    return bool(mine["removals"] == 0 and mine["blocked"] <= peers["blocked"] + CAREER_TOLERANCE)


def outcome(mine: Mapping[str, float], peers: Mapping[str, float]) -> str:
    """The game's verdict on a post's tallies (a :meth:`Ledger.row`) against the peers'
    mean (a :meth:`Ledger.mean`): one of :data:`OUTCOMES`."""
    town, career = serves_township(mine, peers), keeps_career(mine, peers)
    return OUTCOMES[2 * (not town) + (not career)]


def group_outcomes(ledger: Ledger, group: np.ndarray) -> dict[str, int]:
    """Each post of ``group`` judged by :func:`outcome` against the mean of the others.

    The others' mean is the group's total less the post's own, over n - 1: one pass over
    the group, not one per post (a province has 26,000 township staff posts)."""
    group = np.asarray(group, dtype=np.int64)
    n = len(group)
    cols = {k: v[group] for k, v in ledger.columns().items()}
    totals = {k: v.sum() for k, v in cols.items()}
    counts = dict.fromkeys(OUTCOMES, 0)
    for j in range(n):
        mine = {k: float(v[j]) for k, v in cols.items()}
        others = {
            k: float((totals[k] - v[j]) / (n - 1)) if n > 1 else float("nan")
            for k, v in cols.items()
        }
        counts[outcome(mine, others)] += 1
    return counts


class CadreGame:
    """One player's post in a township of the session's model."""

    def __init__(
        self, sim: Simulation, township: int = 0, leader: bool = False, length: int = DEFAULT_LENGTH
    ) -> None:
        h = sim.model.hierarchy
        towns = h.units_at(TOWNSHIP)
        if not 0 <= township < len(towns):
            raise CadreSimError(f"township = {township} is invalid: allowed is 0..{len(towns) - 1}")
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
            raise CadreSimError(
                f"length = {length!r} is invalid: allowed is an integer >= 1 (months)"
            )
        self.sim = sim
        self.township = int(township)
        self.unit = int(towns[township])
        rank = (
            0
            if leader or h.n_cadres[self.unit] <= h.n_leaders[self.unit]
            else int(h.n_leaders[self.unit])
        )
        self.cadre = int(h.cadre_start[self.unit] + rank)
        self.leader = bool(sim.model.state.leader[self.cadre])
        self.length = int(length)
        self.start = sim.steps
        self.scenario = sim.scenario
        self.turns: list[Turn] = []
        s = sim.model.state
        self.ledger = Ledger(s.n)
        self.solved = np.zeros(h.n_units)  # problems solved per unit over the game
        # the posts the player is compared with: township posts of the same role
        self.peers = np.flatnonzero(
            (s.level == TOWNSHIP) & (s.leader == self.leader) & (np.arange(s.n) != self.cadre)
        )

    @property
    def over(self) -> bool:
        return len(self.turns) >= self.length

    def odds(self) -> Odds:
        with self.sim.lock:
            return odds_for(self.sim.model, self.cadre)

    # ---------------------------------------------------------------- a turn
    def take_turn(self, action: int, apply: bool = True) -> Turn:
        """Impose ``action`` on the player's cadre for the coming month and step once;
        ``apply``: apply for tolerance if a case is opened this month."""
        action = check_action(action)
        if self.over:
            raise CadreSimError(f"the game is over after {self.length} months: start a new game")
        sim = self.sim
        with sim.lock:
            m = sim.model
            odds = odds_for(m, self.cadre)
            m.forced_actions[self.cadre] = action
            m.forced_applications[self.cadre] = bool(apply)
            sim.step(1)
            if int(m.state.action[self.cadre]) != action:
                raise CadreSimError(
                    f"the model ignored its 'forced_actions' hook: cadre {self.cadre} did "
                    f"{ACTIONS[int(m.state.action[self.cadre])]}, not {ACTIONS[action]}"
                )
            gain, blocked = self.ledger.add_month(
                m, (float(m.p["innovation_yield"]), float(m.p["routine_solve"]))
            )
            self.solved += m.last_events.unit_counts["solved"]
            turn = self._read(
                m, action, (float(gain[self.cadre]), float(blocked[self.cadre])), bool(apply), odds
            )
        self.turns.append(turn)
        return turn

    def _read(
        self, m, action: int, tallies: tuple[float, float], applied: bool, odds: Odds
    ) -> Turn:
        s, c, u = m.state, self.cadre, self.unit
        towns = m.hierarchy.units_at(TOWNSHIP)
        counts = m.unit_counts[towns].sum(axis=0)
        shares = counts / counts.sum() if counts.sum() > 0 else np.full(3, np.nan)
        ev = m.last_events
        if ev.success[c]:
            rec = REC_SUCCEEDED
        elif ev.failed[c]:
            rec = REC_FAILED
        else:
            rec = REC_ROUTINE if action == ROUTINE else REC_AVOID if action == AVOID else None
        cases = player_cases(ev, c)
        left = (
            "promoted"
            if c in ev.promoted
            else "removed"
            if c in ev.removed
            else "retired"
            if c in ev.retired
            else None
        )
        return Turn(
            month=int(m.steps),
            choice=action,
            record=rec,
            form=int(s.form[c]),
            cases=cases,
            left=left,
            solved=float(ev.unit_counts["solved"][u]),
            problems_left=float(m.problems[u]),
            township=tallies[0],
            blocked=tallies[1],
            applied=applied,
            odds=odds,
            lookback=int(m.p["lookback"]),
            township_shares=shares,
        )

    # ------------------------------------------------------------- summaries
    def record(self) -> dict[str, float]:
        """The player's counters (the one place they come from)."""
        row = self.ledger.row(self.cadre)
        row["months"] = float(len(self.turns))
        row["tolerated"] = float(sum(k.tolerated for t in self.turns for k in t.cases))
        return row

    def peers_mean(self) -> dict[str, float]:
        return self.ledger.mean(self.peers)

    def outcome(self) -> str:
        """The player's outcome (one of :data:`OUTCOMES`) against the peers' mean."""
        return outcome(self.record(), self.peers_mean())

    def group_outcomes(self) -> dict[str, int]:
        """How many of the player's group (the player and the peers) reach each outcome,
        every post judged by :func:`outcome` against the mean of the others."""
        return group_outcomes(self.ledger, np.append(self.peers, self.cadre))

    def choice_shares(self) -> tuple[np.ndarray, np.ndarray]:
        """Shares of innovate / routine / avoid: the player's months, the peers' months."""
        mine = self.ledger.actions[self.cadre]
        theirs = self.ledger.actions[self.peers].sum(axis=0)
        return (mine / max(mine.sum(), 1.0)), (theirs / max(theirs.sum(), 1.0))

    def choices(self) -> list[tuple[int, int]]:
        return [(t.month, t.choice) for t in self.turns]

    def township_path(self) -> np.ndarray:
        """(months played, 3) shares of all township cadres' choices, month by month."""
        return np.array([t.township_shares for t in self.turns]).reshape(-1, 3)

    def colleagues(self) -> np.ndarray:
        """Counts of innovate / routine / avoid among the other cadres of the player's unit
        last month (zeros before the first month)."""
        m = self.sim.model
        if m.unit_counts is None:
            return np.zeros(3)
        counts = m.unit_counts[self.unit].copy()
        if m.steps > 0:
            counts[int(m.state.action[self.cadre])] -= 1
        return np.maximum(counts, 0)
