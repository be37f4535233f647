"""A real dashboard server and a headless Chromium, shared by the browser tests.

The server is started the way a user starts it (``cadre-sim dashboard --port N``) in
its own process group and stopped after the module. The browser is Debian's
``/usr/bin/chromium`` driven by Playwright; without it the browser tests are skipped
with a reason (CI installs it in ``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 120.0  # seconds; importing solara on a busy 2-core machine is slow
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cadre_sim_command() -> list[str]:
    script = Path(sys.executable).with_name("cadre-sim")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "model.cli"]


def _skip_without_browser() -> None:
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) "
            "to run the dashboard browser tests"
        )
    pytest.importorskip(
        "playwright.sync_api", reason="the playwright Python package is not installed"
    )


class Server:
    def __init__(self, port: int, proc: subprocess.Popen, log: Path) -> None:
        self.port = port
        self.proc = proc
        self.log = log
        self.url = f"http://127.0.0.1:{port}/"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _skip_without_browser()
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard-server") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*cadre_sim_command(), "dashboard", "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    srv = Server(port, proc, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"dashboard server exited with {proc.returncode}:\n{srv.log_text()[-2000:]}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"dashboard server did not listen within {SERVER_START_TIMEOUT:.0f} s"
                    )
                time.sleep(0.25)
        yield srv
    finally:
        # the CLI runs solara in a child process: stop the whole group we started
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def shot(tmp_path_factory: pytest.TempPathFactory):
    """``shot(page, name, doc=False)`` saves a screenshot in a temporary directory;
    with ``CADRE_SIM_DOC_SHOTS=1`` the ``doc`` ones are also copied to docs/figures."""
    shots = tmp_path_factory.mktemp("dashboard-screenshots")

    def save(page, name: str, doc: bool = False) -> Path:
        path = shots / f"{name}.png"
        page.screenshot(path=str(path))
        if doc and os.environ.get("CADRE_SIM_DOC_SHOTS") == "1":
            shutil.copy(path, ROOT / "docs" / "figures" / f"dashboard_{name}.png")
        return path

    return save
