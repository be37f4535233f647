"""Interactive dashboard, guided lessons and the "play as a cadre" game (Solara).

Only :mod:`dashboards.app` and :mod:`dashboards.components` import solara; the other
modules are plain Python over :class:`model.CadreModel` so they can be unit-tested and
reused without a server.
"""
