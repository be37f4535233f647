"""A long job killed or failed part-way resumes with the runs it had finished, and a
resumed job writes exactly what an uninterrupted one does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cadre_sim.cli import main
from experiments import batch, runcache
from experiments import reproduce as rp
from experiments.batch import Task
from experiments.runcache import RunCache, resumable
from tests.experiments.test_findings import TINY

SIMULATE = batch.simulate  # the real one, before any test replaces it
SHORT = replace(TINY, steps=20, long_steps=30, sens_steps=12)  # every experiment, in seconds
TASKS = [Task("tightened_accountability", (), seed, 12) for seed in (1, 2, 3, 4)]


class Counting:
    """``batch.simulate`` that counts its calls and can stop after ``stop_after``."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.calls, self.stop_after = 0, stop_after

    def __call__(self, task: Task) -> dict:
        if self.stop_after is not None and self.calls >= self.stop_after:
            raise KeyboardInterrupt
        self.calls += 1
        return SIMULATE(task)


def test_a_result_is_kept_per_task_and_code(tmp_path: Path, monkeypatch) -> None:
    cache = RunCache(tmp_path / "c")
    assert cache.get(TASKS[0]) is None and cache.count() == 0
    res = SIMULATE(TASKS[0])
    cache.put(TASKS[0], res)
    back = cache.get(TASKS[0])
    np.testing.assert_array_equal(back["final"], res["final"])
    assert cache.get(TASKS[1]) is None  # another seed is another task
    assert not list((tmp_path / "c").glob(".*"))  # no temporary left beside it
    # other code (or numpy, or Python) never reuses it
    monkeypatch.setattr(runcache, "_code", lambda: b"other code")
    assert cache.get(TASKS[0]) is None


def test_a_damaged_result_is_run_again(tmp_path: Path) -> None:
    cache = RunCache(tmp_path)
    cache.put(TASKS[0], {"x": 1})
    cache._path(TASKS[0]).write_bytes(b"\x80\x05 not a pickle")
    assert cache.get(TASKS[0]) is None


def test_run_tasks_runs_only_what_is_missing(tmp_path: Path, monkeypatch) -> None:
    plain = batch.run_tasks(TASKS)
    pool = batch.Pool()
    pool.cache = RunCache(tmp_path)
    stop = Counting(stop_after=2)
    monkeypatch.setattr(batch, "simulate", stop)
    with pytest.raises(KeyboardInterrupt):
        batch.run_tasks(TASKS, pool)
    assert pool.cache.count() == 2  # each result was kept as soon as it existed
    again = Counting()
    monkeypatch.setattr(batch, "simulate", again)
    resumed = batch.run_tasks(TASKS, pool)
    assert again.calls == 2 and pool.cache.reused == 2
    for a, b in zip(plain, resumed, strict=True):
        for key in ("final", "total", "last", "survey"):
            np.testing.assert_array_equal(a[key], b[key])


def test_resumable_leaves_nothing_when_nothing_finished(tmp_path: Path) -> None:
    out = tmp_path / "new"

    def job(cache: RunCache) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as e:
        resumable(out, job)
    assert e.value.kept is None and not out.exists()


def _report_data(out: Path) -> dict[str, str]:
    """Every CSV behind the report, less the time each experiment took."""
    import pandas as pd

    data = {}
    for p in sorted((out / "data").glob("*.csv")):
        frame = pd.read_csv(p)
        data[p.name] = frame.drop(columns=["seconds", "cpu_seconds"], errors="ignore").to_csv()
    return data


def test_an_interrupted_reproduce_resumes_to_the_same_report(tmp_path: Path, monkeypatch) -> None:
    whole = rp.reproduce(tmp_path / "whole", workers=1, seed=5, scale=SHORT)
    assert not (tmp_path / "whole" / runcache.FOLDER).exists()  # removed once written
    stop = Counting(stop_after=30)
    monkeypatch.setattr(batch, "simulate", stop)
    part = tmp_path / "part"
    with pytest.raises(KeyboardInterrupt) as e:
        rp.reproduce(part, workers=1, seed=5, scale=SHORT)
    assert "30 finished run(s) kept" in e.value.kept
    assert RunCache(part / runcache.FOLDER).count() == 30 and not (part / "report.md").exists()
    again = Counting()
    monkeypatch.setattr(batch, "simulate", again)
    rp.reproduce(part, workers=1, seed=5, scale=SHORT)
    assert again.calls > 0
    assert _report_data(part) == _report_data(tmp_path / "whole")
    assert (part / "report.md").exists() and not (part / runcache.FOLDER).exists()
    assert whole.exists()


def test_ctrl_c_says_which_runs_are_kept(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(batch, "simulate", Counting(stop_after=3))
    out = tmp_path / "c"
    code = main(["calibrate", "--quick", "--workers", "1", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 130
    assert err[-1] == (
        f"interrupted: calibrate stopped; 3 finished run(s) kept in {out / runcache.FOLDER}; "
        "the same command resumes"
    )
    assert RunCache(out / runcache.FOLDER).count() == 3


def test_a_dask_pool_keeps_each_result_as_it_arrives(tmp_path: Path) -> None:
    """On worker processes the results are stored by the parent as each one completes,
    and a second pass reads them all back."""
    plain = batch.run_tasks(TASKS)
    with batch.open_pool(2) as pool:
        assert isinstance(pool, batch.DaskPool)
        pool.cache = RunCache(tmp_path)
        first = batch.run_tasks(TASKS, pool)
        assert pool.cache.count() == len(TASKS) and pool.cache.reused == 0
        second = batch.run_tasks(TASKS, pool)
        assert pool.cache.reused == len(TASKS)
    for a, b, c in zip(plain, first, second, strict=True):
        np.testing.assert_array_equal(a["final"], b["final"])
        np.testing.assert_array_equal(a["final"], c["final"])


def test_a_finished_job_removes_only_its_own_runs(tmp_path: Path) -> None:
    """Runs another interrupted job kept in the same folder (another seed, say) stay."""
    other = RunCache(tmp_path / runcache.FOLDER)
    other.put(TASKS[3], {"x": 1})

    def job(cache: RunCache) -> None:
        cache.put(TASKS[0], {"x": 0})
        assert cache.get(TASKS[0]) == {"x": 0}

    resumable(tmp_path, job)
    left = RunCache(tmp_path / runcache.FOLDER)
    assert left.count() == 1 and left.get(TASKS[3]) == {"x": 1}
    assert left.get(TASKS[0]) is None
