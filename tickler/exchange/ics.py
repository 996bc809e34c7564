"""Calendars: ``export ics`` and ``serve``'s feed write one event per scheduled card with the
icalendar package.

UIDs are the card ids, so a calendar that imports the file again (or subscribes to the feed)
updates its events instead of adding copies; a card with a time of day is a 30-minute event, one
without is an all-day event. With an alarm, each timed event rings that long before the call
(``alarm_before``): an all-day event has no moment to ring before.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from ..binder import Binder, Filed
from ..dates import Due
from ..errors import TicklerError

if TYPE_CHECKING:
    from ..query import Owners

EVENT_MINUTES = 30


class Event(NamedTuple):
    """What a calendar shows of one scheduled card."""

    id: str
    due: Due
    summary: str  # ``call: Ivan Ivanov``
    lines: list[str]  # the description: ``phone: ...``, ``company: ...``


def _summary(action: str | None, name: str) -> str:
    return f"{action or 'call'}: {name}"


def _reach(phone: str, company: str) -> list[str]:
    return [f"{key}: {value}" for key, value in (("phone", phone), ("company", company)) if value]


def _text(value: object) -> str:
    if value in (None, "", []):
        return ""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def card_event(filed: Filed, due: Due) -> Event:
    """``export ics``'s event of a card: what to do, the phone, the company and the last Log entry."""
    card = filed.card
    lines = _reach(_text(card.get("phone")), _text(card.get("company")))
    last = card.last_entry(skip=("rolled", "balanced"))
    if last is not None:
        lines.append(f"last: {last.date} {last.kind}: {last.text}")
    return Event(filed.id, due, _summary(card.action, card.name), lines)


def calendar(
    cards: list[Filed], *, stamp: dt.datetime | None = None, alarm: dt.timedelta | None = None
) -> bytes:
    events = [card_event(f, f.card.next) for f in cards if f.card.next is not None]
    return calendar_of(events, stamp=stamp, alarm=alarm)


def calendar_of(
    events: list[Event], *, stamp: dt.datetime | None = None, alarm: dt.timedelta | None = None
) -> bytes:
    """The iCalendar file of ``events``; with ``alarm``, a display alarm that long before each timed one."""
    from icalendar import Alarm, Calendar
    from icalendar import Event as CalendarEvent

    cal = Calendar()
    cal.add("prodid", "-//tickler//tickler binder//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "tickler")
    now = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for item in events:
        due = item.due
        event = CalendarEvent()
        event.add("uid", f"{item.id}@tickler")
        event.add("dtstamp", now)
        event.add("summary", item.summary)
        if due.time is None:
            event.add("dtstart", due.date)
            event.add("dtend", due.date + dt.timedelta(days=1))
        else:
            start = dt.datetime.combine(due.date, due.time)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=EVENT_MINUTES))
        if item.lines:
            event.add("description", "\n".join(item.lines))
        if alarm is not None and due.time is not None:
            ring = Alarm()
            ring.add("action", "DISPLAY")
            ring.add("description", item.summary)
            ring.add("trigger", -alarm)
            event.add_component(ring)
        cal.add_component(event)
    return bytes(cal.to_ical())


def export(binder: Binder, owner: str | None, *, alarm: bool = False) -> tuple[bytes, list[TicklerError]]:
    """``export ics``: every scheduled card (or one rep's) as an event, ringing ``alarm_before``
    each timed call with ``alarm``; and the unreadable cards."""
    from ..query import Owners, scheduled

    scan = scheduled(binder)
    cards = Owners(everyone=owner is None, owner=owner).select(binder, scan.cards)
    ring = binder.settings.alarm_before if alarm else None
    return calendar(cards, alarm=ring), scan.problems


def feed(binder: Binder, owners: Owners) -> tuple[bytes, list[TicklerError]]:
    """The calendar a phone subscribes to (``serve``'s ``/calendar.ics``): the scheduled cards of
    ``owners``, each timed call ringing ``alarm_before`` ahead. It says what to do, the name, the
    phone and the company, never the notes or the Log (a calendar is shown on a locked screen and
    may be shared). From the index: no card is read but for its row, the first time it is shown."""
    from ..query import scheduled_entries

    entries, problems = scheduled_entries(binder, rows=True)
    events = []
    for entry in owners.select_entries(binder, entries):
        summary = entry.summary
        if summary is None or summary.due is None or summary.row is None:
            continue
        company, phone, action, _ = summary.row
        events.append(Event(entry.id, summary.due, _summary(action, summary.name), _reach(phone, company)))
    return calendar_of(events, alarm=binder.settings.alarm_before), problems
