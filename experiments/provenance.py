"""Where results came from: code version, source hash, machine and time.

Stored with every sweep session; the source hash is also how a batch checks that its
Dask workers run the same model code as the machine that submits the work.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# What determines a run's output: the model and the code that runs it and summarises it.
SOURCE_FILES = ("model", "experiments/batch.py", "experiments/rows.py")


def source_hash() -> str:
    """SHA-256 over the sources in :data:`SOURCE_FILES` (paths and contents)."""
    h = hashlib.sha256()
    for rel in SOURCE_FILES:
        p = ROOT / rel
        files = sorted(p.glob("*.py")) if p.is_dir() else [p]
        for f in files:
            h.update(f.relative_to(ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def code_version() -> dict[str, str | None]:
    """``git describe`` when the sources are a git checkout, else package version + source hash."""
    try:
        pkg = version("cadre-sim")
    except PackageNotFoundError:
        pkg = "unknown"
    src = source_hash()
    git = None
    if (ROOT / ".git").exists():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            r = subprocess.run(
                ["git", "-C", str(ROOT), "describe", "--always", "--dirty", "--tags"],
                capture_output=True,
                text=True,
                timeout=10,
            )
            if r.returncode == 0 and r.stdout.strip():
                git = r.stdout.strip()
    return {
        "code_version": git or f"{pkg}+src.{src[:12]}",
        "package": pkg,
        "git": git,
        "source_hash": src,
    }


def machine() -> dict[str, Any]:
    return {
        "host": platform.node(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
