"""The dashboard page: ``solara run dashboards.app`` (or ``cadre-sim dashboard``).

Built with Solara directly, in the pattern of Mesa's ``SolaraViz`` (a model, a
controller with reset / step / play, components redrawn on an update counter).
SolaraViz itself falls short here: its titles and buttons are fixed English strings,
its inputs are bare sliders without units, explanations or groups, and its matplotlib
components redraw at a few frames per second — so the page uses its own components.

The page first learns which browser tab it is in (:file:`components/tab_session.vue`),
then shows that tab's state, so a reload returns to the same runs.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import solara

from dashboards import i18n, texts
from dashboards.components.appstate import MODES, AppState, state_for_tab
from dashboards.components.controls import LeversCard, ParameterPanels, RunControls, SettingControls
from dashboards.components.lesson_panel import LessonPanel
from dashboards.components.panels import Acknowledge, ExportPanel, Status, Views
from dashboards.components.play_panel import PlayPanel
from dashboards.components.rich import RichText

CSS = """
.cadre-app { display: flex; flex-direction: column; height: calc(100vh - 24px); width: 100%;
              max-width: calc(100vw - 24px); }
.cadre-header { background: #1d3557; color: white; padding: 6px 12px; border-radius: 4px; flex-wrap: nowrap; }
.app-title { font-size: 17px; font-weight: 600; flex: 1 1 0; min-width: 0; white-space: nowrap;
             overflow: hidden; text-overflow: ellipsis; }
.cadre-body { display: flex; flex: 1; min-height: 0; gap: 12px; margin-top: 8px; }
.cadre-side { width: 380px; flex-shrink: 0; overflow-y: auto; display: flex; flex-direction: column;
              gap: 8px; padding-right: 4px; }
.cadre-side.closed { display: none; }
.cadre-main { flex: 1; overflow-y: auto; min-width: 0; display: flex; flex-direction: column; gap: 10px; }
.cadre-side > *, .cadre-main > *, .views > * { flex-shrink: 0; }
.views { display: flex; flex-direction: column; gap: 12px; }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 12px; }
@media (max-width: 1200px) {
  .cadre-side { width: 320px; }
  .grid-2 { grid-template-columns: 1fr; }
  .app-title { font-size: 15px; }
}
/* Vuetify 3 keeps card titles on one line; long (Chinese or English) titles must wrap
   instead of widening the whole page. */
.v-card-title, .v-card-subtitle { white-space: normal; overflow-wrap: anywhere; }
.cadre-side .v-card-title { font-size: 15px; padding-top: 6px; padding-bottom: 2px; }
.cadre-side .v-card-text, .cadre-side .v-card > div { padding-top: 2px; }
.view-card .v-card-subtitle { font-size: 12px; line-height: 1.35; }
.cadre-table th, .cadre-table td { padding: 2px 6px; border-bottom: 1px solid #eee; text-align: left; }
.cadre-table th { font-weight: 600; color: #444; }
.param-control { margin-bottom: 2px; }
.param-control .v-input { margin-bottom: 0; }
.param-control .v-input__details { display: none; }
.param-control .v-slider.v-input--horizontal { margin-top: -4px; margin-bottom: -6px; }
.param-help summary { cursor: pointer; font-size: 11px; color: #555; }
.param-help div { font-size: 11px; color: #555; line-height: 1.3; }
.monitors td, .monitors th { padding: 1px 6px; text-align: right; }
.monitors td:first-child { text-align: left; }
.unit-table { overflow-x: auto; }
g.unit:hover circle { stroke: #111; }
.export-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.cadre-download { border: 1px solid #1d3557; color: #1d3557; border-radius: 4px; padding: 3px 10px;
                  font-size: 12px; background: white; cursor: pointer; }
.cadre-download:disabled { opacity: 0.5; cursor: wait; }
.speed-slider .v-input__details { display: none; }
.speed-slider .v-slider.v-input--horizontal { margin-inline: 4px; }
.speed-max .v-input__details, .unlock-lesson .v-input__details, .apply-tolerance .v-input__details { display: none; }
.speed-max .v-selection-control { min-height: 28px; }
.run-card .v-card-text { padding-bottom: 4px; }
.cadre-overlay { position: fixed; top: 60px; right: 24px; width: min(560px, calc(100vw - 48px));
                 max-height: calc(100vh - 100px); overflow-y: auto; z-index: 1000; background: white;
                 border: 1px solid #1d3557; border-radius: 6px; box-shadow: 0 6px 24px rgba(0,0,0,.25);
                 padding: 12px 16px; }
.cadre-overlay.plan { width: min(860px, calc(100vw - 48px)); }
.md-table { border-collapse: collapse; font-size: 12px; }
.md-table td, .md-table th { border: 1px solid #ddd; padding: 2px 6px; vertical-align: top; }
.start-panel { background: #eef3f8; border-left: 4px solid #1d3557; border-radius: 4px; padding: 8px 12px; }
"""


@solara.component_vue("components/tab_session.vue", vuetify=False)
def TabSession(event_tab=None, event_visibility=None) -> None:
    """Reports the browser tab's id (kept across reloads) and its visibility."""


def _kernel_context():
    try:
        import solara.server.kernel_context as kc

        return kc.get_current_context() if kc.has_current_context() else None
    except Exception:
        return None


def _session_id() -> str:
    try:
        return solara.get_session_id()
    except Exception:
        return ""


@solara.component
def Page() -> None:
    tab, set_tab = solara.use_state(None)
    visible = solara.use_ref(True)

    def attach() -> AppState | None:
        if tab is None:
            return None
        state = state_for_tab(tab, _session_id())
        state.attach(_kernel_context())
        state.set_visible(visible.current)
        return state

    state = solara.use_memo(attach, [tab])

    def on_visibility(v: bool) -> None:
        visible.current = bool(v)
        if state is not None:
            state.set_visible(bool(v))

    solara.Style(CSS)
    TabSession(event_tab=lambda t: set_tab(str(t)), event_visibility=on_visibility)
    if state is None:
        solara.Title(i18n.t("app_title", "en"))
        solara.Text(
            i18n.t("loading", "zh") + " " + i18n.t("loading", "en"), classes=["cadre-loading"]
        )
        return
    App(state)


@solara.component
def Header(state: AppState) -> None:
    lang = state.lang.value
    other = "en" if lang == "zh" else "zh"
    with solara.Row(classes=["cadre-header"], style={"align-items": "center"}):
        solara.Button(
            i18n.t("toggle_sidebar", lang),
            icon_name="mdi-menu",
            text=True,
            on_click=lambda: state.sidebar_open.set(not state.sidebar_open.peek()),
            classes=["btn-sidebar"],
            style={"color": "white"},
        )
        solara.Text(i18n.t("app_title", lang), classes=["app-title"])
        solara.v.BtnToggle(
            v_model=MODES.index(state.mode.value),
            mandatory=True,
            on_v_model=lambda i: state.set_mode(MODES[int(i)]) if i is not None else None,
            children=[
                solara.v.Btn(children=[i18n.t(f"mode_{m}", lang)], class_=f"mode-{m}", size="small")
                for m in MODES
            ],
            class_="mode-toggle",
            density="compact",
            color="white",
        )
        solara.Button(
            i18n.t("switch_lang", lang),
            on_click=lambda: state.set_lang(other),
            outlined=True,
            classes=["btn-lang"],
            style={"color": "white", "font-weight": "600", "margin-left": "12px"},
        )


@solara.component
def App(state: AppState) -> None:
    lang = state.lang.value
    solara.Title(i18n.t("app_title", lang))
    open_ = state.sidebar_open.value
    # Own two-column layout: solara's Sidebar drawer overlaps the content under Vuetify 3.
    with solara.Div(classes=["cadre-app"]):
        Header(state)
        with solara.Div(classes=["cadre-body"]):
            with solara.Div(classes=["cadre-side"] + ([] if open_ else ["closed"])):
                with solara.Card(i18n.t("run_controls", lang), classes=["run-card"], margin=0):
                    RunControls(state)
                LeversCard(state)
                SettingControls(state)
                ParameterPanels(state)
                ExportPanel(state)
            MainFrame(state)
        Overlays(state)


@solara.component
def StartPanel(state: AppState) -> None:
    lang = state.lang.value
    if not state.show_start.value:
        return
    with solara.Div(classes=["start-panel"]):
        solara.Text(i18n.t("start_title", lang), style={"font-weight": "700", "display": "block"})
        solara.Text(i18n.t("start_text", lang), style={"font-size": "13px", "display": "block"})

        def leave_for(mode: str) -> Callable[[], None]:
            def go() -> None:
                state.show_start.set(False)
                state.set_mode(mode)
                if mode == "explore":
                    state.toggle_play()

            return go

        # (text key, look, what a click does); the class is "btn-start-" + the key less "start_"
        buttons = (
            ("start_play", {"icon_name": "mdi-play", "color": "primary"}, leave_for("explore")),
            ("start_lessons", {"outlined": True}, leave_for("lessons")),
            ("start_game", {"outlined": True}, leave_for("play")),
            ("start_plan", {"text": True}, lambda: state.plan_open.set(True)),
            ("start_dismiss", {"text": True}, lambda: state.show_start.set(False)),
        )
        with solara.Row(style={"flex-wrap": "wrap", "gap": "6px", "margin-top": "6px"}):
            for key, look, click in buttons:
                solara.Button(
                    i18n.t(key, lang),
                    small=True,
                    on_click=click,
                    classes=[f"btn-start-{key.removeprefix('start_')}"],
                    **look,
                )
        solara.Text(
            i18n.t("source_hint", lang),
            style={"font-size": "11px", "color": "#555", "display": "block"},
        )


@solara.component
def Overlays(state: AppState) -> None:
    """A cited passage, or the class plan, shown over the page."""
    lang = state.lang.value
    code = state.source.value
    if code:
        found = texts.passage(code)
        if found is None:
            body = f"<p>{escape(i18n.t('source_missing', lang, code=code))}</p>"
        else:
            quote, gloss = found
            body = (
                f"<p style='font-size:16px'>“{escape(quote)}”</p>"
                f"<p style='color:#444'><b>{escape(i18n.lead('source_gloss', lang))}</b> {escape(gloss)}</p>"
            )
        with solara.Div(classes=["cadre-overlay", "source-passage"]):
            solara.Text(
                i18n.t("source_title", lang, code=code),
                style={"font-weight": "700", "display": "block"},
            )
            RichText(state, body, classes=["source-body"])
            solara.Button(
                i18n.t("close", lang),
                small=True,
                outlined=True,
                on_click=lambda: state.source.set(None),
                classes=["btn-close-source"],
            )
    if state.plan_open.value:
        with solara.Div(classes=["cadre-overlay", "plan", "class-plan"]):
            with solara.Row(style={"justify-content": "space-between"}):
                solara.Text(i18n.t("plan_title", lang), style={"font-weight": "700"})
                solara.Button(
                    i18n.t("close", lang),
                    small=True,
                    outlined=True,
                    on_click=lambda: state.plan_open.set(False),
                    classes=["btn-close-plan"],
                )
            solara.HTML(unsafe_innerHTML=texts.class_plan_html(), classes=["plan-body"])


@solara.component
def MainFrame(state: AppState) -> None:
    """Everything that follows the model; the only reader of the update counter."""
    frame = state.tick.value
    with solara.Div(classes=["cadre-main"]):
        StartPanel(state)
        Status(state, frame)
        mode = state.mode.value
        if mode == "lessons":
            LessonPanel(state, frame)
        elif mode == "play":
            PlayPanel(state, frame)
        Views(state, frame)
        Acknowledge(state, frame)  # last, so its update reaches the browser after the views'
