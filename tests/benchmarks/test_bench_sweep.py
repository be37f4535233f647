"""Plumbing of the sweep benchmark's full mode on a tiny reference (the real one takes ~5 min)."""

from __future__ import annotations

import pytest

from benchmarks import bench_sweep


def test_a_target_passes_within_its_limit_and_fails_beyond_it() -> None:
    assert bench_sweep._target("t", 299.0, 300.0, "<=", "s")["status"] == "PASS"
    assert bench_sweep._target("t", 301.0, 300.0, "<=", "s")["status"] == "FAIL"
    assert bench_sweep._target("x", 1.8, 1.7, ">=", "x")["status"] == "PASS"
    assert bench_sweep._target("x", 1.6, 1.7, ">=", "x")["status"] == "FAIL"


@pytest.mark.dask
@pytest.mark.timeout(180)
@pytest.mark.parametrize(("limit", "status"), [(1e9, "PASS"), (1e-9, "FAIL")])
def test_full_mode_runs_every_reference_run_and_judges_the_wall_time(
    monkeypatch, limit: float, status: str
) -> None:
    monkeypatch.setattr(bench_sweep, "REF_BRANCHING", (1, 2, 2, 2))
    monkeypatch.setattr(bench_sweep, "REF_STEPS", 3)
    monkeypatch.setattr(bench_sweep, "TARGET_RUNS", 8)
    # Eight tiny runs take seconds: far within a limit of 1e9 s, far beyond one of 1e-9 s.
    monkeypatch.setattr(bench_sweep, "TARGET_SECONDS", limit)
    r = bench_sweep.run_full(workers=1)
    run = r["workers_1"]
    assert run["runs"] == 8 and run["workers"] == 1
    assert 0 < run["loop_s"] <= run["wall_s"]
    (target,) = r["targets"]
    assert (target["value"], target["limit"], target["status"]) == (run["wall_s"], limit, status)
