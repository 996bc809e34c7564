"""What a rep does to one card: log what happened after a call (or that nobody answered), move it
to the agreed date, park it, and take a customer's request, due within ``reply_within``.

Each is one change (one commit in a git binder) through the store.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from .binder import Binder, Change, Filed
from .card import format_entry
from .dates import Clock, Due
from .errors import TicklerError


def keeping_time(due: Due | None, current: Due | None) -> Due | None:
    """A date typed without a time of day keeps the card's own (an appointment at 15:30 moved to
    Friday is on Friday at 15:30), as a card dragged to another divider does."""
    if due is None or due.time is not None or current is None or current.time is None:
        return due
    return Due(due.date, current.time)


def move(
    binder: Binder,
    ref: str,
    due: Due | None,
    *,
    clock: Clock,
    note: str | None = None,
    keep_time: bool = True,
) -> Change:
    """Set (or, with None, drop) a card's follow-up and refile it; a note goes in the Log. A date
    without a time keeps the card's time of day unless ``keep_time`` is False."""
    with binder.changing("tickler move") as tx:
        filed = binder.resolve(ref)
        if keep_time:
            due = keeping_time(due, filed.card.next)
        tx.message = f"tickler move: {filed.id} -> {due}" if due else f"tickler park: {filed.id}"
        card = filed.card
        if note is not None:
            where = f"to {due}" if due else "parked"
            card = card.with_entry(format_entry(clock.today, "moved", f"{note} ({where})", time=clock.now))
        if due != card.next:
            card = card.with_field("next", due)
        saved = binder.save(filed, card, clock.today)
    return Change(filed.id, filed.folder, saved.folder, filed.card.next, saved.card.next)


def log(
    binder: Binder,
    ref: str,
    text: str,
    *,
    clock: Clock,
    kind: str | None = None,
    amount: str | None = None,
    due: Due | None = None,
) -> tuple[Change, str]:
    """Append a Log entry (kind: the one given, else ``purchase`` for an amount, else the card's
    action, else ``note``); with ``due``, reschedule in the same write. Returns the entry too.
    A ``reward`` redeems its amount in loyalty points, never more than the card holds."""
    with binder.changing("tickler log") as tx:
        filed = binder.resolve(ref)
        due = keeping_time(due, filed.card.next)
        tx.message = f"tickler log: {filed.id}" + (f" -> {due}" if due else "")
        entry_kind = kind or ("purchase" if amount is not None else filed.card.action or "note")
        if entry_kind.strip().lower() == "reward":
            from .programme import check_redemption

            check_redemption(filed.card, amount, binder.settings, filed.id)
        text = text.strip()
        if due is not None:
            text = f"{text}{'' if not text or text[-1] in '.!?' else '.'} Next: {due}".strip()
        entry = format_entry(clock.today, entry_kind, text, time=clock.now, amount=amount)
        card = filed.card.with_entry(entry)
        if due is not None and due != card.next:
            card = card.with_field("next", due)
        saved = binder.save(filed, card, clock.today)
    return Change(filed.id, filed.folder, saved.folder, filed.card.next, saved.card.next), entry


class NoAnswer(NamedTuple):
    change: Change
    entry: str
    attempt: int  # unanswered calls in a row, this one included
    emailed: bool  # this attempt switched the card's action to email


def no_answer(
    binder: Binder, ref: str, text: str | None, *, clock: Clock, due: Due | None = None
) -> NoAnswer:
    """A call nobody answered: a ``no-answer: attempt N`` entry (N counts the unanswered calls
    since the last contact), the card filed for the next workday at its own time of day (or for
    ``due``), and, at the ``attempts`` setting's count, ``action: email``. One write."""
    from .card.log import unanswered_in_a_row

    with binder.changing("tickler log") as tx:
        filed = binder.resolve(ref)
        card = filed.card
        entries = sorted(card.log()[0], key=lambda e: (e.sort_key, e.line))
        attempt = unanswered_in_a_row(entries) + 1
        if due is None:
            workdays = binder.settings.workday_calendar()
            day = workdays.on_or_after(clock.today + dt.timedelta(days=1))
            due = Due(day, card.next.time if card.next else None)
        due = keeping_time(due, card.next)
        words = f"attempt {attempt}" + (f", {text.strip()}" if text and text.strip() else "")
        entry = format_entry(clock.today, "no-answer", words, time=clock.now)
        card = card.with_entry(entry)
        if due != card.next:
            card = card.with_field("next", due)
        emailed = attempt >= binder.settings.attempts and card.action != "email"
        if emailed:
            card = card.with_field("action", "email")
        saved = binder.save(filed, card, clock.today)
        tx.message = f"tickler log: {filed.id} (no answer, attempt {attempt}) -> {due}"
    change = Change(filed.id, filed.folder, saved.folder, filed.card.next, saved.card.next)
    return NoAnswer(change, entry, attempt, emailed)


def request(
    binder: Binder,
    ref: str | None,
    text: str,
    *,
    clock: Clock,
    new_name: str | None = None,
    owner: str | None = None,
) -> tuple[Filed, str, Due]:
    """A customer's question or complaint: a ``request`` Log entry with the time, ``next`` set to
    now plus ``reply_within`` and ``action: reply``, the card filed under that deadline. With
    ``new_name``, a card for someone not yet in the binder is made first (one commit either way).
    Returns the card, the entry and the deadline."""
    if not text.strip():
        raise TicklerError("say what the customer asked, e.g. 'wants the winter price list'")
    now = dt.datetime.combine(clock.today, clock.now or dt.time(0, 0))
    deadline = now + binder.settings.reply_within
    due = Due(deadline.date(), deadline.time().replace(second=0, microsecond=0))
    entry = format_entry(clock.today, "request", text, time=now.time())
    with binder.changing("tickler request") as tx:
        if new_name is not None:
            from .forms import form_card

            card = form_card(binder, new_name, due=due, today=clock.today, owner=owner)
            card = card.with_entry(entry).with_field("action", "reply")
            filed = binder.create(card, clock.today)
            tx.message = f"tickler request: {filed.id} (new) -> {due}"
            return filed, entry, due
        assert ref is not None
        found = binder.resolve(ref)
        card = found.card.with_entry(entry).with_field("next", due).with_field("action", "reply")
        filed = binder.save(found, card, clock.today)
        tx.message = f"tickler request: {filed.id} -> {due}"
    return filed, entry, due


def change_line(change: Change, extra: str = "") -> str:
    """A change as every face tells it: ``ivan: 2026-11-23 -> 2026-11-27 15:30 (days/27/)``."""
    before = str(change.old_next) if change.old_next else "no date"
    after = str(change.new_next) if change.new_next else "no date"
    return f"{change.id}: {before} -> {after} ({change.new_folder}/){extra}"


def request_line(filed: Filed, due: Due) -> str:
    """``ivan: reply by Mon 23 Nov 23:05 (days/23/)``: where a request was filed, and until when."""
    return f"{filed.id}: reply by {due.date.strftime('%a %d %b')} {due.time:%H:%M} ({filed.folder}/)"


def is_open_request(last_entry_kind: str | None) -> bool:
    """A request is open until another entry follows it (the reply, or any word in the Log)."""
    return last_entry_kind == "request"


def day_warnings(binder: Binder, due: Due | None, clock: Clock) -> list[str]:
    """What a rep should hear about the day a card was just filed for: a day in the past (a typo
    of the month files a customer weeks late), a day off or a public holiday, or a day over
    capacity. The move is done as asked either way."""
    if due is None:
        return []
    if due.date < clock.today:
        ago = (clock.today - due.date).days
        return [
            f"{due.date.strftime('%a %d %b %Y')} was {ago} day{'s' if ago != 1 else ''} ago: "
            "the card is filed as overdue"
        ]
    from .query import Owners, due_entries

    warnings = []
    workdays = binder.settings.workday_calendar()
    day = due.date.strftime("%a %d %b %Y")
    if not workdays.is_workday(due.date):
        warnings.append(f"{day} is {workdays.holiday_name(due.date) or 'not a workday'}")
    capacity = binder.settings.capacity
    entries, _ = due_entries(binder, due.date, due.date, clock.today)
    load = len(Owners().select_entries(binder, entries))
    if load > capacity:
        warnings.append(f"{day} now holds {load} cards, over the capacity of {capacity}")
    return warnings
