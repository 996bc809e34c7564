"""The progress bar on long work: drawn on a terminal's standard error, never in a pipe, never
with --json, and gone from the output when the work is done. Run through the installed command
in a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import installed_tickler
from terminal import in_terminal, terminal_env

from tickler.setup import init_binder

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")
BAR = "━"  # what rich draws a bar with
ROWS = 300


@pytest.fixture
def team(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    init_binder(root, git=True)
    source = tmp_path / "contacts.csv"
    lines = ["Name,Email,Phone,Company"]
    lines += [f"Person {n:04d},p{n}@example.com,+49 30 {1000000 + n},Firm {n % 7}" for n in range(ROWS)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def env_for(root: Path, after: str | None = "0") -> dict[str, str]:
    base = {**os.environ, "TICKLER_TODAY": "2026-11-23", "TICKLER_BINDER": str(root)}
    base["HOME"] = str(root.parent)
    base.pop("TICKLER_PROGRESS_AFTER", None)
    base.pop("NO_COLOR", None)
    return terminal_env(base, **({"TICKLER_PROGRESS_AFTER": after} if after is not None else {}))


def test_an_import_on_a_terminal_shows_a_bar_that_leaves_the_output_clean(team: Path) -> None:
    source = team.parent / "contacts.csv"
    command = [str(TICKLER), "import", "csv", str(source)]
    seen = in_terminal(command, cwd=team, env=env_for(team), stdout_pipe=True)
    assert seen.code == 0, seen.screen
    assert BAR in seen.screen and "Importing" in seen.screen
    assert f"{ROWS} new, 0 updated" in seen.screen  # the summary comes after the bar, on the terminal
    assert BAR not in seen.stdout and "\x1b" not in seen.stdout
    assert len(list((team / "cards").glob("*.md"))) == ROWS


def test_in_a_pipe_there_is_never_a_bar(team: Path) -> None:
    source = team.parent / "contacts.csv"
    seen = in_terminal(
        [str(TICKLER), "import", "csv", str(source)], cwd=team, env=env_for(team), stderr_pipe=True
    )
    assert seen.code == 0, seen.stderr
    assert f"{ROWS} new, 0 updated" in seen.stderr
    assert BAR not in seen.stderr and "\x1b" not in seen.stderr and "Importing" not in seen.stderr
    assert BAR not in seen.screen
    piped = subprocess.run(
        [str(TICKLER), "check"], env=env_for(team), capture_output=True, text=True, timeout=120, check=False
    )
    assert piped.returncode == 0 and BAR not in piped.stderr and "\x1b" not in piped.stderr


def test_with_json_there_is_never_a_bar(team: Path) -> None:
    source = team.parent / "contacts.csv"
    imported = [str(TICKLER), "import", "csv", str(source)]
    subprocess.run(imported, env=env_for(team), capture_output=True, check=True)
    seen = in_terminal([str(TICKLER), "check", "--json"], cwd=team, env=env_for(team), stdout_pipe=True)
    assert seen.code == 0, seen.screen
    assert BAR not in seen.screen and "Checking" not in seen.screen
    assert json.loads(seen.stdout) == []
    report = in_terminal(
        [str(TICKLER), "report", "activity", "--json"], cwd=team, env=env_for(team), stdout_pipe=True
    )
    assert report.code == 0 and BAR not in report.screen and "Reading" not in report.screen
    assert [rep["owner"] for rep in json.loads(report.stdout)] == [None]


def test_reports_check_roll_and_export_show_a_bar_and_then_their_output(team: Path) -> None:
    source = team.parent / "contacts.csv"
    imported = [str(TICKLER), "import", "csv", str(source)]
    subprocess.run(imported, env=env_for(team), capture_output=True, check=True)
    for command, stage in (
        (["check"], "Checking cards"),
        (["report", "segments"], "Reading accounts"),
        (["roll"], "Rolling"),
        (["export", "vcard"], "Reading cards"),
    ):
        seen = in_terminal([str(TICKLER), *command], cwd=team, env=env_for(team), stdout_pipe=True)
        assert seen.code == 0, (command, seen.screen)
        assert BAR in seen.screen and stage in seen.screen, command
        assert BAR not in seen.stdout and "\x1b[" not in seen.stdout, command
    exported = in_terminal([str(TICKLER), "export", "vcard"], cwd=team, env=env_for(team), stdout_pipe=True)
    assert exported.stdout.count("BEGIN:VCARD") == ROWS


def test_quick_work_shows_no_bar(team: Path) -> None:
    seen = in_terminal([str(TICKLER), "check"], cwd=team, env=env_for(team, after=None), stdout_pipe=True)
    assert seen.code == 0, seen.screen
    assert "binder ok" in seen.screen and BAR not in seen.screen
