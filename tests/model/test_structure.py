"""The model's code stays readable: the step is a table of contents of short rules."""

import ast
import inspect
from pathlib import Path

import model
from model.model import CadreModel

MODEL_DIR = Path(model.__file__).parent
MAX_LINES = 80


def test_no_function_in_model_is_longer_than_80_lines():
    long = []
    for path in sorted(MODEL_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_LINES:
                    long.append(f"{path.name}:{node.name} ({n} lines)")
    assert not long, f"functions over {MAX_LINES} lines: {long}"


def test_step_calls_one_stage_per_odd_stage_in_the_odd_order():
    odd = (MODEL_DIR.parent / "docs" / "ODD.md").read_text()
    overview = odd.split("### 1.3")[1].split("## 2.")[0]
    # The stages the ODD numbers 0, 1, 2 ... in its process overview.
    numbered = [
        line.split(".")[0].strip()
        for line in overview.splitlines()
        if line[:1].isdigit() and ". **" in line
    ]
    src = inspect.getsource(CadreModel.step)
    calls = [
        line.split("#")[1].strip() for line in src.splitlines() if "self._" in line and "#" in line
    ]
    assert [c.split(".")[0] for c in calls] == numbered
