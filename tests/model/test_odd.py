"""docs/ODD.md stays true to the code; every cited passage exists."""

import re
from pathlib import Path

from model import docgen
from model.params import SCHEMA
from model.scenarios import SCENARIOS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_generated_tables_are_up_to_date():
    text = (DOCS / "ODD.md").read_text(encoding="utf-8")
    assert docgen.render(text) == text, "run `python -m model.docgen` to refresh docs/ODD.md"


def test_every_parameter_is_in_the_odd_table():
    text = (DOCS / "ODD.md").read_text(encoding="utf-8")
    table = text[text.index("<!-- params:begin -->") : text.index("<!-- params:end -->")]
    for name in SCHEMA:
        assert f"| `{name}` |" in table


def test_cited_passages_exist_in_sources():
    ids = set(
        re.findall(r"\| (S00[03]-\d\d[a-z]?) \|", (DOCS / "sources.md").read_text(encoding="utf-8"))
    )
    assert len(ids) > 30
    cited = set()
    for p in SCHEMA.values():
        cited |= set(re.findall(r"S00[03]-\d\d[a-z]?", p.source))
    for sc in SCENARIOS.values():
        cited |= set(re.findall(r"S00[03]-\d\d[a-z]?", sc.sources))
    cited |= set(re.findall(r"S00[03]-\d\d[a-z]?", (DOCS / "ODD.md").read_text(encoding="utf-8")))
    assert cited and cited <= ids, f"unknown passage IDs: {sorted(cited - ids)}"
