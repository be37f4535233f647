"""The module ``solara run`` serves (see :mod:`dashboards.cli`).

It lives one folder below ``dashboards/`` because solara looks for page templates in
the ``templates/`` folder next to the served module's folder: ``dashboards/templates``
holds the dashboard's own loading screen (bilingual, without Solara's badge).
"""
