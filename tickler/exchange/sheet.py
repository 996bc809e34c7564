"""The printed day sheet: one page a card with what a rep takes to a meeting. All card text is
escaped, so nothing in a card can become markup or script."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

from ..binder import Binder, Filed
from ..dates import Clock
from ..dossier import Dossier, contents, size_text
from ..errors import TicklerError
from ..layout import MAIL, files_folder
from ..render.dossier import direction_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..query import Owners

CSS = """
@page { size: A4; margin: 16mm; }
body { font: 11pt/1.4 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0; }
.card { break-after: page; page-break-after: always; }
.card:last-child { break-after: auto; page-break-after: auto; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
.when { font-size: 13pt; font-weight: bold; margin: 0 0 4mm; }
.late { color: #b00; }
table { border-collapse: collapse; margin-bottom: 4mm; }
th { text-align: left; padding-right: 6mm; color: #555; font-weight: normal; }
.notes { white-space: pre-wrap; font-family: inherit; border-left: 2px solid #ccc; padding-left: 3mm; }
ul.log { padding-left: 5mm; }
@media screen { .card { border-bottom: 1px dashed #999; padding: 8mm; } }
"""
CONTACT_KEYS = ("company", "title", "phone", "email", "address", "owner")


def sheet(
    cards: list[Filed],
    title: str,
    today: dt.date,
    last_entries: int = 5,
    dossiers: Mapping[str, Dossier] | None = None,
) -> str:
    """The sheet: a page a card, with its dossier (``dossiers``, by card id) where it has one."""
    blocks = [_block(f, today, last_entries, (dossiers or {}).get(f.id)) for f in cards]
    if not blocks:
        blocks = ['<section class="card"><p>Nothing due.</p></section>']
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(blocks)
        + "\n</body></html>\n"
    )


def _block(filed: Filed, today: dt.date, last_entries: int, dossier: Dossier | None) -> str:
    card = filed.card
    due = card.next
    when = "no date"
    late = ""
    if due is not None:
        when = due.date.strftime("%A %d %B %Y") + (f" {due.time.strftime('%H:%M')}" if due.time else "")
        if due.date < today:
            late = f' <span class="late">({(today - due.date).days} days overdue)</span>'
    rows = []
    for key in CONTACT_KEYS:
        value = card.get(key)
        if value in (None, "", []):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        rows.append(f"<tr><th>{escape(key)}</th><td>{escape(shown)}</td></tr>")
    entries, _ = card.log()
    recent = sorted(entries, key=lambda e: e.sort_key)[-last_entries:]
    log = "".join(
        f"<li>{escape(e.date.isoformat())} {escape(e.kind)}"
        f"{' ' + escape(str(e.amount)) if e.amount is not None else ''}: {escape(e.text)}</li>"
        for e in recent
    )
    notes = card.notes  # (without the forms' guidance)
    return (
        f'<section class="card"><h1>{escape(card.name)}</h1>'
        f'<p class="when">{escape(card.action or "call")}: {escape(when)}{late}</p>'
        f"<table>{''.join(rows)}</table>"
        + (f'<h2>Notes</h2><pre class="notes">{escape(notes)}</pre>' if notes else "")
        + (f'<h2>Last entries</h2><ul class="log">{log}</ul>' if log else "")
        + (_dossier(filed.id, dossier) if dossier is not None else "")
        + "</section>"
    )


def _dossier(card_id: str, dossier: Dossier) -> str:
    """The dossier's files (the kept mail counted) and its last messages' subjects."""
    base = files_folder(card_id) + "/"
    items = [
        f"<li>{escape(f.rel[len(base) :])} ({escape(size_text(f.size))})</li>"
        for f in dossier.files
        if not f.rel[len(base) :].startswith(MAIL + "/")
    ]
    if dossier.mail:
        items.append(f"<li>{MAIL}/: {dossier.mail} message{'s' if dossier.mail != 1 else ''}</li>")
    messages = []
    for entry in dossier.messages:
        when = entry.date.isoformat() + (f" {entry.time:%H:%M}" if entry.time else "")
        direction, subject = direction_of(entry.text)
        messages.append(f"<li>{' '.join(escape(part) for part in (when, direction, subject) if part)}</li>")
    return (f'<h2>Dossier: {escape(base)}</h2><ul class="files">{"".join(items)}</ul>' if items else "") + (
        f'<h2>Last messages</h2><ul class="log">{"".join(messages)}</ul>' if messages else ""
    )


# The divider sheets: the number or the month's name as large as the page holds it. Sizes are for
# DejaVu Sans Bold (Arial is narrower): "31" and "September" are the widest of each kind.
DIVIDER_CSS = """
@page { size: A4; margin: 0; }
html, body { margin: 0; padding: 0; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-weight: bold; color: #111; }
.divider {
  box-sizing: border-box; width: 210mm; height: 296mm; padding: 15mm; overflow: hidden;
  display: flex; flex-direction: column; align-items: center; justify-content: center;
  break-after: page; page-break-after: always;
}
.divider:last-child { break-after: auto; page-break-after: auto; }
.label { line-height: 1; white-space: nowrap; }
.day .label { font-size: 125mm; }
.month .label { font-size: 28mm; }
.folder { font-size: 14pt; font-weight: normal; color: #666; margin-top: 12mm; }
@media screen { .divider { border-bottom: 1px dashed #999; } }
"""


def dividers() -> str:
    """``print --dividers``: the 31 day and 12 month divider sheets of a paper binder, one A4 page
    each, in the order the binder's folders hold them."""
    from ..dates import MONTH_NAMES

    sheets = [
        f'<section class="divider day"><div class="label">{day}</div>'
        f'<div class="folder">days/{day:02d}</div></section>'
        for day in range(1, 32)
    ]
    sheets += [
        f'<section class="divider month"><div class="label">{escape(name)}</div>'
        f'<div class="folder">months/{number:02d}</div></section>'
        for number, name in enumerate(MONTH_NAMES, start=1)
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>tickler: dividers</title><style>{DIVIDER_CSS}</style></head><body>\n"
        + "\n".join(sheets)
        + "\n</body></html>\n"
    )


def day_sheet(
    binder: Binder, clock: Clock, owners: Owners, span: tuple[dt.date, dt.date] | None = None
) -> tuple[str, list[TicklerError]]:
    """``print``: the sheet of today's divider (overdue cards included) or of the days in ``span``,
    in the day's order; and the cards that could not be read."""
    from .. import query

    if span is None:
        scan = query.loaded(binder, *query.due_today(binder, clock.today))
        title = f"tickler: {clock.today.strftime('%A %d %B %Y')}"
    else:
        start, end = span
        scan = query.due_between(binder, start, end, clock.today)
        title = f"tickler: {start} to {end}" if start != end else f"tickler: {start.strftime('%A %d %B %Y')}"
    cards = owners.select(binder, scan.cards)
    cards.sort(key=lambda f: (*f.card.next.sort_key, f.card.name.casefold()) if f.card.next else ())
    dossiers = {f.id: contents(binder, f) for f in cards}
    return sheet(cards, title, clock.today, dossiers=dossiers), scan.problems
