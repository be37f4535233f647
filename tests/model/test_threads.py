"""The threaded decision rule gives the same run as the single-threaded one."""

from __future__ import annotations

import numpy as np
import pytest

from model import CadreModel, decision, threads
from model.errors import CadreSimError


def _run(monkeypatch: pytest.MonkeyPatch, n_threads: int, chunk: int) -> np.ndarray:
    monkeypatch.setenv(threads.ENV, str(n_threads))
    monkeypatch.setattr(threads, "MIN_CADRES", 0)  # thread even a small model
    monkeypatch.setattr(decision, "CHUNK", chunk)  # many chunks, so threads interleave
    m = CadreModel(
        scenario="tightening_then_loosening", branching=(3, 3, 4, 5), rng=11, agents=False
    )
    m.run(30)
    return m.history_array()


def test_threads_and_chunks_do_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    one = _run(monkeypatch, 1, 1 << 16)
    assert threads.pool_for(10**6) is None
    many = _run(monkeypatch, 2, 97)
    assert threads.pool_for(10**6) is not None
    np.testing.assert_array_equal(one, many)


@pytest.mark.parametrize("text", ["0", "two", "-1"])
def test_bad_thread_count_is_named(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(threads.ENV, text)
    with pytest.raises(CadreSimError, match=f"CADRE_SIM_THREADS = '{text}' is invalid"):
        threads.n_threads()
