"""``tickler edit``: open a card in the user's editor, then refile it and say what changed."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass

from .binder import Binder, Filed
from .dates import Clock
from .errors import CardError, TicklerError


@dataclass(frozen=True)
class EditResult:
    before: Filed | None  # None: the card could not be read before the edit (``broken`` says why)
    after: Filed | None  # None: the saved card is malformed and was left as written
    changes: list[str]
    problem: CardError | None = None
    broken: CardError | None = None  # why the card could not be read when it was opened


@dataclass(frozen=True)
class Opened:
    """A card file about to be edited: where it is, the card (None when it cannot be read, and
    ``broken`` says why: edit opens it as it is, to be mended) and its bytes before the edit."""

    folder: str
    id: str
    before: Filed | None
    broken: CardError | None
    was: bytes


def open_card(binder: Binder, ref: str) -> Opened:
    """The card ``ref`` names, found by its file (id, prefix or path) so that a card broken by
    hand can be opened too. A file that is no text file (a link, a folder) is refused."""
    from .fsutil import read_plain

    folder, card_id = binder.locate(ref)
    path = binder.path_of(folder, card_id)
    was = read_plain(path, binder.rel(path))  # (refuses a link, a folder, a pipe)
    try:
        return Opened(folder, card_id, binder.load(folder, card_id), None, was)
    except CardError as exc:
        return Opened(folder, card_id, None, exc, was)


def editor_command() -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, else vi, split like a shell would but never run by one."""
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                raise TicklerError(f"{var}={value!r} cannot be read as a command") from None
            if words:
                return words
    for fallback in ("vi", "nano"):
        if shutil.which(fallback):
            return [fallback]
    raise TicklerError("no editor: set VISUAL or EDITOR, e.g. export EDITOR=nano")


def edit(binder: Binder, ref: str | Opened, clock: Clock) -> EditResult:
    """Open the card in the editor; then, when it reads, refile it (one commit of the edit) and
    say what changed. A card broken before is opened as it is: the result says whether it reads
    now (``broken`` is why it did not)."""
    opened = ref if isinstance(ref, Opened) else open_card(binder, ref)
    path = binder.path_of(opened.folder, opened.id)
    command = [*editor_command(), str(path)]
    try:
        done = subprocess.run(command, check=False)
    except OSError as exc:
        raise TicklerError(f"cannot start the editor '{command[0]}': {exc.strerror}") from None
    if done.returncode != 0:
        raise TicklerError(
            f"the editor '{command[0]}' exited with code {done.returncode}; card left as saved"
        )
    before = opened.before
    with binder.changing(f"tickler edit: {opened.id}"):
        try:
            edited = binder.load(opened.folder, opened.id)
        except CardError as exc:
            return EditResult(before, None, [], exc, opened.broken)
        if before is None or edited.card.text != before.card.text:  # the editor's change is this command's
            binder.touch(path, was=opened.was)
        after = binder.save(edited, edited.card, clock.today)
    if before is None:
        moved = [f"refiled {opened.folder}/ -> {after.folder}/"] if after.folder != opened.folder else []
        return EditResult(None, after, ["the card reads now", *moved], None, opened.broken)
    return EditResult(before, after, describe_changes(before, after))


def describe_changes(before: Filed, after: Filed) -> list[str]:
    """What an edit changed, in a rep's words: keys from -> to, Log entries added, the move."""
    old, new = before.card.fields, after.card.fields
    lines = []
    for key in [*old, *(k for k in new if k not in old)]:
        if key not in new:
            lines.append(f"{key} removed")
        elif key not in old:
            lines.append(f"{key}: {new[key]}")
        elif old[key] != new[key]:
            lines.append(f"{key}: {_show(old[key])} -> {_show(new[key])}")
    added = len(after.card.log()[0]) - len(before.card.log()[0])
    if added > 0:
        lines.append(f"{added} Log entr{'y' if added == 1 else 'ies'} added")
    if before.card.body != after.card.body and added <= 0:
        lines.append("notes changed")
    if after.folder != before.folder:
        lines.append(f"refiled {before.folder}/ -> {after.folder}/")
    return lines


def _show(value: object) -> str:
    return "(empty)" if value is None else str(value)
