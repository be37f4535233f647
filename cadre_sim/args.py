"""Argument parsing shared by every command: one-line usage errors and the converters.

Every bad argument ends the same way: one line ``error: ...`` on stderr naming the
option, the value and what is allowed, and exit status 2.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from model.errors import CadreSimError
from model.hierarchy import get_spec


class Parser(argparse.ArgumentParser):
    """Reports usage errors as one ``error: ...`` line (no usage dump), exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def converter(fn: Callable[[str], Any], name: str) -> Callable[[str], Any]:
    """Wrap a validator as an argparse ``type`` keeping its one-line message.

    argparse replaces the message of a plain ValueError (and CadreSimError is one) with
    "invalid <type> value"; only ArgumentTypeError keeps ours.
    """

    def convert(text: str) -> Any:
        try:
            return fn(text)
        except CadreSimError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    convert.__name__ = name
    return convert


def int_at_least(low: int) -> Callable[[str], int]:
    """The integer-argument parser of every command: an integer >= ``low``."""

    def convert(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(f"{text!r} is invalid: allowed is an integer >= {low}")
        return value

    convert.__name__ = f"integer >= {low}"
    return convert


def seconds(text: str) -> float:
    """A finite number of seconds > 0 (``inf`` and ``nan`` are not waiting times)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(
            f"{text!r} is invalid: allowed is a finite number of seconds > 0"
        )
    return value


def directory(text: str) -> str:
    """A directory path; the empty path (the current directory, by accident) is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is invalid: allowed is a directory path (an "
            "empty path would write into the current directory)"
        )
    return text


def _scheduler(text: str) -> str:
    from experiments.batch import check_address

    return check_address(text, option="")


POSITIVE = int_at_least(1)
NON_NEGATIVE = int_at_least(0)
SCHEDULER = converter(_scheduler, "scheduler address")


def _preset(text: str) -> str:
    get_spec(text)
    return text


PRESET = converter(_preset, "preset")


def pct(x: float) -> str:
    """A share as the command tables print it: 5 wide, one decimal, a percent sign."""
    return f"{100 * x:5.1f}%"


def add_force(parser: argparse.ArgumentParser) -> None:
    """``--force``: a deliberate large request overrides the limits' refusal."""
    parser.add_argument(
        "--force",
        action="store_true",
        help="run even when the memory / time estimate says it will not fit",
    )


def add_executor(parser: argparse.ArgumentParser, what: str) -> None:
    """``--workers N`` | ``--scheduler ADDR`` and ``--timeout`` for a command that runs models."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=POSITIVE,
        default=None,
        metavar="N",
        help=f"local worker processes for the {what} (default: one per core)",
    )
    where.add_argument(
        "--scheduler",
        type=SCHEDULER,
        default=None,
        metavar="ADDR",
        help="address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=10.0,
        metavar="SECONDS",
        help="how long to try reaching --scheduler (default %(default)s)",
    )
