"""Lesson verdicts: each branch of each lesson's rule, on constructed runs, gives the
matching text; a run that no longer follows its lesson gets no verdict; verdicts rest
on replicate runs, so they do not flip with the seed.

The runs here are fake histories (numbers put into the columns a lesson reads), so
the tests hold whatever the model's dynamics become.
"""

from __future__ import annotations

import numpy as np
import pytest

from dashboards import lessons, verdicts
from dashboards.lessons import LESSONS, get
from dashboards.replicates import run_lesson, seeds_for
from dashboards.session import Simulation
from dashboards.views import COL, ROW
from model.hierarchy import LEVELS


def fake_runs(months: int, k: int = 10, noise: float = 0.002, seed: int = 0, **series) -> verdicts.Runs:
    """K histories of ``months`` months. ``series`` maps "level__column" (or "column" for
    the township) to a function of the month (1-based array) giving the value."""
    rng = np.random.default_rng(seed)
    hist = np.zeros((k, months, len(ROW), len(COL)))
    t = np.arange(1, months + 1)
    for name, fn in series.items():
        level, col = name.split("__") if "__" in name else ("township", name)
        values = np.broadcast_to(np.asarray(fn(t), dtype=float), (months,))
        hist[:, :, ROW[level], COL[col]] = values + noise * rng.standard_normal((k, months))
    return verdicts.Runs(hist, tuple({"dont_know": 0.5} for _ in range(k)), tuple(range(k)))


def step_at(at: int, before: float, after: float):
    return lambda t: np.where(t < at, before, after)


def judge(key: str, runs: verdicts.Runs) -> verdicts.Verdict:
    return get(key).judge(runs, runs.hist[0], {})


def texts(v: verdicts.Verdict, lang: str = "en") -> str:
    return " ".join([v.happened(lang), v.this_run(lang), *(w(lang) for w in v.why)])


# --------------------------------------------------------------- the rules
def test_classify_names_a_class_only_when_the_interval_is_inside_it() -> None:
    bands = (verdicts.Band("low", -np.inf, 0), verdicts.Band("high", 0, np.inf))
    assert verdicts.classify(verdicts.Estimate(2, 1, 3, 10), bands) == ("high", ["high"])
    assert verdicts.classify(verdicts.Estimate(0.5, -1, 2, 10), bands) == (None, ["low", "high"])
    assert verdicts.estimate([np.nan, np.nan]).n == 0


@pytest.mark.parametrize("before, after, key", [(0.40, 0.10, "fall"), (0.20, 0.21, "same"), (0.10, 0.40, "rise")])
def test_change_lessons_name_the_measured_direction(before, after, key) -> None:
    for lesson in ("supervision_tightens", "one_veto_targets"):
        runs = fake_runs(84, innovate=step_at(36, before, after), belief_detection=step_at(36, 0.3, 0.3),
                         free_attention=step_at(36, 0.3, 0.3))
        v = judge(lesson, runs)
        assert v.key == key
        option = get(lesson).option(key)
        assert f"Verdict: {option.en}." in v.happened("en") and f"结论：{option.zh}。" in v.happened("zh")
        assert f"{100 * before:.1f}%" in v.happened("en") and f"{100 * after:.1f}%" in v.happened("en")


def test_change_lesson_cannot_tell_when_runs_disagree() -> None:
    runs = fake_runs(84, noise=0.0, innovate=lambda t: 0.3)
    # half the runs fall by 8 points, half rise by 8: the interval spans every class
    runs.hist[::2, 35:, ROW["township"], COL["innovate"]] -= 0.08
    runs.hist[1::2, 35:, ROW["township"], COL["innovate"]] += 0.08
    v = judge("supervision_tightens", runs)
    assert v.key is None and "cannot tell" in v.happened("en") and "无法判定" in v.happened("zh")
    assert set(v.touched) == {"fall", "same", "rise"}


def test_mechanism_sentences_follow_what_was_measured() -> None:
    rising = fake_runs(84, innovate=step_at(36, 0.4, 0.1), belief_detection=step_at(36, 0.3, 0.8))
    flat = fake_runs(84, innovate=step_at(36, 0.4, 0.1), belief_detection=step_at(36, 0.3, 0.3))
    assert "believed chance of detection rose" in texts(judge("supervision_tightens", rising))
    said = texts(judge("supervision_tightens", flat))
    assert "did not change measurably" in said and "did not come through" in said
    assert "rose (" not in said


def test_spread_across_levels_is_reported_only_where_measured() -> None:
    series = {f"{lv}__avoid": step_at(36, 0.1, 0.1) for lv in LEVELS}
    series["township__avoid"] = step_at(40, 0.1, 0.4)
    series["county__avoid"] = step_at(50, 0.1, 0.3)
    v = judge("supervision_tightens", fake_runs(84, innovate=step_at(36, 0.4, 0.1), **series))
    said = texts(v)
    assert "at 2 of 5 levels (county, township)" in said
    assert "clearly most at the township level" in said
    assert said.index("township 4") < said.index("county 5")  # township reached half its rise first
    none = texts(judge("supervision_tightens", fake_runs(84, innovate=step_at(36, 0.4, 0.1))))
    assert "did not rise measurably at any level" in none


@pytest.mark.parametrize("inn, avo, key", [(0.5, 0.1, "innovate"), (0.3, 0.28, "even"), (0.1, 0.5, "avoid")])
def test_trial_and_error_verdicts(inn, avo, key) -> None:
    v = judge("trial_and_error", fake_runs(60, innovate=lambda t: inn, avoid=lambda t: avo,
                                           innovations=lambda t: 10, successes=lambda t: 4))
    assert v.key == key and get("trial_and_error").option(key).en in v.happened("en")
    assert "40.0% of township innovations succeeded" in texts(v)


def retro_runs(pre: float, tight: float, early: float, late: float) -> verdicts.Runs:
    def innovate(t):
        return np.select([t < 30, t < 66, t < 78, t < 97], [pre, tight, early, (early + late) / 2], late)
    return fake_runs(108, innovate=innovate, belief_detection=lambda t: np.where((t >= 30) & (t < 66), 0.6, 0.3))


@pytest.mark.parametrize("early, late, key", [(0.39, 0.40, "fast"), (0.25, 0.35, "slow"), (0.11, 0.12, "none")])
def test_retroactive_lesson_judges_recovery(early, late, key) -> None:
    v = judge("retroactive_accountability", retro_runs(0.40, 0.10, early, late))
    assert v.key == key, v.happened("en")
    assert get("retroactive_accountability").option(key).en in v.happened("en")


def test_retroactive_lesson_without_a_drop_says_so() -> None:
    v = judge("retroactive_accountability", retro_runs(0.30, 0.30, 0.30, 0.30))
    assert v.key == "no_drop" and "hardly fell" in v.happened("en")
    assert v.key not in get("retroactive_accountability").source_keys


def test_retroactive_why_reports_how_beliefs_faded() -> None:
    slow = retro_runs(0.4, 0.1, 0.2, 0.3)
    slow.hist[:, 65:, ROW["township"], COL["belief_detection"]] = np.linspace(0.6, 0.3, 108 - 65)
    assert "faded slowly" in texts(judge("retroactive_accountability", slow))
    flat = fake_runs(108, innovate=lambda t: np.where((t >= 30) & (t < 66), 0.1, 0.4),
                     belief_detection=lambda t: 0.3)
    assert "hardly rose under retroactive review" in texts(judge("retroactive_accountability", flat))


@pytest.mark.parametrize("share, key", [(0.02, "few"), (0.3, "some"), (0.8, "most")])
def test_tolerance_on_paper_verdicts(share, key) -> None:
    runs = fake_runs(72, all__cases=lambda t: 10.0, all__applied=lambda t: 5.0, all__accepted=lambda t: 4.0,
                     all__consulted=lambda t: 3.0, all__approved=lambda t: 2.0 + 8 * share,
                     all__recognised=lambda t: 10 * share, noise=0.0)
    v = judge("tolerance_on_paper", runs)
    assert v.key == key
    assert "stage “applied”" in texts(v)  # 5 of 10 lost at application: the largest loss


@pytest.mark.parametrize("gain, key", [(0.01, "hardly"), (0.06, "little"), (0.2, "clearly")])
def test_reform_verdicts_and_beliefs(gain, key) -> None:
    runs = fake_runs(108, innovate=step_at(48, 0.05, 0.05 + gain), belief_tolerance=step_at(48, 0.25, 0.24))
    v = judge("reform_package", runs)
    assert v.key == key
    said = texts(v)
    # believed tolerance fell slightly: the text must not credit learning that tolerance is real
    assert "did not come through belief that tolerance is real" in said
    assert "learnt it from tolerated cases" not in said
    up = fake_runs(108, innovate=step_at(48, 0.05, 0.3), belief_tolerance=step_at(48, 0.25, 0.6))
    assert "learnt it from tolerated cases" in texts(judge("reform_package", up))


def test_every_verdict_has_both_languages() -> None:
    for lesson in LESSONS:
        runs = fake_runs(lesson.steps, innovate=lambda t: 0.3, avoid=lambda t: 0.2, all__cases=lambda t: 5.0)
        v = lesson.judge(runs, runs.hist[0], {})
        for lang in ("en", "zh"):
            assert v.rule(lang) and v.happened(lang) and v.this_run(lang)
        assert "。" in v.happened("zh") and ". " in v.happened("en") + " "


# ------------------------------------------------------- the run on screen
def test_a_moved_lever_withholds_the_verdict() -> None:
    lesson = get("supervision_tightens")
    sim = Simulation(seed=3)
    lesson.setup(sim)
    runs = fake_runs(lesson.steps, innovate=step_at(36, 0.4, 0.1))
    sim.step(10)
    sim.set_param("supervision", 1.0)
    sim.step(lesson.remaining(sim))
    v = lesson.evaluate(sim, runs)
    assert v.key is None and v.withheld is not None and v.agrees is None
    assert "no longer follows the lesson" in v.withheld("en") and "month 11" in v.withheld("en")
    assert "不再符合" in v.withheld("zh")


def test_a_run_past_the_lesson_end_or_another_scenario_gets_no_verdict() -> None:
    lesson = get("trial_and_error")
    runs = fake_runs(lesson.steps, innovate=lambda t: 0.4)
    sim = Simulation(seed=1)
    lesson.setup(sim)
    sim.step(lesson.steps)
    v = lesson.evaluate(sim, runs)
    assert v.withheld is None and v.describes(lessons.run_key(sim))
    sim.step(2)  # played on after the end: the verdict no longer describes the run
    assert not v.describes(lessons.run_key(sim))
    assert "past the lesson's end" in lesson.evaluate(sim, runs).withheld("en")
    sim.reset()
    assert not v.describes(lessons.run_key(sim))
    sim.set_scenario("reform_package")
    sim.step(lesson.steps)
    assert "scenario" in lesson.evaluate(sim, runs).withheld("en")


def test_replicates_include_the_run_on_screen() -> None:
    lesson = get("trial_and_error")
    runs = run_lesson(lesson, "classroom", 7, k=3)
    assert runs.seeds == seeds_for(7, 3) == (7, 8, 9)
    sim = Simulation(seed=7)
    lesson.setup(sim)
    sim.step(lesson.steps)
    np.testing.assert_allclose(runs.hist[0], sim.model.history_array(), rtol=1e-6, atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("key", ["supervision_tightens", "retroactive_accountability"])
def test_verdicts_do_not_contradict_across_seed_blocks(key) -> None:
    """Two disjoint blocks of seeds may fail to settle, but never settle on different
    answers: a verdict does not flip with the seed."""
    lesson = get(key)
    keys = []
    for seed in (0, 100):
        runs = run_lesson(lesson, "classroom", seed)
        keys.append(lesson.judge(runs, runs.hist[0], {}).key)
    named = {k for k in keys if k is not None}
    assert len(named) <= 1, keys
