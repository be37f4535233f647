"""``cadre-sim sweep`` and ``cadre-sim analyze``: plugged into model/cli.py's parser.

    cadre-sim sweep SPEC --out DIR [--workers N | --scheduler ADDR] [--resume]
    cadre-sim analyze DIR [--out FIGDIR]
    cadre-sim reproduce --out DIR [--quick]      (experiments/reproduce.py)
    cadre-sim calibrate [--out DIR] [--quick]    (experiments/calibrate.py)

Bad input (spec, directory, scheduler) ends with one ``error: ...`` line and exit 2;
Ctrl-C ends with exit 130 after storing every finished run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from model.errors import CadreSimError

EXIT_INTERRUPTED = 130  # the shell's convention for "stopped by SIGINT"


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is invalid: allowed is an integer >= 1")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is invalid: allowed is a number of seconds > 0")
    return value


def _kinds(text: str) -> tuple[str, ...]:
    from experiments.analysis import check_kinds

    try:
        return check_kinds([k.strip() for k in text.split(",") if k.strip()])
    except CadreSimError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def register(subparsers: Any) -> None:
    """Add the ``sweep`` and ``analyze`` subcommands to cadre-sim's parser."""
    sweep = subparsers.add_parser(
        "sweep", help="run a batch parameter sweep from a TOML spec (local cores or a Dask cluster)",
        description="Run every run of a sweep spec (experiments/sweeps/*.toml) and store the "
                    "results as Parquet in DIR. Rerunning into the same DIR resumes.")
    sweep.add_argument("spec", nargs="?", metavar="SPEC",
                       help="sweep spec (TOML); with --resume it defaults to DIR/spec.toml")
    sweep.add_argument("--out", required=True, metavar="DIR", help="results directory")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, default=None, metavar="N",
                       help=f"local worker processes (default: all {os.cpu_count()} cores)")
    where.add_argument("--scheduler", default=None, metavar="ADDR",
                       help="address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786")
    sweep.add_argument("--resume", action="store_true",
                       help="continue the sweep in DIR (rerunning the same spec does this too)")
    sweep.add_argument("--timeout", type=_seconds, default=10.0, metavar="SECONDS",
                       help="how long to try reaching --scheduler (default %(default)s)")
    sweep.add_argument("--dry-run", action="store_true",
                       help="validate the spec and print the design size; run nothing")
    bar = sweep.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always show the progress bar (default: when stderr is a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    sweep.set_defaults(func=_sweep)

    analyze = subparsers.add_parser(
        "analyze", help="figures and tidy CSVs from a sweep's results",
        description="Response curves, phase diagrams, time-series bands and Sobol/Morris "
                    "indices (as the design allows) as PNG plus the CSV of every plotted number.")
    analyze.add_argument("dir", metavar="DIR", help="results directory of `cadre-sim sweep`")
    analyze.add_argument("--out", default=None, metavar="FIGDIR",
                         help="where to write figures and CSVs (default DIR/figures)")
    analyze.add_argument("--only", type=_kinds, default=None, metavar="KIND[,KIND]",
                         help="only some outputs: response, phase, timeseries, sensitivity")
    analyze.set_defaults(func=_analyze)

    # The findings report and the survey calibration live in their own modules; if one
    # cannot be imported, `sweep` and `analyze` must still work.
    try:
        from experiments.calibrate import register_calibrate
        from experiments.reproduce import register_reproduce
    except ImportError:
        return
    register_reproduce(subparsers)
    register_calibrate(subparsers)


def _sweep(args: argparse.Namespace) -> int:
    spec_path = args.spec
    if spec_path is None:
        if not args.resume:
            raise CadreSimError("SPEC is missing: give a sweep spec file (or --resume to continue DIR)")
        spec_path = Path(args.out) / "spec.toml"
        if not spec_path.exists():
            raise CadreSimError(f"--resume: '{args.out}' holds no spec.toml to resume from")
    try:
        return _run(args, spec_path)
    except KeyboardInterrupt:
        # Before this session ran anything (reading the spec, opening DIR).
        print(f"interrupted before any run started; runs already stored in {args.out} are kept",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace, spec_path: str | Path) -> int:
    from experiments import designs
    from experiments.spec import load_spec

    spec = load_spec(spec_path)
    for w in spec.warnings():
        print(f"warning: {w}", file=sys.stderr)
    if args.dry_run:
        design = designs.build(spec)
        print(f"{spec.name}: {designs.describe(spec, design)}")
        return 0

    from experiments.runner import SweepInterrupted, run_sweep

    try:
        outcome = run_sweep(spec, args.out, workers=args.workers, scheduler=args.scheduler,
                            resume=args.resume, progress=args.progress,
                            connect_timeout=args.timeout)
    except SweepInterrupted as e:
        print(str(e), file=sys.stderr)
        return EXIT_INTERRUPTED
    if outcome.ran:
        rate = 60 * outcome.ran / outcome.loop_seconds if outcome.loop_seconds > 0 else float("nan")
        print(f"stored {outcome.ran} runs in {outcome.loop_seconds:.1f} s ({rate:.0f} runs/min on "
              f"{outcome.workers} worker(s)); {outcome.skipped + outcome.ran} of {outcome.total} "
              f"runs in {outcome.out}")
    else:
        print(f"nothing to do: all {outcome.total} runs are already in {outcome.out}")
    print(f"next: cadre-sim analyze {outcome.out}")
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from experiments.analysis import analyze

    report = analyze(args.dir, args.out, log=lambda s: print(s, file=sys.stderr), only=args.only)
    for path in report.files:
        print(path)
    return 0
