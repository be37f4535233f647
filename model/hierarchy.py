"""The administrative hierarchy: central → province → city → county → township.

Units are stored level by level in arrays; a unit's children are contiguous, and so
are its cadres, which makes every per-unit and per-sibling-group aggregation a single
``np.bincount`` or ``np.add.reduceat``. Peer ties (units sharing a parent) are
implicit in ``parent`` and only materialised when exporting to networkx.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from model.errors import CadreSimError

LEVELS: tuple[str, ...] = ("central", "province", "city", "county", "township")
LEVELS_ZH: tuple[str, ...] = ("中央", "省", "市", "县", "乡镇")
N_LEVELS = len(LEVELS)


class HierarchyError(CadreSimError):
    """A hierarchy preset or custom branching that cannot be built."""


@dataclass(frozen=True)
class HierarchySpec:
    """Units per level, how they branch, and leaders / ordinary cadres per unit."""

    counts: tuple[int, int, int, int, int]
    leaders: tuple[int, int, int, int, int]
    staff: tuple[int, int, int, int, int]
    irregular: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        for name in ("counts", "leaders", "staff"):
            v = getattr(self, name)
            if len(v) != N_LEVELS or any(int(x) != x for x in v):
                raise HierarchyError(f"hierarchy '{name}' = {v!r}: need {N_LEVELS} integers")
        if self.counts[0] != 1:
            raise HierarchyError(f"hierarchy 'counts' = {self.counts!r}: exactly 1 central unit")
        for lv in range(1, N_LEVELS):
            if self.counts[lv] < self.counts[lv - 1]:
                raise HierarchyError(
                    f"hierarchy 'counts' = {self.counts!r}: each level needs at least as many "
                    f"units as the one above ({LEVELS[lv]} < {LEVELS[lv - 1]})"
                )
        if any(x < 1 for x in self.leaders) or any(x < 0 for x in self.staff):
            raise HierarchyError("hierarchy: every unit needs >= 1 leader and >= 0 staff")

    @property
    def n_units(self) -> int:
        return sum(self.counts)

    @property
    def n_cadres(self) -> int:
        return sum(
            c * (a + b) for c, a, b in zip(self.counts, self.leaders, self.staff, strict=True)
        )


PRESETS: dict[str, HierarchySpec] = {
    "classroom": HierarchySpec(
        counts=(1, 2, 4, 8, 24),
        leaders=(2, 2, 1, 1, 1),
        staff=(4, 3, 4, 4, 4),
        description="39 units, 196 cadres: small enough to draw in class",
    ),
    "province": HierarchySpec(
        counts=(1, 1, 13, 100, 1300),
        leaders=(10, 10, 8, 6, 4),
        staff=(90, 70, 52, 34, 20),
        irregular=True,
        description="one province: 13 cities, ~100 counties, ~1,300 townships",
    ),
    "national": HierarchySpec(
        counts=(1, 31, 333, 2840, 38600),
        leaders=(10, 10, 8, 6, 4),
        staff=(90, 70, 52, 34, 20),
        irregular=True,
        description="real counts: 31 provinces, 333 prefectures, 2,840 counties, 38,600 townships",
    ),
}


def custom_spec(branching: tuple[int, ...] | list[int], base: str = "classroom") -> HierarchySpec:
    """Uniform tree with ``branching[k]`` children per unit at level ``k``."""
    try:
        values = tuple(branching)
    except TypeError:  # branching=5
        values = ()
    if len(values) != N_LEVELS - 1 or not all(
        isinstance(b, (int, np.integer)) and not isinstance(b, bool) and b >= 1 for b in values
    ):
        raise HierarchyError(
            f"branching = {branching!r}: need {N_LEVELS - 1} integers >= 1 "
            "(children per central, province, city and county unit)"
        )
    branching = values
    counts = [1]
    for b in branching:
        counts.append(counts[-1] * int(b))
    ref = PRESETS[base]
    return HierarchySpec(
        tuple(counts), ref.leaders, ref.staff, False, f"custom branching {tuple(branching)}"
    )


def get_spec(preset: str | HierarchySpec) -> HierarchySpec:
    if isinstance(preset, HierarchySpec):
        return preset
    if preset not in PRESETS:
        raise HierarchyError(
            f"unknown preset '{preset}': allowed are {', '.join(PRESETS)} "
            "(or custom branching, e.g. --branching 2,3,4,5)"
        )
    return PRESETS[preset]


def _allocate(
    n_parents: int, n_children: int, irregular: bool, rng: np.random.Generator
) -> np.ndarray:
    """Children per parent, each >= 1, summing exactly to ``n_children``."""
    extra = n_children - n_parents
    if irregular:
        # Dirichlet weights give the uneven spans of real jurisdictions.
        w = rng.dirichlet(np.full(n_parents, 2.0))
        return 1 + rng.multinomial(extra, w)
    base, rem = divmod(n_children, n_parents)
    out = np.full(n_parents, base, dtype=np.int64)
    out[:rem] += 1
    return out


@dataclass
class Hierarchy:
    """Array form of the unit tree; see module docstring."""

    spec: HierarchySpec
    level: np.ndarray  # (U,) int8
    parent: np.ndarray  # (U,) int64, -1 for the centre
    child_start: np.ndarray  # (U,) first child index
    n_children: np.ndarray  # (U,)
    n_leaders: np.ndarray  # (U,)
    n_cadres: np.ndarray  # (U,)
    cadre_start: np.ndarray  # (U,) first cadre index
    # Sibling group id = parent; the centre, which has no siblings, gets its own id
    # (n_units) so that it is not counted among the provinces' peers.
    group: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.group = np.where(self.parent >= 0, self.parent, self.n_units)

    @property
    def n_units(self) -> int:
        return len(self.level)

    @property
    def total_cadres(self) -> int:
        return int(self.n_cadres.sum())

    @functools.cached_property
    def descendants(self) -> tuple[np.ndarray, np.ndarray]:
        """(first cadre, number of cadres) of each unit's descendants at each level,
        arrays (U, levels); zero counts at its own level and above.

        A unit's descendants at any level are contiguous (children are contiguous and
        units are stored level by level), so one range per level describes them.
        """
        U = self.n_units
        start = np.zeros((U, N_LEVELS), dtype=np.int64)
        count = np.zeros((U, N_LEVELS), dtype=np.int64)
        for lv in range(N_LEVELS - 2, -1, -1):  # bottom-up: children first
            units = self.units_at(lv)
            first = self.child_start[units]
            start[units, lv + 1] = self.cadre_start[first]
            count[units, lv + 1] = _range_sums(self.n_cadres, first, self.n_children[units])
            for deeper in range(lv + 2, N_LEVELS):
                start[units, deeper] = start[first, deeper]
                count[units, deeper] = _range_sums(count[:, deeper], first, self.n_children[units])
        return start, count

    def units_at(self, level: int) -> np.ndarray:
        return np.flatnonzero(self.level == level)

    @functools.cached_property
    def level_units(self) -> list[np.ndarray]:
        """The units of each level, centre first: the tree is fixed, so found once."""
        return [self.units_at(lv) for lv in range(N_LEVELS)]

    def children(self, u: int) -> np.ndarray:
        return np.arange(self.child_start[u], self.child_start[u] + self.n_children[u])

    def cadres_of(self, u: int) -> np.ndarray:
        return np.arange(self.cadre_start[u], self.cadre_start[u] + self.n_cadres[u])

    def unit_name(self, u: int) -> str:
        lv = int(self.level[u])
        first = int(np.flatnonzero(self.level == lv)[0])
        return f"{LEVELS[lv]}-{u - first}"

    def to_networkx(self, peers: bool = True) -> nx.Graph:
        """Units as nodes; edges of kind 'tree' (superior–subordinate) and 'peer'."""
        g = nx.Graph()
        for u in range(self.n_units):
            lv = int(self.level[u])
            g.add_node(
                u,
                level=LEVELS[lv],
                level_index=lv,
                name=self.unit_name(u),
                n_cadres=int(self.n_cadres[u]),
            )
        for u in range(1, self.n_units):
            g.add_edge(int(self.parent[u]), u, kind="tree")
        if peers:
            for u in range(self.n_units):
                kids = self.children(u)
                for i, a in enumerate(kids):
                    for b in kids[i + 1 :]:
                        g.add_edge(int(a), int(b), kind="peer")
        return g


def _range_sums(values: np.ndarray, first: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Sums of ``values[first[i] : first[i] + length[i]]`` (every length >= 1)."""
    c = np.concatenate([[0], np.cumsum(values)])
    return c[first + length] - c[first]


def build(spec: HierarchySpec, rng: np.random.Generator) -> Hierarchy:
    """Build the unit tree level by level."""
    counts = spec.counts
    level = np.concatenate([np.full(c, lv, dtype=np.int8) for lv, c in enumerate(counts)])
    U = len(level)
    parent = np.full(U, -1, dtype=np.int64)
    child_start = np.zeros(U, dtype=np.int64)
    n_children = np.zeros(U, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    for lv in range(N_LEVELS - 1):
        p0, p1 = offsets[lv], offsets[lv + 1]
        k = _allocate(counts[lv], counts[lv + 1], spec.irregular, rng)
        n_children[p0:p1] = k
        starts = p1 + np.concatenate([[0], np.cumsum(k)[:-1]])
        child_start[p0:p1] = starts
        parent[p1 : offsets[lv + 2]] = np.repeat(np.arange(p0, p1), k)
    n_leaders = np.asarray(spec.leaders, dtype=np.int64)[level]
    n_cadres = n_leaders + np.asarray(spec.staff, dtype=np.int64)[level]
    cadre_start = np.concatenate([[0], np.cumsum(n_cadres)[:-1]])
    return Hierarchy(spec, level, parent, child_start, n_children, n_leaders, n_cadres, cadre_start)
