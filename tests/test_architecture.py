"""The shape of the house: no import circles between rooms, files that fit in a head.

A circle between two packages means neither can be understood, tested or replaced without
the other; it is how a 24,000-line app turns into one ball. The import graph comes from
grimp (the engine behind import-linter); imports under ``TYPE_CHECKING`` are left out, since
they never run. The floors themselves are import-linter contracts in pyproject.toml, checked
by ``test_floors``.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "buurthulp"
MAX_LINES = 400


def _room(module: str) -> str:
    """The room a module belongs to: ``buurthulp.matches.services`` → ``buurthulp.matches``."""
    parts = module.split(".")
    return ".".join(parts[:2])


def room_graph() -> dict[str, set[str]]:
    """Which room imports which, from the imports that run (not the TYPE_CHECKING ones)."""
    graph = grimp.build_graph("buurthulp", exclude_type_checking_imports=True, cache_dir=None)
    edges: dict[str, set[str]] = defaultdict(set)
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = _room(importer), _room(imported)
            if a != b and b != "buurthulp":
                edges[a].add(b)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one room (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(set(edges) | {b for targets in edges.values() for b in targets}):
        if node not in index:
            visit(node)
    return found


def test_circle_finder_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(edges) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_between_rooms() -> None:
    found = circles(room_graph())
    assert found == [], f"import circles between packages: {found}"


def test_floors() -> None:
    """import-linter's contracts (pyproject.toml): lower floors never import upper ones."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():  # pragma: no cover - the dev install always has it
        pytest.skip("import-linter is not installed: pip install -e .[dev]")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_files_fit_in_a_head() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"files over {MAX_LINES} lines: {long}"


#: Views that still write the access log themselves instead of loading through a service
#: that does (finding 5). Empty: keep it so.
VIEWS_THAT_LOG: set[str] = set()


def _doors() -> list[Path]:
    """The pages and the API: every views module (or views package) and buurthulp/api."""
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "views" in path.relative_to(PACKAGE).with_suffix("").parts
        or path.relative_to(PACKAGE).parts[0] == "api"
    )


def test_views_never_write_the_access_log() -> None:
    """Access-log rows are written by the service that loads a resident's data for staff
    (`..._for_staff`, `open_...`), so every page and API answer that uses it is covered;
    a view that writes its own row is one a new door (an API route) forgets."""
    writing = {
        str(path.relative_to(ROOT))
        for path in _doors()
        if "record_staff_view" in path.read_text(encoding="utf-8")
    }
    assert len(_doors()) > 10
    assert writing - VIEWS_THAT_LOG == set(), "load through a ..._for_staff service instead"
    assert VIEWS_THAT_LOG - writing == set(), "this view no longer logs: take it off the list"
