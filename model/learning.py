"""Belief updates and imitation: how blame avoidance spreads (S000-12, S000-18, S003-07).

Cadres learn the chance of detection and of tolerance from what they can see: their
own cases, every case in their own unit, and the cases that peer units (same parent)
*publicised*. Sanctions are publicised often, tolerated cases rarely (S003-07), so the
evidence is lopsided. Bad news is learnt faster than good news (negativity bias,
"birds startled by the bow", S000-12), and without evidence beliefs do not move, which
is why a loosening is slow to restore confidence.
"""

from __future__ import annotations

import numpy as np

from model.memo import ArrayMemo

# Weight of one publicised case from a peer unit relative to a case in one's own unit:
# second-hand news is weaker evidence than what happens next door.
PUBLIC_WEIGHT = 0.3


def group_sum(unit_values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each unit, the sum of ``unit_values`` (U,) over its sibling group (itself included)."""
    return group_sums(unit_values[None, :], group)[0]


def group_totals(rows: np.ndarray, group: np.ndarray) -> np.ndarray:
    """(k, U + 1) totals of each row of ``rows`` (k, U) per sibling group, in one
    ``np.bincount``: each bin adds its values in the same order as a bincount per row,
    so the sums are the same numbers, for one call instead of k."""
    k, n_units = rows.shape
    n = n_units + 1  # group ids run to n_units (the centre's own group)
    return np.bincount(_group_keys(group, k), rows.ravel(), minlength=k * n).reshape(k, n)


def _row_group_keys(group: np.ndarray, k: int) -> np.ndarray:
    """Bin of each entry of (k, U) rows in :func:`group_totals`: row r, group g -> r (U + 1) + g."""
    return (group + (len(group) + 1) * np.arange(k)[:, None]).ravel()


_group_keys = ArrayMemo(_row_group_keys)  # the tree is fixed: the same keys every month


def group_sums(rows: np.ndarray, group: np.ndarray) -> np.ndarray:
    """:func:`group_sum` of each row of ``rows`` (k, U)."""
    return group_totals(rows, group).take(group, axis=1)


def observed_rate(hits: np.ndarray, total: np.ndarray, pub_hits: np.ndarray,
                  pub_total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rate a unit's members observe: own-unit cases plus publicised peer cases.

    Returns (rate, has_evidence) per unit; rate is 0 where there is no evidence.
    """
    num = hits + PUBLIC_WEIGHT * pub_hits
    den = total + PUBLIC_WEIGHT * pub_total
    has = den > 0
    return np.where(has, num / np.where(has, den, 1.0), 0.0), has


def update(belief: np.ndarray, signal: np.ndarray, has_signal: np.ndarray | None, rate: float,
           negativity_bias: float, bad_when_higher: bool) -> np.ndarray:
    """Move beliefs toward the signal; bad news moves them ``negativity_bias`` times faster.

    ``has_signal`` None means every belief has a signal. Returns a new array.
    """
    # Arithmetic in the beliefs' own dtype: at national scale this runs over a million
    # cadres four times a month, and float64 temporaries double the memory traffic.
    dt = belief.dtype
    diff = np.subtract(signal, belief, dtype=dt)  # = signal cast to dt, minus belief
    # diff > 0 exactly when signal > belief (IEEE: x - y is 0 only if x == y).
    bad = diff > 0 if bad_when_higher else diff < 0
    step = np.where(bad, dt.type(min(rate * negativity_bias, 1.0)), dt.type(rate))
    # belief + step * diff, computed in place in diff: the same roundings, fewer temporaries.
    np.multiply(step, diff, out=diff)
    np.add(belief, diff, out=diff)
    if has_signal is not None:
        np.copyto(diff, belief, where=~has_signal)
    return diff


def observed_shares(unit_counts: np.ndarray, group: np.ndarray, parent: np.ndarray,
                    peer_weight: float) -> np.ndarray:
    """Action shares (U, 3) a unit's cadres saw last month among peers and superiors.

    Peers are all cadres of the sibling group (units with the same parent); the
    superior is the parent unit. The centre, without either, sees itself.
    """
    return shares_seen(unit_counts.T, group, superiors(parent), peer_weight).T


def superiors(parent: np.ndarray) -> np.ndarray:
    """The unit each unit looks up to: its parent; the centre sees itself."""
    return np.where(parent >= 0, parent, np.arange(len(parent)))


def shares_seen(counts: np.ndarray, group: np.ndarray, superior: np.ndarray,
                peer_weight: float) -> np.ndarray:
    """:func:`observed_shares` laid out (3, U), with the ``superiors`` computed beforehand.

    One row per action keeps every operation a long loop over units (a (U, 3) layout
    makes numpy loop three elements at a time). Shares are computed once per sibling
    group and per unit, then gathered: the same numbers as computing them per viewer.
    """
    counts = np.ascontiguousarray(counts)  # rows are read whole below: contiguous is faster

    def shares(c: np.ndarray) -> np.ndarray:
        tot = c[0] + c[1] + c[2]
        return c / np.where(tot > 0, tot, 1.0)

    peer = shares(group_totals(counts, group)).take(group, axis=1)
    sup = shares(counts).take(superior, axis=1)
    return peer_weight * peer + (1.0 - peer_weight) * sup
