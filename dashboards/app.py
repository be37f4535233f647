"""The dashboard page: ``solara run dashboards.app`` (or ``cadre-sim dashboard``).

Built with Solara directly, in the pattern of Mesa's ``SolaraViz`` (a reactive model,
a controller with reset / step / play running the model in a worker thread, components
redrawn on an update counter). SolaraViz itself falls short here: its titles and
buttons are fixed English strings, its inputs are bare sliders without units,
explanations or groups, and its matplotlib components redraw at a few frames per
second — so the page uses its own components for all three.
"""

from __future__ import annotations

import solara
import solara.lab

from dashboards import i18n
from dashboards.components.appstate import MODES, AppState
from dashboards.components.controls import ParameterPanels, RunControls, SettingControls
from dashboards.components.lesson_panel import LessonPanel
from dashboards.components.panels import Acknowledge, ExportPanel, Status, Views
from dashboards.components.play_panel import PlayPanel

CSS = """
.cadre-app { display: flex; flex-direction: column; height: calc(100vh - 24px); width: 100%;
              max-width: calc(100vw - 24px); }
.cadre-header { background: #1d3557; color: white; padding: 8px 16px; border-radius: 4px; }
.app-title { font-size: 18px; font-weight: 600; }
.cadre-body { display: flex; flex: 1; min-height: 0; gap: 12px; margin-top: 8px; }
.cadre-side { width: 390px; flex-shrink: 0; overflow-y: auto; display: flex; flex-direction: column;
              gap: 10px; padding-right: 4px; }
.cadre-main { flex: 1; overflow-y: auto; min-width: 0; display: flex; flex-direction: column; gap: 10px; }
.cadre-side > *, .cadre-main > *, .views > * { flex-shrink: 0; }
.views { display: flex; flex-direction: column; gap: 12px; }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 12px; }
/* Vuetify 3 keeps card titles on one line; long (Chinese or English) titles must wrap
   instead of widening the whole page. */
.v-card-title, .v-card-subtitle { white-space: normal; overflow-wrap: anywhere; }
.view-card .v-card-subtitle { font-size: 12px; line-height: 1.35; }
.cadre-table th, .cadre-table td { padding: 2px 6px; border-bottom: 1px solid #eee; text-align: left; }
.cadre-table th { font-weight: 600; color: #444; }
.param-control { margin-bottom: 10px; }
.param-control .v-input { margin-bottom: 0; }
.param-control .v-input__details { display: none; }
.cadre-header { flex-wrap: wrap; row-gap: 6px; }
.unit-table { overflow-x: auto; }
g.unit:hover circle { stroke: #111; }
.export-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.cadre-download { border: 1px solid #1d3557; color: #1d3557; border-radius: 4px; padding: 3px 10px;
                  font-size: 12px; background: white; cursor: pointer; }
.speed-buttons { flex-wrap: wrap; height: auto !important; }
.speed-buttons .v-btn { min-width: 0 !important; padding: 0 10px !important; }
.cadre-download:disabled { opacity: 0.5; cursor: wait; }
"""


@solara.component
def Runner(state: AppState) -> None:
    """Runs the play loop in a worker thread while ``playing`` is set."""
    playing = state.playing.value
    solara.lab.use_task(state.play_loop, dependencies=[playing], prefer_threaded=True, raise_error=False)


@solara.component
def Header(state: AppState) -> None:
    lang = state.lang.value
    other = "en" if lang == "zh" else "zh"
    with solara.Row(classes=["cadre-header"], style={"align-items": "center"}):
        solara.Text(i18n.t("app_title", lang), classes=["app-title"])
        solara.v.Spacer()
        solara.v.BtnToggle(
            v_model=MODES.index(state.mode.value), mandatory=True,
            on_v_model=lambda i: state.set_mode(MODES[int(i)]) if i is not None else None,
            children=[solara.v.Btn(children=[i18n.t(f"mode_{m}", lang)], class_=f"mode-{m}", size="small")
                      for m in MODES],
            class_="mode-toggle", density="compact", color="white",
        )
        solara.Button(i18n.t("switch_lang", lang), on_click=lambda: state.set_lang(other), outlined=True,
                      classes=["btn-lang"], style={"color": "white", "font-weight": "600", "margin-left": "12px"})


@solara.component
def Page() -> None:
    state = solara.use_memo(AppState, [])
    lang = state.lang.value
    solara.Title(i18n.t("app_title", lang))
    solara.Style(CSS)
    Runner(state)
    # Own two-column layout: solara's Sidebar drawer overlaps the content under Vuetify 3.
    with solara.Div(classes=["cadre-app"]):
        Header(state)
        with solara.Div(classes=["cadre-body"]):
            with solara.Div(classes=["cadre-side"]):
                with solara.Card(i18n.t("run_controls", lang), classes=["run-card"], margin=0):
                    RunControls(state)
                    SettingControls(state)
                ParameterPanels(state)
                ExportPanel(state)
            MainFrame(state)


@solara.component
def MainFrame(state: AppState) -> None:
    """Everything that follows the model; the only reader of the update counter."""
    frame = state.tick.value
    with solara.Div(classes=["cadre-main"]):
        Status(state, frame)
        mode = state.mode.value
        if mode == "lessons":
            LessonPanel(state, frame)
        elif mode == "play":
            PlayPanel(state, frame)
        Views(state, frame)
        Acknowledge(state, frame)  # last, so its update reaches the browser after the views'
