"""``cadre-sim run | params | scenarios``: one model run, the parameter table, the scenarios.

``run`` checks everything before it computes: the arguments, ``CADRE_SIM_THREADS``, the
output folder (writable, not a file) and the memory and time the run needs; the folder
is created only once there are results to write, so a refused or interrupted run
leaves nothing behind.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from typing import Any

from cadre_sim.args import NON_NEGATIVE, POSITIVE, PRESET, add_force, converter, directory, pct
from experiments import limits
from experiments.files import check_out_dir, make_dir, save_png, write_csv, write_json
from experiments.plotting import ACTION_COLOURS, figure, mark_schedule
from model import scenarios as scen
from model import threads
from model.docgen import param_rows, params_markdown
from model.errors import CadreSimError
from model.hierarchy import LEVELS, PRESETS, custom_spec, get_spec
from model.metrics import SURVEY_ANSWERS, SURVEY_TARGET
from model.params import GROUPS, LEVERS, SCHEMA, by_group, parse_assignment, resolve, table_rows
from model.state import ACTIONS

LANGS = ("en", "zh")
DEFAULT_SEED = 0
SHARE_LEVELS = (*LEVELS, "all")


# ------------------------------------------------------------------ converters
def _branching(text: str) -> tuple[int, ...]:
    allowed = (
        f"allowed is {len(LEVELS) - 1} integers >= 1 separated by commas "
        "(children per central, province, city and county unit), e.g. 2,3,4,5"
    )
    try:  # not integers, or not a tree (CadreSimError is a ValueError)
        values = tuple(int(x) for x in text.split(","))
        custom_spec(values)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is invalid: {allowed}") from None
    return values


def _scenario(text: str) -> str:
    return scen.get(text).name


SET = converter(parse_assignment, "NAME=VALUE")
AT = converter(scen.parse_change, "STEP:NAME=VALUE")
SCENARIO = converter(_scenario, "scenario")


# ------------------------------------------------------------------------ run
def _levels_table(levels: Mapping[str, Mapping[str, float]]) -> list[str]:
    """Shares of each action, then sanctions and removals per cadre-year (any form, and
    removals from post), per level."""
    rates = ("sanctions_per_cadre_year", "removals_per_cadre_year")
    lines = [
        f"{'level':<10}"
        + "".join(f"{a:>10}" for a in ACTIONS)
        + f"{'sanctioned/yr':>15}{'removed/yr':>12}"
    ]
    for lv in SHARE_LEVELS:
        if lv in levels:
            row = levels[lv]
            lines.append(
                f"{lv:<10}"
                + "".join(f"{pct(row[a]):>10}" for a in ACTIONS)
                + "".join(f"{pct(row[r]):>{w}}" for r, w in zip(rates, (15, 12), strict=True))
            )
    if "all" in levels:
        a = levels["all"]
        mix = " / ".join(f"{100 * a[f'share_{k}']:.0f}" for k in ("mild", "moderate", "severe"))
        lines.append(
            f"sanctions by severity (mild / moderate / severe, %): {mix} "
            "(CCDI 2021, four forms: 70 / 23 / 7)"
        )
    return lines


def _survey_line(survey: Mapping[str, float]) -> str:
    got = "  ".join(f"{a} {pct(survey[a]).strip()}" for a in SURVEY_ANSWERS)
    target = "  ".join(f"{a} {pct(SURVEY_TARGET[a]).strip()}" for a in SURVEY_ANSWERS)
    return f"survey 'has your area applied the tolerance mechanism?': {got}\n  (seed 003 field survey: {target})"


def _survey_levels_table(by_level: Mapping[str, Mapping[str, float]]) -> list[str]:
    """The survey's answers level by level (who knows of cases, and who does not)."""
    lines = ["  by level " + "".join(f"{a:>11}" for a in SURVEY_ANSWERS)]
    for lv, shares in by_level.items():
        lines.append(f"  {lv:<8}" + "".join(f"{pct(shares[a]):>11}" for a in SURVEY_ANSWERS))
    return lines


def plot_shares(history: Any, schedule: Sequence[tuple[int, Mapping[str, Any]]], title: str) -> Any:
    """Stacked innovate/routine/avoid shares over time, one panel per level (and all)."""
    fig = figure(12, 6.5, layout="constrained")
    axes = fig.subplots(2, 3, sharex=True, sharey=True).ravel()
    steps = int(history["step"].max()) if len(history) else 0
    for ax, lv in zip(axes, SHARE_LEVELS, strict=True):
        h = history[history["level"] == lv]
        ax.stackplot(
            h["step"],
            *(h[a] for a in ACTIONS),
            labels=ACTIONS,
            colors=[ACTION_COLOURS[a] for a in ACTIONS],
            alpha=0.9,
        )
        mark_schedule(ax, schedule, steps)
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

    threads.n_threads()  # a bad CADRE_SIM_THREADS is one line before anything runs
    sc = scen.get(args.scenario)
    steps = args.steps if args.steps is not None else sc.steps
    late = [at for at, _ in args.at if at > steps]
    if late:
        raise CadreSimError(
            f"--at step = {late[0]} is invalid: allowed is a step in [1, {steps}] "
            f"(the run has --steps {steps})"
        )
    out = check_out_dir(args.out)
    tree = custom_spec(args.branching) if args.branching else get_spec(args.preset or "classroom")
    what = (
        f"--branching {','.join(map(str, args.branching))}"
        if args.branching and args.steps is None
        else f"--steps {steps}"
    )
    limits.check_model(what, tree, steps, force=args.force)
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

    make_dir(out)
    write_csv(out / "timeseries.csv", history)
    write_json(out / "summary.json", summary)
    title = f"{sc.title_en} — {model.preset}, seed {args.seed}, {model.n_cadres} cadres"
    save_png(out / "shares.png", plot_shares(history, model.schedule, title))

    print(
        f"scenario {sc.name} · preset {model.preset} · seed {args.seed} · {steps} months · "
        f"{model.n_units} units, {model.n_cadres} cadres"
    )
    print("shares and yearly rates over the last 20% of months:")
    print("\n".join(_levels_table(summary["levels"])))
    print(_survey_line(summary["survey"]))
    print("\n".join(_survey_levels_table(summary["survey_by_level"])))
    print(f"wrote {out / 'timeseries.csv'}, {out / 'summary.json'}, {out / 'shares.png'}")
    return 0


# --------------------------------------------------------------------- params
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
            default, unit, source = (
                ("默认", r["unit_zh"], r["source_zh"])
                if zh
                else ("default", r["unit"], r["source"])
            )
            lines.append(
                f"  {r['name']:<{name_w}}  {r['range']:<14} {default} {str(r['default']):<6} {unit}"
            )
            lines.append(f"  {'':<{name_w}}  {label}: {meaning} [{source}]")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def _params(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        print(params_markdown(args.group))
    elif args.format == "json":
        print(json.dumps(param_rows(args.group), indent=2, ensure_ascii=False))
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
            print(
                f"    覆盖默认值的参数：{len(sc.params)} 个；时间表：{_schedule_text(sc.schedule, zh)}；"
                f"默认步数：{sc.steps}"
            )
        else:
            print(f"{sc.name}: {sc.title_en}")
            print(f"    {sc.en}")
            print(
                f"    overrides: {len(sc.params)} parameters; schedule: "
                f"{_schedule_text(sc.schedule, zh)}; steps: {sc.steps}"
            )
        print(
            f"    {'杠杆' if zh else 'levers'}: {levers}; {'来源' if zh else 'sources'}: {sc.sources}"
        )
    return 0


# --------------------------------------------------------------------- parser
def register(sub: Any) -> None:
    """Add ``run``, ``params`` and ``scenarios`` to cadre-sim's parser."""
    run = sub.add_parser("run", help="run one scenario and write time series, summary and plot")
    run.add_argument(
        "--scenario",
        type=SCENARIO,
        default=scen.DEFAULT_SCENARIO,
        help=f"one of: {', '.join(scen.SCENARIOS)} (default %(default)s)",
    )
    where = run.add_mutually_exclusive_group()
    where.add_argument(
        "--preset",
        type=PRESET,
        default=None,
        help=f"hierarchy preset: {', '.join(PRESETS)} (default classroom)",
    )
    where.add_argument(
        "--branching",
        type=_branching,
        default=None,
        metavar="B1,B2,B3,B4",
        help="custom uniform tree: children per central, province, city, county unit",
    )
    run.add_argument(
        "--steps",
        type=POSITIVE,
        default=None,
        help="months to simulate (default: the scenario's own length)",
    )
    run.add_argument(
        "--seed", type=NON_NEGATIVE, default=DEFAULT_SEED, help="random seed (default %(default)s)"
    )
    run.add_argument("--out", type=directory, required=True, metavar="DIR", help="output directory")
    run.add_argument(
        "--set",
        type=SET,
        action="append",
        default=[],
        metavar="PARAM=VALUE",
        help="override a parameter (repeatable); see `cadre-sim params`",
    )
    run.add_argument(
        "--at",
        type=AT,
        action="append",
        default=[],
        metavar="STEP:PARAM=VALUE[,..]",
        help="change parameters from month STEP on (repeatable)",
    )
    add_force(run)
    run.set_defaults(func=_run, interrupted="nothing was written")

    params = sub.add_parser("params", help="print the parameter table")
    params.add_argument("--group", choices=list(GROUPS), default=None)
    params.add_argument("--lang", choices=LANGS, default="en")
    params.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    params.set_defaults(func=_params)

    scenarios = sub.add_parser("scenarios", help="list the named scenarios")
    scenarios.add_argument("--lang", choices=LANGS, default="en")
    scenarios.set_defaults(func=_scenarios)
