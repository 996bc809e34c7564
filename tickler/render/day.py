"""The day's views as lines of text: the card table of every listing, today's header and its
birthday line, and the agenda's bars. Functions take data and a Style and return lines; the
commands print them, and never ask how wide the terminal is.

Each view fits the terminal it is given. The card table is one row per card while it fits with
the names and phones whole; when it cannot (a phone, a split editor pane), the cards are stacked:
a block per card, the first line when and the whole name, then the phone and the action, the
company and the last Log entry. The day's header shortens and the agenda's bars shrink to the room
left. In a pipe every view is plain aligned text, never cut."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..summary import Row, last_kind
from . import Style, days_word, display_width, fit, load_bar, pad, printable, table_if_it_fits, wrap

if TYPE_CHECKING:
    from ..dates import Due, Workdays
    from ..query import Agenda, Birthday, Listed

BIRTHDAYS_SHOWN = 12  # more go to a count and a pointer to agenda, so the line stays readable
HEADER = ("WHEN", "NAME", "COMPANY", "PHONE", "ACTION", "LAST")

When = Callable[["Due", dt.date], str]
AgendaDay = tuple[dt.date, int, str, list[str]]  # the day, its cards, its mark, its notes


def when_in_day(due: Due, today: dt.date) -> str:
    """How ``today`` shows a card's date: ``5d late``, its time of day, or ``today``."""
    if due.date < today:
        return f"{(today - due.date).days}d late"
    return due.time.strftime("%H:%M") if due.time else "today"


def when_waiting(due: Due, today: dt.date, since: dt.date | None) -> str:
    """``when_in_day``, and for a card rolled forward from an earlier date, how long the customer
    has been waiting: ``13d waiting`` (``15:30, 13d waiting`` with a time of day)."""
    shown = when_in_day(due, today)
    if since is None or since >= today or due.date < today:
        return shown
    waited = f"{(today - since).days}d waiting"
    return waited if shown == "today" else f"{shown}, {waited}"


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


SHRINK = (5, 2)  # LAST, then COMPANY: the columns a table may cut; NAME and PHONE never
STACK_INDENT = "    "  # the detail lines of a stacked card


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
    line follows its row; ``labels`` replace the WHEN column (a request's time left). On a
    terminal too narrow for the table with whole names and phones, the cards are stacked."""
    rows, late = [], []
    for index, (due, name, row) in enumerate(cards):
        label = labels[index] if labels is not None else (when(due, today) if due else "-")
        rows.append([label, name, *row])
        late.append(bool(due and due.date < today) or label.endswith(" late"))
    lines = table_if_it_fits(rows, style, header=HEADER, shrink=SHRINK)
    if lines is None:  # too narrow for whole names and phones
        return stacked(rows, late, style, matches)
    out = [lines[0]]
    for index, (line, red) in enumerate(zip(lines[1:], late, strict=True)):
        out.append(style.paint(line, "31") if red else line)
        if matches is not None and matches[index]:
            match = "      > " + printable(matches[index])
            out.append(style.paint(fit(match, style.width) if style.width else match, "2"))
    return out


def stacked(
    rows: Sequence[Sequence[str]], late: Sequence[bool], style: Style, matches: Sequence[str] | None = None
) -> list[str]:
    """A block per card for a narrow terminal: ``when  name`` (the name wrapped at a word, never
    cut), then ``phone · action`` (the phone never cut), the company and the last Log entry cut
    to the width, and a text search's matching line."""
    width = style.width or 80
    out: list[str] = []
    for index, row in enumerate(rows):
        label, name, company, phone, action, last = (printable(cell) for cell in row)
        lead = f"  {label}  "
        room = width - display_width(lead)
        if room < max(12, *(display_width(word) for word in name.split())):  # under a long date
            first = [f"  {label}"]
            first += [STACK_INDENT + part for part in wrap(name, width - len(STACK_INDENT))]
        else:
            parts = wrap(name, room)
            first = [lead + parts[0], *(" " * display_width(lead) + part for part in parts[1:])]
        paint = "31" if late[index] else "1"
        out += [style.paint(line, paint) for line in first]
        room = width - len(STACK_INDENT)
        reach = " · ".join(part for part in (phone, action) if part and part != "-")
        if reach and display_width(reach) <= room:
            out.append(STACK_INDENT + reach)
        else:
            out += [STACK_INDENT + part for text in (phone, action) if text for part in wrap(text, room)]
        out += [STACK_INDENT + fit(text, room) for text in (company, last) if text]
        if matches is not None and matches[index]:
            out.append(style.paint(fit(STACK_INDENT + "> " + printable(matches[index]), width), "2"))
    return out


def calls_split(count: int, first_calls: int) -> str:
    """``3 follow-ups, 1 first call``: the cards whose Log holds a contact, and those without one
    (a part that is zero is left out)."""
    follow_ups = count - first_calls
    parts = [f"{follow_ups} follow-up{'s' if follow_ups != 1 else ''}"] if follow_ups else []
    parts += [f"{first_calls} first call{'s' if first_calls != 1 else ''}"] if first_calls else []
    return ", ".join(parts)


def day_header(
    count: int,
    overdue: int,
    capacity: int,
    today: dt.date,
    style: Style,
    requests: int = 0,
    *,
    first_calls: int = 0,
    unreadable: int = 0,
) -> list[str]:
    """``Monday 23 November 2026: 4 cards: 3 follow-ups, 1 first call (2 due today, 2 overdue); load
    4/12`` and the load bar, with the open requests counted when there are any, and the cards of
    the dividers that could not be read (one of them may be due: the warnings name them). On a
    narrow terminal the short form, ``Mon 23 Nov: 4 due: 3 follow-ups, 1 first call (2 late),
    load 4/12``, with the bar sized to what is left (or on a line of its own)."""
    broken = f"{unreadable} card{'s' if unreadable != 1 else ''} could not be read" if unreadable else ""
    if not count:
        empty = f"{today.strftime('%A %d %B %Y')}: nothing due today"
        return _fitted([f"{empty}; {broken}." if broken else f"{empty}."], style)
    late = f"{overdue} overdue"
    split = calls_split(count, first_calls)
    long = f"{today.strftime('%A %d %B %Y')}: {count} card{'s' if count != 1 else ''}: {split}"
    if overdue:
        long += f" ({count - overdue} due today, {late})"
    if requests:
        long += f"; {requests} open request{'s' if requests != 1 else ''}"
    if broken:
        long += f"; {broken}"
    long += f"; load {count}/{capacity}"
    if style.width is None:
        return [long.replace(late, style.paint(late, "31"))]
    if display_width(long) + 2 + 10 <= style.width:  # the long form, with a bar of 10 to 20
        bar = load_bar(count, capacity, style, min(20, style.width - display_width(long) - 2))
        return [long.replace(late, style.paint(late, "31")) + "  " + bar]
    late = f"{overdue} late"
    short = f"{today.strftime('%a %d %b')}: {count} due: {split}"
    short += f" ({late})" if overdue else ""
    short += f", {requests} request{'s' if requests != 1 else ''}" if requests else ""
    short += f", {unreadable} unreadable" if unreadable else ""
    short += f", load {count}/{capacity}"
    lines = wrap(short, style.width)
    room = style.width - display_width(lines[-1]) - 2
    if room >= 5:
        lines[-1] += "  " + load_bar(count, capacity, style, min(20, room))
    else:
        lines.append(load_bar(count, capacity, style, max(1, min(20, style.width - 2))))
    return [line.replace(late, style.paint(late, "31")) for line in lines]


def _fitted(lines: Sequence[str], style: Style) -> list[str]:
    """Lines wrapped at words to the terminal's width (in a pipe, as they are)."""
    if style.width is None:
        return list(lines)
    return [part for line in lines for part in wrap(line, style.width)]


def note(text: str, style: Style) -> list[str]:
    """A line of prose (a pointer, a hint) wrapped at words to the terminal's width."""
    return _fitted([text], style)


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


def _due_order(due: Due | None) -> tuple[object, ...]:
    return due.sort_key if due is not None else ()


def day_order(cards: Sequence[Listed]) -> tuple[list[int], int]:
    """The order today's divider shows its cards in, on every face: open requests first, the
    nearest deadline first, then the rest as listed (overdue, then due). The indexes into
    ``cards``, and how many of the first are requests."""
    requests = [i for i, c in enumerate(cards) if is_request(c[2])]
    requests.sort(key=lambda i: _due_order(cards[i][0]))
    return [*requests, *(i for i, c in enumerate(cards) if not is_request(c[2]))], len(requests)


def day(
    cards: Sequence[Listed],
    today: dt.date,
    capacity: int,
    style: Style,
    now: dt.datetime | None = None,
    *,
    first_calls: int = 0,
    unreadable: int = 0,
    waiting: Sequence[dt.date | None] | None = None,
) -> list[str]:
    """Today's divider: the header with the load (``first_calls`` of the cards counted apart from
    the follow-ups, ``unreadable`` cards of the dividers counted too), then the card table
    (nothing when empty). Open requests come first, the nearest deadline first, each with the
    time left before it. ``waiting`` (by card, in the order given) is the date a card rolled
    forward was first due: it shows how long the customer has been waiting."""
    now = now or dt.datetime.combine(today, dt.time(0, 0))
    order, count = day_order(cards)
    since_of = list(waiting) if waiting is not None else [None] * len(cards)
    ordered = [cards[i] for i in order]
    requests = ordered[:count]
    rest = [(cards[i], since_of[i]) for i in order[count:]]
    overdue = sum(1 for due, _, _ in ordered if due and due.date < today)
    header = day_header(
        len(ordered),
        overdue,
        capacity,
        today,
        style,
        len(requests),
        first_calls=first_calls,
        unreadable=unreadable,
    )
    if not ordered:
        return header
    labels = [time_left(due, now) if due else "-" for due, _, _ in requests]
    labels += [when_waiting(c[0], today, since) if c[0] else "-" for c, since in rest]
    return [*header, *card_table(ordered, today, style, when=when_in_day, labels=labels)]


def birthday_lines(found: Sequence[Birthday], today: dt.date, style: Style) -> list[str]:
    """``Birthdays: Елена Волкова (Thu 26 Nov, 41); ...``: twelve names at most, then a count; the
    anniversaries likewise on a line of their own below (``Anniversaries: John Miller (Fri 27 Nov,
    25 years)``). When a line is wider than the terminal, its title and then one person a line."""
    lines = _days_line("Birthdays", [b for b in found if b.kind != "anniversary"], today, style, "")
    return lines + _days_line(
        "Anniversaries", [b for b in found if b.kind == "anniversary"], today, style, " years"
    )


def _days_line(title: str, found: Sequence[Birthday], today: dt.date, style: Style, unit: str) -> list[str]:
    if not found:
        return []
    parts = []
    for birthday in found[:BIRTHDAYS_SHOWN]:
        when = "today" if birthday.on == today else birthday.on.strftime("%a %d %b")
        age = f", {birthday.age}{unit}" if birthday.age else ""
        parts.append(printable(f"{birthday.name} ({when}{age})"))
    more = len(found) - BIRTHDAYS_SHOWN
    rest = f"and {more} more (tickler agenda lists them by day)" if more > 0 else ""
    line = f"{title}: " + "; ".join([*parts, rest] if rest else parts)
    if style.width is None or display_width(line) <= style.width:
        return [line]
    lines = [f"{title}:"]
    for part in [*parts, rest] if rest else parts:
        lines += ["  " + piece for piece in wrap(part, style.width - 2)]
    return lines


def agenda_days(plan: Agenda, today: dt.date, ahead: int, workdays: Workdays) -> list[AgendaDay]:
    """The agenda's days, for every face: each day's count, its mark (today, a day off, a holiday)
    and its notes (the requests, birthdays on their day and ``ahead`` days before)."""
    by_day: dict[dt.date, list[str]] = {}
    last_day = plan.days[-1][0]
    for birthday in plan.birthdays:
        name, kind = printable(birthday.name), birthday.kind
        if birthday.on <= last_day:
            age = f" ({birthday.age})" if birthday.age else ""
            by_day.setdefault(birthday.on, []).append(f"{kind}: {name}{age}")
        notice_day = birthday.on - dt.timedelta(days=ahead)
        if ahead and today <= notice_day <= last_day:
            by_day.setdefault(notice_day, []).append(f"{name}'s {kind} in {ahead} days")
    days: list[AgendaDay] = []
    for day_, cards in plan.days:
        mark = "today" if day_ == today else ""
        if not workdays.is_workday(day_):
            mark = workdays.holiday_name(day_) or "day off"
        requests = sum(
            1 for e in cards if e.summary is not None and is_request(e.summary.row or ("", "", "", ""))
        )
        notes = by_day.get(day_, [])
        if requests:
            notes = [f"{requests} request{'s' if requests != 1 else ''}", *notes]
        first_calls = sum(1 for e in cards if e.summary is not None and e.summary.first_call)
        if first_calls:
            notes = [calls_split(len(cards), first_calls), *notes]
        days.append((day_, len(cards), mark, notes))
    return days


def agenda(
    plan: Agenda, today: dt.date, capacity: int, ahead: int, workdays: Workdays, style: Style
) -> list[str]:
    """One line per day: the count against capacity as a bar, today, days off and holidays marked,
    over-full days in red with the excess, birthdays on their day and ``ahead`` days before. When
    a line would not fit the terminal, each day keeps one line with its bar scaled to the room
    left, and its notes (requests, birthdays) go on lines of their own below it."""
    days = agenda_days(plan, today, ahead, workdays)
    overdue = len(plan.overdue)
    wide = _agenda_wide(days, overdue, today, capacity, Style(False, style.width))
    if style.width is None or max(display_width(line) for line in wide) <= style.width:
        return _agenda_wide(days, overdue, today, capacity, style)
    return _agenda_narrow(days, overdue, today, capacity, style, style.width)


def _bar(count: int, capacity: int, width: int, room: int, style: Style) -> str:
    """The day's bar of ``width`` at capacity, with the excess, padded to ``room`` columns."""
    filled = min(width, round(width * count / capacity))
    glyph = "█" if style.width is not None else "#"
    bar = pad(glyph * filled + (f" +{count - capacity}" if count > capacity else ""), room)
    return style.paint(bar, "31") if count > capacity else bar


def _agenda_wide(
    days: Sequence[AgendaDay],
    overdue: int,
    today: dt.date,
    capacity: int,
    style: Style,
) -> list[str]:
    bar_width = min(40, max(10, capacity))
    lines = []
    if overdue:
        text = f"  overdue        {overdue:>3}  run 'tickler roll' to bring them to today"
        lines.append(style.paint(text, "31"))
    for day_, count, mark, notes in days:
        bar = _bar(count, capacity, bar_width, bar_width + 5, style)
        label = day_.strftime("%a %d %b")
        line = f"  {label}  {count:>3}/{capacity:<3} {bar} {mark:<10} {'; '.join(notes)}"
        line = line.rstrip()
        lines.append(style.paint(line, "1") if day_ == today else line)
    return lines


def _agenda_narrow(
    days: Sequence[AgendaDay],
    overdue: int,
    today: dt.date,
    capacity: int,
    style: Style,
    width: int,
) -> list[str]:
    lines = []
    if overdue:
        text = f"overdue {overdue}: run 'tickler roll' to bring them to today"
        lines += [style.paint("  " + part, "31") for part in wrap(text, width - 2)]
    counts = [f"{count:>3}/{capacity}" for _, count, _, _ in days]
    count_width = max(len(c) for c in counts)
    excess = max((len(f" +{count - capacity}") for _, count, _, _ in days if count > capacity), default=0)
    mark_width = min(10, max(display_width(mark) for _, _, mark, _ in days))
    lead = max(display_width(d.strftime("  %a %d %b ")) for d, _, _, _ in days) + count_width + 1
    room = width - lead - excess - (mark_width + 1 if mark_width else 0)
    bar_width = max(1, min(40, max(10, capacity), room))
    for (day_, count, mark, notes), shown in zip(days, counts, strict=True):
        bar = _bar(count, capacity, bar_width, bar_width + excess, style)
        line = f"  {day_.strftime('%a %d %b')} {shown:>{count_width}} {bar}"
        if mark_width:
            line += " " + fit(mark, mark_width)
        line = line.rstrip()
        lines.append(style.paint(line, "1") if day_ == today else line)
        for note in notes:
            lines += ["      " + part for part in wrap(note, width - 6)]
    return lines
