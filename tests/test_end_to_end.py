"""The installed `tickler` command, run as a rep would run it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import card_files, installed_tickler

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(
    TICKLER is None and not os.environ.get("CI"), reason="the tickler command is not installed"
)


def tickler(
    *args: str, cwd: Path, today: str = "2026-11-23", check: bool = True
) -> subprocess.CompletedProcess[str]:
    assert TICKLER is not None, "the tickler command must be installed (pip install -e .)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKLER_")}
    env["TICKLER_TODAY"] = today
    done = subprocess.run([TICKLER, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    if check:
        assert done.returncode == 0, done
    return done


def test_a_rep_day_with_the_installed_command(sample_binder: Path) -> None:
    day = tickler("today", cwd=sample_binder / "days")  # the binder is found upward
    assert "Ivan Ivanovich Ivanov" in day.stdout and "5d late" in day.stdout
    assert "\x1b[" not in day.stdout  # plain text in a pipe
    tickler("log", "ivan", "agreed on 178.00 per kg", "--next", "2026-12-07 15:30", cwd=sample_binder)
    tickler("move", "сергей", "2026-11-24", "--note", "back from travel on Tuesday", cwd=sample_binder)
    new = tickler(
        "new", "Zoe Quinn", "--next", "2026-11-25", "--set", "company=Quinn Optics", cwd=sample_binder
    )
    assert new.stdout == "zoe-quinn\n"
    tickler("park", "maria", cwd=sample_binder)
    tickler("check", cwd=sample_binder)
    files = card_files(sample_binder)
    assert "days/07/ivan-ivanovich-ivanov.md" in files
    assert "days/24/сергей-кузнецов.md" in files
    assert "days/25/zoe-quinn.md" in files
    assert "cards/maría-garcía.md" in files
    text = (sample_binder / "days/07/ivan-ivanovich-ivanov.md").read_text()
    assert "- 2026-11-23 call: agreed on 178.00 per kg. Next: 2026-12-07 15:30" in text
    later = tickler("roll", cwd=sample_binder, today="2026-12-14")  # a Monday
    assert "rolled" in later.stdout
    tickler("check", cwd=sample_binder, today="2026-12-14")


def test_errors_are_one_line_without_a_traceback(tmp_path: Path) -> None:
    done = tickler("today", cwd=tmp_path, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("tickler: error: no binder here")
    assert "Traceback" not in done.stderr


def test_version_and_help(tmp_path: Path) -> None:
    assert tickler("--version", cwd=tmp_path).stdout.startswith("tickler ")
    assert "today" in tickler("--help", cwd=tmp_path).stdout


def test_python_dash_m(sample_binder: Path) -> None:
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tickler", "today", "--all"],
        cwd=sample_binder,
        env={**os.environ, "TICKLER_TODAY": "2026-11-23"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Hans Becker" in done.stdout


def test_init_then_work_in_a_new_binder(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    tickler("init", "mybinder", cwd=tmp_path)
    root = tmp_path / "mybinder"
    assert (root / ".git").is_dir()
    tickler("new", "First Customer", "--next", "tomorrow", cwd=root)
    assert card_files(root) == ["days/24/first-customer.md"]
