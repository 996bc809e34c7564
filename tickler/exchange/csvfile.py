"""Spreadsheets: ``import csv`` and ``export csv`` (the csv module does the format).

``export csv`` writes the whole card, one row each: the usual columns first (``id, name, company,
title, phone, email, owner, next, action, tags, birthday``), then every other key in alphabetical
order, each value as the card's YAML holds it (``exported``: lists as ``[a, b]``), then the card's
text as two columns, ``card: front matter`` (its lines as written: comments, order, quoting) and
``card: body`` (the notes and the Log). ``import csv`` knows the file as tickler's own export by
those eleven first columns, and rebuilds each card from its text, changing only the values a
spreadsheet edited: the round trip gives the same files, byte for byte.

``--layout google`` and ``--layout outlook`` write the headers those services publish for their
own CSV import instead (see ``layouts``).

No exported cell runs as a spreadsheet formula: ``spreadsheet_safe`` puts an apostrophe before a
cell that starts with ``=``, ``@``, a tab or a carriage return, or with ``+`` or ``-`` followed by
anything but a number or a phone number; ``import csv`` takes that apostrophe off again.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from ..binder import Binder, Filed
from ..card.reader import body_start
from ..dates import Clock
from ..errors import TicklerError
from .columns import BODY_COLUMN, FRONT_MATTER, TICKLER_COLUMNS
from .exported import text_of
from .records import Read, Table, read_rows

USUAL = TICKLER_COLUMNS
LAYOUTS = ("tickler", "google", "outlook")

_NUMBER_OR_PHONE = re.compile(r"[+-][\d ().-]*\d[\d ().-]*")


def needs_apostrophe(text: str) -> bool:
    """Whether a spreadsheet would run the cell as a formula (or the cell is one apostrophe
    away from such a cell, so that taking the apostrophe off on import is exact)."""
    if not text:
        return False
    first = text[0]
    if first in "=@\t\r":
        return True
    if first in "+-":
        return _NUMBER_OR_PHONE.fullmatch(text) is None
    return first == "'" and needs_apostrophe(text[1:])


def spreadsheet_safe(text: str) -> str:
    """An exported cell that no spreadsheet runs as a formula: ``'=1+1`` for ``=1+1``."""
    return "'" + text if needs_apostrophe(text) else text


def apostrophe_undone(text: str) -> str:
    """A cell as it was before ``spreadsheet_safe``."""
    return text[1:] if text.startswith("'") and needs_apostrophe(text[1:]) else text


def read_records(text: str, clock: Clock, mapping: dict[str, str], source: str = "") -> Read:
    """The customers of a CSV file: its header row tells the layout (``columns``), each row is one
    customer. Comma, semicolon and tab files are told apart by the header line."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TicklerError("the file is empty") from None
    except csv.Error as exc:
        raise TicklerError(f"not a CSV file: {exc}", line=1) from None
    rows: list[tuple[int, list[Any]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, [apostrophe_undone(cell) for cell in row]))
    except csv.Error as exc:
        raise TicklerError(f"not a CSV file: {exc}", line=reader.line_num) from None
    table = Table(header, mapping)
    found = read_rows(rows, table, clock, source, width=len(header))
    found.header = header
    return found


def write_cards(cards: list[Filed], out: io.TextIOBase | Any) -> int:
    """One row per card: the usual columns, every other key, then the card's text."""
    extra = sorted({str(k) for f in cards for k in f.card.fields} - set(USUAL))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*USUAL, *extra, FRONT_MATTER, BODY_COLUMN])
    for filed in cards:
        card = filed.card
        cells = [filed.id] + [text_of(card.fields.get(k)) for k in (*USUAL[1:], *extra)]
        head = body_start(card.text, card.fm_end)
        cells += [card.text[:head], card.text[head:]]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return len(cards)


def export(binder: Binder, owner: str | None, layout: str = "tickler") -> tuple[str, list[TicklerError]]:
    """``export csv``: every card (or one rep's) as a row, by id, in ``layout``; and the cards that
    could not be read."""
    from ..query import Owners

    if layout not in LAYOUTS:
        raise TicklerError(f"--layout must be one of {', '.join(LAYOUTS)}, not '{layout}'")
    scan = binder.scan()
    cards = Owners(everyone=owner is None, owner=owner).select(binder, sorted(scan.cards, key=lambda f: f.id))
    buffer = io.StringIO()
    problems = list(scan.problems)
    if layout == "tickler":
        write_cards(cards, buffer)
    else:
        from .layouts import write_layout

        problems += write_layout(layout, cards, buffer, spreadsheet_safe)
    return buffer.getvalue(), problems
