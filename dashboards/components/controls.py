"""Sidebar controls generated from the parameter schema.

Order (so the levers are on screen first at 1366 x 768): the run buttons and speed;
the four levers with a readout of what each level does now; the setting (scenario,
hierarchy, seed); every other group of :data:`model.params.GROUPS` as a collapsed
panel. Each control shows its label, value and unit; its explanation and sources open
on demand. During a lesson the lesson's own values are shown and locked.
"""

from __future__ import annotations

import functools
import math
from typing import cast

import numpy as np
import solara

from dashboards import i18n, texts
from dashboards.components.appstate import SPEED_MAX, AppState
from dashboards.components.rich import Notice, RichText
from dashboards.session import LIVE_PRESETS, MAX_SEED
from model.params import SCHEMA, by_group
from model.scenarios import SCENARIOS


def slider_step(name: str) -> float:
    p = SCHEMA[name]
    if p.kind == "int":
        return 1
    span = float(p.high) - float(p.low)
    # 100 positions, rounded to a 1-2-5 step so the values read cleanly
    raw = span / 100 if span > 0 else 0.01
    k = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * k:
            return m * k
    return raw


def snap_value(name: str, value: float) -> float | int:
    """A slider position as a clean value inside the schema's range."""
    p = SCHEMA[name]
    if p.kind == "int":
        return int(round(value))
    if fine_scale(name):
        return min(max(float(value), float(p.low)), float(p.high))  # a value of slider_values
    step = slider_step(name)
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    return min(max(round(float(value), decimals), float(p.low)), float(p.high))


# Mantissas of the values a fine-scale slider offers in each decade: 50 per decade, so
# the scenarios' values (e.g. supervision 0.0015 and 0.0026, paperwork 0.25) are positions.
MANTISSAS = (*(1 + 0.1 * k for k in range(40)), *(5 + 0.5 * k for k in range(10)))


def used_values(name: str) -> list[float]:
    """The default and every value a scenario (or its schedule) gives parameter ``name``."""
    out = [float(SCHEMA[name].default)]
    for sc in SCENARIOS.values():
        out += [float(sc.params[name])] if name in sc.params else []
        out += [float(ch[name]) for _, ch in sc.schedule if name in ch]
    return out


@functools.cache
def fine_scale(name: str) -> bool:
    """A real parameter from zero whose default is under five linear steps (a chance of a
    few per mille), or whose scenario values fall between the linear slider's positions,
    gets a slider of values spaced evenly on a log scale, fine near zero."""
    p = SCHEMA[name]
    if p.kind == "int" or float(p.low) != 0.0 or float(p.default) <= 0:
        return False
    step = slider_step(name)
    off_grid = any(abs(v / step - round(v / step)) > 1e-6 for v in used_values(name))
    return float(p.default) < 5 * step or off_grid


@functools.cache
def slider_values(name: str) -> tuple[float, ...]:
    """The values of a fine-scale slider's positions: the range's low end, then 35 values
    a decade from a decade below the default's up to the high end."""
    p = SCHEMA[name]
    high = float(p.high)
    k = math.floor(math.log10(float(p.default))) - 1
    out = [float(p.low)]
    while 10.0**k < high:
        out += [round(m * 10.0**k, 12) for m in MANTISSAS if m * 10.0**k < high]
        k += 1
    return (*out, high)


def slider_position(name: str, value: float) -> int:
    """The position of a fine-scale slider nearest to ``value`` (on a log scale)."""
    values = slider_values(name)
    if value <= values[1] / 2:
        return 0
    logs = np.log(values[1:])
    return 1 + int(np.argmin(np.abs(logs - math.log(value))))


def fmt_value(name: str, value: float) -> str:
    if SCHEMA[name].kind == "int":
        return str(int(value))
    return f"{value:.4g}"


@solara.component
def ParamControl(state: AppState, name: str) -> None:
    lang = state.lang.value
    state.controls.get()  # redraw when the value in force changed elsewhere
    p = SCHEMA[name]
    value = state.sim.value(name)
    locked = state.controls_locked()

    def on_value(v: float) -> None:
        if state.controls_locked():
            state.changed(controls=True)  # put the slider back
            return
        state.guard(state.sim.set_param, name, snap_value(name, v), controls=True)

    with solara.Column(gap="0px", classes=["param-control", f"param-{name}"]):
        with solara.Row(justify="space-between", style={"align-items": "baseline"}):
            solara.Text(
                i18n.param_label(name, lang), style={"font-weight": "600", "font-size": "13px"}
            )
            solara.Text(
                f"{fmt_value(name, value)} {i18n.unit_text(name, lang, value)}",
                style={"font-size": "12px", "color": "#333"},
                classes=["param-value"],
            )
        if p.kind == "int":
            solara.SliderInt(
                "",
                value=int(value),
                min=int(p.low),
                max=int(p.high),
                step=1,
                on_value=on_value,
                thumb_label=True,
                disabled=locked,
            )
        elif fine_scale(
            name
        ):  # positions stand for values finer near zero; the label reads the value
            values = slider_values(name)
            solara.SliderInt(
                "",
                value=slider_position(name, float(value)),
                min=0,
                max=len(values) - 1,
                step=1,
                on_value=lambda i: on_value(values[int(i)]),
                thumb_label=False,
                disabled=locked,
            )
        else:
            solara.SliderFloat(
                "",
                value=float(value),
                min=float(p.low),
                max=float(p.high),
                step=slider_step(name),
                on_value=on_value,
                thumb_label=True,
                disabled=locked,
            )
        src = i18n.param_source(name, lang)
        RichText(
            state,
            f"<details class='param-help'><summary>{i18n.t('what_it_means', lang)}</summary>"
            f"<div>{texts.link_codes(i18n.param_help(name, lang))}</div>"
            f"<div style='color:#888; font-size:10px'>"
            f"{texts.link_codes(i18n.t('range', lang, low=p.low, high=p.high))} · "
            f"{i18n.t('source', lang)}{i18n.colon(lang)}{texts.link_codes(src)}</div></details>",
        )


@solara.component
def RunControls(state: AppState) -> None:
    lang = state.lang.value
    if state.mode.value == "lessons":  # redraw on a change of mode or lesson stage
        state.lesson_run(state.lesson.value).stage.value  # noqa: B018
    run = state.active()
    playing = run.playing.value
    can_play = state.can_play()
    with solara.Row(gap="6px", classes=["run-buttons"]):
        solara.Button(
            i18n.t("reset", lang),
            icon_name="mdi-restart",
            on_click=state.reset,
            color="primary",
            outlined=True,
            classes=["btn-reset"],
        )
        solara.Button(
            i18n.t("step", lang),
            icon_name="mdi-debug-step-over",
            on_click=state.step,
            disabled=playing or not can_play,
            color="primary",
            outlined=True,
            classes=["btn-step"],
        )
        solara.Button(
            i18n.t("pause" if playing else "play", lang),
            icon_name="mdi-pause" if playing else "mdi-play",
            on_click=state.toggle_play,
            disabled=not (can_play or playing),
            color="primary",
            classes=["btn-play"],
        )
    SpeedControl(state)


@solara.component
def SpeedControl(state: AppState) -> None:
    """A continuous speed (1 … SPEED_MAX months per second) or as fast as possible."""
    lang = state.lang.value
    speed = state.speed.value
    fastest = speed == 0
    label = i18n.t("speed_max_long", lang) if fastest else i18n.t("speed_value", lang, v=speed)
    with solara.Row(
        style={"align-items": "center", "gap": "4px", "margin-top": "4px"},
        classes=["speed-control"],
    ):
        solara.Text(
            f"{i18n.t('speed', lang)}{i18n.colon(lang)}{label}",
            style={"font-size": "12px", "flex": "1"},
            classes=["speed-label"],
        )
        with solara.Div(classes=["speed-max"]):
            solara.v.Checkbox(
                label=i18n.t("speed_max", lang),
                v_model=fastest,
                hide_details=True,
                density="compact",
                on_v_model=lambda v: state.speed.set(0 if v else 10),
            )
    with solara.Row(style={"align-items": "center", "gap": "6px"}):
        with solara.Div(classes=["speed-slider"], style={"flex": "1"}):
            solara.SliderInt(
                "",
                value=speed if speed > 0 else SPEED_MAX,
                min=1,
                max=SPEED_MAX,
                step=1,
                on_value=state.speed.set,
                disabled=fastest,
            )
        solara.v.Select(
            v_model=state.render_every.value,
            on_v_model=lambda v: state.render_every.set(int(v)),
            items=[
                {"title": i18n.t("render_every_n", lang, n=k), "value": k} for k in (1, 2, 5, 10)
            ],
            dense=True,
            hide_details=True,
            density="compact",
            variant="plain",
            style_="max-width: 150px; font-size: 12px",
            class_="select-render-every",
        )


@solara.component
def Monitors(state: AppState) -> None:
    """What each level does now, pushed with every frame while playing."""
    from dashboards.components.appstate import views_markup
    from dashboards.components.panels import use_live

    frame = state.tick.value
    del frame
    lang = state.lang.value
    el = solara.widgets.HTML.element(
        tag="div",
        unsafe_innerHTML=views_markup("monitors", state, state.snapshot(), lang),
        attributes={"class": "monitors-box"},
    )
    use_live(state, "monitors", el)


@solara.component
def LeversCard(state: AppState) -> None:
    lang = state.lang.value
    state.controls.get()
    locked_mode = state.mode.value == "lessons"
    with solara.Card(i18n.group_title("levers", lang), classes=["levers-card"], margin=0):
        if locked_mode:
            LockNote(state)
        for p in dict(by_group())["levers"]:
            ParamControl(state, p.name)
        Monitors(state)
        solara.Text(
            i18n.t("applies_next_month", lang), style={"font-size": "11px", "color": "#666"}
        )


@solara.component
def LockNote(state: AppState) -> None:
    lang = state.lang.value
    run = state.lesson_run()
    unlocked = run.unlocked.value
    Notice(
        i18n.t("unlocked_note" if unlocked else "locked_note", lang),
        "warning" if unlocked else "info",
        classes=["lock-note"],
    )
    with solara.Div(classes=["unlock-lesson"]):
        solara.v.Checkbox(
            label=i18n.t("unlock", lang),
            v_model=unlocked,
            on_v_model=state.unlock,
            hide_details=True,
            density="compact",
        )


@solara.component
def SettingControls(state: AppState) -> None:
    lang = state.lang.value
    state.controls.get()
    state.mode.value  # noqa: B018
    sim = state.sim
    seed_text, set_seed_text = solara.use_state(str(sim.seed))
    shown_seed, set_shown_seed = solara.use_state(sim.seed)
    if shown_seed != sim.seed:  # the seed changed elsewhere (reset, lesson, another mode)
        set_shown_seed(sim.seed)
        set_seed_text(str(sim.seed))
    locked = state.controls_locked()
    in_lesson = state.mode.value == "lessons"
    # In a lesson the hierarchy and the seed may change before the run (the lesson is set
    # up again with them); the scenario is the lesson's.
    stage = state.lesson_run().stage.value if in_lesson else ""
    setting_locked = locked and stage in ("run", "explain")

    def choose(what: str, **kw) -> None:
        state.ask(what, lambda: state.configure(**kw))

    with solara.Card(i18n.t("setting", lang), classes=["setting-card"], margin=0):
        Confirm(state)
        solara.v.Select(
            label=i18n.t("scenario", lang),
            v_model=sim.scenario,
            items=[{"title": i18n.scenario_title(n, lang), "value": n} for n in SCENARIOS],
            on_v_model=lambda v: v != sim.scenario and choose("scenario", scenario=v),
            dense=True,
            hide_details=True,
            class_="select-scenario",
            disabled=locked,
        )
        solara.Text(
            i18n.scenario_text(sim.scenario, lang), style={"font-size": "11px", "color": "#555"}
        )
        solara.v.Select(
            label=i18n.t("preset", lang),
            v_model=sim.preset,
            items=[{"title": i18n.preset_label(n, lang), "value": n} for n in LIVE_PRESETS],
            on_v_model=lambda v: v != sim.preset and choose("preset", preset=v),
            dense=True,
            hide_details=True,
            class_="select-preset",
            disabled=setting_locked,
        )
        with solara.Row(style={"align-items": "flex-start"}, classes=["seed-row"]):
            with solara.Column(gap="0px", style={"flex": "1"}):
                solara.InputText(
                    i18n.t("seed", lang),
                    value=seed_text,
                    on_value=set_seed_text,
                    continuous_update=True,
                    classes=["input-seed"],
                    disabled=setting_locked,
                )
                err = state.seed_error.value
                if err:
                    solara.Text(
                        i18n.t("seed_invalid", lang, seed=seed_text.strip(), max=f"{MAX_SEED:,}"),
                        classes=["seed-error"],
                        style={"color": "#b71c1c", "font-size": "12px"},
                    )
            solara.Button(
                i18n.t("apply_seed", lang),
                on_click=lambda: state.set_seed(seed_text.strip()),
                small=True,
                outlined=True,
                classes=["btn-seed"],
                disabled=setting_locked,
            )


@solara.component
def Confirm(state: AppState, kinds: tuple[str, ...] = ("scenario", "preset", "seed")) -> None:
    """Asks before a new setting (or game) discards the run on the screen."""
    lang = state.lang.value
    pending = state.confirm.value
    if pending is None or pending[0] not in kinds:
        return
    what, month, _ = pending
    with solara.Div(
        classes=["confirm-discard"],
        style={
            "background": "#fff8e1",
            "padding": "6px 8px",
            "border-left": "4px solid #8d6e00",
            "margin-bottom": "6px",
        },
    ):
        solara.Text(
            i18n.t("confirm_discard", lang, what=i18n.t(f"what_{what}", lang), month=month),
            style={"font-size": "12px", "display": "block"},
        )
        with solara.Row(gap="6px"):
            solara.Button(
                i18n.t("confirm_yes", lang),
                small=True,
                color="primary",
                on_click=lambda: state.confirmed(True),
                classes=["btn-confirm-yes"],
            )
            solara.Button(
                i18n.t("confirm_no", lang),
                small=True,
                outlined=True,
                on_click=lambda: state.confirmed(False),
                classes=["btn-confirm-no"],
            )


@solara.component
def ParameterPanels(state: AppState) -> None:
    lang = state.lang.value
    state.controls.get()
    groups = [(g, [p.name for p in ps]) for g, ps in by_group() if g != "levers"]
    # Panels start collapsed and build their sliders only once opened: ~50 sliders would
    # otherwise slow every language switch.
    opened, set_opened = solara.use_state(cast(list, []))
    with solara.v.ExpansionPanels(
        multiple=True,
        accordion=True,
        v_model=opened,
        on_v_model=lambda v: set_opened(list(v or [])),
        class_="param-groups",
    ):
        for i, (group, names) in enumerate(groups):
            with solara.v.ExpansionPanel(class_=f"group-{group}"):
                with solara.v.ExpansionPanelTitle():
                    solara.Text(f"{i18n.group_title(group, lang)} ({len(names)})")
                with solara.v.ExpansionPanelText():
                    if i in opened:
                        for n in names:
                            ParamControl(state, n)
    if not state.controls_locked():
        solara.Button(
            i18n.t("back_to_scenario", lang),
            small=True,
            text=True,
            on_click=lambda: state.guard(lambda: state.sim.configure(overrides={}), controls=True),
            classes=["btn-back-to-scenario"],
        )
