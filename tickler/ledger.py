"""The ledger: what the customer reports read of each card, kept beside the index.

A report needs of a card its name, owner, follow-up date, tags, own cadence and its Log entries,
never the rest of the front matter. Reading that out of 10,000 cards means parsing 10,000 YAML
headers; the ledger keeps it, one file per folder under ``.tickler/cache/ledger/``, keyed like
every cache entry by the card file's (name, mtime_ns, size). The Log in the card stays the truth:
an entry is used only while its file is unchanged, and a missing or damaged ledger is rebuilt
from the cards (only the time taken differs).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import progress
from .cache import Index, Walk, read_card
from .card.log import LogEntry, RawEntry, read_raw
from .errors import CardError
from .fsutil import FOLDER_CARD, SYMLINK_CARD
from .layout import linked_folder
from .summary import next_text

if TYPE_CHECKING:
    from .card import Card

LEDGER_VERSION = 1


Raw = RawEntry  # date ordinal, minutes (-1: none), kind, amount, text, line (``card.log.read_raw``)


class Account:
    """A card as the reports see it. Its Log entries (in date order) are made into objects only
    when asked for, and only the ones asked for: most reports look at purchases alone."""

    __slots__ = ("_entries", "bad", "cadence", "folder", "id", "name", "next", "owner", "raw", "tags")

    def __init__(
        self,
        folder: str,
        card_id: str,
        name: str,
        owner: str | None,
        next: str | None,  # as the index keeps it: YYYY-MM-DD[ HH:MM[:SS]]
        tags: tuple[str, ...],
        cadence: Any,  # the card's own ``cadence`` as written (None when it has none)
        raw: tuple[Raw, ...],
        bad: tuple[int, ...],  # the numbers of Log lines that break the grammar
    ):
        self.folder, self.id, self.name, self.owner, self.next = folder, card_id, name, owner, next
        self.tags, self.cadence, self.raw, self.bad = tags, cadence, raw, bad
        self._entries: tuple[LogEntry, ...] | None = None

    @property
    def rel(self) -> str:
        return f"{self.folder}/{self.id}.md"

    @property
    def entries(self) -> tuple[LogEntry, ...]:
        if self._entries is None:
            self._entries = tuple(_entry(r) for r in self.raw)
        return self._entries

    def purchases(self) -> tuple[LogEntry, ...]:
        """The ``purchase`` entries with an amount, in date order."""
        if self._entries is not None:
            return tuple(e for e in self._entries if e.kind == "purchase" and e.amount is not None)
        return tuple(_entry(r) for r in self.raw if r[2] == "purchase" and r[3] is not None)

    def of_kind(self, kind: str) -> tuple[LogEntry, ...]:
        """The entries of one kind, in date order."""
        if self._entries is not None:
            return tuple(e for e in self._entries if e.kind == kind)
        return tuple(_entry(r) for r in self.raw if r[2] == kind)

    def entries_between(self, start: dt.date, end: dt.date) -> list[LogEntry]:
        first, last = start.toordinal(), end.toordinal()
        return [_entry(r) for r in self.raw if first <= r[0] <= last]


_DATES: dict[int, dt.date] = {}  # one date object per day: a binder's Log has few distinct days
_TIMES: dict[int, dt.time] = {}


def _entry(raw: Raw) -> LogEntry:
    ordinal, minutes, kind, amount, text, line = raw
    day = _DATES.get(ordinal)
    if day is None:
        day = _DATES[ordinal] = dt.date.fromordinal(ordinal)
    time = None
    if minutes >= 0:
        time = _TIMES.get(minutes)
        if time is None:
            time = _TIMES[minutes] = dt.time(minutes // 60, minutes % 60)
    return LogEntry(day, time, kind, Decimal(amount) if amount is not None else None, text, line)


def account_of(folder: str, card_id: str, card: Card) -> Account:
    """The card as an account (its Log read straight into the ledger's tuples)."""
    raw, bad = read_raw(card.text, card.fm_end)
    return Account(
        folder,
        card_id,
        card.name,
        card.owner,
        next_text(card),
        tuple(card.tags),
        card.get("cadence"),
        tuple(raw),
        tuple(bad),
    )


def _encode(account: Account) -> tuple[Any, ...]:
    cadence = account.cadence
    plain = cadence is None or type(cadence) in (str, int, float, bool)
    if not plain and not (type(cadence) is list and all(type(c) is str for c in cadence)):
        cadence = ("unusual",)  # a date, a mapping...: no cadence either way (parse_cadence refuses it)
    return ("ok", account.name, account.owner, account.next, account.tags, cadence, account.raw, account.bad)


def _decode(folder: str, card_id: str, data: Any) -> Account | CardError | None:
    """An account (or the card's error) from what ``_encode`` wrote; None for another shape (the
    entries' own shape is vouched for by the file's checksum and version)."""
    if type(data) is not tuple or not data:
        return None
    if data[0] == "error" and len(data) == 3:
        line = data[2]
        where = f"{folder}/{card_id}.md"
        return CardError(str(data[1]), path=where, line=line if type(line) is int else None)
    if len(data) != 8 or data[0] != "ok":
        return None
    _, name, owner, nxt, tags, cadence, raw, bad = data
    if type(name) is not str or type(tags) is not tuple or type(raw) is not tuple or type(bad) is not tuple:
        return None
    return Account(folder, card_id, name, owner, nxt, tags, cadence, raw, bad)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a report builds and ranks a binder's accounts. Those
    are hundreds of thousands of small tuples without a reference cycle among them; with the
    collector on, its passes over them took over half of a report's time at 100,000 cards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Ledger:
    """The accounts of some folders, from the ledger where the card files are unchanged."""

    def __init__(self, index: Index):
        self.index = index

    def _file(self, folder: str) -> str:
        return f"{self.index.state}/ledger/{folder.replace('/', '-')}.v{LEDGER_VERSION}"

    def accounts(self, folders: tuple[str, ...] | list[str]) -> Iterator[Account | CardError]:
        """Every card of ``folders`` as an account, or the error that keeps it from being read,
        folder by folder in file-name order. Linked dividers are passed over (``check`` reports
        them); a linked card, a folder or a pipe named like a card is an error."""
        index = self.index
        progress.stage("Reading accounts", len(folders))
        index.build_aside(folders, self._file, lambda theirs: self.accounts(theirs))
        for folder in folders:
            if linked_folder(index.root, folder):
                continue
            index.wait_aside(self._file(folder))
            walk = Walk(index, folder, self._file(folder), LEDGER_VERSION, ordered=True)
            for seen in walk:
                card_id, rel = seen.name[:-3], f"{folder}/{seen.name}"
                if seen.kind != "file":
                    yield CardError(SYMLINK_CARD if seen.kind == "link" else FOLDER_CARD, path=rel)
                    continue
                found = _decode(folder, card_id, seen.kept) if seen.kept is not None else None
                data = seen.kept
                if found is None:
                    card, error = read_card(seen.path, rel)
                    if card is None:
                        assert error is not None
                        if "disappeared" in error.message:
                            continue
                        found, data = error, ("error", error.message, error.line)
                    else:
                        found = account_of(folder, card_id, card)
                        data = _encode(found)
                walk.keep(seen, data, new=data is not seen.kept)
                yield found
            walk.save()
            progress.step()
