"""The index: a cache of what each card's front matter says, so whole-binder commands need not parse
every card. It sits beside the store and knows the layout, never the store itself.

It lives in ``.tickler/cache/``, one file per folder, keyed by each card file's (name, mtime_ns,
size). The files stay the only truth: an entry is used only while its file's size and mtime are
unchanged, a cache that is missing, corrupt (it carries a checksum), or from another version is
rebuilt, and deleting it changes no answer (only the time taken). It stores data only (marshal of
plain values), nothing that can run.
"""

from __future__ import annotations

import marshal
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from . import aside, progress
from .errors import CardError
from .fsutil import FOLDER_CARD, SYMLINK_CARD, atomic_write, read_card_text
from .layout import STATE, linked_folder
from .names import fold
from .summary import OK, Filter, Summary, decode, encode, matching_text

if TYPE_CHECKING:
    from .card import Card

VERSION = 10  # 10: each entry keeps since when the card has been waiting (summary.py)
TEXT_VERSION = 1


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

    def __init__(self, root: Path, *, use_cache: bool = True, aside: bool = True):
        self.root = root
        self.aside = aside  # whether a second process may read cold folders (``build_aside``)
        self._aside: dict[str, int] = {}  # a cache file -> the second process writing it
        self.state = f"{root}/{STATE}/cache"  # text paths: a listing makes hundreds of them
        # Never through a link: a .tickler that points elsewhere is neither read nor written.
        self.use_cache = use_cache and not os.path.islink(f"{root}/{STATE}")

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
        modification time. In a big binder a second process searches the later half of the
        folders (``_beside``): the answers are the same, in the same order."""
        folders = [f for f in folders if not linked_folder(self.root, f)]
        first, theirs = len(folders), None  # the later folders go to a second process, if any
        if self.aside and aside.allowed():
            sizes = [os.stat(t).st_size if os.path.exists(t := self._text_file(f)) else 0 for f in folders]
            first = aside.half(sizes, aside.cards_from() * 400)  # (a folded card: a few hundred bytes)
            if first < len(folders):
                theirs = aside.ask(lambda: [_plain(found) for found in self._texts(folders[first:], words)])
        if theirs is None:
            first = len(folders)
        yield from self._texts(folders[:first], words)
        if theirs is not None:
            found = theirs()
            if found is None:  # (the second process failed: its folders are searched here)
                yield from self._texts(folders[first:], words)
            else:
                for folder, card_id, message, line in found:
                    error = CardError(message, path=f"{folder}/{card_id}.md", line=line) if message else None
                    yield folder, card_id, error

    def _texts(self, folders: list[str], words: list[str]) -> Iterator[tuple[str, str, CardError | None]]:
        for folder in folders:
            walk = Walk(self, folder, self._text_file(folder), TEXT_VERSION, ordered=False)
            for seen in walk:
                if seen.kind != "file":
                    continue
                text = seen.kept
                if type(text) is not str:
                    try:
                        text = fold(read_card_text(seen.path, f"{folder}/{seen.name}"))
                    except FileNotFoundError:
                        continue
                    except CardError as exc:
                        yield folder, seen.name[:-3], exc
                        continue
                walk.keep(seen, text, new=text is not seen.kept)
                if all(word in text for word in words):
                    yield folder, seen.name[:-3], None
            walk.save()

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
        if len(folders) > 1:
            self.build_aside(folders)
        for folder in folders:
            if linked_folder(self.root, folder):
                message = "is a symbolic link; dividers must be plain folders in the binder"
                yield Entry(folder, "", str(self.root / folder), None, CardError(message, path=folder))
                continue
            self.wait_aside(self._cache_file(folder))
            walk = Walk(self, folder, self._cache_file(folder), VERSION, ordered=only is None)
            for seen in walk:  # (a filter's few answers are sorted by the caller)
                name = seen.name
                rel, card_id = f"{folder}/{name}", name[:-3]
                if seen.kind != "file":
                    message = SYMLINK_CARD if seen.kind == "link" else FOLDER_CARD
                    yield Entry(folder, card_id, seen.path, None, CardError(message, path=rel))
                    continue
                encoded: Any = seen.kept
                if encoded is not None:
                    try:  # the checksum vouches for the file; an entry of another shape is read again
                        if len(encoded) == OK or encoded[0] == "error":
                            skip = only is not None and encoded[0] == "ok" and not only(encoded)
                        else:
                            encoded = None
                    except (TypeError, LookupError, AttributeError):
                        encoded = None
                card, error = None, None
                new = encoded is None
                if new:
                    wrote = known.get((folder, name)) if known else None
                    if wrote is not None and wrote[0] == seen.mtime and wrote[1] == seen.size:
                        card, error = wrote[2], None
                    else:
                        card, error = read_card(seen.path, rel)
                    encoded = encode(Summary.of(card_id, card) if card else None, error)
                    skip = only is not None and encoded[0] == "ok" and not only(encoded)
                if skip:
                    walk.keep(seen, encoded, new=new)
                    continue
                decoded = decode(encoded, rel)
                if decoded is None or (
                    rows is not None and encoded[0] == "ok" and encoded[7] is None and rows(encoded)
                ):  # a shape this version never writes, or a row wanted for the first time
                    if card is None and error is None:  # not read yet in this pass
                        card, error = read_card(seen.path, rel)
                    summary = Summary.of(card_id, card, with_row=rows is not None) if card else None
                    encoded = encode(summary, error)
                    decoded = decode(encoded, rel)
                    assert decoded is not None
                    new = True
                walk.keep(seen, encoded, new=new)
                yield Entry(folder, card_id, seen.path, *decoded)
            changed = walk.save()
            if changed or not os.path.exists(self._birthday_file(folder)):
                self._save_birthdays(folder, walk.fresh)
            if changed or not os.path.exists(self._search_file(folder)):
                self._save_search(folder, walk.fresh)
            progress.step()

    # ------------------------------------------------------------------ cold folders

    def build_aside(
        self,
        folders: list[str] | tuple[str, ...],
        store_of: Callable[[str], str] | None = None,
        build: Callable[[list[str]], Iterable[object]] | None = None,
    ) -> None:
        """Let a second process (``aside``) read about half of the cold folders among ``folders``
        (those with no cache file yet, ``store_of`` the folder: a fresh clone, where a first
        command reads every card) while this one reads the rest: it goes through the later cold
        folders with ``build`` (by default ``entries``), writes their cache files and exits.
        ``wait_aside`` waits for it before one of its folders is gone through here; if it
        failed, that folder is read here, as without it. Only with thousands of cold cards."""
        if not self.use_cache or not self.aside or not aside.allowed():
            return
        store_of = store_of or self._cache_file
        cold = [
            f
            for f in folders
            if (store := store_of(f)) not in self._aside
            and not os.path.exists(store)
            and not linked_folder(self.root, f)
        ]
        sizes = []
        for folder in cold:
            try:
                sizes.append(len(os.listdir(f"{self.root}/{folder}")))
            except OSError:
                sizes.append(0)
        first = aside.half(sizes, aside.cards_from())  # the later folders, with about half the cards
        if first == len(cold):
            return
        theirs = cold[first:]
        pid = aside.start(lambda: [None for _ in (build or self.entries)(theirs)])
        if pid is not None:
            for folder in theirs:
                self._aside[store_of(folder)] = pid

    def wait_aside(self, store: str) -> None:
        """Wait for the second process that writes the cache file ``store``, if one does."""
        pid = self._aside.pop(store, None)
        if pid is None:
            return
        aside.wait(pid)
        for key in [k for k, p in self._aside.items() if p == pid]:
            del self._aside[key]

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
            if type(encoded) is tuple and len(encoded) == OK and encoded[0] == "ok":
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
                and len(encoded) == OK
                and encoded[0] == "ok"
                and (encoded[6] is not None or encoded[8] is not None)
            ):
                found.append((name, hit[0], hit[1], encoded[1], encoded[3], encoded[6], encoded[8]))
        self.save(self._birthday_file(folder), {"birthdays": found})

    def prepare(self, full: list[str], views: list[str]) -> set[str]:
        """Before a command goes through ``full`` card by card and wants only the birthday view
        of ``views`` (``today``, ``agenda``): of ``views``, the cold folders (no cache file, as on
        a fresh clone) get the view from a scan of their cards' text (``scan_birthdays``), not
        from a summary of each card; the work is shared with a second process (``build_aside``).
        Returns the folders to ``scan_birthdays`` (it waits for that process where it has one)."""
        scan = {
            f for f in views if not os.path.exists(self._cache_file(f)) and not linked_folder(self.root, f)
        }

        def store_of(folder: str) -> str:
            return self._birthday_file(folder) if folder in scan else self._cache_file(folder)

        def build(theirs: list[str]) -> Iterator[object]:
            for folder in theirs:
                if folder in scan:
                    self.scan_birthdays(folder)
                else:
                    yield from self.entries([folder])

        self.build_aside([*full, *(f for f in views if f in scan)], store_of, build)
        return scan

    def scan_birthdays(self, folder: str) -> None:
        """Write a cold folder's birthday view (as ``_save_birthdays`` does) reading only the
        cards whose text names a ``birthday`` or an ``anniversary``: YAML cannot give a card
        either key without the word written in it (or an escape, ``\\``, which is read too).
        A card that cannot be read has neither in the view, as in a walk."""
        from .card import Card

        store = self._birthday_file(folder)
        self.wait_aside(store)
        if os.path.exists(store):
            return
        found = []
        for seen in Walk(self, folder, None, VERSION, ordered=False):  # (no cache to compare with)
            if seen.kind != "file":
                continue
            rel = f"{folder}/{seen.name}"
            try:
                text = read_card_text(seen.path, rel)
            except (CardError, FileNotFoundError):
                continue
            if "birthday" not in text and "anniversary" not in text and "\\" not in text:
                continue
            try:
                card = Card.parse(text, source=rel)
            except CardError:
                continue
            born, wed = card.get("birthday"), card.get("anniversary")
            born, wed = born if isinstance(born, str) else None, wed if isinstance(wed, str) else None
            if born is not None or wed is not None:
                found.append((seen.name, seen.mtime, seen.size, card.name, card.owner, born, wed))
        self.save(store, {"birthdays": found})

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


class Seen(NamedTuple):
    """A card file of a folder as the walk found it, and what the folder's cache kept for it."""

    name: str  # the file name (``id.md``)
    path: str
    mtime: int  # -1 for a link or a folder named like a card
    size: int
    kept: Any  # what the cache kept for the file in this very state (size and time), else None
    kind: str  # "file" (a pipe or a device too: it is refused when read), "link" or "folder"


class Walk:
    """The one walk over a folder's card files that every cache of ``.tickler/cache/`` makes: list
    the folder, ``stat`` each card file, and hand on what the cache kept for a file still in the
    state it was kept for. The caller works out the rest, ``keep``s each file's value, and
    ``save`` writes the cache file again when anything differs."""

    def __init__(self, index: Index, folder: str, store: str | None, version: int, *, ordered: bool):
        self.index, self.folder, self.store, self.version = index, folder, store, version
        self.ordered = ordered
        self.cached: dict[str, Any] = {}
        self.fresh: dict[str, tuple[Any, ...]] = {}
        self.changed = False

    def __iter__(self) -> Iterator[Seen]:
        try:
            listing = list(os.scandir(f"{self.index.root}/{self.folder}"))
        except (FileNotFoundError, NotADirectoryError):
            return
        if self.ordered:
            listing.sort(key=lambda e: e.name)
        self.cached = cached = self.index.load(self.store, self.version) if self.store else {}
        for entry in listing:
            name = entry.name  # hidden and temporary files start with "."
            if name[0] == "." or not name.endswith(".md"):
                continue
            if not entry.is_file(follow_symlinks=False) and (entry.is_symlink() or entry.is_dir()):
                yield Seen(name, entry.path, -1, -1, None, "link" if entry.is_symlink() else "folder")
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            mtime, size = info.st_mtime_ns, info.st_size
            hit = cached.get(name)
            same = type(hit) is tuple and len(hit) == 3 and hit[0] == mtime and hit[1] == size
            kept = hit[2] if same else None  # type: ignore[index]
            yield Seen(name, entry.path, mtime, size, kept, "file")

    def keep(self, seen: Seen, value: Any, *, new: bool) -> None:
        """The value to keep for the file (``new``: made now, not the one kept)."""
        self.fresh[seen.name] = (seen.mtime, seen.size, value)
        self.changed = self.changed or new

    def save(self) -> bool:
        """Write the cache file when anything differs from what it held; whether it did."""
        if self.store and (self.changed or self.fresh.keys() != self.cached.keys()):
            self.index.save(self.store, self.fresh, self.version)
            return True
        return False


def _plain(found: tuple[str, str, CardError | None]) -> tuple[str, str, str | None, int | None]:
    folder, card_id, error = found
    return folder, card_id, error.message if error else None, error.line if error else None


class Kept(NamedTuple):
    """A card file's (mtime, size) when looked at, and the card kept for that state, if any."""

    mtime: int
    size: int
    card: Card | None


class KeptCards:
    """Parsed cards in memory, each good while its file's size and modification time are as they
    were read (``Binder.keep_cards``: a binder that lives as long as a server), 20,000 at most."""

    def __init__(self) -> None:
        self._cards: dict[str, Kept] = {}

    def get(self, path: Path, rel: str) -> Kept | None:
        """The file's state, with its card when one is kept for it; None for no plain file."""
        try:
            info = os.stat(path, follow_symlinks=False)
        except OSError:
            return None
        kept = self._cards.get(rel)
        if not stat.S_ISREG(info.st_mode):
            return None
        if kept is not None and (kept.mtime, kept.size) == (info.st_mtime_ns, info.st_size):
            return kept
        return Kept(info.st_mtime_ns, info.st_size, None)

    def keep(self, rel: str, seen: Kept, card: Card) -> None:
        if len(self._cards) >= 20_000:
            self._cards.pop(next(iter(self._cards)))
        self._cards[rel] = seen._replace(card=card)
