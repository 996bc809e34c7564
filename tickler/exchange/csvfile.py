"""Spreadsheets: ``import csv`` and ``export csv`` (the csv module does the format)."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..binder import Binder, Filed
from ..dates import Clock
from ..errors import TicklerError
from .records import Read, Table, read_rows

USUAL = ("id", "name", "company", "title", "phone", "email", "owner", "next", "action", "tags", "birthday")


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
    table = Table(header, mapping)
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise TicklerError(f"not a CSV file: {exc}", line=reader.line_num) from None
    return read_rows(rows, table, clock, source, width=len(header))


def write_cards(cards: list[Filed], out: io.TextIOBase | Any) -> int:
    """One row per card: the usual columns first, then every other key in alphabetical order."""
    extra = sorted({str(k) for f in cards for k in f.card.fields} - set(USUAL))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*USUAL, *extra])
    for filed in cards:
        fields = filed.card.as_fields_json()
        row = [filed.id] + [_cell(fields.get(k)) for k in USUAL[1:]] + [_cell(fields.get(k)) for k in extra]
        if filed.card.next is not None:
            row[USUAL.index("next")] = str(filed.card.next)
        writer.writerow(row)
    return len(cards)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def export(binder: Binder, owner: str | None) -> tuple[str, list[TicklerError]]:
    """``export csv``: every card (or one rep's) as a row, by id; and the cards that could not be read."""
    from ..query import Owners

    scan = binder.scan()
    cards = Owners(everyone=owner is None, owner=owner).select(binder, sorted(scan.cards, key=lambda f: f.id))
    buffer = io.StringIO()
    write_cards(cards, buffer)
    return buffer.getvalue(), scan.problems
