"""What every figure shares: the one colour table and a pyplot-free figure.

The three actions keep their colours in every figure (``cadre-sim run``, ``compare``,
``analyze``, the findings report and the dashboard), so plots read alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from model.hierarchy import LEVELS

ACTION_COLOURS: dict[str, str] = {"innovate": "#2a9d8f", "routine": "#8d99ae", "avoid": "#e76f51"}
# Levels from the centre (dark) to the townships (light): viridis at 0, 0.225, ..., 0.9.
LEVEL_COLOURS: dict[str, str] = dict(
    zip(LEVELS, ("#440154", "#3e4a89", "#25848e", "#38b977", "#bddf26"), strict=True)
)

# Sensitivity indices: first order and total side by side, second order alone.
INDEX_COLOURS: dict[str, str] = {"S1": "#264653", "ST": "#e9c46a", "S2": ACTION_COLOURS["innovate"]}
# Cells of a factorial of remedies: none, one, several, all of them.
CELL_COLOURS: dict[str, str] = {"none": "#c33", "one": "#36c", "several": "#888", "all": "#2a2"}


def figure(width: float, height: float, layout: str | None = None) -> Any:
    """A bare matplotlib Figure: renders with Agg and touches no global pyplot state, so
    figures can be drawn headless and inside other processes (dashboard, tests, workers)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout=layout)


def mark_schedule(ax: Any, schedule: Iterable[tuple[int, Mapping[str, Any]]], steps: int) -> None:
    """A dotted vertical line at every regime change within the plotted months."""
    for at, _ in schedule:
        if at <= steps:
            ax.axvline(at, color="black", lw=0.8, ls=":", alpha=0.7)
