"""Progress on long work: a bar on standard error while a command goes through thousands of cards.

A command that may take long (``check``, ``import``, ``roll``, the reports, ``export``) allows
the bar with ``shown``; the work below it names each stage (``stage``) and counts its steps
(``step``), without knowing whether anyone watches. The bar appears only when standard error is
a terminal, the command's output is not JSON, and the work has run for a second (the setting
``TICKLER_PROGRESS_AFTER``, in seconds, changes that wait). It is drawn by rich, imported only
when a bar is shown, and is cleared when the work is done, so nothing of it stays on the screen
or reaches a pipe or a file. Commands print their results after the block, once the bar is gone.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_AFTER = 1.0  # seconds of work before a bar is worth showing
_REDRAW = 0.05  # a step passes its count on to the bar at most this often


class _Bar:
    """The bar of one command: shown by a timer once the wait is over, until ``close``."""

    def __init__(self, after: float):
        self.label, self.count = "Working", 0
        self.total: int | None = None
        self.next_look = 0.0
        self.bar: Any = None  # rich's Progress, once shown
        self.task: Any = None
        self.closed = False
        self.lock = threading.Lock()
        self.timer = threading.Timer(after, self.show)
        self.timer.daemon = True
        if after > 0:
            self.timer.start()
        else:  # no wait: the bar is there before the work starts
            self.show()

    def stage(self, label: str, total: int | None) -> None:
        with self.lock:  # (not while the timer draws the bar with the stage before)
            self.label, self.total, self.count = label, total, 0
            if self.bar is not None:
                self.bar.update(self.task, description=label, total=total, completed=0)

    def step(self, n: int) -> None:
        self.count += n
        bar = self.bar
        if bar is not None:
            now = time.monotonic()
            if now >= self.next_look:
                self.next_look = now + _REDRAW
                bar.update(self.task, completed=self.count)

    def show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with self.lock:
            if self.closed:
                return
            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,  # gone from the screen when the work is done
                redirect_stdout=False,  # the command's output is its own, never the bar's
                redirect_stderr=False,
            )
            self.task = bar.add_task(self.label, total=self.total, completed=self.count)
            bar.start()
            self.bar = bar

    def close(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.closed = True
            if self.bar is not None:
                self.bar.stop()


_active: _Bar | None = None


def wanted(*, json_: bool = False) -> bool:
    """Whether a bar may be shown: standard error is a terminal and the output is not JSON."""
    if json_:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _after() -> float:
    try:
        return max(0.0, float(os.environ.get("TICKLER_PROGRESS_AFTER", DEFAULT_AFTER)))
    except ValueError:
        return DEFAULT_AFTER


@contextmanager
def shown(on: bool) -> Iterator[None]:
    """Allow a bar while the block runs (when ``on``: see ``wanted``); it is gone at the end."""
    global _active
    if not on or _active is not None:
        yield
        return
    _active = _Bar(_after())
    try:
        yield
    finally:
        bar, _active = _active, None
        bar.close()


def stage(label: str, total: int | None = None) -> None:
    """The work now under way, and how many steps it has (None when not known)."""
    if _active is not None:
        _active.stage(label, total)


def step(n: int = 1) -> None:
    """``n`` more steps of the current stage done."""
    if _active is not None:
        _active.step(n)


def forget() -> None:
    """No bar from here on (in a second process reading for the first, ``cache.build_aside``)."""
    global _active
    _active = None
