"""Small text blocks without ``solara.Markdown``.

Solara's Markdown widget loads KaTeX from its CDN path; ``solara-assets`` 1.58.2 does not
ship it, so offline the request fails and the page stops rendering. These helpers emit
escaped HTML instead, which needs nothing from outside.
"""

from __future__ import annotations

from html import escape

import solara


def _style(style: dict[str, str] | None) -> str:
    return "; ".join(f"{k}: {v}" for k, v in (style or {}).items())


def Para(
    text: str,
    classes: list[str] | None = None,
    style: dict[str, str] | None = None,
    lead: str | None = None,
    tag: str = "div",
) -> solara.Element:
    """A block of plain text, optionally starting with a bold ``lead``."""
    body = (f"<b>{escape(lead)}</b> " if lead else "") + escape(text)
    return solara.HTML(tag=tag, unsafe_innerHTML=body, classes=classes or [], style=_style(style))


def Heading(text: str, classes: list[str] | None = None) -> solara.Element:
    return solara.HTML(
        tag="div",
        unsafe_innerHTML=escape(text),
        classes=["cadre-heading", *(classes or [])],
        style="font-size: 18px; font-weight: 600; margin: 8px 0 4px",
    )


NOTICE_COLOURS = {
    "success": ("#e8f5e9", "#1b5e20"),
    "warning": ("#fff8e1", "#8d6e00"),
    "error": ("#fdecea", "#b71c1c"),
    "info": ("#e8eef6", "#1d3557"),
}


def Notice(text: str, kind: str = "error", classes: list[str] | None = None) -> solara.Element:
    """A coloured message box. ``solara.Success/Warning/Error`` pass Vuetify 2 props that
    ipyvuetify 3 rejects, which takes the whole page down, so they are not used."""
    bg, fg = NOTICE_COLOURS[kind]
    return Para(
        text,
        classes=[f"notice-{kind}", *(classes or [])],
        style={
            "background": bg,
            "color": fg,
            "padding": "8px 12px",
            "border-radius": "4px",
            "margin": "6px 0",
            "border-left": f"4px solid {fg}",
        },
    )


def Details(summary: str, lines: list[str], classes: list[str] | None = None) -> solara.Element:
    """A collapsed list of lines (HTML ``<details>``; ``solara.Details`` needs Vuetify 2)."""
    body = (
        f"<summary style='cursor:pointer; font-weight:600'>{escape(summary)}</summary>"
        + "".join(
            f"<div style='font-size:11px; margin-bottom:3px'>{escape(x)}</div>" for x in lines
        )
    )
    return solara.HTML(tag="details", unsafe_innerHTML=body, classes=classes or [])


@solara.component_vue("clickable.vue", vuetify=False)
def Clickable(html: str, kind: str = "", event_unit_click=None, event_source=None) -> None:
    """Markup whose units (``data-unit``) and source links (``data-source``) report
    clicks back to Python."""


def RichText(state, html: str, classes: list[str] | None = None) -> solara.Element:
    """Markup (already escaped) in which source codes open their passage in the page."""
    return Clickable(
        html=html,
        kind=" ".join(["cadre-rich", *(classes or [])]),
        event_source=lambda code: state.source.set(str(code)),
    )


def LinkedPara(
    state,
    text: str,
    classes: list[str] | None = None,
    style: dict[str, str] | None = None,
    lead: str | None = None,
) -> solara.Element:
    """Plain text (escaped here) with its source codes as links, optionally after a bold lead."""
    from dashboards.texts import link_codes

    body = (f"<b>{escape(lead)}</b> " if lead else "") + link_codes(text)
    return RichText(state, f"<div style='{_style(style)}'>{body}</div>", classes)
