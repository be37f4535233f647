"""Local implementing texts of the tolerance provision differ (S003-03c–e)."""

from __future__ import annotations

import numpy as np
import pytest

from model import tolerance
from model.hierarchy import LEVELS, build, custom_spec
from model.model import CadreModel
from model.params import ParamError

CITY, COUNTY, TOWNSHIP = (LEVELS.index(x) for x in ("city", "county", "township"))


def test_jurisdictions_depart_from_the_province_counties_within_their_city() -> None:
    h = build(custom_spec((4, 20, 20, 2)), np.random.default_rng(0))  # 80 cities, 1,600 counties
    z = tolerance.local_texts(h, np.random.default_rng(1))
    assert np.all(z[h.units_at(0)] == 0) and np.all(z[h.units_at(1)] == 0)
    town = h.units_at(TOWNSHIP)
    assert np.array_equal(z[town], z[h.parent[town]])  # a township works under its county's
    city, county = z[h.units_at(CITY)], z[h.units_at(COUNTY)]
    # Variances 1/2 and 1: with 80 and 1,600 draws the sample variances' standard errors
    # are about 0.08 and 0.035, so these bounds are 2.5 and 4 of them.
    assert city.var() == pytest.approx(0.5, abs=0.2)
    assert county.var() == pytest.approx(1.0, abs=0.14)
    # Half of a county's variance is its city's: the counties of a city differ by 1/2.
    own = county - z[h.parent[h.units_at(COUNTY)]]
    assert own.var() == pytest.approx(0.5, abs=0.07)
    # The province's text is the median county's: the standard error of the median is
    # about 1.25 * sqrt(0.5 / 80 + 0.5 / 1600) = 0.10, the bound 2.5 of them.
    assert np.median(county) == pytest.approx(0.0, abs=0.25)


def test_localised_moves_the_logit_and_leaves_the_ends() -> None:
    x = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    up = tolerance.localised(x, np.full(5, 1.0))
    assert up[0] == 0.0 and up[-1] == 1.0  # no text makes a provision out of nothing
    assert np.all(up[1:-1] > x[1:-1])
    assert up[2] == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert np.allclose(tolerance.localised(up, np.full(5, -1.0)), x)
    assert np.array_equal(tolerance.localised(x, np.zeros(5)), x)
    # exact at the ends for every shift, so no chance leaves [0, 1]
    shifts = np.linspace(-5.0, 5.0, 10_001)
    assert np.all(tolerance.localised(np.ones_like(shifts), shifts) == 1.0)
    assert np.all(tolerance.localised(np.zeros_like(shifts), shifts) == 0.0)


def test_the_provision_in_force_varies_by_county_around_the_provinces_text() -> None:
    m = CadreModel(preset="province", rng=3, local_text_spread=1.0)
    h, r = m.hierarchy, m.regime
    tol, clear = m.p["tolerance"], m.p["standards_clarity"]
    assert np.all(r.tolerance[h.units_at(1)] == tol)  # the province's text is the reference
    counties = h.units_at(COUNTY)
    assert r.tolerance[counties].std() > 0.1
    # one text details both: where the provision binds more, the standards are clearer
    up = r.tolerance[counties] > tol
    assert np.array_equal(up, r.stages[counties, 0, 0] > 0.4 + 0.6 * clear)
    off = CadreModel(preset="province", rng=3, local_text_spread=0.0)
    assert np.all(off.regime.tolerance == tol)


def test_the_spread_draws_from_a_stream_of_its_own(monkeypatch) -> None:
    # The model's own generator must be where it would be without any local text: drawn
    # from it, the departures would shift every later draw of the run. (Spread 0 in both,
    # so the regime, whose beliefs are drawn at construction, is the same.)
    a = CadreModel(preset="province", rng=5, local_text_spread=0.0)
    # a run given a generator seeded alike draws the same departures each time
    c, d = (
        CadreModel(preset="province", rng=np.random.default_rng(5), local_text_spread=0.0)
        for _ in range(2)
    )
    assert np.array_equal(c.local_text, d.local_text)
    monkeypatch.setattr(tolerance, "local_texts", lambda h, rng: np.zeros(h.n_units))
    b = CadreModel(preset="province", rng=5, local_text_spread=0.0)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert np.any(a.local_text != 0) and not np.any(b.local_text)


def test_a_generator_that_cannot_spawn_is_a_clear_error() -> None:
    legacy = np.random.MT19937()
    legacy._legacy_seeding(5)
    with pytest.raises(ParamError, match="rng = .* cannot spawn"):
        CadreModel(preset="classroom", rng=np.random.Generator(legacy))


def test_cases_cluster_where_the_text_is_detailed() -> None:
    """The mechanism's effect on the survey: with the same number of cases overall the
    jurisdictions with a detailed text have many of them, so more respondents know of
    "many". Paired over three seeds (province preset, 96 months, the provision of an early
    exploration of model 2.1's fit); the effect at a spread of 1 (three to ten times the "many" of a spread of
    0 in every seed tried) is far beyond the seeds' noise."""
    fitted = {"tolerance": 0.16, "standards_clarity": 0.5, "tolerance_publicity": 0.4}
    for seed in (1, 2, 3):
        shares = []
        for spread in (0.0, 1.0):
            m = CadreModel(preset="province", rng=seed, local_text_spread=spread, **fitted)
            m.run_for(96)
            shares.append(m.survey()["many"])
        assert shares[1] > 2 * shares[0] + 0.01, (seed, shares)


def test_bad_spread_is_a_clear_error() -> None:
    with pytest.raises(ParamError, match="local_text_spread.*-0.5"):
        CadreModel(preset="classroom", local_text_spread=-0.5)


def test_local_texts_follow_the_provision_down() -> None:
    """The spread travels with the provision: a township applies its county's text once
    the version that brings it has reached the township, not in the month of issue."""
    m = CadreModel(
        preset="province",
        rng=4,
        relay_delay=6.0,
        local_text_spread=0.0,
        schedule=[(1, {"local_text_spread": 1.0})],
    )
    town = m.hierarchy.units_at(TOWNSHIP)
    tol = m.p["tolerance"]
    m.run_for(2)  # issued in month 1: the centre has it, few townships can yet
    reached = m.transmission.adopted[town] == m.transmission.latest
    assert reached.mean() < 0.05
    assert np.all(m.regime.tolerance[town[~reached]] == tol)
    m.run_for(60)
    reached = m.transmission.adopted[town] == m.transmission.latest
    assert reached.mean() > 0.9
    assert np.all(m.regime.tolerance[town[reached]] != tol)
