"""ktseed's modules import each other without a cycle, lazy imports included.

The graph is read from the source (``import`` statements anywhere in a
module, so an import inside a function counts), without importing
anything: a cycle hidden behind a function-level import is still a cycle
for whoever moves that import to the top of the module.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "ktseed"


def module_names() -> dict[str, Path]:
    """Every module of the package: dotted name to file."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The ktseed modules that ``path`` imports (anywhere in its code).

    ``from ktseed import checks`` imports the module ``ktseed.checks``;
    ``from ktseed import CSVInitializer`` imports the package ``ktseed``.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module in modules
        ):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {
        name: imports_of(path, modules) - {name}
        for name, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path ``[a, b, ..., a]``, or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(name: str) -> list[str] | None:
        path.append(name)
        on_path.add(name)
        for target in sorted(graph[name]):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        on_path.discard(name)
        done.add(name)
        return None

    for name in sorted(graph):
        if name not in done:
            cycle = visit(name)
            if cycle:
                return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_lazy_imports():
    graph = import_graph()
    # ktseed.cli imports ktseed.export inside a function.
    assert "ktseed.export" in graph["ktseed.cli"]
    assert "ktseed.commands" in graph["ktseed.export"]


def test_no_import_cycle_in_the_package():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle or [])


@pytest.mark.parametrize("name", ["ktseed.cli", "ktseed.export"])
def test_command_error_is_one_class(name):
    from ktseed.commands import CommandError

    assert importlib.import_module(name).CommandError is CommandError


def test_subcommands_do_not_import_the_cli():
    graph = import_graph()
    for name in ("ktseed.export", "ktseed.bench.cli", "ktseed.commands"):
        assert "ktseed.cli" not in graph[name], name
