"""The state of one browser tab: its runs and what the page shows.

A tab keeps its state across a reload: the page asks the browser for the tab's id
(kept in ``sessionStorage``, which a reload keeps and a new tab does not share) and
finds its :class:`AppState` in :data:`REGISTRY`. So every value here is a
:class:`Shared` value (kept by this object, not by the page's kernel), and the play
loop is a thread of this object, not of the page: it keeps stepping while the page
reloads, while the tab is in the background (frames are then not drawn) and while
another mode is shown.

Each mode shows its own run: Explore has one, every lesson has one, the cadre game
has one. Switching mode never stops or discards a run; a run plays on in the
background until paused (or, for a lesson, to its end).
"""

from __future__ import annotations

import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

import solara

from dashboards import i18n, replicates, views
from dashboards.lessons import LESSONS, Lesson
from dashboards.play import CadreGame
from dashboards.session import Simulation
from dashboards.verdicts import Text, Verdict
from model.errors import CadreSimError

SPEED_MAX = 30  # the speed slider's range is 1..SPEED_MAX months per second, or "max"
MIN_PAUSE = 0.005  # seconds between frames at full speed
ACK_TIMEOUT = 1.0  # give up waiting for a browser that does not answer (tab closed)
PAINT_GRACE = 0.5  # s after a frame arrived without a paint: the page is not painting
PROBE_EVERY = 0.5  # s between small updates (status, frame number) to a page not painting
RESUME_LATENCY = 0.2  # s: a page paints again when it paints probes this fast ...
RESUME_PROBES = 2  # ... this many times in a row (a background tab paints now and then, late)
SYNC_EVERY = 1.0  # seconds between full re-renders of the page while playing
BACKGROUND_TICK = 0.05  # seconds between steps of runs that are not drawn
BACKGROUND_MAX_RATE = 20.0  # months per second of a "max speed" run that is not drawn,
#                            until the rate it played at in front is known
MAX_BATCH = 50  # months a background run may take in one tick
DETACHED_GRACE = 120.0  # seconds a run plays on with no page attached, or with a page that
#                         answers nothing (a closed laptop): then it pauses
# trait of each live widget that carries its markup (default: unsafe_innerHTML)
LIVE_TRAIT = {"tree": "html", "ack": "tick"}
MODES: tuple[str, ...] = ("explore", "lessons", "play")
LANG_ENV = "CADRE_SIM_LANG"
STAGES = ("claim", "predict", "run", "explain")


def default_lang() -> str:
    lang = os.environ.get(LANG_ENV, i18n.DEFAULT_LANG)
    return lang if lang in i18n.LANGS else i18n.DEFAULT_LANG


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, (int, float, str, bool, tuple, type(None))) and type(a) is type(b):
        try:
            return bool(a == b)
        except Exception:
            return False
    return False


class Shared[T]:
    """A value kept by the tab's state (so a reload keeps it) whose changes redraw the
    page: reading ``.value`` in a component subscribes it, as with ``solara.reactive``.

    The value itself is a plain attribute; only a change counter lives in the page's
    kernel, so a new page after a reload starts from the kept value.
    """

    def __init__(self, value: T) -> None:
        self._value = value
        self._version = solara.reactive(0)

    @property
    def value(self) -> T:
        self._version.get()  # subscribe the component that reads it
        return self._value

    @value.setter
    def value(self, value: T) -> None:
        self.set(value)

    def get(self) -> T:
        return self.value

    def peek(self) -> T:
        return self._value

    def set(self, value: T) -> None:
        if _same(value, self._value):
            return
        self._value = value
        self.touch()

    def touch(self) -> None:
        """Redraw the components that read this value (after changing it in place)."""
        self._version.set(self._version.peek() + 1)


class Run:
    """One simulation the page can show, with its own play state."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.playing: Shared[bool] = Shared(False)
        self.stop_at: int | None = None
        self.rate = 0.0  # months per second while drawn in front
        self.front_rate = 0.0  # the last such rate measured (paces it in the background)
        self._owed = 0.0  # months a background run is owed at its pace
        self._clock: float | None = None

    def owed(self, now: float, pace: float) -> int:
        """Months due since the last call at ``pace`` months per second (background)."""
        if self._clock is None:
            self._clock = now
        self._owed = min(self._owed + (now - self._clock) * pace, MAX_BATCH)
        self._clock = now
        n = int(self._owed)
        self._owed -= n
        return n

    def in_front(self) -> None:
        self._clock = None
        self._owed = 0.0

    def capped(self, n: int) -> int:
        """``n`` months, or fewer if the run would pass where it stops."""
        return n if self.stop_at is None else min(n, self.stop_at - self.sim.steps)

    def at_end(self) -> bool:
        """The run has reached where it stops (a lesson's last month)."""
        return self.stop_at is not None and self.sim.steps >= self.stop_at


class LessonRun(Run):
    """A lesson's own run and where the student is in it."""

    def __init__(self, lesson: Lesson, sim: Simulation) -> None:
        super().__init__(sim)
        self.lesson = lesson
        self.stage: Shared[str] = Shared("claim")
        self.prediction: Shared[str | None] = Shared(None)
        self.verdict: Shared[Verdict | None] = Shared(None)
        self.pending: Any = None  # Future of the replicate runs the verdict needs
        self.unlocked: Shared[bool] = Shared(False)


class AppState:
    def __init__(self, tab: str = "") -> None:
        self.tab = tab
        self.lock = threading.RLock()
        self.lang = Shared(default_lang())
        self.tick = Shared(0)
        self.frame = 0
        self.controls = Shared(0)
        self.speed = Shared(10)  # months per second; 0 = as fast as possible
        self.render_every = Shared(1)
        self.mode = Shared("explore")
        self.selected: Shared[int | None] = Shared(None)
        self.error: Shared[str | None] = Shared(None)
        self.seed_error: Shared[str | None] = Shared(None)
        self.confirm: Shared[tuple[str, int, Callable[[], None]] | None] = Shared(None)
        self.show_start = Shared(True)
        self.sidebar_open = Shared(True)
        self.source: Shared[str | None] = Shared(None)  # a passage opened from a code
        self.plan_open = Shared(False)
        # the runs
        self.explore = Run(Simulation())
        self.lesson = Shared(0)
        self.lesson_runs: dict[int, LessonRun] = {}
        self.play = Run(Simulation())
        self.game: Shared[CadreGame | None] = Shared(None)
        self.turn: Shared[Any] = Shared(None)
        self.apply_tolerance = Shared(True)
        # the page this state is shown in (None while none is attached)
        self.context: Any = None
        self.visible = True
        self.detached_at: float | None = time.perf_counter()
        self.live: dict[str, object] = {}
        self.acked = 0  # last frame the browser painted
        self.received = 0  # last frame that reached the browser
        self.painting = True  # the page paints what it gets (False: background or hidden)
        self.resync = False  # the page paints again: redraw it all
        self._probe_at = 0.0
        self._probes: dict[int, float] = {}  # probe frame -> time sent
        self._heard = time.perf_counter()  # when the page last answered
        self._prompt_paints = 0
        self.ack_event = threading.Event()
        self._loop: threading.Thread | None = None
        self._snap: tuple | None = None
        self._snap_lock = threading.Lock()

    # ------------------------------------------------------------- the runs
    def lesson_run(self, index: int | None = None) -> LessonRun:
        i = self.lesson.peek() if index is None else index
        with self.lock:
            run = self.lesson_runs.get(i)
            if run is None:
                base = self.explore.sim
                sim = Simulation(preset=base.preset, seed=base.seed)
                LESSONS[i].setup(sim)
                run = self.lesson_runs[i] = LessonRun(LESSONS[i], sim)
            return run

    def active(self) -> Run:
        mode = self.mode.peek()
        if mode == "lessons":
            return self.lesson_run()
        return self.play if mode == "play" else self.explore

    def runs(self) -> list[Run]:
        return [self.explore, self.play, *self.lesson_runs.values()]

    @property
    def sim(self) -> Simulation:
        return self.active().sim

    @property
    def playing(self) -> Shared[bool]:
        return self.active().playing

    # -------------------------------------------------------------- helpers
    def snapshot(self, fresh: bool = False) -> views.Snapshot:
        """What the charts show for the current frame, computed once per frame."""
        sim = self.sim
        key = (self.tick.peek(), id(sim.model), sim.steps)
        with self._snap_lock:
            if fresh or self._snap is None or self._snap[0] != key:
                with sim.lock:
                    snap = views.snapshot(sim.model, sim.change_points())
                self._snap = (key, snap)
            return self._snap[1]

    def t(self, key: str, **fmt: object) -> str:
        return i18n.t(key, self.lang.value, **fmt)

    def changed(self, controls: bool = False) -> None:
        self.frame += 1
        self.tick.value = self.frame
        if controls:
            self.controls.value = self.controls.peek() + 1

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

    def in_page(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` (which changes shared values) in the attached page's kernel, so the
        page redraws; with no page attached the values change all the same."""
        ctx = self.context
        if ctx is not None and not ctx.closed_event.is_set():
            with ctx:
                fn()
        else:
            fn()

    # ------------------------------------------------------------- the page
    def attach(self, context: Any) -> None:
        """A page (kernel ``context``) now shows this state: it gets every frame."""
        with self.lock:
            self.context = context
            self.detached_at = None
            self.live = {}
            self.acked = self.received = self.frame
            self.visible = True
            self.painting = True
            self._heard = time.perf_counter()
        for run in self.runs():
            run.in_front()
        if context is not None and hasattr(context, "on_close"):
            context.on_close(lambda: self.detach(context))

    def detach(self, context: Any) -> None:
        with self.lock:
            if self.context is context:
                self.context = None
                self.live = {}
                self.detached_at = time.perf_counter()

    def set_visible(self, visible: bool) -> None:
        """The browser tab went to the background (or came back)."""
        was = self.visible
        self._heard = time.perf_counter()
        self.visible = bool(visible)
        self.ack_event.set()
        if self.visible and not was:
            self.painting = True
            self.active().in_front()
            self.changed(controls=True)

    # -------------------------------------------------------------- running
    def stop(self) -> None:
        self.playing.value = False

    def step(self) -> None:
        self.stop()
        run = self.active()
        self.guard(self._step_run, run, 1)

    def _step_run(self, run: Run, n: int) -> None:
        n = run.capped(n)
        if n > 0 and run.sim.step(n):
            self.controls.value = self.controls.peek() + 1
        if run.at_end():
            self._finished(run)

    def reset(self) -> None:
        mode = self.mode.peek()
        if mode == "lessons":
            self.restart_lesson(new_seed=False)
        elif mode == "play":
            game = self.game.peek()
            self.play.playing.value = False
            if game is not None:
                self.guard(self._new_game, game.township, game.leader, controls=True)
            else:
                self.guard(self.play.sim.reset, controls=True)
        else:
            self.explore.playing.value = False
            self.explore.stop_at = None
            self.guard(self.explore.sim.reset, controls=True)

    def can_play(self) -> bool:
        mode = self.mode.peek()
        if mode == "play":
            return False
        if mode == "lessons":
            return self.lesson_run().stage.peek() == "run"
        return True

    def toggle_play(self) -> None:
        run = self.active()
        if run.playing.peek():
            run.playing.value = False
            return
        if not self.can_play():
            return
        self.error.value = None
        self.show_start.value = False
        self.start(run)

    def start(self, run: Run) -> None:
        run.in_front()
        self._heard = time.perf_counter()
        run.playing.value = True
        self._ensure_loop()

    def _ensure_loop(self) -> None:
        with self.lock:
            if self._loop is None or not self._loop.is_alive():
                self._loop = threading.Thread(
                    target=self.play_loop, name=f"cadre-play-{self.tab[:8]}", daemon=True
                )
                self._loop.start()

    def play_loop(self) -> None:
        """Step every playing run until all are paused (a thread of this state)."""
        try:
            self._play_loop()
        except Exception as e:  # show the error on the page rather than losing it
            traceback.print_exc()
            msg = f"{type(e).__name__}: {e}"

            def fail() -> None:
                for run in self.runs():
                    run.playing.value = False
                self.error.value = msg

            self.in_page(fail)
        finally:
            self.in_page(self.changed)  # paused: bring the whole page up to date

    def _page(self) -> bool:
        ctx = self.context
        return ctx is not None and not ctx.closed_event.is_set()

    def _front(self) -> Run | None:
        """The run drawn frame by frame: the active one, if a page that paints shows it."""
        if not (self._page() and self.visible and self.painting):
            return None
        run = self.active()
        return run if run.playing.peek() else None

    def _play_loop(self) -> None:
        last_sync = time.perf_counter()
        frames, t_start, front_before = 0, time.perf_counter(), None
        while True:
            playing = [r for r in self.runs() if r.playing.peek()]
            if not playing:
                return
            now = time.perf_counter()
            gone = (
                now - self.detached_at > DETACHED_GRACE
                if self.context is None and self.detached_at is not None
                else now - self._heard > DETACHED_GRACE
            )
            if gone:  # no page, or one that has not answered for minutes: pause
                self.in_page(lambda playing=playing: [run.playing.set(False) for run in playing])
                return
            front = self._front()
            if front is not front_before:  # another run came to the front: restart its rate
                frames, t_start, front_before = 0, now, front
            for run in playing:
                if run is not front:
                    self._advance_background(run, now)
            if self.resync:  # the page paints again after a while in the background
                self.resync = False
                self.in_page(lambda: self.changed(controls=True))
                continue
            if front is None:
                if self._page() and now - self._probe_at >= PROBE_EVERY:
                    self._probe_at = now
                    self.probe()
                time.sleep(BACKGROUND_TICK)
                continue
            t0 = time.perf_counter()
            k = front.capped(max(int(self.render_every.peek()), 1))
            changed = front.sim.step(k) if k > 0 else False
            frames += max(k, 0)
            if front.at_end():
                self.in_page(lambda run=front: self._finished(run))
                continue
            elapsed = time.perf_counter() - t_start
            if elapsed > 0.5:
                front.rate = front.front_rate = frames / elapsed
            # A full re-render of the page costs far more than a month of the model, so
            # the charts, tree and status line get their new markup pushed directly;
            # the rest of the page follows once a second and when a lever changes.
            if changed or not self.live or time.perf_counter() - last_sync >= SYNC_EVERY:
                self.in_page(lambda changed=changed: self.changed(controls=changed))
                last_sync = time.perf_counter()
                self._wait_for_browser(self.tick.peek())
            else:
                # One frame in flight: the browser paints month t while the server
                # computes month t + 1.
                self._wait_for_browser(self.push_frame() - 1)
            speed = self.speed.peek()
            # Even at full speed, pause briefly: the server's event loop must get the GIL to
            # send the frame, or the browser falls behind and the page stops responding.
            wait = k / speed - (time.perf_counter() - t0) if speed > 0 else 0.0
            time.sleep(max(MIN_PAUSE, wait))

    def _advance_background(self, run: Run, now: float) -> None:
        """Step a run that is not drawn at its pace: the chosen speed, or at "max" the
        rate it last played at in front (so a run in a background tab keeps going)."""
        speed = self.speed.peek()
        pace = speed if speed > 0 else (run.front_rate or BACKGROUND_MAX_RATE)
        n = run.capped(run.owed(now, pace))
        if n > 0:
            changed = run.sim.step(n)
            if changed and run is self.active():
                self.in_page(lambda: self.controls.set(self.controls.peek() + 1))
        if run.at_end():
            self.in_page(lambda: self._finished(run))

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

    def probe(self) -> None:
        """A small update for a page that does not paint: the status line (so the month
        shown stays current) and a frame number, whose paint says the page is back."""
        snap = self.snapshot(fresh=True)
        self.frame += 1
        status = self.live.get("status")
        if status is not None:
            status.set_trait("unsafe_innerHTML", status_markup(self, snap, self.lang.peek()))  # type: ignore[attr-defined]
        ack = self.live.get("ack")
        if ack is not None:
            self._probes = {f: t for f, t in self._probes.items() if f > self.frame - 10}
            self._probes[self.frame] = time.perf_counter()
            ack.set_trait("tick", self.frame)  # type: ignore[attr-defined]

    def ack(self, frame: int) -> None:
        """The browser has painted frame ``frame`` (called from the page)."""
        frame = int(frame)
        self._heard = time.perf_counter()
        self.acked = max(self.acked, frame)
        self.received = max(self.received, frame)
        if not self.painting:
            # A page in front paints a probe at once; a background tab only now and then
            # and late: count only prompt paints, several in a row.
            sent = self._probes.pop(frame, None)
            prompt = sent is not None and time.perf_counter() - sent < RESUME_LATENCY
            self._prompt_paints = self._prompt_paints + 1 if prompt else 0
            if self._prompt_paints >= RESUME_PROBES:
                self._prompt_paints = 0
                self.painting = True
                self.resync = True
        self.ack_event.set()

    def received_frame(self, frame: int) -> None:
        """Frame ``frame`` reached the browser (called from the page, before painting)."""
        self._heard = time.perf_counter()
        self.received = max(self.received, int(frame))
        self.ack_event.set()

    def _wait_for_browser(self, frame: int) -> bool:
        """Wait until the browser painted ``frame``; False if it got it but paints nothing
        (a tab in the background or behind another window: the loop then stops drawing)."""
        # Renders happen in the server's own thread and are sent asynchronously; without
        # waiting for the browser, a fast model floods it and the page stops responding.
        start = time.perf_counter()
        while self.acked < frame and self.visible and self._page():
            now = time.perf_counter()
            if now - start > ACK_TIMEOUT or (self.received >= frame and now - start > PAINT_GRACE):
                self.painting = False
                return False
            self.ack_event.wait(0.02)
            self.ack_event.clear()
        return True

    def _finished(self, run: Run) -> None:
        run.stop_at = None
        run.playing.value = False
        if isinstance(run, LessonRun) and run.stage.peek() == "run":
            self.explain(run)
        if run is self.active():
            self.changed(controls=True)

    # ---------------------------------------------------------------- modes
    def set_mode(self, mode: str) -> None:
        """Show another mode; every run keeps its state (and plays on if playing)."""
        if mode not in MODES:
            return
        self.mode.value = mode
        self.show_start.value = False  # the start panel has done its job
        self.selected.value = self.game.peek().unit if mode == "play" and self.game.peek() else None
        self.error.value = None
        self.confirm.value = None
        self.active().in_front()
        self.changed(controls=True)

    def set_lang(self, lang: str) -> None:
        self.lang.value = i18n.check_lang(lang)

    # -------------------------------------------------- settings (asks first)
    def ask(self, what: str, action: Callable[[], None]) -> None:
        """Do ``action`` (which starts a new run) at once at month 0; otherwise ask
        first, since it discards the run on the screen."""
        steps = self.sim.steps
        if steps == 0 and not self.playing.peek():
            action()
        else:
            self.confirm.value = (what, steps, action)
            self.controls.value = self.controls.peek() + 1  # the controls show the old value again

    def confirmed(self, yes: bool) -> None:
        pending = self.confirm.peek()
        self.confirm.value = None
        if yes and pending is not None:
            pending[2]()
        else:
            self.changed(controls=True)

    def configure(self, **kw: Any) -> None:
        """A new setting (scenario, preset or seed) for the run on the screen."""
        mode = self.mode.peek()
        run = self.active()

        def apply() -> None:
            run.playing.value = False
            run.stop_at = None
            sim = run.sim
            if "scenario" in kw:
                sim.set_scenario(kw["scenario"])
            else:
                sim.configure(**kw)
            self.selected.value = None
            if mode == "lessons" and isinstance(run, LessonRun):
                run.lesson.setup(sim)
                self._to_stage(run, "predict" if run.stage.peek() != "claim" else "claim")
            if mode == "play" and self.game.peek() is not None:
                game = self.game.peek()
                self._new_game(game.township, game.leader)

        self.guard(apply, controls=True)

    def set_seed(self, text: str) -> None:
        """A seed typed by the user: checked first, its error shown next to the field."""
        from dashboards.session import check_seed

        try:
            seed = check_seed(text)
        except CadreSimError as e:
            self.seed_error.value = str(e)
            return
        self.seed_error.value = None
        if seed != self.sim.seed:
            self.ask("seed", lambda: self.configure(seed=seed))

    # -------------------------------------------------------------- lessons
    def controls_locked(self) -> bool:
        """Lesson settings are locked while a lesson is shown, unless unlocked by hand."""
        if self.mode.peek() != "lessons":
            return False
        return not self.lesson_run().unlocked.peek()

    def choose_lesson(self, index: int) -> None:
        """Show lesson ``index``; a lesson left mid-run resumes where it was."""
        index = int(index)
        if not 0 <= index < len(LESSONS):
            return
        self.lesson.value = index
        run = self.lesson_run(index)
        run.in_front()
        self.selected.value = None
        self.changed(controls=True)

    def _to_stage(self, run: LessonRun, stage: str) -> None:
        run.stage.value = stage
        if stage in ("claim", "predict"):
            run.verdict.value = None
            run.pending = None

    def to_predict(self) -> None:
        run = self.lesson_run()
        self._to_stage(run, "predict")
        self.changed()

    def set_prediction(self, key: str | None) -> None:
        self.lesson_run().prediction.value = key

    def run_lesson(self) -> None:
        run = self.lesson_run()
        if run.prediction.peek() is None:
            self.error.value = self.t("predict_first")
            return
        if run.sim.steps > 0 and not self.guard(run.lesson.setup, run.sim, controls=True):
            return
        self._to_stage(run, "run")
        run.stop_at = run.lesson.steps
        run.pending = replicates.submit(run.lesson, run.sim.preset, run.sim.seed)
        self.error.value = None
        self.start(run)

    def skip_to_end(self) -> None:
        run = self.lesson_run()
        run.playing.value = False
        if run.stage.peek() != "run":
            return
        self.guard(self._step_run, run, run.lesson.remaining(run.sim), controls=True)

    def explain(self, run: LessonRun) -> None:
        """The run reached the lesson's end: judge it once its replicate runs are in."""
        self._to_stage(run, "explain")
        fut = run.pending
        if fut is None:
            fut = run.pending = replicates.submit(run.lesson, run.sim.preset, run.sim.seed)

        def judge(done: Any) -> None:
            if run.pending is not done or run.stage.peek() != "explain":
                return  # the lesson was restarted meanwhile
            try:
                verdict = run.lesson.evaluate(run.sim, done.result())
            except Exception as e:
                traceback.print_exc()
                msg = f"{type(e).__name__}: {e}"
                self.in_page(lambda: self.error.set(msg))
                return
            self.in_page(lambda: run.verdict.set(verdict))

        fut.add_done_callback(judge)

    def restart_lesson(self, new_seed: bool = False) -> None:
        run = self.lesson_run()
        run.playing.value = False
        run.stop_at = None

        def again() -> None:
            if new_seed:
                run.sim.configure(seed=(run.sim.seed + 1) % (2**32))
            run.lesson.setup(run.sim)
            run.unlocked.value = False
            self._to_stage(run, "predict")

        self.guard(again, controls=True)

    def unlock(self, on: bool) -> None:
        self.lesson_run().unlocked.value = bool(on)
        self.changed(controls=True)

    # ----------------------------------------------------------------- play
    def new_game(
        self, township: int, leader: bool, months: int | None = None, scenario: str | None = None
    ) -> None:
        game = self.game.peek()

        def start() -> None:
            self.guard(self._new_game, township, leader, months, scenario, controls=True)

        if game is not None and game.turns and not game.over:
            self.ask("game", start)  # a game in progress is discarded only when confirmed
        else:
            start()

    def _new_game(
        self, township: int, leader: bool, months: int | None = None, scenario: str | None = None
    ) -> None:
        self.play.playing.value = False
        if scenario is not None:
            self.play.sim.set_scenario(scenario)
        self.play.sim.reset()
        old = self.game.peek()
        length = months if months is not None else (old.length if old is not None else None)
        self.game.value = CadreGame(
            self.play.sim, township, leader, **({"length": length} if length else {})
        )
        self.turn.value = None
        self.selected.value = self.game.peek().unit

    def take_turn(self, action: int) -> None:
        game = self.game.peek()
        if game is None or game.over:
            return

        def turn() -> None:
            self.turn.value = game.take_turn(action, apply=bool(self.apply_tolerance.peek()))
            self.game.touch()

        self.guard(turn)


# ------------------------------------------------------------- the registry
REGISTRY: dict[str, AppState] = {}
REGISTRY_LIMIT = 64  # tabs kept; the ones longest without a page go first
_registry_lock = threading.Lock()


def state_for_tab(tab: str | None, session: str = "") -> AppState:
    """The state of browser tab ``tab`` (made on first use): a reload finds it again."""
    key = f"{session}/{tab}" if tab else ""
    with _registry_lock:
        state = REGISTRY.get(key) if key else None
        if state is None:
            state = AppState(tab or uuid.uuid4().hex)
            if key:
                REGISTRY[key] = state
                _forget_old()
        return state


def _forget_old() -> None:
    if len(REGISTRY) <= REGISTRY_LIMIT:
        return
    detached = sorted(
        (s.detached_at, k) for k, s in REGISTRY.items() if s.context is None and s.detached_at
    )
    for _, k in detached[: len(REGISTRY) - REGISTRY_LIMIT]:
        for run in REGISTRY[k].runs():
            run.playing.set(False)
        del REGISTRY[k]


def views_markup(name: str, state: AppState, snap: views.Snapshot, lang: str) -> str | None:
    """The markup of live widget ``name`` for ``snap`` (None: not a markup widget)."""
    from dashboards import svg

    if name == "tree":
        sel = state.selected.peek()
        return svg.tree_svg(
            snap.tree, lang, sel if sel is not None and sel < len(snap.tree.x) else None
        )
    if name == "status":
        return status_markup(state, snap, lang)
    if name == "monitors":
        return svg.monitors_html(snap, lang)
    if name in svg.CHARTS:
        return svg.CHARTS[name](snap, lang)
    return None


def status_markup(state: AppState, snap: views.Snapshot, lang: str) -> str:
    from html import escape

    text = i18n.t(
        "status",
        lang,
        step=snap.step,
        scenario=i18n.scenario_title(snap.scenario, lang),
        units=f"{snap.n_units:,}",
        cadres=f"{snap.n_cadres:,}",
    )
    run = state.active()
    rate = (
        f' <span class="rate" style="color:#777; font-size:12px; font-weight:400">{run.rate:.1f} /s</span>'
        if run.playing.peek() and run.rate > 0
        else ""
    )
    others = [
        i18n.t(f"mode_{m}", lang) if m != "lessons" else i18n.t("lesson_n_short", lang, i=i + 1)
        for m, i, r in state_background(state)
    ]
    bg = (
        (
            f' <span class="background-runs" style="color:#777; font-size:12px; font-weight:400">'
            f"{escape(i18n.t('playing_elsewhere', lang, runs=', '.join(others)))}</span>"
        )
        if others
        else ""
    )
    return (
        f'<span class="status-text">{escape(text)}</span>'
        f'<span class="month-counter" style="display:none">{snap.step}</span>{rate}{bg}'
    )


def state_background(state: AppState) -> list[tuple[str, int, Run]]:
    """Runs playing that are not on the screen: (mode, lesson index, run)."""
    active = state.active()
    out: list[tuple[str, int, Run]] = []
    if state.explore is not active and state.explore.playing.peek():
        out.append(("explore", -1, state.explore))
    for i, run in sorted(state.lesson_runs.items()):
        if run is not active and run.playing.peek():
            out.append(("lessons", i, run))
    return out


__all__ = ["AppState", "Shared", "Run", "LessonRun", "state_for_tab", "Text"]
