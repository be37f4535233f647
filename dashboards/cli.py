"""``cadre-sim dashboard``: start the Solara server for the dashboard.

Imported by :mod:`model.cli` when the CLI starts; it does not import solara itself (the
server runs in a child process), so ``cadre-sim`` stays quick for every other command.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

from model.errors import CadreSimError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP_MODULE = "dashboards.serve.app"  # see dashboards/serve/__init__.py
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _port(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is invalid: allowed is an integer in [1, 65535]"
        )
    return value


def server_command(host: str, port: int) -> list[str]:
    """The solara command line that serves the dashboard."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-check-version",
        "--no-open",
    ]


def server_env(lang: str | None = None, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for an offline server.

    The front-end assets come from the local copy installed by ``solara-assets`` (the
    asset proxy serves them from its cache); telemetry is off so the server never tries
    to reach the internet; the loading screen is the dashboard's own (bilingual).
    """
    env = dict(os.environ if base is None else base)
    env["SOLARA_ASSETS_PROXY"] = "True"
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    # The page's own loading screen (dashboards/templates/loader-cadre.html), no Solara
    # badge over the bottom-right corner, and the page's title before the app loads.
    if (Path(__file__).resolve().parent / "templates" / "loader-cadre.html").exists():
        env["SOLARA_THEME_LOADER"] = (
            "cadre"  # (an installation without the template keeps solara's)
        )
    env["SOLARA_THEME_SHOW_BANNER"] = "False"
    env["SOLARA_THEME_TITLE"] = "问责压力下的基层干部 · Cadres under accountability pressure"
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    if lang is not None:
        env["CADRE_SIM_LANG"] = lang
    return env


def check_address(host: str, port: int) -> None:
    """A one-line error when the dashboard could not listen on ``host:port``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise CadreSimError(
            f"--host = {host!r} is invalid: not an address of this machine"
        ) from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        if os.name != "nt":
            # as the server does: a port left in TIME_WAIT by a stopped server is free
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            if e.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise CadreSimError(
                    f"--port = {port} is invalid: {host}:{port} is already in use; "
                    "choose another with --port"
                ) from None
            raise CadreSimError(
                f"--host = {host!r} is invalid: cannot listen there ({e.strerror})"
            ) from None


def _dashboard(args: argparse.Namespace) -> int:
    check_address(args.host, args.port)
    if args.host not in LOCAL_HOSTS:
        print(
            f"warning: --host {args.host} makes the dashboard reachable from other machines",
            file=sys.stderr,
        )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"dashboard: open http://{shown}:{args.port}/ in a browser (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(server_command(args.host, args.port), env=server_env(args.lang))
    except KeyboardInterrupt:
        return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``cadre-sim dashboard`` to the CLI."""
    p = subparsers.add_parser(
        "dashboard",
        help="start the interactive dashboard, lessons and 'play as a cadre' (offline)",
        description="Serve the dashboard with Solara. It needs no internet connection; it is "
        "bound to 127.0.0.1 unless --host says otherwise.",
    )
    p.add_argument(
        "--host", default=DEFAULT_HOST, help="address to listen on (default %(default)s)"
    )
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help="port (default %(default)s)")
    p.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="language the page opens in (default en; switchable on the page)",
    )
    p.set_defaults(func=_dashboard)
