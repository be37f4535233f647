"""Command-line interface: ``cadre-sim run | params | scenarios | compare``.

Other packages add subcommands by exposing ``register(subparsers)`` in
``experiments/cli.py`` and ``dashboards/cli.py``; they are imported only when the CLI
starts, so ``import model`` never pulls in dask or solara.

Every bad input ends the same way: one line ``error: ...`` on stderr naming the
parameter, the value and what is allowed, and exit status 2. Bugs still raise.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from model import scenarios as scen
from model.errors import CadreSimError
from model.hierarchy import LEVELS, PRESETS, custom_spec, get_spec
from model.metrics import SURVEY_ANSWERS, SURVEY_TARGET
from model.params import GROUPS, LEVERS, SCHEMA, by_group, parse_assignment, resolve, table_rows
from model.state import ACTIONS

PLUGINS = ("experiments.cli", "dashboards.cli")
LANGS = ("en", "zh")
DEFAULT_SEED = 0
HEADLINE = (
    "flexible_experimentation",
    "tightened_accountability",
    "tolerance_on_paper",
    "reform_package",
    "tightening_then_loosening",
)
SHARE_LEVELS = (*LEVELS, "all")
# Colours of the three actions in every figure, so plots read alike.
ACTION_COLOURS = {"innovate": "#2a9d8f", "routine": "#8d99ae", "avoid": "#e76f51"}


# --------------------------------------------------------------- argparse glue
class _Parser(argparse.ArgumentParser):
    """Reports usage errors as one ``error: ...`` line (no usage dump), exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _converter(fn: Callable[[str], Any], name: str) -> Callable[[str], Any]:
    """Wrap a model validator as an argparse ``type`` keeping its one-line message.

    argparse replaces the message of a plain ValueError (and CadreSimError is one) with
    "invalid <type> value"; only ArgumentTypeError keeps ours.
    """

    def convert(text: str) -> Any:
        try:
            return fn(text)
        except CadreSimError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    convert.__name__ = name
    return convert


def _int_at_least(low: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(f"{text!r} is invalid: allowed is an integer >= {low}")
        return value

    convert.__name__ = f"integer >= {low}"
    return convert


def _branching(text: str) -> tuple[int, ...]:
    allowed = (f"allowed is {len(LEVELS) - 1} integers >= 1 separated by commas "
               "(children per central, province, city and county unit), e.g. 2,3,4,5")
    try:
        values = tuple(int(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is invalid: {allowed}") from None
    try:
        custom_spec(values)
    except CadreSimError:
        raise argparse.ArgumentTypeError(f"{text!r} is invalid: {allowed}") from None
    return values


def _scenario(text: str) -> str:
    return scen.get(text).name


def _preset(text: str) -> str:
    get_spec(text)
    return text


_SET = _converter(parse_assignment, "NAME=VALUE")
_AT = _converter(scen.parse_change, "STEP:NAME=VALUE")
_SCENARIO = _converter(_scenario, "scenario")
_PRESET = _converter(_preset, "preset")
_STEPS = _int_at_least(1)
_SEED = _int_at_least(0)


# ------------------------------------------------------------------- writing
def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same directory, then rename over ``path``.

    A run killed half-way leaves either the old file or the new one, never half of one.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    # mkstemp creates the file 0600; give the result the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    _atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _write_csv(path: Path, frame: Any) -> None:
    _atomic_write(path, lambda p: frame.to_csv(p, index=False))


def _save_figure(path: Path, fig: Any) -> None:
    _atomic_write(path, lambda p: fig.savefig(p, format="png", dpi=110))


def _out_dir(text: str) -> Path:
    out = Path(text)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise CadreSimError(f"--out = '{text}' is invalid: allowed is a directory path, "
                            "and this names an existing file") from None
    except OSError as e:
        raise CadreSimError(f"--out = '{text}' cannot be created: {e.strerror}") from None
    return out


def _figure(width: float, height: float) -> Any:
    # A bare Figure renders with Agg and touches no global pyplot state, so the CLI
    # works headless and inside other processes (dashboard, tests) alike.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _mark_schedule(ax: Any, schedule: Iterable[tuple[int, Mapping[str, Any]]], steps: int) -> None:
    for at, _ in schedule:
        if at <= steps:
            ax.axvline(at, color="black", lw=0.8, ls=":", alpha=0.7)


# ------------------------------------------------------------------------ run
def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _levels_table(levels: Mapping[str, Mapping[str, float]]) -> list[str]:
    lines = [f"{'level':<10}" + "".join(f"{a:>10}" for a in ACTIONS)]
    for lv in SHARE_LEVELS:
        if lv in levels:
            lines.append(f"{lv:<10}" + "".join(f"{_pct(levels[lv][a]):>10}" for a in ACTIONS))
    return lines


def _survey_line(survey: Mapping[str, float]) -> str:
    got = "  ".join(f"{a} {_pct(survey[a]).strip()}" for a in SURVEY_ANSWERS)
    target = "  ".join(f"{a} {_pct(SURVEY_TARGET[a]).strip()}" for a in SURVEY_ANSWERS)
    return f"survey 'has your area applied the tolerance mechanism?': {got}\n  (seed 003 field survey: {target})"


def plot_shares(history: Any, schedule: Sequence[tuple[int, Mapping[str, Any]]], title: str) -> Any:
    """Stacked innovate/routine/avoid shares over time, one panel per level (and all)."""
    fig = _figure(12, 6.5)
    axes = fig.subplots(2, 3, sharex=True, sharey=True).ravel()
    steps = int(history["step"].max()) if len(history) else 0
    for ax, lv in zip(axes, SHARE_LEVELS, strict=True):
        h = history[history["level"] == lv]
        ax.stackplot(h["step"], *(h[a] for a in ACTIONS), labels=ACTIONS,
                     colors=[ACTION_COLOURS[a] for a in ACTIONS], alpha=0.9)
        _mark_schedule(ax, schedule, steps)
        ax.set_title(lv)
        ax.set_ylim(0, 1)
        ax.set_xlim(1, max(steps, 2))
    for ax in axes[3:]:
        ax.set_xlabel("month")
    for ax in axes[::3]:
        ax.set_ylabel("share of cadres")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle(title)
    return fig


def _run(args: argparse.Namespace) -> int:
    from model.model import CadreModel

    sc = scen.get(args.scenario)
    steps = args.steps if args.steps is not None else sc.steps
    late = [at for at, _ in args.at if at > steps]
    if late:
        raise CadreSimError(f"--at step = {late[0]} is invalid: allowed is a step in [1, {steps}] "
                            f"(the run has --steps {steps})")
    out = _out_dir(args.out)
    model = CadreModel(
        scenario=sc.name,
        preset=args.preset or "classroom",
        rng=args.seed,
        schedule=args.at,
        branching=args.branching,
        agents=False,
        **dict(args.set),
    )
    model.run(steps)
    summary = model.summary()
    history = model.history()

    _write_csv(out / "timeseries.csv", history)
    _write_json(out / "summary.json", summary)
    title = f"{sc.title_en} — {model.preset}, seed {args.seed}, {model.n_cadres} cadres"
    _save_figure(out / "shares.png", plot_shares(history, model.schedule, title))

    print(f"scenario {sc.name} · preset {model.preset} · seed {args.seed} · {steps} months · "
          f"{model.n_units} units, {model.n_cadres} cadres")
    print("shares over the last 20% of months:")
    print("\n".join(_levels_table(summary["levels"])))
    print(_survey_line(summary["survey"]))
    print(f"wrote {out / 'timeseries.csv'}, {out / 'summary.json'}, {out / 'shares.png'}")
    return 0


# --------------------------------------------------------------------- params
def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def params_markdown(group: str | None = None) -> str:
    """The parameter table as Markdown, exactly as ``docs/ODD.md`` embeds it.

    One row per parameter in schema order; ``meaning`` is the English description, " / ",
    then the Chinese one. No trailing newline (``cadre-sim params --format markdown``
    prints this followed by one newline).
    """
    head = ("name", "group", "meaning", "unit", "range", "default", "source")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in _param_rows(group):
        cells = (f"`{r['name']}`", r["group"], f"{r['meaning_en']} / {r['meaning_zh']}",
                 r["unit"], r["range"], r["default"], r["source"])
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _param_rows(group: str | None) -> list[dict[str, Any]]:
    names = [p.name for g, ps in by_group() if group in (None, g) for p in ps]
    return table_rows(names)


def params_table(group: str | None = None, lang: str = "en") -> str:
    """Plain-text parameter table for the terminal, grouped, in one language."""
    zh = lang == "zh"
    name_w = max(len(n) for n in SCHEMA)
    lines: list[str] = []
    for g, ps in by_group():
        if group not in (None, g):
            continue
        title_en, title_zh = GROUPS[g]
        lines.append(f"== {title_zh if zh else title_en} ({g})")
        for r in table_rows([p.name for p in ps]):
            label = r["label_zh"] if zh else r["label_en"]
            meaning = r["meaning_zh"] if zh else r["meaning_en"]
            lines.append(f"  {r['name']:<{name_w}}  {r['range']:<14} default {str(r['default']):<6} "
                         f"{r['unit']}")
            lines.append(f"  {'':<{name_w}}  {label}: {meaning} [{r['source']}]")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def _params(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        print(params_markdown(args.group))
    elif args.format == "json":
        print(json.dumps(_param_rows(args.group), indent=2, ensure_ascii=False))
    else:
        print(params_table(args.group, args.lang))
    return 0


# ------------------------------------------------------------------ scenarios
def _schedule_text(schedule: Sequence[tuple[int, Mapping[str, Any]]], zh: bool) -> str:
    if not schedule:
        return "无" if zh else "none"
    if zh:
        return "；".join(f"第{at}个月改变{len(ch)}个参数" for at, ch in schedule)
    return "; ".join(f"month {at}: {len(ch)} parameters change" for at, ch in schedule)


def _scenarios(args: argparse.Namespace) -> int:
    zh = args.lang == "zh"
    for sc in scen.SCENARIOS.values():
        full = resolve(sc.params)
        levers = " ".join(f"{k}={full[k]}" for k in LEVERS)
        if zh:
            print(f"{sc.name}: {sc.title_zh}")
            print(f"    {sc.zh}")
            print(f"    覆盖默认值的参数：{len(sc.params)} 个；时间表：{_schedule_text(sc.schedule, zh)}；"
                  f"默认步数：{sc.steps}")
        else:
            print(f"{sc.name}: {sc.title_en}")
            print(f"    {sc.en}")
            print(f"    overrides: {len(sc.params)} parameters; schedule: "
                  f"{_schedule_text(sc.schedule, zh)}; steps: {sc.steps}")
        print(f"    {'杠杆' if zh else 'levers'}: {levers}; {'来源' if zh else 'sources'}: {sc.sources}")
    return 0


# -------------------------------------------------------------------- compare
def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Independent per-replicate seeds derived from one seed (numpy SeedSequence.spawn)."""
    return [int(c.generate_state(1, dtype=np.uint32)[0])
            for c in np.random.SeedSequence(seed).spawn(replicates)]


def _band(values: Sequence[float]) -> dict[str, float]:
    return {"mean": float(np.mean(values)), "min": float(np.min(values)), "max": float(np.max(values))}


def plot_compare(frame: Any, names: Sequence[str], schedules: Mapping[str, Sequence], title: str) -> Any:
    """Township and all-level innovate / avoid over time per scenario: mean, min–max band."""
    fig = _figure(13, 7)
    axes = fig.subplots(2, 3, sharey=True).ravel()
    styles = {"township": "-", "all": "--"}
    for ax, name in zip(axes, names, strict=False):
        sub = frame[(frame["scenario"] == name) & frame["level"].isin(list(styles))]
        stats = sub.groupby(["level", "step"])[["innovate", "avoid"]].agg(["mean", "min", "max"])
        for lv, ls in styles.items():
            s = stats.loc[lv]
            for action in ("innovate", "avoid"):
                c = ACTION_COLOURS[action]
                ax.fill_between(s.index, s[(action, "min")], s[(action, "max")], color=c, alpha=0.18, lw=0)
                ax.plot(s.index, s[(action, "mean")], color=c, ls=ls, lw=1.4, label=f"{action}, {lv}")
        steps = int(sub["step"].max())
        _mark_schedule(ax, schedules[name], steps)
        ax.set_title(scen.SCENARIOS[name].title_en, fontsize=10)
        ax.set_xlim(1, max(steps, 2))
        ax.set_ylim(-0.02, 1.02)  # lines pinned at 0 or 1 stay visible
        ax.set_xlabel("month")
    for ax in axes[::3]:
        ax.set_ylabel("share of cadres")
    spare = axes[len(names):]
    if len(spare):
        handles, labels = axes[0].get_legend_handles_labels()
        for ax in spare:
            ax.axis("off")
        spare[0].legend(handles, labels, loc="center",
                        title="mean over replicates;\nband = min–max")
    else:
        axes[0].legend(fontsize=8)
    fig.suptitle(title)
    return fig


def _compare(args: argparse.Namespace) -> int:
    import pandas as pd

    from model.model import CadreModel

    out = _out_dir(args.out)
    seeds = replicate_seeds(args.seed, args.replicates)
    frames = []
    result: dict[str, Any] = {"preset": args.preset, "seed": args.seed,
                              "replicates": args.replicates, "seeds": seeds, "scenarios": {}}
    schedules: dict[str, Sequence] = {}
    for name in HEADLINE:
        sc = scen.get(name)
        steps = args.steps if args.steps is not None else sc.steps
        summaries = []
        for r, seed in enumerate(seeds):
            m = CadreModel(scenario=name, preset=args.preset, rng=seed, agents=False).run(steps)
            h = m.history()
            h.insert(0, "seed", seed)
            h.insert(0, "replicate", r)
            h.insert(0, "scenario", name)
            frames.append(h)
            summaries.append(m.summary())
        schedules[name] = m.schedule
        first = summaries[0]
        result["scenarios"][name] = {
            "title_en": sc.title_en,
            "title_zh": sc.title_zh,
            "steps": steps,
            "params": first["params"],
            "schedule": first["schedule"],
            "levels": {lv: {k: _band([s["levels"][lv][k] for s in summaries]) for k in first["levels"][lv]}
                       for lv in first["levels"]},
            "survey": {a: _band([s["survey"][a] for s in summaries]) for a in SURVEY_ANSWERS},
            "effective_tolerance": first["effective_tolerance"],
        }
    frame = pd.concat(frames, ignore_index=True)
    title = (f"Headline scenarios — {args.preset}, {args.replicates} replicates "
             f"(seed {args.seed}); dotted lines: regime changes")

    _write_csv(out / "compare.csv", frame)
    _write_json(out / "compare_summary.json", result)
    _save_figure(out / "compare.png", plot_compare(frame, HEADLINE, schedules, title))

    print(f"preset {args.preset} · {args.replicates} replicates per scenario (seed {args.seed}) · "
          "shares over the last 20% of months, mean of replicates")
    head = f"{'scenario':<28}{'township':>20}{'all levels':>20}   survey many/few/none/don't know"
    sub = f"{'':<28}{'innovate':>10}{'avoid':>10}{'innovate':>10}{'avoid':>10}"
    print(head)
    print(sub)
    for name, res in result["scenarios"].items():
        lv = res["levels"]
        cells = [lv["township"]["innovate"], lv["township"]["avoid"], lv["all"]["innovate"], lv["all"]["avoid"]]
        survey = "/".join(f"{100 * res['survey'][a]['mean']:.0f}" for a in SURVEY_ANSWERS)
        print(f"{name:<28}" + "".join(f"{_pct(c['mean']):>10}" for c in cells) + f"   {survey} %")
    target = "/".join(f"{100 * SURVEY_TARGET[a]:.0f}" for a in SURVEY_ANSWERS)
    print(f"{'(seed 003 field survey)':<68}   {target} %")
    print(f"wrote {out / 'compare.csv'}, {out / 'compare_summary.json'}, {out / 'compare.png'}")
    return 0


# --------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cadre-sim",
        description="Agent-based model of local cadres under accountability pressure: "
                    "innovate, comply or avoid blame.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one scenario and write time series, summary and plot")
    run.add_argument("--scenario", type=_SCENARIO, default=scen.DEFAULT_SCENARIO,
                     help=f"one of: {', '.join(scen.SCENARIOS)} (default %(default)s)")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--preset", type=_PRESET, default=None,
                       help=f"hierarchy preset: {', '.join(PRESETS)} (default classroom)")
    where.add_argument("--branching", type=_branching, default=None, metavar="B1,B2,B3,B4",
                       help="custom uniform tree: children per central, province, city, county unit")
    run.add_argument("--steps", type=_STEPS, default=None,
                     help="months to simulate (default: the scenario's own length)")
    run.add_argument("--seed", type=_SEED, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    run.add_argument("--out", required=True, metavar="DIR", help="output directory")
    run.add_argument("--set", type=_SET, action="append", default=[], metavar="PARAM=VALUE",
                     help="override a parameter (repeatable); see `cadre-sim params`")
    run.add_argument("--at", type=_AT, action="append", default=[], metavar="STEP:PARAM=VALUE[,..]",
                     help="change parameters from month STEP on (repeatable)")
    run.set_defaults(func=_run)

    params = sub.add_parser("params", help="print the parameter table")
    params.add_argument("--group", choices=list(GROUPS), default=None)
    params.add_argument("--lang", choices=LANGS, default="en")
    params.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    params.set_defaults(func=_params)

    scenarios = sub.add_parser("scenarios", help="list the named scenarios")
    scenarios.add_argument("--lang", choices=LANGS, default="en")
    scenarios.set_defaults(func=_scenarios)

    compare = sub.add_parser("compare", help="run the headline scenarios with replicates and compare them")
    compare.add_argument("--out", required=True, metavar="DIR", help="output directory")
    compare.add_argument("--preset", type=_PRESET, default="classroom",
                         help=f"hierarchy preset: {', '.join(PRESETS)} (default %(default)s)")
    compare.add_argument("--seed", type=_SEED, default=DEFAULT_SEED,
                         help="root seed; replicate seeds are spawned from it (default %(default)s)")
    compare.add_argument("--replicates", type=_STEPS, default=3, help="runs per scenario (default %(default)s)")
    compare.add_argument("--steps", type=_STEPS, default=None,
                         help="months per run (default: each scenario's own length)")
    compare.set_defaults(func=_compare)

    for name in PLUGINS:
        try:
            plugin = importlib.import_module(name)
        except ImportError:
            continue  # optional package (or its dependencies) not installed
        plugin.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``cadre-sim``; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help (0) or a usage error already reported (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    try:
        return int(args.func(args))
    except CadreSimError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
