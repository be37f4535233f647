"""The five-level hierarchy: presets, irregular branching, networkx export."""

import networkx as nx
import numpy as np
import pytest

from model.hierarchy import LEVELS, PRESETS, HierarchyError, build, custom_spec, get_spec


def _check_tree(h):
    assert h.level[0] == 0 and h.parent[0] == -1
    for u in range(1, h.n_units):
        assert h.level[h.parent[u]] == h.level[u] - 1
    # children are contiguous and consistent with parent
    for u in range(h.n_units):
        kids = h.children(u)
        assert np.all(h.parent[kids] == u)
    assert h.n_children.sum() == h.n_units - 1
    assert h.cadre_start[-1] + h.n_cadres[-1] == h.total_cadres


@pytest.mark.parametrize("preset", ["classroom", "province"])
def test_presets_build_valid_trees(preset):
    spec = PRESETS[preset]
    h = build(spec, np.random.default_rng(0))
    _check_tree(h)
    assert tuple(np.bincount(h.level)) == spec.counts
    assert h.total_cadres == spec.n_cadres


def test_classroom_is_small_enough_to_draw():
    spec = PRESETS["classroom"]
    assert 20 <= spec.n_units <= 60 and 100 <= spec.n_cadres <= 300


def test_national_real_counts_and_irregular_branching():
    spec = PRESETS["national"]
    assert spec.counts == (1, 31, 333, 2840, 38600)
    assert spec.n_units >= 42_000 - 200 and spec.n_cadres >= 1_000_000
    h = build(spec, np.random.default_rng(1))
    kids_per_county = h.n_children[h.level == 3]
    assert kids_per_county.min() >= 1
    assert kids_per_county.std() > 1.0  # not a uniform tree


def test_leaders_carry_more_and_exist_in_every_unit():
    h = build(PRESETS["classroom"], np.random.default_rng(0))
    assert np.all(h.n_leaders >= 1) and np.all(h.n_leaders < h.n_cadres)


def test_custom_branching_and_errors():
    spec = custom_spec((2, 3, 4, 5))
    assert spec.counts == (1, 2, 6, 24, 120)
    with pytest.raises(HierarchyError, match="branching"):
        custom_spec((2, 3, 0, 5))
    with pytest.raises(HierarchyError, match="unknown preset 'galaxy'"):
        get_spec("galaxy")


def test_networkx_export_has_tree_and_peer_edges():
    h = build(PRESETS["classroom"], np.random.default_rng(0))
    g = h.to_networkx()
    tree = nx.Graph([(a, b) for a, b, d in g.edges(data=True) if d["kind"] == "tree"])
    assert nx.is_tree(tree) and tree.number_of_nodes() == h.n_units
    peers = [(a, b) for a, b, d in g.edges(data=True) if d["kind"] == "peer"]
    assert peers and all(h.parent[a] == h.parent[b] for a, b in peers)
    assert {g.nodes[n]["level"] for n in g} == set(LEVELS)
