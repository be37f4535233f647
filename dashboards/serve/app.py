"""The page solara serves: :func:`dashboards.app.Page`."""

from dashboards.app import Page

__all__ = ["Page"]
