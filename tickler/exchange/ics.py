"""Calendars: ``export ics`` writes one event per scheduled card with the icalendar package.

UIDs are the card ids, so a calendar that imports the file again updates its events instead of
adding copies; a card with a time of day is a 30-minute event, one without is an all-day event."""

from __future__ import annotations

import datetime as dt

from ..binder import Binder, Filed
from ..errors import TicklerError

EVENT_MINUTES = 30


def calendar(cards: list[Filed], *, stamp: dt.datetime | None = None) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//tickler//tickler binder//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "tickler")
    now = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for filed in cards:
        card, due = filed.card, filed.card.next
        if due is None:
            continue
        event = Event()
        event.add("uid", f"{filed.id}@tickler")
        event.add("dtstamp", now)
        event.add("summary", f"{card.action or 'call'}: {card.name}")
        if due.time is None:
            event.add("dtstart", due.date)
            event.add("dtend", due.date + dt.timedelta(days=1))
        else:
            start = dt.datetime.combine(due.date, due.time)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=EVENT_MINUTES))
        lines = []
        for key in ("phone", "company"):
            value = card.get(key)
            if value not in (None, "", []):
                lines.append(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
        last = card.last_entry(skip=("rolled", "balanced"))
        if last is not None:
            lines.append(f"last: {last.date} {last.kind}: {last.text}")
        if lines:
            event.add("description", "\n".join(lines))
        cal.add_component(event)
    return bytes(cal.to_ical())


def export(binder: Binder, owner: str | None) -> tuple[bytes, list[TicklerError]]:
    """``export ics``: every scheduled card (or one rep's) as an event; and the unreadable cards."""
    from ..query import Owners, scheduled

    scan = scheduled(binder)
    cards = Owners(everyone=owner is None, owner=owner).select(binder, scan.cards)
    return calendar(cards), scan.problems
