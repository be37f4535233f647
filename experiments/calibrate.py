"""Calibrate the tolerance procedure and its publicity to seed 003's survey (S003-06).

Question: "Has your area or department applied the tolerance mechanism?" — many
5.95%, few 17.91%, none 25.95%, don't know 50.19% (``model.metrics.SURVEY_TARGET``).

Method: approximate Bayesian computation, rejection with local-linear regression
adjustment (Beaumont, Zhang & Balding 2002).

1. Prior: uniform over each fitted parameter's schema range.
2. Two rounds of ``draws / 2`` parameter vectors each, from a scrambled Sobol sequence
   (even coverage); each is run once under ``tightened_accountability`` with its own
   seed and answers the survey (``CadreModel.survey()``). Round 1 covers the whole
   prior. Round 2 covers a box around round 1's posterior (its 98% interval widened by
   half its width on each side, at least a fifth of the range): the prior truncated
   to where round 1 found the mass. Round-1 draws inside the box are pooled with
   round 2's (both are uniform on the box) and steps 3–4 are applied to the pool.
3. Distance: total variation between the model's and the survey's shares
   (``model.metrics.total_variation``). The ``ACCEPT_FRACTION`` closest draws are kept,
   weighted by the Epanechnikov kernel of their distance.
4. Regression adjustment: on the logit scale of each parameter's range, the kept draws
   are moved along a weighted linear regression of parameter on survey shares to what
   they would be at the observed shares; back-transformed, they are the posterior
   sample. Reported: weighted median and 90% interval per parameter.
5. Validation: the model is run ``validation`` times at the posterior medians (new
   seeds); the TV distance of the replicate-mean survey to the target, with a 95%
   bootstrap interval over replicates, is the fit. The goal is TV ≤ 0.05
   (``experiments.findings.CALIBRATION_GOAL``); only then are the fitted values
   proposed as the scenario's defaults.

Which parameters (``CALIB_PARAMS``) and why:

* ``tolerance`` — the provision's reach and strength (S003-03/04, S003-15b) decides
  which errors are eligible and how strongly the stages are bound, so how many cases
  there are to be known of;
* ``standards_clarity`` — clarity of the standards (S003-08) gates the application and
  consultation stages, so how many cases are applied for;
* ``tolerance_publicity`` — whether tolerated cases are publicised (S003-07c) decides
  whether cadres of other units know of them;
* ``inter_level_consensus`` — whether the upper level recognises a decision (S003-09)
  decides how many applications end tolerated and so can be made known.

Not fitted: ``public_tolerance``, ``discipline_stance`` and
``high_profile_share``: in a one-at-a-time screen over their whole ranges (three seeds,
tightened scenario) they moved the survey shares by less than the run-to-run noise, so
the survey cannot identify them; they keep the scenario's values.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.cli import positive_int
from experiments.findings import CALIBRATION_GOAL
from experiments.reproduce import (
    FULL,
    QUICK,
    Scale,
    Task,
    replicate_seeds,
    run_tasks,
)
from model.errors import CadreSimError
from model.metrics import SURVEY_ANSWERS, SURVEY_TARGET, total_variation
from model.params import DEFAULTS, SCHEMA
from model.scenarios import SCENARIOS

CALIB_SCENARIO = "tightened_accountability"
CALIB_PARAMS: tuple[str, ...] = ("tolerance", "standards_clarity", "tolerance_publicity",
                                 "inter_level_consensus")
ACCEPT_FRACTION = 0.10   # share of prior draws kept by the rejection step
MIN_ACCEPT = 20          # never fewer kept draws: the regression fits 4 coefficients per parameter
POSTERIOR_LEVEL = 0.90   # central posterior interval reported per parameter
BOX_LEVEL = 0.98         # round 1 posterior interval that defines round 2's box ...
BOX_MARGIN = 0.5         # ... widened by half its width on each side ...
BOX_MIN_WIDTH = 0.2      # ... and at least this share of the prior range wide
EPS = 1e-4               # keeps the logit transform finite at the range ends


@dataclass
class Calibration:
    names: tuple[str, ...]
    target: dict[str, float]
    draws: pd.DataFrame            # every prior draw: parameters, shares, distance, kept, weight, adjusted
    posterior: pd.DataFrame        # per parameter: current, median, lo, hi, prior range
    fitted_survey: pd.DataFrame    # per answer: target, model mean and 95% interval, current-value mean
    tv: float                      # TV of the replicate-mean survey at the fitted values
    tv_ci: tuple[float, float]
    tv_current: float              # same at the scenario's current values
    scenario: str
    settings: dict[str, Any]
    seconds: float = 0.0
    cpu: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def good(self) -> bool:
        return bool(self.tv <= CALIBRATION_GOAL)

    @property
    def fitted(self) -> dict[str, float]:
        return dict(zip(self.posterior.parameter, self.posterior["median"], strict=True))


def _to_z(theta: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    u = np.clip((theta - lo) / (hi - lo), EPS, 1 - EPS)
    return np.log(u / (1 - u))


def _from_z(z: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return lo + (hi - lo) / (1 + np.exp(-z))


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: Sequence[float]) -> np.ndarray:
    order = np.argsort(x)
    x, w = x[order], w[order]
    c = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, c, x)


def abc_posterior(theta: np.ndarray, shares: np.ndarray, target: np.ndarray, lo: np.ndarray,
                  hi: np.ndarray, accept_fraction: float = ACCEPT_FRACTION) -> dict[str, np.ndarray]:
    """Rejection + local-linear regression adjustment (Beaumont et al. 2002).

    ``theta`` (M, p) draws, ``shares`` (M, 4) simulated survey shares, ``target`` (4,).
    Returns the distances, the kept mask, kernel weights and adjusted draws (kept rows).
    """
    d = 0.5 * np.abs(shares - target).sum(axis=1)
    n_keep = max(MIN_ACCEPT, int(np.ceil(accept_fraction * len(d))))
    n_keep = min(n_keep, len(d))
    keep = np.zeros(len(d), bool)
    keep[np.argsort(d, kind="stable")[:n_keep]] = True
    delta = d[keep].max()
    w = 1 - (d[keep] / delta) ** 2 if delta > 0 else np.ones(n_keep)
    w = np.maximum(w, 1e-3)  # the farthest kept draw keeps a token weight
    z = _to_z(theta[keep], lo, hi)
    # Shares sum to one: drop the last answer to keep the design matrix full rank.
    S = shares[keep, :-1] - target[:-1]
    X = np.column_stack([np.ones(n_keep), S])
    sw = np.sqrt(w)[:, None]
    beta, *_ = np.linalg.lstsq(X * sw, z * sw, rcond=None)
    z_adj = z - S @ beta[1:]
    return {"distance": d, "keep": keep, "weight": w, "adjusted": _from_z(z_adj, lo, hi)}


def _survey_mean(res: list[dict]) -> np.ndarray:
    return np.mean([r["survey"] for r in res], axis=0)


def _tv(shares: np.ndarray, target: dict[str, float]) -> float:
    return total_variation(dict(zip(SURVEY_ANSWERS, shares, strict=True)), target)


def calibrate(scale: Scale = QUICK, workers: int = 1, seed: int = 2024, names: Sequence[str] = CALIB_PARAMS,
              target: dict[str, float] | None = None, draws: int | None = None,
              validation: int | None = None, steps: int | None = None,
              scenario: str = CALIB_SCENARIO) -> Calibration:
    """Fit ``names`` to ``target`` (default: seed 003's survey); see the module docstring."""
    from scipy.stats import qmc

    for n in names:
        if n not in SCHEMA:
            raise CadreSimError(f"calibration parameter '{n}' is unknown; see `cadre-sim params`")
    target = dict(target or SURVEY_TARGET)
    tgt = np.array([target[a] for a in SURVEY_ANSWERS])
    M = draws or scale.calib_draws
    V = validation or scale.calib_validation
    T = steps or scale.steps
    preset = scale.calib_preset
    names = tuple(names)
    lo = np.array([float(SCHEMA[n].low) for n in names])
    hi = np.array([float(SCHEMA[n].high) for n in names])
    t0 = time.time()

    def simulate(box_lo: np.ndarray, box_hi: np.ndarray, n: int, rnd: int) -> tuple[np.ndarray, np.ndarray]:
        # Sobol points in powers of two keep the sequence balanced; take the first n.
        m = int(np.ceil(np.log2(max(n, 2))))
        u = qmc.Sobol(len(names), scramble=True, seed=np.random.default_rng([seed, rnd])).random_base2(m)[:n]
        th = box_lo + u * (box_hi - box_lo)
        seeds = replicate_seeds(seed, 100 + rnd, n)
        tasks = [Task(scenario, tuple(zip(names, map(float, x), strict=True)), s, T, preset=preset)
                 for x, s in zip(th, seeds, strict=True)]
        return th, np.array([r["survey"] for r in run_tasks(tasks, workers)])

    M1 = M // 2
    theta1, shares1 = simulate(lo, hi, M1, 0)
    post1 = abc_posterior(theta1, shares1, tgt, lo, hi)
    qa, qb = (np.array([weighted_quantile(post1["adjusted"][:, j], post1["weight"], [q])[0]
                        for j in range(len(names))]) for q in ((1 - BOX_LEVEL) / 2, (1 + BOX_LEVEL) / 2))
    pad = np.maximum(BOX_MARGIN * (qb - qa), BOX_MIN_WIDTH * (hi - lo) / 2)
    blo, bhi = np.maximum(lo, qa - pad), np.minimum(hi, qb + pad)
    theta2, shares2 = simulate(blo, bhi, M - M1, 1)
    inside = np.all((theta1 >= blo) & (theta1 <= bhi), axis=1)
    theta = np.vstack([theta1[inside], theta2])
    shares = np.vstack([shares1[inside], shares2])
    post = abc_posterior(theta, shares, tgt, blo, bhi)
    pool = np.concatenate([np.flatnonzero(inside), M1 + np.arange(M - M1)])

    w = post["weight"]
    adj = post["adjusted"]
    current = {n: SCENARIOS[scenario].params.get(n, DEFAULTS[n]) for n in names}
    q = [(1 - POSTERIOR_LEVEL) / 2, 0.5, (1 + POSTERIOR_LEVEL) / 2]
    rows = []
    for j, n in enumerate(names):
        a, med, b = weighted_quantile(adj[:, j], w, q)
        rows.append({"parameter": n, "current": float(current[n]), "median": float(med),
                     "lo": float(a), "hi": float(b), "prior_low": lo[j], "prior_high": hi[j],
                     "round2_low": blo[j], "round2_high": bhi[j]})
    posterior = pd.DataFrame(rows)

    # Validation at the fitted values and, for comparison, at the current ones.
    fitted = {n: float(v) for n, v in zip(names, posterior["median"], strict=True)}
    v_seeds = replicate_seeds(seed, 101, V)
    v_tasks = [Task(scenario, tuple(fitted.items()), s, T, preset=preset) for s in v_seeds]
    c_tasks = [Task(scenario, (), s, T, preset=preset) for s in v_seeds]
    v_res = run_tasks(v_tasks + c_tasks, workers)
    fit_sh = np.array([r["survey"] for r in v_res[:V]])
    cur_sh = np.array([r["survey"] for r in v_res[V:]])
    tv = _tv(fit_sh.mean(axis=0), target)
    rng = np.random.default_rng(seed)
    boots = [_tv(fit_sh[rng.integers(0, V, V)].mean(axis=0), target) for _ in range(2000)]
    tv_ci = (float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975)))
    fs = []
    for k, a in enumerate(SURVEY_ANSWERS):
        bs = [fit_sh[rng.integers(0, V, V), k].mean() for _ in range(1000)]
        fs.append({"answer": a, "target": target[a], "model": float(fit_sh[:, k].mean()),
                   "model_lo": float(np.quantile(bs, 0.025)), "model_hi": float(np.quantile(bs, 0.975)),
                   "current": float(cur_sh[:, k].mean())})
    all_theta, all_shares = np.vstack([theta1, theta2]), np.vstack([shares1, shares2])
    dr = pd.DataFrame(all_theta, columns=list(names))
    dr.insert(0, "round", np.repeat([1, 2], [M1, M - M1]))
    for k, a in enumerate(SURVEY_ANSWERS):
        dr[f"share_{a}"] = all_shares[:, k]
    dr["distance"] = 0.5 * np.abs(all_shares - tgt).sum(axis=1)
    dr["in_round2_prior"] = np.concatenate([inside, np.ones(M - M1, bool)])
    kept_rows = pool[post["keep"]]
    dr["kept"] = False
    dr.loc[kept_rows, "kept"] = True
    dr["weight"] = 0.0
    dr.loc[kept_rows, "weight"] = w
    for j, n in enumerate(names):
        dr[f"adjusted_{n}"] = np.nan
        dr.loc[kept_rows, f"adjusted_{n}"] = adj[:, j]
    settings = {"draws": M, "validation": V, "steps": T, "accept_fraction": ACCEPT_FRACTION,
                "hierarchy": f"{preset} preset", "seed": seed}
    return Calibration(names, target, dr, posterior, pd.DataFrame(fs), tv, tv_ci,
                       _tv(cur_sh.mean(axis=0), target), scenario, settings, seconds=time.time() - t0,
                       extra={"per_run_tv": [_tv(s, target) for s in fit_sh],
                        # The closest single run among all draws: noisier than a validated
                        # mean, so an optimistic view of how close the model gets anywhere
                        # in the searched ranges.
                        "best_draw": dr.loc[dr.distance.idxmin()].to_dict()})


def summary_lines(c: Calibration) -> list[str]:
    """Plain-text summary (CLI output and report)."""
    out = [f"calibration of {', '.join(c.names)} under '{c.scenario}' ({c.settings['hierarchy']}, "
           f"{c.settings['draws']} ABC draws, {c.settings['validation']} validation replicates)"]
    for r in c.posterior.itertuples():
        out.append(f"  {r.parameter:22s} current {r.current:.3f}  fitted {r.median:.3f}  "
                   f"90% interval [{r.lo:.3f}, {r.hi:.3f}]")
    out.append(f"  TV distance to the survey: {c.tv:.3f} (95% CI {c.tv_ci[0]:.3f}-{c.tv_ci[1]:.3f}); "
               f"at the current values {c.tv_current:.3f}; goal <= {CALIBRATION_GOAL}")
    best = c.extra.get("best_draw")
    if best:
        out.append(f"  closest single draw: TV {best['distance']:.3f} (" + ", ".join(
            f"{a} {best[f'share_{a}']:.1%}" for a in SURVEY_ANSWERS) + ")")
    out.append("  fit good: the fitted values can become the scenario's defaults" if c.good else
               "  fit not good enough: the scenario's values stay as they are")
    return out


def _handle(args: argparse.Namespace) -> int:
    scale = QUICK if args.quick else FULL
    workers = args.workers or os.cpu_count() or 1
    c = calibrate(scale=scale, workers=workers, seed=args.seed)
    print("\n".join(summary_lines(c)))
    if args.out:
        from experiments.report import write_calibration

        path = write_calibration(Path(args.out), c)
        print(f"written: {path}")
    return 0


def register_calibrate(subparsers: argparse._SubParsersAction) -> None:
    """Add ``cadre-sim calibrate`` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "calibrate", help="fit the tolerance procedure to seed 003's survey (ABC)",
        description="Fit " + ", ".join(CALIB_PARAMS) + f" under '{CALIB_SCENARIO}' to the survey "
                    "answers by ABC rejection with regression adjustment; report fitted values, 90% "
                    "intervals and the total-variation distance.")
    p.add_argument("--out", metavar="DIR", default=None, help="also write calibration.md, CSVs and a figure here")
    p.add_argument("--quick", action="store_true", help="small, fast form (classroom preset, few draws)")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="worker processes (default: number of CPUs)")
    p.add_argument("--seed", type=int, default=2024, help="base seed")
    p.set_defaults(func=_handle)


if __name__ == "__main__":
    from experiments.reproduce import main

    sys.exit(main(["calibrate", *sys.argv[1:]]))
