"""The dashboard's plain-Python parts: labels, lessons, the game, exports, the CLI."""

from __future__ import annotations

import argparse
import io
import re
import socket

import numpy as np
import pandas as pd
import pytest

from dashboards import cli, export, i18n, svg, views
from dashboards.lessons import LESSONS
from dashboards.play import CadreGame
from dashboards.replicates import run_lesson
from dashboards.session import Simulation, check_seed
from model.errors import CadreSimError
from model.params import SCHEMA
from model.scenarios import SCENARIOS
from model.state import AVOID, INNOVATE, ROUTINE
from tests.dashboards.pngcheck import assert_drawn


# ---------------------------------------------------------------------- i18n
def test_every_label_has_both_languages() -> None:
    for key, texts in i18n.STRINGS.items():
        assert set(texts) == set(i18n.LANGS), key
        assert all(texts[lang].strip() for lang in i18n.LANGS), key
        # the same placeholders in both, or a switch of language breaks formatting
        fields = [set(re.findall(r"{(\w+)", texts[lang])) for lang in i18n.LANGS]
        assert fields[0] == fields[1], key
    for name in SCHEMA:
        # every unit of the schema is translated (the fallback shows English)
        assert i18n.unit_text(name, "zh") != SCHEMA[name].unit or not re.search("[a-z]", SCHEMA[name].unit), name


def test_bad_language_is_one_line_error() -> None:
    with pytest.raises(CadreSimError, match="lang"):
        i18n.check_lang("fr")


def test_english_names_follow_the_model_tuples() -> None:
    for model_names, en in i18n.MODEL_NAME_TUPLES.values():
        assert len(model_names) == len(en)


# ------------------------------------------------------------------- lessons
def test_at_least_five_lessons_in_both_languages() -> None:
    assert len(LESSONS) >= 5
    for lesson in LESSONS:
        for lang in i18n.LANGS:
            assert lesson.title(lang) and lesson.claim(lang) and lesson.question(lang)
            assert lesson.source_claim(lang) and lesson.look(lang) and lesson.setup_text(lang)
            assert all(o.text(lang) for o in lesson.options)
        assert re.search(r"S00[03]-\d", lesson.claim("en")), lesson.key  # claims cite a source
        assert len(lesson.options) >= 2


@pytest.mark.parametrize("lesson", LESSONS[:2], ids=lambda les: les.key)
def test_lesson_runs_and_explains_with_measured_numbers(lesson) -> None:
    sim = Simulation(seed=3)
    lesson.setup(sim)
    assert sim.steps == 0 and sim.scenario == lesson.scenario
    sim.step(lesson.remaining(sim))
    runs = run_lesson(lesson, sim.preset, sim.seed, k=4)
    verdict = lesson.evaluate(sim, runs)
    assert verdict.withheld is None
    assert verdict.happened("en") and verdict.happened("zh") and verdict.rule("en")
    keys = {o.key for o in lesson.options}
    assert verdict.key in keys or verdict.key is None
    # the run on the screen is described with its own numbers, the verdict with the runs'
    other = Simulation(seed=4)
    lesson.setup(other)
    other.step(lesson.steps)
    assert lesson.evaluate(other, runs).this_run("en") != verdict.this_run("en")


# ---------------------------------------------------------------------- play
def test_player_choice_reaches_the_model() -> None:
    sim = Simulation(seed=1)
    game = CadreGame(sim, township=2, leader=False)
    for action in (INNOVATE, AVOID, ROUTINE, INNOVATE):
        turn = game.take_turn(action)
        # the model's own record of the month: the post's action and its unit's tally
        assert int(sim.model.state.action[game.cadre]) == action
        assert sim.model.unit_counts[game.unit][action] >= 1
        assert turn.choice == action and turn.month == sim.steps
    assert game.record()["months"] == 4
    assert game.township_path().shape == (4, 3)
    assert [c for _, c in game.choices()] == [INNOVATE, AVOID, ROUTINE, INNOVATE]


def test_game_rejects_bad_input() -> None:
    sim = Simulation()
    with pytest.raises(CadreSimError, match="township"):
        CadreGame(sim, township=10_000)
    game = CadreGame(sim)
    with pytest.raises(CadreSimError, match="action"):
        game.take_turn(3)


# ------------------------------------------------------------------- session
def test_session_is_deterministic_and_reproducible() -> None:
    a, b = Simulation(seed=7), Simulation(seed=7)
    for sim in (a, b):
        sim.step(3)
        sim.set_param("supervision", 0.9)
        sim.step(3)
    assert a.history_csv() == b.history_csv()
    assert "--at 4:supervision=0.9" in a.command()
    assert a.settings()["live_changes"] == [[4, {"supervision": 0.9}]]


@pytest.mark.parametrize("bad", [-1, 2**32, "x", 1.5, True])
def test_bad_seed_is_one_line_error(bad) -> None:
    with pytest.raises(CadreSimError, match="seed"):
        check_seed(bad)


def test_bad_parameter_value_names_the_range() -> None:
    with pytest.raises(CadreSimError, match=r"supervision.*\[0\.0, 1\.0\]"):
        Simulation().set_param("supervision", 2)


# -------------------------------------------------------------------- export
# hues each figure draws its data in (funnel: one bar colour; survey: one model colour)
FIGURE_HUES = {"funnel": 1, "survey": 1}


def test_every_figure_exports_as_png_and_data_as_csv() -> None:
    sim = Simulation(seed=2)
    sim.step(24)
    snap = views.snapshot(sim.model, sim.change_points())
    for name in export.FIGURES:
        for lang in i18n.LANGS:
            assert_drawn(export.figure_png(name, snap, lang), f"{name} ({lang})", FIGURE_HUES.get(name, 2))
    df = pd.read_csv(io.StringIO(sim.history_csv()))
    assert len(df) == 24 * 6 and set(df["scenario"]) == {sim.scenario}
    cadres = pd.read_csv(io.StringIO(sim.cadres_csv()))
    assert len(cadres) == sim.model.n_cadres
    assert np.allclose(cadres["believed_tolerance"], sim.model.state.belief_tol, atol=1e-6)
    with pytest.raises(ValueError, match="figure"):
        export.figure_png("nope", snap, "en")


def test_blank_figure_fails_the_png_check() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    fig.add_subplot().set_title("a title and axes, no data")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    with pytest.raises(AssertionError, match="blank"):
        assert_drawn(buf.getvalue())
    # before the first month the shares have no data: the export is blank too
    snap = views.snapshot(Simulation(seed=2).model, [])
    with pytest.raises(AssertionError, match="blank"):
        assert_drawn(export.figure_png("shares", snap, "en"))


def test_cjk_font_ranks_simplified_chinese_first() -> None:
    names = ["DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK HK", "Noto Serif CJK SC", "Noto Sans CJK TC",
             "Noto Sans Mono CJK SC", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans CJK KR"]
    ranked = [r[2] for r in sorted(r for r in map(export.cjk_rank, names) if r is not None)]
    assert ranked[:3] == ["Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Sans Mono CJK SC"]
    assert ranked[3] == "WenQuanYi Zen Hei"  # no region tag: before TC, HK, JP, KR
    assert ranked[4:] == ["Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK JP", "Noto Sans CJK KR"]
    assert export.cjk_rank("DejaVu Sans") is None


def test_cjk_font_is_found_when_matplotlib_cache_predates_it() -> None:
    """A font manager that lists no CJK font (its cache was made before the install)
    still finds the system's simplified-Chinese face through fontconfig."""
    import copy

    from matplotlib import font_manager

    files = export.system_cjk_files()
    if not files:
        pytest.skip("no Chinese font installed (Debian: apt-get install fonts-noto-cjk)")
    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [f for f in font_manager.fontManager.ttflist if export.cjk_rank(f.name) is None]
    name = export.find_cjk_font(stale)
    assert name is not None and export.cjk_rank(name)[0] == 0, name  # a simplified-Chinese face
    # a Chinese PNG is drawn with it: no glyph is missing
    sim = Simulation(seed=2)
    sim.step(3)
    snap = views.snapshot(sim.model, sim.change_points())
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        assert export.export_lang("zh") == "zh"
        assert_drawn(export.figure_png("shares", snap, "zh"), "shares (zh)")


def test_tree_is_coarser_for_the_province() -> None:
    sim = Simulation(preset="province")
    sim.step(1)
    tree = views.tree_data(sim.model)
    assert tree.depth < 4 and tree.below is not None
    assert len(tree.x) <= views.MAX_DRAWN_PER_LEVEL * 4


# ----------------------------------------------------------------------- cli
def test_cli_rejects_a_busy_port_and_a_bad_one() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(CadreSimError, match=f"--port = {port}"):
            cli.check_address("127.0.0.1", port)
    with pytest.raises(argparse.ArgumentTypeError, match="65535"):
        cli._port("70000")


def test_server_runs_offline_and_local_by_default() -> None:
    env = cli.server_env(base={})
    assert env["SOLARA_ASSETS_PROXY"] == "True"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    cmd = cli.server_command(cli.DEFAULT_HOST, 8765)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"


# ------------------------------------------------------------- extreme values
def _draw_everything(sim: Simulation) -> None:
    """What the page draws after a month: every chart, the tree and a unit's detail."""
    snap = views.snapshot(sim.model, sim.change_points())
    for lang in ("en", "zh"):
        for chart in svg.CHARTS.values():
            assert chart(snap, lang).startswith("<svg")
        assert svg.tree_svg(views.tree_data(sim.model), lang).startswith("<svg")
    views.unit_detail(sim.model, sim.model.n_units - 1)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_parameter_at_both_ends_in_every_scenario(scenario) -> None:
    """The sliders' whole ranges, as the page sets them (``set_param`` mid-run), never
    break a step or a view; the browser test covers the four levers on the page itself."""
    for end in ("low", "high"):
        sim = Simulation(seed=3)
        sim.set_scenario(scenario)
        sim.step(1)
        for name, spec in SCHEMA.items():
            sim.set_param(name, getattr(spec, end))
        sim.step(3)
        _draw_everything(sim)
        s = sim.model.state
        assert np.isfinite(s.belief_tol).all() and np.isfinite(s.belief_detect).all()
