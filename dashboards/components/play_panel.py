""" "Play as a cadre": choose one township cadre's action each month and see what follows.

The panel states the goal (two tallies: for the township, for the career), shows the
odds the cadre would know before each choice and where the player stands against the
average peer so far, says after it what was noticed, by whom and why a sanction came,
lets the player apply for tolerance, and ends with a debrief: one headline outcome and
both tallies against the average township cadre of the same post. Every counter comes
from the game's one ledger.
"""

from __future__ import annotations

import numpy as np
import solara

from dashboards import i18n, svg
from dashboards.components.appstate import AppState
from dashboards.components.controls import Confirm
from dashboards.components.rich import Details, Notice, Para
from dashboards.odds import Odds, watching_levels
from dashboards.play import (
    CAREER_TOLERANCE,
    GAME_LENGTHS,
    REACH_OF_KIND,
    TOWNSHIP,
    CadreGame,
    Case,
    Turn,
)
from dashboards.views import place_path, sibling_number
from model.accountability import BLOCK_MONTHS
from model.scenarios import SCENARIOS
from model.state import REC_FAILED, REC_SUCCEEDED

CHOICE_KEYS = ("choice_innovate", "choice_routine", "choice_avoid")


def _p(x: float) -> str:
    """A chance as a percentage; small ones keep two significant digits (0.03%, not 0.0%)."""
    if 0 < x < 0.01:
        return f"{100 * x:.2g}%"
    return svg.pct(x)


def _num(x: float) -> str:
    return f"{x:.2f}"


def _solved(x: float) -> str:
    """Problems solved: 2, 0.06, 13.4 (no trailing zeros)."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 10 else f"{x:.1f}"


def _months(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def stage_line(stages: tuple[bool, ...], lang: str) -> str:
    """ "applied ✓ → accepted ✓ → consultation passed ✗" (up to the stage it stopped at)."""
    out = []
    for i, passed in enumerate(stages):
        out.append(f"{i18n.stage_name(i + 1, lang)} {'✓' if passed else '✗'}")
        if not passed:
            break
    return " → ".join(out)


def stage_chances(chances: tuple[float, ...], lang: str, first: int = 1) -> str:
    """ "accepted 79.0% → consultation passed 40.0% → …": each stage's chance of passing,
    from stage ``first`` (1 = application) on."""
    return " → ".join(f"{i18n.stage_name(i + first, lang)} {_p(c)}" for i, c in enumerate(chances))


def case_sentences(case: Case, turn: Turn, lang: str) -> list[str]:
    """What a case was, who noticed it, whether tolerance covered it, and its outcome."""
    t, odds = i18n.t, turn.odds
    levels = watching_levels(TOWNSHIP)
    detect = _p(odds.detect) if odds is not None else "–"
    if case.shifted:
        out = [t("case_shifted", lang, what=t(f"shifted_{case.kind}", lang))]
    elif case.territorial:
        out = [t("case_territorial", lang, levels=levels, d=detect)]
    else:
        out = [
            t(
                f"case_{case.kind}",
                lang,
                levels=levels,
                d=detect,
                months=turn.lookback,
                p=_p(odds.omission) if odds is not None else "–",
            )
        ]
    if case.kind not in REACH_OF_KIND:
        out.append(t("case_never_covered", lang))
    elif not case.covered:
        reach = _p(odds.eligible[REACH_OF_KIND[case.kind]]) if odds is not None else "–"
        out.append(t("case_not_covered", lang, reach=reach))
    else:
        out.append(t("case_stages", lang, stages=stage_line(case.stages, lang)))
        if not case.stages[0]:
            out.append(t("case_not_applied", lang))
    if case.tolerated:
        out.append(t("out_tolerated", lang))
    elif case.severity is not None:
        if case.coupon:
            out.append(t("out_coupon", lang))
        cause = (
            "cause_shifted"
            if case.shifted
            else "cause_territorial"
            if case.territorial
            else f"cause_{case.kind}"
        )
        out.append(
            t(
                "out_sanction_for",
                lang,
                severity=i18n.severity_name(case.severity, lang),
                cause=t(cause, lang),
                months=int(BLOCK_MONTHS[case.severity]),
            )
        )
    return out


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
    for case in turn.cases:
        out += case_sentences(case, turn, lang)
    if not turn.sanctions:
        out.append(t("out_no_sanction", lang) if turn.cases else t("out_no_case", lang))
    if turn.left == "removed":
        out.append(t("out_removed_for", lang))
    elif turn.left is not None:
        out.append(t(f"out_{turn.left}", lang))
    if turn.left is not None:
        out.append(t("out_newcomer", lang))
    solved = (
        i18n.plural(turn.solved, "problem", "problems") if lang == "en" else f"{turn.solved:.0f}"
    )
    left = f"{turn.problems_left:.0f}"
    out.append(t("out_solved", lang, solved=solved, left=left))
    career = (
        t("career_blocked", lang, b=_months(turn.blocked))
        if turn.blocked > 0
        else t("career_clear", lang)
    )
    out.append(t("out_tallies", lang, township=_solved(turn.township), career=career))
    return out


def odds_sentences(odds: Odds, lang: str) -> list[str]:
    t = i18n.t
    veto = odds.targets * odds.per_target
    passed = t("odds_passed", lang, x=_num(odds.passed_down)) if odds.passed_down > 0.005 else ""
    attention = t(
        "odds_attention",
        lang,
        free=_num(odds.free),
        budget=_num(odds.budget),
        routine=_num(odds.routine),
        paperwork=_num(odds.paperwork),
        targets=f"{odds.targets:.1f}",
        per_target=f"{odds.per_target:.3g}",
        veto=_num(veto),
        passed=passed,
        needed=_num(odds.needed),
    )
    if odds.duty != 1.0:
        attention += t("odds_duty", lang, duty=f"{odds.duty:g}")
    reach = {k: _p(v) for k, v in odds.eligible.items()}
    blame = (
        t("odds_shift", lang, p=_p(odds.shift))
        if odds.shift > 0
        else t("odds_blame_township", lang)
    )
    return [
        attention,
        t("odds_success", lang, p=_p(odds.success), full=_p(odds.full_success)),
        t(
            "odds_fail",
            lang,
            levels=watching_levels(TOWNSHIP),
            d=_p(odds.detect),
            bd=_p(odds.believed_detect),
        ),
        t(
            "odds_reach",
            lang,
            innovation=reach["innovation"],
            routine=reach["routine"],
            retro=reach["retro"],
            tol=_p(odds.tolerated_if_apply),
            bt=_p(odds.believed_tolerance),
        ),
        t("odds_routine", lang, p=_p(odds.irregular), d=_p(odds.detect)),
        t("odds_avoid", lang, p=_p(odds.omission)),
        t(
            "odds_retro",
            lang,
            p=_p(odds.retro),
            months=odds.lookback,
            ji=_p(odds.judge_innov),
            jr=_p(odds.judge_routine),
        ),
        blame,
    ]


def goal_text(
    game_length: int, leader: bool, innovation_yield: float, routine_solve: float, lang: str
) -> str:
    mild, moderate, severe = (int(b) for b in BLOCK_MONTHS)
    return i18n.t(
        "game_goal",
        lang,
        months=game_length,
        role=i18n.t("leader" if leader else "staff", lang),
        success=f"{innovation_yield:g}",
        routine=f"{routine_solve:g}",
        tol=f"{CAREER_TOLERANCE:g}",
        mild=mild,
        moderate=moderate,
        severe=severe,
    )


def tallies_now(game: CadreGame, lang: str) -> str:
    """Both tallies of the player beside the average peer's so far."""
    mine, peers = game.record(), game.peers_mean()
    return i18n.t(
        "tally_now",
        lang,
        township=_solved(mine["township"]),
        avg_township=_solved(peers["township"]),
        blocked=_months(mine["blocked"]),
        avg_blocked=_months(peers["blocked"]),
    )


def verdict_text(game: CadreGame, lang: str) -> tuple[str, str]:
    """The debrief's headline (text, notice kind) from :meth:`CadreGame.outcome`."""
    mine, peers = game.record(), game.peers_mean()
    result = game.outcome()
    role = i18n.t("leader" if game.leader else "staff", lang)
    why = (
        i18n.t("why_removed", lang)
        if mine["removals"] > 0
        else i18n.t(
            "why_blocked",
            lang,
            b=_months(mine["blocked"]),
            avg=_months(peers["blocked"]),
            tol=f"{CAREER_TOLERANCE:g}",
        )
    )
    text = i18n.t(
        f"debrief_{result}",
        lang,
        role=role,
        why=why,
        mine=_solved(mine["township"]),
        avg=_solved(peers["township"]),
    )
    return text, {"won": "success", "neither": "error"}.get(result, "warning")


def township_name(state: AppState, k: int, lang: str) -> str:
    h = state.play.sim.model.hierarchy
    return i18n.place_name(place_path(h, int(h.units_at(TOWNSHIP)[k])), lang)


def township_names(state: AppState, lang: str) -> list[str]:
    """The townships' place names, in the order of ``units_at(TOWNSHIP)``."""
    h = state.play.sim.model.hierarchy
    number = sibling_number(h)  # once, not once per township (a province has ~1,200)
    return [i18n.place_name(place_path(h, int(u), number), lang) for u in h.units_at(TOWNSHIP)]


@solara.component
def PlayPanel(state: AppState, frame: int) -> None:
    lang = state.lang.value
    sim = state.play.sim
    game = state.game.value
    names = township_names(state, lang)
    n_towns = len(names)
    township, set_township = solara.use_state(game.township if game else 0)
    leader, set_leader = solara.use_state(game.leader if game else False)
    length, set_length = solara.use_state(game.length if game else 24)
    with solara.Card(
        i18n.t("play_title", lang), subtitle=i18n.t("play_intro", lang), classes=["play-panel"]
    ):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.v.Select(
                label=i18n.t("play_unit", lang),
                v_model=min(township, n_towns - 1),
                dense=True,
                hide_details=True,
                on_v_model=lambda v: set_township(int(v)),
                style_="max-width: 260px",
                items=[{"title": name, "value": k} for k, name in enumerate(names)],
                class_="select-township",
            )
            solara.v.Select(
                label=i18n.t("play_role", lang),
                v_model=leader,
                dense=True,
                hide_details=True,
                on_v_model=lambda v: set_leader(bool(v)),
                style_="max-width: 160px",
                items=[
                    {"title": i18n.t("staff", lang), "value": False},
                    {"title": i18n.t("leader", lang), "value": True},
                ],
            )
            solara.v.Select(
                label=i18n.t("game_length", lang),
                v_model=length,
                dense=True,
                hide_details=True,
                on_v_model=lambda v: set_length(int(v)),
                style_="max-width: 110px",
                items=list(GAME_LENGTHS),
                class_="select-game-length",
            )
            solara.Button(
                i18n.t("new_game", lang),
                color="primary",
                classes=["btn-new-game"],
                on_click=lambda: state.new_game(min(township, n_towns - 1), leader, length),
            )
        Confirm(state, ("game",))
        p = sim.model.p
        Para(
            goal_text(
                game.length if game else length,
                game.leader if game else leader,
                float(p["innovation_yield"]),
                float(p["routine_solve"]),
                lang,
            ),
            classes=["game-goal"],
            style={"font-size": "12px", "color": "#333", "margin": "6px 0"},
        )
        if game is None:
            return
        GameBody(state, game, frame)


@solara.component
def GameBody(state: AppState, game: CadreGame, frame: int) -> None:
    lang = state.lang.value
    sim = game.sim
    record = game.record()
    with sim.lock:
        s = sim.model.state
        c = game.cadre
        colleagues = game.colleagues()
        month = sim.steps + 1
        beliefs = (
            float(s.belief_tol[c]),
            float(s.belief_detect[c]),
            float(s.free_attention[c]),
            int(s.tenure[c]),
        )
    odds = game.odds()
    role = i18n.t("leader" if game.leader else "staff", lang)
    name = township_name(state, game.township, lang)
    solara.Text(
        i18n.t("game_progress", lang, n=len(game.turns), months=game.length),
        classes=["game-progress"],
        style={"font-weight": "600"},
    )
    you = f"— {name}{i18n.list_sep(lang)}{role}{i18n.colon(lang)}" + " · ".join(
        [
            tallies_now(game, lang),
            f"{i18n.t('rec_sanctions', lang)} {record['sanctions']:.0f}",
            f"{i18n.t('col_belief_tol', lang)} {_p(beliefs[0])}",
            f"{i18n.t('col_belief_det', lang)} {_p(beliefs[1])}",
            f"{i18n.t('col_tenure', lang)} {beliefs[3]}",
        ]
    )
    Para(you, lead=i18n.t("you_now", lang), classes=["play-you"], style={"margin": "6px 0"})
    solara.Text(
        i18n.t("colleagues", lang)
        + i18n.colon(lang)
        + i18n.list_sep(lang).join(
            f"{i18n.action_name(k, lang)} {int(colleagues[k])}" for k in range(3)
        ),
        style={"font-size": "12px"},
    )
    if game.over:
        Debrief(state, game)
    else:
        with solara.Div(
            classes=["game-odds"],
            style={
                "background": "#eef3f8",
                "padding": "6px 10px",
                "border-radius": "6px",
                "margin": "6px 0",
            },
        ):
            solara.Text(
                i18n.t("odds_title", lang), style={"font-weight": "600", "display": "block"}
            )
            for line in odds_sentences(odds, lang):
                solara.Text(line, style={"display": "block", "font-size": "12px"})
        with solara.Div(classes=["game-apply"]):
            with solara.Div(classes=["apply-tolerance"]):
                solara.v.Checkbox(
                    label=i18n.t("apply_choice", lang),
                    v_model=state.apply_tolerance.value,
                    on_v_model=lambda v: state.apply_tolerance.set(bool(v)),
                    hide_details=True,
                    density="compact",
                )
            solara.Text(
                i18n.t(
                    "apply_stages",
                    lang,
                    stages=stage_chances(odds.stage_chances[1:], lang, first=2),
                    tol=_p(odds.tolerated_if_apply),
                ),
                style={"font-size": "11px", "color": "#555", "display": "block"},
            )
        Para(
            i18n.t("your_choice", lang, t=month),
            classes=["play-question"],
            style={"font-weight": "600", "margin": "8px 0 4px"},
        )
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "stretch"}):
            for k in range(3):
                with solara.Column(style={"max-width": "260px"}):
                    solara.Button(
                        i18n.action_name(k, lang),
                        on_click=lambda k=k: state.take_turn(k),
                        style={"background-color": svg.COLOURS[k], "color": "white"},
                        classes=[f"btn-choice-{k}"],
                    )
                    solara.Text(
                        i18n.t(CHOICE_KEYS[k], lang), style={"font-size": "11px", "color": "#555"}
                    )
    turn = state.turn.value
    if turn is not None and game.turns and turn is game.turns[-1]:
        with solara.Div(
            classes=["turn-result"],
            style={
                "background": "#f6f6f2",
                "padding": "8px",
                "border-radius": "6px",
                "margin": "6px 0",
            },
        ):
            for sentence in turn_sentences(turn, lang):
                solara.Text(sentence, style={"display": "block"})
    Para(
        " · ".join(
            [
                f"{i18n.t('rec_township', lang)} {_solved(record['township'])}",
                f"{i18n.t('rec_blocked', lang)} {_months(record['blocked'])}",
                f"{i18n.t('rec_successes', lang)} {record['successes']:.0f}",
                f"{i18n.t('rec_sanctions', lang)} {record['sanctions']:.0f}",
                f"{i18n.t('rec_tolerated', lang)} {record['tolerated']:.0f}",
                f"{i18n.t('rec_promotions', lang)} {record['promotions']:.0f}",
                f"{i18n.t('rec_removals', lang)} {record['removals']:.0f}",
            ]
        ),
        lead=i18n.lead("you_record", lang),
        classes=["play-score"],
        style={"font-size": "13px"},
    )
    if game.turns:
        solara.Text(i18n.t("path_title", lang), style={"font-weight": "600", "margin-top": "6px"})
        solara.HTML(
            unsafe_innerHTML=svg.path_svg(
                game.choices(), game.township_path(), game.start + 1, lang
            ),
            classes=["svg-path"],
        )
        Details(
            i18n.t("log_title", lang),
            [" ".join(turn_sentences(past, lang)) for past in reversed(game.turns[-36:])],
            classes=["play-log"],
        )


@solara.component
def Debrief(state: AppState, game: CadreGame) -> None:
    lang = state.lang.value
    mine, peers = game.record(), game.peers_mean()
    role = i18n.t("leader" if game.leader else "staff", lang)
    mix_me, mix_them = game.choice_shares()
    verdict, kind = verdict_text(game, lang)
    group = game.group_outcomes()
    with solara.Div(
        classes=["game-debrief"],
        style={
            "border": "2px solid #1d3557",
            "border-radius": "6px",
            "padding": "8px 12px",
            "margin": "8px 0",
        },
    ):
        solara.Text(
            i18n.t("game_over", lang)
            + " "
            + i18n.t("debrief_title", lang, months=game.length, role=role),
            style={"font-weight": "700", "font-size": "15px", "display": "block"},
        )
        Notice(verdict, kind, classes=["debrief-verdict", f"outcome-{game.outcome()}"])
        allowed = i18n.t("rec_allowed", lang, x=_months(peers["blocked"] + CAREER_TOLERANCE))
        rows = [
            ("rec_township", _solved(mine["township"]), _solved(peers["township"])),
            (
                "rec_blocked",
                _months(mine["blocked"]),
                f"{peers['blocked']:.1f} ({allowed})",
            ),
            ("rec_removals", f"{mine['removals']:.0f}", f"{peers['removals']:.2f}"),
            ("rec_successes", f"{mine['successes']:.0f}", f"{peers['successes']:.1f}"),
            (
                "rec_severity",
                f"{mine['mild']:.0f} / {mine['moderate']:.0f} / {mine['severe']:.0f}",
                f"{peers['mild']:.1f} / {peers['moderate']:.1f} / {peers['severe']:.1f}",
            ),
            ("rec_promotions", f"{mine['promotions']:.0f}", f"{peers['promotions']:.2f}"),
            ("rec_choices", " / ".join(_p(x) for x in mix_me), " / ".join(_p(x) for x in mix_them)),
        ]
        head = (
            f"<tr><th></th><th>{i18n.t('debrief_you', lang)}</th>"
            f"<th>{i18n.t('debrief_peers', lang, role=role, n=len(game.peers))}</th></tr>"
        )
        body = "".join(
            f"<tr><td>{i18n.t(k, lang)}</td><td>{a}</td><td>{b}</td></tr>" for k, a, b in rows
        )
        solara.HTML(
            unsafe_innerHTML=f"<table class='cadre-table debrief-table'>{head}{body}</table>"
        )
        solara.Text(
            i18n.t("debrief_group", lang, k=group["won"], n=sum(group.values()), role=role),
            style={"font-size": "12px", "display": "block", "margin-top": "6px"},
            classes=["debrief-group"],
        )
        towns = game.sim.model.hierarchy.units_at(TOWNSHIP)
        solara.Text(
            i18n.t(
                "debrief_problems",
                lang,
                mine=f"{game.solved[game.unit]:.0f}",
                avg=f"{float(np.mean(game.solved[towns])):.1f}",
            ),
            style={"font-size": "12px", "display": "block", "margin-top": "6px"},
            classes=["debrief-problems"],
        )
        solara.Text(
            i18n.t(
                "debrief_scenario",
                lang,
                scenario=i18n.scenario_title(game.scenario, lang),
                text=i18n.scenario_text(game.scenario, lang),
            ),
            style={"font-size": "12px", "color": "#444", "display": "block", "margin-top": "6px"},
        )
        with solara.Row(style={"flex-wrap": "wrap", "margin-top": "6px", "align-items": "center"}):
            solara.Button(
                i18n.t("debrief_again", lang),
                color="primary",
                classes=["btn-play-again"],
                on_click=lambda: state.new_game(game.township, game.leader, game.length),
            )
            solara.v.Select(
                label=i18n.t("debrief_other", lang),
                v_model=None,
                dense=True,
                hide_details=True,
                items=[
                    {"title": i18n.scenario_title(n, lang), "value": n}
                    for n in SCENARIOS
                    if n != game.scenario
                ],
                on_v_model=lambda v: (
                    v and state.new_game(game.township, game.leader, game.length, scenario=v)
                ),
                style_="max-width: 300px",
                class_="select-other-scenario",
            )
