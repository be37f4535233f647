"""Every bad input of the issue gives one line and a non-zero exit, checked before anything
is computed or created: sizes that cannot fit, read-only folders, Ctrl-C, negative seeds,
malformed scheduler addresses, empty paths, infinite timeouts, a bad CADRE_SIM_THREADS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cadre_sim.cli import main
from experiments import files, limits
from tests.experiments.conftest import TINY, free_port

SPEC = TINY


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.toml"
    p.write_text(SPEC)
    return p


@pytest.fixture
def no_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any model is built: the refusal must come before computing."""
    from experiments import batch
    from model.model import CadreModel

    def computed(*a: object, **k: object) -> None:
        raise AssertionError("a model was run before the input was checked")

    monkeypatch.setattr(batch, "simulate", computed)
    monkeypatch.setattr(CadreModel, "__init__", computed)


def one_line(capsys: pytest.CaptureFixture[str], code: int, expected: int = 2) -> str:
    err = capsys.readouterr().err
    assert code == expected, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines and lines[-1].startswith(("error: ", "interrupted")), err
    assert "Traceback" not in err
    # a sweep says what it is about to run (one line) before it connects; nothing else
    assert len([ln for ln in lines if ln.startswith(("error", "interrupted"))]) == 1, err
    return lines[-1]


# ------------------------------------------------------------------ limits
@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--steps", "1000000000"],
        ["run", "--branching", "1000,1000,1000,1000"],
        ["compare", "--replicates", "100000000"],
    ],
    ids=" ".join,
)
def test_what_cannot_fit_is_refused_before_the_folder_exists(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], no_runs: None
) -> None:
    out = tmp_path / "out"
    line = one_line(capsys, main([*argv, "--out", str(out)]))
    assert "fit" in line and "--force" in line and "memory" in line
    assert not out.exists()


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("extra", "knob"),
    [
        ("replicates = 1000000000\n", "replicates <="),
        ("design = 'sobol'\nsamples = 16777216\n", "samples <="),
    ],
)
def test_sweeps_too_large_are_refused_at_once(
    extra: str, knob: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = extra + (
        "[parameters]\nsupervision = [0.001, 0.009]\ntolerance = [0.2, 0.8]\n"
        if "sobol" in extra
        else "[parameters]\nsupervision = [0.001, 0.009]\n"
    )
    path = tmp_path / "big.toml"
    path.write_text(text)
    for dry in ([], ["--dry-run"]):
        t0 = time.monotonic()
        line = one_line(capsys, main(["sweep", str(path), "--out", str(tmp_path / "o"), *dry]))
        assert knob in line and "--force" in line
        assert time.monotonic() - t0 < 10  # counted, not sampled
    assert not (tmp_path / "o").exists()


def test_force_runs_what_the_estimate_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, spec: Path
) -> None:
    monkeypatch.setattr(limits, "MAX_HOURS", 1e-12)  # any run is "too long" now
    argv = ["run", "--steps", "2", "--out", str(tmp_path / "r")]
    assert "limit" in one_line(capsys, main(argv))
    assert main([*argv, "--force"]) == 0 and (tmp_path / "r" / "summary.json").exists()
    dry = ["sweep", str(spec), "--out", str(tmp_path / "s"), "--dry-run"]
    one_line(capsys, main(dry))
    assert main([*dry, "--force"]) == 0


# ---------------------------------------------------- folders and paths
@pytest.fixture
def read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder this process cannot write to (for root, which ignores modes: as on a
    read-only file system)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    if os.access(ro, os.W_OK):
        real = files.writable
        monkeypatch.setattr(
            files, "writable", lambda p: Path(p).resolve() != ro.resolve() and real(p)
        )
    yield ro
    ro.chmod(0o755)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--steps", "3", "--out", "{ro}"],
        ["run", "--steps", "3", "--out", "{ro}/new"],
        ["compare", "--steps", "3", "--out", "{ro}"],
        ["sweep", "{spec}", "--out", "{ro}/sweep"],
        ["reproduce", "--quick", "--out", "{ro}"],
        ["calibrate", "--quick", "--out", "{ro}"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_read_only_folder_is_refused_before_computing(
    argv: list[str], read_only: Path, spec: Path, capsys: pytest.CaptureFixture[str], no_runs: None
) -> None:
    line = one_line(capsys, main([a.format(ro=read_only, spec=spec) for a in argv]))
    assert "not writable" in line and str(read_only) in line


def test_analyze_into_a_read_only_folder_and_of_a_file(
    read_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.experiments.conftest import serial_sweep, tiny_spec

    sweep = serial_sweep(tiny_spec(), tmp_path / "sweep")
    assert "not writable" in one_line(
        capsys, main(["analyze", str(sweep), "--out", str(read_only)])
    )
    f = tmp_path / "file.txt"
    f.write_text("x")
    assert "is a file, not a sweep results directory" in one_line(capsys, main(["analyze", str(f)]))


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--out", ""],
        ["compare", "--out", ""],
        ["sweep", "{spec}", "--out", ""],
        ["reproduce", "--out", ""],
        ["calibrate", "--out", ""],
        ["analyze", "{tmp}", "--out", ""],
        ["sweep", "{spec}", "--out", "{tmp}/o", "--scheduler", ""],
        ["reproduce", "--out", "{tmp}/o", "--scheduler", ""],
        ["sweep", "{spec}", "--out", "{tmp}/o", "--scheduler", "tcp://h:1", "--timeout", "inf"],
        ["sweep", "{spec}", "--out", "{tmp}/o", "--scheduler", "tcp://h:1", "--timeout", "nan"],
        ["reproduce", "--out", "{tmp}/o", "--seed", "-1"],
        ["calibrate", "--seed", "-1"],
        ["compare", "--out", "{tmp}/o", "--seed", "-1"],
    ],
    ids=lambda a: " ".join(x or "''" for x in a),
)
def test_empty_paths_infinite_timeouts_and_negative_seeds(
    argv: list[str], spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_runs: None
) -> None:
    before = sorted(os.listdir(tmp_path))
    one_line(capsys, main([a.format(spec=spec, tmp=tmp_path) for a in argv]))
    assert sorted(os.listdir(tmp_path)) == before


def test_negative_seeds_in_the_python_api(tmp_path: Path) -> None:
    from experiments.batch import BatchError
    from experiments.calibrate import calibrate
    from experiments.reproduce import reproduce

    with pytest.raises(BatchError, match="seed = -1 is invalid"):
        reproduce(tmp_path / "r", quick=True, seed=-1, workers=1)
    with pytest.raises(BatchError, match="seed = -1 is invalid"):
        calibrate(seed=-1)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "address", ["foo", "tcp://127.0.0.1:notaport", "http://x:1", "tcp://:8786", "tcp://h:0"]
)
@pytest.mark.parametrize("command", ["sweep", "reproduce", "calibrate"])
def test_malformed_scheduler_addresses(
    address: str, command: str, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = {
        "sweep": ["sweep", str(spec), "--out", str(tmp_path / "o")],
        "reproduce": ["reproduce", "--out", str(tmp_path / "o")],
        "calibrate": ["calibrate"],
    }[command]
    line = one_line(capsys, main([*argv, "--scheduler", address]))
    assert "--scheduler" in line and "Dask scheduler address" in line
    assert not (tmp_path / "o").exists()


def _serve(reply: bytes | None) -> tuple[int, threading.Event]:
    """A TCP server that is not a Dask scheduler: it answers ``reply`` or stays silent."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    stop = threading.Event()
    held = []

    def loop() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                c, _ = srv.accept()
            except TimeoutError:
                continue
            if reply is None:
                held.append(c)
            else:
                c.sendall(reply)
                c.close()
        srv.close()
        for c in held:
            c.close()

    threading.Thread(target=loop, daemon=True).start()
    return srv.getsockname()[1], stop


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "reply", [b"HTTP/1.0 400 Bad Request\r\n\r\n", None], ids=["http", "silent"]
)
def test_a_server_that_is_not_a_scheduler_is_one_line_and_bounded(
    reply: bytes | None, spec: Path, tmp_path: Path
) -> None:
    # A real process: a half-made dask Client used to print a Client.__del__ traceback at
    # exit, and a silent server held the command for as long as it kept the connection.
    port, stop = _serve(reply)
    script = Path(sys.executable).with_name("cadre-sim")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "cadre_sim"]
    try:
        t0 = time.monotonic()
        r = subprocess.run(
            [
                *cmd,
                "sweep",
                str(spec),
                "--out",
                str(tmp_path / "o"),
                "--scheduler",
                f"tcp://127.0.0.1:{port}",
                "--timeout",
                "2",
                "--no-progress",
            ],
            capture_output=True,
            text=True,
            timeout=90,
        )
        elapsed = time.monotonic() - t0
    finally:
        stop.set()
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and "did not answer as a Dask scheduler" in errors[0], r.stderr
    assert elapsed < 30
    assert not (tmp_path / "o").exists()  # no folder claimed before the scheduler answered


def test_an_unreachable_scheduler_claims_no_folder(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new"
    line = one_line(
        capsys,
        main(
            [
                "sweep",
                str(spec),
                "--out",
                str(out),
                "--scheduler",
                f"tcp://127.0.0.1:{free_port()}",
                "--timeout",
                "1",
            ]
        ),
    )
    assert "cannot reach a Dask scheduler" in line
    assert not out.exists()


# ------------------------------------------------------------ environment
@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--steps", "2", "--out", "{tmp}/o"],
        ["compare", "--steps", "2", "--out", "{tmp}/o"],
        ["sweep", "{spec}", "--out", "{tmp}/o"],
        ["reproduce", "--quick", "--out", "{tmp}/o"],
    ],
    ids=lambda a: a[0],
)
def test_a_bad_thread_count_is_refused_before_the_folder(
    argv: list[str],
    spec: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    no_runs: None,
) -> None:
    monkeypatch.setenv("CADRE_SIM_THREADS", "zero")
    line = one_line(capsys, main([a.format(tmp=tmp_path, spec=spec) for a in argv]))
    assert "CADRE_SIM_THREADS" in line
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------ Ctrl-C
@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--steps", "5"],
        ["compare", "--steps", "3"],
        ["reproduce", "--quick", "--workers", "1"],
        ["calibrate", "--quick", "--workers", "1"],
    ],
    ids=lambda a: a[0],
)
def test_ctrl_c_is_one_line_and_leaves_no_folder(
    argv: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from model.model import CadreModel

    def interrupted(self: object, steps: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(CadreModel, "run", interrupted)
    line = one_line(capsys, main([*argv, "--out", str(tmp_path / "o")]), expected=130)
    assert line == f"interrupted: {argv[0]} stopped; nothing was written"
    assert not (tmp_path / "o").exists()
