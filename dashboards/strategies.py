"""How simple strategies fare in the "play as a cadre" game, per scenario.

Each strategy plays a whole game (``months`` months from month 0, township 0, as staff
or as leader) with fixed seeds, through the same :class:`dashboards.play.CadreGame` the
page uses, and is judged by the game's own rule (:func:`dashboards.play.outcome`: for
the township and for the career, against the other township cadres of the same post).
The adaptive strategy (:func:`adaptive`) plays, each month, the first month of the plan
of the rest of the game with the best chance to win at the odds shown (:func:`best_plan`).
The table in ``docs/teaching.md`` is regenerated with one command::

    .venv/bin/python -m dashboards.strategies --write docs/teaching.md

(it replaces what stands between the ``strategies:begin`` and ``strategies:end``
markers; without ``--write`` the table is printed).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from dashboards.odds import Odds
from dashboards.play import CAREER_TOLERANCE, DEFAULT_LENGTH, OUTCOMES, CadreGame
from dashboards.session import Simulation
from model.accountability import BLOCK_MONTHS, MILD, MODERATE, SEVERE, SEVERITY
from model.scenarios import SCENARIOS
from model.state import AVOID, INNOVATE, ROUTINE

BEGIN, END = "<!-- strategies:begin -->", "<!-- strategies:end -->"
SEEDS = tuple(range(40))
# Chances to win within this of the best count as equal for the adaptive player, who
# then serves the township most.
MARGIN = 0.01


def act_risks(odds: Odds, action: int, later: int) -> tuple[float, np.ndarray, np.ndarray]:
    """What one month of ``action`` brings, at the odds shown (the true ones; the player
    applies for tolerance): the chance it solves problems (a successful innovation) and,
    if it does and if it does not, the chances (mild, moderate, severe) that it ends in a
    sanction within the game — noticed this month (a failed innovation, a missed target,
    inaction), or found irregular by retroactive review in the ``later`` months left (an
    open act stays in the look-back window for ``lookback`` months; an act already
    judged is not judged again; inaction leaves nothing to review). A case is sanctioned
    unless the provision covers it and it is tolerated; severities follow the model's mix
    for the kind (``model.accountability.SEVERITY``). Cases pushed down from above and
    territorial cases come whatever the cadre does, to the player and the peers alike:
    they are left out."""
    tol = odds.tolerated_if_apply
    window = min(int(later), odds.lookback)

    def caught(judge: float) -> np.ndarray:  # an open act found irregular in the window
        p = (1 - (1 - odds.retro * judge) ** window) * (1 - odds.eligible["retro"] * tol)
        return p * SEVERITY["retro"]

    d = odds.detect
    if action == INNOVATE:
        failed = d * (1 - odds.eligible["innovation"] * tol) * SEVERITY["commission"] + (
            1 - d
        ) * caught(odds.judge_innov)
        return odds.success, caught(odds.judge_innov), failed
    if action == ROUTINE:
        miss = odds.irregular * d
        sev = miss * (1 - odds.eligible["routine"] * tol) * SEVERITY["veto"] + (1 - miss) * caught(
            odds.judge_routine
        )
        return 0.0, sev, sev
    sev = odds.omission * SEVERITY["omission"]
    return 0.0, sev, sev


def _career_step(dist: np.ndarray, sev: np.ndarray) -> np.ndarray:
    """``dist`` (..., months blocked 0..A, then "lost") after one month whose act is
    sanctioned with the chances ``sev`` (mild, moderate, severe): a mild or moderate
    sanction adds its influence period (``BLOCK_MONTHS``), a severe one removes the cadre;
    a career past the allowance A or removed is lost (the last bucket, which stays)."""
    n_ok = dist.shape[-1] - 1
    ok = dist[..., :n_ok]
    out = np.zeros_like(dist)
    out[..., :n_ok] = ok * (1 - sev.sum())
    out[..., n_ok] = dist[..., n_ok] + ok.sum(axis=-1) * sev[SEVERE]
    for k in (MILD, MODERATE):
        b = int(BLOCK_MONTHS[k])
        if b < n_ok:
            out[..., b:n_ok] += sev[k] * ok[..., : n_ok - b]
        out[..., n_ok] += sev[k] * ok[..., max(n_ok - b, 0) :].sum(axis=-1)
    return out


def win_chances(
    odds: Odds,
    yields: tuple[float, float],
    months_left: int,
    township_gap: float,
    allowance: float,
) -> dict[tuple[int, int], tuple[float, float, float]]:
    """For every plan of the rest of the game — ``k`` months of innovation, then routine
    work or avoidance (``rest``) to the end — at this month's odds (:func:`act_risks`):
    the chance to win, to serve the township (solve at least ``township_gap`` more
    problems, at ``yields``: innovation, routine) and to keep the career (never removed,
    at most ``allowance`` more months of promotion blocked; a negative allowance: the
    career is lost already). Keyed by (k, rest). Periods of blocked promotion are added
    up here as if they never overlapped (a cautious count)."""
    n = int(months_left)
    y_innov, y_routine = yields
    n_ok = int(np.floor(allowance)) + 1 if allowance >= 0 else 0  # months blocked 0..A
    out: dict[tuple[int, int], tuple[float, float, float]] = {}
    # rest[r][k]: chance that months k..n-1 of action r block at most 0, 1, ... A months
    rest = {}
    for r in (ROUTINE, AVOID):
        dist = np.zeros(n_ok + 1)
        dist[0] = 1.0  # (if n_ok is 0, the career is lost already: index 0 is "lost")
        cdfs = [np.cumsum(dist[:n_ok])]
        for k in range(n - 1, -1, -1):
            dist = _career_step(dist, act_risks(odds, r, n - 1 - k)[2]) if n_ok else dist
            cdfs.append(np.cumsum(dist[:n_ok]))
        rest[r] = cdfs[::-1]
    # innov[j, b]: successes j and months blocked b (or lost) after k months of innovation
    innov = np.zeros((n + 1, n_ok + 1))
    innov[0, 0] = 1.0
    j = np.arange(n + 1)
    for k in range(n + 1):
        if k > 0:
            p, if_success, if_failure = act_risks(odds, INNOVATE, n - k)
            succeeded = np.zeros_like(innov)
            succeeded[1:] = innov[:-1]
            innov = p * _career_step(succeeded, if_success) + (1 - p) * _career_step(
                innov, if_failure
            )
        for r in (ROUTINE, AVOID):
            solved = y_innov * j + (y_routine if r == ROUTINE else 0.0) * (n - k)
            town = solved >= township_gap - 1e-9
            # the rest's months must fit in what the innovation months left: A - b
            keep = (innov[:, :n_ok] * rest[r][k][::-1][None, :]).sum(axis=1)
            out[(k, r)] = (
                float(keep[town].sum()),
                float(innov[town].sum()),
                float(keep.sum()),
            )
    return out


def targets(game: CadreGame) -> tuple[float, float]:
    """The peers' tallies at the game's end as a player can foresee them from the page:
    the average peer's tallies so far (shown beside the player's), projected at their
    pace to the end of the game; before the first month, nothing is known of them, and
    the peers are taken to do routine work unsanctioned."""
    played = len(game.turns)
    if played == 0:
        return float(game.sim.model.p["routine_solve"]) * game.length, 0.0
    peers = game.peers_mean()
    return peers["township"] * game.length / played, peers["blocked"] * game.length / played


def best_plan(game: CadreGame) -> tuple[int, int]:
    """The plan (months of innovation k, then ``ROUTINE`` or ``AVOID``) to play, at this
    month's odds against :func:`targets`: among the plans whose chance to win
    (:func:`win_chances`) is within :data:`MARGIN` of the best, the one expected to solve
    most for the township (ties: fewer months of innovation). When winning is out of
    reach, the chance to meet one of the two goals takes the place of the chance to win."""
    p = game.sim.model.p
    yields = (float(p["innovation_yield"]), float(p["routine_solve"]))
    months_left = game.length - len(game.turns)
    mine, (township, blocked) = game.record(), targets(game)
    allowance = blocked + CAREER_TOLERANCE - mine["blocked"] if mine["removals"] == 0 else -1.0
    odds = game.odds()
    plans = win_chances(odds, yields, months_left, township - mine["township"], allowance)
    reachable = max(win for win, _, _ in plans.values()) > 0
    score = {k: c[0] if reachable else c[1] + c[2] for k, c in plans.items()}
    top = max(score.values())

    def solved(plan: tuple[int, int]) -> float:
        k, rest = plan
        return k * odds.success * yields[0] + (rest == ROUTINE) * (months_left - k) * yields[1]

    near = [k for k in plans if score[k] >= top - MARGIN]
    return max(near, key=lambda plan: (round(solved(plan), 9), -plan[0]))


def adaptive(game: CadreGame) -> int:
    """Each month, the first month of :func:`best_plan`: innovate if the plan has months of
    innovation, else its routine work or avoidance."""
    k, rest = best_plan(game)
    return INNOVATE if k > 0 else rest


STRATEGIES: dict[str, Callable[[CadreGame], int]] = {
    "always innovate": lambda game: INNOVATE,
    "always routine": lambda game: ROUTINE,
    "always avoid": lambda game: AVOID,
    "adaptive (best chance to win)": adaptive,
}


def play(
    scenario: str,
    strategy: str,
    seed: int,
    months: int = DEFAULT_LENGTH,
    leader: bool = False,
    preset: str = "classroom",
) -> dict[str, float]:
    """One whole game; the player's tallies and outcome next to the peers'."""
    sim = Simulation(scenario=scenario, preset=preset, seed=seed)
    game = CadreGame(sim, township=0, leader=leader, length=months)
    choose = STRATEGIES[strategy]
    while not game.over:
        game.take_turn(choose(game))
    mine, peers = game.record(), game.peers_mean()
    result = game.outcome()
    group = game.group_outcomes()
    mix = game.choice_shares()[0]
    return {
        **{o: float(result == o) for o in OUTCOMES},
        "township": mine["township"],
        "peers_township": peers["township"],
        "blocked": mine["blocked"],
        "peers_blocked": peers["blocked"],
        "sanctions": mine["sanctions"],
        "peers_sanctions": peers["sanctions"],
        "removals": mine["removals"],
        "promotions": mine["promotions"],
        "innovate_share": float(mix[INNOVATE]),
        "avoid_share": float(mix[AVOID]),
        "group_won": group["won"] / sum(group.values()),
    }


def table(
    scenarios: Sequence[str] = tuple(SCENARIOS),
    strategies: Sequence[str] = tuple(STRATEGIES),
    seeds: Sequence[int] = SEEDS,
    months: int = DEFAULT_LENGTH,
    roles: Sequence[bool] = (False, True),
) -> pd.DataFrame:
    """Mean over ``seeds`` of each strategy's game, per scenario and role."""
    rows = []
    for scenario in scenarios:
        for leader in roles:
            for strategy in strategies:
                games = pd.DataFrame([play(scenario, strategy, s, months, leader) for s in seeds])
                row = {
                    "scenario": scenario,
                    "role": "leader" if leader else "staff",
                    "strategy": strategy,
                    "games": len(games),
                }
                row.update(games.mean().to_dict())
                rows.append(row)
    return pd.DataFrame(rows)


def markdown(df: pd.DataFrame, seeds: Sequence[int], months: int) -> str:
    mild, moderate, severe = (int(b) for b in BLOCK_MONTHS)
    lines = [
        f"Measured with `python -m dashboards.strategies` ({len(seeds)} seeds, {seeds[0]}–{seeds[-1]}; "
        f"{months}-month games in township 1 of the classroom hierarchy). *Won* / *township only* / "
        "*career only* / *neither*: share of games with each outcome — the player served the township "
        "(problems solved at the model's yields at least the mean of the other township cadres of the "
        "same post) and/or kept the career (never removed, and months of promotion blocked at most the "
        f"peers' mean + {CAREER_TOLERANCE:g}; a sanction blocks {mild}/{moderate}/{severe} months by "
        "severity, months blocked twice count once). *Township* and *blocked*: the player's tally against "
        "the peers' mean, per game. *Innovate / avoid*: share of the player's months. *Posts that win*: "
        "share of all township posts of the same role (the player's and the peers') that win when each is "
        "judged by the same rule against the mean of the others.",
        "",
        "| scenario | post | strategy | won | township only | career only | neither | township: you / peers "
        "| blocked months: you / peers | sanctions: you / peers | removals | promotions | innovate / avoid "
        "| posts that win |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]

    def pct(x: float) -> str:
        return f"{100 * x:.0f} %"

    for r in df.itertuples(index=False):
        lines.append(
            f"| {r.scenario} | {r.role} | {r.strategy} | **{pct(r.won)}** | {pct(r.township_only)} | "
            f"{pct(r.career_only)} | {pct(r.neither)} | {r.township:.1f} / {r.peers_township:.1f} | "
            f"{r.blocked:.1f} / {r.peers_blocked:.1f} | {r.sanctions:.2f} / {r.peers_sanctions:.2f} | "
            f"{r.removals:.2f} | {r.promotions:.2f} | {pct(r.innovate_share)} / {pct(r.avoid_share)} | "
            f"{pct(r.group_won)} |"
        )
    late = [
        n
        for n in dict.fromkeys(df["scenario"])
        if SCENARIOS[n].schedule and min(at for at, _ in SCENARIOS[n].schedule) > months
    ]
    for name in late:
        first = min(at for at, _ in SCENARIOS[name].schedule)
        lines += [
            "",
            f"`{name}` changes its levers first at month {first}, after a {months}-month game: "
            "the game plays its starting regime.",
        ]
    return "\n".join(lines)


def write_into(path: Path, text: str) -> None:
    """Replace the block between the markers in ``path`` with ``text``."""
    doc = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{path}: markers {BEGIN} … {END} not found")
    path.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}\n{END}", doc), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--seeds", type=int, default=len(SEEDS), help="seeds 0..N-1 (default %(default)s)"
    )
    ap.add_argument(
        "--months", type=int, default=DEFAULT_LENGTH, help="game length (default %(default)s)"
    )
    ap.add_argument(
        "--write", type=Path, default=None, help="replace the marked block of this file"
    )
    args = ap.parse_args(argv)
    seeds = tuple(range(args.seeds))
    text = markdown(table(seeds=seeds, months=args.months), seeds, args.months)
    if args.write is None:
        print(text)
    else:
        write_into(args.write, text)
        print(f"wrote the strategy table into {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
