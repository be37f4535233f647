"""What a unit sees of its peers and superiors: circulated cases and imitation (S000-18).

Units learn from peer units (same parent) through circulated cases (通报, weighted
``PUBLIC_WEIGHT`` against a case of their own; the rules are in :mod:`model.beliefs`),
and cadres imitate what their peers and their superior unit did last month. Sums over
sibling groups are one ``np.bincount`` over the fixed tree.
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


def count_sums(rows: np.ndarray, group: np.ndarray) -> np.ndarray:
    """:func:`group_sums` of float rows of counts (whole numbers), or of one such row.

    perf: sums of whole numbers are exact in any order of addition, so a sibling
    group's total is one ``reduceat`` over its contiguous block of units (siblings are
    stored together), spread back with ``repeat``: the same numbers as ``group_sums``
    for about half the time. Falls back to ``group_sums`` if a group is split.
    """
    blocks = _blocks(group)
    if blocks is None:
        return group_sums(np.atleast_2d(rows), group).reshape(np.shape(rows))
    starts, sizes = blocks
    return np.add.reduceat(rows, starts, axis=-1).repeat(sizes, axis=-1)


def _sibling_blocks(group: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Start and size of each run of units with the same ``group``; None if a group has
    more than one run."""
    starts = np.concatenate([[0], np.flatnonzero(group[1:] != group[:-1]) + 1])
    if len(np.unique(group[starts])) != len(starts):
        return None
    sizes = np.diff(np.append(starts, len(group)))
    starts.flags.writeable = sizes.flags.writeable = False  # shared by every later call
    return starts, sizes


_blocks = ArrayMemo(_sibling_blocks)  # the tree is fixed: the same blocks every month


def _distinct_superiors(superior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The units that are a superior, and each unit's superior's position among them."""
    units, pos = np.unique(superior, return_inverse=True)
    units.flags.writeable = pos.flags.writeable = False  # shared by every later call
    return units, pos


_superiors_of = ArrayMemo(_distinct_superiors)  # the tree is fixed: the same every month


def observed_shares(
    unit_counts: np.ndarray, group: np.ndarray, parent: np.ndarray, peer_weight: float
) -> np.ndarray:
    """Action shares (U, 3) a unit's cadres saw last month among peers and superiors.

    Peers are all cadres of the sibling group (units with the same parent); the
    superior is the parent unit. The centre, without either, sees itself.
    """
    return shares_seen(unit_counts.T, group, superiors(parent), peer_weight).T


def superiors(parent: np.ndarray) -> np.ndarray:
    """The unit each unit looks up to: its parent; the centre sees itself."""
    return np.where(parent >= 0, parent, np.arange(len(parent)))


def shares_seen(
    counts: np.ndarray, group: np.ndarray, superior: np.ndarray, peer_weight: float
) -> np.ndarray:
    """:func:`observed_shares` laid out (3, U), with the ``superiors`` computed beforehand.

    One row per action keeps every operation a long loop over units (a (U, 3) layout
    makes numpy loop three elements at a time). Shares are computed once per sibling
    group and per unit, then gathered: the same numbers as computing them per viewer.

    perf: the peers' totals are counts, summed per contiguous sibling block as in
    :func:`count_sums`; their shares are computed per group and spread with ``repeat``.
    The superiors' shares are computed only for the units that are someone's superior
    (a tenth of the units: those with subordinates, and the centre), then gathered; the
    mix is written in place (its products and sum commute exactly).
    """
    counts = np.ascontiguousarray(counts)  # rows are read whole below: contiguous is faster

    def shares(c: np.ndarray) -> np.ndarray:
        tot = c[0] + c[1] + c[2]
        return c / np.where(tot > 0, tot, 1.0)

    blocks = _blocks(group)
    if blocks is None:
        peer = shares(group_totals(counts, group)).take(group, axis=1)
    else:
        starts, sizes = blocks
        peer = shares(np.add.reduceat(counts, starts, axis=1)).repeat(sizes, axis=1)
    sup_units, sup_pos = _superiors_of(superior)
    sup = shares(counts.take(sup_units, axis=1)).take(sup_pos, axis=1)
    peer *= peer_weight
    sup *= 1.0 - peer_weight
    peer += sup
    return peer
