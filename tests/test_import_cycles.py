"""No import cycle inside pipecli: the module-level imports of its modules form no loop.

Imports inside functions (the lazy ones that keep start-up fast) and under `TYPE_CHECKING` do not
run when a module loads, so they are left out; a cycle through module-level imports means one
module can see the other half-initialised, depending on which is imported first.

In the core and the CLI's output (pipecli.core, pipecli.render) an import inside a function is
for start-up speed only, never a way round a cycle: counting those too, there is still no loop
(the board, pipecli.tui, loads its screens lazily and is left out of that).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "pipecli"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in ROOT.rglob("*.py")}


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _top_level(tree: ast.Module) -> list[ast.stmt]:
    """Statements that run on import: the module's own, and those in try/if blocks (but not
    `if TYPE_CHECKING:`)."""
    out: list[ast.stmt] = []
    todo = list(tree.body)
    while todo:
        stmt = todo.pop(0)
        if isinstance(stmt, ast.If):
            if "TYPE_CHECKING" in ast.unparse(stmt.test):
                todo += stmt.orelse
                continue
            todo += stmt.body + stmt.orelse
        elif isinstance(stmt, ast.Try):
            todo += stmt.body + stmt.orelse + stmt.finalbody
            todo += [s for h in stmt.handlers for s in h.body]
        else:
            out.append(stmt)
    return out


class _AllImports(ast.NodeVisitor):
    """Every import statement of a module, inside functions too, but not `if TYPE_CHECKING:`."""

    def __init__(self) -> None:
        self.found: list[ast.stmt] = []

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for stmt in node.orelse:
                self.visit(stmt)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.found.append(node)


def _all_imports(tree: ast.Module) -> list[ast.stmt]:
    walker = _AllImports()
    walker.visit(tree)
    return walker.found


def imports_of(module: str, lazy: bool = False) -> set[str]:
    """The pipecli modules `module` imports when it loads; with `lazy`, also those it imports
    inside its functions."""
    path = MODULES[module]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for stmt in _all_imports(tree) if lazy else _top_level(tree):
        if isinstance(stmt, ast.Import):
            found |= {a.name for a in stmt.names}
        elif isinstance(stmt, ast.ImportFrom):
            base = _absolute(module, path, stmt)
            for alias in stmt.names:  # a submodule, else a name defined in `base`
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m in MODULES and m != module}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        for n in graph[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            group = []
            while True:
                n = stack.pop()
                group.append(n)
                if n == m:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for m in sorted(graph):
        if m not in index:
            visit(m)
    return out


def test_the_walk_sees_imports() -> None:
    assert "pipecli.core.services.common" in imports_of("pipecli.core.services.deals")
    assert "pipecli.core.errors" in imports_of("pipecli.core.services.deals")


def test_the_lazy_walk_sees_imports_inside_functions_but_not_type_checking_ones() -> None:
    detail_needs = "pipecli.core.services.quote_views"  # imported inside records.detail
    assert detail_needs not in imports_of("pipecli.core.services.records")
    assert detail_needs in imports_of("pipecli.core.services.records", lazy=True)
    assert "pipecli.core.services.common" in imports_of("pipecli.core.services.records", True)
    # writer names the importer's Options and Result for mypy only (`if TYPE_CHECKING:`)
    assert "pipecli.core.imports" not in imports_of("pipecli.core.imports.writer", lazy=True)


def test_cycles_are_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_in_pipecli() -> None:
    assert cycles({m: imports_of(m) for m in MODULES}) == []


LAZY_CHECKED = ("pipecli.core", "pipecli.render")


def test_no_cycle_through_imports_inside_functions_in_core_and_render() -> None:
    inside = {m for m in MODULES if any(m == p or m.startswith(p + ".") for p in LAZY_CHECKED)}
    graph = {m: imports_of(m, lazy=True) & inside for m in inside}
    assert len(inside) > 50 and graph["pipecli.render"]
    assert cycles(graph) == []
