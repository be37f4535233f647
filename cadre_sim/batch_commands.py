"""``cadre-sim compare | sweep | analyze | reproduce | calibrate``: many runs at once.

    cadre-sim compare --out DIR [--preset P] [--replicates N] [--steps N]
    cadre-sim sweep SPEC --out DIR [--workers N | --scheduler ADDR] [--resume] [--force]
    cadre-sim analyze DIR [--out FIGDIR]
    cadre-sim reproduce --out DIR [--quick] [--workers N | --scheduler ADDR]
    cadre-sim calibrate [--out DIR] [--quick] [--workers N | --scheduler ADDR]

Bad input (spec, directory, scheduler, sizes) ends with one ``error: ...`` line and exit
2, checked before anything is computed or created; Ctrl-C ends with exit 130 (a sweep
stores every finished run first).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cadre_sim.args import (
    NON_NEGATIVE,
    POSITIVE,
    PRESET,
    add_executor,
    add_force,
    converter,
    directory,
    pct,
)
from model import threads
from model.errors import CadreSimError
from model.hierarchy import PRESETS, get_spec
from model.metrics import SURVEY_ANSWERS, SURVEY_TARGET

EXIT_INTERRUPTED = 130  # the shell's convention for "stopped by SIGINT"
DEFAULT_SEED = 2024  # of reproduce and calibrate


def _kinds(text: str) -> tuple[str, ...]:
    from experiments.analysis import check_kinds

    return check_kinds([k.strip() for k in text.split(",") if k.strip()])


# -------------------------------------------------------------------- compare
def _compare(args: argparse.Namespace) -> int:
    from experiments import limits
    from experiments.compare import HEADLINE, compare, write_compare
    from experiments.files import check_out_dir
    from model.metrics import ROW_LEVELS, VALUE_COLUMNS
    from model.scenarios import get

    threads.n_threads()
    out = check_out_dir(args.out)
    steps = [args.steps or get(n).steps for n in HEADLINE]
    kept = max(steps) * len(ROW_LEVELS) * (len(VALUE_COLUMNS) + 5) * 8 * 3  # frame, concat, CSV
    limits.check_batch(
        f"--replicates {args.replicates}",
        len(HEADLINE) * args.replicates,
        get_spec(args.preset),
        steps,
        1,
        kept_bytes_per_run=kept,
        knob=("--replicates", len(HEADLINE)),
        force=args.force,
    )
    c = compare(args.preset, args.seed, args.replicates, args.steps)
    files = write_compare(out, c)

    print(
        f"preset {args.preset} · {args.replicates} replicates per scenario (seed {args.seed}) · "
        "shares over the last 20% of months, mean of replicates"
    )
    print(f"{'scenario':<28}{'township':>20}{'all levels':>20}   survey many/few/none/don't know")
    print(f"{'':<28}{'innovate':>10}{'avoid':>10}{'innovate':>10}{'avoid':>10}")
    for name, res in c.summary["scenarios"].items():
        lv = res["levels"]
        cells = [
            lv["township"]["innovate"],
            lv["township"]["avoid"],
            lv["all"]["innovate"],
            lv["all"]["avoid"],
        ]
        survey = "/".join(f"{100 * res['survey'][a]['mean']:.0f}" for a in SURVEY_ANSWERS)
        print(f"{name:<28}" + "".join(f"{pct(x['mean']):>10}" for x in cells) + f"   {survey} %")
    target = "/".join(f"{100 * SURVEY_TARGET[a]:.0f}" for a in SURVEY_ANSWERS)
    print(f"{'(seed 003 field survey)':<68}   {target} %")
    print("wrote " + ", ".join(str(f) for f in files))
    return 0


# ---------------------------------------------------------------------- sweep
def _sweep(args: argparse.Namespace) -> int:
    from experiments.files import check_out_dir

    threads.n_threads()
    check_out_dir(args.out)
    spec_path = args.spec
    if spec_path is None:
        if not args.resume:
            raise CadreSimError(
                "SPEC is missing: give a sweep spec file (or --resume to continue DIR)"
            )
        spec_path = Path(args.out) / "spec.toml"
        if not spec_path.exists():
            raise CadreSimError(f"--resume: '{args.out}' holds no spec.toml to resume from")
    try:
        return _run_sweep(args, spec_path)
    except KeyboardInterrupt:
        # Before this session ran anything (reading the spec, checking DIR).
        print(
            f"interrupted before any run started; runs already stored in {args.out} are kept",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


def _run_sweep(args: argparse.Namespace, spec_path: str | Path) -> int:
    from experiments import designs
    from experiments.batch import local_workers
    from experiments.runner import SweepInterrupted, check_size, run_sweep
    from experiments.spec import load_spec
    from experiments.store import SweepStore

    spec = load_spec(spec_path)
    for w in spec.warnings():
        print(f"warning: {w}", file=sys.stderr)
    if args.dry_run:
        workers = args.workers or local_workers()
        need = check_size(spec, workers, args.force)
        SweepStore.check(args.out, spec, resume=args.resume)
        print(
            f"{spec.name}: {designs.describe(spec)}; about {_duration(need.seconds)} on "
            f"{workers} worker(s)"
        )
        return 0
    try:
        outcome = run_sweep(
            spec,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=args.progress,
            connect_timeout=args.timeout,
            force=args.force,
        )
    except SweepInterrupted as e:
        print(str(e), file=sys.stderr)
        return EXIT_INTERRUPTED
    if outcome.ran:
        rate = 60 * outcome.ran / outcome.loop_seconds if outcome.loop_seconds > 0 else float("nan")
        print(
            f"stored {outcome.ran} runs in {outcome.loop_seconds:.1f} s ({rate:.0f} runs/min on "
            f"{outcome.workers} worker(s)); {outcome.skipped + outcome.ran} of {outcome.total} "
            f"runs in {outcome.out}"
        )
    else:
        print(f"nothing to do: all {outcome.total} runs are already in {outcome.out}")
    print(f"next: cadre-sim analyze {outcome.out}")
    return 0


def _duration(seconds: float) -> str:
    from experiments.limits import duration

    return duration(seconds)


# -------------------------------------------------------------------- analyze
def _analyze(args: argparse.Namespace) -> int:
    from experiments.analysis import analyze

    report = analyze(args.dir, args.out, log=lambda s: print(s, file=sys.stderr), only=args.only)
    for path in report.files:
        print(path)
    return 0


# ---------------------------------------------------------- reproduce, calibrate
def _reproduce(args: argparse.Namespace) -> int:
    from experiments.files import check_out_dir
    from experiments.reproduce import reproduce

    threads.n_threads()
    out = check_out_dir(args.out)
    with _say_what_is_kept(args):
        reproduce(
            out,
            quick=args.quick,
            workers=args.workers,
            seed=args.seed,
            scheduler=args.scheduler,
            timeout=args.timeout,
        )
    return 0


@contextlib.contextmanager
def _say_what_is_kept(args: argparse.Namespace) -> Iterator[None]:
    """On Ctrl-C, the one line says which finished runs were kept for resuming."""
    try:
        yield
    except KeyboardInterrupt as e:
        kept = getattr(e, "kept", None)
        if kept:
            args.interrupted = kept
        raise


def _calibrate(args: argparse.Namespace) -> int:
    from experiments.calibrate import calibrate, summary_lines
    from experiments.files import check_out_dir
    from experiments.scale import FULL, QUICK

    threads.n_threads()
    out = check_out_dir(args.out) if args.out is not None else None
    from experiments.batch import open_pool
    from experiments.report import write_calibration
    from experiments.runcache import resumable

    def job(cache: Any) -> None:
        with open_pool(args.workers, args.scheduler, args.timeout) as pool:
            pool.cache = cache
            c = calibrate(scale=QUICK if args.quick else FULL, seed=args.seed, pool=pool)
        print("\n".join(summary_lines(c)))
        if out is not None:
            print(f"written: {write_calibration(out, c)}")

    if out is None:  # nowhere to keep finished runs
        job(None)
        return 0
    with _say_what_is_kept(args):
        resumable(out, job)
    return 0


# --------------------------------------------------------------------- parser
def register(sub: Any) -> None:
    """Add ``compare``, ``sweep``, ``analyze``, ``reproduce`` and ``calibrate``."""
    _add_compare(sub)
    _add_sweep(sub)
    _add_analyze(sub)
    _add_reproduce(sub)
    _add_calibrate(sub)


def _add_compare(sub: Any) -> None:
    compare = sub.add_parser(
        "compare", help="run the headline scenarios with replicates and compare them"
    )
    compare.add_argument(
        "--out", type=directory, required=True, metavar="DIR", help="output directory"
    )
    compare.add_argument(
        "--preset",
        type=PRESET,
        default="classroom",
        help=f"hierarchy preset: {', '.join(PRESETS)} (default %(default)s)",
    )
    compare.add_argument(
        "--seed",
        type=NON_NEGATIVE,
        default=0,
        help="root seed; replicate seeds are spawned from it (default %(default)s)",
    )
    compare.add_argument(
        "--replicates", type=POSITIVE, default=3, help="runs per scenario (default %(default)s)"
    )
    compare.add_argument(
        "--steps",
        type=POSITIVE,
        default=None,
        help="months per run (default: each scenario's own length)",
    )
    add_force(compare)
    compare.set_defaults(func=_compare, interrupted="nothing was written")


def _add_sweep(sub: Any) -> None:
    sweep = sub.add_parser(
        "sweep",
        help="run a batch parameter sweep from a TOML spec (local cores or a Dask cluster)",
        description="Run every run of a sweep spec (experiments/sweeps/*.toml) and store the "
        "results as Parquet in DIR. Rerunning into the same DIR resumes.",
    )
    sweep.add_argument(
        "spec",
        nargs="?",
        metavar="SPEC",
        help="sweep spec (TOML); with --resume it defaults to DIR/spec.toml",
    )
    sweep.add_argument(
        "--out", type=directory, required=True, metavar="DIR", help="results directory"
    )
    add_executor(sweep, "sweep")
    sweep.add_argument(
        "--resume",
        action="store_true",
        help="continue the sweep in DIR (rerunning the same spec does this too); "
        "unreadable parts are set aside in DIR/damaged and their runs rerun",
    )
    sweep.add_argument(
        "--dry-run",
        action="store_true",
        help="validate the spec and print the design size; run nothing",
    )
    add_force(sweep)
    bar = sweep.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="always show the progress bar (default: when stderr is a terminal)",
    )
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    sweep.set_defaults(func=_sweep)


def _add_analyze(sub: Any) -> None:
    analyze = sub.add_parser(
        "analyze",
        help="figures and tidy CSVs from a sweep's results",
        description="Response curves, phase diagrams, time-series bands and Sobol/Morris "
        "indices (as the design allows) as PNG plus the CSV of every plotted number.",
    )
    analyze.add_argument("dir", metavar="DIR", help="results directory of `cadre-sim sweep`")
    analyze.add_argument(
        "--out",
        type=directory,
        default=None,
        metavar="FIGDIR",
        help="where to write figures and CSVs (default DIR/figures)",
    )
    analyze.add_argument(
        "--only",
        type=converter(_kinds, "KIND[,KIND]"),
        default=None,
        metavar="KIND[,KIND]",
        help="only some outputs: response, phase, timeseries, sensitivity",
    )
    analyze.set_defaults(func=_analyze, interrupted="figures written so far are kept")


def _add_reproduce(sub: Any) -> None:
    rep = sub.add_parser(
        "reproduce",
        help="run the experiments of the sources' findings and write the report",
        description="Run the experiments of every finding and the survey calibration; write "
        "DIR/report.md, DIR/report.html (figures embedded) and the CSV behind each figure. "
        "Finished runs are kept in DIR/.runs until the report is written: after Ctrl-C or a "
        "crash the same command resumes with the missing runs only.",
    )
    rep.add_argument(
        "--out",
        type=directory,
        required=True,
        metavar="DIR",
        help="output directory (created when the report is written)",
    )
    rep.add_argument(
        "--quick", action="store_true", help="small, fast form (classroom preset; under a minute)"
    )
    add_executor(rep, "experiments")
    rep.add_argument(
        "--seed",
        type=NON_NEGATIVE,
        default=DEFAULT_SEED,
        help="base seed of all experiments (default %(default)s)",
    )
    rep.set_defaults(func=_reproduce, interrupted="nothing was written")


def _add_calibrate(sub: Any) -> None:
    cal = sub.add_parser(
        "calibrate",
        help="fit the tolerance procedure to seed 003's survey (ABC)",
        description="Fit the tolerance provision's reach and the spread of local texts under "
        "the tightened regime to the survey answers by ABC rejection with regression "
        "adjustment (rejection only where no kept draw reaches an answer); propose the "
        "candidate closest over screening runs and validate it on separate seeds; report "
        "fitted values, 90% intervals and the total-variation distance. With --out, finished runs "
        "are kept in DIR/.runs until the results are written, so the same command resumes.",
    )
    cal.add_argument(
        "--out",
        type=directory,
        metavar="DIR",
        default=None,
        help="also write calibration.md, CSVs and a figure here",
    )
    cal.add_argument(
        "--quick", action="store_true", help="small, fast form (classroom preset, few draws)"
    )
    add_executor(cal, "calibration")
    cal.add_argument(
        "--seed", type=NON_NEGATIVE, default=DEFAULT_SEED, help="base seed (default %(default)s)"
    )
    cal.set_defaults(func=_calibrate, interrupted="nothing was written")
