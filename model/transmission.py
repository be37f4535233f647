"""The regime as each unit has adopted it: a change made at the centre travels down.

Policy (the parameters marked ``transmitted`` in the schema: supervision, targets,
retroactive review, sanctions, the tolerance provision, publicity) is issued by the
centre. A change becomes a new *version* of the regime; the centre adopts it the month
it is issued, and every other unit adopts the version its superior has adopted, after
a relay delay: documents are relayed by meetings, targets decomposed and signed, the
level's own supervision apparatus set up (S000-29: the strengthened supervision "moves
down through the bureaucratic hierarchy"; S000-29b: targets are handed down by meetings and
forwarded documents; S003-03c: provincial tolerance texts are followed by more detailed
city and county ones; city and county inspections, 巡察, were built two to four years
after the central tours). The sources give the order, not the months: the delay's
magnitude is an assumption. Each month a
unit whose superior adopted a newer version in an earlier month adopts it with
probability ``1 / relay_delay``: a geometric delay with mean ``relay_delay`` months per
level, so a change reaches a township after four delays on average, and some earlier
than others. A version that *lowers* the watch (supervision intensity x channels) is
relayed ``negativity_bias`` times more slowly: cadres whom high-pressure supervision made
"birds startled by the bow" put a loosening of the watch into practice reluctantly, for
the wind may turn again (S000-12b, S000-12c). A loosening of targets alone is relayed at
the ordinary pace; the targets it frees stay binding in each unit's eyes until a missed
one goes unpunished (``perceived_targets``, S000-12c). ``relay_delay = 0`` switches the mechanism off:
every level adopts in the month of issue.

Parameters that are not transmitted (cadres' psychology, the public, the tree's
dynamics) act everywhere at once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from model.hierarchy import Hierarchy
from model.params import TRANSMITTED

COLUMN = {name: k for k, name in enumerate(TRANSMITTED)}


class Transmission:
    """Versions of the centre's regime and the version every unit has adopted."""

    def __init__(self, p: Mapping[str, float], h: Hierarchy) -> None:
        self._h = h
        self.table = np.array([[float(p[n]) for n in TRANSMITTED]])  # (versions, K)
        self._last_values: tuple | None = None  # ``p``'s transmitted values at the last issue
        self.loosening = np.zeros(1, dtype=bool)  # per version: it lowers the watch
        self.adopted = np.zeros(h.n_units, dtype=np.int32)  # version per unit
        self.adopted_at = np.zeros(h.n_units, dtype=np.int32)  # month of adoption
        self._levels = h.level_units

    @property
    def latest(self) -> int:
        return len(self.table) - 1

    def issue(self, p: Mapping[str, float], t: int) -> bool:
        """The centre issues ``p``'s transmitted values if they differ from its latest
        version; the centre adopts at once. True if a new version was issued.

        perf: the same values as at the last call are the latest version (issued then,
        or equal to it), so most months end at one tuple comparison.
        """
        values = tuple(p[n] for n in TRANSMITTED)
        if values == self._last_values:
            return False
        self._last_values = values
        row = np.array([float(v) for v in values])
        if np.array_equal(row, self.table[-1]):
            return False
        watch = COLUMN["supervision"], COLUMN["supervision_channels"]
        lower = row[watch[0]] * row[watch[1]] < self.table[-1, watch[0]] * self.table[-1, watch[1]]
        self.table = np.vstack([self.table, row])
        self.loosening = np.append(self.loosening, lower)
        roots = self._levels[0]
        self.adopted[roots] = self.latest
        self.adopted_at[roots] = t
        return True

    def relay(
        self, relay_delay: float, negativity_bias: float, t: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Units below the centre adopt their superior's version; returns the units that
        adopted this month. Draws one uniform per lagging unit, level by level.

        perf: once every unit holds the latest version no unit lags and nothing is
        drawn, so the level-by-level search is skipped (the steady state of most runs).
        """
        if self.adopted.min() == self.latest:
            return np.zeros(0, dtype=np.int64)
        parent = self._h.parent
        adopted_now = []
        for units in self._levels[1:]:
            sup = parent[units]
            lag = self.adopted[units] < self.adopted[sup]
            if relay_delay > 0:  # a unit hears of a change the month after its superior
                lag &= self.adopted_at[sup] < t
            cand = units[lag]
            if len(cand) == 0:
                continue
            delay = relay_delay * np.where(
                self.loosening[self.adopted[parent[cand]]], negativity_bias, 1.0
            )
            q = np.where(delay > 0, 1.0 / np.maximum(delay, 1.0), 1.0)
            take = cand[rng.random(len(cand)) < q]
            self.adopted[take] = self.adopted[parent[take]]
            self.adopted_at[take] = t
            adopted_now.append(take)
        return np.concatenate(adopted_now) if adopted_now else np.zeros(0, dtype=np.int64)

    def values(self, version: np.ndarray | None = None) -> np.ndarray:
        """(U, K) transmitted values in force at every unit (or of the given versions)."""
        return self.table.take(self.adopted if version is None else version, axis=0)

    def value(self, name: str) -> np.ndarray:
        """(U,) values of one transmitted parameter in force at every unit."""
        return self.table[:, COLUMN[name]].take(self.adopted)
