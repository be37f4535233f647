"""The odds a cadre would know this month, for the "play as a cadre" game.

A cadre knows its workload and so its free attention, and from it the chance that an
innovation works; it knows roughly how often one-veto targets are missed; it does not
know the true chance of detection or tolerance, only its beliefs — the game shows both.

The numbers are the model's own (:meth:`model.CadreModel.cadre_odds`): the regime in
force at the cadre's unit, which differs from unit to unit while a change travels down
the hierarchy. Nothing is restated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from model.hierarchy import N_LEVELS


@dataclass(frozen=True)
class Odds:
    budget: float  # attention budget (cadre-months) with the resources in force
    routine: float  # routine work (cadre-months), times the leader's duty
    paperwork: float  # meetings, documents, forms and ledgers, times the duty
    targets: float  # one-veto targets the cadre's unit treats as binding
    per_target: float  # attention each target takes, times the duty
    duty: float  # leader's duty multiplier (1 for staff)
    passed_down: float  # load passed down from above last month, per cadre
    free: float  # attention left for anything else
    needed: float  # attention an innovation needs for its full chance
    full_success: float  # chance an innovation succeeds with enough attention
    success: float  # chance it succeeds with the attention left
    irregular: float  # chance routine work misses at least one binding target
    channels: int  # supervision channels of the regime in force at the unit
    detect: float  # chance a misstep is noticed by the levels watching the unit
    omission: float  # chance a month of inaction is noticed
    retro: float  # chance a cadre's record is re-read by retroactive review this month
    lookback: int  # months a review reads back
    judge_innov: float  # chance a review finds an open (unjudged) innovation irregular
    judge_routine: float  # ... an open routine act
    tolerated_if_apply: float  # chance a covered case ends tolerated if the cadre applies
    apply_passes: float  # chance stage 1 passes when the cadre is left to decide (clarity, belief)
    stage_chances: tuple[float, ...]  # pass chance of each stage of the procedure (ordinary case)
    believed_detect: float
    believed_tolerance: float
    eligible: Mapping[str, float]  # the provision's reach: chance a case of each kind is covered
    shift: float  # chance a case of the cadre's unit is pushed down (0 at the townships)


def odds_for(model, cadre: int) -> Odds:
    """The odds of ``cadre`` for the coming month, from the model's rules."""
    values = model.cadre_odds(int(cadre))
    return Odds(**{f.name: values[f.name] for f in fields(Odds)})


def watching_levels(level: int) -> int:
    """How many levels watch a unit of ``level``: its own and every level above."""
    if not 0 <= level < N_LEVELS:
        raise ValueError(f"level = {level}: allowed is 0..{N_LEVELS - 1}")
    return level + 1
