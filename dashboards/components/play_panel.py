""""Play as a cadre": choose one township cadre's action each month and see what follows."""

from __future__ import annotations

import math

import solara

from dashboards import i18n, svg
from dashboards.components.appstate import AppState
from dashboards.components.rich import Details, Para
from dashboards.play import TOWNSHIP, Turn
from model.state import REC_FAILED, REC_SUCCEEDED

CHOICE_KEYS = ("choice_innovate", "choice_routine", "choice_avoid")


def turn_sentences(turn: Turn, lang: str) -> list[str]:
    """The consequences of one month, as plain sentences."""
    t = i18n.t
    out = [t("turn_choice", lang, t=turn.month, choice=i18n.action_name(turn.choice, lang))]
    if turn.record == REC_SUCCEEDED:
        out.append(t("out_succeeded", lang))
    elif turn.record == REC_FAILED:
        out.append(t("out_failed", lang))
    elif turn.choice == 1:
        out.append(t("out_routine", lang))
    elif turn.choice == 2:
        form = i18n.form_name(turn.form, lang) if turn.form >= 0 else "—"
        out.append(t("out_avoid", lang, form=form))
    if turn.detected:
        out.append(t("out_detected", lang))
    if turn.retro:
        out.append(t("out_retro", lang))
    if turn.case_stages is not None:
        if turn.case_stages == 0:
            out.append(t("out_not_applied", lang))
        else:
            out.append(t("out_case", lang, stage=i18n.stage_name(turn.case_stages, lang)))
        if turn.tolerated:
            out.append(t("out_tolerated", lang))
        elif turn.coupon:
            out.append(t("out_coupon", lang))
    if turn.sanction is None:
        out.append(t("out_no_sanction", lang))
    else:
        out.append(t("out_sanction", lang, severity=i18n.severity_name(turn.sanction, lang)))
    if turn.left is not None:
        out.append(t(f"out_{turn.left}", lang))
        out.append(t("out_newcomer", lang))
    out.append(t("out_solved", lang, solved=turn.solved, left=turn.problems_left))
    return out


@solara.component
def PlayPanel(state: AppState, frame: int) -> None:
    lang = state.lang.value
    sim = state.sim
    game = state.game.value
    n_towns = len(sim.model.hierarchy.units_at(TOWNSHIP))
    township, set_township = solara.use_state(0)
    leader, set_leader = solara.use_state(False)
    with solara.Card(i18n.t("play_title", lang), subtitle=i18n.t("play_intro", lang), classes=["play-panel"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.v.Select(
                label=i18n.t("play_unit", lang), v_model=min(township, n_towns - 1), dense=True,
                hide_details=True, on_v_model=lambda v: set_township(int(v)), style_="max-width: 200px",
                items=[{"title": i18n.unit_display_name(TOWNSHIP, k, lang), "value": k} for k in range(n_towns)],
                class_="select-township",
            )
            solara.v.Select(
                label=i18n.t("play_role", lang), v_model=leader, dense=True, hide_details=True,
                on_v_model=lambda v: set_leader(bool(v)), style_="max-width: 200px",
                items=[{"title": i18n.t("staff", lang), "value": False},
                       {"title": i18n.t("leader", lang), "value": True}],
            )
            solara.Button(i18n.t("new_game", lang), color="primary", classes=["btn-new-game"],
                          on_click=lambda: state.new_game(min(township, n_towns - 1), leader))
        if game is None:
            return
        with sim.lock:
            s = sim.model.state
            c = game.cadre
            you = {
                "col_belief_tol": svg.pct(float(s.belief_tol[c])),
                "col_belief_det": svg.pct(float(s.belief_detect[c])),
                "col_attention": f"{float(s.free_attention[c]):.2f}",
                "col_sanctions": str(int(s.sanctions[c])),
                "col_tenure": str(int(s.tenure[c])),
            }
            colleagues = game.colleagues()
            month = sim.steps + 1
        name = i18n.unit_display_name(TOWNSHIP, game.township, lang)
        role = i18n.t("leader" if game.leader else "staff", lang)
        Para(f"— {name}, {role} #{game.cadre}: " + " · ".join(f"{i18n.t(k, lang)} {v}" for k, v in you.items()),
             lead=i18n.t("you_now", lang), classes=["play-you"], style={"margin": "6px 0"})
        solara.Text(i18n.t("colleagues", lang) + ": " + ", ".join(
            f"{i18n.action_name(k, lang)} {int(colleagues[k])}" for k in range(3)), style={"font-size": "12px"})
        Para(i18n.t("your_choice", lang, t=month), classes=["play-question"],
             style={"font-weight": "600", "margin": "8px 0 4px"})
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "stretch"}):
            for k in range(3):
                with solara.Column(style={"max-width": "260px"}):
                    solara.Button(i18n.action_name(k, lang), on_click=lambda k=k: state.take_turn(k),
                                  style={"background-color": svg.COLOURS[k], "color": "white"},
                                  classes=[f"btn-choice-{k}"])
                    solara.Text(i18n.t(CHOICE_KEYS[k], lang), style={"font-size": "11px", "color": "#555"})
        turn = state.turn.value
        if turn is not None:
            with solara.Div(classes=["turn-result"], style={"background": "#f6f6f2", "padding": "8px",
                                                           "border-radius": "6px", "margin": "6px 0"}):
                for sentence in turn_sentences(turn, lang):
                    solara.Text(sentence, style={"display": "block"})
        score = game.score()
        Para(" · ".join(f"{i18n.t(k, lang)} {('–' if isinstance(v, float) and math.isnan(v) else f'{v:g}')}"
                        for k, v in score.items()),
             lead=f"{i18n.t('score', lang)}:", classes=["play-score"], style={"font-size": "13px"})
        if game.turns:
            solara.Text(i18n.t("path_title", lang), style={"font-weight": "600", "margin-top": "6px"})
            solara.HTML(unsafe_innerHTML=svg.path_svg(game.choices(), game.township_path(), game.start + 1, lang),
                        classes=["svg-path"])
            Details(i18n.t("log_title", lang),
                    [" ".join(turn_sentences(past, lang)) for past in reversed(game.turns[-24:])],
                    classes=["play-log"])
