"""The model's outputs are pinned by digests (see ``tests/model/golden.py``)."""

import json

from tests.model.golden import GOLDEN, digests


def test_outputs_match_the_golden_digests():
    expected = json.loads(GOLDEN.read_text())
    now = digests()
    assert set(now) == set(expected), "the golden set of runs changed: regenerate golden.json"
    changed = [k for k in sorted(now) if now[k] != expected[k]]
    assert not changed, (
        f"outputs changed for {len(changed)} of {len(now)} runs ({', '.join(changed[:4])} ...). "
        "If the change is intended, run `python -m tests.model.golden --write` and say why "
        "in the commit message."
    )
