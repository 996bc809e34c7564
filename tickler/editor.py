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
    before: Filed
    after: Filed | None  # None: the saved card is malformed and was left as written
    changes: list[str]
    problem: CardError | None = None


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


def edit(binder: Binder, ref: str, clock: Clock) -> EditResult:
    before = binder.resolve(ref)
    path = binder.path_of(before.folder, before.id)
    command = [*editor_command(), str(path)]
    try:
        done = subprocess.run(command, check=False)
    except OSError as exc:
        raise TicklerError(f"cannot start the editor '{command[0]}': {exc.strerror}") from None
    if done.returncode != 0:
        raise TicklerError(
            f"the editor '{command[0]}' exited with code {done.returncode}; card left as saved"
        )
    with binder.changing(f"tickler edit: {before.id}"):
        try:
            edited = binder.load(before.folder, before.id)
        except CardError as exc:
            return EditResult(before, None, [], exc)
        if edited.card.text != before.card.text:  # the editor's change is this command's own
            binder.touch(path, was=before.card.text.encode("utf-8"))
        after = binder.save(edited, edited.card, clock.today)
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
