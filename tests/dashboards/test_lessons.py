"""Lesson verdicts: each branch of each lesson's rule, on constructed runs, gives the
matching text; a run that no longer follows its lesson gets no verdict; verdicts rest
on replicate runs, so they do not flip with the seed.

The runs here are fake histories (numbers put into the columns a lesson reads), so
the tests hold whatever the model's dynamics become.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from dashboards import lessons, verdicts
from dashboards.lessons import LESSONS, get
from dashboards.replicates import run_lesson, seeds_for
from dashboards.session import Simulation
from dashboards.views import COL, ROW
from model.hierarchy import LEVELS


def fake_runs(
    months: int, k: int = 10, noise: float = 0.002, seed: int = 0, **series
) -> verdicts.Runs:
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


@pytest.mark.parametrize(
    "before, after, key", [(0.40, 0.10, "fall"), (0.20, 0.21, "same"), (0.10, 0.40, "rise")]
)
def test_change_lessons_name_the_measured_direction(before, after, key) -> None:
    runs = fake_runs(84, innovate=step_at(36, before, after), free_attention=step_at(36, 0.3, 0.3))
    v = judge("one_veto_targets", runs)
    assert v.key == key
    option = get("one_veto_targets").option(key)
    assert f"Verdict: {option.en}." in v.happened("en") and f"结论：{option.zh}。" in v.happened(
        "zh"
    )
    assert f"{100 * before:.1f}%" in v.happened("en") and f"{100 * after:.1f}%" in v.happened("en")


def test_change_lesson_cannot_tell_when_runs_disagree() -> None:
    runs = fake_runs(84, noise=0.0, innovate=lambda t: 0.3)
    # half the runs fall by 8 points, half rise by 8: the interval spans every class
    runs.hist[::2, 35:, ROW["township"], COL["innovate"]] -= 0.08
    runs.hist[1::2, 35:, ROW["township"], COL["innovate"]] += 0.08
    v = judge("one_veto_targets", runs)
    assert v.key is None and "cannot tell" in v.happened("en") and "无法判定" in v.happened("zh")
    assert set(v.touched) == {"fall", "same", "rise"}


def test_spread_across_levels_is_reported_only_where_measured() -> None:
    series = {f"{lv}__avoid": step_at(36, 0.1, 0.1) for lv in LEVELS}
    series["township__avoid"] = step_at(40, 0.1, 0.4)
    series["county__avoid"] = step_at(50, 0.1, 0.3)
    # half of the counties adopt at month 44, half of the townships at month 52
    series["county__adopted"] = lambda t: np.where((t >= 36) & (t < 44), 0.0, 1.0)
    series["township__adopted"] = lambda t: np.where((t >= 36) & (t < 52), 0.0, 1.0)
    v = judge(
        "one_veto_targets", fake_runs(84, innovate=step_at(36, 0.4, 0.1), noise=0.0005, **series)
    )
    said = texts(v)
    assert "at 2 of 5 levels (county, township)" in said
    assert "clearly most at the township level" in said
    assert (
        "half of each level's units had adopted it after" in said
        and "county 8, township 16" in said
    )
    # township reached half its rise first (3-month centred average: months 40 and 50)
    assert said.index("township 4") < said.index("county 14")
    none = texts(judge("one_veto_targets", fake_runs(84, innovate=step_at(36, 0.4, 0.1))))
    assert "did not rise measurably at any level" in none and "made half of its rise" not in none


def spread_runs(
    lags: dict[str, int], at: int = 40, months: int = 120, noise: float = 0.01, **extra
) -> verdicts.Runs:
    """Blame avoidance of each level steps up ``lags[level]`` months after ``at``."""
    series = {f"{lv}__avoid": step_at(at + lags.get(lv, 0), 0.05, 0.3) for lv in LEVELS}
    return fake_runs(months, noise=noise, **series, **extra)


@pytest.mark.parametrize(
    "lags, key",
    [
        ({"province": 2, "city": 8, "county": 14, "township": 22}, "top_down"),
        ({"province": 1, "township": 2}, "together"),
        ({"province": 20, "township": 2}, "bottom_up"),
    ],
)
def test_spread_lesson_judges_the_order_of_the_levels(lags, key) -> None:
    v = judge("tightening_spreads", spread_runs(lags))
    assert v.key == key, v.happened("en")
    option = get("tightening_spreads").option(key)
    assert f"Verdict: {option.en}." in v.happened("en") and f"结论：{option.zh}。" in v.happened(
        "zh"
    )
    assert f"made half of its rise {lags['township']} months" in v.happened("en")
    assert (key in get("tightening_spreads").source_keys) == (key == "top_down")


def test_spread_lesson_cannot_tell_when_runs_disagree() -> None:
    runs = spread_runs({"province": 2, "township": 2})
    late = spread_runs({"province": 2, "township": 30})
    runs.hist[::2] = late.hist[::2]  # half the runs spread, half do not
    v = judge("tightening_spreads", runs)
    assert v.key is None and "cannot tell" in v.happened("en")


def test_spread_lesson_explains_with_beliefs_truth_and_blame() -> None:
    runs = spread_runs(
        {"township": 22},
        belief_detection=step_at(50, 0.015, 0.05),
        true_detection=step_at(45, 0.015, 0.05),
        township__sanctions_mild=lambda t: 1.0,
        township__n_cadres=lambda t: 120.0,
        province__n_cadres=lambda t: 16.0,
    )
    said = texts(judge("tightening_spreads", runs))
    assert (
        "believed chance that a misstep of theirs becomes their case (a month) rose (1.5% → 5.2%"
        in said
    )
    assert "true chance that a township misstep is noticed (a month) rose" in said
    assert "township 10.0%" in said  # 1 sanction a month among 120 cadres: 10 % a year
    flat = texts(
        judge(
            "tightening_spreads",
            spread_runs({"township": 22}, noise=0.001, belief_detection=lambda t: 0.02),
        )
    )
    assert "did not change measurably" in flat and "did not come through" in flat


@pytest.mark.parametrize(
    "inn, avo, key", [(0.5, 0.1, "innovate"), (0.3, 0.28, "even"), (0.1, 0.5, "avoid")]
)
def test_trial_and_error_verdicts(inn, avo, key) -> None:
    v = judge(
        "trial_and_error",
        fake_runs(
            60,
            innovate=lambda t: inn,
            avoid=lambda t: avo,
            innovations=lambda t: 10,
            successes=lambda t: 4,
        ),
    )
    assert v.key == key and get("trial_and_error").option(key).en in v.happened("en")
    assert "40.0% of township innovations succeeded" in texts(v)


def test_trial_and_error_says_what_trying_cost() -> None:
    cheap = fake_runs(
        60, all__failures=lambda t: 100.0, all__sanctions_mild=lambda t: 2.0, noise=0.0
    )
    assert "at most 2.0 in 100 failures ended in a sanction" in texts(
        judge("trial_and_error", cheap)
    )
    assert "Trying cost little." in texts(judge("trial_and_error", cheap))
    # sanctions for inaction are not a cost of trying
    risky = fake_runs(
        60,
        all__failures=lambda t: 10.0,
        all__sanctions_mild=lambda t: 9.0,
        all__sanctions_omission=lambda t: 1.0,
        noise=0.0,
    )
    assert "80.0 sanctions for acts" in texts(judge("trial_and_error", risky))
    assert "Trying was risky." in texts(judge("trial_and_error", risky))


def ramp(t, t0: int, months: int, a: float, b: float):
    """``a`` until month ``t0``, then a straight line to ``b`` over ``months`` months."""
    return a + (b - a) * np.clip((t - t0) / months, 0.0, 1.0)


def retro_runs(
    pre: float, tight: float, late: float, fall: int = 16, rise: int = 16, **extra
) -> verdicts.Runs:
    """Township innovation falls from ``pre`` to ``tight`` over ``fall`` months after month
    30, and climbs to ``late`` over ``rise`` months after month 90."""

    def innovate(t):
        return np.where(t < 90, ramp(t, 30, fall, pre, tight), ramp(t, 90, rise, tight, late))

    return fake_runs(160, innovate=innovate, **extra)


@pytest.mark.parametrize(
    "fall, rise, late, key",
    [
        (40, 10, 0.40, "faster"),
        (20, 20, 0.40, "as_fast"),
        (10, 40, 0.40, "slower"),
        (10, 10, 0.11, "none"),
    ],
)
def test_retroactive_lesson_compares_the_recovery_with_the_fall(fall, rise, late, key) -> None:
    v = judge("retroactive_accountability", retro_runs(0.40, 0.10, late, fall, rise))
    assert v.key == key, v.happened("en")
    assert get("retroactive_accountability").option(key).en in v.happened("en")
    if (
        key != "none"
    ):  # half of a straight fall or climb is reached half-way (± the 3-month average)
        said = re.search(
            r"half of its fall (\d+) months after month 30 and half of its recovery (\d+) months",
            v.happened("en"),
        )
        assert abs(int(said[1]) - fall / 2) <= 1 and abs(int(said[2]) - rise / 2) <= 1, said[0]


def test_retroactive_lesson_without_a_drop_says_so() -> None:
    v = judge("retroactive_accountability", retro_runs(0.30, 0.30, 0.30))
    assert v.key == "no_drop" and "hardly fell" in v.happened("en")
    assert v.key not in get("retroactive_accountability").source_keys


def test_retroactive_why_reports_the_relay_and_how_beliefs_faded() -> None:
    adopted = {
        f"{lv}__adopted": (
            lambda t: np.where(((t >= 30) & (t < 52)) | ((t >= 90) & (t < 112)), 0.0, 1.0)
        )
        for lv in LEVELS[1:]
    }

    def belief(t):
        return np.where(t < 90, ramp(t, 30, 20, 0.0003, 0.003), ramp(t, 90, 60, 0.003, 0.0003))

    said = texts(
        judge(
            "retroactive_accountability",
            retro_runs(0.4, 0.1, 0.4, 10, 40, belief_retro=belief, noise=0.00001, **adopted),
        )
    )
    assert (
        "adopted the review 22 months after month 30 and its lift 22 months after month 90" in said
    )
    assert "the slower recovery lies with the cadres, not with the relay" in said
    assert re.search(
        r"half of its rise 1[01] months after month 30 and half of its fall 3[01] months after month 90",
        said,
    )
    assert "Bad news was learnt faster than good" in said and "faded by the end" in said
    flat = texts(
        judge("retroactive_accountability", retro_runs(0.4, 0.1, 0.3, belief_retro=lambda t: 0.001))
    )
    assert "hardly rose" in flat


@pytest.mark.parametrize("share, key", [(0.02, "few"), (0.3, "some"), (0.8, "most")])
def test_tolerance_on_paper_verdicts(share, key) -> None:
    runs = fake_runs(
        108,
        all__cases=lambda t: 10.0,
        all__applied=lambda t: 5.0,
        all__accepted=lambda t: 4.0,
        all__consulted=lambda t: 3.0,
        all__approved=lambda t: 2.0 + 8 * share,
        all__recognised=lambda t: 10 * share,
        all__cases_all=lambda t: 20.0,
        noise=0.0,
    )
    v = judge("tolerance_on_paper", runs)
    assert v.key == key
    assert "stage “applied”" in texts(v)  # 5 of 10 lost at application: the largest loss
    assert "(50.0% of all cases)" in v.happened("en")


def test_tolerance_lesson_reports_what_the_same_text_did_once_the_procedure_worked() -> None:
    runs = fake_runs(
        108,
        all__cases=lambda t: 10.0,
        all__applied=lambda t: 5.0,
        all__recognised=lambda t: np.where(t < 60, 0.2, 4.0),
        belief_tolerance=step_at(60, 0.02, 0.3),
        innovate=lambda t: 0.09,
    )
    v = judge("tolerance_on_paper", runs)
    assert v.key == "few"  # before month 48: 2 % tolerated
    said = texts(v)
    assert "From month 48 the standards were made clear" in said
    assert "tolerated and recognised rose (2.0% → 40.0%" in said
    assert (
        "believed chance of being tolerated rose" in said
        and "Township innovation did not change" in said
    )


@pytest.mark.parametrize("gain, key", [(0.01, "hardly"), (0.06, "little"), (0.2, "clearly")])
def test_reform_verdicts_and_beliefs(gain, key) -> None:
    runs = fake_runs(
        108, innovate=step_at(48, 0.05, 0.05 + gain), belief_tolerance=step_at(48, 0.25, 0.24)
    )
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
        runs = fake_runs(
            lesson.steps, innovate=lambda t: 0.3, avoid=lambda t: 0.2, all__cases=lambda t: 5.0
        )
        v = lesson.judge(runs, runs.hist[0], {})
        for lang in ("en", "zh"):
            assert v.rule(lang) and v.happened(lang) and v.this_run(lang)
        assert "。" in v.happened("zh") and ". " in v.happened("en") + " "


# ------------------------------------------------------- the run on screen
def test_a_moved_lever_withholds_the_verdict() -> None:
    lesson = get("tightening_spreads")
    sim = Simulation(seed=3)
    lesson.setup(sim)
    runs = spread_runs({"township": 22})
    sim.step(10)
    sim.set_param("supervision", 0.05)
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
@pytest.mark.parametrize("key", ["tightening_spreads", "retroactive_accountability"])
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
