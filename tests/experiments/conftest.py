"""Helpers for the sweep tests: tiny specs, a serial reference sweep, a real Dask cluster."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from experiments import designs
from experiments.rows import run_one
from experiments.spec import SweepSpec, parse_spec
from experiments.store import SweepStore

REPO = Path(__file__).resolve().parents[2]

# 2 x 2 points x 2 replicates of a classroom model for 15 months: 8 runs, well under a second.
TINY = """
scenario = "tightened_accountability"
preset = "classroom"
steps = 15
replicates = 2
seed = 5
design = "grid"
[parameters]
supervision = [0.001, 0.009]
tolerance = [0.2, 0.8]
[record]
timeseries = true
"""


def tiny_spec(text: str = TINY, name: str = "tiny") -> SweepSpec:
    return parse_spec(text, source=f"{name}.toml", default_name=name)


def serial_sweep(spec: SweepSpec, out: Path, order: list[int] | None = None) -> Path:
    """Store every run of ``spec`` by calling run_one in this process, in ``order``.

    The reference an executed sweep must equal: the same pure function, no Dask, and
    any completion order the caller wants.
    """
    design = designs.build(spec)
    tasks = designs.tasks(spec, design)
    total = len(tasks)
    if order is not None:  # a subset leaves a partial sweep, as a killed one would
        tasks = [tasks[i] for i in order]
    store = SweepStore.open(out, spec, design)
    try:
        for t in tasks:
            store.write([run_one(t)])
        store.finish_if_complete(total)
    finally:
        store.close()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask_cmd(tool: str) -> list[str]:
    exe = Path(sys.executable).parent / "dask"
    if exe.exists():
        return [str(exe), tool]
    return [sys.executable, "-m", f"distributed.cli.dask_{tool}"]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A real `dask scheduler` and a `dask worker` (2 processes) on 127.0.0.1; yields the address.

    Each runs in its own session so the whole process group is stopped afterwards,
    whatever the test did.
    """
    port = free_port()
    addr = f"tcp://127.0.0.1:{port}"
    log = tmp_path / "dask.log"
    procs: list[subprocess.Popen] = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        with open(log, "ab") as fh:
            procs.append(
                subprocess.Popen(
                    [
                        *_dask_cmd("scheduler"),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--no-dashboard",
                    ],
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=REPO,
                    env=env,
                )
            )
            deadline = time.monotonic() + 60
            while True:
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if procs[0].poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"dask scheduler did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
            procs.append(
                subprocess.Popen(
                    [
                        *_dask_cmd("worker"),
                        addr,
                        "--nworkers",
                        "2",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--memory-limit",
                        "0",
                    ],
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=REPO,
                    env=env,
                )
            )
        # Both worker processes must have joined, or a test could start on one of them.
        from distributed import Client

        with Client(addr, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        yield addr
    finally:
        for p in reversed(procs):
            _stop(p)
