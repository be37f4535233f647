"""The results store: one directory per sweep, Parquet part files and a manifest.

Layout of ``DIR``::

    manifest.json          spec (canonical and as written), spec hash, code version,
                           sessions with start/end times, machine and executor, status
    spec.toml              the spec file as it was run
    design.parquet         the design points (one row per point)
    runs/part-*.parquet    one row per run x level: ids, seed, varied parameters, outputs
    timeseries/part-*.parquet  (if recorded) one row per run x month x level

    damaged/               parts and files found unreadable, set aside (never deleted)

Every file is written to a temporary name in the same directory, flushed to disk and
renamed over its final name, so a sweep killed at any moment leaves only whole files.
A run counts as done once its ``runs`` rows (and, when recorded, its time series) are
on disk; its time series is written just before its rows, so a kill in between leaves
an orphan time series that is dropped on load and rewritten on resume. Loading
de-duplicates on the run id, so a run stored twice (a kill during compaction) still
appears once, and a reader that lists a part just merged away by compaction lists again.
One sweep process writes to a directory at a time (an advisory lock).

Damage from outside (a truncated, corrupted or empty part, a missing or unreadable
``design.parquet``) is reported by :func:`load` in one line; reopening the directory to
resume moves every unreadable file into ``damaged/`` and rewrites the design, so the runs
whose results were lost are simply run again and the finished store equals an
undamaged one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.files import TMP_SUFFIX, atomic_write, check_out_dir, write_json, write_text
from experiments.provenance import now as _now
from experiments.rows import OUTPUT_COLUMNS, ROW_LEVELS, TS_COLUMNS
from experiments.spec import SpecError, SweepSpec
from model.errors import CadreSimError
from model.params import SCHEMA

FORMAT = 1
MANIFEST = "manifest.json"
TABLES = ("runs", "timeseries")
# Merge small part files once there are this many, so a long sweep does not leave
# tens of thousands of files (loading would slow down).
COMPACT_AT = 256
DAMAGED = "damaged"
READ_RETRIES = 5  # a reader lists the parts again when one vanished under it (compaction)


class StoreError(CadreSimError):
    """A results directory that cannot be used (wrong spec, not a sweep, locked, damaged)."""


class _Vanished(Exception):  # noqa: N818 - an internal signal, not an error
    """A listed part was merged away (compaction) before it could be read."""


# ------------------------------------------------------------- files


def _write_table(path: Path, table: pa.Table) -> None:
    atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))


def _damage(path: Path, columns: list[str] | None = None) -> str | None:
    """Why the Parquet file ``path`` cannot be read (None if it can); raises
    :class:`_Vanished` if it no longer exists."""
    try:
        pq.read_table(path, columns=columns)
    except FileNotFoundError:
        raise _Vanished(path) from None
    except (pa.ArrowException, OSError, ValueError) as e:
        text = str(e).splitlines()[0] if str(e) else type(e).__name__
        return f"{type(e).__name__}: {text}"
    return None


def _read_table(path: Path, root: Path, columns: list[str] | None = None) -> pa.Table:
    """Read one stored Parquet file, or say in one line that it is damaged."""
    try:
        return pq.read_table(path, columns=columns)
    except FileNotFoundError:
        raise _Vanished(path) from None
    except (pa.ArrowException, OSError, ValueError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise StoreError(
            f"'{path}' is damaged ({type(e).__name__}: {reason}); "
            f"`cadre-sim sweep --resume --out {root}` sets it aside and runs its runs "
            "again"
        ) from None


# ------------------------------------------------------------------ schema
def _param_type(name: str) -> pa.DataType:
    return pa.int64() if SCHEMA[name].kind == "int" else pa.float64()


def runs_schema(spec: SweepSpec) -> pa.Schema:
    fields = [
        ("run_id", pa.int64()),
        ("point", pa.int64()),
        ("replicate", pa.int64()),
        ("seed", pa.int64()),
        ("scenario", pa.string()),
        ("steps", pa.int64()),
        ("level", pa.string()),
        ("n_cadres", pa.int64()),
    ]
    fields += [(n, _param_type(n)) for n in spec.parameters]
    fields += [(c, pa.float64()) for c in OUTPUT_COLUMNS]
    return pa.schema(fields)


def timeseries_schema() -> pa.Schema:
    return pa.schema(
        [("run_id", pa.int64()), ("step", pa.int64()), ("level", pa.string())]
        + [(c, pa.float64()) for c in TS_COLUMNS]
    )


def _table(results: list[dict[str, Any]], key: str, schema: pa.Schema) -> pa.Table:
    cols = {}
    for f in schema:
        parts = [r[key][f.name] for r in results]
        if pa.types.is_string(f.type):
            values: Any = [v for p in parts for v in p]
        else:
            values = np.concatenate([np.asarray(p) for p in parts])
        cols[f.name] = pa.array(values, type=f.type)
    return pa.table(cols, schema=schema)


# ------------------------------------------------------------------- store
class SweepStore:
    """Writer side of a results directory (the reader side is :func:`load`)."""

    def __init__(self, root: Path, spec: SweepSpec) -> None:
        self.root = root
        self.spec = spec
        self._lock_fd: int | None = None
        # Unique per writer: two sessions (even in one process, in one second) never
        # reuse a part name, so a write can never replace another session's results.
        self._token = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:10]}"
        self._seq = 0
        self._schemas = {"runs": runs_schema(spec), "timeseries": timeseries_schema()}

    # ........................................................... opening
    @staticmethod
    def check(out: str | Path, spec: SweepSpec, *, resume: bool = False) -> dict[str, Any] | None:
        """Whether ``out`` can take this sweep, read-only: nothing is created or locked.

        Returns the stored manifest (None for a new directory); raises a one-line
        :class:`StoreError` / :class:`SpecError` for a file, a folder that cannot be
        written, a foreign folder, nothing to resume, or another spec's results.
        """
        root = check_out_dir(out)
        if not (root / MANIFEST).exists():
            if resume:
                raise StoreError(f"--resume: '{out}' holds no sweep to resume (no {MANIFEST})")
            if root.exists() and any(p.name != ".lock" for p in root.iterdir()):
                raise StoreError(
                    f"--out '{out}' is not empty and holds no sweep; choose a new "
                    "or empty directory"
                )
            return None
        m = read_manifest(root)
        if m.get("spec_hash") != spec.hash:
            raise SpecError(
                f"'{root}' holds results of a different spec ('{m.get('name')}', hash "
                f"{str(m.get('spec_hash'))[:12]}) than {spec.source} (hash {spec.hash[:12]}); "
                "use another --out directory"
            )
        return m

    @staticmethod
    def peek_done(out: str | Path, spec: SweepSpec) -> set[int]:
        """Run ids already stored in ``out``, read without locking (parts that cannot be
        read count as not done); empty for a directory that holds no sweep yet."""
        root = Path(out)
        if not (root / MANIFEST).exists():
            return set()
        for _ in range(READ_RETRIES):
            try:
                return _done_ids(root, spec.record.timeseries, strict=False)
            except _Vanished:
                continue
        return set()

    @classmethod
    def open(
        cls,
        out: str | Path,
        spec: SweepSpec,
        design: pd.DataFrame,
        *,
        resume: bool = False,
        log: Callable[[str], None] | None = None,
    ) -> SweepStore:
        """Create ``out`` for ``spec`` or reopen it to resume; refuse anything else.

        Reopening closes the sessions of a killed sweep in the manifest, sets unreadable
        files aside in ``damaged/`` (``log`` says which) and rewrites a missing design.
        """
        existing = cls.check(out, spec, resume=resume) is not None
        root = Path(out)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"--out '{out}' cannot be created: {e.strerror}") from None
        store = cls(root, spec)
        store._lock()
        try:
            if existing:
                store._close_killed_sessions()
                store._check(design, log)
            else:
                store._create(design)
            for t in TABLES:
                (root / t).mkdir(exist_ok=True)
            store._remove_stale_temporaries()
            if existing:
                store._set_aside_damaged(log)
        except BaseException:
            store.close()
            raise
        return store

    def _lock(self) -> None:
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise StoreError(
                f"'{self.root}' is in use by another sweep (pid {holder}); "
                "wait for it or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock_fd = fd

    def _remove_stale_temporaries(self) -> None:
        # Left by a writer killed mid-file; we hold the lock, so no one is writing them now.
        for d in (self.root, *(self.root / t for t in TABLES)):
            for p in d.glob(f".*{TMP_SUFFIX}"):
                p.unlink(missing_ok=True)

    def _set_aside(self, path: Path, reason: str, log: Callable[[str], None] | None) -> None:
        """Move an unreadable file into ``damaged/`` (kept for inspection, never deleted)."""
        rel = path.relative_to(self.root)
        dest = self.root / DAMAGED / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        k = 0
        while dest.exists():
            k += 1
            dest = dest.with_name(f"{path.name}.{k}")
        shutil.move(path, dest)

        def note(m: dict[str, Any]) -> None:
            m.setdefault("set_aside", []).append(
                {
                    "file": rel.as_posix(),
                    "moved_to": dest.relative_to(self.root).as_posix(),
                    "reason": reason,
                    "time": _now(),
                }
            )

        self._update(note)
        if log:
            log(
                f"set aside damaged {rel.as_posix()} ({reason}) in {dest.relative_to(self.root).as_posix()}; "
                "its runs will be run again"
            )

    def _set_aside_damaged(self, log: Callable[[str], None] | None) -> None:
        for t in TABLES:
            for p in self._parts(t):
                reason = _damage(p)
                if reason is not None:
                    self._set_aside(p, reason, log)

    def _close_killed_sessions(self) -> None:
        """Sessions still 'running' under our lock belong to a process that was killed."""

        def close(m: dict[str, Any]) -> None:
            for s in m["sessions"]:
                if s.get("status") == "running":
                    s["status"] = "killed"
                    s["note"] = (
                        "the process ended without closing this session (killed, or the "
                        "machine stopped); its stored runs are kept"
                    )
            if m.get("status") == "running":
                m["status"] = "interrupted"

        if any(s.get("status") == "running" for s in self.manifest()["sessions"]):
            self._update(close)

    def close(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None

    def _create(self, design: pd.DataFrame) -> None:
        from experiments.designs import n_runs

        spec = self.spec
        # The manifest goes first: it is what marks the directory as a sweep, so a kill
        # right after creation still leaves a directory that can be resumed.
        write_json(
            self.root / MANIFEST,
            {
                "format": FORMAT,
                "name": spec.name,
                "description": spec.description,
                "spec_hash": spec.hash,
                "spec": spec.canonical(),
                "spec_text": spec.text,
                "spec_source": spec.source,
                "parameters": list(spec.parameters),
                "design": spec.design,
                "n_points": len(design),
                "n_runs": n_runs(spec, design),
                "created": _now(),
                "status": "created",
                "finished": None,
                "sessions": [],
            },
        )
        if spec.text:
            write_text(self.root / "spec.toml", spec.text)
        _write_table(
            self.root / "design.parquet", pa.Table.from_pandas(design, preserve_index=False)
        )

    def _check(self, design: pd.DataFrame, log: Callable[[str], None] | None) -> None:
        path = self.root / "design.parquet"
        reason = _damage(path) if path.exists() else "missing"
        if reason is not None:
            if reason != "missing":
                self._set_aside(path, reason, log)
            elif log:
                log(f"design.parquet was missing in {self.root}: written again from the spec")
            _write_table(path, pa.Table.from_pandas(design, preserve_index=False))
            return
        stored = pq.read_table(path).to_pandas()
        if not stored.equals(design):
            raise SpecError(
                f"'{self.root}': the design this spec gives now differs from the stored one "
                "(a different SALib/numpy version?); finish it with the original environment "
                "or use another --out directory"
            )

    # ........................................................... manifest
    def manifest(self) -> dict[str, Any]:
        return read_manifest(self.root)

    def _update(self, fn: Callable[[dict[str, Any]], None]) -> None:
        m = self.manifest()
        fn(m)
        write_json(self.root / MANIFEST, m)

    def begin_session(self, info: dict[str, Any]) -> int:
        index = len(self.manifest()["sessions"])

        def add(m: dict[str, Any]) -> None:
            m["sessions"].append({**info, "end": None, "status": "running", "runs": 0})
            m["status"] = "running"

        self._update(add)
        return index

    def end_session(self, index: int, status: str, runs: int) -> None:
        def end(m: dict[str, Any]) -> None:
            s = m["sessions"][index]
            s.update(end=_now(), status=status, runs=runs)
            m["status"] = status if status != "complete" else "running"

        with contextlib.suppress(OSError):
            self._update(end)

    def record_error(self, index: int, text: str) -> None:
        def add(m: dict[str, Any]) -> None:
            m["sessions"][index]["error"] = text

        with contextlib.suppress(OSError):
            self._update(add)

    def finish_if_complete(self, total: int) -> str:
        """Compact the part files and mark the sweep complete when every run is stored."""
        done = self.done_ids()
        if len(done) < total:
            return "incomplete"
        self.compact()

        def fin(m: dict[str, Any]) -> None:
            m["status"] = "complete"
            m["finished"] = m["finished"] or _now()

        self._update(fin)
        return "complete"

    # ........................................................... parts
    def _parts(self, table: str) -> list[Path]:
        return _part_paths(self.root, table)

    def done_ids(self) -> set[int]:
        """Runs whose rows (and time series, when recorded) are stored."""
        return _done_ids(self.root, self.spec.record.timeseries, strict=True)

    def write(self, results: list[dict[str, Any]]) -> None:
        """Store finished runs: time series first, then the rows that mark them done."""
        if not results:
            return
        self._seq += 1
        name = f"part-{self._token}-{self._seq:06d}.parquet"
        if results[0].get("ts") is not None:
            _write_table(
                self.root / "timeseries" / name, _table(results, "ts", self._schemas["timeseries"])
            )
        _write_table(self.root / "runs" / name, _table(results, "rows", self._schemas["runs"]))
        if len(self._parts("runs")) >= COMPACT_AT:
            self.compact()

    def compact(self) -> None:
        """Merge each table's parts into one (de-duplicated) part file."""
        for t in TABLES:
            parts = self._parts(t)
            if len(parts) <= 1:
                continue
            frame = _dedupe(t, pa.concat_tables([pq.read_table(p) for p in parts]).to_pandas())
            if t == "timeseries":
                # Orphans (time series of a run killed before its rows were written) go.
                frame = frame[frame["run_id"].isin(self.done_ids())]
            self._seq += 1
            name = f"part-{self._token}-{self._seq:06d}c.parquet"
            _write_table(
                self.root / t / name,
                pa.Table.from_pandas(frame, schema=self._schemas[t], preserve_index=False),
            )
            # A kill between here and the last unlink leaves duplicates, which load drops.
            for p in parts:
                p.unlink()


# ------------------------------------------------------------------ reading
def read_manifest(path: str | Path) -> dict[str, Any]:
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise StoreError(f"'{path}' is a file, not a sweep results directory")
    p = root / MANIFEST
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"'{path}' is not a sweep results directory (no {MANIFEST})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise StoreError(f"'{p}' is not valid JSON: {e}") from None
    except OSError as e:
        raise StoreError(f"'{p}' cannot be read: {e.strerror}") from None


def _part_paths(root: Path, table: str) -> list[Path]:
    return sorted((root / table).glob("part-*.parquet"))


def _ids(root: Path, table: str, strict: bool) -> set[int]:
    ids: set[int] = set()
    for p in _part_paths(root, table):
        if strict:
            t = _read_table(p, root, columns=["run_id"])
        else:
            try:
                t = pq.read_table(p, columns=["run_id"])
            except FileNotFoundError:
                raise _Vanished(p) from None
            except (pa.ArrowException, OSError, ValueError):
                continue
        ids.update(t.column(0).to_pylist())
    return ids


def _done_ids(root: Path, timeseries: bool, strict: bool) -> set[int]:
    done = _ids(root, "runs", strict)
    return done & _ids(root, "timeseries", strict) if timeseries else done


def _dedupe(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["run_id", "level"] if table == "runs" else ["run_id", "step", "level"]
    frame = frame.drop_duplicates(subset=keys, keep="first")
    order = frame["level"].map({lv: i for i, lv in enumerate(ROW_LEVELS)})
    sort = ["run_id", "_lv"] if table == "runs" else ["run_id", "step", "_lv"]
    frame = frame.assign(_lv=order).sort_values(sort, kind="stable").drop(columns="_lv")
    return frame.reset_index(drop=True)


def load(path: str | Path, table: str = "runs") -> pd.DataFrame:
    """The stored results of the sweep in ``path`` as one tidy DataFrame.

    ``table="runs"``: one row per run x level (ids, seed, varied parameters, outputs),
    sorted by run id and level. ``"timeseries"``: one row per run x month x level, with
    the run's scenario, replicate, seed and parameters joined in. ``"design"``: the
    design points. Runs still missing from an unfinished sweep are simply absent; a
    damaged file is a one-line :class:`StoreError` that says how to repair it.
    """
    root = Path(path)
    m = read_manifest(root)
    if table == "design":
        return _read_design(root)
    if table not in TABLES:
        raise StoreError(f"table = '{table}' is invalid: allowed are runs, timeseries, design")
    if table == "timeseries" and not (m["spec"]["record"]["timeseries"]):
        raise StoreError(
            f"'{path}': this sweep did not record time series "
            "(set timeseries = true under [record])"
        )
    for _ in range(READ_RETRIES):
        try:
            return _load(root, m, table)
        except _Vanished:
            time.sleep(0.05)  # compaction merged parts away under us: list them again
    raise StoreError(
        f"'{path}' kept changing while it was read (a sweep is compacting it); "
        "try again when the sweep has finished"
    )


def _load(root: Path, m: dict[str, Any], table: str) -> pd.DataFrame:
    runs = _read(root, "runs", _part_paths(root, "runs"))
    if table == "runs":
        frame = runs
    else:
        frame = _read(root, "timeseries", _part_paths(root, "timeseries"))
        ids = runs.drop_duplicates("run_id")[
            ["run_id", "point", "replicate", "seed", "scenario", *m["parameters"]]
        ]
        frame = frame.merge(ids, on="run_id", how="inner", validate="many_to_one")
        front = [
            "run_id",
            "point",
            "replicate",
            "seed",
            "scenario",
            *m["parameters"],
            "step",
            "level",
        ]
        frame = frame[front + [c for c in frame.columns if c not in front]]
    frame["level"] = pd.Categorical(frame["level"], categories=list(ROW_LEVELS), ordered=True)
    return frame


def _read_design(root: Path) -> pd.DataFrame:
    path = root / "design.parquet"
    if not path.exists():
        raise StoreError(
            f"'{path}' is missing; `cadre-sim sweep --resume --out {root}` writes it "
            "again from the spec"
        )
    try:
        return _read_table(path, root).to_pandas()
    except _Vanished:
        raise StoreError(
            f"'{path}' is missing; `cadre-sim sweep --resume --out {root}` writes "
            "it again from the spec"
        ) from None


def _read(root: Path, table: str, parts: list[Path]) -> pd.DataFrame:
    if not parts:
        if table == "runs":
            return _empty_runs(read_manifest(root))
        return pd.DataFrame(columns=timeseries_schema().names)
    tables = [_read_table(p, root) for p in parts]
    frame = pa.concat_tables(tables, promote_options="default").to_pandas()
    return _dedupe(table, frame)


def _empty_runs(m: dict[str, Any]) -> pd.DataFrame:
    cols = [
        "run_id",
        "point",
        "replicate",
        "seed",
        "scenario",
        "steps",
        "level",
        "n_cadres",
        *m["parameters"],
        *OUTPUT_COLUMNS,
    ]
    return pd.DataFrame(columns=cols)
