"""`tickler watch` with the real watchdog observer on a real binder. Every wait polls with a deadline."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from conftest import card_files, card_text, write_card

from tickler.binder import Binder
from tickler.dates import Clock
from tickler.layout import divider_date
from tickler.setup import init_binder
from tickler.watch import Watcher, is_card_name, run


def wait_for(condition: Callable[[], object], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")


@dataclass
class Session:
    root: Path
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def settled(self, quiet: float = 1.0) -> None:
        """Wait until the watcher has said nothing for ``quiet`` seconds."""
        seen = -1
        stable_since = time.monotonic()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            count = len(self.lines) + len(self.warnings)
            if count != seen:
                seen, stable_since = count, time.monotonic()
            elif time.monotonic() - stable_since >= quiet:
                return
            time.sleep(0.05)


@pytest.fixture
def watching(binder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    monkeypatch.setenv("TICKLER_TODAY", "2026-11-23")
    session = Session(binder)
    yield from _watch(session)


def _watch(session: Session) -> Iterator[Session]:
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=run,
        args=(Binder(session.root),),
        kwargs={
            "say": session.lines.append,
            "warn": session.warnings.append,
            "stop": stop,
            "ready": ready,
            "quiet": 0.2,
            "commit_after": 0.5,
        },
        daemon=True,
    )
    thread.start()
    assert ready.wait(15)
    try:
        yield session
    finally:
        stop.set()
        thread.join(15)
        assert not thread.is_alive()


def test_in_place_save_with_a_new_date_refiles(watching: Session) -> None:
    path = write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
    path.write_text(card_text("Ivan", "2026-12-09"))
    wait_for(lambda: card_files(watching.root) == ["days/09/ivan.md"])
    watching.settled()
    assert watching.lines == ["ivan: next 2026-12-09 -> days/09"]
    assert watching.warnings == []


def test_a_birthday_saved_under_watch_shows_in_today_at_once(watching: Session, run) -> None:  # type: ignore[no-untyped-def]
    """watch keeps the birthday view as the editor saves: a birthday typed into a card of a month
    divider (which today does not go through) shows in today's line without a roll or check."""
    path = write_card(watching.root, "months/03", "oleg", card_text("Oleg", "2027-03-01"))
    watching.settled()
    assert "Birthdays" not in run("today").stdout
    path.write_text(card_text("Oleg", "2027-03-01", "birthday: --11-25"))
    wait_for(lambda: "Birthdays: Oleg (Wed 25 Nov)" in run("today").stdout)
    assert card_files(watching.root) == ["months/03/oleg.md"]


def test_a_save_that_keeps_the_date_changes_nothing(watching: Session) -> None:
    path = write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
    path.write_text(card_text("Ivan", "2026-12-05", body="# Ivan\n\nnew notes\n"))
    watching.settled()
    assert watching.lines == [] and card_files(watching.root) == ["days/05/ivan.md"]


def test_atomic_rename_save_jetbrains_style(watching: Session) -> None:
    folder = watching.root / "days/05"
    write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
    new_text = card_text("Ivan", "2026-12-10", body="# Ivan\n\nsaved safely\n")
    (folder / "ivan.md___jb_tmp___").write_text(new_text)
    os.rename(folder / "ivan.md", folder / "ivan.md___jb_old___")
    os.rename(folder / "ivan.md___jb_tmp___", folder / "ivan.md")
    (folder / "ivan.md___jb_old___").unlink()
    wait_for(lambda: card_files(watching.root) == ["days/10/ivan.md"])
    watching.settled()
    assert (watching.root / "days/10/ivan.md").read_text() == new_text
    assert watching.lines == ["ivan: next 2026-12-10 -> days/10"] and watching.warnings == []


def test_vim_save_sequence(watching: Session) -> None:
    folder = watching.root / "days/05"
    write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
    (folder / ".ivan.md.swp").write_bytes(b"b0VIM 9.0\x00" * 50)
    (folder / "4913").write_text("")
    (folder / "4913").unlink()
    os.rename(folder / "ivan.md", folder / "ivan.md~")
    new_text = card_text("Ivan", "2026-12-11")
    (folder / "ivan.md").write_text(new_text)
    (folder / "ivan.md~").unlink()
    wait_for(lambda: (watching.root / "days/11/ivan.md").exists())
    (folder / ".ivan.md.swp").unlink()
    watching.settled()
    assert card_files(watching.root) == ["days/11/ivan.md"]
    assert watching.lines == ["ivan: next 2026-12-11 -> days/11"] and watching.warnings == []


def test_emacs_lock_and_autosave_files_are_not_cards(watching: Session) -> None:
    folder = watching.root / "days/05"
    write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
    os.symlink("anna@laptop.1234:1700000000", folder / ".#ivan.md")
    (folder / "#ivan.md#").write_text(card_text("Ivan", "2026-12-20"))
    (folder / "ivan.md~").write_text(card_text("Ivan", "2026-12-21"))
    (folder / "ivan.md").write_text(card_text("Ivan", "2026-12-12"))
    (folder / ".#ivan.md").unlink()
    (folder / "#ivan.md#").unlink()
    wait_for(lambda: (watching.root / "days/12/ivan.md").exists())
    watching.settled()
    assert watching.lines == ["ivan: next 2026-12-12 -> days/12"] and watching.warnings == []
    assert (folder / "ivan.md~").exists()  # the backup is the editor's business, left alone


def test_drag_into_another_day_reschedules_keeping_the_time(watching: Session) -> None:
    write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05 15:30"))
    os.rename(watching.root / "days/05/ivan.md", watching.root / "days/14/ivan.md")
    wait_for(lambda: "next: 2026-12-14 15:30" in (watching.root / "days/14/ivan.md").read_text())
    watching.settled()
    text = (watching.root / "days/14/ivan.md").read_text()
    assert "- 2026-11-23 moved: to 2026-12-14 15:30 (dragged into days/14/)" in text
    assert watching.lines == ["ivan: dragged into days/14/: next 2026-12-05 15:30 -> 2026-12-14 15:30"]
    os.rename(watching.root / "days/14/ivan.md", watching.root / "days/01/ivan.md")  # next month's 1st
    wait_for(lambda: "next: 2026-12-01 15:30" in (watching.root / "days/01/ivan.md").read_text())


def test_drag_into_a_month_keeps_the_day_and_into_cards_parks(watching: Session) -> None:
    write_card(watching.root, "days/31", "olga", card_text("Olga", "2026-12-31"))
    os.rename(watching.root / "days/31/olga.md", watching.root / "months/02/olga.md")
    wait_for(lambda: "next: 2027-02-28" in (watching.root / "months/02/olga.md").read_text())  # clamped
    os.rename(watching.root / "months/02/olga.md", watching.root / "cards/olga.md")
    wait_for(lambda: "next:\n" in (watching.root / "cards/olga.md").read_text())
    watching.settled()
    assert card_files(watching.root) == ["cards/olga.md"]
    assert "moved: parked (dragged into cards/)" in (watching.root / "cards/olga.md").read_text()


def test_a_new_card_is_filed_and_one_without_a_name_is_warned_about(watching: Session) -> None:
    template = (watching.root / "templates/default.md").read_text()
    text = template.replace("name:\n", "name: Zoe Quinn\n").replace("next: ", "next: 2026-11-27", 1)
    (watching.root / "cards/zoe-quinn.md").write_text(text)
    (watching.root / "days/03/nameless.md").write_text("---\ncompany: Nobody Ltd\n---\n")
    wait_for(lambda: (watching.root / "days/27/zoe-quinn.md").exists())
    wait_for(lambda: watching.warnings)
    watching.settled()
    assert "days/03/nameless.md" in watching.warnings[0] and "no 'name:'" in watching.warnings[0]
    assert (watching.root / "days/03/nameless.md").read_text() == "---\ncompany: Nobody Ltd\n---\n"


def test_a_malformed_save_is_warned_and_left_as_written(watching: Session) -> None:
    path = write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
    broken = "---\nname: [Ivan\nnext: 2026-12-09\n---\n"
    path.write_text(broken)
    wait_for(lambda: watching.warnings)
    watching.settled()
    assert watching.warnings == [
        "days/05/ivan.md:2: the front matter is not valid YAML: did not find expected ',' or ']' "
        "(left as you saved it)"
    ]
    assert path.read_text() == broken and card_files(watching.root) == ["days/05/ivan.md"]
    path.write_text(card_text("Ivan", "2026-12-09"))  # fixed: now it is filed
    wait_for(lambda: (watching.root / "days/09/ivan.md").exists())


def test_two_hundred_rapid_saves_make_one_refile(watching: Session) -> None:
    path = write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
    for n in range(200):
        day = 6 + n % 2  # the date flips with every save; the last one says the 7th
        path.write_text(card_text("Ivan", f"2026-12-{day:02d}", body=f"# Ivan\n\nsave {n}\n"))
    wait_for(lambda: (watching.root / "days/07/ivan.md").exists())
    watching.settled()
    assert watching.lines == ["ivan: next 2026-12-07 -> days/07"]
    assert (watching.root / "days/07/ivan.md").read_text() == card_text(
        "Ivan", "2026-12-07", body="# Ivan\n\nsave 199\n"
    )


def test_a_cli_move_while_watching(watching: Session) -> None:
    from typer.testing import CliRunner

    from tickler.cli import app

    write_card(watching.root, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
    watching.settled(0.5)
    result = CliRunner().invoke(
        app,
        ["--binder", str(watching.root), "move", "ivan", "2026-12-18"],
        env={"TICKLER_TODAY": "2026-11-23"},
    )
    assert result.exit_code == 0, result.stdout
    watching.settled()
    assert card_files(watching.root) == ["days/18/ivan.md"]
    assert watching.lines == [] and watching.warnings == []  # the CLI's move is not taken for a drag


def test_the_watcher_commits_its_actions_in_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKLER_TODAY", "2026-11-23")
    root = tmp_path / "binder"
    init_binder(root)
    (root / "notes.txt").write_text("mine\n")
    for session in _watch(Session(root)):
        write_card(root, "days/05", "a", card_text("A", "2026-12-05"))
        write_card(root, "days/06", "b", card_text("B", "2026-12-06"))
        subprocess.run(["git", "add", "days"], cwd=root, check=True)
        subprocess.run(["git", "commit", "-qm", "two cards"], cwd=root, check=True)
        (root / "days/05/a.md").write_text(card_text("A", "2026-12-15"))
        (root / "days/06/b.md").write_text(card_text("B", "2026-12-16"))
        wait_for(lambda: "tickler watch" in _log(root)[0])
        session.settled()
    # The editor's saves are the rep's own change, committed first; the watcher's commit holds
    # only what it did (the two refiles), so that undo takes back exactly that.
    assert _log(root)[:3] == ["tickler watch: 2 changes", "tickler: hand edits: a, b", "two cards"]
    hand = subprocess.run(
        ["git", "show", "--name-status", "--format=", "HEAD~1"], cwd=root, capture_output=True, text=True
    ).stdout.split()
    assert hand == ["M", "days/05/a.md", "M", "days/06/b.md"]
    shown = subprocess.run(
        ["git", "show", "--name-only", "--no-renames", "--format=", "HEAD"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert sorted(shown) == ["days/05/a.md", "days/06/b.md", "days/15/a.md", "days/16/b.md"]
    assert (
        "?? notes.txt"
        in subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout
    )


def _log(root: Path) -> list[str]:
    return subprocess.run(
        ["git", "log", "--format=%s"], cwd=root, capture_output=True, text=True
    ).stdout.splitlines()


def test_start_rolls_and_midnight_rolls_again(binder: Path) -> None:
    write_card(binder, "days/20", "late", card_text("Late", "2026-11-20"))
    write_card(binder, "days/24", "tomorrow", card_text("Tomorrow", "2026-11-24"))
    write_card(binder, "months/12", "dec", card_text("Dec", "2026-12-23"))
    clock = [Clock(date(2026, 11, 23))]
    said: list[str] = []
    watcher = Watcher(Binder(binder), clock=lambda: clock[0], say=said.append, warn=said.append)
    watcher.start()
    assert card_files(binder) == ["days/23/late.md", "days/24/tomorrow.md", "months/12/dec.md"]
    clock[0] = Clock(date(2026, 11, 25))  # two midnights later
    watcher.tick()
    assert card_files(binder) == ["days/23/dec.md", "days/25/late.md", "days/25/tomorrow.md"]
    assert any("rolled from 2026-11-24" in line for line in said)


def test_ctrl_c_stops_the_installed_command_cleanly(binder: Path) -> None:
    from conftest import installed_tickler

    command = installed_tickler()
    if command is None:
        pytest.skip("the tickler command is not installed")
    env = {**os.environ, "TICKLER_TODAY": "2026-11-23"}
    proc = subprocess.Popen(
        [command, "--binder", str(binder), "watch"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        assert proc.stderr.readline().startswith("watching ")
        write_card(binder, "days/05", "ivan", card_text("Ivan", "2026-12-05"))
        (binder / "days/05/ivan.md").write_text(card_text("Ivan", "2026-12-08"))
        wait_for(lambda: (binder / "days/08/ivan.md").exists())
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "ivan: next 2026-12-08 -> days/08" in out
    assert "stopped" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "card"),
    [
        ("ivan.md", True),
        (".ivan.md.swp", False),
        ("ivan.md~", False),
        ("4913", False),
        ("#ivan.md#", False),
        (".#ivan.md", False),
        ("ivan.md___jb_tmp___", False),
        (".tickler-tmp-abc.md", False),
        ("notes.txt", False),
    ],
)
def test_which_names_are_cards(name: str, card: bool) -> None:
    assert is_card_name(name) is card


def test_divider_dates() -> None:
    from tickler.dates import Due

    today = date(2026, 1, 31)
    assert divider_date("days/15", Due(date(2026, 2, 2)), today) == Due(date(2026, 2, 15))
    assert divider_date("days/30", Due(date(2026, 2, 2)), today) is None  # no 30 Feb
    assert divider_date("months/03", Due(date(2026, 2, 2)), today) == Due(date(2026, 3, 2))
    assert divider_date("months/02", Due(date(2026, 1, 31)), today) == Due(date(2026, 2, 28))
    assert divider_date("months/01", Due(date(2026, 2, 10)), today) == Due(date(2027, 1, 10))
    assert divider_date("cards", Due(date(2026, 2, 2)), today) is None


def test_a_new_card_saved_at_the_top_of_the_binder_is_filed(watching: Session) -> None:
    (watching.root / "README.md").write_text("# Our team binder\n\nNot a card.\n")
    (watching.root / "maria-garcia.md").write_text(card_text("María García", "2026-12-02"))
    wait_for(lambda: (watching.root / "days/02/maria-garcia.md").exists())
    watching.settled()
    assert (watching.root / "README.md").exists() and watching.warnings == []
    assert watching.lines == ["maria-garcia: next 2026-12-02 -> days/02"]
