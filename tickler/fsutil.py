"""Atomic file operations, the binder lock, and reading a card file safely.

Every write goes to a temporary file in the destination folder, is flushed and fsynced, then
``os.replace``d over the target, so a crash leaves either the old or the new file, never a torn one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import CardError, LockBusy, TicklerError

TEMP_PREFIX = ".tickler-tmp-"


_batched: set[Path] | None = None  # folders to fsync at the end of a batch_dir_syncs() block


@contextlib.contextmanager
def batch_dir_syncs() -> Iterator[None]:
    """Within the block, each folder a rename touched is fsynced once, at the end, rather than
    after every rename (a roll of thousands of cards would otherwise wait on thousands of syncs).
    A rename is atomic either way; the sync only makes it durable before tickler commits."""
    global _batched
    if _batched is not None:
        yield
        return
    _batched = set()
    try:
        yield
    finally:
        folders, _batched = _batched, None
        for folder in sorted(folders):
            _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a directory be opened.
    if _batched is not None:
        _batched.add(folder)
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _os_error(exc: OSError, path: Path) -> TicklerError:
    if exc.errno == errno.ENOSPC:
        return TicklerError("no space left on the disk; nothing was changed", path=path)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return TicklerError("permission denied; nothing was changed", path=path)
    return TicklerError(f"{exc.strerror or exc}; nothing was changed", path=path)


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new content, never half.
    ``durable`` (cards) also waits until it is on the disk; a cache, which is checked when read
    and rebuilt when wrong, does not wait."""
    import tempfile

    folder = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".md", dir=folder)
    except OSError as exc:
        raise _os_error(exc, path) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            with contextlib.suppress(OSError):  # the old file's mode, or a new file's usual one
                try:
                    mode = os.stat(path).st_mode & 0o7777
                except FileNotFoundError:
                    mode = 0o666 & ~_umask()
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), mode)
                else:  # (Windows before Python 3.13)
                    os.chmod(tmp, mode)
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _os_error(exc, path) from exc
    if durable:
        _fsync_dir(folder)


_UMASK: list[int] = []  # read once: reading it means setting it, which must not race a writer thread


def _umask() -> int:
    if not _UMASK:
        mask = os.umask(0)
        os.umask(mask)
        _UMASK.append(mask)
    return _UMASK[0]


def atomic_move(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst`` within the binder; refuses to overwrite an existing file."""
    if dst.exists():
        raise TicklerError(f"{dst.name} already exists there; nothing was moved", path=dst)
    try:
        os.rename(src, dst)
    except OSError as exc:
        raise _os_error(exc, src) from exc
    _fsync_dir(dst.parent)
    if src.parent != dst.parent:
        _fsync_dir(src.parent)


def is_temp_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX)


@contextlib.contextmanager
def binder_lock(state_dir: Path, *, timeout: float = 10.0) -> Iterator[None]:
    """Hold the exclusive binder lock. The OS drops it when the holder dies, so it never goes stale."""
    import fcntl

    try:
        state_dir.mkdir(exist_ok=True)
        fd = os.open(state_dir / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _os_error(exc, state_dir / "lock") from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(
                        f"another tickler command is changing the binder (waited {timeout:.0f}s); "
                        "try again in a moment",
                        path=state_dir / "lock",
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reading a card file

SYMLINK_CARD = "is a symbolic link; cards must be plain files in the binder"
FOLDER_CARD = "is a folder, not a card file"

MAX_CARD_BYTES = 1_000_000  # a card is a dossier of notes; anything bigger is not a card


def card_fits(data: bytes, rel: str) -> None:
    """Refuse to write a card tickler would refuse to read."""
    if len(data) > MAX_CARD_BYTES:
        raise TicklerError(
            f"the card would be {len(data) / 1_000_000:.1f} MB, past the "
            f"{MAX_CARD_BYTES // 1_000_000} MB a card may hold (tickler would no longer read it); "
            "move long notes or attachments out of the card. Nothing was changed",
            path=rel,
        )


def writable(root: Path, folder: str) -> None:
    """Refuse, naming the folder, when a card cannot be written to or renamed out of it."""
    path = root / folder
    if path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
        raise TicklerError("permission denied; nothing was changed", path=f"{folder}/")


def read_card_text(path: str | os.PathLike[str], rel: str) -> str:
    """A card file's text; CardError (naming ``rel`` and the line) when it cannot be one."""
    raw = read_plain(path, rel)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardError("is not UTF-8 text", path=rel, line=raw[: exc.start].count(b"\n") + 1) from None


def read_plain(path: str | os.PathLike[str], rel: str, limit: int = MAX_CARD_BYTES) -> bytes:
    """The bytes of a plain file of at most ``limit`` bytes; CardError naming ``rel`` when it is a
    symbolic link, a folder, a named pipe or a device (never waited on), or larger."""
    # Never through a symbolic link, and never blocking on a named pipe or a device.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise  # the caller knows what a missing card means where it looked
    except OSError as exc:
        message = SYMLINK_CARD if exc.errno == errno.ELOOP else f"cannot read: {exc.strerror}"
        raise CardError(message, path=rel) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CardError(
                FOLDER_CARD if stat.S_ISDIR(info.st_mode) else "is a pipe or a device, not a card file",
                path=rel,
            )
        # One read of the size the file has, and a byte more to see whether it grew meanwhile.
        want = min(info.st_size, limit) + 1
        raw = os.read(fd, want)
        if len(raw) == want:  # it grew: read on, up to the limit
            while len(raw) <= limit and (more := os.read(fd, limit + 1 - len(raw))):
                raw += more
    except OSError as exc:
        raise CardError(f"cannot read: {exc.strerror}", path=rel) from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise CardError(f"is larger than {limit // 1_000_000} MB; not a card", path=rel)
    return raw


class WriteBehind:
    """Card writes handed to a few threads, for a command that writes thousands of new cards
    (``import``): each write is still ``atomic_write`` (temp file, fsync, rename), but the waits
    on the disk overlap each other and the work of making the next card.

    ``write`` returns at once; ``settle`` waits for every write given so far and returns the
    keys whose write failed, with the error (their files were not made). At most ``depth``
    writes are in flight, so the texts waiting to be written never pile up."""

    def __init__(self, threads: int = 2, depth: int = 256):
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        _umask()  # read before any thread writes (reading the umask sets it for a moment)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tickler-write")
        self._flying: deque[tuple[object, Any]] = deque()
        self._depth = depth
        self.done: list[tuple[object, tuple[int, int] | TicklerError]] = []

    def write(self, key: object, path: Path, data: bytes) -> None:
        while len(self._flying) >= self._depth:
            self._finish_one()
        self._flying.append((key, self._pool.submit(_write_and_stat, path, data)))

    def _finish_one(self) -> None:
        key, future = self._flying.popleft()
        try:
            self.done.append((key, future.result()))
        except TicklerError as exc:
            self.done.append((key, exc))

    def settle(self) -> list[tuple[object, tuple[int, int] | TicklerError]]:
        """Every write's outcome, in the order given: (mtime_ns, size) of the file written, or
        the error; the threads then end."""
        while self._flying:
            self._finish_one()
        self._pool.shutdown()
        done, self.done = self.done, []
        return done


def _write_and_stat(path: Path, data: bytes) -> tuple[int, int]:
    atomic_write(path, data)
    try:
        info = path.stat()
    except OSError:
        return (0, -1)  # (never an entry's stamp: the index reads the card again)
    return (info.st_mtime_ns, info.st_size)
