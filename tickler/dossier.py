"""The dossier's files: what the paper dossier held besides the card, the offer sent, the
calculations, the mail exchanged with the customer, in ``files/<id>/`` beside the dividers.

The folder is named by the card's id, which never changes, so it never moves with the card: a
reschedule stays one renamed card file in ``git diff``. Files come in by ``attach`` (copied, one
commit) and by ``import mail`` (``files/<id>/mail/``); ``merge`` moves them to the card that stays.
Nothing here ever overwrites a file: a name already taken gets a suffix (``offer-2.pdf``). Names
given by the user are made safe: no folder part, no control or direction characters, nothing
Windows cannot hold (a binder must open on every rep's machine).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .binder import Binder, Filed
from .card import LogEntry
from .errors import TicklerError
from .fsutil import atomic_move, atomic_write, is_temp_name
from .layout import FILES, MAIL, files_folder, linked_folder
from .names import id_key, is_reserved_id

MAIL_KIND = "email"  # the Log kind of a message, and of an email a rep logs by hand
IN, OUT = "in", "out"  # a message's direction, the first word of its Log text
_NOT_ON_WINDOWS = re.compile(r'[<>:"/\\|?*]')
MAX_NAME_BYTES = 200  # file systems allow 255; room is left for a suffix and a temporary name


class FileInfo(NamedTuple):
    rel: str  # relative to the binder: files/<id>/offer.pdf
    size: int


@dataclass(frozen=True)
class Dossier:
    """What a card's page shows of its dossier."""

    files: list[FileInfo]  # every file, the kept mail included, in name order
    messages: list[LogEntry]  # the last email entries of the Log, newest first

    @property
    def mail(self) -> int:
        """How many messages are kept in ``files/<id>/mail/``."""
        return sum(1 for f in self.files if f.rel.split("/")[2] == MAIL and f.rel.count("/") >= 3)


@dataclass
class Attached:
    card_id: str
    added: list[FileInfo] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # files/<id>/... already holding that file


def mail_text(direction: str, subject: str) -> str:
    """The text of a message's Log entry: ``in: Re: offer 12`` or ``out: offer 12``."""
    return f"{direction}: {subject}"


def size_text(size: int) -> str:
    """``84 KB``, ``3.2 MB``: sizes as file managers show them (powers of 1000)."""
    if size < 1_000:
        return f"{size} B"
    for unit, scale in (("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000)):
        if size < scale * 1_000 or unit == "GB":
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{size} B"  # pragma: no cover - the loop always returns


# --------------------------------------------------------------------------- names


def safe_name(name: str) -> str:
    """A file name from the user (or a mail subject) that is safe in the binder on any system:
    its last path part only, no control or direction characters, none of ``<>:"/\\|?*``, no
    leading dot (tickler's temporary files and editors' own files start with one), not a name
    Windows reserves, at most ``MAX_NAME_BYTES`` bytes with the extension kept."""
    name = unicodedata.normalize("NFC", re.split(r"[/\\]", name)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    name = " ".join(_NOT_ON_WINDOWS.sub("-", name).split())
    name = name.lstrip(". ").rstrip(". ")
    if not name:
        name = "file"
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    if is_reserved_id(stem):
        stem = f"{stem}-file"
    suffix = f".{suffix}" if suffix else ""
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES and len(stem) > 1:
        stem = stem[:-1]
    if len(suffix.encode("utf-8")) > MAX_NAME_BYTES // 2:
        suffix = ""
    return (stem.rstrip(". ") or "file") + suffix


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``stem-2.ext``, ``stem-3.ext``... the first that is not in ``taken`` (names as
    ``names.id_key`` compares them: a case-insensitive disk holds one of ``Offer.pdf`` and
    ``offer.pdf``)."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    suffix = f".{suffix}" if suffix else ""
    candidate, n = name, 2
    while id_key(candidate) in taken:
        candidate = f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def names_in(folder: Path) -> set[str]:
    """The names in ``folder`` (files and folders), as ``free_name`` compares them."""
    try:
        return {id_key(entry) for entry in os.listdir(folder)}
    except (FileNotFoundError, NotADirectoryError):
        return set()


def folder_path(binder: Binder, card_id: str, *sub: str) -> Path:
    """The dossier folder of a card (or a folder in it, ``mail``), made when missing and never
    through a symbolic link: ``Binder.divider`` refuses one."""
    return binder.divider("/".join((files_folder(card_id), *sub)))


# --------------------------------------------------------------------------- reading


def list_files(binder: Binder, card_id: str) -> list[FileInfo]:
    """Every file in ``files/<id>/`` and its subfolders, in name order; symbolic links and
    hidden files (a half-written temporary file, an editor's own) are not listed, and a linked
    folder is not followed."""
    base = files_folder(card_id)
    if linked_folder(binder.root, base):
        return []
    found: list[FileInfo] = []
    for top, folders, names in os.walk(binder.root / base):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        rel_top = binder.rel(Path(top))
        for name in sorted(names):
            if name.startswith("."):
                continue
            with suppress(OSError):
                info = os.lstat(os.path.join(top, name))
                if stat.S_ISREG(info.st_mode):
                    found.append(FileInfo(f"{rel_top}/{name}", info.st_size))
    return sorted(found)


def contents(binder: Binder, filed: Filed, last: int = 3) -> Dossier:
    """A card's dossier: its files, and the subjects of its last ``last`` messages (the Log's
    ``email`` entries, newest first)."""
    entries = [e for e in filed.card.log()[0] if e.kind == MAIL_KIND]
    newest = sorted(entries, key=lambda e: (e.sort_key, e.line), reverse=True)[:last]
    return Dossier(list_files(binder, filed.id), newest)


def folders(binder: Binder) -> list[str]:
    """The names in ``files/``, in order (each should be a card's id)."""
    if linked_folder(binder.root, FILES):
        return []
    try:
        return sorted(os.listdir(binder.root / FILES))
    except (FileNotFoundError, NotADirectoryError):
        return []


# --------------------------------------------------------------------------- attach


def attach(binder: Binder, ref: str, sources: Sequence[Path]) -> Attached:
    """Copy files into a card's ``files/<id>/``, in one commit. Every file is checked before the
    first is written (a symbolic link, a folder, a pipe or a device, a file over ``attach_limit``
    is refused with the reason, and nothing changes); a name already taken gets a suffix, and a
    file already there under its name (the same bytes) is not copied again."""
    limit = binder.settings.attach_limit
    with binder.changing("tickler attach") as tx, ExitStack() as stack:
        filed = binder.resolve(ref)
        opened = []
        for source in sources:
            fd, size = _open_source(source, limit)
            stack.callback(os.close, fd)
            opened.append((source, fd, size))
        folder = folder_path(binder, filed.id)
        taken = names_in(folder)
        result = Attached(filed.id)
        written: list[Path] = []
        try:
            for source, fd, size in opened:
                data = _read_all(fd, size, source, limit)
                name = safe_name(source.name)
                same = _same_file(folder / name, data)  # (also a file given twice: written already)
                if same is not None:
                    result.already.append(binder.rel(same))
                    continue
                name = free_name(name, taken)
                taken.add(id_key(name))
                target = folder / name
                atomic_write(target, data)
                written.append(target)
                binder.touch(target)
                result.added.append(FileInfo(binder.rel(target), len(data)))
        except TicklerError:
            for path in written:  # a disk that filled up half-way: nothing stays, nothing is committed
                path.unlink(missing_ok=True)
                tx.paths.discard(binder.rel(path))
            raise
        added = ", ".join(f.rel.rpartition("/")[2] for f in result.added)
        tx.message = f"tickler attach: {filed.id}: {added}"
    return result


def _open_source(source: Path, limit: int) -> tuple[int, int]:
    """An open descriptor of a file to attach, and its size; the reason it cannot be attached
    otherwise, naming the file. Opened without following a link and without blocking on a pipe,
    so what was checked is what is read."""

    def refuse(why: str) -> TicklerError:
        return TicklerError(f"{why}; nothing was attached", path=source)

    try:
        info = os.lstat(source)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except OSError as exc:
        raise refuse(f"cannot read it: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise refuse("is a symbolic link; attach the file it points to, not the link")
    if stat.S_ISDIR(info.st_mode):
        raise refuse("is a folder; attach the files in it")
    if not stat.S_ISREG(info.st_mode):
        raise refuse("is a pipe or a device, not a file")
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        why = "is a symbolic link" if exc.errno == errno.ELOOP else f"cannot read it: {exc.strerror}"
        raise refuse(why) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        os.close(fd)
        if not stat.S_ISREG(info.st_mode):
            raise refuse("is not a plain file")
        raise refuse(_over(info.st_size, limit))
    return fd, info.st_size


def _over(size: int, limit: int) -> str:
    return (
        f"is {size_text(size)}, over attach_limit ({size_text(limit)}); "
        "raise attach_limit in tickler.toml to attach it"
    )


def _read_all(fd: int, size: int, source: Path, limit: int) -> bytes:
    chunks, total = [], 0
    try:
        while chunk := os.read(fd, max(size + 1, 65536)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew since it was checked
                raise TicklerError(f"{_over(total, limit)}; nothing was attached", path=source)
    except OSError as exc:
        raise TicklerError(f"cannot read it: {exc.strerror}; nothing was attached", path=source) from None
    return b"".join(chunks)


def _same_file(path: Path, data: bytes) -> Path | None:
    """``path`` when it is a plain file holding exactly ``data``."""
    try:
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size == len(data) and path.read_bytes() == data:
            return path
    except OSError:
        pass
    return None


# --------------------------------------------------------------------------- merge


def move_files(binder: Binder, source_id: str, target_id: str) -> list[tuple[str, str]]:
    """Move every file of ``files/<source_id>/`` into ``files/<target_id>/`` (inside a change:
    ``merge``), keeping subfolders (``mail/``). A name taken in both gets a suffix; a file the
    target already holds byte for byte is not kept twice. Returns (from, to) binder-relative
    paths (to is the file already there for a duplicate). The emptied folders are removed."""
    base = files_folder(source_id)
    source_root = binder.root / base
    if id_key(source_id) == id_key(target_id):  # one id in two places: one folder, nothing to move
        return []
    if linked_folder(binder.root, base) or not source_root.is_dir():
        return []
    plan: list[tuple[Path, str]] = []  # each file and its folder under files/<target_id>/
    for top, subfolders, found in os.walk(source_root):
        subfolders.sort()
        inner = Path(top).relative_to(source_root).as_posix()
        for name in sorted(found):
            if not is_temp_name(name):
                plan.append((Path(top) / name, "" if inner == "." else inner))
    for inner in sorted({inner for _, inner in plan}):  # links refused before the first move
        folder_path(binder, target_id, *([inner] if inner else []))
    moved: list[tuple[str, str]] = []
    taken: dict[str, set[str]] = {}
    for path, inner in plan:
        folder = folder_path(binder, target_id, *([inner] if inner else []))
        names = taken.setdefault(inner, names_in(folder))
        same = _same_file(folder / path.name, path.read_bytes()) if not path.is_symlink() else None
        binder.touch(path)
        if same is not None:
            path.unlink()
            moved.append((binder.rel(path), binder.rel(same)))
            continue
        target = folder / free_name(path.name, names)
        names.add(id_key(target.name))
        binder.touch(target)
        atomic_move(path, target)
        moved.append((binder.rel(path), binder.rel(target)))
    for top, _, _ in sorted(os.walk(source_root), key=lambda walked: -len(walked[0])):
        with suppress(OSError):
            os.rmdir(top)  # only when empty: a hidden file left behind keeps its folder
    return moved
