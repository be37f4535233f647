"""Texts the page opens in place: cited source passages and the class plan.

Source codes such as ``S000-04`` in any text of the page become links that open the
passage (quote and gloss from ``docs/sources.md``, parsed by
:func:`experiments.report.source_passages`). The class plan (``docs/teaching.md``) is
shown with a small Markdown renderer (headings, paragraphs, lists, tables, emphasis,
code): solara's Markdown widget needs KaTeX from a CDN, which the offline page lacks.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEACHING_MD = ROOT / "docs" / "teaching.md"
SOURCE_CODE = re.compile(r"S\d{3}-\d{2}[a-z]?")


@lru_cache(maxsize=1)
def passages() -> dict[str, tuple[str, str]]:
    """Source ID -> (quote, gloss); empty when docs/sources.md is not there."""
    from experiments.report import source_passages

    return source_passages()


def passage(code: str) -> tuple[str, str] | None:
    return passages().get(code)


def link_codes(text: str) -> str:
    """``text`` as HTML with every source code a link that opens its passage."""
    out, pos = [], 0
    for m in SOURCE_CODE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        code = m.group(0)
        out.append(
            f'<a href="#" class="source-link" data-source="{code}" '
            f'style="color:#1d3557; text-decoration: underline dotted">{code}</a>'
        )
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


# ------------------------------------------------------------ a little Markdown
def _inline(text: str) -> str:
    s = escape(text)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    s = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", s)
    s = re.sub(r"(?<![*\w])\*([^*]+)\*(?!\w)", r"<i>\1</i>", s)
    s = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1", s)  # links to repository files: their text
    return s


def markdown_html(md: str) -> str:
    """HTML of simple Markdown (what docs/teaching.md uses)."""
    html: list[str] = []
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        heading = re.match(r"(#{1,4})\s+(.*)", line)
        if heading:
            level = len(heading.group(1)) + 1
            html.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            i += 1
        elif line.lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                    rows.append(cells)
                i += 1
            head, body = rows[0], rows[1:]
            html.append(
                "<table class='md-table'><thead><tr>"
                + "".join(f"<th>{_inline(c)}</th>" for c in head)
                + "</tr></thead><tbody>"
                + "".join(
                    "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in body
                )
                + "</tbody></table>"
            )
        elif re.match(r"\s*([-*]|\d+\.)\s+", line):
            ordered = bool(re.match(r"\s*\d+\.", line))
            items: list[str] = []
            while i < len(lines) and lines[i].strip():
                item = re.match(r"\s*([-*]|\d+\.)\s+(.*)", lines[i])
                if item:
                    items.append(item.group(2))
                elif items:
                    items[-1] += " " + lines[i].strip()
                i += 1
            tag = "ol" if ordered else "ul"
            html.append(f"<{tag}>" + "".join(f"<li>{_inline(x)}</li>" for x in items) + f"</{tag}>")
        else:
            para = []
            while (
                i < len(lines)
                and lines[i].strip()
                and not re.match(r"(#|\||\s*([-*]|\d+\.)\s)", lines[i])
            ):
                para.append(lines[i].strip())
                i += 1
            html.append(f"<p>{_inline(' '.join(para))}</p>")
    return "\n".join(html)


def class_plan_html() -> str:
    if not TEACHING_MD.exists():
        return "<p>docs/teaching.md is not in this installation.</p>"
    return markdown_html(TEACHING_MD.read_text(encoding="utf-8"))
