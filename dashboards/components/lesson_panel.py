"""The guided lessons: claim → predict → run → what happened.

Each lesson has its own run (a lesson left mid-run resumes where it was). The verdict
shown always describes the run on the screen: it carries the identity and month of the
run it judged, and is not shown for any other.
"""

from __future__ import annotations

import solara

from dashboards import i18n
from dashboards.components.appstate import STAGES, AppState, LessonRun
from dashboards.components.rich import Heading, LinkedPara, Notice, Para
from dashboards.lessons import LESSONS, run_key
from dashboards.replicates import replicates_for


@solara.component
def LessonPanel(state: AppState, frame: int) -> None:
    lang = state.lang.value
    idx = state.lesson.value
    run = state.lesson_run(idx)
    lesson = run.lesson
    stage = run.stage.value
    with solara.Card(
        i18n.t("lessons_title", lang),
        subtitle=i18n.t("lessons_intro", lang),
        classes=["lesson-panel"],
    ):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.v.Select(
                label=i18n.t("choose_lesson", lang),
                v_model=idx,
                dense=True,
                hide_details=True,
                items=[
                    {"title": f"{i + 1}. {les.title(lang)}", "value": i}
                    for i, les in enumerate(LESSONS)
                ],
                on_v_model=lambda v: state.choose_lesson(int(v)),
                class_="select-lesson",
                style_="max-width: 420px",
            )
            solara.Text(
                i18n.t("lesson_n", lang, i=idx + 1, n=len(LESSONS)), style={"color": "#666"}
            )
        with solara.Row(classes=["lesson-stages"], style={"gap": "14px", "margin": "6px 0"}):
            for st in STAGES:
                active = st == stage
                solara.Text(
                    i18n.t(f"stage_{st}", lang),
                    classes=[f"lesson-stage-{st}"],
                    style={
                        "font-weight": "700" if active else "400",
                        "color": "#1d3557" if active else "#999",
                        "border-bottom": "2px solid #1d3557" if active else "none",
                    },
                )
        Heading(lesson.title(lang), classes=["lesson-title"])
        LinkedPara(state, lesson.claim(lang), classes=["lesson-claim"], style={"font-size": "14px"})
        LinkedPara(
            state,
            i18n.list_sep(lang).join(lesson.sources),
            lead=i18n.lead("sources", lang),
            style={"font-size": "11px", "color": "#777"},
            classes=["lesson-sources"],
        )
        Para(
            lesson.setup_text(lang),
            style={"font-size": "12px", "color": "#555"},
            classes=["lesson-setup"],
        )
        if stage == "claim":
            solara.Button(
                i18n.t("to_predict", lang),
                color="primary",
                on_click=state.to_predict,
                classes=["btn-to-predict"],
            )
            return
        Para(
            lesson.question(lang),
            classes=["lesson-question"],
            style={"font-weight": "600", "margin-top": "8px"},
        )
        options = [
            solara.v.Radio(label=o.text(lang), value=o.key, class_=f"option-{o.key}")
            for o in lesson.options
        ]
        prediction = run.prediction.value
        solara.v.RadioGroup(
            v_model=prediction,
            on_v_model=state.set_prediction,
            children=options,
            disabled=stage != "predict",
            class_="lesson-options",
            hide_details=True,
        )
        if stage == "predict":
            solara.Button(
                i18n.t("run_lesson", lang),
                color="primary",
                on_click=state.run_lesson,
                disabled=prediction is None,
                classes=["btn-run-lesson"],
            )
            if prediction is None:
                solara.Text(
                    i18n.t("predict_first", lang), style={"font-size": "12px", "color": "#777"}
                )
        elif stage == "run":
            RunProgress(state, run, frame)
        elif stage == "explain":
            Explanation(state, run, frame)


@solara.component
def RunProgress(state: AppState, run: LessonRun, frame: int) -> None:
    lang = state.lang.value
    lesson = run.lesson
    t = min(run.sim.steps, lesson.steps)
    playing = run.playing.value
    solara.ProgressLinear(value=100 * t / lesson.steps)
    solara.Text(i18n.t("running", lang, t=t, n=lesson.steps), classes=["lesson-running"])
    with solara.Row():
        solara.Button(
            i18n.t("pause" if playing else "play", lang),
            on_click=state.toggle_play,
            outlined=True,
            classes=["btn-lesson-pause"],
        )
        solara.Button(
            i18n.t("skip_to_end", lang),
            on_click=state.skip_to_end,
            outlined=True,
            classes=["btn-skip"],
        )


@solara.component
def Explanation(state: AppState, run: LessonRun, frame: int) -> None:
    lang = state.lang.value
    lesson = run.lesson
    verdict = run.verdict.value
    idx = state.lesson.value
    with solara.Div(classes=["lesson-explanation"]):
        picked = lesson.option(run.prediction.value)
        if picked is not None:
            solara.Text(
                i18n.t("you_predicted", lang, p=picked.text(lang)), style={"display": "block"}
            )
        if verdict is None or not verdict.describes(run_key(run.sim)):
            # the runs are still being computed (a verdict for another run is never shown)
            solara.ProgressLinear(True)
            solara.Text(
                i18n.t("computing_verdict", lang, k=replicates_for(run.sim.preset)),
                classes=["verdict-pending"],
                style={"display": "block", "color": "#555"},
            )
        elif verdict.withheld is not None:
            Notice(verdict.withheld(lang), "warning", classes=["lesson-withheld"])
        else:
            happened = lesson.option(verdict.key)
            solara.Text(
                i18n.t("what_happened", lang, o=happened.text(lang) if happened else "—"),
                style={"font-weight": "600", "display": "block"},
                classes=["lesson-what"],
            )
            Para(verdict.happened(lang), classes=["lesson-outcome"], style={"margin": "4px 0"})
            Para(
                verdict.this_run(lang),
                classes=["lesson-this-run"],
                style={"margin": "4px 0", "font-size": "13px", "color": "#333"},
            )
            if picked is not None:
                if verdict.key is None:
                    Notice(i18n.t("prediction_unclear", lang), "info", classes=["lesson-verdict"])
                elif happened is not None:
                    ok = picked.key == happened.key
                    Notice(
                        i18n.t("matched" if ok else "not_matched", lang),
                        "success" if ok else "warning",
                        classes=["lesson-verdict"],
                    )
            if verdict.why:
                Para(
                    " ".join(w(lang) for w in verdict.why),
                    lead=i18n.lead("why", lang),
                    classes=["lesson-why"],
                    style={"margin": "6px 0"},
                )
            Para(
                verdict.rule(lang),
                classes=["lesson-rule"],
                style={"font-size": "11px", "color": "#666"},
            )
            agree = {True: "claim_agrees", False: "claim_differs", None: "claim_unclear"}[
                verdict.agrees
            ]
            with solara.Div(
                classes=["lesson-sources-say"],
                style={"border-left": "3px solid #bbb", "padding-left": "8px", "margin": "6px 0"},
            ):
                LinkedPara(
                    state,
                    lesson.source_claim(lang),
                    lead=i18n.lead("sources_say", lang),
                    style={"font-size": "13px"},
                )
                solara.Text(
                    i18n.t(agree, lang),
                    classes=[f"claim-{agree}"],
                    style={"font-size": "12px", "font-weight": "600", "display": "block"},
                )
        Para(
            lesson.look(lang),
            lead=i18n.lead("look_at", lang),
            classes=["lesson-look"],
            style={"margin": "6px 0"},
        )
        last = idx == len(LESSONS) - 1
        if last:
            solara.Text(i18n.t("last_lesson", lang), style={"display": "block", "margin": "4px 0"})
        with solara.Row(style={"flex-wrap": "wrap"}):
            if last:
                solara.Button(
                    i18n.t("to_game", lang),
                    color="primary",
                    on_click=lambda: state.set_mode("play"),
                    classes=["btn-to-game"],
                )
                solara.Button(
                    i18n.t("back_to_first", lang),
                    outlined=True,
                    on_click=lambda: state.choose_lesson(0),
                    classes=["btn-first-lesson"],
                )
            else:
                solara.Button(
                    i18n.t("next_lesson", lang),
                    color="primary",
                    on_click=lambda: state.choose_lesson(idx + 1),
                    classes=["btn-next-lesson"],
                )
            solara.Button(
                i18n.t("restart_lesson", lang),
                outlined=True,
                on_click=lambda: state.restart_lesson(False),
                classes=["btn-restart-lesson"],
            )
            solara.Button(
                i18n.t("try_other_seed", lang),
                outlined=True,
                on_click=lambda: state.restart_lesson(True),
                classes=["btn-other-seed"],
            )
