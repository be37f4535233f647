"""Sweep specifications: TOML files validated against the parameter schema.

A spec says which parameters vary and how, the design (full factorial grid, Latin
hypercube, Sobol/Saltelli or Morris), the scenario(s) and hierarchy to start from, how
many months and replicates, the base seed and what to record. Every bad input raises
:class:`SpecError` (a :class:`~model.errors.CadreSimError`) with one line naming the
file, the key, the value and what is allowed. Ranges and defaults come from
:data:`model.params.SCHEMA`; nothing here restates them.

Minimal form::

    scenario = "tightened_accountability"
    preset = "classroom"
    steps = 60
    replicates = 3
    seed = 5
    design = "grid"
    [parameters]
    supervision = [0.1, 0.5, 0.9]
    tolerance = [0.2, 0.8]

See ``docs/sweeps.md`` for every key.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model import scenarios as scen
from model.errors import CadreSimError
from model.hierarchy import custom_spec, get_spec
from model.params import SCHEMA, ParamError
from model.params import spec as param_spec

DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris")
SAMPLED = ("lhs", "sobol", "morris")
# Fewest samples that give a usable design: an LHS needs two points to span a range;
# Sobol/Saltelli bootstrap intervals are meaningless below 8 base samples; Morris
# needs several trajectories for sigma and the bootstrap of mu*.
MIN_SAMPLES: dict[str, int] = {"lhs": 2, "sobol": 8, "morris": 4}
# Sobol and Morris apportion variance between inputs: with one input there is nothing to apportion.
MIN_FACTORS: dict[str, int] = {"grid": 0, "lhs": 1, "sobol": 2, "morris": 2}
DEFAULT_WINDOW = 0.2  # final fraction of months averaged into the run's statistics
DEFAULT_MORRIS_LEVELS = 4

TOP_KEYS = (
    "name",
    "description",
    "scenario",
    "preset",
    "branching",
    "steps",
    "replicates",
    "seed",
    "design",
    "samples",
    "second_order",
    "morris_levels",
    "common_seeds",
    "parameters",
    "fixed",
    "record",
)
RECORD_KEYS = ("timeseries", "every", "window")


class SpecError(CadreSimError):
    """A sweep spec that cannot be run (one line naming file, key and value)."""


@dataclass(frozen=True)
class Factor:
    """One varied parameter: explicit ``values`` (grid) or a ``[low, high]`` range (sampled)."""

    name: str
    values: tuple[float | int, ...] = ()
    low: float | int | None = None
    high: float | int | None = None

    @property
    def is_range(self) -> bool:
        return self.low is not None

    @property
    def kind(self) -> str:
        return SCHEMA[self.name].kind

    def as_dict(self) -> dict[str, Any]:
        if self.is_range:
            return {"low": self.low, "high": self.high}
        return {"values": list(self.values)}


@dataclass(frozen=True)
class Record:
    """What each run reports besides its per-level final-window statistics."""

    timeseries: bool = False
    every: int = 1
    window: float = DEFAULT_WINDOW


@dataclass(frozen=True)
class SweepSpec:
    name: str
    scenarios: tuple[str, ...]
    design: str
    factors: tuple[Factor, ...]
    replicates: int = 1
    seed: int = 0
    steps: int | None = None  # None: each scenario's own length
    preset: str | None = "classroom"
    branching: tuple[int, ...] | None = None
    samples: int | None = None
    second_order: bool = False
    morris_levels: int = DEFAULT_MORRIS_LEVELS
    common_seeds: bool = False
    fixed: Mapping[str, float | int] = field(default_factory=dict)
    record: Record = field(default_factory=Record)
    description: str = ""
    source: str = "<spec>"
    text: str = ""

    # ------------------------------------------------------------ derived
    @property
    def parameters(self) -> tuple[str, ...]:
        """Names of the varied parameters, in spec order."""
        return tuple(f.name for f in self.factors)

    def steps_for(self, scenario: str) -> int:
        return self.steps if self.steps is not None else scen.get(scenario).steps

    def problem(self) -> dict[str, Any]:
        """The SALib problem of a sampled design: names and bounds of the factors."""
        return {
            "num_vars": len(self.factors),
            "names": list(self.parameters),
            "bounds": [[float(f.low), float(f.high)] for f in self.factors],
        }

    def canonical(self) -> dict[str, Any]:
        """Everything that determines the results, in a stable form (hashed, stored).

        ``name``, ``description`` and the file's formatting are left out: renaming a
        spec or editing its comments must not orphan finished runs.
        """
        return {
            "scenarios": list(self.scenarios),
            "preset": self.preset,
            "branching": list(self.branching) if self.branching else None,
            "steps": self.steps,
            "replicates": self.replicates,
            "seed": self.seed,
            "design": self.design,
            "samples": self.samples,
            "second_order": self.second_order if self.design == "sobol" else None,
            "morris_levels": self.morris_levels if self.design == "morris" else None,
            "common_seeds": self.common_seeds,
            "parameters": {f.name: f.as_dict() for f in self.factors},
            "fixed": dict(self.fixed),
            "record": {
                "timeseries": self.record.timeseries,
                "every": self.record.every,
                "window": self.record.window,
            },
        }

    @property
    def hash(self) -> str:
        blob = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def warnings(self) -> list[str]:
        """Legal but probably unintended settings, one line each."""
        out = []
        for name in self.scenarios:
            for at, changes in scen.get(name).schedule:
                if at > self.steps_for(name):
                    continue
                for p in changes:
                    if p in self.parameters or p in self.fixed:
                        out.append(
                            f"{self.source}: scenario '{name}' sets {p} at month {at}, "
                            f"which replaces the swept/fixed value from then on"
                        )
        return out


# ----------------------------------------------------------------- parsing
def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a spec file; raise :class:`SpecError` on any problem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"spec file '{path}' does not exist") from None
    except IsADirectoryError:
        raise SpecError(f"spec file '{path}' is a directory, not a TOML file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError(f"spec file '{path}' cannot be read: {e}") from None
    return parse_spec(text, source=str(path), default_name=p.stem)


def parse_spec(text: str, source: str = "<spec>", default_name: str = "sweep") -> SweepSpec:
    """Parse TOML text into a validated :class:`SweepSpec`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{source}: malformed TOML: {e}") from None
    return from_dict(data, source=source, default_name=default_name, text=text)


def _fail(source: str, msg: str) -> SpecError:
    return SpecError(f"{source}: {msg}")


def _unknown(source: str, where: str, key: str, allowed: tuple[str, ...]) -> SpecError:
    close = difflib.get_close_matches(key, allowed, n=2)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return _fail(source, f"unknown key '{key}'{where}{hint}; allowed: {', '.join(allowed)}")


def _int(source: str, key: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _fail(source, f"{key} = {value!r} is invalid: allowed is an integer >= {low}")
    return value


def _bool(source: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(source, f"{key} = {value!r} is invalid: allowed is true or false")
    return value


def _value(source: str, where: str, name: str, value: Any) -> float | int:
    # Strings would pass the schema's own check ("0.5"); in a TOML spec they are a typo.
    if isinstance(value, str):
        raise _fail(
            source,
            f"{where}{name} = {value!r} is invalid: allowed is a "
            f"{SCHEMA[name].allowed()}, not a string",
        )
    try:
        return SCHEMA[name].validate(value)
    except ParamError as e:
        raise _fail(source, f"{where}{e}") from None


def _param_name(source: str, where: str, name: str) -> str:
    try:
        param_spec(name)
    except ParamError as e:
        raise _fail(source, f"{where}{e}") from None
    return name


def _grid_values(source: str, name: str, raw: Any) -> tuple[float | int, ...]:
    where = "[parameters] "
    if isinstance(raw, list):
        if not raw:
            raise _fail(source, f"{where}{name} = [] is invalid: list at least one value")
        values = [_value(source, where, name, v) for v in raw]
    elif isinstance(raw, dict):
        keys = set(raw)
        if keys == {"low", "high", "steps"}:
            low, high = _low_high(source, name, raw["low"], raw["high"], strict=False)
            n = _int(source, f"{where}{name}.steps", raw["steps"], 1)
            if n == 1:
                if low != high:
                    raise _fail(source, f"{where}{name}.steps = 1 needs low == high")
                values = [low]
            else:
                values = [low + (high - low) * i / (n - 1) for i in range(n)]
        elif keys == {"low", "high", "step"}:
            low, high = _low_high(source, name, raw["low"], raw["high"], strict=False)
            step = raw["step"]
            if isinstance(step, bool) or not isinstance(step, (int, float)) or not step > 0:
                raise _fail(
                    source, f"{where}{name}.step = {step!r} is invalid: allowed is a number > 0"
                )
            # BehaviorSpace's [start increment end]: the end is included when it falls on the grid.
            n = int(math.floor((high - low) / step + 1e-9)) + 1
            values = [low + step * i for i in range(max(n, 0))]
        else:
            raise _fail(
                source,
                f"{where}{name} = {raw!r} is invalid: a grid takes a list of values, "
                "{ low, high, steps = N } or { low, high, step = D }",
            )
        # linspace arithmetic leaves 0.30000000000000004; 12 decimals keeps values readable and exact-equal.
        values = [_value(source, where, name, round(v, 12)) for v in values]
    else:
        raise _fail(
            source,
            f"{where}{name} = {raw!r} is invalid: a grid takes a list of values "
            "or a range table; put constants in [fixed]",
        )
    seen = set()
    for v in values:
        if v in seen:
            raise _fail(source, f"{where}{name} lists the value {v} twice")
        seen.add(v)
    return tuple(values)


def _range(source: str, design: str, name: str, raw: Any) -> tuple[float | int, float | int]:
    where = "[parameters] "
    p = SCHEMA[name]
    if raw == "full":
        return p.low, p.high
    if isinstance(raw, list) and len(raw) == 2:
        low, high = raw
    elif isinstance(raw, dict) and set(raw) == {"low", "high"}:
        low, high = raw["low"], raw["high"]
    else:
        raise _fail(
            source,
            f"{where}{name} = {raw!r} is invalid: design '{design}' samples a range: "
            'give { low = A, high = B }, [A, B] or "full" (the schema\'s range)',
        )
    return _low_high(source, name, low, high, strict=True)


def _low_high(source: str, name: str, low: Any, high: Any, strict: bool) -> tuple[Any, Any]:
    """A range's two ends, validated; every form of range refuses low > high alike
    (a sampled range also needs some width: low < high)."""
    where = "[parameters] "
    low, high = _value(source, where, name, low), _value(source, where, name, high)
    if low > high:
        raise _fail(
            source,
            f"{where}{name}: low = {low} is above high = {high}: allowed is "
            f"low {'below' if strict else 'at most'} high",
        )
    if strict and low == high:
        raise _fail(
            source,
            f"{where}{name}: low = {low} equals high = {high}: a sampled range "
            "needs low below high (put a constant in [fixed])",
        )
    return low, high


def from_dict(
    data: Mapping[str, Any], source: str = "<spec>", default_name: str = "sweep", text: str = ""
) -> SweepSpec:
    """Validate a parsed spec mapping (the TOML document) into a :class:`SweepSpec`.

    In order: the top-level keys; the name and description; the scenario(s); the
    hierarchy (a preset or a branching); the sizes and seeds (steps, replicates, seed,
    common seeds); the design and its options (samples, second order, Morris levels);
    the varied parameters; the fixed parameters; what to record. Each is one function
    below, and the first problem found is raised as one :class:`SpecError` line.
    """
    for key in data:
        if key not in TOP_KEYS:
            raise _unknown(source, "", key, TOP_KEYS)
    name, description = _labels(source, data, default_name)
    scenarios = _scenarios(source, data)
    preset, branching = _hierarchy(source, data)
    steps = _int(source, "steps", data["steps"], 1) if "steps" in data else None
    replicates = _int(source, "replicates", data.get("replicates", 1), 1)
    seed = _int(source, "seed", data.get("seed", 0), 0)
    common_seeds = _bool(source, "common_seeds", data.get("common_seeds", False))
    design, samples, second_order, morris_levels = _design(source, data)
    factors = _factors(source, data, design)
    fixed = _fixed(source, data)
    shortest = steps if steps is not None else min(scen.get(s).steps for s in scenarios)
    record = _record(source, data, shortest)
    return SweepSpec(
        name=name,
        description=description,
        scenarios=scenarios,
        design=design,
        factors=factors,
        replicates=replicates,
        seed=seed,
        steps=steps,
        preset=preset,
        branching=branching,
        samples=samples,
        second_order=second_order,
        morris_levels=morris_levels,
        common_seeds=common_seeds,
        fixed=fixed,
        record=record,
        source=source,
        text=text,
    )


def _labels(source: str, data: Mapping[str, Any], default_name: str) -> tuple[str, str]:
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise _fail(source, f"name = {name!r} is invalid: allowed is a non-empty string")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _fail(source, f"description = {description!r} is invalid: allowed is a string")
    return name.strip(), description


def _scenarios(source: str, data: Mapping[str, Any]) -> tuple[str, ...]:
    raw_sc = data.get("scenario", scen.DEFAULT_SCENARIO)
    sc_list = raw_sc if isinstance(raw_sc, list) else [raw_sc]
    if not sc_list or not all(isinstance(s, str) for s in sc_list):
        raise _fail(
            source,
            f"scenario = {raw_sc!r} is invalid: allowed is a scenario name or a "
            f"list of them ({', '.join(scen.SCENARIOS)})",
        )
    for s in sc_list:
        if s not in scen.SCENARIOS:
            raise _fail(source, f"unknown scenario '{s}': allowed are {', '.join(scen.SCENARIOS)}")
    if len(set(sc_list)) != len(sc_list):
        raise _fail(source, f"scenario = {raw_sc!r} lists a scenario twice")
    return tuple(sc_list)


def _hierarchy(source: str, data: Mapping[str, Any]) -> tuple[str | None, tuple[int, ...] | None]:
    """(preset, None) or (None, branching)."""
    if "preset" in data and "branching" in data:
        raise _fail(source, "give either preset or branching, not both")
    if "branching" in data:
        b = data["branching"]
        if not isinstance(b, list) or not all(
            isinstance(x, int) and not isinstance(x, bool) for x in b
        ):
            raise _fail(
                source, f"branching = {b!r} is invalid: allowed is a list of 4 integers >= 1"
            )
        try:
            custom_spec(tuple(b))
        except CadreSimError as e:
            raise _fail(source, str(e)) from None
        return None, tuple(b)
    preset = data.get("preset", "classroom")
    if not isinstance(preset, str):
        raise _fail(source, f"preset = {preset!r} is invalid: allowed is a preset name")
    try:
        get_spec(preset)
    except CadreSimError as e:
        raise _fail(source, str(e)) from None
    return preset, None


def _design(source: str, data: Mapping[str, Any]) -> tuple[str, int | None, bool, int]:
    """(design, samples, second_order, morris_levels)."""
    design = data.get("design", "grid")
    if design not in DESIGNS:
        raise _fail(source, f"design = {design!r} is invalid: allowed are {', '.join(DESIGNS)}")
    samples: int | None = None
    if design in SAMPLED:
        if "samples" not in data:
            raise _fail(
                source, f"design '{design}' needs samples = N (at least {MIN_SAMPLES[design]})"
            )
        samples = data["samples"]
        low = MIN_SAMPLES[design]
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < low:
            raise _fail(
                source,
                f"samples = {samples!r} is too few for design '{design}': "
                f"allowed is an integer >= {low}",
            )
        if design == "sobol" and samples & (samples - 1):
            raise _fail(
                source,
                f"samples = {samples} is invalid for design 'sobol': allowed is a "
                f"power of two >= {low} (Sobol sequences balance only at 2^k)",
            )
    elif "samples" in data:
        raise _fail(
            source,
            "samples applies to designs lhs, sobol and morris; a grid's size "
            "comes from the values in [parameters]",
        )
    if "second_order" in data and design != "sobol":
        raise _fail(source, "second_order applies to design 'sobol' only")
    second_order = _bool(source, "second_order", data.get("second_order", False))
    if "morris_levels" in data and design != "morris":
        raise _fail(source, "morris_levels applies to design 'morris' only")
    morris_levels = _int(
        source, "morris_levels", data.get("morris_levels", DEFAULT_MORRIS_LEVELS), 2
    )
    if morris_levels % 2:
        raise _fail(
            source,
            f"morris_levels = {morris_levels} is invalid: allowed is an even "
            "integer >= 2 (Morris's design is symmetric only for even levels)",
        )
    return design, samples, second_order, morris_levels


def _factors(source: str, data: Mapping[str, Any], design: str) -> tuple[Factor, ...]:
    params = data.get("parameters", {})
    if not isinstance(params, dict):
        raise _fail(source, "[parameters] must be a table of parameter = values")
    factors = []
    for pname, raw in params.items():
        _param_name(source, "[parameters] ", pname)
        if design == "grid":
            factors.append(Factor(pname, values=_grid_values(source, pname, raw)))
        else:
            low, high = _range(source, design, pname, raw)
            factors.append(Factor(pname, low=low, high=high))
    if len(factors) < MIN_FACTORS[design]:
        raise _fail(
            source,
            f"design '{design}' needs at least {MIN_FACTORS[design]} varied "
            f"parameter(s) in [parameters]; got {len(factors)}",
        )
    return tuple(factors)


def _fixed(source: str, data: Mapping[str, Any]) -> dict[str, float | int]:
    fixed_raw = data.get("fixed", {})
    if not isinstance(fixed_raw, dict):
        raise _fail(source, "[fixed] must be a table of parameter = value")
    varied = data.get("parameters", {})
    fixed = {}
    for pname, raw in fixed_raw.items():
        _param_name(source, "[fixed] ", pname)
        if pname in varied:
            raise _fail(source, f"parameter '{pname}' is both varied ([parameters]) and [fixed]")
        fixed[pname] = _value(source, "[fixed] ", pname, raw)
    return fixed


def _record(source: str, data: Mapping[str, Any], shortest: int) -> Record:
    """What to record; ``shortest`` is the fewest months any run of the spec has."""
    rec_raw = data.get("record", {})
    if not isinstance(rec_raw, dict):
        raise _fail(source, "[record] must be a table (timeseries, every, window)")
    for key in rec_raw:
        if key not in RECORD_KEYS:
            raise _unknown(source, " in [record]", key, RECORD_KEYS)
    window = rec_raw.get("window", DEFAULT_WINDOW)
    if isinstance(window, bool) or not isinstance(window, (int, float)) or not 0 < window <= 1:
        raise _fail(
            source, f"record.window = {window!r} is invalid: allowed is a fraction in (0, 1]"
        )
    every = _int(source, "record.every", rec_raw.get("every", 1), 1)
    if every > shortest:
        raise _fail(
            source,
            f"record.every = {every} is invalid: allowed is an integer in "
            f"[1, {shortest}] (the shortest run has {shortest} months, so a "
            "longer interval would record nothing)",
        )
    return Record(
        timeseries=_bool(source, "record.timeseries", rec_raw.get("timeseries", False)),
        every=every,
        window=float(window),
    )
