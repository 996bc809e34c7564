"""``balance``: move what exceeds a day's capacity to the next workdays with room."""

from __future__ import annotations

import datetime as dt

from ..binder import Binder, Change, Filed
from ..card import format_entry
from ..dates import Clock, Workdays
from ..layout import folders_for_range, location_for
from ..query import Owners

WRITTEN_WORK = ("letter", "email", "note")
LOOKAHEAD_DAYS = 62  # how far balance looks for a day with room


def flexibility(filed: Filed, today: dt.date) -> tuple[int, int, int]:
    """Sort key: the smaller, the sooner ``balance`` moves the card to another day.

    1. a card due today or later before an overdue one (an overdue customer has waited already);
    2. written work (letter, email, note) before calls and meetings: it can be done any day;
    3. the customer we spoke to most recently first: they heard from us lately.
    """
    card = filed.card
    due = card.next
    assert due is not None
    overdue = 1 if due.date < today else 0
    written = 0 if (card.action or "").lower() in WRITTEN_WORK else 1
    last = card.last_entry(skip=("rolled", "balanced", "moved"))
    recency = -(last.date.toordinal()) if last else 0
    return (overdue, written, recency)


def movable(filed: Filed) -> bool:
    """A card with a time of day is an appointment, and ``fixed: true`` means hands off."""
    due = filed.card.next
    return due is not None and due.time is None and not filed.card.fixed


def balance(binder: Binder, clock: Clock, owners: Owners, *, dry_run: bool = False) -> list[Change]:
    """Move what exceeds capacity on each day to the next workdays with room."""
    today = clock.today
    capacity = binder.settings.capacity
    workdays = binder.settings.workday_calendar()
    horizon = today + dt.timedelta(days=LOOKAHEAD_DAYS)
    changes: list[Change] = []
    with binder.changing("tickler balance") as tx:
        scan = binder.scan(folders_for_range(today - dt.timedelta(days=1), horizon, today))
        cards = [f for f in owners.select(binder, scan.cards) if f.card.next is not None]
        load: dict[dt.date, list[Filed]] = {}
        for filed in cards:
            due = filed.card.next
            assert due is not None
            if due.date <= horizon:
                load.setdefault(max(due.date, today), []).append(filed)
        plan: list[tuple[Filed, dt.date]] = []
        for day in sorted(load):
            excess = len(load[day]) - capacity
            if excess <= 0:
                continue
            candidates = sorted((f for f in load[day] if movable(f)), key=lambda f: flexibility(f, today))
            for filed in candidates[:excess]:
                target = _next_day_with_room(day, load, capacity, workdays, horizon)
                if target is None:
                    break
                load[day].remove(filed)
                load.setdefault(target, []).append(filed)
                plan.append((filed, target))
        for filed, target in plan:
            old = filed.card.next
            assert old is not None
            card = filed.card.with_entry(
                format_entry(today, "balanced", f"from {old.date.isoformat()}", time=clock.now)
            ).with_field("next", old.with_date(target))
            folder = location_for(card.next, today) if dry_run else binder.save(filed, card, today).folder
            changes.append(Change(filed.id, filed.folder, folder, old, card.next, "balanced"))
        tx.message = f"tickler balance: {len(changes)} card{'s' if len(changes) != 1 else ''}"
        tx.details = [f"{c.id}: {c.old_next} -> {c.new_next}" for c in changes]
    return changes


def _next_day_with_room(
    day: dt.date, load: dict[dt.date, list[Filed]], capacity: int, workdays: Workdays, horizon: dt.date
) -> dt.date | None:
    candidate = day + dt.timedelta(days=1)
    while candidate <= horizon:
        if workdays.is_workday(candidate) and len(load.get(candidate, [])) < capacity:
            return candidate
        candidate += dt.timedelta(days=1)
    return None
