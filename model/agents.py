"""Mesa agents as views onto the model's cadre arrays.

A :class:`CadreAgent` stores only its row index; every attribute reads the model's
:class:`~model.state.CadreState`, so inspecting an agent always shows the current
state and the vectorised step never has to sync objects. (Mesa 3.5's experimental
``NumpyAgentDataSet`` copies agent-owned values into an array; here the arrays are the
state and the agents are the views, which is the direction the step needs.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from model.hierarchy import LEVELS
from model.state import ACTIONS, FORMS, RECORDS

if TYPE_CHECKING:
    from model.model import CadreModel


class CadreAgent(mesa.Agent):
    """One cadre (干部): a leader or ordinary cadre of one unit."""

    def __init__(self, model: CadreModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _s(self):
        return self.model.state

    @property
    def unit(self) -> int:
        return int(self._s.unit[self.index])

    @property
    def level(self) -> str:
        return LEVELS[int(self._s.level[self.index])]

    @property
    def is_leader(self) -> bool:
        return bool(self._s.leader[self.index])

    @property
    def action(self) -> str:
        return ACTIONS[int(self._s.action[self.index])]

    @property
    def avoid_form(self) -> str | None:
        f = int(self._s.form[self.index])
        return FORMS[f] if f >= 0 else None

    @property
    def believed_tolerance(self) -> float:
        return float(self._s.belief_tol[self.index])

    @property
    def believed_detection(self) -> float:
        return float(self._s.belief_detect[self.index])

    @property
    def intrinsic_motivation(self) -> float:
        return float(self._s.intrinsic[self.index])

    @property
    def free_attention(self) -> float:
        return float(self._s.free_attention[self.index])

    @property
    def sanctions(self) -> int:
        return int(self._s.sanctions[self.index])

    @property
    def tenure(self) -> int:
        return int(self._s.tenure[self.index])

    def history(self, months: int = 12) -> list[str]:
        """Record of the last ``months`` months in this post, oldest first."""
        rec = self._s.recent(months)[:, self.index][::-1]
        return [RECORDS[int(r)] for r in rec if r >= 0]

    def as_dict(self) -> dict:
        return {
            "id": self.unique_id,
            "index": self.index,
            "unit": self.unit,
            "level": self.level,
            "leader": self.is_leader,
            "action": self.action,
            "avoid_form": self.avoid_form,
            "believed_tolerance": self.believed_tolerance,
            "believed_detection": self.believed_detection,
            "free_attention": self.free_attention,
            "sanctions": self.sanctions,
            "tenure": self.tenure,
        }
