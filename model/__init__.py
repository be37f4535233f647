"""Cadre behaviour under accountability pressure: an agent-based model.

Public entry points: :class:`CadreModel`, the parameter schema in :mod:`model.params`,
the scenarios in :mod:`model.scenarios` and the hierarchy presets in :mod:`model.hierarchy`.
"""

from model.params import LEVERS, SCHEMA, ParamError

__all__ = ["CadreModel", "LEVERS", "SCHEMA", "ParamError"]


def __getattr__(name: str):
    # CadreModel pulls in mesa and pandas (~2 s); quick commands such as
    # `cadre-sim params` should not pay for it.
    if name == "CadreModel":
        from model.model import CadreModel

        return CadreModel
    raise AttributeError(f"module 'model' has no attribute {name!r}")
