"""The store: finds the binder's root, loads and saves cards, moves them atomically, takes the
lock, and runs the one-commit transaction every changing command goes through.

It plans nothing: where a card belongs is the layout's rule (``layout.location_for``); rolling,
balancing and the other plans live above it and call it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from . import progress
from .config import Settings, load_settings
from .dates import Due
from .errors import AmbiguousCard, CardError, CardNotFound, TicklerError
from .fsutil import (
    WriteBehind,
    atomic_move,
    atomic_write,
    batch_dir_syncs,
    binder_lock,
    card_fits,
    read_card_text,
    writable,
)
from .layout import (
    CARD_FOLDERS,
    CARD_SUFFIX,
    RUNNING,
    STATE,
    card_id_of,
    card_rel,
    is_card_name,
    linked_folder,
    location_for,
)
from .names import fold, free_id, id_key
from .patterns import Pattern
from .transaction import (
    Journal,
    Left,
    Transaction,
    bytes_of,
    commit_change,
    left_by_checkout,
    read_journal,
    remove_temp_files,
    uncommitted_cards,
)

if TYPE_CHECKING:
    from .cache import Entry, Index, KeptCards
    from .card import Card
    from .git import Repo
    from .summary import Filter

_CARD_FOLDER_SET = frozenset(CARD_FOLDERS)
CONTROL = Pattern(r"[\x00-\x1f\x7f]")


class Filed(NamedTuple):
    """A card together with where it lies in the binder."""

    id: str
    folder: str  # "cards", "days/05", "months/12"
    card: Card

    @property
    def rel(self) -> str:
        return card_rel(self.folder, self.id)


class Change(NamedTuple):
    """One card changed by a command: where it was and is, and its follow-up before and after."""

    id: str
    old_folder: str | None
    new_folder: str
    old_next: Due | None
    new_next: Due | None
    note: str = ""


@dataclass(slots=True)
class Scan:
    """Cards read from the binder, and the problems met on the way (a malformed card never stops
    the others)."""

    cards: list[Filed] = field(default_factory=list)
    problems: list[TicklerError] = field(default_factory=list)


class Binder:
    def __init__(self, root: Path, settings: Settings | None = None):
        self.root = root
        self.settings = settings if settings is not None else load_settings(root)
        self.notices: list[str] = []  # things the user should know that are not errors
        self._tx: Transaction | None = None
        self._dirty: set[str] = set()  # card folders changed under the lock: indexed again at its end
        self._moves: list[tuple[str, str, str]] = []  # (from folder, to folder, file) renamed
        # Cards this change wrote, as (mtime_ns, size, card) by (folder, file): indexed at its end
        # without being read again, while the file is still as written.
        self._written: dict[tuple[str, str], tuple[int, int, Card]] = {}
        self._behind: WriteBehind | None = None  # new cards being written (create(later=True))
        self._behind_cards: dict[tuple[str, str], Card] = {}
        self._failed: dict[str, TicklerError] = {}  # card id -> why its later write failed
        self._dividers: set[str] = set()  # dividers made or found under the current lock
        self._index: Index | None = None
        self._repo: Repo | bool | None = False  # False: not looked for yet
        self._journal: Journal | None = None
        self._kept: KeptCards | None = None  # keep_cards(): parsed cards, by path

    def keep_cards(self) -> None:
        """Keep each card read, and read it again only when its file's size or time changes: for a
        binder that lives as long as a server (``serve``), where each page would parse again the
        same cards. The files stay the truth: a ``stat`` before each use says whether one changed."""
        from .cache import KeptCards

        self._kept = KeptCards()

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
        path = self.root / folder
        if folder in self._dividers:  # made (and checked) already in this change
            return path
        if linked_folder(self.root, folder):
            raise TicklerError(
                f"{folder}/ is a symbolic link; tickler never writes through one. Nothing was changed"
            )
        path.mkdir(parents=True, exist_ok=True)
        if self._tx is not None:
            self._dividers.add(folder)
        return path

    def lock(self) -> AbstractContextManager[None]:
        """The exclusive binder lock every mutating command holds."""
        state = self.root / STATE
        if os.path.islink(state):
            raise TicklerError(
                f"{STATE} is a symbolic link; tickler keeps its lock and cache there and never writes "
                f"through a link. Remove it (rm {STATE}): it holds nothing that cannot be made again",
                path=state,
            )
        return binder_lock(state)

    @contextmanager
    def changing(self, message: str, *, commit: bool = True) -> Iterator[Transaction]:
        """Hold the lock while a command changes files; then, in a git binder with autocommit on,
        make one commit of exactly the paths it touched (after a commit of the hand edits it found
        on the cards it touched, see ``Transaction``). The command may refine the message.
        Nested inside another change (``sync`` refiling), it commits its own paths under the same lock.
        ``commit=False`` leaves committing to the caller (``watch`` batches its actions).

        A command that fails before it changed a file commits nothing; one that fails part way
        (a disk filling up in the middle of an import) commits what it did, so that git holds
        what the binder holds."""
        outer = self._tx
        with self.lock() if outer is None else nullcontext():
            running = self.root / STATE / RUNNING
            carried = None
            if outer is None:
                carried = self._recover(running)
                self._journal = Journal(running, message)
                if carried is not None:  # (what could not be committed yet stays listed)
                    self._journal.add(sorted(carried.paths))
            tx = Transaction(message)
            self._tx = tx
            committed = True
            try:
                with batch_dir_syncs():
                    try:
                        yield tx
                    finally:
                        self._settle()  # (the folders' syncs and the commit come after every write)
                failed, self._failed = self._failed, {}
                if failed:  # a new card the command did not ask after (import does): say so
                    raise next(iter(failed.values()))
            finally:
                self._tx = outer
                try:
                    if carried is not None:  # leftovers git refused before (a merge was going on)
                        committed = self._commit_left(carried.paths, carried.what)
                    if tx.paths and commit:
                        committed = self.commit(tx) and committed
                finally:
                    if outer is None:
                        self._refresh_index()
                        journal, self._journal = self._journal, None
                        if journal is not None:
                            journal.close(keep=not committed)

    def _recover(self, running: Path) -> Left | None:
        """Clean up after a changing command that died (killed, power cut) while it held the lock,
        or whose commit failed (a full disk).

        It left its journal in ``.tickler/running``: what it was, then each path it was about to
        change. The card files need nothing (every write is atomic, and ``check --fix`` refiles),
        but git may have been stopped holding a lock file (``index.lock``, ``HEAD.lock``, a
        branch's ``.lock``) that would block every later commit: lock files made since the
        journal was begun were made by git on that command's behalf, and are removed. Then the
        paths it changed are committed as it left them, in a commit of their own, so that git
        holds what the binder holds before the next command begins. Returns the paths it could
        not commit (git in the middle of a merge): the new change tries again at its end.
        """
        left = read_journal(running)
        if left is None:
            return None
        for folder in sorted({rel.rpartition("/")[0] for rel in left.paths} & _CARD_FOLDER_SET):
            remove_temp_files(self.root / folder)  # half-written files of its atomic writes
        repo = self.repo() if left.since else None
        if repo is not None:
            removed = repo.remove_locks_since(left.since)
            if removed:
                self.notices.append(
                    f"'{left.what}' was interrupted and left git locked; removed {', '.join(removed)}"
                )
        if repo is not None and left.what.startswith("tickler sync"):
            self.notices.extend(self.bring_back_missing(empty=True))  # (git's checkout is not atomic)
        if repo is not None and left.paths and not self._commit_left(left.paths, left.what):
            return left  # (the next journal lists them, for a later command to try again)
        running.unlink(missing_ok=True)
        return None

    def _commit_left(self, paths: frozenset[str], what: str) -> bool:
        """Commit, in a commit of their own, the paths a crashed or failed command left."""
        tx = Transaction(f"tickler: what '{what}' left uncommitted")
        tx.paths = set(paths)
        tx.details = sorted(paths)
        if not self.commit(tx):
            return False
        self.notices.append(f"committed what '{what}' left uncommitted ({len(paths)} files)")
        return True

    def repo(self) -> Repo | None:
        """The git repository tickler commits to: None when the binder is not in one, or
        autocommit is off (then git is the user's business)."""
        if self._repo is False:
            from .git import find_repo

            self._repo = find_repo(self.root) if self.settings.autocommit else None
        return self._repo  # type: ignore[return-value]

    def touch(self, *paths: Path, was: bytes | None = None) -> None:
        """Record paths the current change is about to write (before it writes them), for its
        commit. ``was``: what the one path held before the command changed it (``edit``, whose
        editor wrote the file before tickler saw it); by default, what it holds now."""
        tx = self._tx
        if tx is None:
            return
        rels = [self.rel(p) for p in paths]
        if self._journal is not None:
            self._journal.add(rels)
        for rel in rels:
            if rel in tx.paths:
                continue
            card_id = card_id_of(rel)
            if card_id is not None:
                hand = self._uncommitted(tx).get(card_id)
                if hand:  # uncommitted changes of this card: git hears of them first
                    tx.hand.update(hand)
                    tx.before[rel] = was if was is not None else bytes_of(self.root / rel)
            tx.paths.add(rel)
            self._dirty.add(rel.rpartition("/")[0])

    def bring_back_missing(self, *, empty: bool = False) -> list[str]:
        """Write back from git's HEAD every committed card that is on disk nowhere (git's own
        checkout, killed in a sync's merge, can leave one so): a card is never lost; a customer
        is removed for good with ``git rm``. ``empty``: also each card file left empty (that
        checkout killed between making a file and writing it). What was done, a line a card."""
        repo = self.repo()
        if repo is None:
            return []
        files = {self.rel(p): i for _, i, p in self.card_files()}
        found, gone = left_by_checkout(repo, self.root, files, empty=empty)
        for rel in gone:
            self.touch(self.root / rel)
            (self.root / rel).unlink()
        for rel, data in found.items():
            self.divider(rel.rpartition("/")[0])
            self.touch(self.root / rel, was=data)  # (what git holds already: no hand edit of it)
            atomic_write(self.root / rel, data)
        back = [f"{rel}: brought back from git (it was committed but missing on disk)" for rel in found]
        return [f"{rel}: removed (an interrupted sync left it empty)" for rel in gone] + back

    def take_hand_edits(self) -> None:
        """Make every uncommitted card file part of the current change (committed first, as hand
        edits): ``check --fix`` leaves git holding what the binder holds."""
        tx = self._tx
        if tx is not None:
            rels = sorted({rel for rels in self._uncommitted(tx).values() for rel in rels})
            self.touch(*(self.root / rel for rel in rels))
            tx.keep_hand = True

    def _uncommitted(self, tx: Transaction) -> dict[str, list[str]]:
        """The cards whose files differ from git's HEAD (one ``git status`` a change)."""
        if tx.dirty is None:
            repo = self.repo()
            tx.dirty = uncommitted_cards(repo) if repo is not None else {}
        return tx.dirty

    def changed_by_hand(self, folder: str) -> None:
        """Note that a card in ``folder`` was saved from outside (``watch`` sees editors' saves):
        the folder's index is brought up to date at the end of the change, like a command's."""
        if self._tx is not None:
            self._dirty.add(folder)

    def moved(self, source: str, target: str, card_id: str) -> None:
        """Record that a card file was renamed from folder ``source`` to ``target``."""
        if self._tx is not None:
            self._moves.append((source, target, card_id + CARD_SUFFIX))

    def _refresh_index(self) -> None:
        """Bring the index of the folders a change touched up to date, under the lock it held:
        the cache entries of renamed cards go with them (no card is read again for a move), and
        the birthday view shows what the change wrote. The files stay the truth either way."""
        folders = sorted(f for f in self._dirty if f in _CARD_FOLDER_SET)
        moves, self._moves, self._dirty = self._moves, [], set()
        written, self._written = self._written, {}
        self._dividers = set()
        if not folders:
            return
        index = self.index_store()
        with suppress(OSError):
            index.transfer(moves)
            for _ in index.entries(folders, known=written):
                pass

    def settle(self) -> dict[str, TicklerError]:
        """Wait for the new cards ``create(later=True)`` is writing; the ids of those whose write
        failed (their files were not made), with the error."""
        self._settle()
        failed, self._failed = self._failed, {}
        return failed

    def _settle(self) -> None:
        behind, self._behind = self._behind, None
        if behind is None:
            return
        cards, self._behind_cards = self._behind_cards, {}
        for key, outcome in behind.settle():
            folder, card_id = cast(tuple[str, str], key)
            if isinstance(outcome, TicklerError):
                self._failed[card_id] = outcome
            else:
                mtime, size = outcome
                self._written[(folder, card_id + CARD_SUFFIX)] = (mtime, size, cards[(folder, card_id)])

    def _wrote(self, folder: str, card_id: str, path: Path, card: Card) -> None:
        if self._tx is not None:
            with suppress(OSError):
                info = path.stat()
                self._written[(folder, card_id + CARD_SUFFIX)] = (info.st_mtime_ns, info.st_size, card)

    def commit(self, tx: Transaction) -> bool:
        """Commit a change's paths when the binder is a git repository with autocommit on (see
        ``transaction.commit``); False when git could not (said in the notices)."""
        repo = self.repo()
        return True if repo is None else commit_change(repo, tx, self.root, self.notices)

    # ------------------------------------------------------------------ reading

    def card_files(self, folders: Iterable[str] = CARD_FOLDERS) -> Iterator[tuple[str, str, Path]]:
        """(folder, id, path) of every card file in ``folders``; never follows a symlink."""
        return ((folder, card_id, Path(path)) for folder, card_id, path in self.card_paths(folders))

    def card_paths(self, folders: Iterable[str] = CARD_FOLDERS) -> Iterator[tuple[str, str, str]]:
        """``card_files`` with each path as text (no path object made: cheaper by the thousand)."""
        self._settle()
        for folder in folders:
            if linked_folder(self.root, folder):
                continue
            try:
                entries = list(os.scandir(self.root / folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in sorted(entries, key=lambda e: e.name):
                name = entry.name
                if not is_card_name(name):
                    continue
                yield folder, name[: -len(CARD_SUFFIX)], entry.path

    def load(self, folder: str, card_id: str) -> Filed:
        self._settle()
        path = self.path_of(folder, card_id)
        rel = self.rel(path)
        kept = self._kept.get(path, rel) if self._kept is not None else None
        if kept is not None and kept.card is not None:
            return Filed(card_id, folder, kept.card)
        try:
            text = read_card_text(path, rel)  # refuses a symbolic link, a folder, a pipe
        except FileNotFoundError:
            raise CardNotFound(f"no card '{card_id}' in {folder}/") from None
        from .card import Card

        card = Card.parse(text, source=rel)
        if kept is not None and self._kept is not None:  # (stat first: a change meanwhile reads again)
            self._kept.keep(rel, kept, card)
        return Filed(card_id, folder, card)

    def scan(self, folders: Iterable[str] = CARD_FOLDERS) -> Scan:
        """Load every card in ``folders``; a malformed card is a problem, never a stop."""
        result = Scan()
        folders = list(folders)
        progress.stage("Reading cards", len(folders))
        for folder in folders:
            for _, card_id, _ in self.card_files((folder,)):
                try:
                    result.cards.append(self.load(folder, card_id))
                except TicklerError as exc:
                    result.problems.append(exc)
            progress.step()
        return result

    def index(
        self,
        folders: Iterable[str] = CARD_FOLDERS,
        *,
        only: Filter | None = None,
        rows: Filter | None = None,
    ) -> Iterator[Entry]:
        """What each card in ``folders`` says, from the cache where the file is unchanged; made
        folder by folder as it is gone through (``cache.Index.entries`` tells ``only`` and ``rows``)."""
        return self.index_store().entries(list(folders), only=only, rows=rows)

    def texts(self, words: list[str]) -> Iterator[tuple[str, str, CardError | None]]:
        """The cards whose whole text holds every word (folded), from the text cache where the
        files are unchanged (``cache.Index.texts``)."""
        return self.index_store().texts(CARD_FOLDERS, words)

    def index_store(self) -> Index:
        """The binder's index (the cache beside it), made once."""
        if self._index is None:
            from .cache import Index

            self._index = Index(self.root, aside=self._kept is None)  # (a server reads in one process)
        return self._index

    def load_into(self, scan: Scan, folder: str, card_id: str) -> None:
        try:
            scan.cards.append(self.load(folder, card_id))
        except TicklerError as exc:
            scan.problems.append(exc)

    def resolve(self, ref: str) -> Filed:
        """Find a card by id, unique id prefix, or path to its file."""
        folder, card_id = self._resolve_location(ref)
        return self.load(folder, card_id)

    def locate(self, ref: str) -> tuple[str, str]:
        """(folder, id) of a card by id, unique id prefix, or path, without reading it: a card
        broken by hand is found too (``edit`` opens it to be mended, ``show`` prints it)."""
        return self._resolve_location(ref)

    def _resolve_location(self, ref: str) -> tuple[str, str]:
        if not ref.strip():
            raise TicklerError("an empty card name; give a card id, a prefix of one, or a path")
        if CONTROL.search(ref):
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

        Everything that can refuse is asked before the first write: the card's size, the target
        divider (not a link, writable), the folder it leaves. The new text is then written
        atomically, and the file renamed, so a crash leaves the card exactly once: old text, or
        new text (possibly still in the old folder, which ``check --fix`` or ``roll`` refiles).
        A rename that still fails puts the old text back: the command changed nothing.
        """
        self._settle()
        path = self.path_of(filed.folder, filed.id)
        target = location_for(card.next, today)
        data = card.text.encode("utf-8") if card.text != filed.card.text else None
        if data is not None:
            card_fits(data, self.rel(path))
        dest = self.path_of(target, filed.id)
        if target != filed.folder:
            self.divider(target)
            writable(self.root, filed.folder)
            writable(self.root, target)
            if os.path.lexists(dest):
                raise TicklerError(f"{self.rel(dest)} already exists; nothing was changed")
        if data is not None:
            self.touch(path)
            atomic_write(path, data)
            self._wrote(filed.folder, filed.id, path, card)
        if target != filed.folder:
            self.touch(path, dest)
            try:
                atomic_move(path, dest)
            except TicklerError:
                if data is not None:  # as it was: the command changed nothing
                    with suppress(TicklerError):
                        atomic_write(path, filed.card.text.encode("utf-8"))
                raise
            self.moved(filed.folder, target, filed.id)
            known = self._written.pop((filed.folder, filed.id + CARD_SUFFIX), None)
            if known is not None:
                self._written[(target, filed.id + CARD_SUFFIX)] = known
        return Filed(filed.id, target, card)

    def create(self, card: Card, today: dt.date, *, card_id: str | None = None, later: bool = False) -> Filed:
        """Write a new card where the filing rule says, under ``card_id`` or a new id made from
        its name; never over an existing file. With ``later`` (inside ``changing``), the write is
        handed to a writer thread: ``settle`` says which failed, and any other use of the binder
        waits for them first."""
        card_id = card_id or self.unique_id(card.name)
        folder = location_for(card.next, today)
        path = self.path_of(folder, card_id)
        data = card.text.encode("utf-8")
        card_fits(data, self.rel(path))
        if folder not in self._dividers:
            self.divider(folder)
            writable(self.root, folder)
        if os.path.lexists(path) or (folder, card_id) in self._behind_cards:
            raise TicklerError(f"{self.rel(path)} already exists")
        self.touch(path)
        if later and self._tx is not None:
            if self._behind is None:
                self._behind = WriteBehind()
            self._behind_cards[(folder, card_id)] = card
            self._behind.write((folder, card_id), path, data)
        else:
            self._settle()
            atomic_write(path, data)
            self._wrote(folder, card_id, path, card)
        return Filed(card_id, folder, card)

    def taken_ids(self) -> set[str]:
        """The ids in the binder, as ``names.id_key`` compares them."""
        return {id_key(i) for _, i, _ in self.card_files()}

    def unique_id(self, name: str, taken: set[str] | None = None) -> str:
        """A new card id from ``name`` (``names.free_id``), free in ``taken`` when given
        (``taken_ids``, kept up to date by a command that creates many cards), else in the binder."""
        return free_id(name, self.taken_ids() if taken is None else taken)
