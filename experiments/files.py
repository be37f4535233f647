"""Writing results: the one atomic writer, and output folders checked before any work.

Every file the project writes (sweep parts and manifests, figures, CSVs, reports, the
outputs of ``cadre-sim run``) goes through :func:`atomic_write`: a temporary sibling,
flushed to disk, renamed over the final name. A process killed at any moment leaves the
old file or the new one, never half of one.

:func:`check_out_dir` says in one line whether a folder can receive results *before*
anything is computed, and creates nothing; :func:`make_dir` creates it once there is
something to write.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from model.errors import CadreSimError

TMP_SUFFIX = ".tmp"  # temporaries are ".<name>.<random>.tmp" beside their final file


class OutputError(CadreSimError):
    """An output path that cannot receive results (one line naming it)."""


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(tmp)`` on a temporary sibling, fsync, then rename.

    The temporary has a unique name (two writers never share one) and gets the
    permissions a plain ``open()`` would give; readers see the old file or the new one.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    os.close(fd)
    tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def write_text(path: str | Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_bytes(path: str | Path, data: bytes) -> None:
    atomic_write(path, lambda p: p.write_bytes(data))


def write_json(path: str | Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n")


def write_csv(path: str | Path, frame: Any, **kw: Any) -> None:
    atomic_write(path, lambda p: frame.to_csv(p, index=False, **kw))


def save_png(path: str | Path, fig: Any, dpi: int = 110) -> None:
    atomic_write(path, lambda p: fig.savefig(p, format="png", dpi=dpi))


# ------------------------------------------------------------ output folders
def writable(folder: Path) -> bool:
    """Whether this process may create files in the existing ``folder``."""
    return os.access(folder, os.W_OK | os.X_OK)


def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_out_dir(text: str | Path, option: str = "--out") -> Path:
    """The folder ``text`` if results can be written there; creates nothing.

    Raises :class:`OutputError` (one line) for an empty path, a path naming a file, or a
    folder (or the nearest existing parent of a missing one) that this process cannot
    write to. Called before any model runs, so a bad folder costs no computing.
    """
    if not str(text).strip():
        raise OutputError(
            f"{option} '{text}' is invalid: allowed is a directory path "
            "(an empty path would write into the current directory)"
        )
    path = Path(text)
    base = _nearest_existing(path)
    if not base.is_dir():
        what = (
            "names an existing file" if base == path.absolute() else f"lies under the file '{base}'"
        )
        raise OutputError(
            f"{option} '{text}' is invalid: allowed is a directory path, and this {what}"
        )
    if not writable(base):
        where = "is" if base == path.absolute() else f"would be created in '{base}', which is"
        raise OutputError(f"{option} '{text}' {where} not writable; choose another directory")
    return path


def make_dir(path: str | Path, option: str = "--out") -> Path:
    """Create ``path`` (and its parents); an OS refusal is one :class:`OutputError` line."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(
            f"{option} '{path}' is invalid: allowed is a directory path, and this "
            "names an existing file"
        ) from None
    except OSError as e:
        raise OutputError(f"{option} '{path}' cannot be created: {e.strerror}") from None
    return path
