"""The results store: atomic parts, exactly-once loading, refusal to mix specs or clobber dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments import designs
from experiments.rows import ROW_LEVELS, run_one
from experiments.spec import SpecError
from experiments.store import (
    StoreError,
    SweepStore,
    _table,
    _write_table,
    atomic_write,
    load,
    read_manifest,
    timeseries_schema,
)
from tests.experiments.conftest import TINY, serial_sweep, tiny_spec


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return serial_sweep(tiny_spec(), tmp_path_factory.mktemp("ref") / "sweep")


def test_load_is_one_tidy_frame(reference: Path) -> None:
    runs = load(reference)
    assert len(runs) == 8 * len(ROW_LEVELS)
    assert runs["run_id"].tolist() == sorted(runs["run_id"].tolist())
    assert list(runs["level"].cat.categories) == list(ROW_LEVELS)
    assert {"supervision", "tolerance", "seed", "innovate", "avoid"} <= set(runs.columns)
    ts = load(reference, "timeseries")
    assert len(ts) == 8 * 15 * len(ROW_LEVELS)
    assert {"supervision", "replicate", "step"} <= set(ts.columns)
    m = read_manifest(reference)
    assert m["status"] == "complete" and m["n_runs"] == 8
    assert (reference / "spec.toml").exists() and len(load(reference, "design")) == 4


def test_completion_order_does_not_matter(reference: Path, tmp_path: Path) -> None:
    shuffled = serial_sweep(tiny_spec(), tmp_path / "s", order=[5, 2, 7, 0, 1, 6, 3, 4])
    pd.testing.assert_frame_equal(load(shuffled), load(reference))
    pd.testing.assert_frame_equal(load(shuffled, "timeseries"), load(reference, "timeseries"))


def test_duplicates_and_orphans_are_dropped(reference: Path, tmp_path: Path) -> None:
    spec = tiny_spec()
    design = designs.build(spec)
    tasks = designs.tasks(spec, design)
    store = SweepStore.open(tmp_path / "d", spec, design)
    try:
        results = [run_one(t) for t in tasks]
        store.write(results[:5])
        store.write(results[3:])  # runs 3 and 4 stored twice
        # An orphan time series: written, then killed before its rows were.
        orphan = dict(results[0], run_id=99)
        orphan["ts"] = {**orphan["ts"], "run_id": orphan["ts"]["run_id"] + 99}
        _write_table(
            store.root / "timeseries" / "part-zz.parquet",
            _table([orphan], "ts", timeseries_schema()),
        )
        assert store.done_ids() == set(range(8))
    finally:
        store.close()
    pd.testing.assert_frame_equal(load(tmp_path / "d"), load(reference))
    pd.testing.assert_frame_equal(load(tmp_path / "d", "timeseries"), load(reference, "timeseries"))


def test_compaction_keeps_exactly_once(reference: Path, tmp_path: Path) -> None:
    spec = tiny_spec()
    design = designs.build(spec)
    store = SweepStore.open(tmp_path / "c", spec, design)
    try:
        results = [run_one(t) for t in designs.tasks(spec, design)]
        for r in results + results[:2]:
            store.write([r])
        assert len(list((store.root / "runs").glob("part-*.parquet"))) == 10
        store.finish_if_complete(8)
        assert len(list((store.root / "runs").glob("part-*.parquet"))) == 1
    finally:
        store.close()
    pd.testing.assert_frame_equal(load(tmp_path / "c"), load(reference))


def test_a_different_spec_is_refused(reference: Path) -> None:
    other = tiny_spec(TINY.replace("seed = 5", "seed = 6"), name="other")
    before = sorted(p.name for p in (reference / "runs").iterdir())
    with pytest.raises(SpecError, match="holds results of a different spec"):
        SweepStore.open(reference, other, designs.build(other))
    assert sorted(p.name for p in (reference / "runs").iterdir()) == before


def test_foreign_and_missing_directories(tmp_path: Path) -> None:
    spec = tiny_spec()
    design = designs.build(spec)
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "thesis.tex").write_text("keep me")
    with pytest.raises(StoreError, match="not empty and holds no sweep"):
        SweepStore.open(tmp_path / "foreign", spec, design)
    assert (tmp_path / "foreign" / "thesis.tex").read_text() == "keep me"
    with pytest.raises(StoreError, match="no sweep to resume"):
        SweepStore.open(tmp_path / "empty", spec, design, resume=True)
    with pytest.raises(StoreError, match="not a sweep results directory"):
        load(tmp_path / "foreign")


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    spec = tiny_spec()
    design = designs.build(spec)
    first = SweepStore.open(tmp_path / "l", spec, design)
    try:
        with pytest.raises(StoreError, match="in use by another sweep"):
            SweepStore.open(tmp_path / "l", spec, design)
    finally:
        first.close()
    SweepStore.open(tmp_path / "l", spec, design).close()


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"ok": 1}))

    def half(p: Path) -> None:
        p.write_text('{"ok": ')
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        atomic_write(path, half)
    assert json.loads(path.read_text()) == {"ok": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_parts_are_valid_parquet(reference: Path) -> None:
    for table, rows_per_run in (("runs", len(ROW_LEVELS)), ("timeseries", 15 * len(ROW_LEVELS))):
        parts = sorted((reference / table).glob("part-*.parquet"))
        assert parts, f"no {table} parts"
        ids = [i for p in parts for i in pq.read_table(p, columns=["run_id"]).column(0).to_pylist()]
        # Every run stored once per level (and month), in whole, readable files.
        assert sorted(set(ids)) == list(range(8)) and len(ids) == 8 * rows_per_run
        assert sum(pq.read_metadata(p).num_rows for p in parts) == len(ids)
