"""The views: tree, unit detail, shares, funnel, survey, beliefs, problems; and export."""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape

import numpy as np
import solara

from dashboards import export, i18n, svg, views
from dashboards.components.appstate import AppState, status_markup
from dashboards.components.rich import Clickable, Notice


@solara.component_vue("frame_ack.vue", vuetify=False)
def FrameAck(
    tick: int,
    event_ack: Callable[[int], None] | None = None,
    event_received: Callable[[int], None] | None = None,
) -> None:
    """Reports each frame back to the server when it arrives and when it is painted; the
    play loop paces itself on the paints, or on arrivals when the page paints nothing."""


def use_live(state: AppState, name: str, el: solara.Element) -> None:
    """Register the widget of ``el`` so the play loop can update it between renders."""
    solara.use_effect(lambda: state.register_live(name, solara.get_widget(el)), [])


@solara.component
def Acknowledge(state: AppState, frame: int) -> None:
    el = FrameAck(tick=frame, event_ack=state.ack, event_received=state.received_frame)
    use_live(state, "ack", el)


def _card(title: str, help_text: str, cls: str) -> solara.Card:
    return solara.Card(title, subtitle=help_text, classes=["view-card", cls], margin=0)


@solara.component
def Status(state: AppState, frame: int) -> None:
    lang = state.lang.value
    _ = state.playing.value  # the rate is shown while playing
    el = solara.widgets.HTML.element(
        tag="div",
        unsafe_innerHTML=status_markup(state, state.snapshot(), lang),
        attributes={"class": "status-line", "style": "font-weight: 600"},
    )
    use_live(state, "status", el)
    if state.error.value:
        Notice(i18n.t("error", lang, msg=state.error.value), "error", classes=["page-error"])


@solara.component
def Views(state: AppState, frame: int) -> None:
    """The cards; ``frame`` (the page's update counter) makes them follow the model.

    Only the page frame reads the counter: every component that subscribes to a
    reactive value costs a render pass of its own, so one subscriber keeps a month at
    one pass. While playing, the charts are updated between renders (``use_live``)."""
    lang = state.lang.value
    with solara.Div(classes=["views"]):
        with _card(i18n.t("tree_title", lang), i18n.t("tree_help", lang), "card-tree"):
            TreeView(state, frame)
        UnitCard(state, frame)
        with _card(i18n.t("shares_title", lang), i18n.t("shares_help", lang), "card-shares"):
            Chart(state, "shares", frame)
        with solara.Div(classes=["grid-2"]):
            for kind in ("funnel", "survey", "beliefs", "blame", "problems"):
                with _card(
                    i18n.t(f"{kind}_title", lang), i18n.t(f"{kind}_help", lang), f"card-{kind}"
                ):
                    Chart(state, kind, frame)


@solara.component
def Chart(state: AppState, kind: str, frame: int) -> None:
    snap = state.snapshot()
    el = solara.widgets.HTML.element(
        tag="div",
        unsafe_innerHTML=svg.CHARTS[kind](snap, state.lang.value),
        attributes={"class": f"svg-{kind}"},
    )
    use_live(state, kind, el)


@solara.component
def TreeView(state: AppState, frame: int) -> None:
    lang = state.lang.value
    snap = state.snapshot()
    selected = state.selected.value
    n_units = snap.n_units

    def select(u: int) -> None:
        if 0 <= int(u) < n_units:
            state.selected.value = int(u)

    if snap.tree.depth < 4:
        solara.Text(
            i18n.t("tree_coarse", lang, level=i18n.level_name(snap.tree.depth, lang)),
            style={"font-size": "12px", "color": "#666"},
        )
    sel = selected if selected is not None and selected < len(snap.tree.x) else None
    el = Clickable(
        html=svg.tree_svg(snap.tree, lang, sel), kind="cadre-clickable-svg", event_unit_click=select
    )
    use_live(state, "tree", el)


@solara.component
def UnitCard(state: AppState, frame: int) -> None:
    lang = state.lang.value
    with _card(i18n.t("unit_title", lang), "", "card-unit"):
        UnitDetails(state, frame)


@solara.component
def UnitDetails(state: AppState, frame: int) -> None:
    lang = state.lang.value
    selected = state.selected.value
    sim = state.sim
    detail = None
    with sim.lock:
        if selected is not None and 0 <= selected < sim.model.n_units:
            detail = views.unit_detail(sim.model, int(selected))
    if detail is None:
        solara.Text(i18n.t("unit_none", lang), style={"color": "#666"})
        return
    name = i18n.place_name(detail.path, lang, full=True)
    solara.Text(
        i18n.t("unit_summary", lang, name=name, n=detail.n_cadres, p=detail.problems),
        classes=["unit-name"],
        style={"font-weight": "600"},
    )
    solara.HTML(unsafe_innerHTML=svg.unit_html(detail, lang), classes=["unit-table"])
    with solara.Row(style={"flex-wrap": "wrap", "gap": "4px", "margin-top": "6px"}):
        if detail.parent >= 0:
            pname = i18n.place_name(detail.path[:-1], lang, full=True)
            solara.Button(
                i18n.t("superior", lang, name=pname),
                small=True,
                text=True,
                on_click=lambda: state.selected.set(detail.parent),
                classes=["btn-superior"],
            )
    if detail.children:
        solara.Text(i18n.t("subordinates", lang), style={"font-size": "12px", "color": "#555"})
        with solara.Row(style={"flex-wrap": "wrap", "gap": "4px"}):
            for u, k, shares in detail.children:
                label = i18n.place_part(detail.level + 1, k, lang)
                if np.isfinite(shares).all():
                    label += f" · {svg.pct(shares[2])} " + i18n.action_name(2, lang)
                solara.Button(
                    label,
                    small=True,
                    outlined=True,
                    on_click=lambda u=u: state.selected.set(u),
                    classes=["child-unit"],
                )


@solara.component_vue("download.vue", vuetify=False)
def DownloadVue(
    label: str,
    filename: str,
    mime: str,
    kind: str,
    payload: str,
    counter: int,
    event_request: Callable[[], None] | None = None,
) -> None:
    """A button that saves what the server sends back as a file (from a local blob)."""


@solara.component
def Download(
    label: str, filename: str, mime: str, make: Callable[[], bytes | str], cls: str = ""
) -> None:
    """Download button; the file is made only when clicked.

    ``solara.FileDownload`` renders nothing under ipyvuetify 3, hence this one."""
    sent, set_sent = solara.use_state(("", 0))

    def request(*_: object) -> None:
        data = make()
        raw = data.encode("utf-8") if isinstance(data, str) else data
        set_sent((base64.b64encode(raw).decode("ascii"), sent[1] + 1))

    DownloadVue(
        label=label,
        filename=filename,
        mime=mime,
        kind=cls,
        payload=sent[0],
        counter=sent[1],
        event_request=request,
    )


@solara.component
def ExportPanel(state: AppState) -> None:
    lang = state.lang.value
    # File names carry the month: follow the run, but not on every frame while playing.
    _ = state.playing.value or state.tick.value
    sim = state.sim
    figure, set_figure = solara.use_state("tree")

    def snap() -> views.Snapshot:
        with sim.lock:
            return views.snapshot(sim.model, sim.change_points())

    def stem() -> str:
        return f"{sim.scenario}_{sim.preset}_seed{sim.seed}_month{sim.steps:03d}"

    def with_lock(fn: Callable[[], str]) -> Callable[[], str]:
        def run() -> str:
            with sim.lock:
                return fn()

        return run

    with solara.Card(i18n.t("export", lang), classes=["export-card"]):
        solara.v.Select(
            v_model=figure,
            on_v_model=set_figure,
            dense=True,
            hide_details=True,
            items=[
                {"title": i18n.t(f"{name}_title", lang), "value": name} for name in export.FIGURES
            ],
            class_="select-figure",
        )
        with solara.Div(classes=["export-buttons"]):
            Download(
                i18n.t("png", lang),
                f"{figure}_{stem()}.png",
                "image/png",
                lambda: export.figure_png(figure, snap(), lang),
                "dl-png",
            )
            Download(
                i18n.t("all_figures_png", lang),
                f"figures_{stem()}.zip",
                "application/zip",
                lambda: export.all_figures_zip(snap(), lang),
                "dl-zip",
            )
            Download(
                i18n.t("history_csv", lang),
                f"timeseries_{stem()}.csv",
                "text/csv",
                with_lock(sim.history_csv),
                "dl-history",
            )
            Download(
                i18n.t("cadres_csv", lang),
                f"cadres_{stem()}.csv",
                "text/csv",
                with_lock(sim.cadres_csv),
                "dl-cadres",
            )
            Download(
                i18n.t("settings_json", lang),
                f"settings_{stem()}.json",
                "application/json",
                with_lock(sim.settings_json),
                "dl-settings",
            )
        if lang == "zh" and export.export_lang(lang) != "zh":
            solara.Text(i18n.t("font_note", lang), style={"font-size": "11px", "color": "#a05"})
        CommandLine(state)


@solara.component
def CommandLine(state: AppState) -> None:
    _ = state.playing.value or state.tick.value
    lang = state.lang.value
    solara.Text(i18n.t("reproduce", lang), style={"font-size": "11px", "margin-top": "6px"})
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<code>{escape(state.sim.command())}</code>",
        style="font-size:10px; word-break:break-all",
        classes=["command-line"],
    )
