"""Problems, experimentation, escalation upward and renewal of the cadre body.

Local problems arrive in every unit, are solved by routine work and by successful
innovations (S000-01), can be passed down to a subordinate unit together with extra
load (S000-14/16), and, when a unit's stock exceeds its threshold, escalate to the
superior unit: risks move upward when the grassroots stop trying (S000-19). A
successful innovation the upper level absorbs solves a problem in every sibling unit:
this is the value of policy experimentation (S000-01/03).
"""

from __future__ import annotations

import numpy as np

from model.hierarchy import Hierarchy
from model.learning import count_sums
from model.memo import ArrayMemo


def random_child(h: Hierarchy, units: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A uniformly chosen subordinate unit of each unit in ``units`` (all must have one)."""
    return h.child_start[units] + (u * h.n_children[units]).astype(np.int64)


def absorbed_diffusion(absorbed: np.ndarray, h: Hierarchy) -> np.ndarray:
    """Problems solved in each unit by innovations its siblings had absorbed upward."""
    return count_sums(absorbed.astype(float), h.group) - absorbed


def _superior_bins(parent: np.ndarray) -> np.ndarray:
    """Bin of each unit's flow upward: its parent (the centre's own, which is zero)."""
    return np.maximum(parent, 0)


superior_bins = ArrayMemo(_superior_bins)  # the tree is fixed


def escalate(
    stock: np.ndarray, h: Hierarchy, threshold_per_cadre: float, rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Move ``rate`` of each unit's stock above its threshold to its superior.

    Returns (new stock, problems escalated out of each unit). The flow is the expected
    share of the excess (problems are counted in expectation, not rounded: any excess
    escalates). The centre keeps its stock: there is no one above to pass it to.
    """
    excess = np.maximum(stock - threshold_per_cadre * h.n_cadres, 0.0)
    out = rate * excess
    out[h.parent < 0] = 0.0
    new = stock - out
    new += np.bincount(superior_bins(h.parent), out, minlength=h.n_units)
    return np.maximum(new, 0.0), out  # rounding of stock - rate * excess only
