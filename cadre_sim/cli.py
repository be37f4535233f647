"""Entry point of ``cadre-sim``: the parser assembled from the command modules.

``run``, ``params`` and ``scenarios`` are in :mod:`cadre_sim.model_commands`;
``compare``, ``sweep``, ``analyze``, ``reproduce`` and ``calibrate`` in
:mod:`cadre_sim.batch_commands`. Optional packages add subcommands by exposing
``register(subparsers)`` in a module named in :data:`PLUGINS` (the dashboard); a plug-in
that cannot be imported is left out, so the rest of the CLI still works.

Every bad input ends the same way: one line ``error: ...`` on stderr naming the
parameter, the value and what is allowed, and exit status 2; Ctrl-C ends with one line
and exit status 130. Bugs still raise.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cadre_sim import batch_commands, model_commands
from cadre_sim.args import Parser
from model.errors import CadreSimError

PLUGINS = ("dashboards.cli",)
EXIT_INTERRUPTED = batch_commands.EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="cadre-sim",
        description="Agent-based model of local cadres under accountability pressure: "
        "innovate, comply or avoid blame.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    model_commands.register(sub)
    batch_commands.register(sub)
    for name in PLUGINS:
        try:
            plugin = importlib.import_module(name)
        except ImportError:
            continue  # optional package (or its dependencies) not installed
        plugin.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``cadre-sim``; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help (0) or a usage error already reported (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    try:
        return int(args.func(args))
    except CadreSimError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        what = getattr(args, "interrupted", "stopped")
        print(f"interrupted: {args.command} stopped; {what}", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
