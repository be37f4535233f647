"""``python -m benchmarks``: model (and, if present, sweep) benchmarks.

Prints the figures and PASS/FAIL against the performance targets, and writes
everything to ``benchmarks/results/latest.json`` (gitignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """Where and with what the figures were measured."""
    import mesa
    import numpy

    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        mem = None
    return {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "mesa": mesa.__version__,
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": mem,
        "load_average_at_start": list(os.getloadavg()),
    }


def run_sweep(quick: bool) -> dict[str, Any]:
    """Sweep throughput from ``benchmarks/bench_sweep.py`` if that module exists."""
    if importlib.util.find_spec("benchmarks.bench_sweep") is None:
        note = "skipped: benchmarks/bench_sweep.py is not present"
        print(note)
        return {"skipped": note}
    try:
        from benchmarks import bench_sweep
    except ImportError as exc:  # e.g. an optional dependency of the sweep stack is missing
        note = f"skipped: benchmarks.bench_sweep could not be imported ({exc})"
        print(note)
        return {"skipped": note}
    result = bench_sweep.run(quick=quick)
    for key, value in result.items():
        print(f"{key}: {json.dumps(value) if isinstance(value, (dict, list)) else value}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick", action="store_true", help="reduced run (< 1 min): fewer steps, no national scale"
    )
    ap.add_argument("--only", choices=("model", "sweep"), help="run only one group of benchmarks")
    ap.add_argument(
        "--scales", help="comma-separated model scales to run (default: all), e.g. classroom,10k"
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help=f"JSON output (default {RESULTS})")
    ap.add_argument("--strict", action="store_true", help="exit 1 if any target FAILs")
    ap.add_argument(
        "--markdown",
        type=Path,
        metavar="JSON",
        help="print the model figures of an earlier run as Markdown and exit",
    )
    args = ap.parse_args(argv)

    from benchmarks import bench_model

    if args.markdown:
        try:
            data = json.loads(args.markdown.read_text())["model"]
        except (OSError, ValueError, KeyError) as exc:
            print(
                f"error: --markdown {args.markdown}: no model results readable ({exc})",
                file=sys.stderr,
            )
            return 2
        print(bench_model.markdown(data))
        return 0
    from model.errors import CadreSimError

    scales = [s.strip() for s in args.scales.split(",") if s.strip()] if args.scales else None
    known = [s.name for s in bench_model.SCALES]
    for name in scales or []:
        if name not in known:
            print(
                f"error: --scales '{name}' is unknown: allowed are {', '.join(known)}",
                file=sys.stderr,
            )
            return 2

    info = machine()
    print(
        f"benchmarks on {info['cpu']} ({info['cpu_count']} cores), python {info['python']}, "
        f"mesa {info['mesa']}, numpy {info['numpy']}{' [quick]' if args.quick else ''}"
    )
    results: dict[str, Any] = {"machine": info, "quick": args.quick}
    try:
        if args.only in (None, "model"):
            print("\n== model ==")
            results["model"] = bench_model.run(quick=args.quick, only_scales=scales)
        if args.only in (None, "sweep"):
            print("\n== sweep ==")
            results["sweep"] = run_sweep(args.quick)
    except CadreSimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    info["load_average_at_end"] = list(os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    failed = [t for t in results.get("model", {}).get("targets", []) if t["status"] == "FAIL"]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
