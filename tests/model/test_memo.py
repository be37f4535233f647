"""Values the step keeps between months must follow the parameters and the arrays they
were derived from: a stale cache would silently change every later month."""

from __future__ import annotations

import numpy as np
import pytest

from model.memo import ArrayMemo
from model.model import CadreModel


def test_array_memo_is_keyed_by_the_array_itself_not_its_contents() -> None:
    calls = []

    def double(a: np.ndarray) -> np.ndarray:
        calls.append(1)
        return a * 2

    memo = ArrayMemo(double, size=2)
    a, b = np.arange(3), np.arange(3)
    assert memo(a) is memo(a) and len(calls) == 1
    np.testing.assert_array_equal(memo(b), [0, 2, 4])
    assert len(calls) == 2  # an equal but different array is recomputed
    with pytest.raises(ValueError):
        memo(a)[0] = 5  # shared results are read-only
    memo(np.arange(4))  # a third array evicts the oldest (a)
    memo(a)
    assert len(calls) == 4


def test_parameters_written_between_months_take_effect_like_a_schedule() -> None:
    """The dashboard writes to ``model.p`` between steps; the cached per-parameter
    quantities must be remade exactly as a scheduled change would make them."""
    scheduled = CadreModel(
        rng=4, agents=False, schedule=[(5, {"supervision": 0.009, "one_veto_targets": 12})]
    )
    written = CadreModel(rng=4, agents=False)
    written.run(4)  # a change scheduled for month 5 is in force from the 5th step on
    written.p.update(supervision=0.009, one_veto_targets=12)
    scheduled.run(12)
    written.run(8)
    np.testing.assert_array_equal(written.history_array(), scheduled.history_array())
    untouched = CadreModel(rng=4, agents=False).run(12)
    assert not np.array_equal(untouched.history_array(), scheduled.history_array())
