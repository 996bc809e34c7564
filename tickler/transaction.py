"""A change as git hears of it: the paths a command touched, the hand edits it found on those cards
(committed first, in a commit of their own), and the journal that lets the next command commit
what a crash or a failed commit left.

The store (``binder``) fills a ``Transaction`` as a command works and hands it here to commit.
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import progress
from .fsutil import is_temp_name
from .layout import CARDS, DAYS, MONTHS, card_id_of

if TYPE_CHECKING:
    from .git import Repo


class Transaction:
    """What one command changed: the paths it touched and the commit message that says so.

    In a git binder it also keeps what git must hear first: the uncommitted paths (hand edits,
    a card dragged in an editor, what an earlier failed commit left) of the cards it touches,
    and the bytes each touched path of those cards held before the command wrote it. These are
    committed first, in a commit of their own, so that the command's commit holds only what the
    command did (and ``undo`` takes back exactly that)."""

    __slots__ = ("before", "details", "dirty", "hand", "keep_hand", "message", "paths")

    def __init__(self, message: str = ""):
        self.message = message
        self.paths: set[str] = set()
        self.details: list[str] = []
        self.before: dict[str, bytes | None] = {}
        self.hand: set[str] = set()
        self.dirty: dict[str, list[str]] | None = None  # card id -> its paths that differ from HEAD
        self.keep_hand = False  # commit the hand edits even when the change itself adds nothing

    def absorb(self, other: Transaction) -> None:
        """Take in another change's paths (``watch`` commits a batch of them at once)."""
        self.paths |= other.paths
        self.hand |= other.hand
        self.keep_hand |= other.keep_hand
        for rel, data in other.before.items():
            self.before.setdefault(rel, data)


def commit_change(repo: Repo, tx: Transaction, root: Path, notices: list[str]) -> bool:
    """Commit a change: first the hand edits it found on the cards it touched (``tickler: hand
    edits: ID``), then the change itself. False when git could not commit (said in ``notices``;
    the journal keeps the paths for the next command)."""
    from .git import GitError

    try:
        busy = repo.in_the_middle()
        if busy:
            notices.append(f"git is in the middle of {busy}: the change is saved but not committed")
            return False
        message = tx.message if not tx.details else tx.message + "\n\n" + "\n".join(tx.details)
        before = {
            rel: tx.before[rel] if rel in tx.before else bytes_of(root / rel)
            for rel in tx.hand | set(tx.before)
        }
        hand_ids = sorted({card_id_of(rel) or rel for rel in before})
        progress.stage("Committing")
        made = repo.commit_paths(
            tx.paths | tx.hand,
            message,
            before=before,
            before_message=f"tickler: hand edits: {', '.join(hand_ids)}",
            keep_before=tx.keep_hand,
        )
        if made is not None and repo.branch() is None:
            notices.append(
                "git's HEAD is detached (on no branch): the change is committed there, where a "
                "checkout can leave it behind; 'git switch -c NAME' keeps it on a branch"
            )
    except GitError as exc:
        notices.append(f"the change is saved but not committed: {exc.message}")
        return False
    return True


def uncommitted_cards(repo: Repo) -> dict[str, list[str]]:
    """Card id -> its binder-relative paths that differ from HEAD (edited, moved, new, deleted)."""
    from .git import GitError

    try:
        changed = repo.changed_paths([CARDS, DAYS, MONTHS])
    except GitError:
        return {}
    found: dict[str, list[str]] = {}
    for rel in changed:
        card_id = card_id_of(rel)
        if card_id is not None:
            found.setdefault(card_id, []).append(rel)
    return found


class Journal:
    """``.tickler/running`` while a changing command runs: its name, then every path it is about
    to change, a line each, written before the change (the operating system keeps the lines
    when the process is killed). Left behind by a crash or a failed commit, it tells the next
    command what to commit (``Binder._recover``)."""

    def __init__(self, path: Path, message: str):
        self.path = path
        self._fd: int | None = None
        with suppress(OSError):  # without the journal, only the clean-up after a later crash is lost
            if not path.parent.is_symlink():
                self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
                os.write(self._fd, (message.splitlines()[0] if message else "").encode() + b"\n")

    def add(self, rels: list[str]) -> None:
        if self._fd is not None:
            with suppress(OSError):
                os.write(self._fd, "".join(f"{rel}\n" for rel in rels).encode("utf-8", "surrogateescape"))

    def close(self, *, keep: bool) -> None:
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if not keep:
            self.path.unlink(missing_ok=True)


class Left(NamedTuple):
    """What a journal left behind says: the command, when it began, the paths it changed."""

    what: str
    since: int  # the journal's mtime (ns); 0 when it cannot be trusted
    paths: frozenset[str]


def read_journal(path: Path) -> Left | None:
    """The journal a crashed command (or a failed commit) left, or None when there is none."""
    try:
        since = path.stat().st_mtime_ns if not path.is_symlink() else 0
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return None
    except OSError:
        since, lines = 0, []
    what = (lines[0].strip() if lines else "") or "a command"
    return Left(what, since, frozenset(line for line in lines[1:] if _plain_rel(line)))


def remove_temp_files(folder: Path) -> None:
    """The half-written files of interrupted atomic writes in ``folder``."""
    with suppress(OSError), os.scandir(folder) as listing:
        for item in listing:
            if is_temp_name(item.name) and item.is_file(follow_symlinks=False):
                with suppress(OSError):
                    os.unlink(item.path)


def _plain_rel(line: str) -> bool:
    """A binder-relative path as the journal writes them (nothing that climbs out of the binder)."""
    return bool(line) and not line.startswith("/") and ".." not in line.split("/") and "\0" not in line


def bytes_of(path: Path) -> bytes | None:
    """A file's bytes, or None when there is no plain file there."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return path.read_bytes()
    except OSError:
        return None


def left_by_checkout(
    repo: Repo, root: Path, files: dict[str, str], *, empty: bool
) -> tuple[dict[str, bytes], list[str]]:
    """What to write back from HEAD (path -> bytes) and which files to remove, so that no card is
    lost to a git checkout killed part way (``files``: each card file's path and id). A
    committed card whose id is nowhere on disk comes back. With ``empty``, so does a card file
    left empty (git makes a file, then writes it): HEAD's bytes for it, or, where HEAD has none,
    it goes (the teammate's card it was to be arrives with the next sync). An empty file is
    never a card, so nothing a rep wrote is lost."""
    blank = []
    if empty:
        for rel in files:
            with suppress(OSError):
                info = os.lstat(root / rel)
                if stat.S_ISREG(info.st_mode) and info.st_size == 0:
                    blank.append(rel)
    found = repo.contents(list(repo.committed_blobs(blank).items()))
    gone = [rel for rel in blank if rel not in found]
    on_disk = {card_id for rel, card_id in files.items() if rel not in blank}
    return {**found, **repo.missing_cards(on_disk)}, gone
