"""Rules of the code base that a reading of the source can check: the field frame's numbers live in one place,
no import cycle among replay/, scenes/ and engine/ (module level or inside functions), no private name imported
from another module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("replay", "scenes", "engine")


def _sources() -> dict[str, ast.Module]:
    """Every module of the three packages, parsed: dotted name -> AST."""
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out[".".join(parts)] = ast.parse(path.read_text(), str(path))
    return out


_OPS = {ast.Add: float.__add__, ast.Sub: float.__sub__, ast.Mult: float.__mul__, ast.Div: float.__truediv__}


def _number(node: ast.AST) -> float | None:
    """The value of a numeric literal or of arithmetic on literals (160 / 3, 80.0 / 3.0), else None."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        a, b = _number(node.left), _number(node.right)
        if a is not None and b is not None and not (isinstance(node.op, ast.Div) and b == 0):
            return _OPS[type(node.op)](a, b)
    return None


def _packages(trees: dict[str, ast.Module]) -> set[str]:
    return {name for name in trees if (ROOT / Path(*name.split(".")) / "__init__.py").exists()}


def _is_field_number(node: ast.AST) -> bool:
    """0.9144 (yards to metres), or the field's width or centre line (53.33 / 26.67 yd) written as a literal
    (a float, or arithmetic on literals such as 160 / 3)."""
    v = _number(node)
    if v is None or (isinstance(node, ast.Constant) and isinstance(node.value, int)):
        return False
    return abs(v - 0.9144) < 1e-4 or any(abs(v - w) < 0.05 for w in (160 / 3, 160 / 6))


def test_yards_to_metres_and_field_dimensions_live_only_in_the_field_frame():
    found = []
    for name, tree in _sources().items():
        if name == "replay.field_frame":
            continue
        for node in ast.walk(tree):
            if _is_field_number(node):
                found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "YARD" for t in node.targets):
                found.append(f"{name}:{node.lineno}: defines YARD")
    assert not found, "use replay.field_frame (FIELD, YARD):\n" + "\n".join(found)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` names (relative imports resolved against `module`)."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of the three packages it imports, at module level or inside any function."""
    trees = _sources()
    packages = _packages(trees)
    graph: dict[str, set[str]] = {name: set() for name in trees}
    for name, tree in trees.items():
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mod = _resolve(name, name in packages, node)
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in trees else mod for a in node.names]
            graph[name].update(t for t in targets if t in trees and t != name)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_sees_an_import_inside_a_function():
    tree = ast.parse("def f():\n    from .b import g\n")
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    assert _resolve("engine.cp.a", False, node) == "engine.cp.b"
    assert find_cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_at_module_or_function_level():
    graph = import_graph()
    assert len(graph) > 100 and graph["engine.cp.features"] >= {"replay.roles", "engine.cp.arrival"}
    cycles = find_cycles(graph)
    assert not cycles, "import cycles (module or function level):\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_no_private_name_is_imported_from_another_module():
    trees = _sources()
    packages = _packages(trees)
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                mod = _resolve(name, name in packages, node)
                found += [f"{name}:{node.lineno}: {mod}.{a.name}" for a in node.names
                          if a.name.startswith("_") and mod.split(".")[0] in PACKAGES]
    assert not found, "private names used across modules (make them public or move them):\n" + "\n".join(found)


_LAYER_CHILD = """
import importlib, json, pkgutil, sys
pkg = importlib.import_module(sys.argv[1])
failed = {}
for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
    try:
        importlib.import_module(info.name)
    except Exception as e:  # an optional extra missing (lightgbm) is not a layering question
        failed[info.name] = repr(e)
print(json.dumps({"modules": sorted(sys.modules), "failed": failed}))
"""


def _loaded_by(package: str) -> dict:
    """Every module of `package` imported in a fresh interpreter: what ended up in sys.modules."""
    import json
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-c", _LAYER_CHILD, package], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def _top(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_replay_loads_no_panda3d_scenes_or_engine():
    """The data layer runs on a machine without a GPU or Panda3D: importing every module of replay/ in a fresh
    interpreter loads neither panda3d nor the layers above it."""
    got = _loaded_by("replay")
    assert not got["failed"], got["failed"]
    assert not _top(got["modules"]) & {"panda3d", "direct", "scenes", "engine", "xr"}


def test_scenes_loads_no_engine():
    got = _loaded_by("scenes")
    assert not got["failed"], got["failed"]
    assert not _top(got["modules"]) & {"engine", "xr"}
    assert "panda3d" in _top(got["modules"])  # the check itself works: scenes does draw with Panda3D


def test_ruff_is_clean():
    """`ruff check` over the whole tree (config in pyproject.toml); `make test` runs this too."""
    import shutil
    import subprocess
    import sys

    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        import pytest

        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    res = subprocess.run([ruff, "check", "--output-format", "concise", "."], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:]
