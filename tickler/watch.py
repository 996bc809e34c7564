"""``tickler watch``: keep the binder filed while reps edit cards in their editor.

Gestures, as on paper:
- save a card with a new ``next``: it is refiled where the filing rule says;
- drag a card file into another day or month divider (or into cards/): it is rescheduled to the
  date that divider stands for, keeping its time of day, with a Log entry (cards/ parks it);
- save a new card file in a divider or in cards/: it is filed by its ``next``.

Editors save in many ways (in place; a temporary file renamed over the card; Vim's swap, backup and
``4913`` probe files; Emacs's lock and autosave files). Only ``*.md`` files in the dividers count,
never their temporary companions, and a burst of events for one save becomes one action once the
file has been quiet for a moment. Each action holds the binder lock, so CLI commands and the
watcher never interleave; the watcher's commits are batched after a quiet moment.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .binder import Binder, Filed
from .card import format_entry
from .dates import Clock
from .errors import CardError, TicklerError
from .layout import CARD_FOLDERS, CARD_SUFFIX, CARDS, divider_date, location_for
from .layout import is_card_name as _plain_card_name
from .plans.roll import roll
from .transaction import Transaction

# Names editors use for swap, backup, lock and temporary files next to the file being saved.
_NOT_A_CARD = re.compile(
    r"""^(?:
        \..*                 # hidden: Vim swap (.x.md.swp), Emacs lock (.#x.md), our temp files
      | \#.*\#               # Emacs autosave
      | .*~                  # Vim and Emacs backups
      | 4913                 # Vim's write probe
      | .*___jb_(?:tmp|old)___  # JetBrains safe write
      | .*\.(?:swp|swx|swo|tmp|bak|orig|part|crdownload)
    )$""",
    re.VERBOSE,
)


def is_card_name(name: str) -> bool:
    """A card file, not an editor's swap, backup, lock or temporary companion of one."""
    return _plain_card_name(name) and not _NOT_A_CARD.match(name)


@dataclass
class _Pending:
    last_event: float
    dragged_from: str | None = None  # the divider a user moved the file out of


@dataclass
class Watcher:
    binder: Binder
    clock: Callable[[], Clock] = Clock.from_env
    say: Callable[[str], None] = print
    warn: Callable[[str], None] = print
    quiet: float = 0.4  # seconds a file must be still before it is acted on
    commit_after: float = 2.0  # seconds without actions before the batch is committed
    pending: dict[str, _Pending] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _batch: Transaction = field(default_factory=Transaction)
    _last_action: float = 0.0
    _warned: dict[str, float] = field(default_factory=dict)
    _today: dt.date | None = None

    # ------------------------------------------------------------------ events (observer thread)

    def card_location(self, path: str) -> tuple[str, str] | None:
        """(folder, id) when ``path`` is a card file in cards/, a divider, or the binder's top
        folder (folder ""), where a new card may be saved before it is filed."""
        try:
            rel = Path(path).parent.resolve().relative_to(self.binder.root).as_posix()
        except (ValueError, OSError):
            return None
        folder = "" if rel == "." else rel
        name = Path(path).name
        if (folder and folder not in CARD_FOLDERS) or not is_card_name(name):
            return None
        return folder, name[: -len(CARD_SUFFIX)]

    def on_event(self, kind: str, src: str, dest: str | None = None) -> None:
        now = time.monotonic()
        target = dest if kind == "moved" and dest else src
        location = self.card_location(target)
        if location is None:
            return
        dragged_from = None
        if kind == "moved" and dest:
            origin = self.card_location(src)
            if origin is not None and origin[1] == location[1] and origin[0] != location[0]:
                dragged_from = origin[0]  # the same card name, another divider: a drag
        with self._lock:
            entry = self.pending.setdefault(target, _Pending(now))
            entry.last_event = now
            if dragged_from is not None:
                entry.dragged_from = dragged_from

    # ------------------------------------------------------------------ actions (main thread)

    def start(self) -> None:
        """Start from a true binder: roll overdue cards and refile what is misfiled."""
        self._today = self.clock().today
        self._roll(self._today)

    def tick(self) -> None:
        """Act on files that have been quiet long enough; commit a quiet batch; roll at midnight."""
        now = time.monotonic()
        today = self.clock().today
        if self._today is not None and today != self._today:
            self._today = today
            self._roll(today)
        with self._lock:
            ready = [(p, e) for p, e in self.pending.items() if now - e.last_event >= self.quiet]
            for path, _ in ready:
                del self.pending[path]
        for path, entry in ready:
            self._act(path, entry)
        if self._batch.paths and not self.pending and now - self._last_action >= self.commit_after:
            self.flush()

    def flush(self) -> None:
        """Commit what the watcher changed since the last commit (one commit for the batch)."""
        if not self._batch.paths:
            return
        batch, self._batch = self._batch, Transaction()
        count = len(batch.details)
        batch.message = f"tickler watch: {count} change{'s' if count != 1 else ''}"
        with self.binder.lock():
            self.binder.commit(batch)
        for notice in self.binder.notices:
            self.warn(notice)
        self.binder.notices.clear()

    def _roll(self, today: dt.date) -> None:
        try:
            changes, problems = roll(self.binder, today)  # its own single commit
        except TicklerError as exc:
            self.warn(str(exc))
            return
        for problem in problems:
            self._warn_once(str(problem.path), f"{problem} (left as it is)")
        for change in changes:
            line = f"{change.id}: next {change.new_next or 'none'} -> {change.new_folder}"
            self.say(line + (f" ({change.note})" if change.note.startswith("rolled") else ""))

    def _record(self, tx: Transaction) -> None:
        self._batch.absorb(tx)
        if tx.paths:
            self._last_action = time.monotonic()

    def _act(self, path: str, pending: _Pending) -> None:
        location = self.card_location(path)
        if location is None or not os.path.isfile(path) or os.path.islink(path):
            return
        folder, card_id = location
        today = self.clock().today
        try:
            with self.binder.changing(f"tickler watch: {card_id}", commit=False) as tx:
                if not folder and not _has_front_matter(path):
                    return  # a README or other notes at the top of the binder: not a card
                filed = self.binder.load(folder, card_id)
                self.binder.changed_by_hand(folder)  # the index, and the birthday line, follow the save
                line = self._file(filed, pending, today)
                self._record(tx)
        except CardError as exc:
            self._warn_once(path, f"{exc} (left as you saved it)")
            return
        except TicklerError as exc:
            self.warn(str(exc))
            return
        if line:
            self.say(line)
            self._batch.details.append(line)

    def _file(self, filed: Filed, pending: _Pending, today: dt.date) -> str | None:
        card = filed.card
        due = card.next
        target = location_for(due, today)
        if target == filed.folder:
            return None  # saved where it belongs (this also covers the watcher's own moves)
        clock = self.clock()
        if pending.dragged_from is not None:
            new_due = divider_date(filed.folder, due, today)
            if new_due is not None or filed.folder == CARDS:
                where = f"into {filed.folder}/"
                text = f"{'parked' if new_due is None else 'to ' + str(new_due)} (dragged {where})"
                card = card.with_entry(format_entry(today, "moved", text, time=clock.now))
                card = card.with_field("next", new_due)
                saved = self.binder.save(filed, card, today)
                return (
                    f"{filed.id}: dragged into {filed.folder}/: next {due or 'none'} -> {new_due or 'none'}"
                    + (f" ({saved.folder})" if saved.folder != filed.folder else "")
                )
            self.warn(
                f"{filed.rel}: {filed.folder}/ stands for no date this month; filed by its next instead"
            )
        saved = self.binder.save(filed, card, today)
        return f"{filed.id}: next {due or 'none'} -> {saved.folder}"

    def _warn_once(self, path: str, message: str) -> None:
        try:
            stamp = os.stat(path).st_mtime
        except OSError:
            stamp = 0.0
        if self._warned.get(path) != stamp:
            self._warned[path] = stamp
            self.warn(message)


def _has_front_matter(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4).lstrip(b"\xef\xbb\xbf").startswith(b"---")
    except OSError:
        return False


def run(
    binder: Binder,
    *,
    say: Callable[[str], None],
    warn: Callable[[str], None],
    stop: threading.Event | None = None,
    ready: threading.Event | None = None,
    quiet: float = 0.4,
    commit_after: float = 2.0,
) -> Watcher:
    """Watch until ``stop`` is set (or Ctrl-C), then commit what is pending and return."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    watcher = Watcher(binder, say=say, warn=warn, quiet=quiet, commit_after=commit_after)

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.is_directory or event.event_type in ("opened", "closed_no_write", "deleted"):
                return
            dest = getattr(event, "dest_path", None) or None
            watcher.on_event(
                event.event_type, os.fsdecode(event.src_path), os.fsdecode(dest) if dest else None
            )

    watcher.start()
    observer = Observer()
    observer.schedule(Handler(), str(binder.root), recursive=True)
    observer.start()
    if ready is not None:
        ready.set()
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            watcher.tick()
            stop.wait(0.1)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join(timeout=5)
        watcher.tick()
        watcher.flush()
    return watcher
