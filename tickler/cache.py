"""A cache of what each card's front matter says, so whole-binder commands need not parse every card.

It lives in ``.tickler/cache/``, one file per folder, keyed by each card file's (name, mtime_ns,
size). The files stay the only truth: an entry is used only while its file's size and mtime are
unchanged, a cache that is missing, corrupt, or from another version is rebuilt, and deleting it
changes no answer (only the time taken). It stores data only (marshal of plain values), nothing
that can run.
"""

from __future__ import annotations

import marshal
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .card import FOLDER_CARD, SYMLINK_CARD, Card, fold, read_card_text
from .errors import CardError
from .fsutil import atomic_write

VERSION = 4
_NON_DIGITS = re.compile(r"\D+")


@dataclass(frozen=True)
class Summary:
    """What listings need to know of a card without reading it again."""

    name: str
    next: str | None  # as written
    owner: str | None
    search: str  # folded name, id, company, email, phone, tags, one per line
    phones: str  # each phone's digits, separated by spaces
    birthday: str | None

    @classmethod
    def of(cls, card_id: str, card: Card) -> Summary:
        texts = [card.name, card_id, *card.tags]
        phones = []
        for key in ("company", "email", "phone"):
            value = card.get(key)
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    texts.append(str(item))
                    if key == "phone":
                        phones.append(_NON_DIGITS.sub("", str(item)))
        birthday = card.get("birthday")
        nxt = card.fields.get("next")
        return cls(
            card.name,
            nxt if isinstance(nxt, str) else None,
            card.owner,
            "\n".join(fold(t) for t in texts),
            " ".join(phones),
            birthday if isinstance(birthday, str) else None,
        )


@dataclass(frozen=True)
class Entry:
    folder: str
    id: str
    path: str
    summary: Summary | None
    error: CardError | None


def _read(path: str, rel: str, card_id: str) -> tuple[Summary | None, CardError | None]:
    try:
        return Summary.of(card_id, Card.parse(read_card_text(path, rel), source=rel)), None
    except CardError as exc:
        return None, exc
    except FileNotFoundError:
        return None, CardError("disappeared while it was read", path=rel)


class Index:
    """Entries for the card files of some folders, from the cache where the files are unchanged."""

    def __init__(self, root: Path, *, use_cache: bool = True):
        self.root = root
        self.state = root / ".tickler" / "cache"
        self.use_cache = use_cache

    def _cache_file(self, folder: str) -> Path:
        return self.state / f"{folder.replace('/', '-')}.v{VERSION}"

    def _load(self, folder: str) -> dict[str, tuple[object, ...]]:
        if not self.use_cache:
            return {}
        try:
            # marshal builds plain values (a code object it might hold is never run); any shape
            # other than the one written here is ignored and the folder is read again.
            data = marshal.loads(self._cache_file(folder).read_bytes())  # noqa: S302
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        if (
            not isinstance(data, dict)
            or data.get("version") != VERSION
            or not isinstance(data.get("cards"), dict)
        ):
            return {}
        return data["cards"]  # type: ignore[no-any-return]

    def _save(self, folder: str, cards: dict[str, tuple[object, ...]]) -> None:
        if not self.use_cache:
            return
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            atomic_write(self._cache_file(folder), marshal.dumps({"version": VERSION, "cards": cards}))
        except Exception:  # noqa: S110 - failing to save the cache changes no answer
            pass

    def entries(self, folders: tuple[str, ...] | list[str], *, only: Filter | None = None) -> Iterator[Entry]:
        """The entries folder by folder, as they are made: a caller that goes through them once
        never holds more than a folder's worth in memory.

        With ``only`` (``matching_text``, ``with_birthday``), a readable card is yielded only when
        the filter accepts its cached summary; the filter is asked before any object is made, so
        that looking through a big binder costs little more than a ``stat`` per card. Cards that
        cannot be read are always yielded, as problems."""
        from .binder import linked_folder

        for folder in folders:
            if linked_folder(self.root, folder):
                message = "is a symbolic link; dividers must be plain folders in the binder"
                yield Entry(folder, "", str(self.root / folder), None, CardError(message, path=folder))
                continue
            try:
                listing = list(os.scandir(self.root / folder))
                if only is None:  # a filter's few answers are sorted by the caller
                    listing.sort(key=lambda e: e.name)
            except (FileNotFoundError, NotADirectoryError):
                continue
            cached = self._load(folder)
            fresh: dict[str, tuple[object, ...]] = {}
            changed = False
            for entry in listing:
                name = entry.name  # hidden and temporary files start with "."
                if name[0] == "." or not name.endswith(".md"):
                    continue
                if entry.is_symlink() or entry.is_dir():
                    message = SYMLINK_CARD if entry.is_symlink() else FOLDER_CARD
                    yield Entry(
                        folder, name[:-3], entry.path, None, CardError(message, path=f"{folder}/{name}")
                    )
                    continue
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                mtime, size = stat.st_mtime_ns, stat.st_size
                hit = cached.get(name)
                encoded: Any = None
                if hit is not None and hit[0] == mtime and hit[1] == size:
                    encoded = hit[2]
                    if not _plausible(encoded):
                        encoded = None
                if encoded is None:
                    encoded = _encode(*_read(entry.path, f"{folder}/{name}", name[:-3]))
                    changed = True
                fresh[name] = (mtime, size, encoded)
                if only is not None and encoded[0] == "ok" and not only(encoded):
                    continue
                yield Entry(folder, name[:-3], entry.path, *_decode(encoded, f"{folder}/{name}"))
            if changed or fresh.keys() != cached.keys():
                self._save(folder, fresh)


Filter = Callable[[tuple[Any, ...]], bool]  # asked of a cached ("ok", ...) entry


def matching_text(wanted: str, digits: str) -> Filter:
    """Cards whose folded name, id, company, email or tags hold ``wanted``, or whose phone holds
    ``digits`` (when at least four are given)."""
    return lambda encoded: wanted in encoded[4] or (len(digits) >= 4 and digits in encoded[5])


def with_birthday(month_days: set[str] | None) -> Filter:
    """Cards with a ``birthday`` whose ``MM-DD`` is in ``month_days`` (any, with None)."""
    if month_days is None:
        return lambda encoded: encoded[6] is not None
    return lambda encoded: encoded[6] is not None and encoded[6].strip()[-5:] in month_days


def _plausible(value: object) -> bool:
    """A cached entry of the shape this version writes; anything else is read again."""
    if type(value) is not tuple:
        return False
    if len(value) == 7:
        return (
            value[0] == "ok"
            and type(value[1]) is str
            and all(v is None or type(v) is str for v in (value[2], value[3], value[6]))
            and type(value[4]) is str
            and type(value[5]) is str
        )
    return len(value) == 3 and value[0] == "error" and type(value[1]) is str


def _encode(summary: Summary | None, error: CardError | None) -> tuple[object, ...]:
    if summary is not None:
        s = summary
        return ("ok", s.name, s.next, s.owner, s.search, s.phones, s.birthday)
    assert error is not None
    return ("error", error.message, error.line)


def _decode(value: tuple[Any, ...], rel: str) -> tuple[Summary | None, CardError | None]:
    """An entry ``_plausible`` accepted (or ``_encode`` just made)."""
    if value[0] == "ok":
        _, name, nxt, owner, search, phones, birthday = value
        return Summary(name, nxt, owner, search, phones, birthday), None
    _, message, line = value
    return None, CardError(message, path=rel, line=line if isinstance(line, int) else None)
