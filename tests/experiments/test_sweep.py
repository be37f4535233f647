"""Executed sweeps: identical tables with 1 and 2 local workers, and the CLI's errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cadre_sim.cli import main
from experiments.runner import SweepError, run_sweep
from experiments.store import load, read_manifest
from tests.experiments.conftest import TINY, free_port, serial_sweep, tiny_spec


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return serial_sweep(tiny_spec(), tmp_path_factory.mktemp("ref") / "sweep")


@pytest.mark.dask
@pytest.mark.timeout(300)  # starts processes: never hang CI
@pytest.mark.parametrize("workers", [1, 2])
def test_same_tables_with_1_and_2_workers(
    workers: int, reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"w{workers}"
    outcome = run_sweep(tiny_spec(), out, workers=workers, progress=True, log=lambda s: None)
    # The progress bar shows the count, the rate and the time left.
    bar = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "8/8" in bar and ("run/s" in bar or "s/run" in bar), bar
    assert "<" in bar, bar  # tqdm's [elapsed<remaining, rate]
    assert (outcome.ran, outcome.total, outcome.status, outcome.workers) == (
        8,
        8,
        "complete",
        workers,
    )
    pd.testing.assert_frame_equal(load(out), load(reference))
    pd.testing.assert_frame_equal(load(out, "timeseries"), load(reference, "timeseries"))
    m = read_manifest(out)
    assert m["status"] == "complete"
    (session,) = m["sessions"]
    assert session["executor"] == {"scheduler": "local", "workers": workers}
    assert session["code_version"] and len(session["source_hash"]) == 64
    assert {"host", "platform", "python", "cpus"} <= set(session["machine"])
    assert session["start"] <= session["end"]
    # Rerunning the same spec into the same directory has nothing left to do.
    again = run_sweep(tiny_spec(), out, workers=workers, progress=False, log=lambda s: None)
    assert (again.ran, again.skipped, again.status) == (0, 8, "nothing-to-do")
    pd.testing.assert_frame_equal(load(out), load(reference))


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


def test_unreachable_scheduler_is_one_line_and_loses_nothing(tmp_path: Path, capsys) -> None:
    partial = serial_sweep(tiny_spec(), tmp_path / "partial", order=[0, 3, 5])
    before = _files(partial)
    spec = tmp_spec(tmp_path)
    addr = f"tcp://127.0.0.1:{free_port()}"
    code = main(
        [
            "sweep",
            str(spec),
            "--out",
            str(partial),
            "--scheduler",
            addr,
            "--timeout",
            "1",
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("error: --scheduler " + addr) and "cannot reach" in err[-1]
    assert _files(partial) == before
    assert sorted(load(partial)["run_id"].unique()) == [0, 3, 5]


def test_unreachable_scheduler_raises_sweep_error(tmp_path: Path) -> None:
    with pytest.raises(SweepError, match="cannot reach a Dask scheduler"):
        run_sweep(
            tiny_spec(),
            tmp_path / "s",
            scheduler=f"tcp://127.0.0.1:{free_port()}",
            connect_timeout=1,
            progress=False,
            log=lambda s: None,
        )


def tmp_spec(where: Path, text: str = TINY, name: str = "tiny.toml") -> Path:
    path = where / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text,needle",
    [
        ("[parameters]\nsupervison = [0.1]\n", "unknown parameter 'supervison'"),
        ("[parameters]\nsupervision = [1.5]\n", "'supervision' = 1.5 is invalid"),
        ("[parameters\n", "malformed TOML"),
        (
            "design = 'sobol'\nsamples = 2\n[parameters]\nsupervision = [0, 0.01]\ntolerance = [0, 1]\n",
            "too few for design 'sobol'",
        ),
    ],
)
def test_cli_bad_spec(text: str, needle: str, tmp_path: Path, capsys) -> None:
    spec = tmp_spec(tmp_path, text, "bad.toml")
    code = main(["sweep", str(spec), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and needle in err
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_different_spec_in_a_sweep_dir(
    reference: Path, tmp_path: Path, capsys
) -> None:
    spec = tmp_spec(tmp_path, TINY.replace("steps = 15", "steps = 16"))
    code = main(["sweep", str(spec), "--out", str(reference)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "holds results of a different spec" in err


def test_cli_dry_run_and_usage_errors(tmp_path: Path, capsys) -> None:
    spec = tmp_spec(tmp_path)
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--dry-run"]) == 0
    assert "4 points x 2 replicates = 8 runs" in capsys.readouterr().out
    assert not (tmp_path / "o").exists()
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert (
        main(
            [
                "sweep",
                str(spec),
                "--out",
                str(tmp_path / "x"),
                "--workers",
                "2",
                "--scheduler",
                "tcp://h:1",
            ]
        )
        == 2
    )
    assert "not allowed with argument" in capsys.readouterr().err
    assert main(["sweep", "--out", str(tmp_path / "nothing")]) == 2
    assert "SPEC is missing" in capsys.readouterr().err
    assert main(["analyze", str(tmp_path)]) == 2
    assert "not a sweep results directory" in capsys.readouterr().err


@pytest.mark.parametrize("workers", [0, -1, 1.5, True], ids=repr)
def test_run_sweep_refuses_bad_worker_counts(workers: object, tmp_path: Path) -> None:
    # 0 used to mean "every core" silently, -1 failed with a misleading message.
    with pytest.raises(SweepError, match=r"workers = .* is invalid: allowed is an integer >= 1"):
        run_sweep(tiny_spec(), tmp_path / "s", workers=workers, progress=False, log=lambda s: None)
    assert not (tmp_path / "s").exists()
