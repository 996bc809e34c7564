"""``roll``: bring the binder up to today.

1. Every overdue card gets ``next`` = the first workday on or after today, with a Log entry
   ``rolled: from <old date>`` (but an open request, which stays late until it is answered).
2. Keep-in-touch cadences and the repurchase reminder file the cards whose contact is due.
3. Every card whose folder is not the one the filing rule says is refiled: this spreads a month's
   cards over the day dividers when the month comes.

Running it twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import progress
from ..binder import Binder, Change, Filed, Scan
from ..card import Card, format_entry
from ..config import Settings
from ..dates import Due
from ..errors import TicklerError
from ..fsutil import atomic_move
from ..layout import CARD_FOLDERS, CARD_SUFFIX, filer, location_for
from ..report import Contact, customers_from, keep_in_touch
from ..summary import due_within, either, filed_elsewhere


def roll(binder: Binder, today: dt.date, *, dry_run: bool = False) -> tuple[list[Change], list[TicklerError]]:
    """Roll overdue cards to the first workday on or after today, then refile every card whose
    folder is not the one the filing rule says. Running it twice changes nothing the second time."""
    workdays = binder.settings.workday_calendar()
    landing = workdays.on_or_after(today)
    changes: list[Change] = []
    with binder.changing("tickler roll") as tx:
        scan, refiles = _candidates(binder, today)
        dividers: dict[str, Path] = {}  # each made (and checked for a link) once
        progress.stage("Rolling", len(refiles) + len(scan.cards))
        for folder, card_id, due in refiles:  # only the folder changes: the text is left as it is
            target = location_for(due, today)
            if not dry_run:
                for f in (folder, target):
                    if f not in dividers:
                        dividers[f] = binder.divider(f)
                name = card_id + CARD_SUFFIX
                source, dest = dividers[folder] / name, dividers[target] / name
                binder.touch(source, dest)
                try:
                    atomic_move(source, dest)
                except TicklerError as exc:
                    scan.problems.append(exc)
                    continue
                binder.moved(folder, target, card_id)
            progress.step()
            changes.append(Change(card_id, folder, target, due, due, "refiled"))
        contacts = _contacts_due(binder, scan.cards, today)
        for filed in scan.cards:
            progress.step()
            card = filed.card
            due = card.next
            note = ""
            if due is not None and due.date < today and _open_request(card):
                pass  # a request past its deadline stays late, where today shows how late
            elif due is not None and due.date < today:
                new_due = due.with_date(landing)
                card = card.with_entry(format_entry(today, "rolled", f"from {due.date.isoformat()}"))
                card = card.with_field("next", new_due)
                note = f"rolled from {due.date.isoformat()}"
            elif filed.id in contacts:
                contact = contacts[filed.id]
                card = card.with_entry(format_entry(today, contact.entry_kind, contact.why))
                card = card.with_field("next", Due(landing)).with_field("action", contact.action)
                note = f"{contact.action} due"
            target = location_for(card.next, today)
            if target == filed.folder and card is filed.card:
                continue
            if not dry_run:
                binder.save(filed, card, today)
            changes.append(Change(filed.id, filed.folder, target, due, card.next, note or "refiled"))
        tx.message = f"tickler roll: {len(changes)} card{'s' if len(changes) != 1 else ''}"
        tx.details = [
            f"{c.id}: {c.old_next or 'no date'} -> {c.new_next or 'no date'} ({c.note})" for c in changes
        ]
    return changes, scan.problems


def _open_request(card: Card) -> bool:
    last = card.last_entry(skip=("rolled", "balanced"))
    return last is not None and last.kind == "request"


def wants_contacts(settings: Settings) -> bool:
    """Whether keep-in-touch cadences or the repurchase reminder are set: only then does roll
    read every card to see whose contact is due."""
    cadence = settings.cadence
    return bool(cadence.default or cadence.tags or cadence.segments or settings.repurchase_reminder)


def _candidates(binder: Binder, today: dt.date) -> tuple[Scan, list[tuple[str, str, Due | None]]]:
    """The cards roll may change: the overdue ones, read in full (they get a Log entry), and
    the misfiled ones, which only move: (folder, id, next) from the index, not read at all.
    When keep-in-touch cadences are set any card may be due a contact: all are read."""
    if wants_contacts(binder.settings):
        return binder.scan(), []
    scan = Scan()
    refiles: list[tuple[str, str, Due | None]] = []
    folder_for = filer(today)
    overdue = due_within(dt.date.min, today - dt.timedelta(days=1))
    for folder in CARD_FOLDERS:
        for entry in binder.index([folder], only=either(overdue, filed_elsewhere(folder, folder_for))):
            if entry.error is not None:
                scan.problems.append(entry.error)
                continue
            due = entry.summary.due if entry.summary else None
            if due is not None and due.date < today:
                binder.load_into(scan, entry.folder, entry.id)
            else:
                refiles.append((entry.folder, entry.id, due))
    scan.cards.sort(key=lambda f: (f.folder, f.id))  # the folders' order, as a listing gives it
    refiles.sort(key=lambda r: (r[0], r[1]))
    return scan, refiles


def _contacts_due(binder: Binder, cards: list[Filed], today: dt.date) -> dict[str, Contact]:
    """Keep-in-touch contacts and repurchase calls due today (only when the settings ask)."""
    if not wants_contacts(binder.settings):
        return {}
    found, _ = customers_from(cards)
    return {c.id: c for c in keep_in_touch(found, today, binder.settings)}
