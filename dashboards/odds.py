"""The odds a cadre would know this month, for the "play as a cadre" game.

A cadre knows its workload and so its free attention, and from it the chance that an
innovation works; it knows roughly how often one-veto targets are missed; it does not
know the true chance of detection or tolerance, only its beliefs — the game shows both.

The numbers come from the model's own rule functions (:mod:`model.decision`,
:mod:`model.tolerance`) applied to the parameters in force; nothing is restated. If a
model version offers ``model.cadre_odds(cadre)`` (a dict with the fields of
:class:`Odds`), that is used instead, so the game follows the model's rules when the
regime in force differs by unit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from model.hierarchy import N_LEVELS


@dataclass(frozen=True)
class Odds:
    budget: float          # attention budget (cadre-months) with the resources in force
    routine: float         # routine work (cadre-months), times the leader's duty
    paperwork: float       # meetings, documents, forms and ledgers, times the duty
    targets: float         # one-veto targets at the cadre's level (inflated, amplified)
    per_target: float      # attention each target takes, times the duty
    duty: float            # leader's duty multiplier (1 for staff)
    passed_down: float     # load passed down from above last month, per cadre
    free: float            # attention left for anything else
    needed: float          # attention an innovation needs for its full chance
    full_success: float    # chance an innovation succeeds with enough attention
    success: float         # chance it succeeds with the attention left
    irregular: float       # chance routine work misses at least one one-veto target
    channels: int          # overlapping supervision channels
    detect: float          # chance a misstep is noticed by at least one channel
    omission: float        # chance inaction is noticed
    retro: float           # chance a cadre's record is re-read by retroactive review this month
    lookback: int          # months a review reads back
    tolerated_if_apply: float  # chance a detected good-faith error ends tolerated if you apply
    apply_passes: float    # chance an application is filed (the provision and the standards allow it)
    stage_chances: tuple[float, ...]  # pass chance of each stage of the procedure (ordinary case)
    believed_detect: float
    believed_tolerance: float


def odds_for(model, cadre: int) -> Odds | None:
    """The odds of ``cadre`` for the coming month (None if the model cannot tell)."""
    own = getattr(model, "cadre_odds", None)
    if callable(own):
        values = own(int(cadre))
        return Odds(**{f.name: values[f.name] for f in fields(Odds)})
    try:
        return _from_rules(model, int(cadre))
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _from_rules(model, c: int) -> Odds:
    from model import decision, tolerance

    p, s, h = model.p, model.state, model.hierarchy
    level, leader, unit = int(s.level[c]), bool(s.leader[c]), int(s.unit[c])
    lv, ld = np.array([level]), np.array([leader])
    veto = decision.effective_veto_targets(p, N_LEVELS)
    standing = decision.standing_demand(p, veto, lv, ld)
    inbox = float(model.inbox[unit] / h.n_cadres[unit])
    free, overload = decision.attention(p, standing, np.array([inbox]))
    rate, targets = decision.irregularity_factors(p, veto, lv, ld)
    duty = float(p["leader_duty"]) if leader else 1.0
    stages = tolerance.stage_probabilities(p, np.array([1.0]), np.array([False]))[0]
    return Odds(
        budget=float(p["attention_budget"] * p["resources"]),
        routine=float(p["routine_load"] * duty), paperwork=float(p["paperwork_load"] * duty),
        targets=float(veto[level]), per_target=float(p["veto_attention"] * duty), duty=duty,
        passed_down=inbox, free=float(free[0]), needed=float(p["innovation_attention"]),
        full_success=float(min(p["innovation_success"] * p["resources"], 1.0)),
        success=float(np.asarray(decision.success_probability(p, free))[0]),
        irregular=float(decision.irregularity_probability(rate, targets, overload)[0]),
        channels=int(p["supervision_channels"]),
        detect=float(decision.detection_probability(p["supervision"], p["supervision_channels"])),
        omission=float(decision.detection_probability(p["supervision"], p["supervision_channels"],
                                                      p["omission_visibility"])),
        retro=float(p["retroactive_risk"]), lookback=int(p["lookback"]),
        tolerated_if_apply=float(np.prod(stages)), apply_passes=float(stages[0]),
        stage_chances=tuple(float(x) for x in stages),
        believed_detect=float(s.belief_detect[c]), believed_tolerance=float(s.belief_tol[c]),
    )
