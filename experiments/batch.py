"""One way to run many models: tasks, replicate seeds, the final-window summary, and
execution in this process, on a local Dask cluster or on an existing one.

``cadre-sim sweep``, ``reproduce``, ``calibrate`` and ``compare`` all describe their runs
as :class:`Task` objects and run them with :func:`simulate`, a pure function: its result
depends only on the task (whose seed it carries), so results are identical on one
worker, on many, or on a Dask cluster, in any completion order.

Seeds: the seed of replicate ``i`` drawn from an ``entropy`` (an int or a list of ints)
is child ``i`` of ``numpy.random.SeedSequence(entropy)`` (:func:`derive_seed`). Sweeps
take 63 bits of it (exact in Parquet int64 columns; 32-bit seeds collide once in
~77,000 runs); the findings report, the calibration and ``compare`` take 32 bits, as
they did when their results were registered, so those results stay bit-identical.

Execution (:func:`open_pool`): ``workers=1`` without a scheduler runs in this process
(when the caller allows it); otherwise a Dask ``LocalCluster`` with one single-threaded
worker process per requested worker, or the cluster behind ``scheduler``, whose
workers must run the same model code as this machine (checked by source hash).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import math
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np

from model.errors import CadreSimError
from model.metrics import (
    FINAL_FRACTION,
    SURVEY_ANSWERS,
    answer_shares,
    final_window,
    shares_by_level,
)

SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


class BatchError(CadreSimError):
    """A batch that cannot start or go on (workers, scheduler); one readable line."""


# ------------------------------------------------------------------ seeds
def derive_seed(entropy: int | Sequence[int], index: int, bits: int = 63) -> int:
    """Seed of child ``index`` of ``SeedSequence(entropy)`` (= ``.spawn(n)[index]``).

    ``bits=63``: a non-negative int64 (sweeps); ``bits=32``: a uint32 (findings,
    calibration, compare).
    """
    parts = [entropy] if isinstance(entropy, (int, np.integer)) else list(entropy)
    if any(isinstance(e, bool) or not isinstance(e, (int, np.integer)) or e < 0 for e in parts):
        raise BatchError(f"seed = {entropy!r} is invalid: allowed is an integer >= 0")
    child = np.random.SeedSequence(entropy, spawn_key=(index,))
    if bits == 32:
        return int(child.generate_state(1, dtype=np.uint32)[0])
    if bits == 63:
        return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
    raise ValueError(f"bits = {bits}: allowed are 32 and 63")


def seeds(entropy: int | Sequence[int], n: int, bits: int = 63) -> list[int]:
    """Seeds of replicates ``0 .. n-1`` (:func:`derive_seed` of each index)."""
    return [derive_seed(entropy, i, bits) for i in range(n)]


# ------------------------------------------------------------------ tasks
@dataclass(frozen=True)
class Task:
    """One model run: what to run, with which seed, and what to keep. Small, picklable."""

    scenario: str
    params: tuple[tuple[str, Any], ...]  # overrides of the scenario's values
    seed: int
    steps: int
    branching: tuple[int, ...] | None = None  # a custom tree instead of ``preset``
    _: KW_ONLY
    preset: str | None = "classroom"
    window: float = FINAL_FRACTION  # final share of months the summary averages
    series: bool = False  # keep the per-month history ...
    every: int = 1  # ... every ``every``-th month
    units: bool = False  # keep every unit's avoidance share every month
    # The survey answered under other rules too (keywords of ``CadreModel.survey``) ...
    surveys: tuple[tuple[tuple[str, Any], ...], ...] = ()
    survey_levels: bool = False  # ... and level by level (``CadreModel.survey_by_level``)
    # Where the run sits in a sweep (stored with its rows); 0 / () elsewhere.
    run_id: int = 0
    point: int = 0
    replicate: int = 0
    varied: tuple[str, ...] = ()


def simulate(task: Task) -> dict[str, Any]:
    """Run one task; pure (the result depends only on ``task``). Runs on a worker.

    Returns ``final`` (final-window means), ``total`` (sums over all months) and
    ``last`` (the last month), each (levels + all, ``metrics.VALUE_COLUMNS``); the
    survey shares in ``metrics.SURVEY_ANSWERS`` order; the effective tolerance; if asked,
    ``surveys`` (rules, answers), ``survey_levels`` (levels, answers), ``series`` (months
    kept, levels + all, columns) and ``units`` / ``hier``; and the CPU and wall seconds
    the run took.
    """
    from model.model import CadreModel

    cpu0, t0 = time.process_time(), time.perf_counter()
    m = CadreModel(
        task.scenario,
        preset=task.preset or "classroom",
        branching=task.branching,
        rng=task.seed,
        agents=False,
        **dict(task.params),
    )
    unit_avoid = []
    if task.units:
        for _ in range(task.steps):
            m.step()
            unit_avoid.append(m.unit_shares()[:, 2].astype(np.float32))
    else:
        m.run(task.steps)
    arr = m.history_array()
    answers = m.survey_answers()  # the model's rule, counted overall and by level
    out: dict[str, Any] = {
        "final": final_window(arr, task.window),
        "total": arr.sum(axis=0),
        "last": arr[-1],
        "survey": _shares_row(answer_shares(answers)),
        "effective_tolerance": m.effective_tolerance(),
    }
    if task.surveys:
        out["surveys"] = np.array([_shares_row(m.survey(**dict(kw))) for kw in task.surveys])
    if task.survey_levels:
        by_level = shares_by_level(answers, m.state.level)
        out["survey_levels"] = np.array([_shares_row(v) for v in by_level.values()])
    if task.series:
        out["series"] = arr[task.every - 1 :: task.every]
    if task.units:
        h = m.hierarchy
        out["units"] = np.stack(unit_avoid)
        out["hier"] = {
            "parent": h.parent,
            "group": h.group,
            "n_cadres": h.n_cadres,
            "level": h.level,
        }
    out["cpu"] = time.process_time() - cpu0
    out["seconds"] = time.perf_counter() - t0
    return out


def _shares_row(shares: dict[str, float]) -> np.ndarray:
    """Survey shares as an array in ``SURVEY_ANSWERS`` order."""
    return np.array([shares[a] for a in SURVEY_ANSWERS])


# -------------------------------------------------------------- execution
class Pool:
    """Where a batch runs. ``map`` keeps the order of its inputs and hands each result to
    ``done(index, result)`` as soon as it exists (before the batch ends)."""

    workers: int = 1
    where: str = "this process"
    scheduler: str | None = None
    client: Any = None
    remote_cpu: float = 0.0  # CPU seconds of tasks run in other processes
    # Finished runs kept on disk (experiments.runcache.RunCache), so a killed job resumes.
    cache: Any = None

    def map(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        done: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        out = []
        for i, x in enumerate(items):
            out.append(fn(x))
            if done is not None:
                done(i, out[-1])
        return out

    def close(self) -> None:
        pass

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskPool(Pool):
    """A Dask client (and the LocalCluster it owns, if any)."""

    def __init__(self, client: Any, cluster: Any, workers: int, where: str, scheduler: str | None):
        self.client, self.cluster = client, cluster
        self.workers, self.where, self.scheduler = workers, where, scheduler
        self.remote_cpu = 0.0

    def map(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        done: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        from distributed import as_completed

        if not items:
            return []
        futures = self.client.map(fn, list(items), pure=False)
        where = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        try:
            # as_completed, not gather: Ctrl-C then stops without asyncio's "Task exception
            # was never retrieved" tracebacks; a failing task still raises its exception.
            finished = as_completed(
                futures, loop=self.client.loop, with_results=True, raise_errors=True
            )
            for fut, res in finished:
                results[where[fut.key]] = res
                if done is not None:
                    done(where[fut.key], res)
        finally:
            with contextlib.suppress(Exception):
                self.client.cancel(futures)
        self.remote_cpu += sum(r.get("cpu", 0.0) for r in results if isinstance(r, dict))
        return results

    def close(self) -> None:
        close(self.client, self.cluster)
        self.client = self.cluster = None


def check_workers_arg(workers: Any) -> int | None:
    """``workers`` as given to the Python API: None (every core) or an integer >= 1."""
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise BatchError(
            f"workers = {workers!r} is invalid: allowed is an integer >= 1, "
            "or None for one worker per core"
        )
    return int(workers)


def check_address(address: Any, option: str = "--scheduler") -> str:
    """A Dask scheduler address (``tcp://HOST:PORT``, or ``HOST:PORT``); one line if not."""
    allowed = "allowed is a Dask scheduler address such as tcp://10.0.0.5:8786"
    text = address.strip() if isinstance(address, str) else ""
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    host, colon, port = rest.rpartition(":")
    ok = (
        bool(text)
        and scheme in SCHEMES
        and (
            scheme in ("inproc", "ucx")
            or (bool(host.strip("[]")) and colon and port.isdigit() and 1 <= int(port) <= 65535)
        )
    )
    if not ok:
        raise BatchError(f"{option + ' ' if option else ''}{address!r} is invalid: {allowed}")
    return text


def check_timeout(timeout: Any) -> float:
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not (math.isfinite(timeout) and timeout > 0)
    ):
        raise BatchError(
            f"timeout = {timeout!r} is invalid: allowed is a finite number of seconds > 0"
        )
    return float(timeout)


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


@contextlib.contextmanager
def _quiet_unraisable() -> Iterator[None]:
    """Swallow exceptions raised in ``__del__`` (a half-made dask Client closing itself)."""
    old = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        yield
        gc.collect()
    finally:
        sys.unraisablehook = old


def _worker_source_hash() -> str:
    import model.model  # noqa: F401  - warms the worker: no run pays for importing the model
    from experiments.provenance import source_hash

    return source_hash()


# Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 so that long-lived workers
# hand freed memory back to the OS. That also fixes glibc's mmap threshold, so the model's
# short-lived numpy temporaries are mapped and unmapped every step: 15-25 % slower runs at
# 10k cadres (run_one 0.47 s vs 0.57 s, same process otherwise). A batch's runs are short
# and its local workers end with it, so they start without it (None unsets it).
_TRIM_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
# Each worker also samples its task thread's stack every 10 ms for the Dask dashboard's
# profile: 3-8 % of a 10k-cadre run (A/B on one worker, median of 6 batches). The local
# cluster has no dashboard, so nothing would ever read those samples.
_PROFILE_KEY = "distributed.worker.profile.enabled"


def _probe(address: str, timeout: float) -> None:
    """Fail fast, and without a half-made Client, when nothing listens at ``address``."""
    scheme, _, rest = address.rpartition("://")
    if (scheme or "tcp") not in ("tcp", "tls", "ws", "wss"):
        return
    host, _, port = rest.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as e:
        reason = e.strerror or str(e) or type(e).__name__
        raise BatchError(
            f"--scheduler {address}: cannot reach a Dask scheduler there within "
            f"{timeout:g} s ({reason})"
        ) from None


def _handshake(address: str, timeout: float) -> None:
    """Ask ``address`` who it is, bounded by ``timeout``: a silent or foreign server must
    not hold the command (dask's Client does not bound its handshake)."""
    import asyncio

    from distributed.comm import connect

    async def identity() -> Any:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            await comm.close()

    box: dict[str, Any] = {}

    def ask() -> None:  # in its own thread and loop: callers may already run an event loop
        try:
            box["reply"] = asyncio.run(asyncio.wait_for(identity(), timeout))
        except BaseException as e:  # noqa: BLE001 - reported below as the reason
            box["error"] = e

    t = threading.Thread(target=ask, name="cadre-sim-handshake", daemon=True)
    t.start()
    t.join(timeout + 5)
    reply, error = box.get("reply"), box.get("error")
    if isinstance(reply, dict) and reply.get("type") == "Scheduler":
        return
    if error is None and reply is None:
        reason = "no answer"
    elif error is not None:
        reason = (
            f"{type(error).__name__}: {error}".splitlines()[0].rstrip(": ") or type(error).__name__
        )
    else:
        reason = f"it answered as {reply.get('type', 'something else') if isinstance(reply, dict) else 'something else'}"
    raise BatchError(
        f"--scheduler {address}: something listens there but did not answer as a "
        f"Dask scheduler within {timeout:g} s ({reason})"
    )


def _connect_remote(address: str, timeout: float) -> Any:
    from distributed import Client

    _probe(address, timeout)
    _handshake(address, timeout)
    reason = None
    with _quiet_unraisable():
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as e:  # OSError, TimeoutError, ValueError for a malformed address
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
    if reason is not None:
        raise BatchError(
            f"--scheduler {address}: something listens there but did not answer as "
            f"a Dask scheduler within {timeout:g} s ({reason})"
        )
    wait = max(timeout, 30.0)
    try:
        client.wait_for_workers(1, timeout=wait)
    except Exception:
        close(client, None)
        raise BatchError(
            f"--scheduler {address}: no Dask worker joined within {wait:g} s; "
            f"start some with `dask worker {address}`"
        ) from None
    return client


def _local_cluster(n: int) -> tuple[Any, Any]:
    import dask
    from distributed import Client, LocalCluster

    with _ignoring_sigint(), dask.config.set({_TRIM_KEY: None, _PROFILE_KEY: False}):
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_port=0,
            silence_logs=logging.ERROR,
        )
    client = Client(cluster, set_as_default=False)
    # LocalCluster can return before every worker has registered with its scheduler (on
    # a loaded machine); the worker count reported and stored must be the real one.
    try:
        client.wait_for_workers(n, timeout=120)
    except Exception:
        close(client, cluster)
        raise BatchError(f"the local cluster did not start {n} worker(s) within 120 s") from None
    return client, cluster


def check_workers(client: Any, where: str) -> int:
    """Every worker must run the same model code as this machine; returns worker threads."""
    from experiments.provenance import source_hash

    here = source_hash()
    try:
        theirs = client.run(_worker_source_hash)
    except Exception as e:
        raise BatchError(
            f"{where}: the Dask workers cannot import this project "
            f"({type(e).__name__}: {e}); install cadre-sim in their environment"
        ) from None
    for addr, h in theirs.items():
        if h != here:
            raise BatchError(
                f"{where}: worker {addr} runs different model code (source hash "
                f"{h[:12]} vs {here[:12]} here); install the same cadre-sim version"
            )
    return sum(client.nthreads().values())


def close(client: Any, cluster: Any) -> None:
    if client is not None:
        with contextlib.suppress(Exception):
            client.close(timeout=10)
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close(timeout=10)


def local_workers() -> int:
    """Worker processes of a local cluster when none are asked for: one per core."""
    return os.cpu_count() or 1


def open_pool(
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = 10.0,
    in_process: bool = True,
) -> Pool:
    """Somewhere to run tasks: this process (``workers=1``, when ``in_process``), a local
    Dask cluster of ``workers`` processes (default: one per core), or ``scheduler``'s
    cluster. Raises :class:`BatchError` with one line when it cannot."""
    workers = check_workers_arg(workers)
    timeout = check_timeout(timeout)
    if scheduler is not None:
        address = check_address(scheduler)
        client = _connect_remote(address, timeout)
        where = f"--scheduler {address}"
        try:
            n = check_workers(client, where)
        except BaseException:
            close(client, None)
            raise
        return DaskPool(client, None, n, where, address)
    n = workers or local_workers()
    if n == 1 and in_process:
        return Pool()
    client, cluster = _local_cluster(n)
    try:
        threads = check_workers(client, "local cluster")
    except BaseException:
        close(client, cluster)
        raise
    return DaskPool(client, cluster, threads, f"local cluster at {client.scheduler.address}", None)


def run_tasks(tasks: Sequence[Task], pool: Pool | None = None) -> list[dict[str, Any]]:
    """:func:`simulate` every task, results in task order (in this process without a pool).

    With a cache on the pool, tasks already finished are read back and each new result is
    stored as soon as it exists (:mod:`experiments.runcache`)."""
    pool = pool or Pool()
    cache = pool.cache
    if cache is None:
        return pool.map(simulate, tasks)
    results = [cache.get(t) for t in tasks]
    todo = [i for i, r in enumerate(results) if r is None]
    fresh = pool.map(
        simulate, [tasks[i] for i in todo], done=lambda k, res: cache.put(tasks[todo[k]], res)
    )
    for i, res in zip(todo, fresh, strict=True):
        results[i] = res
    return results
