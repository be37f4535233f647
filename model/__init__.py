"""Cadre behaviour under accountability pressure: an agent-based model.

Public entry points: :class:`CadreModel`, the parameter schema in :mod:`model.params`,
the scenarios in :mod:`model.scenarios` and the hierarchy presets in :mod:`model.hierarchy`.
"""

from model.model import CadreModel
from model.params import LEVERS, SCHEMA, ParamError

__all__ = ["CadreModel", "LEVERS", "SCHEMA", "ParamError"]
