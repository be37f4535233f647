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
    outcome = run_sweep(tiny_spec(), out, scheduler=dask_cluster, connect_timeout=30,
                        progress=False, log=lambda s: None)
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


@pytest.mark.dask
@pytest.mark.timeout(120)
def test_local_workers_start_without_dask_malloc_trim() -> None:
    """Dask's default MALLOC_TRIM_THRESHOLD_=65536 slows this model's runs by 15-25 %."""
    import dask

    from experiments.runner import _close, connect

    assert dask.config.get("distributed.nanny.pre-spawn-environ")["MALLOC_TRIM_THRESHOLD_"] == 65536
    client, cluster = connect(1, None)
    try:
        assert list(client.run(_malloc_trim).values()) == [None]
    finally:
        _close(client, cluster)
