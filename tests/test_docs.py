"""The docs keep up with the commands, and CI runs what the README promises.

The README is a tour; the reference is docs/, one page per topic. Every command and subcommand has
--help and a section ``### `tickler NAME ...` `` in docs/, and every option it takes is named in
that section.
"""

from __future__ import annotations

import re

import pytest
import typer.main
from conftest import REPO

from tickler.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md"))}
ROOT = typer.main.get_command(app)
ROOT_CTX = typer.Context(ROOT)  # type: ignore[arg-type]
COMMANDS = sorted(ROOT.list_commands(ROOT_CTX))  # type: ignore[attr-defined]


def leaves() -> list[tuple[str, object]]:
    """Every command a user runs, with its full name: ``today``, ``report pareto``..."""
    out = []
    for name in COMMANDS:
        command = ROOT.get_command(ROOT_CTX, name)  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            out += [(f"{name} {sub}", cmd) for sub, cmd in sorted(subcommands.items())]
        else:
            out.append((name, command))
    return out


LEAVES = leaves()


def section(name: str) -> str:
    """The docs section of ``tickler NAME``: from its heading to the next heading."""
    for text in DOCS.values():
        match = re.search(rf"^### `tickler {re.escape(name)}\b.*?(?=^##|\Z)", text, re.MULTILINE | re.DOTALL)
        if match:
            return match.group(0)
    raise AssertionError(f"docs/ has no section for 'tickler {name}'")


def test_there_are_commands() -> None:
    assert {"init", "new", "show", "today", "move", "log", "park", "roll", "check"} <= set(COMMANDS)
    assert {"report pareto", "import csv", "export ics"} <= {name for name, _ in LEAVES}


@pytest.mark.parametrize("name", [name for name, _ in LEAVES])
def test_every_command_has_help_and_a_reference_section(name: str, run) -> None:  # type: ignore[no-untyped-def]
    result = run(*name.split(), "--help")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) > 3
    assert section(name)


@pytest.mark.parametrize("name,command", LEAVES)
def test_every_option_is_documented(name: str, command: object) -> None:
    text = section(name)
    options = [opt for param in command.params for opt in param.opts if opt.startswith("--")]  # type: ignore[attr-defined]
    missing = [opt for opt in options if opt != "--help" and not re.search(rf"{re.escape(opt)}\b", text)]
    assert missing == [], f"'tickler {name}' takes {missing}, which its docs section does not name"


def test_the_readme_is_a_tour_that_links_every_reference_page() -> None:
    assert len(README) < 15_000
    for page in DOCS:
        assert f"(docs/{page}" in README, f"the README does not link docs/{page}"
    for text in DOCS.values():
        assert "(../README.md)" in text


def test_ci_runs_the_readme_quick_start_and_test_command() -> None:
    blocks = re.findall(r"## Quick start.*?```sh\n(.*?)\n```.*?```sh\n(.*?)\n```", README, re.DOTALL)
    assert blocks, "the quick start must be two sh blocks"
    install, tests = blocks[0]
    assert "tickler today" in install
    ci = (REPO / ".ci" / "run").read_text()
    assert install in ci.splitlines()
    assert tests in ci.splitlines()
