"""Analysis: every figure from stored results, numbers that match the data, and known answers
(Sobol indices of the Ishigami function, Morris effects of a linear function)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cadre_sim.cli import main
from experiments import designs
from experiments.analysis import (
    analyze,
    response_curves,
    sensitivity_table,
)
from experiments.stats import t_interval
from experiments.store import StoreError, load
from tests.experiments.conftest import TINY, serial_sweep, tiny_spec
from tests.figures import assert_drawn

ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
# Analytic indices for a = 7, b = 0.1 (Ishigami & Homma 1990; SALib's test function).
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]
# Only x1 and x3 interact: S13 = ST3 (x3 acts through x1 alone), S12 = S23 = 0.
ISHIGAMI_S2 = {"x1 x x2": 0.0, "x1 x x3": 0.2437, "x2 x x3": 0.0}


def _runs_frame(
    design: pd.DataFrame, y: np.ndarray, replicates: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Results shaped like a sweep's runs table, rows shuffled as runs finish in any order."""
    rows = []
    for r in range(replicates):
        rows.append(
            pd.DataFrame(
                {
                    "run_id": design["point"] * replicates + r,
                    "point": design["point"],
                    "replicate": r,
                    "scenario": design["scenario"],
                    "level": "all",
                    "innovate": y,
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    return frame.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)


def _design(problem: dict, method: str, n: int, **kw) -> pd.DataFrame:
    x = designs.sample_matrix(method, problem, n, seed=1, **kw)
    d = pd.DataFrame(x, columns=problem["names"])
    for j, name in enumerate(problem["names"]):
        d[designs.RAW_PREFIX + name] = x[:, j]
    d.insert(0, "scenario", "s")
    d.insert(0, "point", np.arange(len(d)))
    return d


def test_sobol_recovers_ishigami_indices() -> None:
    from SALib.test_functions import Ishigami

    design = _design(ISHIGAMI, "sobol", 2048)
    y = Ishigami.evaluate(design[ISHIGAMI["names"]].to_numpy())
    runs = _runs_frame(design, y, replicates=2, rng=np.random.default_rng(0))
    t = sensitivity_table(runs, design, "sobol", ISHIGAMI, outputs=[("all", "innovate")], seed=3)
    s1 = t[t["index"] == "S1"].set_index("parameter").loc[ISHIGAMI["names"]]
    st = t[t["index"] == "ST"].set_index("parameter").loc[ISHIGAMI["names"]]
    np.testing.assert_allclose(s1["estimate"], ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(st["estimate"], ISHIGAMI_ST, atol=0.04)
    # The bootstrap intervals are honest: they cover the analytic values.
    assert (
        (s1["ci_low"] - 0.01 <= ISHIGAMI_S1) & (np.array(ISHIGAMI_S1) <= s1["ci_high"] + 0.01)
    ).all()
    assert (s1["conf"] > 0).all() and (s1["conf"] < 0.1).all()


def test_sobol_recovers_ishigami_second_order() -> None:
    from SALib.test_functions import Ishigami

    design = _design(ISHIGAMI, "sobol", 1024, second_order=True)
    y = Ishigami.evaluate(design[ISHIGAMI["names"]].to_numpy())
    runs = _runs_frame(design, y, replicates=1, rng=np.random.default_rng(4))
    t = sensitivity_table(
        runs, design, "sobol", ISHIGAMI, second_order=True, outputs=[("all", "innovate")], seed=3
    )
    s2 = t[t["index"] == "S2"].set_index("parameter")["estimate"]
    assert set(s2.index) == set(ISHIGAMI_S2)
    for pair, expected in ISHIGAMI_S2.items():
        assert s2[pair] == pytest.approx(expected, abs=0.08), pair


def test_sobol_detects_scrambled_points() -> None:
    # If results were matched to the wrong design points the indices would be noise.
    from SALib.test_functions import Ishigami

    design = _design(ISHIGAMI, "sobol", 512)
    y = Ishigami.evaluate(design[ISHIGAMI["names"]].to_numpy())
    runs = _runs_frame(design, np.random.default_rng(1).permutation(y), 1, np.random.default_rng(1))
    t = sensitivity_table(runs, design, "sobol", ISHIGAMI, outputs=[("all", "innovate")])
    s1 = t[t["index"] == "S1"]["estimate"].to_numpy()
    assert np.abs(s1 - ISHIGAMI_S1).max() > 0.2


def test_constant_outputs_get_no_indices_and_an_empty_panel() -> None:
    from experiments.analysis import plot_sobol

    design = _design(ISHIGAMI, "sobol", 64)
    runs = _runs_frame(design, np.full(len(design), 0.3), 1, np.random.default_rng(3))
    assert sensitivity_table(runs, design, "sobol", ISHIGAMI, outputs=[("all", "innovate")]).empty
    # One output constant, another not: the figure still draws, with a note in the empty panel.
    from SALib.test_functions import Ishigami

    runs["avoid"] = Ishigami.evaluate(design[ISHIGAMI["names"]].to_numpy())
    t = sensitivity_table(
        runs, design, "sobol", ISHIGAMI, outputs=[("all", "innovate"), ("all", "avoid")]
    )
    assert set(t["output"]) == {"avoid"}
    fig = plot_sobol(t, "t")
    texts = [x.get_text() for ax in fig.axes for x in ax.texts]
    assert sum("output constant" in x for x in texts) == 3  # 3 of the 4 panels have no data


def test_morris_recovers_linear_effects() -> None:
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [0, 2], [0, 1]]}
    design = _design(problem, "morris", 20, levels=4)
    x = design[problem["names"]].to_numpy()
    y = 10 * x[:, 0] - 2 * x[:, 1] + 0 * x[:, 2]
    runs = _runs_frame(design, y, 1, np.random.default_rng(2))
    t = sensitivity_table(runs, design, "morris", problem, outputs=[("all", "innovate")], levels=4)
    t = t.set_index("parameter")
    # Elementary effects are per unit of the normalised range: b spans 2, so 2 * |-2| = 4.
    np.testing.assert_allclose(t["mu_star"], [10, 4, 0], atol=1e-9)
    np.testing.assert_allclose(t["mu"], [10, -4, 0], atol=1e-9)
    np.testing.assert_allclose(t["sigma"], [0, 0, 0], atol=1e-9)


def test_t_interval() -> None:
    mean, lo, hi, n = t_interval([1.0, 2.0, 3.0])
    assert (mean, n) == (2.0, 3)
    assert hi - mean == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-6)
    assert np.isnan(t_interval([1.0])[1])


@pytest.fixture(scope="module")
def grid_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = TINY.replace(
        "tolerance = [0.2, 0.8]", "tolerance = [0.2, 0.8]\none_veto_targets = [2, 12]"
    )
    return serial_sweep(tiny_spec(text), tmp_path_factory.mktemp("grid") / "sweep")


@pytest.fixture(scope="module")
def grid_figures(
    grid_sweep: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[str]]:
    """`cadre-sim analyze` on the grid sweep, once for the module: (figure dir, printed lines)."""
    import contextlib
    import io

    figdir = tmp_path_factory.mktemp("figs")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["analyze", str(grid_sweep), "--out", str(figdir)]) == 0
    return figdir, buf.getvalue().split()


def test_grid_analysis_writes_every_figure(grid_figures: tuple[Path, list[str]]) -> None:
    figdir, printed = grid_figures
    names = {p.name for p in figdir.iterdir()}
    assert {
        "response_supervision.png",
        "response_tolerance.png",
        "response_one_veto_targets.png",
        "phase_supervision__tolerance.png",
        "phase_supervision__one_veto_targets.png",
        "phase_tolerance__one_veto_targets.png",
        "timeseries_tightened_accountability.png",
        "response_curves.csv",
        "phase_diagrams.csv",
        "timeseries_bands.csv",
    } == names
    pngs = sorted(figdir.glob("*.png"))
    assert len(pngs) == 7
    for p in pngs:
        assert_drawn(p)
    assert sorted(printed) == sorted(str(figdir / n) for n in names)


# The tidy CSVs keep 6 significant digits (float_format %.6g): relative rounding <= 5e-6.
CSV_REL = 1e-5


def test_plotted_numbers_are_the_data(
    grid_sweep: Path, grid_figures: tuple[Path, list[str]]
) -> None:
    figdir = grid_figures[0]
    runs = load(grid_sweep)
    curves = pd.read_csv(figdir / "response_curves.csv")
    row = curves[
        (curves.parameter == "supervision")
        & (curves.value == 0.009)
        & (curves.level == "township")
        & (curves.output == "avoid")
    ].iloc[0]
    sel = runs[(runs.supervision == 0.009) & (runs.level == "township")]
    per_rep = sel.groupby("replicate")["avoid"].mean()
    assert row["mean"] == pytest.approx(sel["avoid"].mean(), rel=CSV_REL)
    mean, lo, hi, n = t_interval(per_rep.to_numpy())
    assert (row["ci_low"], row["ci_high"], row["n"]) == (
        pytest.approx(lo, rel=CSV_REL),
        pytest.approx(hi, rel=CSV_REL),
        n,
    )
    assert row["ci_basis"] == "replicates"

    phase = pd.read_csv(figdir / "phase_diagrams.csv")
    cell = phase[
        (phase.x_parameter == "supervision")
        & (phase.y_parameter == "tolerance")
        & (phase.x == 0.001)
        & (phase.y == 0.8)
        & (phase.level == "all")
        & (phase.output == "innovate")
    ].iloc[0]
    sel = runs[(runs.supervision == 0.001) & (runs.tolerance == 0.8) & (runs.level == "all")]
    assert cell["mean"] == pytest.approx(sel["innovate"].mean(), rel=CSV_REL) and cell["n"] == len(
        sel
    )

    bands = pd.read_csv(figdir / "timeseries_bands.csv")
    ts = load(grid_sweep, "timeseries")
    b = bands[(bands.step == 7) & (bands.level == "county") & (bands.output == "avoid")].iloc[0]
    v = ts[(ts.step == 7) & (ts.level == "county")]["avoid"]
    assert b["mean"] == pytest.approx(v.mean(), rel=CSV_REL) and b["p90"] == pytest.approx(
        v.quantile(0.9), rel=CSV_REL
    )


def test_binned_response_for_sampled_designs() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 400)
    runs = pd.DataFrame(
        {"scenario": "s", "level": "all", "replicate": 0, "x": x, "innovate": x, "avoid": 1 - x}
    )
    t = response_curves(runs, ["x"], discrete=False)
    inn = t[t.output == "innovate"].sort_values("value")
    assert len(inn) == 10 and inn["binned"].all() and (inn["ci_basis"] == "runs").all()
    np.testing.assert_allclose(inn["mean"], inn["value"], atol=0.02)


@pytest.mark.parametrize(
    "method,extra,figures",
    [
        ("sobol", "samples = 8\nsecond_order = true\n", {"sobol_indices.png", "sobol_s2.png"}),
        ("morris", "samples = 4\n", {"morris.png"}),
    ],
)
def test_sensitivity_figures_from_model_runs(
    method: str, extra: str, figures: set[str], tmp_path: Path
) -> None:
    text = (
        f"preset = 'classroom'\nsteps = 6\nseed = 2\ndesign = '{method}'\n{extra}"
        "[parameters]\nsupervision = [0.0005, 0.008]\none_veto_targets = [0, 20]\n"
    )
    out = serial_sweep(tiny_spec(text), tmp_path / "s")
    # Response and phase figures of sampled designs are covered by the binned test above.
    report = analyze(out, tmp_path / "f", only=["sensitivity"])
    assert {p.name for p in report.files} == figures | {f"{method}_indices.csv"}
    for figure in figures:
        # Morris plots a few markers per panel: a small share, but no blank figure has any.
        assert_drawn(tmp_path / "f" / figure, min_share=0.0003 if method == "morris" else 0.003)
    table = pd.read_csv(tmp_path / "f" / f"{method}_indices.csv")
    assert set(table["parameter"]) >= {"supervision", "one_veto_targets"}
    if method == "sobol":
        assert set(table["index"]) == {"S1", "ST", "S2"}
        assert set(table["parameter"][table["index"] == "S2"]) == {"supervision x one_veto_targets"}
    assert {"township", "all"} <= set(table["level"])


def test_sensitivity_needs_a_complete_sweep(tmp_path: Path) -> None:
    text = (
        "preset = 'classroom'\nsteps = 4\ndesign = 'morris'\nsamples = 4\n"
        "[parameters]\nsupervision = [0.0005, 0.008]\ntolerance = [0, 1]\n"
    )
    out = serial_sweep(tiny_spec(text), tmp_path / "s", order=[0, 1, 2])
    with pytest.raises(StoreError, match="incomplete .*morris indices need every run"):
        analyze(out, tmp_path / "f")
    assert not (tmp_path / "f").exists()  # refused before drawing anything
    report = analyze(out, tmp_path / "f", only=["response"])
    assert {p.name for p in report.files} == {
        "response_curves.csv",
        "response_supervision.png",
        "response_tolerance.png",
    }


def test_imprecise_sobol_indices_are_flagged_precise_ones_are_not() -> None:
    from SALib.test_functions import Ishigami

    from experiments.analysis import imprecise_sobol

    def table(n: int, seed: int) -> pd.DataFrame:
        design = _design(ISHIGAMI, "sobol", n)
        y = Ishigami.evaluate(design[ISHIGAMI["names"]].to_numpy())
        runs = _runs_frame(design, y, replicates=1, rng=np.random.default_rng(seed))
        return sensitivity_table(
            runs, design, "sobol", ISHIGAMI, outputs=[("all", "innovate")], seed=seed
        )

    assert imprecise_sobol(table(2048, 3)) == []  # half-widths < 0.1 (test above)
    (line,) = imprecise_sobol(table(8, 3))  # 8 base samples cannot rank anything
    assert line.startswith("Sobol indices of all innovate") and "raise `samples`" in line
    # A spike in one corner of the space: the heavy tail of the model's township innovation.
    design = _design(ISHIGAMI, "sobol", 64)
    x = design[ISHIGAMI["names"]].to_numpy()
    y = np.where((x[:, 0] > 2.9) & (x[:, 1] > 2.5), 1000.0, 0.01 * x[:, 2])
    runs = _runs_frame(design, y, replicates=1, rng=np.random.default_rng(5))
    assert (
        len(
            imprecise_sobol(
                sensitivity_table(
                    runs, design, "sobol", ISHIGAMI, outputs=[("all", "innovate")], seed=5
                )
            )
        )
        == 1
    )
