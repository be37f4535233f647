"""Executing a sweep: one pure ``run_one(task)`` on a Dask cluster, results streamed to disk.

There is one code path for the work. Locally (the default) a Dask ``LocalCluster`` with
one single-threaded worker process per core runs the tasks; with ``scheduler`` the same
tasks go to an existing Dask cluster. Results are consumed with
``distributed.as_completed`` and every batch that arrives is written at once as an
atomic Parquet part file (:mod:`experiments.store`), so killing the sweep at any
moment loses only the runs still in flight. Rerunning the same spec into the same
directory skips the runs already stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from experiments import designs
from experiments.designs import Task
from experiments.spec import SweepSpec
from model import metrics
from model.errors import CadreSimError

# Per level, averaged over the final window (the model's own summary keys) ...
FINAL_COLUMNS: tuple[str, ...] = metrics.FINAL_KEYS
# ... yearly sanction and removal rates and the severity mix over the same window ...
RATE_COLUMNS: tuple[str, ...] = metrics.RATE_KEYS
# ... the unsolved-problem stock averaged over the same window ...
STOCK_COLUMNS: tuple[str, ...] = ("problems",)
# ... and counts summed over the whole run.
TOTAL_COLUMNS: tuple[str, ...] = ("escalations", "cases", "recognised", "sanctions", "innovations",
                                  "successes")
# Model-level outputs, repeated on every level row of a run.
MODEL_COLUMNS: tuple[str, ...] = (*(f"survey_{a}" for a in metrics.SURVEY_ANSWERS),
                                  "effective_tolerance")
OUTPUT_COLUMNS: tuple[str, ...] = (
    *FINAL_COLUMNS, *RATE_COLUMNS, *STOCK_COLUMNS, *(f"{c}_total" for c in TOTAL_COLUMNS),
    *MODEL_COLUMNS,
)
ID_COLUMNS: tuple[str, ...] = ("run_id", "point", "replicate", "seed", "scenario", "steps", "level",
                               "n_cadres")
# Per month and level when the time series is recorded.
TS_COLUMNS: tuple[str, ...] = (*FINAL_COLUMNS, "problems", "escalations", "cases", "recognised")
ROW_LEVELS: tuple[str, ...] = metrics.ROW_LEVELS

_IDX = {c: i for i, c in enumerate(metrics.VALUE_COLUMNS)}
_SANCTIONS = [_IDX[c] for c in ("sanctions_mild", "sanctions_moderate", "sanctions_severe")]
_SOURCE_FILES = ("model", "experiments/runner.py")


class SweepError(CadreSimError):
    """The sweep could not start or go on (scheduler, workers, a failing run)."""


class SweepInterrupted(Exception):  # noqa: N818 - it is an outcome, not a failure
    """Ctrl-C / SIGTERM: finished runs are stored, the rest can be resumed."""

    def __init__(self, done: int, total: int, out: Path) -> None:
        super().__init__(f"interrupted: {done} of {total} runs stored in {out}; "
                         "rerun the same command to resume")
        self.done, self.total, self.out = done, total, out


# ------------------------------------------------------------------ the work
def run_one(task: Task) -> dict[str, Any]:
    """Run one model and return its per-level rows (and time series if recorded).

    Pure: the output depends only on ``task`` (its seed included). Runs on a worker.
    """
    from model.model import CadreModel

    t0 = time.perf_counter()
    m = CadreModel(scenario=task.scenario, preset=task.preset or "classroom", rng=task.seed,
                   branching=task.branching, agents=False, **dict(task.params))
    m.run(task.steps)
    arr = m.history_array()                      # (steps, levels + all, VALUE_COLUMNS)
    n_steps, n_rows, _ = arr.shape
    # Same window as CadreModel.summary(), so sweep rows agree with `cadre-sim run`.
    k = max(1, int(round(n_steps * task.window)))
    window = arr[-k:].mean(axis=0)
    total = arr.sum(axis=0)
    survey = m.survey()
    eff = m.effective_tolerance()

    rows: dict[str, Any] = {
        "run_id": np.full(n_rows, task.run_id, dtype=np.int64),
        "point": np.full(n_rows, task.point, dtype=np.int64),
        "replicate": np.full(n_rows, task.replicate, dtype=np.int64),
        "seed": np.full(n_rows, task.seed, dtype=np.int64),
        "scenario": [task.scenario] * n_rows,
        "steps": np.full(n_rows, task.steps, dtype=np.int64),
        "level": list(ROW_LEVELS),
        "n_cadres": arr[-1, :, _IDX["n_cadres"]].astype(np.int64),
    }
    params = dict(task.params)
    for name in task.varied:
        rows[name] = [params[name]] * n_rows
    for c in (*FINAL_COLUMNS, *STOCK_COLUMNS):
        rows[c] = window[:, _IDX[c]]
    for c, values in zip(RATE_COLUMNS, metrics.rates(window).T, strict=True):
        rows[c] = values
    for c in TOTAL_COLUMNS:
        rows[f"{c}_total"] = (total[:, _SANCTIONS].sum(axis=1) if c == "sanctions"
                              else total[:, _IDX[c]])
    for a in metrics.SURVEY_ANSWERS:
        rows[f"survey_{a}"] = np.full(n_rows, survey[a])
    rows["effective_tolerance"] = np.full(n_rows, eff)

    ts = None
    if task.timeseries:
        keep = np.arange(task.every - 1, n_steps, task.every)
        sub = arr[keep]                           # (kept steps, rows, cols)
        n = len(keep) * n_rows
        ts = {
            "run_id": np.full(n, task.run_id, dtype=np.int64),
            "step": np.repeat(keep + 1, n_rows).astype(np.int64),
            "level": list(ROW_LEVELS) * len(keep),
        }
        for c in TS_COLUMNS:
            ts[c] = sub[:, :, _IDX[c]].reshape(n)
    return {"run_id": task.run_id, "rows": rows, "ts": ts, "seconds": time.perf_counter() - t0}


# ------------------------------------------------------------ provenance
def source_hash() -> str:
    """SHA-256 over the model's sources and this module: what determines a run's output."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for rel in _SOURCE_FILES:
        p = root / rel
        files = sorted(p.glob("*.py")) if p.is_dir() else [p]
        for f in files:
            h.update(f.relative_to(root).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def code_version() -> dict[str, str | None]:
    """``git describe`` when the sources are a git checkout, else package version + source hash."""
    root = Path(__file__).resolve().parent.parent
    try:
        pkg = version("cadre-sim")
    except PackageNotFoundError:
        pkg = "unknown"
    src = source_hash()
    git = None
    if (root / ".git").exists():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            r = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty", "--tags"],
                               capture_output=True, text=True, timeout=10)
            if r.returncode == 0 and r.stdout.strip():
                git = r.stdout.strip()
    return {"code_version": git or f"{pkg}+src.{src[:12]}", "package": pkg, "git": git,
            "source_hash": src}


def machine() -> dict[str, Any]:
    return {"host": platform.node(), "platform": platform.platform(),
            "python": platform.python_version(), "cpus": os.cpu_count()}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -------------------------------------------------------------- execution
@dataclass
class SweepOutcome:
    out: Path
    total: int          # runs in the design
    skipped: int        # already stored before this session
    ran: int            # finished and stored in this session
    wall_seconds: float  # this session, connecting to the cluster included
    run_seconds: float  # summed time inside run_one of this session's runs
    loop_seconds: float  # from submitting the first task to storing the last result
    workers: int
    status: str         # complete | nothing-to-do


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a batch system's stop, `kill`) stops as cleanly as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def _ignoring_sigint() -> Iterator[None]:
    """Worker processes started here inherit SIGINT ignored.

    Ctrl-C goes to the whole foreground process group; the workers must not die with
    tracebacks mid-task while the client is still storing results and cancelling.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _worker_source_hash() -> str:
    import model.model  # noqa: F401  - warms the worker: no run pays for importing the model
    from experiments.runner import source_hash as worker_hash

    return worker_hash()


# Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 so that long-lived workers
# hand freed memory back to the OS. That also fixes glibc's mmap threshold, so the model's
# short-lived numpy temporaries are mapped and unmapped every step: 15-25 % slower runs at
# 10k cadres (run_one 0.47 s vs 0.57 s, same process otherwise). A sweep's runs are short
# and its workers end with it, so local workers start without it (None unsets it).
_TRIM_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
# Each worker also samples its task thread's stack every 10 ms for the Dask dashboard's
# profile: 3-8 % of a 10k-cadre run (A/B on one worker, median of 6 batches). The local
# cluster has no dashboard, so nothing would ever read those samples.
_PROFILE_KEY = "distributed.worker.profile.enabled"


def connect(workers: int | None, scheduler: str | None, timeout: float = 10.0) -> tuple[Any, Any]:
    """A Dask client (and the LocalCluster it owns, or None) ready to run tasks."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)
        except Exception as e:  # OSError, TimeoutError, ValueError for a malformed address
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise SweepError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there "
                             f"within {timeout:g} s ({reason})") from None
        try:
            client.wait_for_workers(1, timeout=max(timeout, 30.0))
        except Exception:
            client.close()
            raise SweepError(f"--scheduler {scheduler}: no Dask worker joined within "
                             f"{max(timeout, 30.0):g} s; start some with `dask worker {scheduler}`") from None
        return client, None
    n = workers or os.cpu_count() or 1
    with _ignoring_sigint(), dask.config.set({_TRIM_KEY: None, _PROFILE_KEY: False}):
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=None, scheduler_port=0,
                               silence_logs=logging.ERROR)
    client = Client(cluster, set_as_default=False)
    # LocalCluster can return before every worker has registered with its scheduler (on
    # a loaded machine); the worker count reported and stored must be the real one.
    try:
        client.wait_for_workers(n, timeout=120)
    except Exception:
        _close(client, cluster)
        raise SweepError(f"the local cluster did not start {n} worker(s) within 120 s") from None
    return client, cluster


def _check_workers(client: Any, where: str) -> int:
    """Every worker must run the same model code as this machine; returns worker threads."""
    here = source_hash()
    try:
        theirs = client.run(_worker_source_hash)
    except Exception as e:
        raise SweepError(f"{where}: the Dask workers cannot import this project "
                         f"({type(e).__name__}: {e}); install cadre-sim in their environment") from None
    for addr, h in theirs.items():
        if h != here:
            raise SweepError(f"{where}: worker {addr} runs different model code (source hash "
                             f"{h[:12]} vs {here[:12]} here); install the same cadre-sim version")
    return sum(client.nthreads().values())


def _close(client: Any, cluster: Any) -> None:
    with contextlib.suppress(Exception):
        client.close(timeout=10)
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close(timeout=10)


def run_sweep(
    spec: SweepSpec,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool | None = None,
    connect_timeout: float = 10.0,
    log: Callable[[str], None] | None = None,
) -> SweepOutcome:
    """Run every run of ``spec`` not yet stored in ``out``; return what happened.

    Raises :class:`~experiments.spec.SpecError` / :class:`SweepError` (one line, nothing
    stored is lost) or :class:`SweepInterrupted` after Ctrl-C / SIGTERM.
    """
    from experiments.store import SweepStore

    say = log or (lambda s: print(s, file=sys.stderr))
    t_start = time.perf_counter()
    design = designs.build(spec)
    all_tasks = designs.tasks(spec, design)
    store = SweepStore.open(out, spec, design, resume=resume)
    try:
        done = store.done_ids()
        todo = [t for t in all_tasks if t.run_id not in done]
        total = len(all_tasks)
        say(f"{spec.name}: {designs.describe(spec, design)}")
        if done:
            say(f"resuming: {len(done)} of {total} runs already stored in {store.root}")
        if not todo:
            store.finish_if_complete(total)
            return SweepOutcome(store.root, total, len(done), 0, time.perf_counter() - t_start,
                                0.0, 0.0, 0, "nothing-to-do")
        where = f"--scheduler {scheduler}" if scheduler else "local cluster"
        with _sigterm_as_interrupt():
            try:
                client, cluster = connect(workers, scheduler, connect_timeout)
                try:
                    nthreads = _check_workers(client, where)
                    say(f"running {len(todo)} runs on {nthreads} worker(s) "
                        f"({scheduler or f'local cluster at {client.scheduler.address}'})")
                    session = store.begin_session({
                        "start": now(), "machine": machine(), **code_version(),
                        "executor": {"scheduler": scheduler or "local", "workers": nthreads},
                        "runs_before": len(done),
                    })
                    ran, run_seconds, loop_seconds = _execute(client, spec, todo, store, total,
                                                              len(done), progress, session)
                finally:
                    _close(client, cluster)
                status = store.finish_if_complete(total)
            except KeyboardInterrupt:
                # Ctrl-C outside the result loop (connecting, closing the cluster, compacting):
                # whatever is on disk is whole, so report it like any other interruption.
                raise SweepInterrupted(len(store.done_ids()), total, store.root) from None
        return SweepOutcome(store.root, total, len(done), ran, time.perf_counter() - t_start,
                            run_seconds, loop_seconds, nthreads, status)
    finally:
        store.close()


def _execute(client: Any, spec: SweepSpec, todo: list[Task], store: Any, total: int,
             n_done: int, progress: bool | None, session: int) -> tuple[int, float, float]:
    from distributed import as_completed
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=total, initial=n_done, unit="run", desc=spec.name, disable=not show,
               file=sys.stderr, dynamic_ncols=True, smoothing=0.05)
    ran, run_seconds = 0, 0.0
    pending: list[dict[str, Any]] = []   # finished, not yet on disk

    def flush() -> None:
        nonlocal ran, run_seconds
        if pending:
            store.write(pending)
            ran += len(pending)
            run_seconds += sum(r["seconds"] for r in pending)
            bar.update(len(pending))
            pending.clear()

    status = "failed"
    t0 = time.perf_counter()
    # Keys name the spec and the run: a shared cluster shows whose tasks these are, and
    # two identical submissions are the same (deterministic) computation anyway.
    keys = [f"cadre-run-{spec.hash[:10]}-{t.run_id}" for t in todo]
    by_key = dict(zip(keys, todo, strict=True))
    futures = client.map(run_one, todo, key=keys, pure=False)
    try:
        completed = as_completed(futures, loop=client.loop, with_results=True, raise_errors=False)
        for batch in completed.batches():
            for fut, res in batch:
                if fut.status == "error":
                    flush()
                    task = by_key[fut.key]
                    err = res if isinstance(res, BaseException) else fut.exception()
                    store.record_error(session, "".join(traceback.format_exception(err)))
                    raise SweepError(
                        f"run {task.run_id} ({task.scenario}, seed {task.seed}, "
                        f"{', '.join(f'{k}={v}' for k, v in task.params) or 'defaults'}) failed on a "
                        f"worker: {type(err).__name__}: {err}; {n_done + ran} finished runs are kept")
                pending.append(res)
            flush()
        status = "complete"
    except KeyboardInterrupt:
        status = "interrupted"
        # Results already received are finished work: store them before stopping.
        with contextlib.suppress(KeyboardInterrupt):
            flush()
        raise SweepInterrupted(n_done + ran, total, store.root) from None
    except SweepError:
        raise
    except Exception as e:
        with contextlib.suppress(Exception):
            flush()
        raise SweepError(f"the sweep stopped after {n_done + ran} of {total} runs: "
                         f"{type(e).__name__}: {e}; rerun the same command to resume") from None
    finally:
        loop_seconds = time.perf_counter() - t0
        bar.close()
        with contextlib.suppress(Exception):
            client.cancel(futures)
        store.end_session(session, status, ran)
    return ran, run_seconds, loop_seconds
