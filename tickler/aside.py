"""A second process beside a command that reads thousands of cards (a fresh clone's first command,
a text search of a big binder): a fork that does the later half of the work while the command
does the rest, on a machine's second core.

It is only ever an aid: the second process writes nothing but cache files (atomically, as the
command would) and answers in plain values down a pipe; when it cannot be made or fails, the
command does that half itself and the answers are the same. It is never made in a process with
threads other than daemon ones (a server, ``watch``), nor from a second process.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from . import progress

CARDS_FROM = 3_000  # cards from which a second process pays (``TICKLER_ASIDE_FROM``; 0: never)
_OFF = 1 << 62
_inside = False  # this is a second process


def cards_from() -> int:
    """``CARDS_FROM``, or the setting ``TICKLER_ASIDE_FROM`` (0 turns the second process off)."""
    try:
        value = int(os.environ.get("TICKLER_ASIDE_FROM", CARDS_FROM))
    except ValueError:
        return CARDS_FROM
    return value if value > 0 else _OFF


def allowed() -> bool:
    """Whether a second process may be made here."""
    if _inside or not hasattr(os, "fork") or cards_from() >= _OFF:
        return False
    import threading

    main = threading.main_thread()
    return all(t.daemon for t in threading.enumerate() if t is not main)


def half(sizes: list[int], least: int) -> int:
    """Where the later items holding about half of ``sizes`` begin: ``len(sizes)`` (none) when
    their sum is under ``least`` or there are fewer than four."""
    total = sum(sizes)
    if len(sizes) < 4 or total < least:
        return len(sizes)
    first, theirs = len(sizes), 0
    while first > 1 and 2 * (theirs + sizes[first - 1]) <= total:
        first -= 1
        theirs += sizes[first]
    return first


def _fork() -> int | None:
    try:
        return os.fork()
    except OSError:
        return None


def _become_second() -> None:
    global _inside
    _inside = True
    progress.forget()  # (the bar is the first process's)


def start(work: Callable[[], object]) -> int | None:
    """Run ``work`` in a second process (its answer is the cache files it writes); its pid, or
    None when none could be made."""
    pid = _fork()
    if pid == 0:
        try:
            _become_second()
            work()
        finally:
            os._exit(0)
    return pid


def wait(pid: int) -> None:
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)


def ask(work: Callable[[], list[Any]]) -> Callable[[], list[Any] | None] | None:
    """Run ``work`` in a second process; what to call for its answer (a list of plain values, or
    None when it failed), or None when no second process could be made."""
    try:
        reading, writing = os.pipe()
    except OSError:
        return None
    pid = _fork()
    if pid is None:
        os.close(reading)
        os.close(writing)
        return None
    if pid == 0:  # the second process: the answer down the pipe, then out without a word
        code = 1
        try:
            os.close(reading)
            _become_second()
            data = marshal.dumps(work())
            with os.fdopen(writing, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(writing)

    def answer() -> list[Any] | None:
        with os.fdopen(reading, "rb") as given:
            data = given.read()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return None
        try:
            found = marshal.loads(data)  # noqa: S302 - plain values from our own fork
        except (ValueError, EOFError, TypeError):
            return None
        return found if type(found) is list else None

    return answer
