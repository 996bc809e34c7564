"""The manager's view (``report activity``): what each rep did in a period, and where their
dividers stand now.

On paper the sales manager looks through each rep's binder; this is that look. Per rep (a card's
``owner``; cards without one are counted apart): the Log entries written in the period by kind
(calls, emails, meetings, letters, replies... but not the entries tickler writes itself when it
rolls or balances), the purchases and their total, and, as of today, the overdue cards, the cards
due today and that load against capacity. Like every report it is read from the cards' Log.

And how fast they answer customers: of the ``request`` entries written in the period, those
answered (the answer is the next entry after the request that is neither tickler's own nor another
request, as ``today`` sees it), those still open, those late (answered after ``reply_within``, or
open past it), the median hours to an answer, and the share answered within ``reply_within`` of
those whose time is up (answered, or open past it).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from .binder import Binder
from .config import owner_matches
from .errors import CardError
from .layout import CARD_FOLDERS
from .ledger import Ledger, no_cycle_collection

AUTOMATIC = ("rolled", "balanced", "cadence", "reminder", "renamed", "merged")  # written by tickler


@dataclass
class Requests:
    """A rep's customer requests of the period, and how they were answered."""

    hours: list[float] = field(default_factory=list)  # to each answer
    open: int = 0
    in_time: int = 0  # answered within reply_within
    late_open: int = 0  # open past reply_within

    @property
    def answered(self) -> int:
        return len(self.hours)

    @property
    def late(self) -> int:
        return self.answered - self.in_time + self.late_open

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 2) if self.hours else None

    @property
    def within(self) -> float | None:
        """The share answered in time of the requests whose time is up (None: none is)."""
        decided = self.answered + self.late_open
        return round(self.in_time / decided, 4) if decided else None

    def as_json(self) -> dict[str, int | float | None]:
        return {
            "answered": self.answered,
            "open": self.open,
            "late": self.late,
            "median_hours": self.median_hours,
            "within": self.within,
        }


def count_requests(
    raw: tuple[tuple[int, int, str, str | None, str, int], ...],
    period: tuple[int, int],
    now: dt.datetime,
    within: dt.timedelta,
    into: Requests,
) -> None:
    """Add the requests of one card's Log (the ledger's entries, in date order) written in
    ``period`` (first and last day, as ordinals) to ``into``."""
    limit = within.total_seconds() / 60
    now_minutes = now.toordinal() * 1440 + now.hour * 60 + now.minute
    for index, (day, minutes, kind, *_) in enumerate(raw):
        if kind != "request" or not period[0] <= day <= period[1]:
            continue
        asked = day * 1440 + max(minutes, 0)
        answer = next((r for r in raw[index + 1 :] if r[2] != "request" and r[2] not in AUTOMATIC), None)
        if answer is None:
            into.open += 1
            into.late_open += now_minutes > asked + limit
            continue
        waited = answer[0] * 1440 + max(answer[1], 0) - asked
        into.hours.append(waited / 60)
        into.in_time += waited <= limit


@dataclass
class RepActivity:
    owner: str | None  # None: the cards nobody owns
    entries: dict[str, int] = field(default_factory=dict)  # kind -> entries in the period
    purchases: int = 0
    revenue: Decimal = Decimal(0)
    overdue: int = 0
    due_today: int = 0
    requests: Requests = field(default_factory=Requests)

    @property
    def written(self) -> int:
        return sum(self.entries.values())

    @property
    def load(self) -> int:
        """The cards today's divider holds for this rep: due today and overdue."""
        return self.overdue + self.due_today

    def as_json(self) -> dict[str, object]:
        return {
            "owner": self.owner,
            "entries": dict(sorted(self.entries.items())),
            "purchases": self.purchases,
            "revenue": float(self.revenue),
            "overdue": self.overdue,
            "due_today": self.due_today,
            "requests": self.requests.as_json(),
        }


def this_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday of this week to today: the default period."""
    return today - dt.timedelta(days=today.weekday()), today


def activity(
    binder: Binder,
    today: dt.date,
    start: dt.date,
    end: dt.date,
    owner: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[list[RepActivity], list[str]]:
    """Per rep, in order of name (the cards nobody owns last), and warnings for malformed cards
    and Log lines. Owners are one rep when they are one name or one email's local part. ``now``
    (default: the start of today) decides which open requests are late."""
    with no_cycle_collection():
        moment = now or dt.datetime.combine(today, dt.time(0, 0))
        return _activity(binder, today, start, end, owner, moment)


def _activity(
    binder: Binder, today: dt.date, start: dt.date, end: dt.date, owner: str | None, now: dt.datetime
) -> tuple[list[RepActivity], list[str]]:
    warnings: list[str] = []
    reps: dict[str, RepActivity] = {}
    today_text = today.isoformat()
    period = (start.toordinal(), end.toordinal())
    within = binder.settings.reply_within
    for account in Ledger(binder.index_store()).accounts(CARD_FOLDERS):
        if isinstance(account, CardError):
            warnings.append(str(account))
            continue
        if owner is not None and not owner_matches(account.owner, owner):
            continue
        key = (account.owner or "").strip().casefold().split("@")[0]
        rep = reps.setdefault(key, RepActivity(account.owner))
        if account.owner and rep.owner and len(account.owner) < len(rep.owner):
            rep.owner = account.owner  # one rep, named the shortest way a card names them
        warnings += [f"{account.rel}:{line}: not a Log entry; skipped" for line in account.bad]
        for entry in account.entries_between(start, end):
            if entry.kind in AUTOMATIC:
                continue
            rep.entries[entry.kind] = rep.entries.get(entry.kind, 0) + 1
            if entry.kind == "purchase" and entry.amount is not None:
                rep.purchases += 1
                rep.revenue += entry.amount
        if any(r[2] == "request" for r in account.raw):
            count_requests(account.raw, period, now, within, rep.requests)
        due = account.next[:10] if account.next else None
        if due is not None and due < today_text:
            rep.overdue += 1
        elif due == today_text:
            rep.due_today += 1
    ordered = sorted(reps.items(), key=lambda kv: (kv[0] == "", kv[0]))
    return [rep for _, rep in ordered], warnings
