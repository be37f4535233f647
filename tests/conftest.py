"""Shared test set-up, kept minimal: fixtures live next to the tests that use them."""

import os

# Tests run headless (CI, subprocesses): any pyplot use must not look for a display.
os.environ.setdefault("MPLBACKEND", "Agg")
