"""The house's shape: tickler's modules import only downward, in layers, and stay small.

Every import counts, also one inside a function or under TYPE_CHECKING: a lazy import is still a
dependency. A new module must be given its layer here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "tickler"

# Lowest first. A module may import from its own layer or any lower one.
LAYERS = [
    ["errors", "texts", "patterns", "progress", "__init__"],
    ["aside"],  # a second process beside a command that reads thousands of cards
    ["dates", "names"],
    ["layout", "fsutil", "config", "git"],
    ["card", "card.limits", "card.safeyaml", "card.plainyaml", "card.reader", "card.edits", "card.log"],
    ["summary"],  # what the index keeps of a card
    ["cache", "ledger", "transaction"],  # the index, the reports' ledger, git's view: beside the store
    ["binder"],  # the store
    [
        "identity",
        "query",
        "report",
        "check",
        "forms",
        "actions",
        "merge",
        "editor",
        "setup",
        "sample_binder",
        "undo",
        "dedupe",
        "activity",
        "programme",
        "dossier",
    ],
    ["plans", "plans.roll", "plans.balance", "plans.handover", "plans.calls", "sync", "watch"],
    [
        "exchange",
        "exchange.records",
        "exchange.sources",
        "exchange.columns",
        "exchange.workbook",
        "exchange.notes",
        "exchange.importing",
        "exchange.csvfile",
        "exchange.vcard",
        "exchange.vcard_write",
        "exchange.exported",
        "exchange.kinds",
        "exchange.layouts",
        "exchange.rejects",
        "exchange.ics",
        "exchange.letters",
        "exchange.sheet",
        "exchange.mail",
        "exchange.correspondence",
        "render",
        "render.day",
        "render.reports",
        "render.dossier",
    ],
    [
        "__main__",
        "cli",
        "cli.common",
        "cli.day",
        "cli.cards",
        "cli.plans",
        "cli.team",
        "cli.customers",
        "cli.exchange",
        "cli.setup",
        # the web face (tickler serve), beside the command line: neither imports the other
        "web",
        "web.access",
        "web.served",
        "web.app",
        "web.pages",
        "web.posts",
        "web.syncing",
        "web.command",
    ],
]
LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The tickler modules ``name`` imports, anywhere in its source."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            stem = ".".join([*base, *([node.module] if node.module else [])])
            candidates = [f"{stem}.{a.name}" if stem else a.name for a in node.names] + [stem]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tickler"):
            stem = node.module.removeprefix("tickler").lstrip(".")  # type: ignore[union-attr]
            candidates = [f"{stem}.{a.name}" if stem else a.name for a in node.names] + [stem]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in MODULES:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name and not name.startswith(candidate + "."):
                found.add(candidate)
    return found


def test_every_module_has_a_layer() -> None:
    assert sorted(set(MODULES) - set(LAYER_OF)) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down(name: str) -> None:
    upward = sorted(i for i in imports_of(name) if LAYER_OF[i] > LAYER_OF[name])
    assert upward == [], f"{name} (layer {LAYER_OF[name]}) imports a higher layer: {upward}"


def test_no_import_cycles() -> None:
    graph = {name: imports_of(name) for name in MODULES}
    # A package's __init__ naming its own submodules is no cycle of the design.
    graph = {n: {d for d in deps if not d.startswith(n + ".")} for n, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, node, dep]))
            if dep not in state:
                visit(dep, [*trail, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    limit = 400 if name.startswith("cli") else 600
    assert lines <= limit, f"{name} has {lines} lines (at most {limit})"


def test_the_two_faces_do_not_import_each_other() -> None:
    """The command line and the web face sit on the same library; what both need lives below them."""
    faces = {
        "cli": [m for m in MODULES if m.split(".")[0] == "cli"],
        "web": [m for m in MODULES if m.split(".")[0] == "web"],
    }
    assert faces["cli"] and faces["web"]
    for face, other in (("cli", "web"), ("web", "cli")):
        for name in faces[face]:
            crossing = sorted(i for i in imports_of(name) if i.split(".")[0] == other)
            assert crossing == [], f"{name} imports {crossing}"


def test_the_store_plans_nothing() -> None:
    assert not imports_of("binder") & {"report", "forms", "setup", "plans", "plans.roll", "query"}
    assert "binder" not in imports_of("cache")
    assert imports_of("layout") <= {"dates", "errors"}
