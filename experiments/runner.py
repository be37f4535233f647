"""Executing a sweep: the batch layer's tasks on Dask, results streamed to disk.

There is one code path for the work (:mod:`experiments.batch`). Locally (the default) a
Dask ``LocalCluster`` with one single-threaded worker process per core runs the tasks;
with ``scheduler`` the same tasks go to an existing Dask cluster. Results are consumed
with ``distributed.as_completed`` and every batch that arrives is written at once as an
atomic Parquet part file (:mod:`experiments.store`), so killing the sweep at any
moment loses only the runs still in flight. Rerunning the same spec into the same
directory skips the runs already stored (and runs again those whose files were damaged).

Before anything is created the spec's size is checked against this machine
(:mod:`experiments.limits`) and the directory is checked read-only; a new directory is
claimed only once the scheduler has answered.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments import batch, designs, limits
from experiments.batch import BatchError, Task
from experiments.provenance import code_version, machine, now
from experiments.rows import run_one
from experiments.spec import SweepSpec
from experiments.store import SweepStore
from model.hierarchy import custom_spec, get_spec

# The batch layer's error, under the name sweeps have always used for it.
SweepError = BatchError


class SweepInterrupted(Exception):  # noqa: N818 - it is an outcome, not a failure
    """Ctrl-C / SIGTERM: finished runs are stored, the rest can be resumed."""

    def __init__(self, done: int, total: int, out: Path) -> None:
        super().__init__(
            f"interrupted: {done} of {total} runs stored in {out}; rerun the same command to resume"
        )
        self.done, self.total, self.out = done, total, out


# -------------------------------------------------------------- execution
@dataclass
class SweepOutcome:
    out: Path
    total: int  # runs in the design
    skipped: int  # already stored before this session
    ran: int  # finished and stored in this session
    wall_seconds: float  # this session, connecting to the cluster included
    run_seconds: float  # summed time inside run_one of this session's runs
    loop_seconds: float  # from submitting the first task to storing the last result
    workers: int
    status: str  # complete | nothing-to-do


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


def check_size(spec: SweepSpec, workers: int, force: bool = False) -> limits.Estimate:
    """Refuse (one line) a spec too large for ``workers`` workers of this machine's kind,
    counted from the spec alone: nothing is sampled, created or connected."""
    tree = custom_spec(spec.branching) if spec.branching else get_spec(spec.preset or "classroom")
    steps = [spec.steps_for(s) for s in spec.scenarios]
    points, runs = designs.n_points(spec), designs.n_runs(spec)
    if spec.replicates > 1 or not spec.samples:
        what, knob = f"replicates = {spec.replicates}", ("replicates", points)
    else:
        what, knob = f"samples = {spec.samples}", ("samples", runs // spec.samples)
    return limits.check_batch(
        f"{spec.source}: {what}", runs, tree, steps, workers, knob=knob, force=force
    )


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
    force: bool = False,
) -> SweepOutcome:
    """Run every run of ``spec`` not yet stored in ``out``; return what happened.

    Raises :class:`~experiments.spec.SpecError`, :class:`~experiments.limits.LimitError`,
    :class:`~experiments.store.StoreError` or :class:`SweepError` (one line, nothing
    stored is lost) or :class:`SweepInterrupted` after Ctrl-C / SIGTERM. ``force``
    runs a spec that the size check would refuse.
    """
    say = log or (lambda s: print(s, file=sys.stderr))
    t_start = time.perf_counter()
    workers = batch.check_workers_arg(workers)
    if scheduler is not None:
        scheduler = batch.check_address(scheduler)
    connect_timeout = batch.check_timeout(connect_timeout)
    check_size(spec, workers or batch.local_workers(), force)
    SweepStore.check(out, spec, resume=resume)
    design = designs.build(spec)
    tasks = designs.tasks(spec, design)
    total = len(tasks)
    say(f"{spec.name}: {designs.describe(spec, design)}")

    def outcome(
        done: set[int],
        ran: int = 0,
        run_s: float = 0.0,
        loop_s: float = 0.0,
        n: int = 0,
        status: str = "nothing-to-do",
    ) -> SweepOutcome:
        wall = time.perf_counter() - t_start
        return SweepOutcome(Path(out), total, len(done), ran, wall, run_s, loop_s, n, status)

    stored = _stored_without_a_cluster(out, spec, design, total, resume, say)
    if stored is not None:
        return outcome(stored)
    store: SweepStore | None = None
    with _sigterm_as_interrupt():
        try:
            # The scheduler must answer before a new directory is claimed.
            pool = batch.open_pool(workers, scheduler, connect_timeout, in_process=False)
            try:
                store = SweepStore.open(out, spec, design, resume=resume, log=say)
                done, ran, run_s, loop_s = _session(store, pool, spec, tasks, progress, say)
            finally:
                pool.close()
            status = store.finish_if_complete(total)
        except KeyboardInterrupt:
            # Ctrl-C outside the result loop (connecting, closing the cluster, compacting):
            # whatever is on disk is whole, so report it like any other interruption.
            n = len(store.done_ids() if store is not None else SweepStore.peek_done(out, spec))
            raise SweepInterrupted(n, total, Path(out)) from None
        finally:
            if store is not None:
                store.close()
    return outcome(done, ran, run_s, loop_s, pool.workers, status if ran else "nothing-to-do")


def _stored_without_a_cluster(
    out: str | Path,
    spec: SweepSpec,
    design: Any,
    total: int,
    resume: bool,
    say: Callable[[str], None],
) -> set[int] | None:
    """The stored run ids when every run is stored already (checked under the lock, and
    the sweep marked complete), else None: then a cluster is needed."""
    if len(SweepStore.peek_done(out, spec)) < total:
        return None
    store = SweepStore.open(out, spec, design, resume=resume, log=say)
    try:
        done = store.done_ids()  # reopening may have set damaged parts aside
        if len(done) < total:
            return None
        store.finish_if_complete(total)
        return done
    finally:
        store.close()


def _session(
    store: SweepStore,
    pool: batch.Pool,
    spec: SweepSpec,
    tasks: list[Task],
    progress: bool | None,
    say: Callable[[str], None],
) -> tuple[set[int], int, float, float]:
    """Run the tasks not yet stored as one session of the manifest: (stored before, ran,
    seconds inside the runs, seconds of the result loop)."""
    total = len(tasks)
    done = store.done_ids()
    todo = [t for t in tasks if t.run_id not in done]
    if done:
        say(f"resuming: {len(done)} of {total} runs already stored in {store.root}")
    if not todo:
        return done, 0, 0.0, 0.0
    say(f"running {len(todo)} runs on {pool.workers} worker(s) ({pool.scheduler or pool.where})")
    session = store.begin_session(
        {
            "start": now(),
            "machine": machine(),
            **code_version(),
            "executor": {"scheduler": pool.scheduler or "local", "workers": pool.workers},
            "runs_before": len(done),
        }
    )
    ran, run_s, loop_s = _execute(
        pool.client, spec, todo, store, total, len(done), progress, session
    )
    return done, ran, run_s, loop_s


def _execute(
    client: Any,
    spec: SweepSpec,
    todo: list[Task],
    store: Any,
    total: int,
    n_done: int,
    progress: bool | None,
    session: int,
) -> tuple[int, float, float]:
    from distributed import as_completed
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(
        total=total,
        initial=n_done,
        unit="run",
        desc=spec.name,
        disable=not show,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.05,
    )
    ran, run_seconds = 0, 0.0
    pending: list[dict[str, Any]] = []  # finished, not yet on disk

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
                        f"worker: {type(err).__name__}: {err}; {n_done + ran} finished runs are kept"
                    )
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
        raise SweepError(
            f"the sweep stopped after {n_done + ran} of {total} runs: "
            f"{type(e).__name__}: {e}; rerun the same command to resume"
        ) from None
    finally:
        loop_seconds = time.perf_counter() - t0
        bar.close()
        with contextlib.suppress(Exception):
            client.cancel(futures)
        store.end_session(session, status, ran)
    return ran, run_seconds, loop_seconds
