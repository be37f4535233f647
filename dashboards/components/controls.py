"""Sidebar controls generated from the parameter schema.

The four levers come first; every other group of :data:`model.params.GROUPS` is a
collapsed panel. Each control shows its label, value and unit, a one-line explanation
and its source passages, all in the chosen language.
"""

from __future__ import annotations

import math
from typing import cast

import solara
import solara.lab

from dashboards import i18n
from dashboards.components.appstate import SPEEDS, AppState
from dashboards.play import TOWNSHIP
from dashboards.session import LIVE_PRESETS
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
    step = slider_step(name)
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    return min(max(round(float(value), decimals), float(p.low)), float(p.high))


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

    def on_value(v: float) -> None:
        state.guard(state.sim.set_param, name, snap_value(name, v), controls=True)

    with solara.Column(gap="0px", classes=["param-control", f"param-{name}"]):
        with solara.Row(justify="space-between", style={"align-items": "baseline"}):
            solara.Text(i18n.param_label(name, lang), style={"font-weight": "600", "font-size": "13px"})
            solara.Text(f"{fmt_value(name, value)} {i18n.unit_text(name, lang)}",
                        style={"font-size": "12px", "color": "#333"}, classes=["param-value"])
        if p.kind == "int":
            solara.SliderInt("", value=int(value), min=int(p.low), max=int(p.high), step=1,
                             on_value=on_value, thumb_label=True)
        else:
            solara.SliderFloat("", value=float(value), min=float(p.low), max=float(p.high),
                               step=slider_step(name), on_value=on_value, thumb_label=True)
        solara.Text(i18n.param_help(name, lang), style={"font-size": "11px", "color": "#555", "line-height": "1.3"})
        solara.Text(f"{i18n.t('range', lang, low=p.low, high=p.high)} · {i18n.t('source', lang)}: {p.source}",
                    style={"font-size": "10px", "color": "#888"})


@solara.component
def RunControls(state: AppState) -> None:
    lang = state.lang.value
    playing = state.playing.value
    in_game = state.mode.value == "play"
    in_lesson_run = state.mode.value == "lessons" and state.stage.value == "run"
    with solara.Row(gap="6px", classes=["run-buttons"]):
        solara.Button(i18n.t("reset", lang), icon_name="mdi-restart", on_click=state.reset,
                      color="primary", outlined=True, classes=["btn-reset"])
        solara.Button(i18n.t("step", lang), icon_name="mdi-debug-step-over", on_click=state.step,
                      disabled=playing or in_game, color="primary", outlined=True, classes=["btn-step"])
        solara.Button(i18n.t("pause" if playing else "play", lang),
                      icon_name="mdi-pause" if playing else "mdi-play",
                      on_click=state.toggle_play, disabled=in_game or (in_lesson_run and not playing),
                      color="primary", classes=["btn-play"])
    solara.Text(i18n.t("speed", lang), style={"font-size": "12px", "margin-top": "6px"})
    solara.ToggleButtonsSingle(
        value=state.speed.value, on_value=state.speed.set,
        children=[solara.Button(str(s) if s else i18n.t("speed_max", lang), value=s, small=True)
                  for s in SPEEDS],
        dense=True, classes=["speed-buttons"],
    )
    solara.Text(i18n.t("render_every", lang), style={"font-size": "12px", "margin-top": "6px"})
    solara.ToggleButtonsSingle(
        value=state.render_every.value, on_value=state.render_every.set,
        children=[solara.Button(str(k), value=k, small=True) for k in (1, 2, 5, 10)], dense=True,
    )


@solara.component
def SettingControls(state: AppState) -> None:
    lang = state.lang.value
    state.controls.get()
    sim = state.sim
    seed_text, set_seed_text = solara.use_state(str(sim.seed))

    def restart_game_if_playing() -> None:
        game = state.game.value
        if state.mode.value == "play" and game is not None:
            towns = len(sim.model.hierarchy.units_at(TOWNSHIP))
            state._new_game(game.township if game.township < towns else 0, game.leader)

    def configure(**kw) -> None:
        state.stop()
        state.stop_at = None

        def apply() -> None:
            if "scenario" in kw:
                sim.set_scenario(kw["scenario"])
            else:
                sim.configure(**kw)
            state.selected.value = None
            restart_game_if_playing()

        state.guard(apply, controls=True)

    # solara.Select shows the values themselves; v-select items keep names as values and
    # show the titles in the chosen language.
    solara.v.Select(
        label=i18n.t("scenario", lang), v_model=sim.scenario,
        items=[{"title": i18n.scenario_title(n, lang), "value": n} for n in SCENARIOS],
        on_v_model=lambda v: configure(scenario=v), dense=True, hide_details=True,
        class_="select-scenario",
    )
    solara.Text(i18n.scenario_text(sim.scenario, lang), style={"font-size": "11px", "color": "#555"})
    solara.v.Select(
        label=i18n.t("preset", lang), v_model=sim.preset,
        items=[{"title": i18n.preset_label(n, lang), "value": n} for n in LIVE_PRESETS],
        on_v_model=lambda v: configure(preset=v), dense=True, hide_details=True,
        class_="select-preset",
    )
    with solara.Row(style={"align-items": "center"}):
        solara.InputText(i18n.t("seed", lang), value=seed_text, on_value=set_seed_text,
                         continuous_update=False, classes=["input-seed"])
        solara.Button(i18n.t("apply_seed", lang), on_click=lambda: configure(seed=seed_text.strip()),
                      small=True, outlined=True, classes=["btn-seed"])


@solara.component
def ParameterPanels(state: AppState) -> None:
    lang = state.lang.value
    state.controls.get()
    with solara.Card(i18n.group_title("levers", lang), classes=["levers-card"]):
        for p in dict(by_group())["levers"]:
            ParamControl(state, p.name)
        solara.Text(i18n.t("applies_next_month", lang), style={"font-size": "11px", "color": "#666"})
    groups = [(g, [p.name for p in ps]) for g, ps in by_group() if g != "levers"]
    # Panels start collapsed and build their sliders only once opened: ~50 sliders would
    # otherwise slow every language switch.
    opened, set_opened = solara.use_state(cast(list, []))
    with solara.v.ExpansionPanels(multiple=True, accordion=True, v_model=opened,
                                  on_v_model=lambda v: set_opened(list(v or [])), class_="param-groups"):
        for i, (group, names) in enumerate(groups):
            with solara.v.ExpansionPanel(class_=f"group-{group}"):
                with solara.v.ExpansionPanelTitle():
                    solara.Text(f"{i18n.group_title(group, lang)} ({len(names)})")
                with solara.v.ExpansionPanelText():
                    if i in opened:
                        for n in names:
                            ParamControl(state, n)
    with solara.Row():
        solara.Button(i18n.t("back_to_scenario", lang), small=True, text=True,
                      on_click=lambda: state.guard(
                          lambda: state.sim.configure(overrides={}), controls=True),
                      classes=["btn-back-to-scenario"])
