"""The state of one browser session: its simulation and what the page shows.

Created once per session (``solara.use_memo`` in the page), so sessions never share a
model. Reactive values drive re-rendering: ``tick`` is bumped after every change of the
model (the views listen to it), ``controls`` when parameter values in force changed
without the user touching a slider (a scheduled regime change, a reset, a lesson set-up),
so the sidebar is redrawn only then and not on every month.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable

import solara

from dashboards import i18n, views
from dashboards.lessons import LESSONS, Outcome
from dashboards.play import CadreGame
from dashboards.session import Simulation
from model.errors import CadreSimError

SPEEDS: tuple[int, ...] = (1, 2, 5, 10, 20, 0)  # months per second; 0 = as fast as possible
MIN_PAUSE = 0.005  # seconds between frames at full speed
ACK_TIMEOUT = 1.0  # give up waiting for a browser that does not answer (tab closed)
SYNC_EVERY = 1.0  # seconds between full re-renders of the page while playing
# trait of each live widget that carries its markup (default: unsafe_innerHTML)
LIVE_TRAIT = {"tree": "svg", "ack": "tick"}
MODES: tuple[str, ...] = ("explore", "lessons", "play")
LANG_ENV = "CADRE_SIM_LANG"


def default_lang() -> str:
    lang = os.environ.get(LANG_ENV, i18n.DEFAULT_LANG)
    return lang if lang in i18n.LANGS else i18n.DEFAULT_LANG


class AppState:
    def __init__(self) -> None:
        self.sim = Simulation()
        self.lang = solara.reactive(default_lang())
        self.tick = solara.reactive(0)
        # live widgets the play loop updates without a render pass; frame numbers count
        # both renders and pushes, so the browser's acknowledgement paces either
        self.live: dict[str, object] = {}
        self.frame = 0
        self.controls = solara.reactive(0)
        self.playing = solara.reactive(False)
        self.speed = solara.reactive(10)
        self.render_every = solara.reactive(1)
        self.mode = solara.reactive("explore")
        self.selected = solara.reactive(None)
        self.error = solara.reactive(None)
        self.stop_at: int | None = None
        self.acked = 0                      # last frame the browser reported as painted
        self.ack_event = threading.Event()
        self._snap: tuple | None = None
        self._snap_lock = threading.Lock()
        # lessons
        self.lesson = solara.reactive(0)
        self.stage = solara.reactive("claim")   # claim → predict → run → explain
        self.prediction = solara.reactive(None)
        self.outcome = solara.reactive(None)
        # play as a cadre
        self.game = solara.reactive(None)
        self.turn = solara.reactive(None)
        # measured rate of the play loop (months per second, each shown in the browser);
        # a plain value, shown with the next frame, so it costs no render pass of its own
        self.rate = 0.0

    # -------------------------------------------------------------- helpers
    def snapshot(self, fresh: bool = False) -> views.Snapshot:
        """What the charts show for the current frame, computed once per frame."""
        key = (self.tick.peek(), id(self.sim.model), self.sim.steps)  # peek: no subscription
        with self._snap_lock:
            if fresh or self._snap is None or self._snap[0] != key:
                with self.sim.lock:
                    snap = views.snapshot(self.sim.model, self.sim.change_points())
                self._snap = (key, snap)
            return self._snap[1]

    def t(self, key: str, **fmt: object) -> str:
        return i18n.t(key, self.lang.value, **fmt)

    def changed(self, controls: bool = False) -> None:
        self.frame += 1
        self.tick.value = self.frame
        if controls:
            self.controls.value += 1

    def guard(self, fn, *args, controls: bool = False, **kwargs) -> bool:
        """Run a user action; a bad value or any failure becomes a message on the page."""
        try:
            fn(*args, **kwargs)
        except CadreSimError as e:
            self.error.value = str(e)
            return False
        except Exception as e:  # keep the page alive; the traceback goes to the server log
            traceback.print_exc()
            self.error.value = f"{type(e).__name__}: {e}"
            return False
        self.error.value = None
        self.changed(controls)
        return True

    def stop(self) -> None:
        self.playing.value = False

    # -------------------------------------------------------------- running
    def step(self) -> None:
        self.stop()
        self.guard(self._step_once)

    def _step_once(self) -> None:
        if self.sim.step(1):
            self.controls.value += 1

    def reset(self) -> None:
        self.stop()
        self.stop_at = None
        if self.mode.value == "play" and self.game.value is not None:
            self.guard(self._new_game, self.game.value.township, self.game.value.leader, controls=True)
        else:
            self.guard(self.sim.reset, controls=True)

    def toggle_play(self) -> None:
        if self.playing.value:
            self.stop()
        else:
            self.error.value = None
            self.playing.value = True

    def play_loop(self) -> None:
        """Step and redraw until paused (runs in a worker thread while playing)."""
        try:
            self._play_loop()
        except Exception as e:  # the task swallows errors: show them on the page instead
            traceback.print_exc()
            self.playing.value = False
            self.error.value = f"{type(e).__name__}: {e}"

    def _play_loop(self) -> None:
        frames, t_start = 0, time.perf_counter()
        last_sync = t_start
        self.rate = 0.0
        while self.playing.value:
            t0 = time.perf_counter()
            k = max(int(self.render_every.value), 1)
            if self.stop_at is not None:
                k = min(k, self.stop_at - self.sim.steps)
                if k <= 0:
                    self._finished()
                    return
            changed = self.sim.step(k)  # an error here is shown by play_loop
            frames += k
            elapsed = time.perf_counter() - t_start
            if elapsed > 0:
                self.rate = frames / elapsed
            # A full re-render of the page costs far more than a month of the model, so
            # the charts, tree and status line get their new markup pushed directly;
            # the rest of the page (unit details, lesson progress, export names)
            # follows once a second and when a lever changes.
            if changed or not self.live or time.perf_counter() - last_sync >= SYNC_EVERY:
                self.changed(controls=changed)
                last_sync = time.perf_counter()
                self._wait_for_browser(self.tick.peek())
            else:
                # One frame in flight: the browser paints month t while the server
                # computes month t + 1.
                self._wait_for_browser(self.push_frame() - 1)
            speed = self.speed.value
            # Even at full speed, pause briefly: the server's event loop must get the GIL to
            # send the frame, or the browser falls behind and the page stops responding.
            wait = k / speed - (time.perf_counter() - t0) if speed > 0 else 0.0
            time.sleep(max(MIN_PAUSE, wait))
        self.changed()  # paused: bring the whole page up to date

    # ------------------------------------------------------------ live views
    def register_live(self, name: str, widget: object) -> Callable[[], None]:
        """Let the play loop update ``widget`` directly (see :meth:`push_frame`)."""
        self.live[name] = widget

        def unregister() -> None:
            if self.live.get(name) is widget:
                del self.live[name]

        return unregister

    def push_frame(self) -> int:
        """Put the current month into the live widgets; returns the frame number sent."""
        snap = self.snapshot(fresh=True)
        lang = self.lang.peek()
        self.frame += 1
        for name, widget in list(self.live.items()):
            markup = views_markup(name, self, snap, lang)
            if markup is not None:
                widget.set_trait(LIVE_TRAIT.get(name, "unsafe_innerHTML"), markup)  # type: ignore[attr-defined]
        ack = self.live.get("ack")
        if ack is not None:
            ack.set_trait("tick", self.frame)  # type: ignore[attr-defined]
        return self.frame

    def ack(self, frame: int) -> None:
        """The browser has painted frame ``frame`` (called from the page)."""
        self.acked = max(self.acked, int(frame))
        self.ack_event.set()

    def _wait_for_browser(self, frame: int) -> None:
        # Renders happen in the server's own thread and are sent asynchronously; without
        # waiting for the browser, a fast model floods it and the page stops responding.
        deadline = time.perf_counter() + ACK_TIMEOUT
        while self.acked < frame and self.playing.value and time.perf_counter() < deadline:
            self.ack_event.wait(0.02)
            self.ack_event.clear()

    def _finished(self) -> None:
        self.stop_at = None
        if self.mode.value == "lessons" and self.stage.value == "run":
            self.explain()
        # Last: stopping restarts the play task, and solara cancels this thread at its
        # next reactive update, so nothing may follow.
        self.playing.value = False

    # ---------------------------------------------------------------- modes
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            return
        self.stop()
        self.stop_at = None
        self.mode.value = mode
        if mode == "lessons":
            self.stage.value = "claim"

    def set_lang(self, lang: str) -> None:
        self.lang.value = i18n.check_lang(lang)

    # -------------------------------------------------------------- lessons
    def choose_lesson(self, index: int) -> None:
        self.stop()
        self.stop_at = None
        self.lesson.value = int(index) % len(LESSONS)
        self.stage.value = "claim"
        self.prediction.value = None
        self.outcome.value = None

    def to_predict(self) -> None:
        lesson = LESSONS[self.lesson.value]
        if self.guard(lesson.setup, self.sim, controls=True):
            self.selected.value = None
            self.stage.value = "predict"

    def run_lesson(self) -> None:
        if self.prediction.value is None:
            self.error.value = self.t("predict_first")
            return
        lesson = LESSONS[self.lesson.value]
        # e.g. after "run again": start from month 0
        if self.sim.steps > 0 and not self.guard(lesson.setup, self.sim, controls=True):
            return
        self.stage.value = "run"
        self.stop_at = lesson.steps
        self.error.value = None
        self.playing.value = True

    def skip_to_end(self) -> None:
        lesson = LESSONS[self.lesson.value]
        self.stop()
        if self.guard(lambda: self.sim.step(lesson.remaining(self.sim)), controls=True):
            self._finished_lesson_now()

    def _finished_lesson_now(self) -> None:
        self.stop_at = None
        self.explain()

    def explain(self) -> None:
        lesson = LESSONS[self.lesson.value]
        try:
            outcome: Outcome = lesson.evaluate(self.sim)
        except Exception as e:
            traceback.print_exc()
            self.error.value = f"{type(e).__name__}: {e}"
            return
        self.outcome.value = outcome
        self.stage.value = "explain"

    def rerun_lesson(self, new_seed: bool) -> None:
        if new_seed:
            self.guard(self.sim.configure, seed=(self.sim.seed + 1) % (2**32), controls=True)
        self.prediction.value = None
        self.outcome.value = None
        self.to_predict()

    # ----------------------------------------------------------------- play
    def new_game(self, township: int, leader: bool) -> None:
        self.stop()
        self.stop_at = None
        self.guard(self._new_game, township, leader, controls=True)

    def _new_game(self, township: int, leader: bool) -> None:
        self.sim.reset()
        self.game.value = CadreGame(self.sim, township, leader)
        self.turn.value = None
        self.selected.value = self.game.value.unit

    def take_turn(self, action: int) -> None:
        game = self.game.value
        if game is None:
            return
        self.stop()

        def turn() -> None:
            self.turn.value = game.take_turn(action)

        self.guard(turn)


def views_markup(name: str, state: AppState, snap: views.Snapshot, lang: str) -> str | None:
    """The markup of live widget ``name`` for ``snap`` (None: not a markup widget)."""
    from dashboards import svg

    if name == "tree":
        sel = state.selected.peek()
        return svg.tree_svg(snap.tree, lang, sel if sel is not None and sel < len(snap.tree.x) else None)
    if name == "status":
        return status_markup(state, snap, lang)
    if name in svg.CHARTS:
        return svg.CHARTS[name](snap, lang)
    return None


def status_markup(state: AppState, snap: views.Snapshot, lang: str) -> str:
    from html import escape

    text = i18n.t("status", lang, step=snap.step, scenario=i18n.scenario_title(snap.scenario, lang),
                  units=f"{snap.n_units:,}", cadres=f"{snap.n_cadres:,}")
    rate = f' <span class="rate" style="color:#777; font-size:12px; font-weight:400">{state.rate:.1f} /s</span>' \
        if state.playing.peek() and state.rate > 0 else ""
    return (f'<span class="status-text">{escape(text)}</span>'
            f'<span class="month-counter" style="display:none">{snap.step}</span>{rate}')
