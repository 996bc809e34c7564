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

from .card import Card, fold, read_card_text
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

    def entries(
        self, folders: tuple[str, ...] | list[str], *, search: Callable[[str, str], bool] | None = None
    ) -> Iterator[Entry]:
        """The entries folder by folder, as they are made: a caller that goes through them once
        never holds more than a folder's worth in memory.

        With ``search`` (given a card's search text and phone digits), only the cards it accepts
        are yielded (and those that cannot be read): it is asked before any object is made, so
        that looking through a big binder costs little more than a ``stat`` per card."""
        from .binder import linked_folder

        for folder in folders:
            if linked_folder(self.root, folder):
                message = "is a symbolic link; dividers must be plain folders in the binder"
                yield Entry(folder, "", str(self.root / folder), None, CardError(message, path=folder))
                continue
            try:
                listing = list(os.scandir(self.root / folder))
                if search is None:  # a search's few answers are sorted by the caller
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
                    message = (
                        "is a symbolic link; cards must be plain files in the binder"
                        if entry.is_symlink()
                        else "is a folder, not a card file"
                    )
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
                if search is not None and encoded[0] == "ok" and not search(encoded[4], encoded[5]):
                    continue
                rel = f"{folder}/{name}"
                decoded = _decode(encoded, rel)
                if decoded is None:  # pragma: no cover - _plausible let through a shape _decode refuses
                    decoded = _read(entry.path, rel, name[:-3])
                yield Entry(folder, name[:-3], entry.path, *decoded)
            if changed or fresh.keys() != cached.keys():
                self._save(folder, fresh)

    def birthdays(self, folders: tuple[str, ...] | list[str]) -> list[tuple[str, str, str, str, str | None]]:
        """(folder, id, birthday, name, owner) of every card in ``folders`` that has a ``birthday``.

        Birthdays do not move with ``next``, so they are looked for in every folder; this pass keeps
        its own small cache (file name -> mtime, size, birthday, name, owner) so that it costs one ``stat``
        per card and no decoding of whole summaries. A card it cannot read is left to the commands that
        report problems (``check``, ``list``): a birthday line is no place for them.
        """
        out: list[tuple[str, str, str, str, str | None]] = []
        from .binder import linked_folder

        for folder in folders:
            if linked_folder(self.root, folder):
                continue
            try:
                listing = os.scandir(self.root / folder)
            except (FileNotFoundError, NotADirectoryError):
                continue
            cache_file = self.state / f"{folder.replace('/', '-')}.birthdays.v{VERSION}"
            cached = self._load_plain(cache_file)
            summaries: dict[str, tuple[object, ...]] | None = None  # the folder's main cache
            fresh: dict[str, tuple[int, int, str | None, str, str | None]] = {}
            changed = False
            with listing:
                for entry in listing:
                    name = entry.name  # hidden and temporary files start with "."
                    if name[0] == "." or not name.endswith(".md"):
                        continue
                    try:
                        if entry.is_symlink() or entry.is_dir():
                            continue
                        stat = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    key = (stat.st_mtime_ns, stat.st_size)
                    hit = cached.get(name)
                    if (
                        type(hit) is tuple
                        and hit[:2] == key
                        and len(hit) == 5
                        and (hit[2] is None or type(hit[2]) is str)
                        and type(hit[3]) is str
                        and (hit[4] is None or type(hit[4]) is str)
                    ):
                        birthday, person, owner = hit[2], hit[3], hit[4]
                    else:
                        changed = True
                        if summaries is None:
                            summaries = self._load(folder)
                        full = summaries.get(name)
                        decoded = (
                            _decode(full[2], name) if full is not None and tuple(full[:2]) == key else None
                        )
                        if decoded is None:
                            decoded = _read(entry.path, f"{folder}/{name}", name[:-3])
                        summary = decoded[0]
                        birthday = summary.birthday if summary is not None else None
                        person = summary.name if summary is not None else ""
                        owner = summary.owner if summary is not None else None
                    fresh[name] = (*key, birthday, person, owner)
                    if birthday is not None:
                        out.append((folder, name[:-3], birthday, person, owner))
            if changed or fresh.keys() != cached.keys():
                self._save_plain(cache_file, fresh)
        out.sort(key=lambda found: (found[0], found[1]))
        return out

    def _load_plain(self, path: Path) -> dict[str, object]:
        if not self.use_cache:
            return {}
        try:
            data = marshal.loads(path.read_bytes())  # noqa: S302 - plain values only, see _load
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save_plain(self, path: Path, data: dict[str, tuple[int, int, str | None, str, str | None]]) -> None:
        if not self.use_cache:
            return
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            atomic_write(path, marshal.dumps(data))
        except Exception:  # noqa: S110 - failing to save the cache changes no answer
            pass


def _plausible(value: object) -> bool:
    """A cached entry of the shape this version writes (anything else is read again)."""
    if type(value) is not tuple:
        return False
    if len(value) == 7:
        return value[0] == "ok" and type(value[1]) is str and type(value[4]) is str and type(value[5]) is str
    return len(value) == 3 and value[0] == "error"


def _encode(summary: Summary | None, error: CardError | None) -> tuple[object, ...]:
    if summary is not None:
        s = summary
        return ("ok", s.name, s.next, s.owner, s.search, s.phones, s.birthday)
    assert error is not None
    return ("error", error.message, error.line)


def _decode(value: object, rel: str) -> tuple[Summary | None, CardError | None] | None:
    """A cached entry, or None when it is not one this version wrote (then the file is read)."""
    try:
        if not isinstance(value, tuple):
            return None
        if value[0] == "ok":
            _, name, nxt, owner, search, phones, birthday = value
            if not isinstance(name, str) or not isinstance(search, str) or not isinstance(phones, str):
                return None
            return Summary(name, nxt, owner, search, phones, birthday), None
        if value[0] == "error":
            _, message, line = value
            return None, CardError(str(message), path=rel, line=line if isinstance(line, int) else None)
    except (ValueError, TypeError, IndexError):
        pass
    return None
