"""The manager's view (``report activity``): what each rep did in a period, and where their
dividers stand now.

On paper the sales manager looks through each rep's binder; this is that look. Per rep (a card's
``owner``; cards without one are counted apart): the Log entries written in the period by kind
(calls, emails, meetings, letters, replies... but not the entries tickler writes itself when it
rolls or balances), the purchases and their total, and, as of today, the overdue cards, the cards
due today and that load against capacity. Like every report it is read from the cards' Log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .binder import Binder
from .config import owner_matches
from .errors import CardError
from .layout import CARD_FOLDERS
from .ledger import Ledger, no_cycle_collection

AUTOMATIC = ("rolled", "balanced", "cadence", "reminder", "renamed", "merged")  # written by tickler


@dataclass
class RepActivity:
    owner: str | None  # None: the cards nobody owns
    entries: dict[str, int] = field(default_factory=dict)  # kind -> entries in the period
    purchases: int = 0
    revenue: Decimal = Decimal(0)
    overdue: int = 0
    due_today: int = 0

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
        }


def this_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday of this week to today: the default period."""
    return today - dt.timedelta(days=today.weekday()), today


def activity(
    binder: Binder, today: dt.date, start: dt.date, end: dt.date, owner: str | None = None
) -> tuple[list[RepActivity], list[str]]:
    """Per rep, in order of name (the cards nobody owns last), and warnings for malformed cards
    and Log lines. Owners are one rep when they are one name or one email's local part."""
    with no_cycle_collection():
        return _activity(binder, today, start, end, owner)


def _activity(
    binder: Binder, today: dt.date, start: dt.date, end: dt.date, owner: str | None
) -> tuple[list[RepActivity], list[str]]:
    warnings: list[str] = []
    reps: dict[str, RepActivity] = {}
    today_text = today.isoformat()
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
        due = account.next[:10] if account.next else None
        if due is not None and due < today_text:
            rep.overdue += 1
        elif due == today_text:
            rep.due_today += 1
    ordered = sorted(reps.items(), key=lambda kv: (kv[0] == "", kv[0]))
    return [rep for _, rep in ordered], warnings
