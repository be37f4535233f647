"""How simple strategies fare in the "play as a cadre" game, per scenario.

Each strategy plays a whole game (``months`` months from month 0, township 0, as staff
or as leader) with fixed seeds, through the same :class:`dashboards.play.CadreGame` the
page uses, and is scored by the game's own points against the other township cadres of
the same post. The table in ``docs/teaching.md`` is regenerated with one command::

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
from dashboards.play import DEFAULT_LENGTH, POINTS, CadreGame
from dashboards.session import Simulation
from model.accountability import SEVERITY
from model.scenarios import SCENARIOS
from model.state import AVOID, INNOVATE, ROUTINE

BEGIN, END = "<!-- strategies:begin -->", "<!-- strategies:end -->"
SEEDS = tuple(range(10))


def expected_points(odds: Odds, innovation_yield: float, routine_solve: float) -> np.ndarray:
    """The points a month of each action is worth in expectation, from the odds the
    game shows (the true ones; the player applies for tolerance): a noticed misstep is
    sanctioned unless the provision covers it and it is tolerated; sanctions cost by
    the model's severity mix of their kind (``model.accountability.SEVERITY``)."""
    cost = np.asarray(POINTS["sanction"])
    c_fail, c_veto, c_omit = (float(SEVERITY[k] @ cost) for k in ("commission", "veto", "omission"))
    tol = odds.tolerated_if_apply
    innovate = (
        odds.success * innovation_yield
        - (1 - odds.success) * odds.detect * (1 - odds.eligible["innovation"] * tol) * c_fail
    )
    routine = (
        routine_solve - odds.irregular * odds.detect * (1 - odds.eligible["routine"] * tol) * c_veto
    )
    avoid = -odds.omission * c_omit
    return np.array([innovate, routine, avoid])


def adaptive(game: CadreGame) -> int:
    """Each month, the action with the most expected points at the odds shown."""
    odds = game.odds()
    p = game.sim.model.p
    ev = expected_points(odds, float(p["innovation_yield"]), float(p["routine_solve"]))
    return int(np.argmax(ev)) if ev.max() > ev[ROUTINE] else ROUTINE


STRATEGIES: dict[str, Callable[[CadreGame], int]] = {
    "always innovate": lambda game: INNOVATE,
    "always routine": lambda game: ROUTINE,
    "always avoid": lambda game: AVOID,
    "adaptive (best expected points)": adaptive,
}


def play(
    scenario: str,
    strategy: str,
    seed: int,
    months: int = DEFAULT_LENGTH,
    leader: bool = False,
    preset: str = "classroom",
) -> dict[str, float]:
    """One whole game; the player's record next to the peers' mean."""
    sim = Simulation(scenario=scenario, preset=preset, seed=seed)
    game = CadreGame(sim, township=0, leader=leader, length=months)
    choose = STRATEGIES[strategy]
    while not game.over:
        game.take_turn(choose(game))
    mine, peers = game.record(), game.peers_mean()
    rank, n = game.rank()
    mix = game.choice_shares()[0]
    return {
        "points": mine["points"],
        "successes": mine["successes"],
        "sanctions": mine["sanctions"],
        "removals": mine["removals"],
        "promotions": mine["promotions"],
        "peers_points": peers["points"],
        "peers_sanctions": peers["sanctions"],
        "beat_peers": float(mine["points"] > peers["points"]),
        "rank_share": (rank - 1) / max(n - 1, 1),
        "innovate_share": float(mix[INNOVATE]),
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
    lines = [
        f"Measured with `python -m dashboards.strategies` ({len(seeds)} seeds, {seeds[0]}–{seeds[-1]}; "
        f"{months}-month games in township 1 of the classroom hierarchy). Points: problems solved at the "
        f"model's yields, +{POINTS['promotion']:g} per promotion, −"
        + "/−".join(f"{x:g}" for x in POINTS["sanction"])
        + " per mild/moderate/severe sanction. *Beat* = share of games with more points than the mean of "
        "the other township cadres of the same post; *rank* = share of those cadres ahead of the player "
        "(0 = first). Counts are per game (the player's post; the peers' mean per post).",
        "",
        "| scenario | post | strategy | points | peers' points | beat | rank | successes | sanctions | peers' sanctions "
        "| removals | promotions |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in df.itertuples(index=False):
        lines.append(
            f"| {r.scenario} | {r.role} | {r.strategy} | {r.points:.1f} | {r.peers_points:.1f} | "
            f"{100 * r.beat_peers:.0f} % | {r.rank_share:.2f} | {r.successes:.1f} | {r.sanctions:.1f} | "
            f"{r.peers_sanctions:.2f} | {r.removals:.1f} | {r.promotions:.2f} |"
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
