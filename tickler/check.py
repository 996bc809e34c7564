"""``tickler check``: every invariant of the binder, and the repairs that need no guessing.

A card is readable, filed where its ``next`` says, and its id is unique (also when ids differ only
by case or Unicode normalisation); no divider or card is a symbolic link. ``fix`` refiles misfiled
cards, removes half-written temporary files and gives a duplicate id's extra copy a new id.
Cards that share an email or a phone number are reported as probable duplicates, a warning only.
A dossier folder ``files/<id>/`` whose card is gone is reported; no repair ever deletes files.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass

from . import progress
from .binder import Binder, Filed
from .card import format_entry
from .dedupe import Contacts, Duplicate, company_reader, contacts_of, probable_duplicates
from .dossier import folders, list_files
from .errors import TicklerError
from .fsutil import atomic_move, atomic_write, is_temp_name
from .layout import (
    CARD_FOLDERS,
    CARD_SUFFIX,
    CARDS,
    DAYS,
    FILES,
    MONTHS,
    card_id_of,
    card_rel,
    filer,
    linked_folder,
    location_for,
)
from .names import id_key


@dataclass(frozen=True)
class Problem:
    """One broken invariant: what kind, which file (and line), and what is wrong."""

    kind: str  # malformed, misfiled, duplicate, clash, symlink, stray
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def check(binder: Binder, today: dt.date) -> list[Problem]:
    """Every invariant of the binder; an empty list means the binder is true."""
    return examine(binder, today)[0]


def examine(
    binder: Binder, today: dt.date, phones: list[str] | None = None
) -> tuple[list[Problem], list[Duplicate]]:
    """Every invariant of the binder, and the cards that are probably one customer (a warning:
    they share an email or a phone number), in one pass over the index. Of each card only its
    first place under its id is kept; the few ids seen twice gather their places apart. Into
    ``phones``, when given, go every card's phone numbers (for the region ``check`` proposes)."""
    problems: list[Problem] = []
    first_place: dict[str, str] = {}
    places: dict[str, list[str]] = {}  # ids in more than one place
    first_variant: dict[str, tuple[str, str]] = {}
    variants: dict[str, dict[str, str]] = {}  # folded ids written more than one way
    broken: set[str] = set()  # ids of the card files that cannot be read (still there)
    folder_for = filer(today)

    def contacts() -> Iterator[Contacts]:
        for entry in binder.index():
            rel = card_rel(entry.folder, entry.id) if entry.id else entry.folder
            if entry.error is not None:
                kind = "symlink" if entry.error.message.startswith("is a symbolic link") else "malformed"
                problems.append(Problem(kind, rel, entry.error.message, entry.error.line))
                broken.add(entry.id)
                continue
            first = first_place.setdefault(entry.id, rel)
            if first != rel:
                places.setdefault(entry.id, [first]).append(rel)
            key = id_key(entry.id)
            seen = first_variant.setdefault(key, (entry.id, rel))
            if seen[0] != entry.id:
                variants.setdefault(key, {seen[0]: seen[1]})[entry.id] = rel
            if phones is not None and entry.summary is not None:
                phones.extend(entry.summary.phones.split())
            if (found := contacts_of(entry)) is not None:
                yield found
            target = folder_for(entry.summary.next if entry.summary else None)
            if target != entry.folder:
                due = entry.summary.due if entry.summary else None
                why = f"next is {due}" if due else "it has no follow-up date"
                problems.append(Problem("misfiled", rel, f"{why}, so it belongs in {target}/"))

    progress.stage("Checking cards", len(CARD_FOLDERS))
    duplicates = probable_duplicates(contacts(), binder.settings.region, company_reader(binder))
    on_disk = set(first_place) | broken
    problems += git_problems(binder, on_disk)
    for card_id, where in places.items():
        problems.append(
            Problem("duplicate", where[0], f"id '{card_id}' is in {len(where)} places: {', '.join(where)}")
        )
    for written in variants.values():
        found = sorted(written.values())
        problems.append(Problem("clash", found[0], f"ids differ only by case or accents: {', '.join(found)}"))
    problems.extend(stray_files(binder, on_disk))
    return problems, duplicates


FINISH = "'tickler sync' finishes it (an interrupted sync), or finish it with git"


def git_problems(binder: Binder, on_disk: set[str]) -> list[Problem]:
    """Where git's HEAD and the binder disagree, in a git binder tickler commits to: a card id at
    two paths in HEAD, a committed card no longer on disk, and index entries a killed git
    command left half-staged (a plain ``git commit`` would commit them)."""
    repo = binder.repo()
    if repo is None:
        return []
    from .git import GitError

    try:
        busy = repo.in_the_middle()
        if busy:  # its index and work tree are the merge's, not tickler's: nothing to compare yet
            return [Problem("git", ".git", f"git is in the middle of {busy}: {FINISH}")]
        committed = repo.committed([CARDS, DAYS, MONTHS])
        half = repo.half_staged([CARDS, DAYS, MONTHS])
    except GitError as exc:
        return [Problem("git", ".git", f"cannot compare with git: {exc.message}")]
    problems = []
    for card_id, paths in sorted(_by_id(committed).items()):
        if len(paths) > 1:
            problems.append(
                Problem(
                    "git", paths[0], f"id '{card_id}' is in git's HEAD {len(paths)} times: {', '.join(paths)}"
                )
            )
        if card_id not in on_disk:
            problems.append(
                Problem(
                    "git",
                    paths[0],
                    "is committed in git but missing on disk (deleted by hand?); 'tickler check --fix' "
                    "brings it back from git, 'git rm' removes the customer for good",
                )
            )
    for rel in half:
        problems.append(
            Problem(
                "git",
                rel,
                "staged in git's index as neither HEAD nor the binder has it (an interrupted git command)",
            )
        )
    return problems


def _by_id(rels: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for rel in sorted(rels):
        card_id = card_id_of(rel)
        if card_id is not None:
            found.setdefault(card_id, []).append(rel)
    return found


def stray_files(binder: Binder, ids: set[str]) -> list[Problem]:
    """Dossier folders in ``files/`` whose card is gone (deleted by hand, renamed outside
    tickler): reported, never removed, since the files may be the only copy. ``ids`` are the
    cards met, the malformed ones too (they are still there)."""
    if linked_folder(binder.root, FILES):
        return [Problem("symlink", FILES, "is a symbolic link; tickler never writes through one")]
    unknown = [name for name in folders(binder) if name not in ids and not name.startswith(".")]
    problems = []
    for name in unknown:
        rel = f"{FILES}/{name}"
        if not (binder.root / rel).is_dir() or os.path.islink(binder.root / rel):
            why = f"{FILES}/ holds a folder per card ({FILES}/ID/), not this"
            problems.append(Problem("stray", rel, why))
        elif list_files(binder, name):
            problems.append(
                Problem(
                    "stray",
                    rel + "/",
                    f"no card '{name}' for these files; move them to their card's {FILES}/ID/ "
                    "(or attach them again) and remove the folder",
                )
            )
    return problems


def fix(binder: Binder, today: dt.date) -> tuple[list[str], list[Problem]]:
    """Repair what can be repaired without guessing: refile misfiled cards, and give a duplicate
    id's extra copy a new id (identical copies are merged into one). Returns what was done and
    what is left."""
    done: list[str] = []
    repo = binder.repo()
    busy = repo.in_the_middle() if repo is not None else None
    if busy:  # a merge's own files: refiling or staging them now could lose a teammate's change
        raise TicklerError(f"git is in the middle of {busy}: {FINISH}; nothing was changed")
    with binder.changing("tickler check --fix") as tx:
        done += binder.bring_back_missing()
        binder.take_hand_edits()  # so that git holds what the binder holds when --fix is done
        for folder in CARD_FOLDERS:  # half-written temporary files of an interrupted write
            with suppress(FileNotFoundError, NotADirectoryError), os.scandir(binder.root / folder) as it:
                for item in it:
                    if is_temp_name(item.name) and item.is_file(follow_symlinks=False):
                        os.unlink(item.path)
                        done.append(f"{folder}/{item.name}: removed, left by an interrupted write")
        scan = binder.scan()
        by_id: dict[str, list[Filed]] = {}
        for filed in scan.cards:
            by_id.setdefault(filed.id, []).append(filed)
        for card_id, copies in sorted(by_id.items()):
            keep, *extra = sorted(copies, key=lambda f: f.folder != location_for(f.card.next, today))
            for copy in extra:
                path = binder.path_of(copy.folder, copy.id)
                if copy.card.text == keep.card.text:
                    binder.touch(path)
                    path.unlink()
                    done.append(f"{copy.rel}: removed, an identical copy of {keep.rel}")
                    continue
                new_id = binder.unique_id(copy.card.name)
                entry = format_entry(today, "renamed", f"from {card_id}: the id was also used by {keep.rel}")
                card = copy.card.with_entry(entry)
                target = location_for(card.next, today)
                binder.divider(target)
                binder.touch(path, binder.path_of(target, new_id))
                atomic_write(path, card.text.encode("utf-8"))
                atomic_move(path, binder.path_of(target, new_id))
                done.append(f"{copy.rel}: renamed to {target}/{new_id}{CARD_SUFFIX} (id was also {keep.rel})")
            target = location_for(keep.card.next, today)
            if target != keep.folder:
                binder.save(keep, keep.card, today)
                done.append(f"{keep.rel}: refiled to {target}/")
        tx.message = f"tickler check --fix: {len(done)} repair{'s' if len(done) != 1 else ''}"
        tx.details = done
    done += _unstage_half_staged(binder)
    return done, check(binder, today)


def _unstage_half_staged(binder: Binder) -> list[str]:
    repo = binder.repo()
    if repo is None:
        return []
    half = repo.half_staged([CARDS, DAYS, MONTHS])
    repo.unstage(half)
    return [f"{rel}: index entry put back as committed (left by an interrupted git command)" for rel in half]
