"""Golden-output digests: what the model produces, pinned.

Every scenario x 2 seeds, run for its own length on the classroom preset and on one
~10k-cadre custom tree, is reduced to a SHA-256 digest of its ``history()`` and of its
``survey()``. ``tests/model/test_golden.py`` recomputes them and compares with
``golden.json``. A commit that changes the model's outputs regenerates the file

    .venv/bin/python -m tests.model.golden --write

and says in its message why the outputs moved.

Values are rounded to 9 significant digits before hashing: the digest pins every
count and share, not the last bit of a float32 sum, which can differ between
numpy builds while every choice stays the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from model import CadreModel
from model.scenarios import SCENARIOS

GOLDEN = Path(__file__).with_name("golden.json")
SEEDS = (1, 2)
TREES: dict[str, dict] = {
    "classroom": {"preset": "classroom"},
    "custom-10k": {"branching": (5, 6, 6, 10)},  # 10,081 cadres, classroom staffing
}


def _digest(values: np.ndarray) -> str:
    x = np.asarray(values, dtype=np.float64)
    rounded = np.array([float(f"{v:.9g}") for v in x.ravel()]) if x.size else x.ravel()
    return hashlib.sha256(np.ascontiguousarray(rounded).tobytes()).hexdigest()[:16]


def digests() -> dict[str, dict[str, str | int]]:
    """Digest of history and survey for every (tree, scenario, seed)."""
    out: dict[str, dict[str, str | int]] = {}
    for tree, kw in TREES.items():
        for name, sc in SCENARIOS.items():
            for seed in SEEDS:
                m = CadreModel(scenario=name, rng=seed, agents=False, **kw).run(sc.steps)
                survey = np.array(list(m.survey().values()))
                out[f"{tree}/{name}/{seed}"] = {
                    "steps": sc.steps,
                    "history": _digest(m.history_array()),
                    "survey": _digest(survey),
                }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"rewrite {GOLDEN.name}")
    args = ap.parse_args()
    now = digests()
    if args.write:
        GOLDEN.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"wrote {GOLDEN} ({len(now)} runs)")
        return
    old = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    changed = sorted(k for k in now if old.get(k) != now[k])
    print("unchanged" if not changed else "changed: " + ", ".join(changed))


if __name__ == "__main__":
    main()
