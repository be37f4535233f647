"""The sizes of the reproduction's experiments (quick and full) and what one finding's
experiment returns; shared by :mod:`experiments.reproduce`, :mod:`experiments.calibrate`
and :mod:`experiments.report`, none of which imports another to get them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from experiments import batch
from experiments import findings as fd

# 32-bit seeds, as when the findings were registered: their numbers stay bit-identical.
SEED_BITS = 32


@dataclass(frozen=True)
class Scale:
    """Sizes of every experiment; ``QUICK`` for ``make demo``, ``FULL`` for the report."""

    name: str
    branching: tuple[int, int, int, int] | None  # None: the classroom preset
    steps: int  # months per run for equilibrium experiments
    reps: int  # replicates per condition (findings 1, 3, 4, 7)
    lever_points: int  # grid points per lever (finding 1, 4)
    diffusion_reps: int  # finding 2, per arm
    phase_points: int  # phase diagram grid per axis (finding 3)
    phase_reps: int
    corner_reps: int  # finding 3 criterion corners
    scenario_reps: int  # findings 5, 6
    long_steps: int  # findings 5, 6: "in the long run"
    sobol_n: int  # Saltelli base rows (power of 2)
    morris_r: int  # Morris trajectories
    sens_branching: tuple[int, int, int, int] | None
    sens_steps: int
    calib_draws: int  # ABC prior draws
    calib_validation: int  # replicates at the fitted values
    # Seed 003 surveyed cadres of real-sized units: what a leader or a colleague can know
    # depends on how many cadres a unit has, so the full calibration runs on the province
    # preset (real staffing, townships ~86 % of cadres as nationally), not on classroom units.
    calib_preset: str
    # Findings 9-11 (model 2.0): the province preset, as the issue states the claims.
    travel_reps: int = 3  # replicates of the tightening-then-loosening run (findings 9, 10)
    travel_arms: bool = False  # also run with each spreading mechanism switched off
    lever_reps: int = 3  # replicates per condition of the tolerance lever (finding 11)

    @property
    def hierarchy(self) -> str:
        return (
            "classroom preset" if self.branching is None else f"custom branching {self.branching}"
        )


# Shares settle within about 30 months of any regime, so 60-month runs (last 12 averaged)
# suffice for the quick form's equilibrium experiments; it totals about 2 CPU-minutes.
QUICK = Scale(
    "quick",
    None,
    steps=60,
    reps=3,
    lever_points=5,
    diffusion_reps=4,
    phase_points=4,
    phase_reps=2,
    corner_reps=4,
    scenario_reps=4,
    long_steps=120,
    sobol_n=8,
    morris_r=4,
    sens_branching=None,
    sens_steps=60,
    calib_draws=64,
    calib_validation=6,
    calib_preset="classroom",
)
FULL = Scale(
    "full",
    (3, 4, 5, 6),
    steps=150,
    reps=8,
    lever_points=7,
    diffusion_reps=16,
    phase_points=6,
    phase_reps=4,
    corner_reps=12,
    scenario_reps=12,
    long_steps=240,
    sobol_n=64,
    morris_r=10,
    sens_branching=(2, 3, 4, 6),
    sens_steps=120,
    calib_draws=600,
    calib_validation=16,
    calib_preset="province",
    travel_reps=8,
    travel_arms=True,
    lever_reps=6,
)


@dataclass
class Result:
    """One finding: its verdict, tidy data per figure, and settings for the report."""

    finding: int
    verdict: fd.Verdict
    data: dict[str, pd.DataFrame]
    design: str
    seconds: float = 0.0
    cpu: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def replicate_seeds(seed: int, experiment: int, n: int) -> list[int]:
    """Seeds of replicates 0..n-1 of one experiment (the same in every condition):
    :func:`experiments.batch.seeds` of ``[seed, experiment]``."""
    return batch.seeds([seed, experiment], n, bits=SEED_BITS)
