"""Designs and seeds: sizes, bounds, integer mapping, and seeds that depend only on the run id."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import batch, designs
from experiments.spec import parse_spec

LEVERS = """
[parameters]
supervision = [0.0005, 0.008]
one_veto_targets = [0, 20]
tolerance = "full"
"""


def test_seed_is_the_spawned_child_of_the_base_seed() -> None:
    children = np.random.SeedSequence(42).spawn(50)
    for i in (0, 7, 49):
        expected = int(children[i].generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
        assert batch.derive_seed(42, i) == expected
    seeds = [batch.derive_seed(42, i) for i in range(1000)]
    assert len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)
    assert batch.derive_seed(43, 0) != batch.derive_seed(42, 0)


def test_run_ids_and_seeds() -> None:
    spec = parse_spec("replicates = 3\nseed = 9\n[parameters]\nsupervision = [0.001, 0.005]\n")
    tasks = designs.tasks(spec, designs.build(spec))
    assert [(t.run_id, t.point, t.replicate) for t in tasks] == [
        (0, 0, 0),
        (1, 0, 1),
        (2, 0, 2),
        (3, 1, 0),
        (4, 1, 1),
        (5, 1, 2),
    ]
    assert [t.seed for t in tasks] == [batch.derive_seed(9, i) for i in range(6)]

    crn = parse_spec(
        "replicates = 3\nseed = 9\ncommon_seeds = true\n[parameters]\nsupervision = [0.001, 0.005]\n"
    )
    t2 = designs.tasks(crn, designs.build(crn))
    # Common random numbers: replicate r has the same seed at every point.
    assert [t.seed for t in t2[:3]] == [t.seed for t in t2[3:]]


@pytest.mark.parametrize(
    "design,samples,expected",
    [
        ("lhs", 20, 20),
        ("sobol", 16, 16 * (3 + 2)),
        ("morris", 5, 5 * (3 + 1)),
    ],
)
def test_sampled_design_sizes_and_bounds(design: str, samples: int, expected: int) -> None:
    spec = parse_spec(f"design = '{design}'\nsamples = {samples}\nseed = 3\n" + LEVERS)
    d = designs.build(spec)
    assert len(d) == expected
    assert d["supervision"].between(0.0005, 0.008).all()
    assert d["tolerance"].between(0.0, 1.0).all()
    assert d["one_veto_targets"].dtype == np.int64
    assert d["one_veto_targets"].between(0, 20).all()
    # The sampler's own values are kept for the estimators (Morris needs them unrounded).
    assert {"raw_supervision", "raw_one_veto_targets", "raw_tolerance"} <= set(d.columns)
    assert designs.build(spec).equals(d)  # seeded: the same spec gives the same design


def test_sobol_second_order_size() -> None:
    spec = parse_spec("design = 'sobol'\nsamples = 8\nsecond_order = true\n" + LEVERS)
    assert len(designs.build(spec)) == 8 * (2 * 3 + 2)


def test_integer_parameters_get_equal_shares_of_the_range() -> None:
    x = np.linspace(0, 4, 100001)
    k = designs._int_values(x, 0, 4)
    counts = np.bincount(k)
    # Rounding would give the end values half the share of the inner ones.
    assert len(counts) == 5
    assert counts.min() / counts.max() > 0.99
