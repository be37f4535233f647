"""Sweep specs: the issue's minimal form, every range form, and one-line errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import SWEEPS_DIR, designs
from experiments.spec import SpecError, load_spec, parse_spec
from model.params import SCHEMA

MINIMAL = """
scenario = "tightened_accountability"
preset = "classroom"
steps = 60
replicates = 3
seed = 5
design = "grid"          # or "lhs", "sobol", "morris" (then ranges and a sample count)
[parameters]
supervision = [0.001, 0.005, 0.009]
tolerance = [0.2, 0.8]
"""


def test_minimal_form_from_the_issue() -> None:
    spec = parse_spec(MINIMAL)
    assert spec.scenarios == ("tightened_accountability",)
    assert (spec.preset, spec.steps, spec.replicates, spec.seed, spec.design) == (
        "classroom",
        60,
        3,
        5,
        "grid",
    )
    assert spec.parameters == ("supervision", "tolerance")
    design = designs.build(spec)
    assert len(design) == 6 and designs.n_runs(spec, design) == 18
    # Full factorial in spec order: the last parameter varies fastest.
    assert design[["supervision", "tolerance"]].values.tolist() == [
        [0.001, 0.2],
        [0.001, 0.8],
        [0.005, 0.2],
        [0.005, 0.8],
        [0.009, 0.2],
        [0.009, 0.8],
    ]


@pytest.mark.parametrize("path", sorted(SWEEPS_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_sweeps_validate(path: Path) -> None:
    spec = load_spec(path)
    assert spec.name == path.stem
    design = designs.build(spec)
    assert designs.n_runs(spec, design) >= 10


def test_required_shipped_sweeps_exist() -> None:
    names = {p.stem for p in SWEEPS_DIR.glob("*.toml")}
    assert {"levers_grid", "supervision_x_tolerance", "sobol_levers"} <= names
    assert set(load_spec(SWEEPS_DIR / "levers_grid.toml").parameters) == {
        "supervision",
        "one_veto_targets",
        "retroactive_risk",
        "tolerance",
    }
    assert load_spec(SWEEPS_DIR / "sobol_levers.toml").design == "sobol"


def test_grid_range_forms() -> None:
    spec = parse_spec("""
[parameters]
supervision = { low = 0, high = 0.008, steps = 5 }
tolerance = { low = 0.1, high = 0.5, step = 0.2 }
one_veto_targets = { low = 0, high = 30, steps = 4 }
""")
    values = {f.name: f.values for f in spec.factors}
    assert values["supervision"] == (0.0, 0.002, 0.004, 0.006, 0.008)
    assert values["tolerance"] == (0.1, 0.3, 0.5)
    assert values["one_veto_targets"] == (0, 10, 20, 30)
    assert all(isinstance(v, int) for v in values["one_veto_targets"])


def test_sampled_range_forms() -> None:
    spec = parse_spec("""
design = "lhs"
samples = 10
[parameters]
supervision = { low = 0.002, high = 0.004 }
tolerance = [0.1, 0.9]
retroactive_risk = "full"
""")
    p = SCHEMA["retroactive_risk"]
    assert spec.problem()["bounds"] == [[0.002, 0.004], [0.1, 0.9], [p.low, p.high]]


def test_hash_ignores_cosmetics_but_not_content() -> None:
    a = parse_spec(MINIMAL)
    b = parse_spec("name = 'other'\ndescription = 'x'\n# comment\n" + MINIMAL)
    c = parse_spec(MINIMAL.replace("seed = 5", "seed = 6"))
    assert a.hash == b.hash
    assert a.hash != c.hash


def test_fixed_parameters_and_scenario_lists() -> None:
    spec = parse_spec("""
scenario = ["flexible_experimentation", "reform_package"]
replicates = 2
[fixed]
imitation = 0.2
""")
    design = designs.build(spec)
    assert list(design["scenario"]) == ["flexible_experimentation", "reform_package"]
    tasks = designs.tasks(spec, design)
    assert [t.run_id for t in tasks] == [0, 1, 2, 3]
    assert all(dict(t.params) == {"imitation": 0.2} for t in tasks)


def test_schedule_override_is_warned() -> None:
    spec = parse_spec("""
scenario = "tightening_then_loosening"
[parameters]
supervision = [0.001, 0.009]
""")
    assert any("supervision at month 40" in w for w in spec.warnings())
    assert parse_spec(MINIMAL).warnings() == []


BAD = {
    "unknown parameter": (
        "[parameters]\nsupervison = [0.1]\n",
        ["unknown parameter 'supervison'", "did you mean supervision"],
    ),
    "value out of range": (
        "[parameters]\nsupervision = [0.001, 1.5]\n",
        ["supervision", "1.5", "[0.0, 0.05]"],
    ),
    "integer parameter": (
        "[parameters]\none_veto_targets = [2.5]\n",
        ["one_veto_targets", "2.5", "integer"],
    ),
    "string value": ("[parameters]\nsupervision = ['0.005']\n", ["supervision", "not a string"]),
    "malformed TOML": (
        "steps = 60\n[parameters\nsupervision = [0.001]\n",
        ["malformed TOML", "line 2"],
    ),
    "unknown key": ("replicate = 3\n", ["unknown key 'replicate'", "did you mean replicates"]),
    "unknown design": (
        "design = 'factorial'\n",
        ["design = 'factorial'", "grid, lhs, sobol, morris"],
    ),
    "lhs too few samples": (
        "design = 'lhs'\nsamples = 1\n[parameters]\nsupervision = [0, 0.01]\n",
        ["samples = 1", "too few", "lhs", ">= 2"],
    ),
    "sobol too few samples": (
        "design = 'sobol'\nsamples = 4\n[parameters]\nsupervision = [0, 0.01]\ntolerance = [0, 1]\n",
        ["samples = 4", "too few", "sobol", ">= 8"],
    ),
    "sobol not a power of two": (
        "design = 'sobol'\nsamples = 12\n[parameters]\nsupervision = [0, 0.01]\ntolerance = [0, 1]\n",
        ["samples = 12", "power of two"],
    ),
    "morris too few": (
        "design = 'morris'\nsamples = 2\n[parameters]\nsupervision = [0, 0.01]\ntolerance = [0, 1]\n",
        ["samples = 2", "too few", "morris"],
    ),
    "sampled without samples": (
        "design = 'sobol'\n[parameters]\nsupervision = [0, 0.01]\n",
        ["needs samples"],
    ),
    "sobol one factor": (
        "design = 'sobol'\nsamples = 8\n[parameters]\nsupervision = [0, 0.01]\n",
        ["at least 2 varied"],
    ),
    "samples on a grid": ("samples = 8\n", ["samples applies to designs lhs, sobol and morris"]),
    "range of no width": (
        "design = 'lhs'\nsamples = 4\n[parameters]\nsupervision = [0.005, 0.005]\n",
        ["low = 0.005 equals high = 0.005", "needs low below high"],
    ),
    # low > high is refused alike in every form a range can take.
    "lhs range descending": (
        "design = 'lhs'\nsamples = 4\n[parameters]\nsupervision = [0.008, 0.002]\n",
        ["supervision: low = 0.008 is above high = 0.002"],
    ),
    "grid steps descending": (
        "[parameters]\nsupervision = { low = 0.008, high = 0.002, steps = 3 }\n",
        ["supervision: low = 0.008 is above high = 0.002"],
    ),
    "grid step descending": (
        "[parameters]\nsupervision = { low = 0.008, high = 0.002, step = 0.1 }\n",
        ["supervision: low = 0.008 is above high = 0.002"],
    ),
    "record every above steps": (
        "steps = 10\n[record]\ntimeseries = true\nevery = 11\n",
        ["record.every = 11", "[1, 10]", "shortest run has 10 months"],
    ),
    "record every above a scenario's length": (
        "scenario = ['tightened_accountability', 'tightening_then_loosening']\n[record]\nevery = 100000\n",
        ["record.every = 100000", "shortest run"],
    ),
    "grid needs values": ("[parameters]\nsupervision = 0.5\n", ["put constants in [fixed]"]),
    "duplicate value": (
        "[parameters]\nsupervision = [0.005, 0.005]\n",
        ["lists the value 0.005 twice"],
    ),
    "varied and fixed": (
        "[parameters]\nsupervision = [0.005]\n[fixed]\nsupervision = 0.2\n",
        ["both varied", "[fixed]"],
    ),
    "fixed out of range": ("[fixed]\ntolerance = 2\n", ["[fixed]", "tolerance", "2"]),
    "bad steps": ("steps = 0\n", ["steps = 0", ">= 1"]),
    "bad replicates": ("replicates = 'three'\n", ["replicates = 'three'"]),
    "negative seed": ("seed = -1\n", ["seed = -1", ">= 0"]),
    "unknown scenario": ("scenario = 'utopia'\n", ["unknown scenario 'utopia'"]),
    "unknown preset": ("preset = 'planet'\n", ["unknown preset 'planet'"]),
    "preset and branching": (
        "preset = 'classroom'\nbranching = [2, 2, 2, 2]\n",
        ["either preset or branching"],
    ),
    "record window": ("[record]\nwindow = 0\n", ["record.window = 0", "(0, 1]"]),
    "record key": ("[record]\ntimeserie = true\n", ["unknown key 'timeserie' in [record]"]),
    "odd morris levels": (
        "design = 'morris'\nsamples = 4\nmorris_levels = 3\n[parameters]\n"
        "supervision = [0, 0.01]\ntolerance = [0, 1]\n",
        ["morris_levels = 3", "even"],
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_specs_give_one_line_errors(case: str) -> None:
    text, needles = BAD[case]
    with pytest.raises(SpecError) as err:
        parse_spec(text, source="bad.toml")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith("bad.toml: ")
    for needle in needles:
        assert needle in msg, (needle, msg)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="does not exist"):
        load_spec(tmp_path / "nope.toml")
