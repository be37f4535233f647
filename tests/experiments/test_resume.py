"""A real `cadre-sim sweep` subprocess stopped mid-way (SIGKILL, Ctrl-C), then resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.runner import run_sweep
from experiments.store import load, read_manifest
from tests.experiments.conftest import REPO, serial_sweep, tiny_spec

# 24 classroom runs of 40 months on one worker: a few seconds of work, so the sweep is
# reliably caught between its first stored batch and its last.
SLOW = """
scenario = "tightened_accountability"
preset = "classroom"
steps = 40
replicates = 4
seed = 17
design = "grid"
[parameters]
supervision = [0.001, 0.005, 0.009]
one_veto_targets = [2, 12]
[record]
timeseries = true
"""
N_RUNS = 24


def _start(spec: Path, out: Path) -> subprocess.Popen:
    cli = Path(sys.executable).parent / "cadre-sim"
    cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "cadre_sim"]
    return subprocess.Popen(
        [*cmd, "sweep", str(spec), "--out", str(out), "--workers", "1", "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        start_new_session=True,  # its own process group: the kill reaches its Dask workers too
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def _wait_for_parts(proc: subprocess.Popen, out: Path, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(list((out / "runs").glob("part-*.parquet"))) < n:
        if proc.poll() is not None:
            pytest.fail(f"sweep ended before it could be stopped: {proc.communicate()}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("sweep stored nothing in time")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return serial_sweep(tiny_spec(SLOW, "slow"), tmp_path_factory.mktemp("ref") / "sweep")


@pytest.mark.dask
@pytest.mark.timeout(300)  # starts processes: never hang CI
def test_sigkill_mid_sweep_then_resume(reference: Path, tmp_path: Path) -> None:
    spec = tmp_path / "slow.toml"
    spec.write_text(SLOW)
    out = tmp_path / "out"
    proc = _start(spec, out)
    try:
        _wait_for_parts(proc, out, 2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    partial = load(out)  # every stored file is whole and readable
    done = partial["run_id"].nunique()
    assert 2 <= done < N_RUNS
    json.loads((out / "manifest.json").read_text())

    outcome = run_sweep(
        tiny_spec(SLOW, "slow"), out, workers=1, resume=True, progress=False, log=lambda s: None
    )
    assert outcome.skipped == done and outcome.ran == N_RUNS - done
    runs = load(out)
    assert runs.groupby("run_id").size().eq(6).all()  # each run exactly once
    assert sorted(runs["run_id"].unique()) == list(range(N_RUNS))
    pd.testing.assert_frame_equal(runs, load(reference))
    pd.testing.assert_frame_equal(load(out, "timeseries"), load(reference, "timeseries"))
    assert not list(out.rglob(".*.tmp"))
    # The killed session is closed in the manifest, not left "running" for ever.
    first, last = read_manifest(out)["sessions"]
    assert first["status"] == "killed" and last["status"] == "complete"


@pytest.mark.dask
@pytest.mark.timeout(300)  # starts processes: never hang CI
def test_ctrl_c_stops_cleanly_and_keeps_what_finished(reference: Path, tmp_path: Path) -> None:
    spec = tmp_path / "slow.toml"
    spec.write_text(SLOW)
    out = tmp_path / "out"
    proc = _start(spec, out)
    try:
        _wait_for_parts(proc, out, 1)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("interrupted: ") and "rerun the same command to resume" in last
    stored = int(last.split()[1])
    m = read_manifest(out)
    assert m["status"] == "interrupted" and m["sessions"][-1]["runs"] == stored
    assert load(out)["run_id"].nunique() == stored

    outcome = run_sweep(tiny_spec(SLOW, "slow"), out, workers=2, progress=False, log=lambda s: None)
    assert outcome.skipped == stored and outcome.skipped + outcome.ran == N_RUNS
    pd.testing.assert_frame_equal(load(out), load(reference))
    assert read_manifest(out)["status"] == "complete"
