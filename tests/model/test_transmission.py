"""A change of regime is issued at the centre and relayed down, level by level."""

import numpy as np
import pytest

from model import CadreModel
from model.hierarchy import PRESETS, build
from model.params import DEFAULTS
from model.transmission import Transmission


def _tree(preset="province", seed=0):
    return build(PRESETS[preset], np.random.default_rng(seed))


def _adoption_months(h, relay_delay, nb=2.0, change=None, seed=1, months=400):
    """Month each unit adopted a change issued at month 1."""
    tr = Transmission(DEFAULTS, h)
    rng = np.random.default_rng(seed)
    tr.issue({**DEFAULTS, **(change or {"supervision": 0.01})}, 1)
    for t in range(1, months):
        tr.relay(relay_delay, nb, t, rng)
        if np.all(tr.adopted == tr.latest):
            break
    assert np.all(tr.adopted == tr.latest)
    return tr.adopted_at


def test_a_change_reaches_each_level_after_its_superior():
    h = _tree()
    at = _adoption_months(h, relay_delay=6.0)
    assert np.all(at[h.level == 0] == 1)
    below = h.parent >= 0
    assert np.all(at[below] > at[h.parent[below]])  # never before (nor with) its superior
    mean_by_level = [at[h.level == lv].mean() - 1 for lv in range(5)]
    # each level waits a geometric delay of mean relay_delay months after its superior
    # (1,300 townships: the mean is within a few standard errors of 24)
    assert mean_by_level[4] == pytest.approx(4 * 6.0, rel=0.15)
    assert np.all(np.diff(mean_by_level) > 0)


def test_relay_delay_zero_switches_the_mechanism_off():
    h = _tree()
    at = _adoption_months(h, relay_delay=0.0)
    assert np.all(at == 1)


def test_a_loosening_is_relayed_more_slowly_than_a_tightening():
    h = _tree()
    tight = _adoption_months(h, 4.0, nb=2.0, change={"supervision": 0.01})
    loose = _adoption_months(h, 4.0, nb=2.0, change={"supervision": 0.0005})
    town = h.level == 4
    assert loose[town].mean() > 1.6 * tight[town].mean()
    symmetric = _adoption_months(h, 4.0, nb=1.0, change={"supervision": 0.0005})
    assert symmetric[town].mean() == pytest.approx(tight[town].mean(), rel=0.1)


def test_untransmitted_parameters_do_not_make_a_new_version():
    tr = Transmission(DEFAULTS, _tree("classroom"))
    assert not tr.issue({**DEFAULTS, "learning_rate": 0.5, "public_tolerance": 0.9}, 3)
    assert tr.issue({**DEFAULTS, "one_veto_targets": 9}, 3) and tr.latest == 1


def test_the_regime_in_force_differs_by_unit_while_a_change_travels():
    m = CadreModel(
        "flexible_experimentation",
        rng=2,
        agents=False,
        relay_delay=6.0,
        schedule=[(2, {"supervision": 0.01, "supervision_channels": 4})],
    )
    m.run(3)
    h = m.hierarchy
    sup = m.transmission.value("supervision")
    assert sup[h.level == 0] == pytest.approx(0.01)
    assert np.all(sup[h.level == 4] < 0.01)  # the townships have not adopted yet
    # ... but the centre's channels already watch them
    before = CadreModel("flexible_experimentation", rng=2, agents=False).run(3).regime.detect
    assert np.all(m.regime.detect[h.level == 4] > before[h.level == 4])
    m.run(120)
    assert np.all(m.transmission.value("supervision") == pytest.approx(0.01))


def _half_rise_lags(switches: dict, seeds=(1, 2)) -> np.ndarray:
    """Months after the month-40 tightening until each level's avoidance (mean of the
    seeds, 3-month moving average) covers half its rise (experiments.findings rule)."""
    from experiments.findings import half_lags
    from model.hierarchy import LEVELS
    from model.metrics import VALUE_COLUMNS

    col = VALUE_COLUMNS.index("avoid")
    runs = [
        CadreModel("tightening_then_loosening", preset="province", rng=s, agents=False, **switches)
        .run(120)
        .history_array()[:, : len(LEVELS), col]
        for s in seeds
    ]
    return half_lags(np.mean(runs, axis=0), 40, 120, rising=True)


def test_with_every_spreading_mechanism_off_the_model_responds_within_two_months():
    off = {"relay_delay": 0.0, "perfect_information": 1, "negativity_bias": 1.0}
    lags = _half_rise_lags(off)
    assert np.all(np.isfinite(lags)) and np.all(lags <= 2), lags


def test_the_relay_alone_spreads_the_tightening_level_by_level():
    relay_only = {"perfect_information": 1, "negativity_bias": 1.0}
    lags = _half_rise_lags(relay_only)
    assert lags[4] >= 12 and np.all(np.diff(lags[1:]) >= 0), lags
