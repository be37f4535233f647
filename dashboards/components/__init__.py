"""Solara components of the dashboard (the only modules that import solara)."""
