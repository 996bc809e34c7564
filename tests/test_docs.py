"""The README and --help keep up with the commands, and CI runs what the README promises."""

from __future__ import annotations

import re

import pytest
import typer.main
from conftest import REPO

from tickler.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")
_ROOT = typer.main.get_command(app)
COMMANDS = sorted(_ROOT.list_commands(typer.Context(_ROOT)))  # type: ignore[attr-defined]


def test_there_are_commands() -> None:
    assert {"init", "new", "show", "today", "move", "log", "park", "roll", "check"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_a_readme_section(name: str, run) -> None:  # type: ignore[no-untyped-def]
    result = run(name, "--help")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) > 3
    assert re.search(rf"^### `tickler {name}\b", README, re.MULTILINE), f"README has no section for {name}"


def test_ci_runs_the_readme_quick_start_and_test_command() -> None:
    blocks = re.findall(r"## Quick start.*?```sh\n(.*?)\n```.*?```sh\n(.*?)\n```", README, re.DOTALL)
    assert blocks, "the quick start must be two sh blocks"
    install, tests = blocks[0]
    assert "tickler today" in install
    ci = (REPO / ".ci" / "run").read_text()
    assert install in ci.splitlines()
    assert tests in ci.splitlines()
