"""Cadre state as a struct of arrays; the Mesa agents are views onto it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.hierarchy import Hierarchy

# Action codes (per cadre, per month).
INNOVATE, ROUTINE, AVOID = 0, 1, 2
ACTIONS: tuple[str, ...] = ("innovate", "routine", "avoid")
ACTIONS_ZH: tuple[str, ...] = ("创新", "常规", "避责")
# Forms of avoidance (seed 000, S000-14/15).
NO_FORM, PASS_DOWN, SHARE, STALL = -1, 0, 1, 2
FORMS: tuple[str, ...] = ("pass_down", "share", "stall")
FORMS_ZH: tuple[str, ...] = ("向下推", "分担责任", "拒绝拖延")
# Record codes kept in the history ring: an innovation is stored with its outcome.
# A month's record is written as the action code with successes overwritten, so the
# first three record codes must equal the action codes.
REC_NONE, REC_FAILED, REC_ROUTINE, REC_AVOID, REC_SUCCEEDED = -1, INNOVATE, ROUTINE, AVOID, 3
RECORDS: dict[int, str] = {
    REC_NONE: "-", REC_FAILED: "innovate (failed)", REC_ROUTINE: "routine",
    REC_AVOID: "avoid", REC_SUCCEEDED: "innovate (succeeded)",
}
HISTORY_LEN = 36  # months kept: the longest allowed look-back window
NEVER = -(2**30)  # "month" of an event that has not happened

BELIEF_CONCENTRATION = 20.0  # Beta(prior*k, (1-prior)*k): newcomers' spread of beliefs
# Per-cadre reals are float32: the utility step is bound by memory traffic over a million
# cadres, and beliefs need no more than 7 significant digits.
REAL = np.float32


@dataclass
class CadreState:
    unit: np.ndarray          # (N,) int64 unit index
    level: np.ndarray         # (N,) int8
    leader: np.ndarray        # (N,) bool
    intrinsic: np.ndarray     # (N,) intrinsic motivation (utility units)
    belief_detect: np.ndarray  # (N,) believed detection probability
    belief_tol: np.ndarray    # (N,) believed tolerance probability
    action: np.ndarray        # (N,) int8, this month's choice
    form: np.ndarray          # (N,) int8, avoidance form or NO_FORM
    free_attention: np.ndarray  # (N,) after targets and paperwork
    blocked: np.ndarray       # (N,) int16 months left without promotion (after a sanction)
    tenure: np.ndarray        # (N,) int32 months in post
    sanctions: np.ndarray     # (N,) int32 sanctions received in post
    tolerated: np.ndarray     # (N,) int32 own cases tolerated in post
    last_case: np.ndarray     # (N,) int32 month an own good-faith case was last taken up
    last_applied: np.ndarray  # (N,) int32 month the cadre last applied for tolerance
    last_public: np.ndarray   # (N,) int32 month an own tolerated case was last publicised
    history: np.ndarray       # (HISTORY_LEN, N) int8 ring of record codes
    hist_pos: int = -1        # row of the latest month in ``history``

    @property
    def n(self) -> int:
        return len(self.unit)

    def recent_rows(self, months: int) -> np.ndarray:
        """Ring rows of the last ``months`` months (at most ``HISTORY_LEN``), most recent
        first; for ``history`` and for the model's per-unit logs kept in the same ring."""
        return (self.hist_pos - np.arange(min(months, HISTORY_LEN))) % HISTORY_LEN

    def recent(self, months: int) -> np.ndarray:
        """Records of the last ``months`` months, most recent first."""
        return self.history[self.recent_rows(months)]


def count_by(labels: np.ndarray, n_labels: int, *cadre_sets: np.ndarray) -> np.ndarray:
    """(sets, n_labels) float counts of the cadres in each index array by their label
    (unit, level, ...), in one ``np.bincount``.

    The same exact integer counts as one bincount per set, for a fraction of the calls:
    at 10k cadres the sets are small and numpy's per-call cost dominates.
    """
    offsets = (np.arange(len(cadre_sets)) * n_labels).repeat([len(c) for c in cadre_sets])
    keys = labels[np.concatenate(cadre_sets)] + offsets
    counts = np.bincount(keys, minlength=len(cadre_sets) * n_labels)
    return counts.reshape(len(cadre_sets), n_labels).astype(float)


def draw_beliefs(prior: float, n: int, rng: np.random.Generator) -> np.ndarray:
    a = max(prior * BELIEF_CONCENTRATION, 1e-6)
    b = max((1.0 - prior) * BELIEF_CONCENTRATION, 1e-6)
    return rng.beta(a, b, size=n).astype(REAL)


def init_state(h: Hierarchy, p: dict, rng: np.random.Generator) -> CadreState:
    n = h.total_cadres
    unit = np.repeat(np.arange(h.n_units), h.n_cadres)
    # The first n_leaders cadres of each unit are its leaders.
    rank = np.arange(n) - np.repeat(h.cadre_start, h.n_cadres)
    leader = rank < np.repeat(h.n_leaders, h.n_cadres)
    return CadreState(
        unit=unit,
        level=h.level[unit],
        leader=leader,
        intrinsic=(rng.exponential(1.0, n) * p["intrinsic_motivation"]).astype(REAL),
        belief_detect=draw_beliefs(p["prior_detection"], n, rng),
        belief_tol=draw_beliefs(p["prior_tolerance"], n, rng),
        action=np.full(n, ROUTINE, dtype=np.int8),
        form=np.full(n, NO_FORM, dtype=np.int8),
        free_attention=np.zeros(n, dtype=REAL),
        blocked=np.zeros(n, dtype=np.int16),
        tenure=np.zeros(n, dtype=np.int32),
        sanctions=np.zeros(n, dtype=np.int32),
        tolerated=np.zeros(n, dtype=np.int32),
        last_case=np.full(n, NEVER, dtype=np.int32),
        last_applied=np.full(n, NEVER, dtype=np.int32),
        last_public=np.full(n, NEVER, dtype=np.int32),
        history=np.full((HISTORY_LEN, n), REC_NONE, dtype=np.int8),
    )


def replace_cadres(s: CadreState, idx: np.ndarray, p: dict, rng: np.random.Generator) -> None:
    """Newcomers take the posts ``idx``: fresh beliefs, motivation and record."""
    k = len(idx)
    if k == 0:
        return
    s.intrinsic[idx] = rng.exponential(1.0, k) * p["intrinsic_motivation"]
    s.belief_detect[idx] = draw_beliefs(p["prior_detection"], k, rng)
    s.belief_tol[idx] = draw_beliefs(p["prior_tolerance"], k, rng)
    s.blocked[idx] = 0
    s.tenure[idx] = 0
    s.sanctions[idx] = 0
    s.tolerated[idx] = 0
    s.last_case[idx] = NEVER
    s.last_applied[idx] = NEVER
    s.last_public[idx] = NEVER
    s.history[:, idx] = REC_NONE
