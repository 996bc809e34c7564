"""The binder's geometry, as pure functions: folder names, the filing rule, what a divider stands
for, and which files are cards.

Everything else asks this module where a card belongs (and where the binder is); it imports
nothing of tickler but ``dates`` and ``errors``.
``next`` in a card is the truth and its folder is derived from it by ``location_for``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path

from .dates import Due, days_in_month, parse_due, window_end
from .errors import BinderNotFound

CARDS = "cards"
DAYS = "days"
MONTHS = "months"
TEMPLATES = "templates"
# The dossier's files (offers, calculations, kept mail): files/<id>/, beside the dividers and never
# moved with the card, so a reschedule stays one renamed card file in `git diff`.
FILES = "files"
MAIL = "mail"  # files/<id>/mail/: the messages ``import mail`` keeps
STATE = ".tickler"  # local state (lock, cache): git-ignored, always safe to delete
RUNNING = "running"  # in STATE while a changing command runs: what it is
SETTINGS_FILE = "tickler.toml"
DAY_FOLDERS = tuple(f"{DAYS}/{d:02d}" for d in range(1, 32))
MONTH_FOLDERS = tuple(f"{MONTHS}/{m:02d}" for m in range(1, 13))
CARD_FOLDERS = (CARDS, *DAY_FOLDERS, *MONTH_FOLDERS)
CARD_SUFFIX = ".md"

# A card's path relative to the binder: cards/<id>.md, days/DD/<id>.md, months/MM/<id>.md.
CARD_PATH = re.compile(r"^(?:cards|days/(?:0[1-9]|[12]\d|3[01])|months/(?:0[1-9]|1[0-2]))/([^/]+)\.md$")


def location_for(due: Due | None, today: dt.date) -> str:
    """The folder a card belongs in: ``cards``, ``days/DD`` or ``months/MM``.

    A card is in a day divider when its date falls before ``add_months(today, 1)`` (overdue
    included); in that window each day of the month occurs at most once, so a day divider never
    holds two dates. Later dates go under their month's divider.
    """
    if due is None:
        return CARDS
    if due.date < window_end(today):
        return f"{DAYS}/{due.date.day:02d}"
    return f"{MONTHS}/{due.date.month:02d}"


def filer(today: dt.date) -> Callable[[str | None], str]:
    """``location_for`` over a written ``next`` (YYYY-MM-DD[ HH:MM]), remembered per value: a pass
    over a big binder meets a few hundred dates, not a hundred thousand."""
    seen: dict[str | None, str] = {}

    def folder_for(text: str | None) -> str:
        folder = seen.get(text)
        if folder is None:
            folder = seen[text] = location_for(None if text is None else parse_due(text), today)
        return folder

    return folder_for


def is_card_name(name: str) -> bool:
    """Whether a file name in a divider is a card: ``<id>.md``, not hidden (tickler's temporary
    files, editors' swap and lock files all start with a dot)."""
    return name.endswith(CARD_SUFFIX) and not name.startswith(".")


def card_rel(folder: str, card_id: str) -> str:
    """A card's path relative to the binder."""
    return f"{folder}/{card_id}{CARD_SUFFIX}" if folder else f"{card_id}{CARD_SUFFIX}"


def files_folder(card_id: str) -> str:
    """The folder of a card's dossier files, relative to the binder: ``files/<id>``."""
    return f"{FILES}/{card_id}"


def card_id_of(rel: str) -> str | None:
    """The id of the card at binder-relative ``rel``, or None when that is no card's place."""
    match = CARD_PATH.match(rel)
    return match.group(1) if match else None


def linked_folder(root: Path, folder: str) -> bool:
    """Whether ``folder`` (``days/05``) or its parent is a symbolic link: never followed."""
    base = str(root)
    top, _, rest = folder.partition("/")
    return os.path.islink(f"{base}/{top}") or (bool(rest) and os.path.islink(f"{base}/{folder}"))


# --------------------------------------------------------------------------- what a divider stands for


def date_for_day_divider(day_of_month: int, today: dt.date) -> dt.date | None:
    """The date a day divider stands for in the window ``[today, add_months(today, 1))``, or None
    when that day is not in the window (only the 29th-31st can be missing: days/30 on Jan 31)."""
    end = window_end(today)
    for year, month in ((today.year, today.month), (end.year, end.month)):
        if day_of_month <= days_in_month(year, month):
            candidate = dt.date(year, month, day_of_month)
            if today <= candidate < end:
                return candidate
    return None


def date_for_month_divider(month: int, day_of_month: int, today: dt.date) -> dt.date:
    """The date a month divider stands for: that month at or past the window's end, keeping the
    day of the month (clamped to the month's last day)."""
    end = window_end(today)
    year = end.year if month >= end.month else end.year + 1
    candidate = dt.date(year, month, min(day_of_month, days_in_month(year, month)))
    if candidate < end:  # the window's own month, but a day still inside the window
        year += 1
        candidate = dt.date(year, month, min(day_of_month, days_in_month(year, month)))
    return candidate


def divider_date(folder: str, due: Due | None, today: dt.date) -> Due | None:
    """The follow-up a card dragged into ``folder`` gets: that divider's date, keeping the time of
    day (a month divider also keeps the day of the month, clamped). None for cards/ or a day
    divider that stands for no date in the window (days/30 seen from 31 January)."""
    kind, _, number = folder.partition("/")
    time_of_day = due.time if due else None
    if kind == DAYS:
        day = date_for_day_divider(int(number), today)
        return Due(day, time_of_day) if day else None
    if kind == MONTHS:
        keep_day = due.date.day if due else 1
        return Due(date_for_month_divider(int(number), keep_day, today), time_of_day)
    return None


def folders_for_range(start: dt.date, end: dt.date, today: dt.date) -> tuple[str, ...]:
    """The dividers that can hold cards due from ``start`` to ``end`` (inclusive)."""
    if (end - start).days > 400:
        return CARD_FOLDERS[1:]
    folders: set[str] = set()
    day = start
    while day <= end:
        folders.add(location_for(Due(day), today))
        day += dt.timedelta(days=1)
    if start < today:
        folders.update(DAY_FOLDERS)  # cards overdue in that range wait in their day divider
        folders.add(f"{MONTHS}/{today.month:02d}")  # or, before a roll, in this month's
    return tuple(sorted(folders))


def today_folders(today: dt.date) -> tuple[str, ...]:
    """Where the cards due today and the overdue ones wait: the day dividers, and this month's
    divider for the cards a ``roll`` has not spread yet."""
    return (*DAY_FOLDERS, f"{MONTHS}/{today.month:02d}")


# --------------------------------------------------------------------------- where the binder is


def find_root(explicit: str | None = None, *, start: Path | None = None) -> Path:
    """The binder root: ``--binder``, else ``TICKLER_BINDER``, else the nearest folder upward
    from ``start`` that holds ``days/`` and ``months/``."""
    given = explicit if explicit else os.environ.get("TICKLER_BINDER") or None
    if given:
        root = Path(given).expanduser()
        if not (root / DAYS).is_dir() or not (root / MONTHS).is_dir():
            source = "--binder" if explicit else "TICKLER_BINDER"
            raise BinderNotFound(
                f"{source}: {root} is not a binder (it has no days/ and months/ folders); "
                "create one with 'tickler init'"
            )
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DAYS).is_dir() and (folder / MONTHS).is_dir():
            return folder
    raise BinderNotFound(
        "no binder here: no folder with days/ and months/ from this one upward. "
        "Run 'tickler init', or give --binder PATH or TICKLER_BINDER"
    )
