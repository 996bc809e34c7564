"""``tickler init --sample PATH``: a new binder holding the sample customers, dated from today.

The sample is the repository's sample binder (its ``cards/``, ``days/`` and ``months/``) as it was
filed on ``SAMPLE_DAY``. An installed tickler has no repository, so the package carries a copy of
those cards in ``tickler/sample/`` (with the sample's settings), and a test keeps the copy equal
to the repository's cards: the repository's sample is the one to edit.

Every date in a card keeps its distance to ``SAMPLE_DAY``: the follow-ups, the Log, the dates in
the notes, the birthdays. So on any day the new binder holds what the sample held on its own:
cards due today (one at 15:30), two overdue, an open request, some next week, one months ahead,
birthdays this week, a probable duplicate, and a purchase history for every report.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from .binder import Binder
from .card import Card
from .errors import TicklerError
from .layout import CARD_SUFFIX, SETTINGS_FILE
from .setup import init_binder, with_region

SAMPLE_DAY = dt.date(2026, 11, 23)  # the day the repository's sample binder is filed for
SAMPLE = "sample"  # the package's folder holding the copy
_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d])")
_YEARLESS = re.compile(r"(?<![\w-])--(\d{2})-(\d{2})(?![\d])")  # a birthday without the year


class Sample(NamedTuple):
    created: list[str]  # what init made (folders, forms, settings)
    cards: list[str]  # the sample cards' paths, relative to the binder
    notes: list[str]  # what the user should hear (no git, say)


def sample_cards() -> list[tuple[str, str]]:
    """The sample's cards as the package carries them: (id, text as filed on ``SAMPLE_DAY``)."""
    folder = resources.files("tickler").joinpath(SAMPLE)
    found = []
    for item in folder.iterdir():
        if item.name.endswith(CARD_SUFFIX):
            found.append((item.name[: -len(CARD_SUFFIX)], item.read_text(encoding="utf-8")))
    return sorted(found)


def sample_settings() -> str:
    """The sample binder's ``tickler.toml`` (Anna's: capacity 12, region RU, a loyalty programme)."""
    return resources.files("tickler").joinpath(SAMPLE, SETTINGS_FILE).read_text(encoding="utf-8")


def dated(text: str, days: int) -> str:
    """``text`` with every date moved ``days`` days: ``2026-11-23`` and ``2026-11-23 15:30`` (the
    time stays), and a birthday without its year, ``--11-26``."""
    if not days:
        return text
    step = dt.timedelta(days=days)

    def full(match: re.Match[str]) -> str:
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return match[0]  # not a date after all: left as written
        return (day + step).isoformat()

    def yearless(match: re.Match[str]) -> str:
        month, day = int(match[1]), int(match[2])
        for year in range(SAMPLE_DAY.year, SAMPLE_DAY.year + 8):  # (--02-29 needs a leap year)
            try:
                moved = dt.date(year, month, day) + step
            except ValueError:
                continue
            return moved.strftime("--%m-%d")
        return match[0]

    return _YEARLESS.sub(yearless, _DATE.sub(full, text))


def make_sample(path: Path, today: dt.date, *, git: bool = True, region: str | None = None) -> Sample:
    """A new binder at ``path`` (a folder that does not exist yet, or an empty one) holding the
    sample customers dated from ``today``, in one commit after init's own. ``region`` replaces
    the sample's ``RU``. Every card is made and checked before anything is written."""
    root = path.expanduser()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise TicklerError("is not empty: --sample makes a new binder, in a new or empty folder", path=root)
    shift = (today - SAMPLE_DAY).days
    cards = [
        (card_id, Card.parse(dated(text, shift), source=f"{SAMPLE}/{card_id}{CARD_SUFFIX}"))
        for card_id, text in sample_cards()
    ]
    settings = sample_settings()
    if region is not None:
        settings = with_region(settings, region, "how phone numbers written without +country are read")
    created, notes = init_binder(root, git=git, settings_text=settings)
    binder = Binder(root.resolve())
    with binder.changing("tickler init --sample") as tx:
        filed = [binder.create(card, today, card_id=card_id) for card_id, card in cards]
        tx.message = f"tickler init --sample: {len(filed)} sample cards dated from {today}"
    notes += binder.notices
    return Sample(created, [f.rel for f in filed], notes)
