"""The team binder: autocommit, sync through a real bare repository, card-aware merges, history."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import card_files, card_text
from typer.testing import CliRunner

from tickler.cli import app
from tickler.setup import init_binder


def git(repo: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stderr
    return done.stdout


def tickler(root: Path, *args: str, today: str = "2026-11-23", code: int = 0, **env: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["--binder", str(root), *args], env={"TICKLER_TODAY": today, **env})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    return result


class Team:
    def __init__(self, tmp_path: Path):
        self.remote = tmp_path / "remote.git"
        git(tmp_path, "init", "-q", "--bare", str(self.remote))
        self.anna = tmp_path / "anna"
        init_binder(self.anna)
        git(self.anna, "remote", "add", "origin", str(self.remote))
        git(self.anna, "push", "-q", "-u", "origin", "HEAD")
        self.boris = self.clone(tmp_path, "boris")
        self.carla = self.clone(tmp_path, "carla")

    def clone(self, tmp_path: Path, name: str) -> Path:
        git(tmp_path, "clone", "-q", str(self.remote), name)
        return tmp_path / name


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return Team(tmp_path)


def subjects(repo: Path, n: int = 20) -> list[str]:
    return git(repo, "log", f"-{n}", "--format=%s").splitlines()


def files_of(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "show", "--name-status", "--format=", rev).split("\n")


def the_card(root: Path, card_id: str) -> tuple[str, str]:
    (path,) = [p for p in card_files(root) if Path(p).stem == card_id]
    return path, (root / path).read_text()


# --------------------------------------------------------------------------- autocommit


def test_each_command_is_one_commit_of_only_its_paths(team: Team) -> None:
    root = team.anna
    tickler(root, "new", "Ivan Ivanov", "--next", "2026-12-05")
    assert subjects(root, 1) == ["tickler new: ivan-ivanov -> 2026-12-05"]
    (root / "notes.txt").write_text("my own notes\n")
    git(root, "add", "notes.txt")
    (root / "cards" / "hand.md").write_text(card_text("Hand Made"))
    tickler(root, "move", "ivan", "2026-12-07")
    assert subjects(root, 1) == ["tickler move: ivan-ivanov -> 2026-12-07"]
    touched = {part for line in files_of(root) if line for part in line.split("\t")[1:]}
    assert touched == {"days/05/ivan-ivanov.md", "days/07/ivan-ivanov.md"}
    diff = git(root, "show", "-M", "--unified=0", "--format=", "HEAD").splitlines()
    assert [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-next: 2026-12-05    # follow-up date, optionally with a time: 2026-12-05 15:30",
        "+next: 2026-12-07    # follow-up date, optionally with a time: 2026-12-05 15:30",
    ]  # a reschedule in git is one changed line plus a rename
    status = git(root, "status", "--porcelain")
    assert "A  notes.txt" in status  # the user's staged file is still staged, not committed
    assert "?? cards/hand.md" in status  # and the hand-made card is left alone
    tickler(root, "log", "ivan", "called", "--next", "fri")
    tickler(root, "park", "ivan")
    assert subjects(root, 3) == [
        "tickler park: ivan-ivanov",
        "tickler log: ivan-ivanov -> 2026-11-27",
        "tickler move: ivan-ivanov -> 2026-12-07",
    ]


def test_roll_balance_and_handover_are_one_commit_each(team: Team) -> None:
    root = team.anna
    for n in range(4):
        tickler(root, "new", f"Customer {n}", "--next", "2026-11-20", "--set", "owner=anna")
    before = len(subjects(root, 100))
    tickler(root, "roll")
    assert subjects(root, 1) == ["tickler roll: 4 cards"]
    touched = {part for line in files_of(root) if line for part in line.split("\t")[1:]}
    assert touched == {f"days/{d}/customer-{n}.md" for n in range(4) for d in ("20", "23")}
    tickler(root, "handover", "anna", "boris")
    assert subjects(root, 1) == ["tickler handover: anna -> boris, 4 cards"]
    assert len(subjects(root, 100)) == before + 2


def test_autocommit_off_and_plain_folders(team: Team, tmp_path: Path) -> None:
    (team.anna / "tickler.toml").write_text("autocommit = false\n")
    head = git(team.anna, "rev-parse", "HEAD")
    tickler(team.anna, "new", "Quiet One", "--next", "2026-12-01")
    assert git(team.anna, "rev-parse", "HEAD") == head
    plain = tmp_path / "plain"
    init_binder(plain, git=False)
    tickler(plain, "new", "No Git", "--next", "2026-12-01")
    assert card_files(plain) == ["days/01/no-git.md"]
    result = tickler(plain, "sync", code=1)
    assert "not a git repository" in result.stderr


# --------------------------------------------------------------------------- sync


def test_sync_shares_cards_and_commits_hand_edits(team: Team) -> None:
    tickler(team.anna, "new", "Ivan Ivanov", "--next", "2026-12-05")
    path = team.anna / "days/05/ivan-ivanov.md"
    path.write_text(path.read_text().replace("phone:", "phone: +7 495 1"))
    (team.anna / "days/06").mkdir(exist_ok=True)
    (team.anna / "days/06/olga.md").write_text(card_text("Olga", "2026-12-06"))
    result = tickler(team.anna, "sync")
    assert "committed hand edits: days/05/ivan-ivanov.md, days/06/olga.md" in result.stdout
    assert subjects(team.anna, 1) == ["tickler sync: hand edits of 2 files"]
    tickler(team.boris, "sync")
    assert card_files(team.boris) == ["days/05/ivan-ivanov.md", "days/06/olga.md"]
    assert "+7 495 1" in (team.boris / "days/05/ivan-ivanov.md").read_text()
    assert (
        git(team.boris, "config", "--get", "merge.tickler.driver")
        .strip()
        .endswith("-m tickler.merge %O %A %B %P")
    )


def test_a_teammates_birthday_arrives_with_sync(team: Team) -> None:
    """The birthday line comes from what tickler last saw of each folder; a sync that brings
    cards in brings that view up to date, also for folders `today` never goes through."""
    tickler(team.boris, "sync")
    assert "Birthdays" not in tickler(team.boris, "today", "--all").stdout  # the view is built
    tickler(team.anna, "new", "Zoe Quinn", "--set", "birthday=--11-25")  # into cards/
    tickler(team.anna, "sync")
    tickler(team.boris, "sync")
    assert "Birthdays: Zoe Quinn (Wed 25 Nov)" in tickler(team.boris, "today", "--all").stdout


def _shared_card(team: Team, *args: str) -> None:
    tickler(team.anna, "new", "Ivan Ivanov", *args)
    tickler(team.anna, "sync")
    tickler(team.boris, "sync")
    tickler(team.carla, "sync")


def test_both_edit_one_card_nothing_is_lost(team: Team) -> None:
    _shared_card(team, "--next", "2026-12-01", "--set", "company=Romashka")
    anna_path = team.anna / "days/01/ivan-ivanov.md"
    anna_path.write_text(anna_path.read_text().replace("phone:", "phone: +7 495 111"))
    tickler(team.anna, "log", "ivan", "anna: sent the offer", "--next", "2026-12-10")
    tickler(team.anna, "sync")
    boris_path = team.boris / "days/01/ivan-ivanov.md"
    boris_path.write_text(boris_path.read_text().replace("email:", "email: ivan@romashka.example"))
    tickler(team.boris, "log", "ivan", "boris: he called back", "--next", "2026-12-15", today="2026-11-24")
    tickler(team.boris, "sync")
    tickler(team.anna, "sync")
    for root in (team.anna, team.boris):
        path, text = the_card(root, "ivan-ivanov")
        assert path == "days/15/ivan-ivanov.md"  # boris's Log entry is later: his next wins
        assert "phone: +7 495 111" in text and "email: ivan@romashka.example" in text
        assert "anna: sent the offer" in text and "boris: he called back" in text
        assert text.index("anna: sent the offer") < text.index("boris: he called back")
        assert "<<<<<<<" not in text
    tickler(team.anna, "check")


def test_the_same_card_moved_to_two_folders(team: Team) -> None:
    _shared_card(team, "--next", "2026-12-01")
    tickler(team.anna, "move", "ivan", "2026-12-05", today="2026-11-23")
    tickler(team.anna, "sync")
    tickler(team.boris, "log", "ivan", "moved it later", "--next", "2026-12-09", today="2026-11-24")
    result = tickler(team.boris, "sync")
    assert "ivan-ivanov: merged" in result.stdout
    tickler(team.anna, "sync")
    for root in (team.anna, team.boris):
        assert card_files(root) == ["days/09/ivan-ivanov.md"]
    assert git(team.anna, "status", "--porcelain") == ""


def test_moved_on_one_side_and_edited_on_the_other(team: Team) -> None:
    _shared_card(team, "--next", "2026-12-01")
    tickler(team.anna, "move", "ivan", "2026-12-05")
    tickler(team.anna, "sync")
    path = team.boris / "days/01/ivan-ivanov.md"
    path.write_text(path.read_text().replace("Notes, offers", "Boris: prefers mornings. Notes, offers"))
    tickler(team.boris, "sync")
    tickler(team.anna, "sync")
    for root in (team.anna, team.boris):
        path_, text = the_card(root, "ivan-ivanov")
        assert path_ == "days/05/ivan-ivanov.md" and "Boris: prefers mornings." in text


def test_parked_on_one_side_and_logged_on_the_other(team: Team) -> None:
    _shared_card(team, "--next", "2026-12-01")
    tickler(team.anna, "park", "ivan")
    tickler(team.anna, "sync")
    tickler(team.boris, "log", "ivan", "he asked for a catalogue")
    tickler(team.boris, "sync")
    tickler(team.anna, "sync")
    for root in (team.anna, team.boris):
        path, text = the_card(root, "ivan-ivanov")
        assert path == "cards/ivan-ivanov.md"
        assert "he asked for a catalogue" in text


def test_parked_on_one_side_and_rescheduled_later_on_the_other(team: Team) -> None:
    _shared_card(team, "--next", "2026-12-01")
    tickler(team.anna, "park", "ivan")
    tickler(team.anna, "sync")
    tickler(team.boris, "log", "ivan", "wants a call", "--next", "2026-12-04", today="2026-11-24")
    tickler(team.boris, "sync")
    for root in (team.boris,):
        assert card_files(root) == ["days/04/ivan-ivanov.md"]


def test_two_reps_create_different_customers_with_one_id(team: Team) -> None:
    tickler(team.anna, "new", "Ivan Petrov", "--next", "2026-12-01", "--set", "company=Alpha")
    tickler(team.anna, "sync")
    tickler(team.boris, "new", "Ivan Petrov", "--next", "2026-12-01", "--set", "company=Beta")
    result = tickler(team.boris, "sync")
    assert "two customers had this id" in result.stdout
    tickler(team.anna, "sync")
    for root in (team.anna, team.boris):
        assert card_files(root) == ["days/01/ivan-petrov-2.md", "days/01/ivan-petrov.md"]
        texts = [(root / p).read_text() for p in card_files(root)]
        assert {"company: Alpha" in t for t in texts} == {True, False}
        assert "renamed: from ivan-petrov" in (root / "days/01/ivan-petrov-2.md").read_text()


def test_the_same_new_customer_in_two_folders_becomes_one_card(team: Team) -> None:
    tickler(team.anna, "new", "Olga Smirnova", "--next", "2026-12-01", "--set", "phone=+7 916 1")
    tickler(team.anna, "log", "olga", "anna met her at the fair")
    tickler(team.anna, "sync")
    tickler(team.boris, "new", "Olga Smirnova", "--next", "2026-12-03")
    tickler(team.boris, "log", "olga", "boris got her card too", today="2026-11-24")
    result = tickler(team.boris, "sync")
    assert "the same customer" in result.stdout
    tickler(team.anna, "sync")
    for root in (team.anna, team.boris):
        (path,) = card_files(root)
        text = (root / path).read_text()
        assert "anna met her at the fair" in text and "boris got her card too" in text
        tickler(root, "check")


def test_a_non_card_conflict_stops_sync_with_directions(team: Team) -> None:
    _shared_card(team, "--next", "2026-12-01")
    (team.anna / "tickler.toml").write_text("capacity = 10\n")
    git(team.anna, "commit", "-qam", "anna: capacity 10")
    tickler(team.anna, "log", "ivan", "anna logged")
    tickler(team.anna, "sync")
    (team.boris / "tickler.toml").write_text("capacity = 20\n")
    git(team.boris, "commit", "-qam", "boris: capacity 20")
    tickler(team.boris, "log", "ivan", "boris logged", today="2026-11-24")
    result = tickler(team.boris, "sync", code=1)
    assert "tickler.toml" in result.stderr and "git add" in result.stderr
    assert "UU tickler.toml" in git(team.boris, "status", "--porcelain")
    _, text = the_card(team.boris, "ivan-ivanov")
    assert "anna logged" in text and "boris logged" in text and "<<<<<<<" not in text
    (team.boris / "tickler.toml").write_text("capacity = 15\n")
    git(team.boris, "add", "tickler.toml")
    tickler(team.boris, "sync")
    tickler(team.anna, "sync")
    assert (team.anna / "tickler.toml").read_text() == "capacity = 15\n"


def test_no_upstream_and_no_network_are_clear_and_lose_nothing(team: Team, tmp_path: Path) -> None:
    lone = tmp_path / "lone"
    init_binder(lone)
    tickler(lone, "new", "Local Only", "--next", "2026-12-01")
    (lone / "days/01/local-only.md").write_text(card_text("Local Only", "2026-12-01", body="edited\n"))
    result = tickler(lone, "sync", code=1)
    assert "no upstream" in result.stderr and "git push -u origin HEAD" in result.stderr
    assert git(lone, "status", "--porcelain") == ""  # the hand edit is committed, not lost
    git(team.anna, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    tickler(team.anna, "new", "Offline", "--next", "2026-12-02")
    result = tickler(team.anna, "sync", code=1)
    assert "cannot reach the remote 'origin'" in result.stderr
    assert subjects(team.anna, 1) == ["tickler new: offline -> 2026-12-02"]


def test_history_across_moves(team: Team) -> None:
    tickler(team.anna, "new", "Ivan Ivanov", "--next", "2026-12-01")
    tickler(team.anna, "log", "ivan", "first call", "--next", "2026-12-05")
    tickler(team.anna, "move", "ivan", "2027-02-01")
    entries = json.loads(tickler(team.anna, "history", "ivan", "--json").stdout)
    assert [e["message"] for e in entries] == [
        "tickler move: ivan-ivanov -> 2027-02-01",
        "tickler log: ivan-ivanov -> 2026-12-05",
        "tickler new: ivan-ivanov -> 2026-12-01",
    ]
    assert (entries[0]["next_from"], entries[0]["next_to"], entries[0]["path"]) == (
        "2026-12-05",
        "2027-02-01",
        "months/02/ivan-ivanov.md",
    )
    assert entries[1]["log_added"] == ["- 2026-11-23 call: first call. Next: 2026-12-05"]
    assert (entries[2]["next_from"], entries[2]["next_to"]) == (None, "2026-12-01")
    text = tickler(team.anna, "history", "ivan").stdout
    assert "next: 2026-12-05 -> 2027-02-01" in text and "+ - 2026-11-23 call: first call" in text


def test_an_unreadable_card_in_conflict_is_left_to_a_person(team: Team) -> None:
    _shared_card(team, "--next", "2026-12-01")
    path = team.anna / "days/01/ivan-ivanov.md"
    path.write_text(path.read_text().replace("name: Ivan Ivanov", "name: [Ivan Ivanov"))
    tickler(team.anna, "sync")
    theirs = team.boris / "days/01/ivan-ivanov.md"
    theirs.write_text(theirs.read_text().replace("name: Ivan Ivanov", "name: Ivan I. Ivanov"))
    tickler(team.boris, "log", "ivan", "boris logged")
    result = tickler(team.boris, "sync", code=1)
    assert "days/01/ivan-ivanov.md" in result.stderr and "cannot be read" in result.stderr
    assert "UU days/01/ivan-ivanov.md" in git(team.boris, "status", "--porcelain")
    text = (team.boris / "days/01/ivan-ivanov.md").read_text()
    assert "boris logged" in text and "[Ivan Ivanov" in text  # both versions are there to choose from


def test_a_roll_of_thousands_of_cards_is_one_commit(tmp_path: Path) -> None:
    """The commit lists every card in its body: longer than one command-line argument may be,
    so the message must reach git another way."""
    root = tmp_path / "big"
    init_binder(root)
    for n in range(3000):
        (root / "months" / "12" / f"customer-with-a-long-id-{n:05d}.md").write_text(
            card_text(f"Customer {n}", f"2026-12-{n % 28 + 1:02d}")
        )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "a month of cards")
    result = tickler(root, "roll", today="2026-12-01")
    assert "not committed" not in result.stderr, result.stderr
    message = git(root, "log", "-1", "--format=%B")
    assert message.startswith("tickler roll: 3000 cards")
    assert len(message.encode()) > 131072
    assert git(root, "status", "--porcelain") == ""
