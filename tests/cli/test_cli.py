"""The cadre-sim command line: outputs, determinism, and one-line errors for bad input."""

from __future__ import annotations

import contextlib
import io
import json
import runpy
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from cadre_sim import cli, model_commands
from experiments import compare
from model.docgen import params_markdown
from model.hierarchy import LEVELS, PRESETS, custom_spec
from model.metrics import SURVEY_ANSWERS
from model.params import LEVERS, SCHEMA
from model.scenarios import SCENARIOS
from tests.figures import assert_drawn

RUN_STEPS = 12


def run_args() -> list[str]:
    return [
        "run",
        "--scenario",
        "tightening_then_loosening",
        "--steps",
        str(RUN_STEPS),
        "--seed",
        "7",
        "--set",
        "supervision=0.004",
        "--at",
        "6:tolerance=0.9,one_veto_targets=2",
    ]


def _main(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("run") / "nested" / "a"  # --out creates missing parents
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli.main([*run_args(), "--out", str(out)]) == 0
    return out, buf.getvalue()


# ------------------------------------------------------------------------ run
def test_run_writes_timeseries(run_dir: tuple[Path, str]) -> None:
    out, _ = run_dir
    ts = pd.read_csv(out / "timeseries.csv")
    assert sorted(ts["step"].unique()) == list(range(1, RUN_STEPS + 1))
    assert set(ts["level"]) == {*LEVELS, "all"}
    assert len(ts) == RUN_STEPS * (len(LEVELS) + 1)
    shares = ts["innovate"] + ts["routine"] + ts["avoid"]
    assert shares.to_numpy() == pytest.approx(1.0)


def test_run_prints_yearly_sanctions_and_removals_per_level(run_dir: tuple[Path, str]) -> None:
    out, printed = run_dir
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    header = next(line for line in printed.splitlines() if line.startswith("level"))
    assert "sanctioned/yr" in header and "removed/yr" in header
    # each level's row ends with its sanctions and removals per cadre-year from summary.json
    ts = pd.read_csv(out / "timeseries.csv")
    for lv in (*LEVELS, "all"):
        row = next(line for line in printed.splitlines() if line.split()[:1] == [lv])
        level = s["levels"][lv]
        want = [
            f"{100 * level[k]:.1f}%"
            for k in ("sanctions_per_cadre_year", "removals_per_cadre_year")
        ]
        assert row.split()[-2:] == want, (lv, row)
        # ... and they are the yearly rates of the sanctions the time series counts
        window = ts[(ts.level == lv) & (ts.step > RUN_STEPS - round(0.2 * RUN_STEPS))]
        per_month = (
            window[["sanctions_mild", "sanctions_moderate", "sanctions_severe"]].sum(axis=1).mean()
        )
        assert level["sanctions_per_cadre_year"] == pytest.approx(
            12 * per_month / window.n_cadres.iloc[0]
        )


def test_run_summary_has_required_keys_and_shares(run_dir: tuple[Path, str]) -> None:
    out, _ = run_dir
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in ("params", "seed", "n_units", "n_cadres", "levels", "survey"):
        assert key in s
    assert s["seed"] == 7  # summary's seed is the model's rng seed, so --seed reached it
    assert s["n_units"] == PRESETS["classroom"].n_units
    assert s["n_cadres"] == PRESETS["classroom"].n_cadres
    for lv in LEVELS:
        level = s["levels"][lv]
        assert level["innovate"] + level["routine"] + level["avoid"] == pytest.approx(1.0)
    assert set(s["survey"]) == set(SURVEY_ANSWERS)
    assert sum(s["survey"].values()) == pytest.approx(1.0)
    assert list(s["survey_by_level"]) == list(LEVELS)
    for shares in s["survey_by_level"].values():
        assert set(shares) == set(SURVEY_ANSWERS)
        assert sum(shares.values()) == pytest.approx(1.0)
    # --set and --at reached the model
    assert s["params"]["supervision"] == 0.004
    assert [6, {"tolerance": 0.9, "one_veto_targets": 2}] in s["schedule"]


def test_run_plot_shows_the_shares_and_table_is_printed(run_dir: tuple[Path, str]) -> None:
    out, printed = run_dir
    assert_drawn(out / "shares.png")
    for lv in (*LEVELS, "all", "survey"):
        assert lv in printed
    # atomic writes leave no temporary files behind
    assert sorted(p.name for p in out.iterdir()) == ["shares.png", "summary.json", "timeseries.csv"]


def test_same_seed_same_outputs(
    run_dir: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = run_dir
    assert _main(capsys, [*run_args(), "--out", str(tmp_path)])[0] == 0
    for name in ("summary.json", "timeseries.csv"):
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes()


def test_run_custom_branching(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _main(
        capsys, ["run", "--branching", "1,2,1,2", "--steps", "2", "--out", str(tmp_path)]
    )
    assert code == 0
    s = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert s["n_units"] == custom_spec((1, 2, 1, 2)).n_units


# ------------------------------------------------------------ params/scenarios
def test_params_markdown_is_the_odd_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(capsys, ["params", "--format", "markdown"])
    assert code == 0
    assert out == params_markdown() + "\n"
    lines = out.splitlines()
    assert lines[0] == "| name | group | meaning | unit | range | default | relayed | source |"
    rows = lines[2:]
    assert [r.split(" | ")[0].strip("| `") for r in rows] == list(SCHEMA)
    sup = SCHEMA["supervision"]
    assert f"{sup.en} / {sup.zh}" in rows[0]
    assert all(r.count(" | ") == 7 for r in rows)  # no stray pipes inside cells
    relayed = {r.split(" | ")[0].strip("| `") for r in rows if r.split(" | ")[6] == "yes"}
    assert relayed == {n for n, p in SCHEMA.items() if p.transmitted} and "supervision" in relayed


def test_params_json_and_group_filter(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _main(capsys, ["params", "--format", "json"])
    assert [r["name"] for r in json.loads(out)] == list(SCHEMA)
    _, out, _ = _main(capsys, ["params", "--format", "json", "--group", "levers"])
    assert [r["name"] for r in json.loads(out)] == list(LEVERS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_params_table_in_each_language(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    code, out, _ = _main(capsys, ["params", "--lang", lang])
    assert code == 0
    zh = lang == "zh"
    for p in SCHEMA.values():
        assert p.name in out
        assert (p.label_zh if zh else p.label_en) in out
        # units and sources in the language asked for, not only the labels
        assert f"{p.unit_zh if zh else p.unit}\n" in out
        assert f"[{p.source_zh if zh else p.source}]" in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scenarios_list(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    code, out, _ = _main(capsys, ["scenarios", "--lang", lang])
    assert code == 0
    for sc in SCENARIOS.values():
        assert sc.name in out
        assert (sc.title_zh if lang == "zh" else sc.title_en) in out


# -------------------------------------------------------------------- compare
def test_compare_writes_tidy_csv_plot_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _main(
        capsys,
        ["compare", "--out", str(tmp_path), "--seed", "3", "--replicates", "2", "--steps", "3"],
    )
    assert code == 0
    df = pd.read_csv(tmp_path / "compare.csv")
    assert list(df.columns[:6]) == ["scenario", "replicate", "seed", "step", "level", "n_cadres"]
    assert set(df["scenario"]) == set(compare.HEADLINE)
    seeds = compare.replicate_seeds(3, 2)
    assert len(set(seeds)) == 2
    assert sorted(set(zip(df["replicate"], df["seed"], strict=True))) == list(enumerate(seeds))
    assert len(df) == len(compare.HEADLINE) * 2 * 3 * (len(LEVELS) + 1)
    assert_drawn(tmp_path / "compare.png")
    summary = json.loads((tmp_path / "compare_summary.json").read_text(encoding="utf-8"))
    assert summary["seeds"] == seeds
    for name in compare.HEADLINE:
        band = summary["scenarios"][name]["levels"]["township"]["innovate"]
        assert band["min"] <= band["mean"] <= band["max"]
        assert name in out


# ----------------------------------------------------------------- bad input
def _range(name: str) -> str:
    return f"[{SCHEMA[name].low}, {SCHEMA[name].high}]"


BAD = [
    (["--set", "no_such_param=1"], ["no_such_param", "cadre-sim params"]),
    (
        ["--set", f"supervision={SCHEMA['supervision'].high + 1}"],
        ["supervision", _range("supervision")],
    ),
    (["--set", "supervision=nan"], ["supervision", "nan", _range("supervision")]),
    (["--set", "supervision=abc"], ["supervision", "abc", _range("supervision")]),
    (
        ["--set", "supervision_channels=2.5"],
        ["supervision_channels", "2.5", _range("supervision_channels")],
    ),
    (["--set", "supervision"], ["--set", "NAME=VALUE"]),
    (["--steps", "0"], ["--steps", "'0'", ">= 1"]),
    (["--steps", "-3"], ["--steps", "'-3'", ">= 1"]),
    (["--steps", "ten"], ["--steps", "'ten'", ">= 1"]),
    (["--seed", "-1"], ["--seed", "'-1'", ">= 0"]),
    (["--scenario", "nope"], ["scenario", "nope", "tightened_accountability"]),
    (["--preset", "nope"], ["preset", "nope", "classroom"]),
    (["--branching", "2,3"], ["--branching", "'2,3'", "4 integers >= 1"]),
    (["--branching", "2,x,1,1"], ["--branching", "'2,x,1,1'", "4 integers >= 1"]),
    (["--branching", "0,1,1,1"], ["--branching", "'0,1,1,1'", "4 integers >= 1"]),
    (["--at", "5"], ["--at", "STEP:NAME=VALUE"]),
    (["--at", "0:tolerance=0.5"], ["--at", "0", ">= 1"]),
    (["--at", "x:tolerance=0.5"], ["--at", "x", ">= 1"]),
    (["--at", "3:tolerance=2"], ["tolerance", "2", _range("tolerance")]),
    (["--steps", "5", "--at", "9:tolerance=0.5"], ["--at", "9", "[1, 5]"]),
]


@pytest.mark.parametrize(("extra", "expected"), BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_run_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], expected: list[str]
) -> None:
    out_dir = tmp_path / "out"
    code, _, err = _main(capsys, ["run", "--out", str(out_dir), *extra])
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for text in expected:
        assert text in err
    assert not out_dir.exists()  # nothing written for a rejected command


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["compare", "--out", "{tmp}/x", "--replicates", "0"], ["--replicates", "'0'"]),
        (["params", "--group", "nope"], ["--group", "nope", "levers"]),
        (["bogus"], ["bogus", "run"]),
        (["run"], ["--out"]),
    ],
)
def test_bad_other_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], expected: list[str]
) -> None:
    code, _, err = _main(capsys, [a.format(tmp=tmp_path) for a in argv])
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for text in expected:
        assert text in err


def test_out_naming_a_file_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "file"
    f.write_text("")
    code, _, err = _main(capsys, ["run", "--steps", "1", "--out", str(f)])
    assert code == 2 and "--out" in err and err.count("\n") == 1


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(capsys, ["--help"])
    assert code == 0 and "run" in out and "compare" in out


def test_bugs_are_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(model_commands, "_scenarios", boom)
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main(["scenarios"])


# -------------------------------------------------------------------- plug-ins
def test_plugins_missing_present_and_broken(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def register(sub: object) -> None:
        p = sub.add_parser("hello")  # type: ignore[attr-defined]
        p.set_defaults(func=lambda args: 5)

    good = types.ModuleType("fake_good_plugin")
    good.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_good_plugin", good)
    monkeypatch.setattr(cli, "PLUGINS", ("fake_missing_plugin_xyz", "fake_good_plugin"))
    assert cli.main(["hello"]) == 5
    capsys.readouterr()

    broken = types.ModuleType("fake_broken_plugin")

    def bad_register(sub: object) -> None:
        raise TypeError("bug in a plug-in")

    broken.register = bad_register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_broken_plugin", broken)
    monkeypatch.setattr(cli, "PLUGINS", ("fake_broken_plugin",))
    with pytest.raises(TypeError, match="bug in a plug-in"):
        cli.main(["params"])


# ------------------------------------------------------------ real processes
def _command() -> list[str]:
    # The installed console script when there is one (it is in a venv made by `make`).
    script = Path(sys.executable).with_name("cadre-sim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cadre_sim"]


def test_real_process_error_has_no_traceback(tmp_path: Path) -> None:
    r = subprocess.run(
        [*_command(), "run", "--set", "supervision=abc", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert "supervision" in r.stderr and _range("supervision") in r.stderr


def test_python_dash_m_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `python -m cadre_sim` in-process: one real subprocess above is enough for the budget.
    monkeypatch.setattr(
        sys, "argv", ["cadre-sim", "params", "--format", "json", "--group", "levers"]
    )
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("cadre_sim", run_name="__main__")
    assert exit_info.value.code == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)] == list(LEVERS)
