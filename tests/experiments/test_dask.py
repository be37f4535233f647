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


def _outputs(root: Path) -> dict[str, bytes | pd.DataFrame]:
    """Every data table and figure of a report, timings left out."""
    out: dict[str, bytes | pd.DataFrame] = {}
    for p in sorted(root.rglob("*")):
        if p.suffix == ".csv":
            frame = pd.read_csv(p)
            out[str(p.relative_to(root))] = frame.drop(
                columns=["seconds", "cpu_seconds"], errors="ignore"
            )
        elif p.suffix == ".png":
            out[str(p.relative_to(root))] = p.read_bytes()
    return out


@pytest.mark.dask
@pytest.mark.timeout(600)
def test_reproduce_and_calibrate_give_the_same_results_on_a_dask_cluster(
    dask_cluster: str, tmp_path: Path
) -> None:
    from cadre_sim.cli import main
    from experiments.reproduce import reproduce
    from experiments.scale import QUICK
    from tests.experiments.test_findings import TINY

    reproduce(tmp_path / "local", seed=11, workers=1, scale=TINY)
    reproduce(tmp_path / "dask", seed=11, scheduler=dask_cluster, timeout=30, scale=TINY)
    local, dask = _outputs(tmp_path / "local"), _outputs(tmp_path / "dask")
    assert set(local) == set(dask) and any(k.endswith("verdicts.csv") for k in local)
    for key, value in local.items():
        if isinstance(value, bytes):
            assert dask[key] == value, key
        else:
            pd.testing.assert_frame_equal(dask[key], value, obj=key)

    # The report holds the calibration's tables: compared above. The command line's
    # --scheduler reaches the same batch layer.
    out = tmp_path / "cal_dask"
    argv = ["calibrate", "--quick", "--scheduler", dask_cluster, "--timeout", "30"]
    assert main([*argv, "--out", str(out)]) == 0
    assert len(pd.read_csv(out / "data" / "calibration_draws.csv")) == QUICK.calib_draws
