"""The distributed path: the same sweep sent to real `dask scheduler` / `dask worker` processes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments.runner import run_sweep
from experiments.store import load, read_manifest
from tests.experiments.conftest import serial_sweep, tiny_spec


@pytest.mark.dask
@pytest.mark.timeout(300)  # starts processes: never hang CI
def test_dask_cluster_gives_the_same_tables(dask_cluster: str, tmp_path: Path) -> None:
    reference = serial_sweep(tiny_spec(), tmp_path / "ref")
    out = tmp_path / "dask"
    # Half the runs first, then the rest: resuming through the cluster works as well.
    serial_sweep(tiny_spec(), out, order=[1, 4, 6])
    outcome = run_sweep(
        tiny_spec(),
        out,
        scheduler=dask_cluster,
        connect_timeout=30,
        progress=False,
        log=lambda s: None,
    )
    assert (outcome.ran, outcome.skipped, outcome.status) == (5, 3, "complete")
    assert outcome.workers == 2
    pd.testing.assert_frame_equal(load(out), load(reference))
    pd.testing.assert_frame_equal(load(out, "timeseries"), load(reference, "timeseries"))
    session = read_manifest(out)["sessions"][-1]
    assert session["executor"] == {"scheduler": dask_cluster, "workers": 2}
    assert session["runs"] == 5 and session["status"] == "complete"


def _malloc_trim() -> str | None:
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def _profiling(dask_worker) -> bool:
    pc = dask_worker.periodic_callbacks.get("profile")
    return pc is not None and pc.is_running()


@pytest.mark.dask
@pytest.mark.timeout(120)
def test_local_workers_start_without_slow_dask_defaults() -> None:
    """Dask's default MALLOC_TRIM_THRESHOLD_=65536 slows this model's runs by 15-25 %,
    its worker profiler by 3-8 %."""
    import dask
    import distributed  # noqa: F401 - registers distributed's config defaults

    from experiments.batch import open_pool

    assert dask.config.get("distributed.nanny.pre-spawn-environ")["MALLOC_TRIM_THRESHOLD_"] == 65536
    assert dask.config.get("distributed.worker.profile.enabled") is True
    with open_pool(1, in_process=False) as pool:
        assert list(pool.client.run(_malloc_trim).values()) == [None]
        # and without the stack sampler that only a (here absent) dashboard would read
        assert list(pool.client.run(_profiling).values()) == [False]


def _same_result(a, b) -> None:
    """Two findings' results: the same verdict, checks and data tables."""
    assert (a.finding, a.verdict.verdict, a.verdict.explanation) == (
        b.finding,
        b.verdict.verdict,
        b.verdict.explanation,
    )
    pd.testing.assert_frame_equal(  # NaN-aware, unlike ==
        pd.DataFrame([c.as_dict() for c in a.verdict.checks]),
        pd.DataFrame([c.as_dict() for c in b.verdict.checks]),
    )
    assert set(a.data) == set(b.data)
    for key in a.data:
        pd.testing.assert_frame_equal(a.data[key], b.data[key], obj=key)


@pytest.mark.dask
@pytest.mark.timeout(600)
def test_reproduce_and_calibrate_give_the_same_results_on_a_dask_cluster(
    dask_cluster: str, tmp_path: Path
) -> None:
    """Every experiment of the findings report and the calibration, run in this process
    and through `dask scheduler` + `dask worker` processes: identical results."""
    import numpy as np

    from cadre_sim.cli import main
    from experiments import calibrate as cal
    from experiments import reproduce as rp
    from experiments.batch import open_pool
    from experiments.scale import QUICK
    from tests.experiments.test_findings import TINY

    judged = [n for n in rp.EXPERIMENTS if n != "sensitivity"]
    problem = rp.sens_problem()
    from SALib.sample import sobol

    x = sobol.sample(problem, TINY.sobol_n, calc_second_order=False, seed=11)
    sens = rp._sens_tasks(x, rp.replicate_seeds(11, 8, TINY.sobol_n), problem["num_vars"] + 2, TINY)
    outcomes = []
    for pool in (open_pool(1), open_pool(scheduler=dask_cluster, timeout=30)):
        with pool:
            outcomes.append(
                (
                    rp.run_all(TINY, pool, seed=11, only=judged),
                    [r["final"] for r in rp.run_tasks(sens, pool)],
                    cal.calibrate(TINY, seed=11, pool=pool),
                )
            )
    (here, here_sens, here_cal), (there, there_sens, there_cal) = outcomes
    assert [r.finding for r in here] == [r.finding for r in there] and len(here) >= 6
    for a, b in zip(here, there, strict=True):
        _same_result(a, b)
    np.testing.assert_array_equal(np.stack(here_sens), np.stack(there_sens))
    for frame in ("draws", "posterior", "fitted_survey"):
        pd.testing.assert_frame_equal(getattr(here_cal, frame), getattr(there_cal, frame))
    assert (here_cal.tv, here_cal.tv_ci) == (there_cal.tv, there_cal.tv_ci)

    # The command line's --scheduler reaches the same batch layer.
    out = tmp_path / "cal_dask"
    argv = ["calibrate", "--quick", "--scheduler", dask_cluster, "--timeout", "30"]
    assert main([*argv, "--out", str(out)]) == 0
    assert len(pd.read_csv(out / "data" / "calibration_draws.csv")) == QUICK.calib_draws
