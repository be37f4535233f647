"""Checks that a PNG figure shows data, not only axes: a blank figure must fail them.

Axes, ticks, titles and their anti-aliasing are black, white and greys; every plotted
series of this project is coloured. So a figure shows data when enough of its pixels are
chromatic (their red, green and blue differ) and they come in several distinct colours.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

CHROMA = 0.15  # max(r, g, b) - min(r, g, b) above this: a coloured pixel


def pixels(png: bytes | Path | str) -> np.ndarray:
    """(height, width, 3) RGB values in [0, 1] of a PNG file or its bytes."""
    from matplotlib import image

    data = png if isinstance(png, bytes) else Path(png).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    rgb = image.imread(io.BytesIO(data), format="png")[..., :3]
    return rgb.astype(float)


def chromatic(png: bytes | Path | str) -> tuple[float, int]:
    """Share of coloured pixels and the number of distinct colours among them (to 1/16)."""
    rgb = pixels(png)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    coloured = rgb[spread > CHROMA]
    distinct = (
        len(np.unique(np.round(coloured * 15).astype(np.int8), axis=0)) if len(coloured) else 0
    )
    return len(coloured) / (rgb.shape[0] * rgb.shape[1]), distinct


def assert_drawn(png: bytes | Path | str, min_share: float = 0.003, min_colours: int = 3) -> None:
    """Fail unless the figure has at least ``min_share`` coloured pixels in at least
    ``min_colours`` distinct colours (a figure with axes and text only has none)."""
    share, distinct = chromatic(png)
    assert share >= min_share and distinct >= min_colours, (
        f"{png if not isinstance(png, bytes) else 'figure'} looks blank: {share:.2%} coloured "
        f"pixels in {distinct} colours (need {min_share:.1%} in {min_colours})"
    )
