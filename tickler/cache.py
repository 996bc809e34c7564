"""The index: a cache of what each card's front matter says, so whole-binder commands need not parse
every card. It sits beside the store and knows the layout, never the store itself.

It lives in ``.tickler/cache/``, one file per folder, keyed by each card file's (name, mtime_ns,
size). The files stay the only truth: an entry is used only while its file's size and mtime are
unchanged, a cache that is missing, corrupt (it carries a checksum), or from another version is
rebuilt, and deleting it changes no answer (only the time taken). It stores data only (marshal of
plain values), nothing that can run.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from . import progress
from .dates import Due, parse_due
from .errors import CardError
from .fsutil import FOLDER_CARD, SYMLINK_CARD, atomic_write, read_card_text
from .layout import STATE, linked_folder
from .names import fold
from .patterns import Pattern

if TYPE_CHECKING:
    from .card import Card

VERSION = 8  # 8: each entry keeps the card's anniversary beside its birthday
_OK = 9  # the length of a readable card's entry
TEXT_VERSION = 1
_NON_DIGITS = Pattern(r"\D+")
_PLAIN_DATE = Pattern(r"\d{4}-\d\d-\d\d")
_SKIPPED_IN_LAST = ("rolled", "balanced")  # tickler's own bookkeeping, not a contact

Row = tuple[str, str, str, str]  # what a listing shows of a card: company, phone, action, last word


def _cell(value: Any) -> str:
    """A front-matter value as a table shows it: a list (two phones) as ``a, b``."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v is not None)
    return str(value)


def row_of(card: Card) -> Row:
    """The columns a card table shows besides the date and the name."""
    last = card.last_entry(skip=_SKIPPED_IN_LAST)
    last_text = ""
    if last is not None:
        last_text = f"{last.date.isoformat()} {last.kind}"
        if last.amount is not None:
            last_text += f" {last.amount}"
        last_text += f": {last.text}" if last.text else ""
    company, phone = card.get("company"), card.get("phone")
    return (
        _cell(company),
        _cell(phone),
        card.action or "",
        last_text,
    )


def last_kind(row: Row | None) -> str | None:
    """The kind of the last Log entry a table row shows (``request`` for an open request)."""
    if not row or not row[3]:
        return None
    parts = row[3].split(" ", 2)
    return parts[1].rstrip(":") if len(parts) > 1 else None


class Summary:
    """What listings need to know of a card without reading it again."""

    __slots__ = ("_due", "anniversary", "birthday", "name", "next", "owner", "phones", "row", "search")

    def __init__(
        self,
        name: str,
        next: str | None,  # normalised: YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]
        owner: str | None,
        search: str,  # folded name, id, company, email, phone, tags, one per line
        phones: str,  # each phone's digits (after a + when written with one), separated by spaces
        birthday: str | None,
        row: Row | None = None,  # made when a listing first shows the card (see Index.entries)
        anniversary: str | None = None,
    ):
        self.name, self.next, self.owner, self.search = name, next, owner, search
        self.phones, self.birthday, self.row, self.anniversary = phones, birthday, row, anniversary
        self._due: Due | bool | None = False  # worked out when first asked

    @property
    def due(self) -> Due | None:
        if self._due is False:
            self._due = self._read_due()
        return self._due  # type: ignore[return-value]

    def _read_due(self) -> Due | None:
        if self.next is None:
            return None
        if len(self.next) == 10:  # the common plain date: no need for the full grammar
            try:
                return Due(dt.date.fromisoformat(self.next))
            except ValueError:
                pass
        return parse_due(self.next)

    @classmethod
    def of(cls, card_id: str, card: Card, *, with_row: bool = False) -> Summary:
        texts = [card.name, card_id, *card.tags]
        phones = []
        for key in ("company", "email", "phone"):
            value = card.get(key)
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    texts.append(str(item))
                    if key == "phone":
                        number = str(item).strip()
                        plus = "+" if number.startswith("+") else ""
                        phones.append(plus + _NON_DIGITS.sub("", number))
        birthday, anniversary = card.get("birthday"), card.get("anniversary")
        return cls(
            card.name,
            next_text(card),
            card.owner,
            fold("\n".join(texts)),  # (a line break folds to itself and joins nothing)
            " ".join(phones),
            birthday if isinstance(birthday, str) else None,
            row_of(card) if with_row else None,
            anniversary if isinstance(anniversary, str) else None,
        )


def next_text(card: Card) -> str | None:
    """The card's ``next`` in the normal form the cache keeps: YYYY-MM-DD[ HH:MM[:SS]]."""
    written = card.fields.get("next")
    if isinstance(written, str) and _PLAIN_DATE.fullmatch(written):
        return written  # checked by Card.parse, and already in the normal form
    due = card.next
    return str(due) if due is not None else None


class Entry(NamedTuple):
    folder: str
    id: str
    path: str
    summary: Summary | None
    error: CardError | None


def read_card(path: str, rel: str) -> tuple[Card | None, CardError | None]:
    from .card import Card

    try:
        return Card.parse(read_card_text(path, rel), source=rel), None
    except CardError as exc:
        return None, exc
    except FileNotFoundError:
        return None, CardError("disappeared while it was read", path=rel)


class Index:
    """Entries for the card files of some folders, from the cache where the files are unchanged."""

    def __init__(self, root: Path, *, use_cache: bool = True):
        self.root = root
        self.state = f"{root}/{STATE}/cache"  # text paths: a listing makes hundreds of them
        self.use_cache = use_cache

    def _cache_file(self, folder: str) -> str:
        return f"{self.state}/{folder.replace('/', '-')}.v{VERSION}"

    def _text_file(self, folder: str) -> str:
        return f"{self.state}/text/{folder.replace('/', '-')}.v{TEXT_VERSION}"

    def load(self, path: str, version: int = VERSION) -> dict[str, Any]:
        if not self.use_cache:
            return {}
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError:
            return {}
        # A checksum guards against a damaged file; marshal builds plain values (a code object it
        # might hold is never run). Anything but the shape written here reads the folder again.
        payload = memoryview(raw)[4:]
        if len(raw) < 4 or zlib.crc32(payload) != int.from_bytes(raw[:4], "big"):
            return {}
        try:
            data = marshal.loads(payload)  # noqa: S302
        except (ValueError, EOFError, TypeError):
            return {}
        if (
            not isinstance(data, dict)
            or data.get("version") != version
            or not isinstance(data.get("cards"), dict)
        ):
            return {}
        return data["cards"]  # type: ignore[no-any-return]

    def save(self, where: str, cards: dict[str, Any], version: int = VERSION) -> None:
        if not self.use_cache:
            return
        payload = marshal.dumps({"version": version, "cards": cards})
        path = Path(where)
        try:
            if not path.exists():  # a first build: files an older version left go
                path.parent.mkdir(parents=True, exist_ok=True)
                for old in path.parent.glob(path.name.split(".")[0] + ".*"):
                    if not old.name.startswith(".") and old.is_file():
                        old.unlink()
            data = zlib.crc32(payload).to_bytes(4, "big") + payload
            atomic_write(path, data, durable=False)
        except Exception:  # noqa: S110 - failing to save the cache changes no answer
            pass

    def texts(
        self, folders: tuple[str, ...] | list[str], words: list[str]
    ) -> Iterator[tuple[str, str, CardError | None]]:
        """(folder, id, None) of the cards of ``folders`` whose whole text, folded (no case, no
        accents), holds every one of ``words``, and (folder, id, error) of the files that cannot be
        read. Each card's folded text is kept in a cache of its own (``text/``), made the first
        time a text search meets the card and keyed like the rest by the file's size and
        modification time."""
        for folder in folders:
            if linked_folder(self.root, folder):
                continue
            try:
                listing = list(os.scandir(self.root / folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            store = self._text_file(folder)
            cached = self.load(store, TEXT_VERSION)
            fresh: dict[str, tuple[Any, ...]] = {}
            changed = False
            for entry in listing:
                name = entry.name
                if name[0] == "." or not name.endswith(".md"):
                    continue
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                hit = cached.get(name)
                if (
                    hit is not None
                    and hit[0] == stat.st_mtime_ns
                    and hit[1] == stat.st_size
                    and type(hit[2]) is str
                ):
                    text = hit[2]
                else:
                    try:
                        text = fold(read_card_text(entry.path, f"{folder}/{name}"))
                    except FileNotFoundError:
                        continue
                    except CardError as exc:
                        yield folder, name[:-3], exc
                        continue
                    changed = True
                fresh[name] = (stat.st_mtime_ns, stat.st_size, text)
                if all(word in text for word in words):
                    yield folder, name[:-3], None
            if changed or fresh.keys() != cached.keys():
                self.save(store, fresh, TEXT_VERSION)

    def entries(
        self,
        folders: tuple[str, ...] | list[str],
        *,
        only: Filter | None = None,
        rows: Filter | None = None,
        known: dict[tuple[str, str], tuple[int, int, Card]] | None = None,
    ) -> Iterator[Entry]:
        """The entries folder by folder, as they are made: a caller that goes through them once
        never holds more than a folder's worth in memory. ``known`` holds cards the caller has
        just written, by (folder, file name), with the mtime and size they were written with: a
        file still in that state is not read again.

        With ``only`` (``matching_text``, ``with_birthday``, ``due_within``), a readable card is
        yielded only when the filter accepts its cached summary; the filter is asked before any
        object is made, so that looking through a big binder costs little more than a ``stat``
        per card. Cards that cannot be read are always yielded, as problems. The yielded cards
        that ``rows`` accepts come with their table row (``Summary.row``), read from the card
        once and then kept in the cache with the rest."""
        for folder in folders:
            if linked_folder(self.root, folder):
                message = "is a symbolic link; dividers must be plain folders in the binder"
                yield Entry(folder, "", str(self.root / folder), None, CardError(message, path=folder))
                continue
            try:
                listing = list(os.scandir(f"{self.root}/{folder}"))
                if only is None:  # a filter's few answers are sorted by the caller
                    listing.sort(key=lambda e: e.name)
            except (FileNotFoundError, NotADirectoryError):
                continue
            cached = self.load(self._cache_file(folder))
            fresh: dict[str, tuple[Any, ...]] = {}
            changed = False
            for entry in listing:
                name = entry.name  # hidden and temporary files start with "."
                if name[0] == "." or not name.endswith(".md"):
                    continue
                if not entry.is_file(follow_symlinks=False) and (entry.is_symlink() or entry.is_dir()):
                    message = SYMLINK_CARD if entry.is_symlink() else FOLDER_CARD
                    yield Entry(
                        folder, name[:-3], entry.path, None, CardError(message, path=f"{folder}/{name}")
                    )
                    continue  # (a pipe or a device goes on, to be refused when read)
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                mtime, size = stat.st_mtime_ns, stat.st_size
                hit: Any = cached.get(name)
                encoded: Any = None
                if hit is not None:
                    try:  # the checksum vouches for the file; an entry of another shape is read again
                        if (
                            hit[0] == mtime
                            and hit[1] == size
                            and (len(hit[2]) == _OK or hit[2][0] == "error")
                        ):
                            encoded = hit[2]
                            skip = only is not None and encoded[0] == "ok" and not only(encoded)
                    except (TypeError, LookupError, AttributeError):
                        encoded = None
                rel, card_id = f"{folder}/{name}", name[:-3]
                card, error = None, None
                if encoded is None:
                    seen = known.get((folder, name)) if known else None
                    if seen is not None and seen[0] == mtime and seen[1] == size:
                        card, error = seen[2], None
                    else:
                        card, error = read_card(entry.path, rel)
                    encoded = _encode(Summary.of(card_id, card) if card else None, error)
                    skip = only is not None and encoded[0] == "ok" and not only(encoded)
                    hit = (mtime, size, encoded)
                    changed = True
                fresh[name] = hit
                if skip:
                    continue
                decoded = _decode(encoded, rel)
                if decoded is None or (
                    rows is not None and encoded[0] == "ok" and encoded[7] is None and rows(encoded)
                ):  # a shape this version never writes, or a row wanted for the first time
                    if card is None and error is None:  # not read yet in this pass
                        card, error = read_card(entry.path, rel)
                    summary = Summary.of(card_id, card, with_row=rows is not None) if card else None
                    encoded = _encode(summary, error)
                    decoded = _decode(encoded, rel)
                    assert decoded is not None
                    fresh[name] = (mtime, size, encoded)
                    changed = True
                yield Entry(folder, card_id, entry.path, *decoded)
            if changed or fresh.keys() != cached.keys():
                self.save(self._cache_file(folder), fresh)
            if changed or fresh.keys() != cached.keys() or not os.path.exists(self._birthday_file(folder)):
                self._save_birthdays(folder, fresh)
            if changed or fresh.keys() != cached.keys() or not os.path.exists(self._search_file(folder)):
                self._save_search(folder, fresh)
            progress.step()

    # ------------------------------------------------------------------ searching

    def _search_file(self, folder: str) -> str:
        return f"{self.state}/search/{folder.replace('/', '-')}.v{VERSION}"

    def _save_search(self, folder: str, cards: dict[str, tuple[Any, ...]]) -> None:
        """The folder's search texts and phones, each run together into one string, with the state
        of every file: ``search`` asks them before going through the folder card by card."""
        stamps, texts, phones, errors = {}, [], [], False
        for name, hit in cards.items():
            stamps[name] = (hit[0], hit[1])
            encoded = hit[2]
            if type(encoded) is tuple and len(encoded) == _OK and encoded[0] == "ok":
                texts.append(encoded[4])
                phones.append(encoded[5])
            else:
                errors = True
        kept = {"stamps": stamps, "text": "\x00".join(texts), "phones": "\x00".join(phones), "errors": errors}
        self.save(self._search_file(folder), kept)

    def search(
        self, folders: tuple[str, ...] | list[str], wanted: str, phone: tuple[str, str] | None, *, rows: bool
    ) -> Iterator[Entry]:
        """The entries of the cards ``matching_text(wanted, phone)`` accepts, and of every card
        that cannot be read. A folder whose files are all as the search side file saw them, and
        whose run-together texts hold no match, is passed over without a card-by-card walk: a
        ``stat`` of each file and one string search decide it."""
        matcher = matching_text(wanted, phone)
        for folder in folders:
            if self._could_match(folder, wanted, phone):
                yield from self.entries([folder], only=matcher, rows=matcher if rows else None)

    def _could_match(self, folder: str, wanted: str, phone: tuple[str, str] | None) -> bool:
        kept = self.load(self._search_file(folder))
        stamps, text, phones = kept.get("stamps"), kept.get("text"), kept.get("phones")
        if (
            type(stamps) is not dict
            or type(text) is not str
            or type(phones) is not str
            or kept.get("errors") is not False  # a card that cannot be read: the walk reports it
            or linked_folder(self.root, folder)
        ):
            return True
        if wanted in text:
            return True  # the walk looks at each file anyway
        if phone is not None:
            digits, national = phone
            if digits in phones or (national and national in phones):
                return True
        try:
            listing = os.scandir(f"{self.root}/{folder}")
        except (FileNotFoundError, NotADirectoryError):
            return False
        seen = 0
        with listing:  # no match in what was seen: is every file still as it was seen?
            for entry in listing:
                name = entry.name
                if name[0] == "." or not name.endswith(".md"):
                    continue
                if not entry.is_file(follow_symlinks=False):
                    return True  # a link, a folder, a pipe: the walk reports it
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    return True
                if stamps.get(name) != (info.st_mtime_ns, info.st_size):
                    return True  # new or changed since
                seen += 1
        return seen != len(stamps)  # a card removed since: the walk brings the view up to date

    # ------------------------------------------------------------------ the birthday view

    def _birthday_file(self, folder: str) -> str:
        return f"{self.state}/birthdays/{folder.replace('/', '-')}.v{VERSION}"

    def _save_birthdays(self, folder: str, cards: dict[str, tuple[Any, ...]]) -> None:
        """What the birthday line needs of the folder's cards, kept beside its cache: (file name,
        mtime, size, name, owner, birthday, anniversary) of each card with either."""
        found = []
        for name, hit in cards.items():
            encoded = hit[2]
            if (
                type(encoded) is tuple
                and len(encoded) == _OK
                and encoded[0] == "ok"
                and (encoded[6] is not None or encoded[8] is not None)
            ):
                found.append((name, hit[0], hit[1], encoded[1], encoded[3], encoded[6], encoded[8]))
        self.save(self._birthday_file(folder), {"birthdays": found})

    def birthdays_seen(
        self, folder: str
    ) -> list[tuple[str, int, int, str, str | None, str | None, str | None]] | None:
        """The folder's cards with a birthday or an anniversary as tickler last saw them when it
        went through the folder (every command that changes it, and roll, check, find, sync,
        watch do); None when it has not been seen yet."""
        kept = self.load(self._birthday_file(folder))
        found = kept.get("birthdays") if kept else None
        if not isinstance(found, list):
            return None
        return [
            b
            for b in found
            if type(b) is tuple
            and len(b) == 7
            and type(b[3]) is str
            and all(d is None or type(d) is str for d in b[5:])
        ]

    def transfer(self, moves: list[tuple[str, str, str]]) -> None:
        """Carry cache entries along with files renamed from one folder to another ((from, to,
        file name)): a rename keeps the size and modification time, so the entry still vouches
        for the file, which then need not be read again where it landed."""
        if not self.use_cache or not moves:
            return
        by_folder: dict[str, dict[str, tuple[Any, ...]]] = {}
        for source, target, _ in moves:
            for folder in (source, target):
                if folder not in by_folder:
                    by_folder[folder] = self.load(self._cache_file(folder))
        for source, target, name in moves:
            hit = by_folder[source].pop(name, None)
            if hit is not None:
                by_folder[target][name] = hit
        for folder, cards in by_folder.items():
            self.save(self._cache_file(folder), cards)


Filter = Callable[[tuple[Any, ...]], bool]  # asked of a cached ("ok", ...) entry


def matching_text(wanted: str, phone: tuple[str, str] | None = None) -> Filter:
    """Cards whose folded name, id, company, email or tags hold ``wanted``; with ``phone`` (the
    digits of a query written like a phone number, and the national number it stands for, or
    ""), also cards with a phone that holds those digits or ends with that national number."""
    if phone is None:
        return lambda encoded: wanted in encoded[4]
    digits, national = phone

    def matches(encoded: tuple[Any, ...]) -> bool:
        if wanted in encoded[4] or digits in encoded[5]:
            return True
        return bool(national) and any(p.endswith(national) for p in encoded[5].split())

    return matches


def with_birthday(month_days: set[str] | None) -> Filter:
    """Cards with a ``birthday`` or an ``anniversary`` whose ``MM-DD`` is in ``month_days`` (any,
    with None)."""
    if month_days is None:
        return lambda encoded: encoded[6] is not None or encoded[8] is not None

    def falls(encoded: tuple[Any, ...]) -> bool:
        born, wed = encoded[6], encoded[8]
        return (born is not None and born.strip()[-5:] in month_days) or (
            wed is not None and wed.strip()[-5:] in month_days
        )

    return falls


def due_within(start: dt.date, end: dt.date) -> Filter:
    """Cards whose ``next`` falls from ``start`` to ``end`` (the cache keeps it as YYYY-MM-DD...)."""
    first, last = start.isoformat(), end.isoformat()
    return lambda encoded: encoded[2] is not None and first <= encoded[2][:10] <= last


def filed_elsewhere(folder: str, folder_for: Callable[[str | None], str]) -> Filter:
    """Cards of ``folder`` that ``folder_for`` (the filing rule, given the written ``next``) puts
    in another folder."""
    return lambda encoded: folder_for(encoded[2]) != folder


def either(*filters: Filter) -> Filter:
    return lambda encoded: any(f(encoded) for f in filters)


def _encode(summary: Summary | None, error: CardError | None) -> tuple[object, ...]:
    if summary is not None:
        s = summary
        return ("ok", s.name, s.next, s.owner, s.search, s.phones, s.birthday, s.row, s.anniversary)
    assert error is not None
    return ("error", error.message, error.line)


def _decode(value: Any, rel: str) -> tuple[Summary | None, CardError | None] | None:
    """A cached entry as objects; None when it is not of the shape ``_encode`` writes."""
    if type(value) is not tuple:
        return None
    if len(value) == _OK and value[0] == "ok":
        _, name, nxt, owner, search, phones, birthday, row, anniversary = value
        if (
            type(name) is str
            and type(search) is str
            and type(phones) is str
            and (nxt is None or type(nxt) is str)
            and (owner is None or type(owner) is str)
            and (birthday is None or type(birthday) is str)
            and (anniversary is None or type(anniversary) is str)
            and (row is None or (type(row) is tuple and len(row) == 4 and all(type(v) is str for v in row)))
        ):
            return Summary(name, nxt, owner, search, phones, birthday, row, anniversary), None
        return None
    if len(value) == 3 and value[0] == "error" and type(value[1]) is str:
        line = value[2]
        return None, CardError(value[1], path=rel, line=line if type(line) is int else None)
    return None
