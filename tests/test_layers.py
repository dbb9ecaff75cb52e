"""The layer rules of docs/architecture.md, checked on every module's imports (parsed with ``ast``).

Imports flow one way: spec → compile → solvers → solution/engine → analysis → report →
commands/cli, with ``optimizer.api`` a facade over everything that nothing inside imports.
Function-level (lazy) imports count too: they are edges of the same graph, only later.
Imports under ``if TYPE_CHECKING:`` are left out (they never run).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("optimizer", "solvers")


# Cycles in files another piece of work is untangling right now; each entry is one strongly
# connected component (a frozenset of module names). The integrator empties this set after
# merging that work: a cycle that is not listed here fails the test.
def _c(*names: str) -> frozenset[str]:
    return frozenset(names)


# none left: a new cycle fails the test (list one here only while a merge untangles it)
KNOWN_CYCLES_TO_REMOVE_AFTER_MERGE: set[frozenset[str]] = set()

# who may import the facade
API_IMPORTERS = ("optimizer.api", "optimizer.cli", "optimizer.commands", "optimizer.__main__")


def module_files() -> dict[str, Path]:
    """Every module of the packages by dotted name (a package by its own name)."""
    mods = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            mods[".".join(parts)] = path
    return mods


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    name = getattr(test, "id", None) or getattr(test, "attr", None)
    return isinstance(node, ast.If) and name == "TYPE_CHECKING"


def _import_nodes(tree: ast.AST):
    stack = [tree]
    while stack:
        node = stack.pop()
        if _type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports, at module level or inside functions."""
    is_pkg = path.name == "__init__.py"
    out = set()
    for node in _import_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_pkg else 0)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # ``from pkg import sub`` imports the submodule; ``from mod import name`` the module
            targets = [
                f"{module}.{a.name}" if f"{module}.{a.name}" in mods else module for a in node.names
            ]
        for t in targets:
            while t and t not in mods:  # ``import a.b.c`` of a name inside a module
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


@functools.cache
def import_graph() -> dict[str, set[str]]:
    mods = module_files()
    return {name: imports_of(name, path, mods) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = set()
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.add(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(frozenset(comp))
    return out


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_graph_is_read():
    graph = import_graph()
    # a few edges known from the source, so an empty graph cannot pass the rules below
    assert "optimizer.spec.items" in graph["optimizer.spec.validate"]
    assert "optimizer.spec.validate" in graph["optimizer.spec.model"]  # inside a method
    assert "optimizer.compile" in graph["optimizer.engine"]
    assert "solvers" in graph["optimizer.engine"]


def test_nothing_inside_imports_the_facade():
    bad = sorted(
        f"{m} imports optimizer.api"
        for m, deps in import_graph().items()
        if "optimizer.api" in deps and not _under(m, *API_IMPORTERS) and m != "optimizer"
    )
    assert not bad, "\n".join(bad)


def test_spec_imports_nothing_of_the_engine():
    bad = sorted(
        f"{m} imports {d}"
        for m, deps in import_graph().items()
        if _under(m, "optimizer.spec")
        for d in deps
        if not _under(d, "optimizer.spec", "optimizer.errors")
    )
    assert not bad, "\n".join(bad)


def test_lower_layers_do_not_import_analysis():
    lower = (
        "optimizer.compile",
        "optimizer.spec",
        "solvers",
        "optimizer.engine",
        "optimizer.solution",
    )
    bad = sorted(
        f"{m} imports {d}"
        for m, deps in import_graph().items()
        if _under(m, *lower)
        for d in deps
        if _under(d, "optimizer.analysis")
    )
    assert not bad, "\n".join(bad)


def test_no_import_cycles():
    found = set(cycles(import_graph()))
    new = sorted(sorted(c) for c in found - KNOWN_CYCLES_TO_REMOVE_AFTER_MERGE)
    assert not new, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in new)
    gone = sorted(sorted(c) for c in KNOWN_CYCLES_TO_REMOVE_AFTER_MERGE - found)
    assert not gone, "known cycles no longer there (remove them from the set):\n" + "\n".join(
        " ↔ ".join(c) for c in gone
    )


def test_cycles_are_found():
    """The search itself, on a graph whose components are known by hand."""
    g = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    assert set(cycles(g)) == {frozenset("abc"), frozenset("de")}
