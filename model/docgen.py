"""Regenerate the tables of docs/ODD.md from the code (``python -m model.docgen``).

The parameter table comes from the schema (via ``cadre-sim params --format markdown``),
the scenario table from :mod:`model.scenarios` and the structural constants from the
modules that define them, so the document cannot drift from the code; a test checks
that the committed file equals what this script writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from model import accountability, decision, learning, metrics, state, tolerance
from model.model import PROMOTION_MERIT_CAP
from model.params import DEFAULTS
from model.scenarios import SCENARIOS

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


def scenarios_markdown() -> str:
    lines = ["| scenario | description | overrides of the defaults | schedule | steps | sources |",
             "|---|---|---|---|---|---|"]
    for sc in SCENARIOS.values():
        over = ", ".join(f"`{k}`={v}" for k, v in sc.params.items() if DEFAULTS[k] != v) or "—"
        sched = "; ".join(f"month {at}: " + ", ".join(f"`{k}`={v}" for k, v in ch.items())
                          for at, ch in sc.schedule) or "—"
        lines.append(f"| `{sc.name}` | {sc.title_en} / {sc.title_zh}: {sc.en} | {over} | {sched} "
                     f"| {sc.steps} | {sc.sources} |")
    return "\n".join(lines)


def constants_markdown() -> str:
    rows = [
        ("sanction weights (mild, moderate, severe) × `sanction_scale`",
         decision.SEVERITY_WEIGHT.tolist(), "model/decision.py", "S000-25, S003-01"),
        *[(f"severity distribution of `{k}` cases (mild, moderate, severe)", v.tolist(),
           "model/decision.py", "S000-17, S003-15") for k, v in decision.SEVERITY.items()],
        *[(f"avoidance-form weights for a {k.replace('_', ' ')} (pass down, share, stall)", v.tolist(),
           "model/decision.py", "S000-14" if k == "routine_task" else "S000-15")
          for k, v in decision.FORM_WEIGHTS.items()],
        ("record exposure of innovations to drifted standards (× `standard_drift`)",
         decision.INNOVATION_RECORD_EXPOSURE, "model/decision.py", "S000-06, S003-15"),
        ("record exposure of routine acts to drifted standards (× `standard_drift`)",
         decision.ROUTINE_RECORD_EXPOSURE, "model/decision.py", "S000-06"),
        ("organisation department's approval in joint consultation",
         tolerance.ORGANISATION_APPROVAL, "model/tolerance.py", "S003-10"),
        ("weight of a publicised peer case relative to an own-unit case",
         learning.PUBLIC_WEIGHT, "model/learning.py", "S003-07, S003-16"),
        ("newcomers' belief concentration (Beta κ)", state.BELIEF_CONCENTRATION, "model/state.py", "assumption"),
        ("months of history kept (longest look-back)", state.HISTORY_LEN, "model/state.py", "S000-06"),
        ("promotion block after a sanction (months)", accountability.PROMOTION_BLOCK_MONTHS,
         "model/accountability.py", "影响期 of CCP disciplinary rules"),
        ("cap on successes that raise promotion chance", PROMOTION_MERIT_CAP, "model/model.py", "S003-02"),
        ("survey memory (months)", metrics.SURVEY_MEMORY, "model/metrics.py", "S003-06"),
        ("known applications for the answer 'many'", metrics.SURVEY_MANY, "model/metrics.py", "S003-06"),
    ]
    lines = ["| constant | value | defined in | source |", "|---|---|---|---|"]
    lines += [f"| {name} | {value} | `{where}` | {src} |" for name, value, where, src in rows]
    return "\n".join(lines)


def sections() -> dict[str, str]:
    from model.cli import params_markdown

    return {"params": params_markdown(), "scenarios": scenarios_markdown(), "constants": constants_markdown()}


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
