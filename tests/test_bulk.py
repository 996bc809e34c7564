"""Work on hundreds of cards at once: an import's new cards are written by threads, and a commit
of many files goes into git as one pack. Each must leave exactly what the slow way leaves: every
card once, on the disk and in the commit, `git status` clean, and a failed write reported."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import Run, card_text, write_card

from tickler.git import BULK
from tickler.setup import init_binder

ROWS = BULK + 50


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    init_binder(root, git=True)
    return root


def contacts(tmp_path: Path, rows: int = ROWS) -> Path:
    source = tmp_path / "contacts.csv"
    lines = ["Name,Email,Phone,Company"]
    lines += [f"Person {n:04d},p{n}@example.com,+49 30 {1000000 + n},Firm {n % 7}" for n in range(rows)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


def assert_committed_as_written(root: Path) -> None:
    assert git(root, "status", "--porcelain") == ""
    for path in sorted((root / "cards").glob("*.md"))[:: max(1, ROWS // 25)]:
        rel = path.relative_to(root).as_posix()
        assert git(root, "show", f"HEAD:{rel}").encode() == path.read_bytes(), rel
    subprocess.run(["git", "fsck", "--no-progress"], cwd=root, check=True, capture_output=True)


def test_an_import_of_hundreds_is_one_commit_of_every_card(repo: Path, run: Run, tmp_path: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    done = run("import", "csv", str(contacts(tmp_path)), root=repo)
    assert done.exit_code == 0, done
    assert f"{ROWS} new, 0 updated" in done.stderr
    assert len(list((repo / "cards").glob("*.md"))) == ROWS
    assert git(repo, "rev-list", "--count", f"{head.strip()}..HEAD").strip() == "1"
    assert len(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == ROWS
    assert_committed_as_written(repo)
    assert list((repo / ".git" / "objects" / "pack").glob("*.pack")), "the contents went in as a pack"
    again = run("import", "csv", str(contacts(tmp_path)), root=repo)
    assert f"0 new, 0 updated, {ROWS} unchanged" in again.stderr


def test_git_still_converts_what_its_attributes_say(repo: Path, run: Run, tmp_path: Path) -> None:
    """Under `text=auto`, git stores a file with CRLF line ends as LF: a bulk commit must store
    what `git add` would, not the bytes as they are."""
    (repo / ".gitattributes").write_text("* text=auto\n*.md merge=tickler\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-qm", "attributes")
    for n in range(ROWS):
        text = card_text(f"Crlf {n}", "2026-11-20").replace("\n", "\r\n")
        write_card(repo, "days/20", f"crlf-{n:04d}", text)
    git(repo, "add", "days")  # as a rep's editor and a `git add` would have them
    git(repo, "commit", "-qm", "cards with CRLF")
    assert run("roll", root=repo).exit_code == 0  # each card gets a Log line and moves
    card = (repo / "days/23/crlf-0000.md").read_bytes()
    assert b"rolled" in card and b"\r\n" in card  # the card keeps its line ends
    assert git(repo, "status", "--porcelain") == ""
    stored = git(repo, "cat-file", "-p", "HEAD:days/23/crlf-0000.md")
    assert "\r" not in stored and "rolled: from 2026-11-20" in stored


def test_a_roll_of_hundreds_moves_each_card_once_in_git(repo: Path, run: Run) -> None:
    for n in range(ROWS):
        write_card(repo, "days/20", f"late-{n:04d}", card_text(f"Late {n}", "2026-11-20"))
    git(repo, "add", "days")
    git(repo, "commit", "-qm", "overdue cards")
    assert run("roll", root=repo).exit_code == 0
    assert not list((repo / "days/20").glob("*.md"))
    assert len(list((repo / "days/23").glob("*.md"))) == ROWS
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "ls-tree", "--name-only", "HEAD", "days/20/").split() == ["days/20/.gitkeep"]
    assert (
        len([p for p in git(repo, "ls-tree", "--name-only", "HEAD", "days/23/").split() if p.endswith(".md")])
        == ROWS
    )


def test_a_new_card_that_cannot_be_written_is_reported(
    repo: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write a thread makes fails (the disk is full): that record is an error naming why, the
    other cards are written and committed, and no half-written file is left."""
    import tickler.fsutil
    from tickler.errors import TicklerError

    real = tickler.fsutil.atomic_write

    def failing(path: Path, data: bytes, *, durable: bool = True) -> None:
        if path.name == "person-0007.md":
            raise TicklerError("no space left on the disk; nothing was changed", path=path)
        real(path, data, durable=durable)

    monkeypatch.setattr(tickler.fsutil, "atomic_write", failing)
    done = run("import", "csv", str(contacts(tmp_path)), root=repo)
    assert done.exit_code == 0, done  # as for any row that cannot be imported: it is named, skipped
    assert "no space left on the disk" in done.stderr
    assert f"{ROWS - 1} new, 0 updated, 0 unchanged, 1 skipped" in done.stderr
    assert not (repo / "cards" / "person-0007.md").exists()
    assert len(list((repo / "cards").glob("*.md"))) == ROWS - 1
    assert_committed_as_written(repo)
