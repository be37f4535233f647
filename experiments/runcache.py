"""Finished runs of a long job kept on disk, so a killed or crashed job resumes.

``cadre-sim reproduce`` (about 9 minutes) and ``cadre-sim calibrate`` (about 5) run
thousands of independent tasks. Each finished result is written at once, atomically, as
one file named by a digest of its :class:`~experiments.batch.Task` and of the code that
computes it (:func:`experiments.provenance.source_hash`, with the numpy and Python
versions). Run the same command into the same folder again and only the missing tasks
run; a result computed by other code, or for another task, is never reused. Because a
task's result depends only on the task (its seed included), a resumed job gives exactly
the results an uninterrupted one would.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import shutil
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from experiments.files import write_bytes

FOLDER = ".runs"  # inside the job's output folder
SUFFIX = ".pkl"


@lru_cache(maxsize=1)
def _code() -> bytes:
    from experiments.provenance import source_hash

    return f"{source_hash()}|numpy {np.__version__}|python {sys.version}".encode()


class RunCache:
    """Results of finished tasks under ``root``: ``get`` what is there, ``put`` as it comes."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.reused = 0  # results read back in this session
        self._mine: set[Path] = set()  # files this job read or wrote

    def key(self, task: Any) -> str:
        return hashlib.sha256(_code() + repr(task).encode()).hexdigest()[:32]

    def _path(self, task: Any) -> Path:
        return self.root / f"{self.key(task)}{SUFFIX}"

    def get(self, task: Any) -> Any | None:
        """The stored result of ``task``, or None (none stored, or unreadable)."""
        path = self._path(task)
        try:
            with open(path, "rb") as f:
                result = pickle.load(f)
        except FileNotFoundError:
            return None
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            return None  # damaged: run it again (atomic writes make this rare)
        self.reused += 1
        self._mine.add(path)
        return result

    def put(self, task: Any, result: Any) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(task)
        write_bytes(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        self._mine.add(path)

    def count(self) -> int:
        """Finished results stored."""
        return len(list(self.root.glob(f"*{SUFFIX}"))) if self.root.is_dir() else 0

    def clear(self) -> None:
        """Remove the results this job used (it finished and wrote its own files), and the
        folder if nothing else is left: runs kept by another interrupted job (another
        seed, the full form) stay for it."""
        for path in self._mine:
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.root.rmdir()


def resumable(out: Path, job: Callable[[RunCache], Any]) -> Any:
    """Run ``job`` with a cache in ``out/.runs``; on success remove the cache.

    If the job stops (Ctrl-C, an error) the finished runs stay for the next attempt; if
    none had finished, folders this call created are removed again, so nothing is left
    behind. :class:`KeyboardInterrupt` is re-raised with a ``kept`` attribute saying what
    was kept (None: nothing).
    """
    created = [p for p in (out, out / FOLDER) if not p.exists()]
    cache = RunCache(out / FOLDER)
    try:
        result = job(cache)
    except BaseException as e:
        n = cache.count()
        if n == 0:
            for p in reversed(created):
                shutil.rmtree(p, ignore_errors=True)
        if isinstance(e, KeyboardInterrupt):
            e.kept = (
                f"{n} finished run(s) kept in {cache.root}; the same command resumes" if n else None
            )
        raise
    cache.clear()
    return result
