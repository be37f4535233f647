"""One browser session's simulation: a CadreModel plus the user's choices.

The dashboard never edits the model's code; it keeps the user's settings here and
rebuilds or steers the model through its public API:

* ``overrides`` — parameter values the user chose (they start every new run);
* ``live_changes`` — when, during the current run, the user moved a control; applied to
  ``model.p`` from the next month on, exactly like a scenario schedule, and recorded so
  the run can be reproduced with ``cadre-sim run --at STEP:NAME=VALUE``.

All model access goes through ``lock`` because the play loop steps the model in a
worker thread while button handlers and renders run in others.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from model import CadreModel
from model.errors import CadreSimError
from model.hierarchy import PRESETS
from model.params import resolve, spec
from model.scenarios import DEFAULT_SCENARIO, SCENARIOS, validate_schedule
from model.scenarios import get as get_scenario

# The national preset has ~1M cadres: far too slow to animate; use `cadre-sim run`.
LIVE_PRESETS: tuple[str, ...] = tuple(p for p in PRESETS if p != "national")
MAX_SEED = 2**32 - 1


def check_seed(seed: Any) -> int:
    """A seed as int, or a one-line error naming the allowed range."""
    bad = CadreSimError(f"seed = {seed!r} is invalid: allowed is an integer in [0, {MAX_SEED}]")
    if isinstance(seed, str):
        try:
            seed = int(seed.strip())
        except ValueError:
            raise bad from None
    if isinstance(seed, float) and seed.is_integer():
        seed = int(seed)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise bad
    if not 0 <= int(seed) <= MAX_SEED:
        raise bad
    return int(seed)


def check_preset(preset: str) -> str:
    if preset not in LIVE_PRESETS:
        raise CadreSimError(
            f"preset = {preset!r} is invalid in the dashboard: allowed are {', '.join(LIVE_PRESETS)}"
        )
    return preset


class Simulation:
    """The model of one dashboard session and the settings that produced it."""

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        preset: str = "classroom",
        seed: int = 0,
        overrides: Mapping[str, Any] | None = None,
        schedule: tuple = (),
    ) -> None:
        self.lock = threading.RLock()
        self.scenario = get_scenario(scenario).name
        self.preset = check_preset(preset)
        self.seed = check_seed(seed)
        self.overrides: dict[str, Any] = {
            n: spec(n).validate(v) for n, v in (overrides or {}).items()
        }
        self.extra_schedule: tuple = validate_schedule(schedule)
        self.live_changes: list[tuple[int, dict[str, Any]]] = []
        self.model: CadreModel = self._build()

    # ------------------------------------------------------------------ setup
    def _build(self) -> CadreModel:
        # The values this run started with; ``overrides`` keeps moving with the controls.
        self.run_overrides = dict(self.overrides)
        # Mesa agent views are not needed: the dashboard reads the state arrays.
        return CadreModel(
            scenario=self.scenario,
            preset=self.preset,
            rng=self.seed,
            schedule=self.extra_schedule,
            agents=False,
            **self.overrides,
        )

    def reset(self) -> None:
        """Start the run again from month 0 with the current settings."""
        with self.lock:
            self.live_changes = []
            self.model = self._build()

    def configure(
        self,
        scenario: str | None = None,
        preset: str | None = None,
        seed: int | None = None,
        overrides: Mapping[str, Any] | None = None,
        schedule: tuple | None = None,
    ) -> None:
        """Change the setting and start a new run; validates everything first."""
        new_scenario = get_scenario(scenario).name if scenario is not None else self.scenario
        new_preset = check_preset(preset) if preset is not None else self.preset
        new_seed = check_seed(seed) if seed is not None else self.seed
        new_over = (
            {n: spec(n).validate(v) for n, v in overrides.items()}
            if overrides is not None
            else self.overrides
        )
        new_schedule = validate_schedule(schedule) if schedule is not None else self.extra_schedule
        with self.lock:
            self.scenario, self.preset, self.seed = new_scenario, new_preset, new_seed
            self.overrides = new_over
            if schedule is not None:
                self.extra_schedule = new_schedule
            self.reset()

    def set_scenario(self, scenario: str) -> None:
        """Pick a scenario: its values replace the user's, and a new run starts."""
        self.configure(scenario=scenario, overrides={}, schedule=())

    # ---------------------------------------------------------------- running
    @property
    def steps(self) -> int:
        return int(self.model.steps)

    def step(self, n: int = 1) -> bool:
        """Advance ``n`` months; True when a scheduled lever change took effect."""
        changed = False
        with self.lock:
            m = self.model
            for _ in range(n):
                m.step()
                changed |= any(at == m.steps for at, _ in m.schedule)
        return changed

    def value(self, name: str) -> float | int:
        """The value of ``name`` in force now."""
        return self.model.p[name]

    def set_param(self, name: str, value: Any) -> None:
        """Set a parameter: before the run starts it is an initial value (new run);
        during a run it applies from next month, like a scheduled regime change."""
        v = spec(name).validate(value)
        with self.lock:
            self.overrides[name] = v
            if self.model.steps == 0:
                # Initial beliefs and motivation are drawn from the parameters at build.
                self.model = self._build()
                return
            self.model.p[name] = v
            at = int(self.model.steps) + 1
            if self.live_changes and self.live_changes[-1][0] == at:
                self.live_changes[-1][1][name] = v
            else:
                self.live_changes.append((at, {name: v}))

    def change_points(self) -> list[int]:
        """Months at which lever values changed (scenario schedule and the user's moves)."""
        pts = {at for at, _ in self.model.schedule} | {at for at, _ in self.live_changes}
        return sorted(pts)

    # ---------------------------------------------------------------- exports
    def settings(self) -> dict[str, Any]:
        """Everything needed to reproduce the current run."""
        sc = SCENARIOS[self.scenario]
        initial = resolve({**sc.params, **self.run_overrides})
        return {
            "scenario": self.scenario,
            "preset": self.preset,
            "seed": self.seed,
            "steps": self.steps,
            "overrides": dict(self.run_overrides),
            "initial_params": initial,
            "schedule": [[at, dict(ch)] for at, ch in self.model.schedule],
            "live_changes": [[at, dict(ch)] for at, ch in self.live_changes],
            "command": self.command(),
        }

    def command(self) -> str:
        """A ``cadre-sim run`` line that replays this run (``--out`` left to the user)."""
        parts = [
            "cadre-sim run",
            f"--scenario {self.scenario}",
            f"--preset {self.preset}",
            f"--seed {self.seed}",
            f"--steps {max(self.steps, 1)}",
            "--out OUT",
        ]
        parts += [f"--set {n}={v}" for n, v in sorted(self.run_overrides.items())]
        for at, ch in (*self.extra_schedule, *self.live_changes):
            parts.append(f"--at {at}:" + ",".join(f"{n}={v}" for n, v in ch.items()))
        return " ".join(parts)

    def settings_json(self) -> str:
        return json.dumps(self.settings(), ensure_ascii=False, indent=2)

    def history_csv(self) -> str:
        """The per-step, per-level time series with the run's identity columns."""
        with self.lock:
            df = self.model.history()
        df.insert(0, "seed", self.seed)
        df.insert(0, "preset", self.preset)
        df.insert(0, "scenario", self.scenario)
        return df.to_csv(index=False)

    def cadres_csv(self) -> str:
        """Every cadre's current state (one row per cadre)."""
        import pandas as pd

        from model.hierarchy import LEVELS
        from model.state import ACTIONS, FORMS

        with self.lock:
            s, h = self.model.state, self.model.hierarchy
            df = pd.DataFrame(
                {
                    "cadre": np.arange(s.n),
                    "unit": s.unit,
                    "unit_name": [h.unit_name(int(u)) for u in s.unit] if s.n <= 5000 else s.unit,
                    "level": np.asarray(LEVELS)[s.level],
                    "leader": s.leader,
                    "action": np.asarray(ACTIONS)[s.action],
                    "avoid_form": np.where(
                        s.form >= 0, np.asarray(FORMS)[np.maximum(s.form, 0)], ""
                    ),
                    "believed_tolerance": s.belief_tol,
                    "believed_detection": s.belief_detect,
                    "believed_omission": s.belief_omit,
                    "believed_retro": s.belief_retro,
                    "believed_severity": s.belief_sev,
                    "perceived_targets": self.model.perceived_targets[s.unit],
                    "unit_adopted_latest": self.model.transmission.adopted[s.unit]
                    == self.model.transmission.latest,
                    "free_attention": s.free_attention,
                    "sanctions": s.sanctions,
                    "tolerated": s.tolerated,
                    "tenure": s.tenure,
                }
            )
        return df.to_csv(index=False)
