"""Plumbing of the sweep benchmark's full mode on a tiny reference (the real one takes ~5 min)."""

from __future__ import annotations

import pytest

from benchmarks import bench_sweep


@pytest.mark.dask
@pytest.mark.timeout(180)
def test_full_mode_runs_every_reference_run_and_judges_the_wall_time(monkeypatch) -> None:
    monkeypatch.setattr(bench_sweep, "REF_BRANCHING", (1, 2, 2, 2))
    monkeypatch.setattr(bench_sweep, "REF_STEPS", 3)
    monkeypatch.setattr(bench_sweep, "TARGET_RUNS", 8)
    r = bench_sweep.run_full(workers=1)
    run = r["workers_1"]
    assert run["runs"] == 8 and run["workers"] == 1
    assert 0 < run["loop_s"] <= run["wall_s"]
    (target,) = r["targets"]
    assert target["value"] == run["wall_s"]
    assert target["status"] == ("PASS" if run["wall_s"] <= bench_sweep.TARGET_SECONDS else "FAIL")
