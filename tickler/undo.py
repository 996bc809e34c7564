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
from .fsutil import atomic_move, atomic_write
from .git import Repo, TreeChange, find_repo
from .layout import card_id_of, card_rel

UNDOES = re.compile(r"^Undoes: ([0-9a-f]{40})$", re.MULTILINE)


@dataclass
class Undo:
    commit: str
    subject: str
    restored: list[str] = field(default_factory=list)  # binder-relative paths given their old bytes
    removed: list[str] = field(default_factory=list)  # paths the change had created

    def lines(self) -> list[str]:
        """What the undo does, a line a card (or file)."""
        out = [f"{card_id_of(rel) or rel}: back as it was in {rel}" for rel in self.restored]
        back = {card_id_of(rel) for rel in self.restored} - {None}
        for rel in self.removed:
            card_id = card_id_of(rel)
            if card_id is None or card_id not in back:
                out.append(f"{card_id or rel}: {rel} removed")
        return out


def _repo(binder: Binder) -> Repo:
    repo = binder.repo() if binder.settings.autocommit else find_repo(binder.root)  # (the one it commits to)
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
        changes = repo.tree_changes(parent, commit)
        _refuse_unless_exact(binder, repo, subject, changes)
        plan = [(c.path, c.before) for c in changes]
        for rel, before in plan:
            (result.removed if before is None else result.restored).append(rel)
        if dry_run:
            return result
        assert tx is not None
        back = _moved_back(changes)  # old path -> the path the change moved the card to
        moved_to = set(back.values())
        contents = repo.contents([(rel, blob) for rel, blob in plan if blob is not None and rel not in back])
        binder.touch(*(binder.root / rel for rel, _ in plan))
        for old, new in back.items():
            binder.divider(old.rpartition("/")[0])
            atomic_move(binder.root / new, binder.root / old)
            binder.moved(new.rpartition("/")[0], old.rpartition("/")[0], card_id_of(new) or "")
        for rel, blob in plan:
            path = binder.root / rel
            if blob is None and rel not in moved_to:
                path.unlink(missing_ok=True)
            elif blob is not None and rel not in back:
                if "/" in rel:
                    binder.divider(rel.rpartition("/")[0])
                atomic_write(path, contents[rel])
        tx.message = f"tickler undo: {subject}"
        tx.details = [f"Undoes: {commit}", *result.lines()]
    return result


def _moved_back(changes: list[TreeChange]) -> dict[str, str]:
    """The cards the change only moved (a path gone, one of the same card made with the same
    bytes), as old path -> new path: the undo renames each back, as ``roll`` moved it, rather than
    writing its bytes again (a roll of thousands of cards is undone at the cost of git's revert)."""
    gone: dict[tuple[str, str], str] = {}
    for c in changes:
        card_id = card_id_of(c.path)
        if card_id is not None and c.before is not None and c.after is None:
            gone[(card_id, c.before)] = c.path
    back = {}
    for c in changes:
        card_id = card_id_of(c.path)
        if card_id is not None and c.before is None and c.after is not None:
            old = gone.pop((card_id, c.after), None)
            if old is not None:
                back[old] = c.path
    return back


def _refuse_unless_exact(binder: Binder, repo: Repo, subject: str, changes: list[TreeChange]) -> None:
    """Refuse, changing nothing, unless the undo is exact: every file the change touched is still
    as the change left it, and each card it touched is on disk exactly where the change put it
    (a copy elsewhere, dragged by hand since, would be doubled or lost by the undo)."""
    on_disk = repo.disk_blobs([c.path for c in changes])
    changed_since = [card_id_of(c.path) or c.path for c in changes if on_disk.get(c.path) != c.after]
    if changed_since:
        raise TicklerError(
            f"cannot undo '{subject}': {', '.join(sorted(set(changed_since)))} changed since "
            "(by hand, by another command or by a merge); nothing was changed"
        )
    touched: dict[str, set[str]] = {}  # card id -> its paths after the change
    for change in changes:
        card_id = card_id_of(change.path)
        if card_id is not None:
            paths = touched.setdefault(card_id, set())
            if change.after is not None:
                paths.add(change.path)
    if not touched:
        return
    elsewhere = []
    for folder, card_id, _ in binder.card_paths():
        if card_id in touched:
            rel = card_rel(folder, card_id)
            if rel not in touched[card_id]:
                elsewhere.append(rel)
    if elsewhere:
        raise TicklerError(
            f"cannot undo '{subject}': {', '.join(sorted(elsewhere))} also holds a card the change "
            "touched (copied or dragged there since); undoing would leave that customer twice. "
            "Nothing was changed"
        )
