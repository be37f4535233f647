"""The dashboard driven in a real browser: the user's paths through the page.

One server for the module; every test opens its own page (its own session). All
requests the page makes must stay on 127.0.0.1: the page has to work offline.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest

from dashboards import i18n
from dashboards.lessons import LESSONS
from dashboards.play import OUTCOMES
from model.params import LEVERS, SCHEMA
from model.scenarios import DEFAULT_SCENARIO as SCENARIOS_DEFAULT
from model.scenarios import SCENARIOS
from tests.dashboards.pngcheck import assert_drawn

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

LOCAL = {"127.0.0.1", "localhost"}
WAIT = 30_000  # ms; generous: CI shares two cores between the server and the browser


class Recorder:
    """Every request, failed response and error the page produces."""

    def __init__(self, page) -> None:
        self.urls: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.urls.append(r.url))
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def remote(self) -> list[str]:
        out = []
        for url in self.urls:
            u = urlparse(url)
            if u.scheme in ("data", "blob"):
                # blob: URLs are made in the page from local data
                if u.scheme == "blob" and urlparse(u.path).hostname not in LOCAL:
                    out.append(url)
                continue
            if u.hostname not in LOCAL:
                out.append(url)
        return out

    def check(self) -> None:
        assert self.remote() == [], f"requests left 127.0.0.1: {self.remote()[:5]}"
        assert self.failed == [], f"failed requests: {self.failed[:5]}"
        assert self.errors == [], f"errors in the page: {self.errors[:5]}"


def open_page(browser, server, width: int = 1400, height: int = 1000, context=None):
    """A new tab (in a new browser context unless ``context`` is given)."""
    if context is None:
        page = browser.new_page(viewport={"width": width, "height": height})
    else:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": height})
    rec = Recorder(page)
    page.set_default_timeout(WAIT)
    page.goto(server.url, timeout=90_000)
    page.locator(".cadre-header").wait_for(timeout=90_000)
    page.locator(".svg-shares svg").wait_for()
    return page, rec


def hide_start(page) -> None:
    if page.locator(".btn-start-dismiss").count():
        page.locator(".btn-start-dismiss").click()
        page.locator(".start-panel").wait_for(state="detached")


def mode(page, name: str) -> None:
    page.locator(f".mode-{name}").click()
    if name == "lessons":
        page.locator(".lesson-title").wait_for()
    elif name == "play":
        page.locator(".play-panel").wait_for()


def play(page) -> None:
    page.locator(".btn-play", has_text=i18n.t("play", "en")).click()
    page.locator(".btn-play", has_text=i18n.t("pause", "en")).wait_for()


def pause(page) -> None:
    page.locator(".btn-play", has_text=i18n.t("pause", "en")).click()
    page.locator(".btn-play", has_text=i18n.t("play", "en")).wait_for()


def rate(page, seconds: float) -> float:
    """Months per second shown by the page over ``seconds``."""
    m0, t0 = month(page), time.perf_counter()
    page.wait_for_timeout(int(seconds * 1000))
    return (month(page) - m0) / (time.perf_counter() - t0)


def box(page, selector: str) -> dict:
    b = page.locator(selector).first.bounding_box()
    assert b is not None, f"{selector} is not displayed"
    return b


def month(page) -> int:
    return int(page.locator(".month-counter").text_content())


def wait_month(page, n: int) -> None:
    page.wait_for_function(
        "n => { const e = document.querySelector('.month-counter'); return e && +e.textContent === n; }",
        arg=n,
    )


def step(page, times: int = 1) -> None:
    for _ in range(times):
        m = month(page)
        page.locator(".btn-step").click()
        wait_month(page, m + 1)


def changed(page, selector: str, before: str, message: str) -> None:
    try:
        page.wait_for_function(
            "([s, b]) => document.querySelector(s).innerHTML !== b", arg=[selector, before]
        )
    except Exception:
        pytest.fail(message)


def no_page_error(page) -> None:
    errs = page.locator(".page-error")
    assert errs.count() == 0, errs.first.inner_text()


def choose(page, select_class: str, text: str, confirm: bool = False) -> None:
    """Pick ``text`` in the Vuetify select with class ``select_class`` (and confirm that
    the run on the screen may be discarded, when asked)."""
    page.locator(f".{select_class} .v-field").click()
    page.locator(".v-overlay--active .v-list-item", has_text=text).first.click()
    page.locator(".v-overlay--active .v-list").wait_for(state="detached")
    if confirm:
        page.locator(".btn-confirm-yes").click()
        page.locator(".confirm-discard").wait_for(state="detached")


def set_lever(page, name: str, key: str) -> str:
    """Move lever ``name`` to its low (``Home``) or high (``End``) end with the keyboard;
    returns the value the page then shows."""
    want = SCHEMA[name].low if key == "Home" else SCHEMA[name].high
    thumb = page.locator(f".param-{name} [role=slider]")
    thumb.focus()
    page.keyboard.press(key)
    # the label is redrawn from the server's value, so this waits for the round trip
    page.wait_for_function(
        "([n, v]) => { const e = document.querySelector('.param-' + n + ' .param-value');"
        " return e && parseFloat(e.textContent) === v; }",
        arg=[name, float(want)],
    )
    return page.locator(f".param-{name} .param-value").text_content()


# ----------------------------------------------------------------------- tests
def test_offline_explore_lever_step_tree(browser, server, shot) -> None:
    page, rec = open_page(browser, server)
    page.locator(".start-panel").wait_for()  # the first-time hint
    hide_start(page)
    tree0 = page.locator(".cadre-clickable-svg").inner_html()
    shares0 = page.locator(".svg-shares").inner_html()
    assert "data-unit" in tree0  # every unit is drawn and clickable
    value = set_lever(page, "supervision", "End")
    assert value.startswith(f"{SCHEMA['supervision'].high:g}")
    step(page, 3)
    # parts of the page arrive one after another: poll until they differ (or time out)
    changed(page, ".cadre-clickable-svg", tree0, "the tree did not change after stepping")
    changed(page, ".svg-shares", shares0, "the time series did not change")
    # the readouts next to the levers show what each level does now
    page.wait_for_function(
        "() => /%/.test(document.querySelector('.monitors .monitor-4 .mon-innovate').textContent)"
    )
    # a lever moved during the run is applied from next month and marked in the charts
    set_lever(page, "tolerance", "End")
    step(page)
    page.locator(".svg-shares .change-mark").first.wait_for(state="attached")
    shot(page, "explore_levers")
    # clicking a township shows its cadres, named by their place in the tree
    page.locator(".cadre-clickable-svg g.unit").last.click()
    page.locator(".card-unit .unit-table table").wait_for()
    assert re.search(
        r"Township \d+ of County \d+ of City \d+ of Province \d+",
        page.locator(".card-unit .unit-name").inner_text(),
    )
    assert page.locator(".card-unit .unit-table tbody tr").count() >= 1
    # the grey cell of the 12-month ribbon is explained in its legend
    assert i18n.t("rec_none", "en") in page.locator(".card-unit").inner_text()
    shot(page, "unit")
    no_page_error(page)
    rec.check()
    page.close()


def test_explore_shows_the_regime_travelling(browser, server, shot) -> None:
    """A tightening and a loosening relayed down: the adoption of the centre's latest regime
    beside the shares, beliefs beside their truth, targets felt and sanctions by level."""
    page, rec = open_page(browser, server)
    hide_start(page)
    choose(page, "select-scenario", i18n.scenario_title("tightening_then_loosening", "en"))
    page.locator(
        ".status-line", has_text=i18n.scenario_title("tightening_then_loosening", "en")
    ).wait_for()
    page.locator(".speed-max input").check()
    play(page)
    page.wait_for_function(
        "() => +document.querySelector('.month-counter').textContent >= 130", timeout=120_000
    )
    pause(page)
    assert i18n.t("adopted_legend", "en") in page.locator(".svg-shares").inner_html()
    assert page.locator(".svg-beliefs path.belief-truth").count() == 10
    blame = page.locator(".card-blame")
    assert i18n.t("blame_title", "en") in blame.inner_text()
    assert i18n.t("sanctions_panel", "en") in blame.locator(".svg-blame").inner_html()
    page.locator(".card-shares").scroll_into_view_if_needed()
    page.evaluate("() => document.querySelector('.card-shares').scrollIntoView({block: 'start'})")
    shot(page, "explore", doc=True)
    page.evaluate("() => document.querySelector('.card-beliefs').scrollIntoView({block: 'start'})")
    shot(page, "regime", doc=True)
    no_page_error(page)
    rec.check()
    page.close()


def test_language_switch_covers_the_page(browser, server, shot) -> None:
    page, rec = open_page(browser, server)
    hide_start(page)
    step(page)
    page.locator(".btn-lang").click()
    header = page.locator(".cadre-header")
    header.get_by_text(i18n.t("app_title", "zh")).wait_for()
    page.locator(".btn-step", has_text=i18n.t("step", "zh")).wait_for()
    # the page is redrawn part by part: wait for the last card before reading it all
    page.locator(".card-problems", has_text=i18n.t("problems_title", "zh")).wait_for()
    page.locator(".card-tree", has_text=i18n.t("tree_title", "zh")).wait_for()
    body = page.locator("body").inner_text()
    for text in (
        i18n.group_title("levers", "zh"),
        *(SCHEMA[n].label_zh for n in LEVERS),
        i18n.t("tree_title", "zh"),
        i18n.t("funnel_title", "zh"),
        i18n.t("survey_title", "zh"),
        i18n.scenario_title("tightened_accountability", "zh"),
    ):
        assert text in body, f"missing Chinese label {text!r}"
    # no English label of the page is left (the command line for reproduction is code)
    for key in (
        "run_controls",
        "reset",
        "speed",
        "scenario",
        "tree_title",
        "shares_title",
        "export",
    ):
        assert i18n.t(key, "en") not in body, (
            f"English label {i18n.t(key, 'en')!r} left after switching"
        )
    # chart legends and axes are drawn in Chinese as well
    assert i18n.action_name(2, "zh") in page.locator(".svg-shares").inner_html()
    shot(page, "chinese", doc=True)
    # a lesson in Chinese: full-width punctuation after the lead-ins
    mode(page, "lessons")
    predict(page, LESSONS[0])
    page.locator(".btn-run-lesson").click()
    page.locator(".btn-skip").click()
    page.locator(".lesson-look").wait_for(timeout=120_000)
    page.locator(".lesson-outcome").wait_for(timeout=120_000)
    text = page.locator(".lesson-explanation").inner_text()
    assert "为什么：" in text and "请观察：" in text
    assert not re.search(r"[\u4e00-\u9fff][:.](?!\d)", text.replace("docs/sources.md", "")), text
    page.locator(".btn-lang").click()
    header.get_by_text(i18n.t("app_title", "en")).wait_for()
    no_page_error(page)
    rec.check()
    page.close()


def test_lesson_walked_to_the_end(browser, server, shot) -> None:
    page, rec = open_page(browser, server)
    mode(page, "lessons")
    lesson = LESSONS[0]
    page.locator(".lesson-claim").wait_for()
    assert lesson.claim("en") in page.locator(".lesson-claim").inner_text()
    # before the run the sidebar already shows the lesson's own scenario, locked
    page.locator(".status-line", has_text=i18n.scenario_title(lesson.scenario, "en")).wait_for()
    assert page.locator(".param-supervision input").first.is_disabled()
    page.locator(".lock-note").wait_for()
    # a source code opens the passage it cites
    page.locator(".lesson-claim .source-link").first.click()
    code = lesson.sources[0]
    page.locator(".source-passage", has_text=code).wait_for()
    page.locator(".source-passage", has_text="“").wait_for()  # the quote itself
    page.locator(".btn-close-source").click()
    page.locator(".btn-to-predict").click()
    # the run is refused until the student predicts
    assert page.locator(".btn-run-lesson").is_disabled()
    page.locator(f".option-{lesson.options[0].key} input").check()
    page.locator(".btn-run-lesson").click()
    page.locator(".lesson-running").wait_for()
    shot(page, "lesson_running")
    page.locator(".lesson-outcome").wait_for(timeout=120_000)
    wait_month(page, lesson.steps)
    text = page.locator(".lesson-explanation").inner_text()
    assert "Verdict rule" in text and lesson.source_claim("en")[:40] in text
    assert page.locator(".lesson-this-run").inner_text().startswith("In the run on the screen")
    shot(page, "lesson", doc=True)
    # Play is refused after the lesson's end: no run goes on under its explanation
    assert page.locator(".btn-play").is_disabled()
    # Reset returns to month 0 and removes the explanation of the run that is gone
    page.locator(".btn-reset").click()
    wait_month(page, 0)
    page.locator(".lesson-explanation").wait_for(state="detached")
    page.locator(".btn-run-lesson").wait_for()
    no_page_error(page)
    rec.check()
    page.close()


def predict(page, lesson) -> None:
    page.locator(".btn-to-predict").click()
    page.locator(f".option-{lesson.options[0].key} input").check()


def test_a_moved_lever_withholds_the_lesson_verdict(browser, server) -> None:
    page, rec = open_page(browser, server)
    mode(page, "lessons")
    predict(page, LESSONS[0])
    page.locator(".unlock-lesson input").check()
    page.locator(".lock-note", has_text="Unlocked").wait_for()
    set_lever(page, "supervision", "End")
    page.locator(".btn-run-lesson").click()
    page.locator(".btn-skip").click()
    page.locator(".lesson-withheld").wait_for(timeout=120_000)
    assert "no longer follows the lesson" in page.locator(".lesson-withheld").inner_text()
    assert page.locator(".lesson-verdict").count() == 0  # neither "matched" nor "did not match"
    no_page_error(page)
    rec.check()
    page.close()


def test_the_last_lesson_does_not_wrap_and_a_left_lesson_resumes(browser, server) -> None:
    page, rec = open_page(browser, server)
    mode(page, "lessons")
    choose(page, "select-lesson", LESSONS[-1].title("en"))
    page.locator(".lesson-title", has_text=LESSONS[-1].title("en")).wait_for()
    predict(page, LESSONS[-1])
    page.locator(".btn-run-lesson").click()
    page.locator(".lesson-running").wait_for()
    page.wait_for_function("() => +document.querySelector('.month-counter').textContent >= 3")
    # leave the lesson mid-run and come back: it was not restarted
    mode(page, "explore")
    page.locator(".status-line", has_text="also playing").wait_for()
    mode(page, "lessons")
    page.wait_for_function("() => +document.querySelector('.month-counter').textContent >= 3")
    page.locator(".btn-skip").click()
    page.locator(".lesson-outcome").wait_for(timeout=120_000)
    assert page.locator(".btn-next-lesson").count() == 0
    assert i18n.t("last_lesson", "en") in page.locator(".lesson-explanation").inner_text()
    page.locator(".btn-first-lesson").click()
    page.locator(".lesson-title", has_text=LESSONS[0].title("en")).wait_for()
    no_page_error(page)
    rec.check()
    page.close()


def _headline(lang: str) -> dict[str, str]:
    """The start of each debrief headline (the outcome's text up to its first colon)."""
    sep = "：" if lang == "zh" else ":"
    return {o: i18n.STRINGS[f"debrief_{o}"][lang].split(sep)[0] for o in OUTCOMES}


def test_play_as_a_cadre_to_the_debrief(browser, server, shot) -> None:
    page, rec = open_page(browser, server)
    mode(page, "play")
    choose(page, "select-game-length", "12")
    page.locator(".btn-new-game").click()
    page.locator(".btn-choice-0").wait_for()
    # the odds a cadre would know, and what free attention means
    odds = page.locator(".game-odds").inner_text()
    assert "Free attention" in odds and "Chance your innovation works" in odds
    page.locator(".apply-tolerance").wait_for()
    # the goal: two tallies, and the rule that judges them
    goal = page.locator(".game-goal").inner_text()
    assert goal.startswith("Goal: after 12 months")
    assert "For your township (为乡镇)" in goal and "For your career (为仕途)" in goal
    assert "their average plus 6 (one mild sanction)" in goal and "6, 12 or 24 months" in goal
    for k in [0, 2, 1] * 4:
        m = month(page)
        page.locator(f".btn-choice-{k}").click()
        wait_month(page, m + 1)
        result = page.locator(".turn-result").inner_text()
        assert i18n.action_name(k, "en") in result
        assert "This month, for your township:" in result and "for your career:" in result
        # one sanction counter: the line "You now" and the record agree
        you = page.locator(".play-you").inner_text()
        record = page.locator(".play-score").inner_text()
        assert re.search(r"sanctions (\d+)", you).group(1) == re.search(
            r"sanctions (\d+)", record
        ).group(1)
        # where the player stands against the average peer so far, on both tallies
        assert "average so far" in you and "months of promotion blocked" in you
        assert "for your township: problems solved" in record
        if m + 1 == 6:
            shot(page, "play", doc=True)
    page.locator(".game-debrief").wait_for()
    debrief = page.locator(".game-debrief").inner_text()
    assert "average township staff" in debrief
    # one headline outcome, its class naming it, and both tallies against the peers
    verdict = page.locator(".debrief-verdict").inner_text()
    shown = [o for o, start in _headline("en").items() if verdict.startswith(start)]
    assert len(shown) == 1, verdict
    assert page.locator(f".debrief-verdict.outcome-{shown[0]}").count() == 1
    table = page.locator(".debrief-table").inner_text()
    assert "for your township: problems solved" in table
    assert "for your career: months of promotion blocked" in table and "to keep the career" in table
    assert "township staff posts of this run" in page.locator(".debrief-group").inner_text()
    assert page.locator(".btn-choice-0").count() == 0  # the game has an end
    shot(page, "debrief")
    # the goal and the debrief in Chinese: the same outcome
    page.locator(".btn-lang").click()
    page.locator(".game-goal", has_text="目标：").wait_for()
    assert "为乡镇：" in page.locator(".game-goal").inner_text()
    page.locator(".debrief-verdict", has_text=_headline("zh")[shown[0]]).wait_for()
    assert "为仕途：不得晋升的月数" in page.locator(".debrief-table").inner_text()
    page.locator(".btn-lang").click()
    page.locator(".game-goal", has_text="Goal:").wait_for()
    page.locator(".btn-play-again").click()
    page.locator(".btn-choice-0").wait_for()
    no_page_error(page)
    rec.check()
    page.close()


def test_extreme_values_and_every_scenario(browser, server) -> None:
    page, rec = open_page(browser, server)
    hide_start(page)
    for key in ("Home", "End"):
        for name in LEVERS:
            set_lever(page, name, key)
        step(page, 2)
        no_page_error(page)
    for name in SCENARIOS:
        if name == SCENARIOS_DEFAULT:
            continue
        # the run is at a month > 0: a new scenario asks before discarding it
        choose(page, "select-scenario", i18n.scenario_title(name, "en"), confirm=True)
        page.locator(".status-line", has_text=i18n.scenario_title(name, "en")).wait_for()
        for key in ("Home", "End"):
            for lever in LEVERS:
                set_lever(page, lever, key)
            step(page)
            no_page_error(page)
    rec.check()
    page.close()


def test_a_new_scenario_while_playing_asks_first(browser, server) -> None:
    page, rec = open_page(browser, server)
    hide_start(page)
    play(page)
    page.wait_for_function("() => +document.querySelector('.month-counter').textContent >= 3")
    other = i18n.scenario_title("reform_package", "en")
    choose(page, "select-scenario", other)
    page.locator(".confirm-discard").wait_for()
    page.locator(".btn-confirm-no").click()
    page.locator(".confirm-discard").wait_for(state="detached")
    page.wait_for_function("() => +document.querySelector('.month-counter').textContent >= 3")
    assert other not in page.locator(".status-line").inner_text()
    choose(page, "select-scenario", other, confirm=True)
    page.locator(".status-line", has_text=other).wait_for()
    wait_month(page, 0)
    rec.check()
    page.close()


def test_a_bad_seed_error_sits_next_to_its_field(browser, server) -> None:
    page, rec = open_page(browser, server)
    page.locator(".input-seed input").fill("abc")
    page.locator(".btn-seed").click()
    page.locator(".seed-error").wait_for()
    field, err = box(page, ".input-seed"), box(page, ".seed-error")
    assert 0 <= err["y"] - (field["y"] + field["height"]) < 40, (field, err)
    assert abs(err["x"] - field["x"]) < 40
    assert page.locator(".page-error").count() == 0  # no banner far from the field
    page.locator(".input-seed input").fill("12")
    page.locator(".btn-seed").click()
    page.locator(".seed-error").wait_for(state="detached")
    rec.check()
    page.close()


def test_reload_keeps_the_run_and_modes_keep_playing(browser, server) -> None:
    context = browser.new_context()
    page, rec = open_page(browser, server, context=context)
    hide_start(page)
    play(page)
    page.wait_for_function("() => +document.querySelector('.month-counter').textContent >= 5")
    page.reload()
    page.locator(".svg-shares svg").wait_for(timeout=90_000)
    page.locator(".btn-play", has_text=i18n.t("pause", "en")).wait_for()  # still playing
    m = month(page)
    assert m >= 5
    mode(page, "lessons")  # switching mode does not stop play
    page.locator(".status-line", has_text="also playing").wait_for()
    page.wait_for_timeout(1500)
    mode(page, "explore")
    page.wait_for_function("m => +document.querySelector('.month-counter').textContent > m", arg=m)
    pause(page)
    # a second tab has its own run
    other, rec2 = open_page(browser, server, context=context)
    assert month(other) == 0
    other.close()
    rec2.check()
    rec.check()
    page.close()
    context.close()


def test_background_tab_keeps_playing(browser, server) -> None:
    """A run in a tab behind another keeps going (the browser stops painting it; the
    server no longer waits for its paints)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page, rec = open_page(browser, server, context=context)
    hide_start(page)
    page.locator(".speed-max input").check()
    play(page)
    page.wait_for_timeout(2000)
    front = rate(page, 6)
    other = context.new_page()
    other.goto("about:blank")
    other.bring_to_front()
    page.wait_for_timeout(1500)
    back = rate(page, 6)  # the status line still follows in the background
    page.bring_to_front()
    pause(page)
    print(f"\nfront tab: {front:.1f} months/s; background tab: {back:.1f} months/s")
    assert back >= 0.5 * front, f"background {back:.1f} months/s < half of front {front:.1f}"
    other.close()
    rec.check()
    page.close()
    context.close()


def test_layout_at_projector_sizes(browser, server) -> None:
    # 1366 x 768: the four levers and the run buttons are on screen without scrolling
    page, rec = open_page(browser, server, 1366, 768)
    for name in LEVERS:
        b = box(page, f".param-{name} .v-slider")
        assert b["y"] + b["height"] <= 768, f"lever {name} below the fold at 1366 x 768"
    assert box(page, ".btn-play")["y"] < 768
    page.close()
    # 1024 x 768: the sidebar can be closed, and the charts then take the width
    page, rec2 = open_page(browser, server, 1024, 768)
    assert box(page, ".param-supervision .v-slider")["y"] < 768
    before = box(page, ".svg-shares")["width"]
    assert before >= 560, f"charts squeezed to {before:.0f} px at 1024 wide"
    page.locator(".btn-sidebar").click()
    page.locator(".cadre-side.closed").wait_for(state="attached")
    page.wait_for_function(
        "w => document.querySelector('.svg-shares').getBoundingClientRect().width > w + 200",
        arg=before,
    )
    page.locator(".btn-sidebar").click()
    page.locator(".cadre-side:not(.closed)").wait_for()
    page.close()
    # 1440: the titles of the belief chart do not overlap
    page, rec3 = open_page(browser, server, 1440, 900)
    boxes = page.evaluate("""() => [...document.querySelectorAll('.svg-beliefs text.belief-title')]
        .map(t => { const b = t.getBoundingClientRect(); return [b.left, b.right, b.top, b.bottom]; })""")
    assert len(boxes) >= 2
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]
            assert not overlap, f"belief chart titles overlap: {a} {b}"
    page.close()
    for r in (rec, rec2, rec3):
        r.check()


def test_start_panel_class_plan_and_continuous_speed(browser, server) -> None:
    page, rec = open_page(browser, server)
    page.locator(".btn-start-plan").click()
    page.locator(".class-plan", has_text="45").wait_for()
    page.locator(".btn-close-plan").click()
    page.locator(".class-plan").wait_for(state="detached")
    thumb = page.locator(".speed-slider [role=slider]")
    thumb.focus()
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    page.locator(".speed-label", has_text="17 months per second").wait_for()
    page.locator(".btn-start-lessons").click()
    page.locator(".lesson-title").wait_for()
    page.locator(".start-panel").wait_for(state="detached")
    rec.check()
    page.close()


def test_loading_screen_is_bilingual_without_badge(browser, server) -> None:
    page, rec = open_page(browser, server)
    html = page.request.get(server.url).text()
    assert "正在加载" in html and "Loading the classroom simulator" in html
    assert "Made with <a" not in html
    body = page.locator("body").inner_text()
    assert "Solara" not in body, "Solara's badge is shown"
    # nothing is fixed over the bottom-right corner of the page
    corner = page.evaluate(
        "() => { const e = document.elementFromPoint(innerWidth - 40, innerHeight - 30);"
        " return e ? e.textContent.slice(0, 200) : ''; }"
    )
    assert "Solara" not in corner
    rec.check()
    page.close()


def test_export_png_and_csv(browser, server) -> None:
    page, rec = open_page(browser, server)
    step(page, 2)
    with page.expect_download() as dl:
        page.locator(".export-card .dl-png").click()
    assert_drawn(dl.value.path().read_bytes(), "tree PNG")
    with page.expect_download() as dl:
        page.locator(".export-card .dl-history").click()
    lines = dl.value.path().read_text().splitlines()
    assert lines[0].startswith("scenario,preset,seed,step,level")
    assert len(lines) == 1 + 2 * 6  # two months x (five levels + all)
    rec.check()
    page.close()


def test_play_rate_classroom_and_province(browser, server, shot) -> None:
    """Months per second with every month drawn in the browser (printed; see docs)."""
    page, rec = open_page(browser, server)
    hide_start(page)
    page.locator(".speed-max input").check()  # as fast as possible
    play(page)
    page.wait_for_timeout(1500)
    r = rate(page, 6)
    pause(page)
    print(f"\nclassroom: {r:.1f} months/s drawn in the browser")
    # ≥ 10 is the target on an idle machine; CI shares its two cores, so only a gross
    # regression (a full page render per month) fails here
    assert r > 3, f"classroom play ran at {r:.1f} months/s"

    choose(page, "select-preset", i18n.t("preset_province", "en"), confirm=True)
    page.locator(".status-line", has_text=re.compile(r"[0-9],[0-9]{3} units")).wait_for(
        timeout=60_000
    )
    t = time.perf_counter()
    step(page)
    print(f"province: one step drawn in {time.perf_counter() - t:.2f} s")
    assert time.perf_counter() - t < 15
    # county dots are large enough to click, and their caption says what the bars are
    hit = page.locator(".cadre-clickable-svg g.unit rect.hit").last.bounding_box()
    assert hit["width"] >= 12 and hit["height"] >= 12, hit
    assert "townships under each county" in page.locator(".card-tree").inner_text()
    page.locator(".cadre-clickable-svg g.unit").last.click()
    page.locator(".card-unit .unit-name", has_text=re.compile(r"County \d+ of City \d+")).wait_for()
    play(page)
    page.wait_for_timeout(4000)
    r = rate(page, 5)
    pause(page)
    print(f"province: {r:.1f} months/s drawn in the browser")
    assert r > 0, "province play did not advance"
    shot(page, "province", doc=True)
    no_page_error(page)
    rec.check()
    page.close()
