""""Play as a cadre": the user makes one township cadre's choice each month.

The choice goes to the model through its ``forced_actions`` hook (cadre index →
action code, applied right after the model samples everyone's choices, cleared after
the step), so the rest of the model — detection, tolerance, learning, imitation,
careers — reacts to it exactly as to a simulated cadre's.

What happened to the player's cadre is read from ``model.last_events`` (the step's
:class:`model.metrics.StepEvents`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dashboards.session import Simulation
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


def check_action(action: int) -> int:
    if isinstance(action, bool) or action not in (INNOVATE, ROUTINE, AVOID):
        raise CadreSimError(f"action = {action!r} is invalid: allowed are 0 ({ACTIONS[0]}), "
                            f"1 ({ACTIONS[1]}), 2 ({ACTIONS[2]})")
    return int(action)


@dataclass
class Turn:
    """What one month brought the player's cadre."""

    month: int
    choice: int
    record: int | None             # REC_* code of the act, None if none
    form: int                      # avoidance form, -1 if none
    detected: bool                 # a current act (failure, missed target, inaction) was caught
    retro: bool                    # the record was re-examined by retroactive review
    case_stages: int | None        # stages of the tolerance procedure passed (0–5), None: no case
    tolerated: bool
    coupon: bool                   # tolerated below, not recognised above
    sanction: int | None           # severity 0–2, None: no sanction
    left: str | None               # promoted / removed / retired
    solved: float                  # problems solved in the player's township this month
    problems_left: float
    township_shares: np.ndarray = field(default_factory=lambda: np.full(3, np.nan))


class CadreGame:
    """One player's post in a township of the session's model."""

    def __init__(self, sim: Simulation, township: int = 0, leader: bool = False) -> None:
        h = sim.model.hierarchy
        towns = h.units_at(TOWNSHIP)
        if not 0 <= township < len(towns):
            raise CadreSimError(f"township = {township} is invalid: allowed is 0..{len(towns) - 1}")
        self.sim = sim
        self.township = int(township)
        self.unit = int(towns[township])
        rank = 0 if leader or h.n_cadres[self.unit] <= h.n_leaders[self.unit] else int(h.n_leaders[self.unit])
        self.cadre = int(h.cadre_start[self.unit] + rank)
        self.leader = bool(sim.model.state.leader[self.cadre])
        self.start = sim.steps
        self.turns: list[Turn] = []

    # ---------------------------------------------------------------- a turn
    def take_turn(self, action: int) -> Turn:
        """Impose ``action`` on the player's cadre for the coming month and step once."""
        action = check_action(action)
        sim = self.sim
        with sim.lock:
            m = sim.model
            s, c = m.state, self.cadre
            m.forced_actions[c] = action
            sim.step(1)
            if int(s.action[c]) != action:
                raise CadreSimError(f"the model ignored its 'forced_actions' hook: cadre {c} did "
                                    f"{ACTIONS[int(s.action[c])]}, not {ACTIONS[action]}")
            turn = self._read(m, action)
        self.turns.append(turn)
        return turn

    def _read(self, m, action: int) -> Turn:
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
        pos = np.flatnonzero(ev.case_idx == c)
        stages = ev.stages[pos[0]] if len(pos) else None
        sev = ev.sanction_severity[ev.sanction_idx == c]
        left = ("promoted" if c in ev.promoted else "removed" if c in ev.removed
                else "retired" if c in ev.retired else None)
        return Turn(
            month=int(m.steps), choice=action, record=rec, form=int(s.form[c]),
            detected=bool(ev.detected[c]), retro=bool(np.any(ev.retro_idx == c)),
            case_stages=int(stages.sum()) if stages is not None else None,
            tolerated=bool(stages[4]) if stages is not None else False,
            coupon=bool(stages[3] and not stages[4]) if stages is not None else False,
            sanction=int(sev.max()) if len(sev) else None, left=left,
            solved=float(ev.unit_counts["solved"][u]),
            problems_left=float(m.problems[u]), township_shares=shares,
        )

    # ------------------------------------------------------------- summaries
    def score(self) -> dict[str, float]:
        return {
            "score_months": len(self.turns),
            "score_successes": sum(t.record == REC_SUCCEEDED for t in self.turns),
            "score_sanctions": sum(t.sanction is not None for t in self.turns),
            "score_tolerated": sum(t.tolerated for t in self.turns),
            "score_promotions": sum(t.left == "promoted" for t in self.turns),
            "score_solved": float(sum(t.solved for t in self.turns)) if self.turns else float("nan"),
        }

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
