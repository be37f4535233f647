"""A PNG is a drawn figure, not just a valid file: checks shared by the PNG tests."""

from __future__ import annotations

import io

import numpy as np

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIN_COLOURED = 0.002  # share of pixels in colour (not white, grey or black)
MIN_HUES = 2  # distinct hue buckets among them


def coloured_pixels(png: bytes) -> tuple[float, int]:
    """(share of coloured pixels, number of 30-degree hue buckets they fall in).

    Text, axes, frames and grid lines are black or grey, so a figure whose data was not
    drawn (an empty axis with only its title and ticks) has next to no coloured pixels."""
    from matplotlib import colors, image

    rgba = image.imread(io.BytesIO(png), format="png")
    rgb = rgba[..., :3].reshape(-1, 3).astype(float)
    chroma = rgb.max(axis=1) - rgb.min(axis=1)
    coloured = rgb[chroma > 0.15]
    if len(coloured) == 0:
        return 0.0, 0
    hue = colors.rgb_to_hsv(coloured)[:, 0]
    buckets = np.unique((hue * 12).astype(int) % 12)
    return len(coloured) / len(rgb), len(buckets)


def assert_drawn(png: bytes, what: str = "figure", min_hues: int = MIN_HUES) -> None:
    """Fail unless ``png`` is a PNG whose data is drawn in colour."""
    assert png[:8] == PNG_MAGIC, f"{what}: not a PNG"
    share, hues = coloured_pixels(png)
    assert share >= MIN_COLOURED, f"{what}: blank figure ({100 * share:.2f} % coloured pixels)"
    assert hues >= min_hues, f"{what}: only {hues} hue(s) drawn"
