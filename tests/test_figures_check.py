"""The figure check itself fails on a blank figure and passes on a drawn one."""

from __future__ import annotations

import io

import pytest

from tests.figures import assert_drawn


def _png(draw: bool) -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 5))
    axes = fig.subplots(2, 2).ravel()
    for ax in axes:
        ax.set_title("a panel")
        ax.set_xlabel("month")
        if draw:
            ax.plot(range(10), [x * x for x in range(10)], color="#2a9d8f")
            ax.fill_between(range(10), 0, range(10), color="#e76f51", alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def test_a_blank_figure_fails_and_a_drawn_one_passes() -> None:
    with pytest.raises(AssertionError, match="looks blank"):
        assert_drawn(_png(draw=False))
    assert_drawn(_png(draw=True))
    with pytest.raises(AssertionError, match="not a PNG"):
        assert_drawn(b"GIF89a")
