"""Regenerate the tables of docs/ODD.md from the code (``python -m model.docgen``).

The parameter table comes from the schema (also printed by ``cadre-sim params --format
markdown``),
the scenario table from :mod:`model.scenarios` and the structural constants from the
modules that define them, so the document cannot drift from the code; a test checks
that the committed file equals what this script writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from model import accountability, beliefs, decision, learning, metrics, state, tolerance
from model.params import DEFAULTS, by_group, table_rows
from model.scenarios import SCENARIOS

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


def param_rows(group: str | None = None) -> list[dict[str, Any]]:
    """The schema's table rows in group order, all groups or one."""
    names = [p.name for g, ps in by_group() if group in (None, g) for p in ps]
    return table_rows(names)


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def params_markdown(group: str | None = None) -> str:
    """The parameter table as Markdown, exactly as ``docs/ODD.md`` embeds it.

    One row per parameter in schema order; ``meaning`` is the English description, " / ",
    then the Chinese one; ``relayed`` marks the policy a change of which travels down
    the hierarchy (docs/ODD.md §2.3). No trailing newline (``cadre-sim params --format
    markdown`` prints this followed by one newline).
    """
    head = ("name", "group", "meaning", "unit", "range", "default", "relayed", "source")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in param_rows(group):
        cells = (
            f"`{r['name']}`",
            r["group"],
            f"{r['meaning_en']} / {r['meaning_zh']}",
            r["unit"],
            r["range"],
            r["default"],
            "yes" if r["transmitted"] else "",
            r["source"],
        )
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def scenarios_markdown() -> str:
    lines = [
        "| scenario | description | overrides of the defaults | schedule | steps | sources |",
        "|---|---|---|---|---|---|",
    ]
    for sc in SCENARIOS.values():
        over = ", ".join(f"`{k}`={v}" for k, v in sc.params.items() if DEFAULTS[k] != v) or "—"
        sched = (
            "; ".join(
                f"month {at}: " + ", ".join(f"`{k}`={v}" for k, v in ch.items())
                for at, ch in sc.schedule
            )
            or "—"
        )
        lines.append(
            f"| `{sc.name}` | {sc.title_en} / {sc.title_zh}: {sc.en} | {over} | {sched} "
            f"| {sc.steps} | {sc.sources} |"
        )
    return "\n".join(lines)


def _accountability_constants() -> list[tuple[str, Any, str, str]]:
    return [
        (
            "sanction weights (mild, moderate, severe) × `sanction_scale`",
            accountability.SEVERITY_WEIGHT.tolist(),
            "model/accountability.py",
            "four forms: CCDI report on 2021; S003-01 (assumption: the weights)",
        ),
        (
            "promotion block (影响期) by severity, months",
            accountability.BLOCK_MONTHS.tolist(),
            "model/accountability.py",
            "诫勉 6; Party warning 12 (纪律处分条例 art. 10); removal 24 (政务处分法 art. 7)",
        ),
        *[
            (
                f"severity distribution of `{k}` cases (mild, moderate, severe)",
                v.tolist(),
                "model/accountability.py",
                "mix near the CCDI's 70.0 / 23.2 / 6.8 % (2021); "
                "differences by kind: assumption (S000-08, S000-17)",
            )
            for k, v in accountability.SEVERITY.items()
        ],
        (
            "record exposure of innovations to drifted standards (× `standard_drift`)",
            accountability.INNOVATION_RECORD_EXPOSURE,
            "model/accountability.py",
            "S000-06b (assumption)",
        ),
        (
            "record exposure of routine acts to drifted standards (× `standard_drift`)",
            accountability.ROUTINE_RECORD_EXPOSURE,
            "model/accountability.py",
            "S000-06b (assumption)",
        ),
    ]


def _other_constants() -> list[tuple[str, Any, str, str]]:
    from model.model import PROMOTION_MERIT_CAP  # mesa and pandas: only when the ODD is made

    return [
        *[
            (
                f"avoidance-form weights for a {k.replace('_', ' ')} (pass down, share, stall)",
                v.tolist(),
                "model/decision.py",
                "S000-14" if k == "routine_task" else "S000-15",
            )
            for k, v in decision.FORM_WEIGHTS.items()
        ],
        (
            "organisation department's approval in joint consultation",
            tolerance.ORGANISATION_APPROVAL,
            "model/tolerance.py",
            "S003-10 (assumption)",
        ),
        (
            "application without belief (floor)",
            tolerance.APPLY_FLOOR,
            "model/tolerance.py",
            "S003-05 (assumption)",
        ),
        (
            "weight of a circulated peer case relative to an own-unit case",
            learning.PUBLIC_WEIGHT,
            "model/learning.py",
            "S003-16 (assumption)",
        ),
        (
            "belief concentration around its mean (Beta κ)",
            state.BELIEF_CONCENTRATION,
            "model/state.py",
            "assumption",
        ),
        (
            "Gamma shape of believed sanction weight around its mean",
            beliefs.SEVERITY_SHAPE,
            "model/beliefs.py",
            "assumption",
        ),
        ("longest look-back (months)", state.MAX_LOOKBACK, "model/state.py", "S000-06"),
        (
            "cap on successes that raise promotion chance",
            PROMOTION_MERIT_CAP,
            "model/model.py",
            "S003-02",
        ),
        ("survey memory (months)", metrics.SURVEY_MEMORY, "model/metrics.py", "S003-06"),
        (
            "known cases for the answer 'many'",
            metrics.SURVEY_MANY,
            "model/metrics.py",
            "S003-06",
        ),
    ]


def constants_markdown() -> str:
    rows = _accountability_constants() + _other_constants()
    lines = ["| constant | value | defined in | source |", "|---|---|---|---|"]
    lines += [f"| {name} | {value} | `{where}` | {src} |" for name, value, where, src in rows]
    return "\n".join(lines)


def sections() -> dict[str, str]:
    return {
        "params": params_markdown(),
        "scenarios": scenarios_markdown(),
        "constants": constants_markdown(),
    }


def render(text: str) -> str:
    for name, body in sections().items():
        pattern = re.compile(rf"(<!-- {name}:begin -->).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"docs/ODD.md lacks the markers <!-- {name}:begin/end -->")
        text = pattern.sub(lambda m, b=body: m.group(1) + "\n" + b + "\n" + m.group(2), text)
    return text


def main() -> int:
    ODD.write_text(render(ODD.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {ODD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
