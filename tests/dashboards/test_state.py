"""The state of a browser tab, without a browser: it survives a reload, keeps runs
playing across modes, asks before discarding a run, keeps a lesson's run when the
lesson is left, never shows an explanation of another run, and stops waiting for paints
from a page that does not paint (a background tab)."""

from __future__ import annotations

import threading
import time

import pytest

from dashboards.components import appstate
from dashboards.components.appstate import AppState, state_for_tab
from dashboards.lessons import LESSONS


class FakePage:
    """A stand-in for a page's kernel context."""

    def __init__(self) -> None:
        self.closed_event = threading.Event()
        self.callbacks = []

    def on_close(self, f) -> None:
        self.callbacks.append(f)

    def __enter__(self):
        return self

    def __exit__(self, *args) -> None:
        return None


class FakeWidget:
    def set_trait(self, name, value) -> None:
        self.value = value


@pytest.fixture
def state():
    s = AppState("test-tab")
    s.attach(None)
    yield s
    for run in s.runs():
        run.playing.set(False)
    if s._loop is not None:
        s._loop.join(5)


def wait_until(cond, timeout: float = 20.0) -> None:
    end = time.perf_counter() + timeout
    while not cond():
        assert time.perf_counter() < end, "timed out"
        time.sleep(0.02)


def test_a_reload_finds_the_same_state() -> None:
    a = state_for_tab("tab-1", "session-a")
    a.explore.sim.step(3)
    assert state_for_tab("tab-1", "session-a") is a  # the reloaded page of the same tab
    assert state_for_tab("tab-2", "session-a") is not a  # another tab
    assert state_for_tab("tab-1", "session-b") is not a  # another browser
    page = FakePage()
    a.attach(page)
    assert a.context is page
    for f in page.callbacks:  # the page closes (reload): the state waits for the next one
        f()
    assert a.context is None and a.explore.sim.steps == 3


def test_switching_mode_keeps_every_run_and_its_play(state: AppState) -> None:
    state.speed.set(30)
    state.toggle_play()
    wait_until(lambda: state.explore.sim.steps >= 3)
    state.set_mode("lessons")
    assert state.explore.playing.peek(), "switching mode stopped play"
    before = state.explore.sim.steps
    wait_until(lambda: state.explore.sim.steps >= before + 3)  # it plays on, not drawn
    assert state.sim is state.lesson_run().sim and state.sim.steps == 0
    state.set_mode("explore")
    assert state.sim is state.explore.sim and state.sim.steps >= before + 3


def test_a_lesson_left_mid_run_resumes(state: AppState) -> None:
    state.speed.set(5)
    state.set_mode("lessons")
    state.choose_lesson(1)
    run = state.lesson_run()
    assert (
        run.sim.scenario == LESSONS[1].scenario
    )  # the sidebar shows the lesson's set-up from the start
    state.to_predict()
    state.set_prediction("fall")
    state.run_lesson()
    wait_until(lambda: run.sim.steps >= 2)
    state.choose_lesson(0)
    state.set_mode("explore")
    state.set_mode("lessons")
    state.choose_lesson(1)
    assert (
        state.lesson_run() is run and run.sim.steps >= 2 and run.stage.peek() in ("run", "explain")
    )


def test_reset_after_a_lesson_leaves_no_explanation(state: AppState) -> None:
    state.set_mode("lessons")
    state.choose_lesson(0)
    state.to_predict()
    state.set_prediction("innovate")
    state.run_lesson()
    state.skip_to_end()
    run = state.lesson_run()
    wait_until(lambda: run.verdict.peek() is not None)
    assert run.stage.peek() == "explain" and run.verdict.peek().withheld is None
    state.reset()
    assert run.sim.steps == 0 and run.stage.peek() == "predict" and run.verdict.peek() is None
    # and play is refused outside a lesson's own run: no run goes on under an old explanation
    assert not state.can_play()


def test_a_moved_lever_during_a_lesson_withholds_its_verdict(state: AppState) -> None:
    state.set_mode("lessons")
    state.choose_lesson(0)
    assert state.controls_locked()
    state.to_predict()
    state.set_prediction("innovate")
    state.unlock(True)
    assert not state.controls_locked()
    state.run_lesson()
    state.lesson_run().playing.set(False)
    state.sim.step(2)
    state.sim.set_param("supervision", 0.05)
    state.skip_to_end()
    run = state.lesson_run()
    wait_until(lambda: run.verdict.peek() is not None)
    assert run.verdict.peek().withheld is not None and run.verdict.peek().key is None


def test_a_new_setting_asks_before_discarding_the_run(state: AppState) -> None:
    state.sim.step(4)
    state.ask("scenario", lambda: state.configure(scenario="reform_package"))
    assert state.confirm.peek() is not None and state.sim.steps == 4
    state.confirmed(False)
    assert (
        state.confirm.peek() is None
        and state.sim.steps == 4
        and state.sim.scenario != "reform_package"
    )
    state.ask("scenario", lambda: state.configure(scenario="reform_package"))
    state.confirmed(True)
    assert state.sim.steps == 0 and state.sim.scenario == "reform_package"
    # at month 0 nothing is lost, so nothing is asked
    state.ask("seed", lambda: state.configure(seed=5))
    assert state.confirm.peek() is None and state.sim.seed == 5


def test_a_bad_seed_error_goes_to_the_seed_field(state: AppState) -> None:
    state.set_seed("abc")
    assert state.seed_error.peek() and state.error.peek() is None
    state.set_seed("7")
    assert state.seed_error.peek() is None and state.sim.seed == 7


def test_a_page_that_does_not_paint_is_not_waited_for(state: AppState, monkeypatch) -> None:
    monkeypatch.setattr(appstate, "PAINT_GRACE", 0.05)
    state.attach(FakePage())
    state.received_frame(5)  # the frame arrived, but no paint follows (a background tab)
    t = time.perf_counter()
    assert state._wait_for_browser(5) is False
    assert time.perf_counter() - t < 0.5 and not state.painting
    state.ack(6)  # a late paint now and then (a background tab) does not count
    assert not state.painting
    state.live["ack"] = FakeWidget()
    for _ in range(appstate.RESUME_PROBES):  # prompt paints of probes: it is in front again
        state.probe()
        state.ack(state.frame)
    assert state.painting and state.resync


def test_a_run_not_drawn_keeps_its_pace(state: AppState) -> None:
    run = state.explore
    run.front_rate = 20.0
    state.speed.set(0)  # as fast as possible: paced at the rate it had in front
    t0 = time.perf_counter()
    run.owed(t0, 20.0)
    assert run.owed(t0 + 1.0, 20.0) == 20
    state.speed.set(10)
    run.in_front()
    state._advance_background(run, t0)
    state._advance_background(run, t0 + 0.5)
    assert run.sim.steps == 5


def test_a_run_pauses_when_its_page_stops_answering(state: AppState, monkeypatch) -> None:
    monkeypatch.setattr(appstate, "DETACHED_GRACE", 1.0)
    monkeypatch.setattr(appstate, "PAINT_GRACE", 0.05)
    monkeypatch.setattr(appstate, "ACK_TIMEOUT", 0.1)
    state.attach(FakePage())  # a page that never acknowledges anything (a closed laptop)
    state.toggle_play()
    wait_until(lambda: not state.explore.playing.peek(), timeout=15)
    assert state.explore.sim.steps > 0  # it played on for a while, then paused
