"""Damaged sweep folders: one line that names the file, and a resume that sets unreadable
files aside (kept, never deleted) and reruns exactly the lost runs, so the finished store
equals an undamaged one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cadre_sim.cli import main
from experiments import store as store_mod
from experiments.runner import run_sweep
from experiments.store import StoreError, SweepStore, load, read_manifest
from tests.experiments.conftest import serial_sweep, tiny_spec

STORED = [0, 2, 3, 5, 6]  # a partial sweep: one part file per stored run


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return serial_sweep(tiny_spec(), tmp_path_factory.mktemp("ref") / "sweep")


@pytest.fixture(scope="module")
def partial_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return serial_sweep(tiny_spec(), tmp_path_factory.mktemp("partial") / "sweep", order=STORED)


@pytest.fixture
def partial(partial_src: Path, tmp_path: Path) -> Path:
    out = tmp_path / "sweep"
    shutil.copytree(partial_src, out)
    return out


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _empty(p: Path) -> None:
    p.write_bytes(b"")


def _corrupt(p: Path) -> None:
    data = bytearray(p.read_bytes())
    mid = len(data) // 2
    data[mid - 200 : mid + 200] = b"\xff" * 400  # the data pages, not the footer
    p.write_bytes(bytes(data))


def _part_of(out: Path, table: str, run_id: int) -> Path:
    import pyarrow.parquet as pq

    return next(
        p
        for p in sorted((out / table).glob("part-*.parquet"))
        if run_id in pq.read_table(p, columns=["run_id"]).column(0).to_pylist()
    )


def test_a_damaged_part_is_one_line_naming_it(
    partial: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    part = _part_of(partial, "runs", 3)
    _truncate(part)
    with pytest.raises(StoreError) as e:
        load(partial)
    assert str(part) in str(e.value) and "--resume" in str(e.value) and "\n" not in str(e.value)
    assert main(["analyze", str(partial)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and str(part) in err


@pytest.mark.dask
@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("runs_damage", "ts_damage"),
    [(_truncate, _empty), (_empty, _corrupt), (_corrupt, _truncate)],
    ids=["truncated+empty", "empty+corrupted", "corrupted+truncated"],
)
def test_resume_sets_damaged_parts_aside_and_reruns_exactly_their_runs(
    partial: Path, reference: Path, runs_damage, ts_damage
) -> None:
    lost_rows, lost_ts = _part_of(partial, "runs", 2), _part_of(partial, "timeseries", 5)
    runs_damage(lost_rows)
    ts_damage(lost_ts)
    kept = {p.name: p.read_bytes() for p in (lost_rows, lost_ts)}
    said: list[str] = []
    outcome = run_sweep(
        tiny_spec(), partial, workers=1, resume=True, progress=False, log=said.append
    )
    # Runs 2 and 5 lost their rows or their time series: rerun with the 3 never stored.
    assert (outcome.skipped, outcome.ran, outcome.status) == (3, 5, "complete")
    pd.testing.assert_frame_equal(load(partial), load(reference))
    pd.testing.assert_frame_equal(load(partial, "timeseries"), load(reference, "timeseries"))
    # Kept, not deleted: the same bytes, under damaged/<table>/.
    assert (partial / "damaged" / "runs" / lost_rows.name).read_bytes() == kept[lost_rows.name]
    assert (partial / "damaged" / "timeseries" / lost_ts.name).read_bytes() == kept[lost_ts.name]
    noted = read_manifest(partial)["set_aside"]
    assert [n["file"] for n in noted] == [f"runs/{lost_rows.name}", f"timeseries/{lost_ts.name}"]
    assert sum("set aside damaged" in s for s in said) == 2


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_a_missing_or_damaged_design_is_reported_then_rewritten(
    reference: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sweep"
    shutil.copytree(reference, out)
    design = out / "design.parquet"
    original = load(reference, "design")
    if damage == "missing":
        design.unlink()
    else:
        design.write_bytes(b"not parquet at all")
    with pytest.raises(StoreError, match="design.parquet' is (missing|damaged)"):
        load(out, "design")
    # The sweep is complete: a resume needs no cluster, it only repairs the design.
    outcome = run_sweep(tiny_spec(), out, resume=True, progress=False, log=lambda s: None)
    assert outcome.status == "nothing-to-do"
    pd.testing.assert_frame_equal(load(out, "design"), original)
    assert (out / "damaged" / "design.parquet").exists() == (damage == "garbage")


def test_a_reader_racing_the_final_merge_lists_the_parts_again(
    partial: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load(partial)
    real = store_mod._part_paths
    calls = {"n": 0}

    def racing(root: Path, table: str) -> list[Path]:
        calls["n"] += 1
        parts = real(root, table)
        # The first listing still names a part that compaction has just merged away.
        return [*parts, root / table / "part-merged-away.parquet"] if calls["n"] == 1 else parts

    monkeypatch.setattr(store_mod, "_part_paths", racing)
    pd.testing.assert_frame_equal(load(partial), expected)
    assert calls["n"] == 2  # listed again once


def test_sessions_of_a_killed_sweep_are_closed_on_reopening(partial: Path) -> None:
    m = json.loads((partial / "manifest.json").read_text())
    m["sessions"] = [
        {"start": "2024-01-01T00:00:00+00:00", "end": None, "status": "running", "runs": 0}
    ]
    m["status"] = "running"
    (partial / "manifest.json").write_text(json.dumps(m))
    spec = tiny_spec()
    from experiments import designs

    SweepStore.open(partial, spec, designs.build(spec), resume=True).close()
    m = read_manifest(partial)
    assert m["sessions"][0]["status"] == "killed" and "killed" in m["sessions"][0]["note"]
    assert m["status"] == "interrupted"
