"""Every case of tests/bad_inputs/catalogue.toml, run through the installed ``tickler`` command:
a clear message naming the file (and line), exit 1 when the command cannot go on, no traceback,
and no byte of the binder changed."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_sample, installed_tickler, snapshot

CATALOGUE = tomllib.loads((Path(__file__).parent / "bad_inputs" / "catalogue.toml").read_text("utf-8"))
TICKLER = installed_tickler()
LONG_NAME = "Bartholomew " * 84  # 1,008 characters
pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")


def test_the_catalogue_has_at_least_forty_cases() -> None:
    assert sum(len(CATALOGUE[kind]) for kind in ("card", "files", "command", "environment")) >= 40


@pytest.fixture
def world() -> Iterator[Path]:
    """A copy of the sample binder in a folder any user may enter (for the cases run as nobody)."""
    top = Path(tempfile.mkdtemp(prefix="tickler-bad-"))
    os.chmod(top, 0o755)
    yield copy_sample(top / "binder")
    for path in [top, *top.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    shutil.rmtree(top)


def as_plain_user() -> list[str]:
    """Permissions mean nothing to root: the cases about them run as nobody, when root can."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    wrap = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    can = subprocess.run(
        [*wrap, str(TICKLER), "--version"], capture_output=True, env={**os.environ, "HOME": "/tmp"}
    )
    if can.returncode != 0:  # the checkout lives where nobody may enter
        pytest.skip("nobody cannot run the installed tickler from this checkout")
    return wrap


def tickler(root: Path, *args: str, wrap: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TICKLER_TODAY": "2026-11-23", "NO_COLOR": "1", "HOME": str(root.parent)}
    env.pop("TICKLER_BINDER", None)
    command = [*(wrap or []), str(TICKLER), "--binder", str(root), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def make_card(root: Path, name: str, case: dict[str, Any]) -> Path:
    folder = root / "days" / "23"
    path = folder / f"{case.get('id', name)}.md"
    make = case.get("make")
    if make is None:
        path.write_bytes(case["text"].encode("utf-8"))
    elif make == "binary":
        path.write_bytes(bytes(range(256)) * 8)
    elif make == "latin1":
        path.write_bytes("---\nname: Mü\nnext: 2026-11-23\n---\n".encode("latin-1"))
    elif make == "ten-megabytes":
        path.write_bytes(b"---\nname: Huge\nnext: 2026-11-23\n---\n" + b"x" * 10_000_000)
    elif make == "alias-bomb":
        lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        for level in range(1, 10):
            refs = ", ".join([f"*a{level - 1}"] * 9)
            lines.append(f"a{level}: &a{level} [{refs}]")
        path.write_text("---\nname: Bomb\nnext: 2026-11-23\n" + "\n".join(lines) + "\n---\n", "utf-8")
    elif make == "deep-nesting":
        path.write_text("---\nname: Deep\nnext: 2026-11-23\nx: " + "[" * 30_000 + "]" * 30_000 + "\n---\n")
    elif make == "many-values":
        values = "\n".join(f"  - v{i}" for i in range(25_000))
        path.write_text(f"---\nname: Many\nnext: 2026-11-23\nx:\n{values}\n---\n", "utf-8")
    elif make == "directory":
        path.mkdir()
    elif make == "symlink-out":
        path.symlink_to("/etc/passwd")
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "unreadable":
        path.write_text("---\nname: Secret\nnext: 2026-11-23\n---\n")
        path.chmod(0)
    elif make == "thousand-character-name":
        path.write_text(f"---\nname: {LONG_NAME.strip()}\nnext: 2026-11-23\n---\n", "utf-8")
    else:  # pragma: no cover - a mistake in the catalogue
        raise AssertionError(make)
    return path


@pytest.mark.parametrize("name", sorted(CATALOGUE["card"]))
def test_card(world: Path, name: str) -> None:
    case = CATALOGUE["card"][name]
    make_card(world, name, case)
    card_id = case.get("id", name)
    rel = f"days/23/{card_id}.md"
    wrap = as_plain_user() if case.get("make") == "unreadable" else []
    if wrap:
        for path in [world.parent, *world.parent.rglob("*")]:
            if path.name != f"{card_id}.md":
                os.chmod(path, 0o777 if path.is_dir() else 0o666)  # all but the unreadable card
    before = snapshot(world) if case.get("make") not in ("fifo", "unreadable") else None

    check = tickler(world, "check", wrap=wrap)
    today = tickler(world, "today", "--all", wrap=wrap)
    if case["outcome"] == "fine":
        assert check.returncode == 0, check.stdout + check.stderr
        assert today.returncode == 0
        shown = today.stdout
        assert "\x1b" not in shown, "a control character reached the terminal"
        moved = tickler(world, "move", card_id, "2026-12-01", wrap=wrap)
        assert moved.returncode == 0, moved.stderr
        assert (world / "days" / "01" / f"{card_id}.md").is_file()
        return
    where = rel + (f":{case['line']}" if "line" in case else "")
    expected = f"{case.get('problem', 'malformed')}: {where}: "
    assert check.returncode == 1
    line = next((x for x in check.stdout.splitlines() if x.startswith(expected)), None)
    assert line is not None, f"{expected!r} not in {check.stdout!r}"
    assert case["message"] in line
    assert today.returncode == 0
    assert f"tickler: warning: {where}: " in today.stderr
    assert "Ivan" in today.stdout or "nothing due" in today.stdout or "card" in today.stdout
    moved = tickler(world, "move", card_id, "2026-12-01", wrap=wrap)
    assert moved.returncode == 1
    assert moved.stderr.startswith(f"tickler: error: {rel}"), moved.stderr
    if before is not None:
        assert snapshot(world) == before
    elif case.get("make") == "fifo":
        assert stat.S_ISFIFO((world / rel).lstat().st_mode)


@pytest.mark.parametrize("name", sorted(CATALOGUE["files"]))
def test_files(world: Path, name: str) -> None:
    case = CATALOGUE["files"][name]
    for folder, card_id, text in case["files"]:
        (world / folder / f"{card_id}.md").write_text(text, "utf-8")
    before = snapshot(world)
    check = tickler(world, "check")
    assert check.returncode == 1
    assert any(
        line.startswith(f"{case['problem']}: ") and case["message"] in line
        for line in check.stdout.splitlines()
    ), check.stdout
    assert tickler(world, "today", "--all").returncode == 0
    assert snapshot(world) == before


@pytest.mark.parametrize("name", sorted(CATALOGUE["command"]))
def test_command(world: Path, name: str) -> None:
    case = CATALOGUE["command"][name]
    values = {
        "binder": str(world),
        "long_name": LONG_NAME.strip(),
        "binary": str(world.parent / "contacts.csv"),
        "garbage": str(world.parent / "contacts.vcf"),
    }
    (world.parent / "contacts.csv").write_bytes(bytes(range(256)) * 4)
    (world.parent / "contacts.vcf").write_text("BEGIN:VCARD\nthis is not\x00 a card\n", "utf-8")
    if "settings" in case:
        (world / "tickler.toml").write_text(case["settings"], "utf-8")
    before = snapshot(world)
    done = tickler(world, *(arg.format(**values) for arg in case["args"]))
    said = done.stdout + done.stderr
    assert done.returncode == case["code"], said
    assert case["message"].format(**values) in said
    if case["code"] != 0:
        assert done.stderr.startswith("tickler: error: "), done.stderr
        assert snapshot(world) == before
        return
    created = sorted(set(snapshot(world)) - set(before))
    assert len(created) == 1 and created[0].startswith("cards/"), created
    card_id = Path(created[0]).stem
    assert len(card_id.encode("utf-8")) <= 100
    assert card_id.split(".")[0].lower() not in ("con", "nul", "prn", "aux")
    shown = tickler(world, "show", card_id)
    assert shown.returncode == 0


def test_environment_read_only_binder(world: Path) -> None:
    wrap = as_plain_user()
    message = CATALOGUE["environment"]["read-only-binder"]["message"]
    (world / ".tickler").mkdir()
    for path in [world.parent, *world.parent.rglob("*")]:
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
    os.chmod(world / ".tickler", 0o777)  # the lock may be taken; the cards may not be changed
    before = snapshot(world)
    moved = tickler(world, "move", "ivan-ivanovich-ivanov", "2026-12-01", wrap=wrap)
    assert moved.returncode == 1
    assert message in moved.stderr and "days/" in moved.stderr, moved.stderr
    assert snapshot(world) == before
    assert tickler(world, "today", wrap=wrap).returncode == 0


def test_environment_full_disk(world: Path) -> None:
    """A disk that fills up under the write: the loop device tickler cannot have, so a tiny
    tmpfs when this machine allows mounting one; else a full disk simulated in the process."""
    from typer.testing import CliRunner

    from tickler import fsutil
    from tickler.cli import app

    message = CATALOGUE["environment"]["full-disk"]["message"]
    before = snapshot(world)
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    fsutil.os.fsync = full  # type: ignore[attr-defined]
    try:
        result = CliRunner().invoke(
            app,
            ["--binder", str(world), "log", "ivan-ivanovich-ivanov", "called", "--next", "2026-12-01"],
            env={"TICKLER_TODAY": "2026-11-23"},
        )
    finally:
        fsutil.os.fsync = real_fsync  # type: ignore[attr-defined]
    assert result.exit_code == 1
    assert message in result.stderr
    assert snapshot(world) == before
    assert not [p for p in world.rglob(".tickler-tmp-*")], "no temporary file is left behind"
