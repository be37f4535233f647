"""The house's layers: no import cycles among the project's modules, and no module
importing a layer above its own (the model knows nothing of its consumers).

Every import that runs counts, also those inside functions: a cycle that only closes at
run time is still two modules that cannot be understood apart. Imports under ``if
TYPE_CHECKING:`` never run and are left out (an agent view's annotation may name its model).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Lower layers first; a module may import its own layer and the layers below it.
LAYERS: dict[str, int] = {
    "model": 0,
    "experiments": 1,
    "dashboards": 2,
    "cadre_sim": 3,
    "benchmarks": 3,
}


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    mods = {}
    for pkg in LAYERS:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            mods[name] = path
    return mods


def imports_of(name: str, path: Path, modules: Mapping[str, Path]) -> set[str]:
    """Project modules that ``name`` (at ``path``) imports, wherever the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    type_only = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If)
        and ast.unparse(block.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for stmt in block.body
        for n in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [
                        *package.split(".")[: len(package.split(".")) - node.level + 1],
                        *([base] if base else []),
                    ]
                )
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            ]
        for t in targets:
            while t and t not in modules:  # `import a.b.c` of a non-module name: its module
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_cycles(tmp_path: Path) -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    # ... and the graph sees lazy imports, relative ones, and skips type-only ones.
    for pkg in LAYERS:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "model" / "a.py").write_text("def f():\n    from . import b\n")
    (tmp_path / "model" / "b.py").write_text("import model.a\n")
    (tmp_path / "model" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from model.a import f\n"
    )
    graph = import_graph(tmp_path)
    assert graph["model.a"] == {"model.b"} and graph["model.c"] == set()
    assert cycles(graph) == [["model.a", "model.b"]]


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 50 and "experiments.batch" in graph["experiments.runner"]
    assert cycles(graph) == []


def test_no_module_imports_a_layer_above_its_own() -> None:
    wrong = [
        (m, t)
        for m, targets in import_graph().items()
        for t in targets
        if LAYERS[t.split(".")[0]] > LAYERS[m.split(".")[0]]
    ]
    assert wrong == []


@pytest.mark.parametrize("module", ["model", "model.model", "model.docgen"])
def test_the_model_loads_no_consumer_and_no_heavy_library(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'experiments', 'dashboards', 'cadre_sim', 'benchmarks', 'dask', 'distributed', "
        "'solara'}); print(bad)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
