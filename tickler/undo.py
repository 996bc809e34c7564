"""``tickler undo``: take back the last change tickler committed in this clone, as a new commit.

git keeps the history, so the undo is exact: every file the change touched gets back the bytes it
had before (a moved card returns to its folder, an edited one to its text). The change to undo is
the newest of tickler's own commits in this clone's reflog (any changing command, ``watch``'s
batches, ``sync``'s refiling) that no earlier undo took back; a teammate's commits, which arrive by
merge, are never undone here, nor are merges. It refuses, changing nothing, when a file it would
restore was changed since (by hand, by another command, by a merge), naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .binder import Binder
from .errors import TicklerError
from .fsutil import atomic_write
from .git import Repo, find_repo
from .layout import card_id_of

UNDOES = re.compile(r"^Undoes: ([0-9a-f]{40})$", re.MULTILINE)


@dataclass
class Undo:
    commit: str
    subject: str
    restored: list[str] = field(default_factory=list)  # binder-relative paths given their old bytes
    removed: list[str] = field(default_factory=list)  # paths the change had created

    def lines(self) -> list[str]:
        """What the undo does, a line a card (or file)."""
        out = []
        for rel in self.restored:
            out.append(f"{card_id_of(rel) or rel}: back as it was in {rel}")
        for rel in self.removed:
            if card_id_of(rel) is None or not any(card_id_of(r) == card_id_of(rel) for r in self.restored):
                out.append(f"{card_id_of(rel) or rel}: {rel} removed")
        return out


def _repo(binder: Binder) -> Repo:
    repo = find_repo(binder.root)
    if repo is None:
        raise TicklerError(
            "undo needs the history: this binder is not a git repository, so tickler keeps no record "
            "of its changes (make it one with 'tickler init' or 'git init')"
        )
    if not binder.settings.autocommit:
        raise TicklerError(
            "undo needs the history: autocommit is off in tickler.toml, so tickler's changes are not "
            "committed; turn it on (autocommit = true) to be able to undo"
        )
    busy = repo.in_the_middle()
    if busy:
        raise TicklerError(f"git is in the middle of {busy}; finish it first ('tickler sync' or git)")
    return repo


def last_change(repo: Repo) -> tuple[str, str]:
    """(commit, subject) of the change the next undo takes back."""
    head = repo.head()
    undone: set[str] = set()
    for commit, subject in repo.reflog():
        if not subject.startswith("tickler ") or subject == "tickler init":
            continue
        if subject.startswith("tickler undo:"):
            undone.update(UNDOES.findall(repo.message(commit)))
            continue
        if commit in undone or head is None or not repo.is_ancestor(commit, head):
            continue
        if len(repo.parents(commit)) != 1:
            continue  # a merge: its two sides stay
        return commit, subject
    raise TicklerError("nothing to undo: tickler has made no change in this clone that is not undone yet")


def undo(binder: Binder, *, dry_run: bool = False) -> Undo:
    """Undo the last change (see the module); one commit ``tickler undo: <what it undid>``."""
    repo = _repo(binder)
    with binder.lock() if dry_run else binder.changing("tickler undo") as tx:
        commit, subject = last_change(repo)
        (parent,) = repo.parents(commit)
        result = Undo(commit, subject)
        plan: list[tuple[str, bytes | None]] = []
        changed_since = []
        for rel in repo.files_changed(parent, commit):
            path = binder.root / rel
            now = path.read_bytes() if path.is_file() and not path.is_symlink() else None
            if now != repo.blob(commit, rel):
                changed_since.append(card_id_of(rel) or rel)
            plan.append((rel, repo.blob(parent, rel)))
        if changed_since:
            raise TicklerError(
                f"cannot undo '{subject}': {', '.join(changed_since)} changed since "
                "(by hand, by another command or by a merge); nothing was changed"
            )
        for rel, before in plan:
            (result.removed if before is None else result.restored).append(rel)
        if dry_run:
            return result
        assert tx is not None
        for rel, before in plan:
            path = binder.root / rel
            binder.touch(path)
            if before is None:
                path.unlink(missing_ok=True)
            else:
                if "/" in rel:
                    binder.divider(rel.rpartition("/")[0])
                atomic_write(path, before)
        tx.message = f"tickler undo: {subject}"
        tx.details = [f"Undoes: {commit}", *result.lines()]
    return result
