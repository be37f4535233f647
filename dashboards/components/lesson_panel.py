"""The guided lessons: claim → predict → run → what happened."""

from __future__ import annotations

import solara

from dashboards import i18n
from dashboards.components.appstate import AppState
from dashboards.components.rich import Heading, Notice, Para
from dashboards.lessons import LESSONS

STAGES = ("claim", "predict", "run", "explain")


@solara.component
def LessonPanel(state: AppState, frame: int) -> None:
    lang = state.lang.value
    idx = state.lesson.value
    lesson = LESSONS[idx]
    stage = state.stage.value
    with solara.Card(i18n.t("lessons_title", lang), subtitle=i18n.t("lessons_intro", lang),
                     classes=["lesson-panel"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.v.Select(
                label=i18n.t("choose_lesson", lang), v_model=idx, dense=True, hide_details=True,
                items=[{"title": f"{i + 1}. {les.title(lang)}", "value": i} for i, les in enumerate(LESSONS)],
                on_v_model=lambda v: state.choose_lesson(int(v)), class_="select-lesson",
                style_="max-width: 420px",
            )
            solara.Text(i18n.t("lesson_n", lang, i=idx + 1, n=len(LESSONS)), style={"color": "#666"})
        with solara.Row(classes=["lesson-stages"], style={"gap": "14px", "margin": "6px 0"}):
            for st in STAGES:
                active = st == stage
                solara.Text(i18n.t(f"stage_{st}", lang), classes=[f"lesson-stage-{st}"],
                            style={"font-weight": "700" if active else "400",
                                   "color": "#1d3557" if active else "#999",
                                   "border-bottom": "2px solid #1d3557" if active else "none"})
        Heading(lesson.title(lang), classes=["lesson-title"])
        Para(lesson.claim(lang), classes=["lesson-claim"], style={"font-size": "14px"})
        Para(f"{i18n.t('sources', lang)}: {', '.join(lesson.sources)}",
             style={"font-size": "11px", "color": "#777"}, classes=["lesson-sources"])
        Para(lesson.setup_text(lang), style={"font-size": "12px", "color": "#555"}, classes=["lesson-setup"])
        if stage == "claim":
            solara.Button(i18n.t("to_predict", lang), color="primary", on_click=state.to_predict,
                          classes=["btn-to-predict"])
            return
        Para(lesson.question(lang), classes=["lesson-question"],
             style={"font-weight": "600", "margin-top": "8px"})
        options = [solara.v.Radio(label=o.text(lang), value=o.key, class_=f"option-{o.key}")
                   for o in lesson.options]
        solara.v.RadioGroup(v_model=state.prediction.value, on_v_model=state.prediction.set,
                            children=options, disabled=stage != "predict", class_="lesson-options",
                            hide_details=True)
        if stage == "predict":
            solara.Button(i18n.t("run_lesson", lang), color="primary", on_click=state.run_lesson,
                          disabled=state.prediction.value is None, classes=["btn-run-lesson"])
            if state.prediction.value is None:
                solara.Text(i18n.t("predict_first", lang), style={"font-size": "12px", "color": "#777"})
        elif stage == "run":
            RunProgress(state, frame)
        elif stage == "explain":
            Explanation(state)


@solara.component
def RunProgress(state: AppState, frame: int) -> None:
    lang = state.lang.value
    lesson = LESSONS[state.lesson.value]
    t = min(state.sim.steps, lesson.steps)
    solara.ProgressLinear(value=100 * t / lesson.steps)
    solara.Text(i18n.t("running", lang, t=t, n=lesson.steps), classes=["lesson-running"])
    with solara.Row():
        solara.Button(i18n.t("pause" if state.playing.value else "play", lang),
                      on_click=state.toggle_play, outlined=True, classes=["btn-lesson-pause"])
        solara.Button(i18n.t("skip_to_end", lang), on_click=state.skip_to_end, outlined=True,
                      classes=["btn-skip"])


@solara.component
def Explanation(state: AppState) -> None:
    lang = state.lang.value
    lesson = LESSONS[state.lesson.value]
    outcome = state.outcome.value
    if outcome is None:
        return
    picked = lesson.option(state.prediction.value) if state.prediction.value else None
    happened = lesson.option(outcome.key)
    with solara.Div(classes=["lesson-explanation"]):
        if picked is not None:
            solara.Text(i18n.t("you_predicted", lang, p=picked.text(lang)), style={"display": "block"})
        solara.Text(i18n.t("what_happened", lang, o=happened.text(lang) if happened else "—"),
                    style={"font-weight": "600", "display": "block"})
        solara.Text(outcome.text(lang), classes=["lesson-outcome"], style={"display": "block"})
        if picked is not None and happened is not None:
            ok = picked.key == happened.key
            Notice(i18n.t("matched" if ok else "not_matched", lang), "success" if ok else "warning",
                   classes=["lesson-verdict"])
        Para(lesson.why(lang), lead=f"{i18n.t('why', lang)}.", classes=["lesson-why"], style={"margin": "6px 0"})
        Para(lesson.look(lang), lead=f"{i18n.t('look_at', lang)}:", classes=["lesson-look"],
             style={"margin": "6px 0"})
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.Button(i18n.t("next_lesson", lang), color="primary",
                          on_click=lambda: state.choose_lesson(state.lesson.value + 1),
                          classes=["btn-next-lesson"])
            solara.Button(i18n.t("restart_lesson", lang), outlined=True,
                          on_click=lambda: state.rerun_lesson(False))
            solara.Button(i18n.t("try_other_seed", lang), outlined=True,
                          on_click=lambda: state.rerun_lesson(True))
