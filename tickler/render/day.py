"""The day's views as lines of text: the card table of every listing, today's header and its
birthday line, and the agenda's bars. Functions take data and a Style and return lines; the
commands print them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..cache import Row, last_kind
from . import Style, days_word, fit, load_bar, pad, printable, table

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


def card_table(
    cards: Sequence[Listed],
    today: dt.date,
    style: Style,
    *,
    when: When,
    matches: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> list[str]:
    """The card table of every listing: when, who, how to reach them, what to do, the last word.
    Overdue lines are red on a terminal. With ``matches`` (a text search), each card's matching
    line follows its row; ``labels`` replace the WHEN column (a request's time left)."""
    rows, late = [], []
    for index, (due, name, row) in enumerate(cards):
        label = labels[index] if labels is not None else (when(due, today) if due else "-")
        rows.append([label, name, *row])
        late.append(bool(due and due.date < today) or label.endswith(" late"))
    lines = table(rows, style, header=HEADER, shrink=(5, 2, 1))
    out = [lines[0]]
    for index, (line, red) in enumerate(zip(lines[1:], late, strict=True)):
        out.append(style.paint(line, "31") if red else line)
        if matches is not None and matches[index]:
            match = "      > " + printable(matches[index])
            out.append(style.paint(fit(match, style.width) if style.width else match, "2"))
    return out


def day_header(
    count: int, overdue: int, capacity: int, today: dt.date, style: Style, requests: int = 0
) -> str:
    """``Monday 23 November 2026: 4 cards (2 due today, 2 overdue); load 4/12`` and the load bar,
    with the open requests counted when there are any."""
    head = f"{today.strftime('%A %d %B %Y')}: "
    if not count:
        return head + "nothing due today."
    head += f"{count} card{'s' if count != 1 else ''}"
    if overdue:
        head += f" ({count - overdue} due today, {style.paint(f'{overdue} overdue', '31')})"
    if requests:
        head += f"; {requests} open request{'s' if requests != 1 else ''}"
    head += f"; load {count}/{capacity}"
    bar = load_bar(count, capacity, style)
    return head + (f"  {bar}" if bar else "")


def is_request(row: Row | None) -> bool:
    """Whether a card's row shows an open request: its last Log entry is the ``request``."""
    return last_kind(row) == "request"


def time_left(due: Due, now: dt.datetime) -> str:
    """A request's deadline against now: ``2h left``, ``40m left``, ``3h late``."""
    deadline = dt.datetime.combine(due.date, due.time or dt.time(0, 0))
    minutes = int((deadline - now).total_seconds() // 60)
    span = abs(minutes)
    amount = f"{span // 60}h" if span >= 60 else f"{span}m"
    if span >= 48 * 60:
        amount = f"{span // (24 * 60)}d"
    return f"{amount} left" if minutes >= 0 else f"{amount} late"


def day(
    cards: Sequence[Listed], today: dt.date, capacity: int, style: Style, now: dt.datetime | None = None
) -> list[str]:
    """Today's divider: the header with the load, then the card table (nothing when empty). Open
    requests come first, the nearest deadline first, each with the time left before it."""
    now = now or dt.datetime.combine(today, dt.time(0, 0))
    requests = sorted((c for c in cards if is_request(c[2])), key=lambda c: c[0].sort_key if c[0] else ())
    rest = [c for c in cards if not is_request(c[2])]
    ordered = [*requests, *rest]
    overdue = sum(1 for due, _, _ in ordered if due and due.date < today)
    header = day_header(len(ordered), overdue, capacity, today, style, len(requests))
    if not ordered:
        return [header]
    labels = [time_left(due, now) if due else "-" for due, _, _ in requests]
    labels += [when_in_day(due, today) if due else "-" for due, _, _ in rest]
    return [header, *card_table(ordered, today, style, when=when_in_day, labels=labels)]


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
        requests = sum(
            1 for e in cards if e.summary is not None and is_request(e.summary.row or ("", "", "", ""))
        )
        if requests:
            by_day.setdefault(day_, []).insert(0, f"{requests} request{'s' if requests != 1 else ''}")
        notes = "; ".join(by_day.get(day_, []))
        line = f"  {label}  {count:>3}/{capacity:<3} {pad(bar, bar_width + 5)} {mark:<10} {notes}".rstrip()
        if style.width is not None and "\x1b" not in line:
            line = fit(line, style.width)
        lines.append(style.paint(line, "1") if day_ == today else line)
    return lines
