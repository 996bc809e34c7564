"""The day's views as lines of text: the card table of every listing, today's header and its
birthday line, and the agenda's bars. Functions take data and a Style and return lines; the
commands print them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from . import Style, days_word, fit, load_bar, pad, table

if TYPE_CHECKING:
    from ..dates import Due, Workdays
    from ..query import Agenda, Birthday, Listed

BIRTHDAYS_SHOWN = 12  # more go to a count and a pointer to agenda, so the line stays readable
HEADER = ("WHEN", "NAME", "COMPANY", "PHONE", "ACTION", "LAST")

When = Callable[["Due", dt.date], str]


def when_in_day(due: Due, today: dt.date) -> str:
    """How ``today`` shows a card's date: ``5d late``, its time of day, or ``today``."""
    if due.date < today:
        return f"{(today - due.date).days}d late"
    return due.time.strftime("%H:%M") if due.time else "today"


def when_in_list(due: Due, today: dt.date) -> str:
    """How listings show a card's date: ``Mon 23 Nov 2026 15:30``."""
    text = due.date.strftime("%a %d %b %Y")
    return f"{text} {due.time.strftime('%H:%M')}" if due.time else text


def relative(due: Due, today: dt.date) -> str:
    """`` (today)``, `` (3 days overdue)`` or `` (in 2 days)``."""
    delta = (due.date - today).days
    if delta == 0:
        return " (today)"
    if delta < 0:
        return f" ({days_word(-delta)} overdue)"
    return f" (in {days_word(delta)})"


def card_table(cards: Sequence[Listed], today: dt.date, style: Style, *, when: When) -> list[str]:
    """The card table of every listing: when, who, how to reach them, what to do, the last word.
    Overdue lines are red on a terminal."""
    rows, late = [], []
    for due, name, row in cards:
        rows.append([when(due, today) if due else "-", name, *row])
        late.append(bool(due and due.date < today))
    lines = table(rows, style, header=HEADER, shrink=(5, 2, 1))
    return [
        lines[0],
        *(style.paint(line, "31") if red else line for line, red in zip(lines[1:], late, strict=True)),
    ]


def day_header(count: int, overdue: int, capacity: int, today: dt.date, style: Style) -> str:
    """``Monday 23 November 2026: 4 cards (2 due today, 2 overdue); load 4/12`` and the load bar."""
    head = f"{today.strftime('%A %d %B %Y')}: "
    if not count:
        return head + "nothing due today."
    head += f"{count} card{'s' if count != 1 else ''}"
    if overdue:
        head += f" ({count - overdue} due today, {style.paint(f'{overdue} overdue', '31')})"
    head += f"; load {count}/{capacity}"
    bar = load_bar(count, capacity, style)
    return head + (f"  {bar}" if bar else "")


def day(cards: Sequence[Listed], today: dt.date, capacity: int, style: Style) -> list[str]:
    """Today's divider: the header with the load, then the card table (nothing when empty)."""
    overdue = sum(1 for due, _, _ in cards if due and due.date < today)
    header = day_header(len(cards), overdue, capacity, today, style)
    if not cards:
        return [header]
    return [header, *card_table(cards, today, style, when=when_in_day)]


def birthday_line(found: Sequence[Birthday], today: dt.date) -> str | None:
    """``Birthdays: Елена Волкова (Thu 26 Nov, 41); ...``: twelve names at most, then a count."""
    if not found:
        return None
    parts = []
    for birthday in found[:BIRTHDAYS_SHOWN]:
        when = "today" if birthday.on == today else birthday.on.strftime("%a %d %b")
        age = f", {birthday.age}" if birthday.age else ""
        parts.append(f"{birthday.name} ({when}{age})")
    line = "Birthdays: " + "; ".join(parts)
    if len(found) > BIRTHDAYS_SHOWN:
        line += f"; and {len(found) - BIRTHDAYS_SHOWN} more (tickler agenda lists them by day)"
    return line


def agenda(
    plan: Agenda, today: dt.date, capacity: int, ahead: int, workdays: Workdays, style: Style
) -> list[str]:
    """One line per day: the count against capacity as a bar, today, days off and holidays marked,
    over-full days in red with the excess, birthdays on their day and ``ahead`` days before."""
    by_day: dict[dt.date, list[str]] = {}
    last_day = plan.days[-1][0]
    for birthday in plan.birthdays:
        name = birthday.name
        if birthday.on <= last_day:
            age = f" ({birthday.age})" if birthday.age else ""
            by_day.setdefault(birthday.on, []).append(f"birthday: {name}{age}")
        notice_day = birthday.on - dt.timedelta(days=ahead)
        if ahead and today <= notice_day <= last_day:
            by_day.setdefault(notice_day, []).append(f"{name}'s birthday in {ahead} days")
    bar_width = min(40, max(10, capacity))
    lines = []
    if plan.overdue:
        lines.append(
            style.paint(
                f"  overdue        {len(plan.overdue):>3}  run 'tickler roll' to bring them to today", "31"
            )
        )
    for day_, cards in plan.days:
        label = day_.strftime("%a %d %b")
        mark = "today" if day_ == today else ""
        if not workdays.is_workday(day_):
            mark = workdays.holiday_name(day_) or "day off"
        count = len(cards)
        filled = min(bar_width, round(bar_width * count / capacity))
        glyph = "█" if style.width is not None else "#"
        bar = glyph * filled + (f" +{count - capacity}" if count > capacity else "")
        if count > capacity:
            bar = style.paint(bar, "31")
        notes = "; ".join(by_day.get(day_, []))
        line = f"  {label}  {count:>3}/{capacity:<3} {pad(bar, bar_width + 5)} {mark:<10} {notes}".rstrip()
        if style.width is not None and "\x1b" not in line:
            line = fit(line, style.width)
        lines.append(style.paint(line, "1") if day_ == today else line)
    return lines
