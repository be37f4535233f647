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
    REC_NONE: "-",
    REC_FAILED: "innovate (failed)",
    REC_ROUTINE: "routine",
    REC_AVOID: "avoid",
    REC_SUCCEEDED: "innovate (succeeded)",
}
# An act that has been the subject of a case (detected when it happened, or caught by a
# retroactive review) carries this bit: it is never judged again. REC_NONE (-1) has every
# bit set, so "code & JUDGED" is meaningful only for recorded acts (code >= 0).
JUDGED = np.int8(8)
MAX_LOOKBACK = 36  # the longest allowed look-back window (params: lookback)
HISTORY_LEN = MAX_LOOKBACK + 1  # this month's row plus MAX_LOOKBACK past months
NEVER = -(2**30)  # "month" of an event that has not happened

BELIEF_CONCENTRATION = 20.0  # Beta(mean*k, (1-mean)*k): spread of beliefs around their mean
# Per-cadre reals are float32: the utility step is bound by memory traffic over a million
# cadres, and beliefs need no more than 7 significant digits.
REAL = np.float32
# The beliefs every cadre holds (model.beliefs), in this order wherever they are stacked.
BELIEFS: tuple[str, ...] = ("detect", "omit", "retro", "severity", "tol")


@dataclass
class CadreState:
    unit: np.ndarray  # (N,) int64 unit index
    level: np.ndarray  # (N,) int8
    leader: np.ndarray  # (N,) bool
    intrinsic: np.ndarray  # (N,) intrinsic motivation (utility units)
    # (len(BELIEFS), N) beliefs (model.beliefs), one row per name in BELIEFS: the chance
    # that a misstep becomes one's case, that a month of inaction does, that review
    # catches an open innovation in a month (and it stays one's case); the weight of a moderate sanction (utility
    # units); the chance that an eligible case is tolerated. Rows are also named below.
    belief: np.ndarray
    action: np.ndarray  # (N,) int8, this month's choice
    form: np.ndarray  # (N,) int8, avoidance form or NO_FORM
    free_attention: np.ndarray  # (N,) after targets and paperwork
    blocked: np.ndarray  # (N,) int16 months left without promotion (after a sanction)
    tenure: np.ndarray  # (N,) int32 months in post
    sanctions: np.ndarray  # (N,) int32 sanctions received in post
    tolerated: np.ndarray  # (N,) int32 own cases tolerated in post
    last_case: np.ndarray  # (N,) int32 month an own good-faith case was last taken up
    last_applied: np.ndarray  # (N,) int32 month the cadre last applied for tolerance
    last_public: np.ndarray  # (N,) int32 month an own tolerated case was last publicised
    history: np.ndarray  # (HISTORY_LEN, N) int8 ring of record codes
    hist_pos: int = -1  # row of the latest month in ``history``

    @property
    def n(self) -> int:
        return len(self.unit)

    def recent_rows(self, months: int) -> np.ndarray:
        """Ring rows of the last ``months`` months (at most ``HISTORY_LEN``), most recent
        first; for ``history`` and for the model's per-unit logs kept in the same ring."""
        return (self.hist_pos - np.arange(min(months, HISTORY_LEN))) % HISTORY_LEN

    def recent(self, months: int) -> np.ndarray:
        """Records of the last ``months`` months, most recent first (judged or not)."""
        rec = self.history[self.recent_rows(months)]
        return np.where(rec >= 0, rec & ~JUDGED, rec)

    # Named views of the rows of ``belief`` (writing to one writes into ``belief``).
    belief_detect = property(lambda self: self.belief[0], lambda self, v: self._put(0, v))
    belief_omit = property(lambda self: self.belief[1], lambda self, v: self._put(1, v))
    belief_retro = property(lambda self: self.belief[2], lambda self, v: self._put(2, v))
    belief_sev = property(lambda self: self.belief[3], lambda self, v: self._put(3, v))
    belief_tol = property(lambda self: self.belief[4], lambda self, v: self._put(4, v))

    def _put(self, row: int, values: np.ndarray) -> None:
        self.belief[row] = values


def run_starts(sorted_values: np.ndarray) -> np.ndarray:
    """Mask of the first element of each run of equal values in a sorted array: where
    ``np.unique``'s distinct values sit, without its machinery (~15 µs a call)."""
    first = np.empty(len(sorted_values), dtype=bool)
    first[:1] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    return first


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


def init_state(h: Hierarchy, p: dict, rng: np.random.Generator) -> CadreState:
    """Cadres in post at the start. Beliefs are zero here: the model settles them on
    the starting regime (``model.beliefs.settled``)."""
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
        belief=np.zeros((len(BELIEFS), n), dtype=REAL),
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
    """Newcomers take the posts ``idx``: fresh motivation and record, no case dates.
    (Their beliefs come from their unit: ``model.beliefs.socialise``.)"""
    k = len(idx)
    if k == 0:
        return
    s.intrinsic[idx] = rng.exponential(1.0, k) * p["intrinsic_motivation"]
    s.blocked[idx] = 0
    s.tenure[idx] = 0
    s.sanctions[idx] = 0
    s.tolerated[idx] = 0
    s.last_case[idx] = NEVER
    s.last_applied[idx] = NEVER
    s.last_public[idx] = NEVER
    s.history[:, idx] = REC_NONE
