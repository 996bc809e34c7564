"""The binder: its root, its folders, loading and saving cards, and the filing rule.

This module owns the folder layout. ``location_for`` is the one filing rule that every writer and
``check`` use; ``next`` in a card is the truth and its folder is derived from it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .card import Card, fold, format_entry, is_reserved_id, read_card_text, slugify
from .config import Settings, load_settings
from .dates import Due, parse_due, window_end
from .errors import (
    AmbiguousCard,
    BinderNotFound,
    CardError,
    CardNotFound,
    TicklerError,
    UsageError,
)
from .fsutil import atomic_move, atomic_write, batch_dir_syncs, binder_lock, is_temp_name

if TYPE_CHECKING:
    from .cache import Entry
    from .report import Contact

CARDS = "cards"
DAYS = "days"
MONTHS = "months"
TEMPLATES = "templates"
STATE = ".tickler"
RUNNING = "running"  # in STATE while a changing command runs: what it is
DAY_FOLDERS = tuple(f"{DAYS}/{d:02d}" for d in range(1, 32))
MONTH_FOLDERS = tuple(f"{MONTHS}/{m:02d}" for m in range(1, 13))
CARD_FOLDERS = (CARDS, *DAY_FOLDERS, *MONTH_FOLDERS)
CARD_SUFFIX = ".md"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def location_for(due: Due | None, today: dt.date) -> str:
    """The folder a card belongs in: ``cards``, ``days/DD`` or ``months/MM``.

    A card is in a day divider when its date falls before ``add_months(today, 1)`` (overdue
    included); in that window each day of the month occurs at most once, so a day divider never
    holds two dates. Later dates go under their month's divider.
    """
    if due is None:
        return CARDS
    if due.date < window_end(today):
        return f"{DAYS}/{due.date.day:02d}"
    return f"{MONTHS}/{due.date.month:02d}"


def filer(today: dt.date) -> Callable[[str | None], str]:
    """``location_for`` over the cache's written ``next`` (YYYY-MM-DD[ HH:MM]), remembered per
    value: a pass over a big binder meets a few hundred dates, not a hundred thousand."""
    seen: dict[str | None, str] = {}

    def folder_for(text: str | None) -> str:
        folder = seen.get(text)
        if folder is None:
            folder = seen[text] = location_for(None if text is None else parse_due(text), today)
        return folder

    return folder_for


@dataclass(frozen=True)
class Clock:
    """Today's date and, unless the clock is pinned to a date, the time of day."""

    today: dt.date
    now: dt.time | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | os._Environ[str] | None = None) -> Clock:
        env = os.environ if environ is None else environ
        pinned = env.get("TICKLER_TODAY", "").strip()
        if pinned:
            from .dates import parse_due

            try:
                due = parse_due(pinned)
            except TicklerError as exc:
                raise TicklerError(f"TICKLER_TODAY: {exc.message}") from None
            return cls(due.date, due.time)
        now = dt.datetime.now()
        return cls(now.date(), now.time().replace(second=0, microsecond=0))


def find_root(explicit: str | None = None, *, start: Path | None = None) -> Path:
    """The binder root: ``--binder``, else ``TICKLER_BINDER``, else the nearest folder upward
    from ``start`` that holds ``days/`` and ``months/``."""
    given = explicit if explicit else os.environ.get("TICKLER_BINDER") or None
    if given:
        root = Path(given).expanduser()
        if not (root / DAYS).is_dir() or not (root / MONTHS).is_dir():
            source = "--binder" if explicit else "TICKLER_BINDER"
            raise BinderNotFound(
                f"{source}: {root} is not a binder (it has no days/ and months/ folders); "
                "create one with 'tickler init'"
            )
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DAYS).is_dir() and (folder / MONTHS).is_dir():
            return folder
    raise BinderNotFound(
        "no binder here: no folder with days/ and months/ from this one upward. "
        "Run 'tickler init', or give --binder PATH or TICKLER_BINDER"
    )


@dataclass(frozen=True)
class Filed:
    """A card together with where it lies in the binder."""

    id: str
    folder: str  # "cards", "days/05", "months/12"
    card: Card

    @property
    def rel(self) -> str:
        return f"{self.folder}/{self.id}{CARD_SUFFIX}" if self.folder else f"{self.id}{CARD_SUFFIX}"


@dataclass(frozen=True)
class Change:
    """One card changed by a command: where it was and is, and its follow-up before and after."""

    id: str
    old_folder: str | None
    new_folder: str
    old_next: Due | None
    new_next: Due | None
    note: str = ""


@dataclass
class Scan:
    cards: list[Filed] = field(default_factory=list)
    problems: list[TicklerError] = field(default_factory=list)


@dataclass
class Transaction:
    """What one command changed: the paths it touched and the commit message that says so."""

    message: str = ""
    paths: set[str] = field(default_factory=set)
    details: list[str] = field(default_factory=list)


class Binder:
    def __init__(self, root: Path, settings: Settings | None = None):
        self.root = root
        self.settings = settings if settings is not None else load_settings(root)
        self.notices: list[str] = []  # things the user should know that are not errors
        self._tx: Transaction | None = None

    # ------------------------------------------------------------------ paths

    def path_of(self, folder: str, card_id: str) -> Path:
        return self.root / folder / f"{card_id}{CARD_SUFFIX}"

    def rel(self, path: Path) -> str:
        text, prefix = str(path), f"{self.root}{os.sep}"
        if text.startswith(prefix):  # the usual case, without pathlib's parsing (roll does thousands)
            return text[len(prefix) :].replace(os.sep, "/")
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def divider(self, folder: str) -> Path:
        """The folder ``folder`` (``days/05``), made when missing. Never a symbolic link: tickler
        does not write through one, so no card can land outside the binder."""
        if linked_folder(self.root, folder):
            raise TicklerError(f"{folder}/ is a symbolic link; tickler never writes through one")
        path = self.root / folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def lock(self) -> AbstractContextManager[None]:
        """The exclusive binder lock every mutating command holds."""
        return binder_lock(self.root / STATE)

    @contextmanager
    def changing(self, message: str, *, commit: bool = True) -> Iterator[Transaction]:
        """Hold the lock while a command changes files; then, in a git binder with autocommit on,
        make one commit of exactly the paths it touched. The command may refine the message.
        Nested inside another change (``sync`` refiling), it commits its own paths under the same lock.
        ``commit=False`` leaves committing to the caller (``watch`` batches its actions)."""
        outer = self._tx
        with self.lock() if outer is None else nullcontext():
            running = self.root / STATE / RUNNING
            if outer is None:
                self._recover(running)
                _mark(running, message)
            tx = Transaction(message)
            self._tx = tx
            try:
                with batch_dir_syncs():
                    yield tx
            finally:
                self._tx = outer
                try:
                    if tx.paths and commit:
                        self.commit(tx)
                finally:
                    if outer is None:
                        running.unlink(missing_ok=True)

    def _recover(self, running: Path) -> None:
        """Clean up after a changing command that died (killed, power cut) while it held the lock.

        It left its mark in ``.tickler/running``; the card files need nothing (every write is
        atomic, and ``check --fix`` refiles), but git may have been stopped holding a lock file
        (``index.lock``, ``HEAD.lock``, a branch's ``.lock``) that would block every later commit.
        Lock files made since that mark were made by git on that command's behalf: removed.
        """
        try:
            since = running.stat().st_mtime_ns
            what = running.read_text(encoding="utf-8", errors="replace").strip() or "a command"
        except FileNotFoundError:
            return
        except OSError:
            since, what = 0, "a command"
        from .git import find_repo

        repo = find_repo(self.root) if since else None
        if repo is not None:
            removed = repo.remove_locks_since(since)
            if removed:
                self.notices.append(
                    f"'{what}' was interrupted and left git locked; removed {', '.join(removed)}"
                )
        running.unlink(missing_ok=True)

    def touch(self, *paths: Path) -> None:
        """Record paths the current change wrote, for its commit."""
        if self._tx is not None:
            self._tx.paths.update(self.rel(p) for p in paths)

    def commit(self, tx: Transaction) -> None:
        """Commit a change's paths when the binder is a git repository with autocommit on."""
        if not self.settings.autocommit:
            return
        from .git import GitError, find_repo

        repo = find_repo(self.root)
        if repo is None:
            return
        try:
            busy = repo.in_the_middle()
            if busy:
                self.notices.append(f"git is in the middle of {busy}: the change is saved but not committed")
                return
            message = tx.message if not tx.details else tx.message + "\n\n" + "\n".join(tx.details)
            repo.commit_paths(tx.paths, message)
        except GitError as exc:
            self.notices.append(f"the change is saved but not committed: {exc.message}")

    # ------------------------------------------------------------------ reading

    def card_files(self, folders: Iterable[str] = CARD_FOLDERS) -> Iterator[tuple[str, str, Path]]:
        """(folder, id, path) of every card file in ``folders``; never follows a symlink."""
        for folder in folders:
            if linked_folder(self.root, folder):
                continue
            try:
                entries = list(os.scandir(self.root / folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in sorted(entries, key=lambda e: e.name):
                name = entry.name
                if not name.endswith(CARD_SUFFIX) or name.startswith(".") or is_temp_name(name):
                    continue
                yield folder, name[: -len(CARD_SUFFIX)], Path(entry.path)

    def load(self, folder: str, card_id: str) -> Filed:
        path = self.path_of(folder, card_id)
        rel = self.rel(path)
        try:
            text = read_card_text(path, rel)  # refuses a symbolic link, a folder, a pipe
        except FileNotFoundError:
            raise CardNotFound(f"no card '{card_id}' in {folder}/") from None
        return Filed(card_id, folder, Card.parse(text, source=rel))

    def scan(self, folders: Iterable[str] = CARD_FOLDERS) -> Scan:
        """Load every card in ``folders``; a malformed card is a problem, never a stop."""
        result = Scan()
        for folder, card_id, _ in self.card_files(folders):
            try:
                result.cards.append(self.load(folder, card_id))
            except TicklerError as exc:
                result.problems.append(exc)
        return result

    def index(self, folders: Iterable[str] = CARD_FOLDERS) -> Iterator[Entry]:
        """What each card in ``folders`` says, from the cache where the file is unchanged; made
        folder by folder as it is gone through."""
        from .cache import Index

        return Index(self.root).entries(list(folders))

    def load_into(self, scan: Scan, folder: str, card_id: str) -> None:
        try:
            scan.cards.append(self.load(folder, card_id))
        except TicklerError as exc:
            scan.problems.append(exc)

    def resolve(self, ref: str) -> Filed:
        """Find a card by id, unique id prefix, or path to its file."""
        folder, card_id = self._resolve_location(ref)
        return self.load(folder, card_id)

    def _resolve_location(self, ref: str) -> tuple[str, str]:
        if not ref.strip():
            raise TicklerError("an empty card name; give a card id, a prefix of one, or a path")
        if _CONTROL.search(ref):
            raise TicklerError(f"{ref!r}: a card reference cannot hold control characters")
        if "/" in ref or "\\" in ref or ref.endswith(CARD_SUFFIX):
            return self._location_from_path(ref)
        if ref in (".", "..") or ref.startswith("."):
            raise TicklerError(f"'{ref}' is not a card id")
        wanted = fold(ref)
        exact: list[tuple[str, str]] = []
        prefixed: list[tuple[str, str]] = []
        for folder, card_id, _ in self.card_files():
            key = fold(card_id)
            if key == wanted:
                exact.append((folder, card_id))
            elif key.startswith(wanted):
                prefixed.append((folder, card_id))
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise AmbiguousCard(ref, [f"{f}/{i}{CARD_SUFFIX}" for f, i in exact])
        if len(prefixed) == 1:
            return prefixed[0]
        if len(prefixed) > 1:
            raise AmbiguousCard(ref, [f"{i}  ({f})" for f, i in prefixed])
        raise CardNotFound(f"no card '{ref}' in the binder")

    def _location_from_path(self, ref: str) -> tuple[str, str]:
        candidate = Path(ref).expanduser()
        if not candidate.is_absolute():
            in_cwd = Path.cwd() / candidate
            candidate = in_cwd if in_cwd.exists() else self.root / candidate
        try:
            parent = candidate.parent.resolve()
            rel_parent = parent.relative_to(self.root).as_posix()
        except (ValueError, OSError):
            raise TicklerError(f"'{ref}' is outside the binder {self.root}") from None
        if rel_parent not in CARD_FOLDERS:
            raise TicklerError(f"'{ref}' is not in cards/, a day or a month divider of the binder")
        name = candidate.name
        if not name.endswith(CARD_SUFFIX) or name.startswith("."):
            raise TicklerError(f"'{ref}' is not a card file (cards are .md files)")
        card_id = name[: -len(CARD_SUFFIX)]
        if not self.path_of(rel_parent, card_id).exists():
            raise CardNotFound(f"no card file {rel_parent}/{name}")
        return rel_parent, card_id

    # ------------------------------------------------------------------ writing

    def save(self, filed: Filed, card: Card, today: dt.date) -> Filed:
        """Write ``card`` in place of ``filed`` and refile it where the filing rule says.

        The new text is written atomically first, then the file is renamed, so a crash leaves the
        card exactly once: old text, or new text (possibly still in the old folder, which ``check
        --fix`` or ``roll`` refiles).
        """
        path = self.path_of(filed.folder, filed.id)
        if card.text != filed.card.text:
            self.touch(path)
            atomic_write(path, card.text.encode("utf-8"))
        target = location_for(card.next, today)
        if target != filed.folder:
            self.divider(target)
            self.touch(path, self.path_of(target, filed.id))
            atomic_move(path, self.path_of(target, filed.id))
        return Filed(filed.id, target, card)

    def unique_id(self, name: str) -> str:
        base = slugify(name)
        if is_reserved_id(base):
            base = f"{base}-card"
        taken = {unicodedata.normalize("NFC", i).lower() for _, i, _ in self.card_files()}
        card_id, n = base, 2
        while card_id.lower() in taken:
            card_id = f"{base}-{n}"
            n += 1
        return card_id

    def template_text(self, template: str | None) -> tuple[str, str]:
        """The text of a blank form from ``templates/`` (``default.md`` when none is named)."""
        name = template or "default"
        if name.endswith(CARD_SUFFIX):
            name = name[: -len(CARD_SUFFIX)]
        if not name or "/" in name or "\\" in name or name.startswith(".") or _CONTROL.search(name):
            raise TicklerError(f"'{template}' is not a template name (a file name in templates/)")
        path = self.root / TEMPLATES / f"{name}{CARD_SUFFIX}"
        rel = self.rel(path)
        if path.is_symlink() or not path.is_file():
            if template is None:
                from .setup import form_text

                return form_text("default.md"), "(built-in default form)"
            available = sorted(p.stem for p in (self.root / TEMPLATES).glob(f"*{CARD_SUFFIX}"))
            raise TicklerError(
                f"no template '{name}' in templates/ (there are: {', '.join(available) or 'none'})"
            )
        try:
            return path.read_text(encoding="utf-8"), rel
        except (OSError, UnicodeDecodeError) as exc:
            raise CardError(f"cannot read template: {exc}", path=rel) from None

    def new_card(
        self,
        name: str,
        *,
        due: Due | None,
        today: dt.date,
        template: str | None = None,
        values: dict[str, str] | None = None,
        owner: str | None = None,
    ) -> Filed:
        name = " ".join(name.split())
        if not name:
            raise TicklerError("a card needs a name")
        if _CONTROL.search(name):
            raise TicklerError("the name holds control characters")
        values = dict(values or {})
        for key in ("name", "next"):
            if key in values:
                raise UsageError(
                    f"--set {key}=...: give the {key} as {'NAME' if key == 'name' else '--next'}"
                )
        text, source = self.template_text(template)
        form = Card.parse(text, source=source, validate=False)
        body = form.text[form.fm_end :].replace("{{name}}", name).replace("{{date}}", today.isoformat())
        form = Card.parse(form.text[: form.fm_end] + body, source=source, validate=False)
        card = form.with_field("name", name) if form.fields.get("name") != name else form
        if owner and "owner" not in values and not card.owner:
            values["owner"] = owner
        for key, value in values.items():
            card = card.with_field(key, _typed_value(value))
        if due is not None:
            card = card.with_field("next", due)
        elif card.next is not None and "next" not in values:
            card = card.with_field("next", None)  # a template's date belongs to no customer
        card = Card.parse(card.text, source=source)
        with self.changing("tickler new") as tx:
            card_id = self.unique_id(name)
            folder = location_for(card.next, today)
            self.divider(folder)
            path = self.path_of(folder, card_id)
            if path.exists():  # pragma: no cover - unique_id checked under the same lock
                raise TicklerError(f"{self.rel(path)} already exists")
            self.touch(path)
            atomic_write(path, card.text.encode("utf-8"))
            tx.message = f"tickler new: {card_id}" + (f" -> {card.next}" if card.next else "")
        return Filed(card_id, folder, card)

    def reschedule(self, ref: str, due: Due | None, *, clock: Clock, note: str | None = None) -> Change:
        """Set (or, with None, drop) a card's follow-up and refile it; a note goes in the Log."""
        with self.changing("tickler move") as tx:
            filed = self.resolve(ref)
            tx.message = f"tickler move: {filed.id} -> {due}" if due else f"tickler park: {filed.id}"
            card = filed.card
            if note is not None:
                where = f"to {due}" if due else "parked"
                card = card.with_entry(
                    format_entry(clock.today, "moved", f"{note} ({where})", time=clock.now)
                )
            if due != card.next:
                card = card.with_field("next", due)
            saved = self.save(filed, card, clock.today)
        return Change(filed.id, filed.folder, saved.folder, filed.card.next, saved.card.next)

    def add_entry(
        self,
        ref: str,
        text: str,
        *,
        clock: Clock,
        kind: str | None = None,
        amount: str | None = None,
        due: Due | None = None,
    ) -> tuple[Change, str]:
        """Append a Log entry (kind: the one given, else ``purchase`` for an amount, else the card's
        action, else ``note``); with ``due``, reschedule in the same write. Returns the entry too."""
        with self.changing("tickler log") as tx:
            filed = self.resolve(ref)
            tx.message = f"tickler log: {filed.id}" + (f" -> {due}" if due else "")
            entry_kind = kind or ("purchase" if amount is not None else filed.card.action or "note")
            text = text.strip()
            if due is not None:
                text = f"{text}{'' if not text or text[-1] in '.!?' else '.'} Next: {due}".strip()
            entry = format_entry(clock.today, entry_kind, text, time=clock.now, amount=amount)
            card = filed.card.with_entry(entry)
            if due is not None and due != card.next:
                card = card.with_field("next", due)
            saved = self.save(filed, card, clock.today)
        return Change(filed.id, filed.folder, saved.folder, filed.card.next, saved.card.next), entry

    # ------------------------------------------------------------------ roll and check

    def roll(self, today: dt.date, *, dry_run: bool = False) -> tuple[list[Change], list[TicklerError]]:
        """Roll overdue cards to the first workday on or after today, then refile every card whose
        folder is not the one the filing rule says. Running it twice changes nothing the second time."""
        workdays = self.settings.workday_calendar()
        landing = workdays.on_or_after(today)
        changes: list[Change] = []
        with self.changing("tickler roll") as tx:
            scan, refiles = self._roll_candidates(today)
            dividers: dict[str, Path] = {}  # each made (and checked for a link) once
            for folder, card_id, due in refiles:  # only the folder changes: the text is left as it is
                target = location_for(due, today)
                if not dry_run:
                    for f in (folder, target):
                        if f not in dividers:
                            dividers[f] = self.divider(f)
                    name = card_id + CARD_SUFFIX
                    source, dest = dividers[folder] / name, dividers[target] / name
                    self.touch(source, dest)
                    try:
                        atomic_move(source, dest)
                    except TicklerError as exc:
                        scan.problems.append(exc)
                        continue
                changes.append(Change(card_id, folder, target, due, due, "refiled"))
            contacts = self._contacts_due(scan.cards, today)
            for filed in scan.cards:
                card = filed.card
                due = card.next
                note = ""
                if due is not None and due.date < today:
                    new_due = due.with_date(landing)
                    card = card.with_entry(format_entry(today, "rolled", f"from {due.date.isoformat()}"))
                    card = card.with_field("next", new_due)
                    note = f"rolled from {due.date.isoformat()}"
                elif filed.id in contacts:
                    contact = contacts[filed.id]
                    card = card.with_entry(format_entry(today, contact.entry_kind, contact.why))
                    card = card.with_field("next", Due(landing)).with_field("action", contact.action)
                    note = f"{contact.action} due"
                target = location_for(card.next, today)
                if target == filed.folder and card is filed.card:
                    continue
                if not dry_run:
                    self.save(filed, card, today)
                changes.append(Change(filed.id, filed.folder, target, due, card.next, note or "refiled"))
            tx.message = f"tickler roll: {len(changes)} card{'s' if len(changes) != 1 else ''}"
            tx.details = [
                f"{c.id}: {c.old_next or 'no date'} -> {c.new_next or 'no date'} ({c.note})" for c in changes
            ]
        return changes, scan.problems

    def _wants_contacts(self) -> bool:
        cadence = self.settings.cadence
        return bool(cadence.default or cadence.tags or cadence.segments or self.settings.repurchase_reminder)

    def _roll_candidates(self, today: dt.date) -> tuple[Scan, list[tuple[str, str, Due | None]]]:
        """The cards roll may change: the overdue ones, read in full (they get a Log entry), and
        the misfiled ones, which only move: (folder, id, next) from the index, not read at all.
        When keep-in-touch cadences are set any card may be due a contact: all are read."""
        if self._wants_contacts():
            return self.scan(), []
        from .cache import Index, due_within, either, filed_elsewhere

        scan = Scan()
        refiles: list[tuple[str, str, Due | None]] = []
        folder_for = filer(today)
        overdue = due_within(dt.date.min, today - dt.timedelta(days=1))
        index = Index(self.root)
        for folder in CARD_FOLDERS:
            for entry in index.entries([folder], only=either(overdue, filed_elsewhere(folder, folder_for))):
                if entry.error is not None:
                    scan.problems.append(entry.error)
                    continue
                due = entry.summary.due if entry.summary else None
                if due is not None and due.date < today:
                    self.load_into(scan, entry.folder, entry.id)
                else:
                    refiles.append((entry.folder, entry.id, due))
        scan.cards.sort(key=lambda f: (f.folder, f.id))  # the folders' order, as a listing gives it
        refiles.sort(key=lambda r: (r[0], r[1]))
        return scan, refiles

    def _contacts_due(self, cards: list[Filed], today: dt.date) -> dict[str, Contact]:
        """Keep-in-touch contacts and repurchase calls due today (only when the settings ask)."""
        if not self._wants_contacts():
            return {}
        from .report import customers_from, keep_in_touch

        found, _ = customers_from(cards)
        return {c.filed.id: c for c in keep_in_touch(found, today, self.settings)}

    def check(self, today: dt.date) -> list[Problem]:
        """Every invariant of the binder; an empty list means the binder is true."""
        problems: list[Problem] = []
        by_id: dict[str, list[str]] = {}
        by_folded: dict[str, dict[str, str]] = {}
        folder_for = filer(today)
        for entry in self.index():
            rel = f"{entry.folder}/{entry.id}{CARD_SUFFIX}" if entry.id else entry.folder
            if entry.error is not None:
                kind = "symlink" if entry.error.message.startswith("is a symbolic link") else "malformed"
                problems.append(Problem(kind, rel, entry.error.message, entry.error.line))
                continue
            by_id.setdefault(entry.id, []).append(rel)
            by_folded.setdefault(unicodedata.normalize("NFC", entry.id).casefold(), {})[entry.id] = rel
            target = folder_for(entry.summary.next if entry.summary else None)
            if target != entry.folder:
                due = entry.summary.due if entry.summary else None
                why = f"next is {due}" if due else "it has no follow-up date"
                problems.append(Problem("misfiled", rel, f"{why}, so it belongs in {target}/"))
        for card_id, places in by_id.items():
            if len(places) > 1:
                problems.append(
                    Problem(
                        "duplicate",
                        places[0],
                        f"id '{card_id}' is in {len(places)} places: {', '.join(places)}",
                    )
                )
        for variants in by_folded.values():
            if len(variants) > 1:
                places = sorted(variants.values())
                problems.append(
                    Problem("clash", places[0], f"ids differ only by case or accents: {', '.join(places)}")
                )
        return problems

    def fix(self, today: dt.date) -> tuple[list[str], list[Problem]]:
        """Repair what can be repaired without guessing: refile misfiled cards, and give a duplicate
        id's extra copy a new id (identical copies are merged into one). Returns what was done and
        what is left."""
        done: list[str] = []
        with self.changing("tickler check --fix") as tx:
            for folder in CARD_FOLDERS:  # half-written temporary files of an interrupted write
                with suppress(FileNotFoundError, NotADirectoryError), os.scandir(self.root / folder) as it:
                    for item in it:
                        if is_temp_name(item.name) and item.is_file(follow_symlinks=False):
                            os.unlink(item.path)
                            done.append(f"{folder}/{item.name}: removed, left by an interrupted write")
            scan = self.scan()
            by_id: dict[str, list[Filed]] = {}
            for filed in scan.cards:
                by_id.setdefault(filed.id, []).append(filed)
            for card_id, copies in sorted(by_id.items()):
                keep, *extra = sorted(copies, key=lambda f: f.folder != location_for(f.card.next, today))
                for copy in extra:
                    path = self.path_of(copy.folder, copy.id)
                    if copy.card.text == keep.card.text:
                        self.touch(path)
                        path.unlink()
                        done.append(f"{copy.rel}: removed, an identical copy of {keep.rel}")
                        continue
                    new_id = self.unique_id(copy.card.name)
                    entry = format_entry(
                        today, "renamed", f"from {card_id}: the id was also used by {keep.rel}"
                    )
                    card = copy.card.with_entry(entry)
                    atomic_write(path, card.text.encode("utf-8"))
                    target = location_for(card.next, today)
                    self.divider(target)
                    self.touch(path, self.path_of(target, new_id))
                    atomic_move(path, self.path_of(target, new_id))
                    done.append(
                        f"{copy.rel}: renamed to {target}/{new_id}{CARD_SUFFIX} (id was also {keep.rel})"
                    )
                target = location_for(keep.card.next, today)
                if target != keep.folder:
                    self.save(keep, keep.card, today)
                    done.append(f"{keep.rel}: refiled to {target}/")
            tx.message = f"tickler check --fix: {len(done)} repair{'s' if len(done) != 1 else ''}"
            tx.details = done
        return done, self.check(today)


def linked_folder(root: Path, folder: str) -> bool:
    """Whether ``folder`` (``days/05``) or its parent is a symbolic link: never followed."""
    top, _, rest = folder.partition("/")
    return (root / top).is_symlink() or (bool(rest) and (root / folder).is_symlink())


def _mark(path: Path, message: str) -> None:
    with suppress(OSError):  # without the mark, only the clean-up after a later crash is lost
        path.write_text(message.splitlines()[0] if message else "", encoding="utf-8")


@dataclass(frozen=True)
class Problem:
    """One broken invariant: what kind, which file (and line), and what is wrong."""

    kind: str  # malformed, misfiled, duplicate, clash, symlink
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def _typed_value(value: str) -> object:
    """A ``--set KEY=VALUE`` value: text as typed, except a ``[a, b]`` list and true/false.

    Numbers stay text on purpose: ``+74951234567`` is a phone, not an integer."""
    text = value.strip()
    if not text:
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.startswith("[") and text.endswith("]"):
        from .card import load_yaml

        try:
            parsed = load_yaml(text)
        except Exception:
            return value
        if isinstance(parsed, list):
            return parsed
    return value
