"""Remembering what the step derives from arrays that never change during a run.

The unit tree (``Hierarchy.group``, ``Hierarchy.level``) and the cadres' levels are
fixed once a model is built, yet the step used to re-derive the same index arrays
from them every month: a few microseconds each, a visible share of a small model's step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np


class ArrayMemo:
    """``fn(array, *args)`` remembered by the array's identity (and ``args``).

    Only for arrays that are never written to after they are first passed. The
    entry keeps its array alive, so an id cannot be reused by another array while it is
    cached; only the last ``size`` entries are kept, so models that come and go in a
    sweep do not pile up. Models stepping in two threads (the dashboard's replicates
    beside its own run) share a memo: eviction and insertion hold a lock.
    """

    def __init__(self, fn: Callable[..., Any], size: int = 8) -> None:
        self._fn = fn
        self._size = size
        self._entries: dict[tuple, tuple[np.ndarray, Any]] = {}
        self._lock = threading.Lock()

    def __call__(self, array: np.ndarray, *args: Any) -> Any:
        key = (id(array), *args)
        hit = self._entries.get(key)
        if hit is not None and hit[0] is array:
            return hit[1]
        value = self._fn(array, *args)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False  # shared by every later call
        with self._lock:
            while len(self._entries) >= self._size:
                self._entries.pop(next(iter(self._entries)))  # the oldest
            self._entries[key] = (array, value)
        return value
