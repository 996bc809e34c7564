"""Spreadsheets: ``import csv`` and ``export csv`` (the csv module does the format)."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..binder import Binder, Filed
from ..dates import Clock
from ..errors import TicklerError
from .records import Record, typed

USUAL = ("id", "name", "company", "title", "phone", "email", "owner", "next", "action", "tags", "birthday")
HEADER_ALIASES = {
    "full name": "name",
    "customer": "name",
    "contact": "name",
    "organisation": "company",
    "organization": "company",
    "firm": "company",
    "e-mail": "email",
    "mail": "email",
    "telephone": "phone",
    "tel": "phone",
    "mobile": "phone",
    "follow-up": "next",
    "follow up": "next",
    "rep": "owner",
    "labels": "tags",
    "tag": "tags",
    "birthdate": "birthday",
    "date of birth": "birthday",
}


def read_records(
    text: str, clock: Clock, mapping: dict[str, str]
) -> tuple[list[Record], list[tuple[int, str]]]:
    """Rows as records (keys from the header, renamed by ``mapping`` and the usual aliases) and the
    rows that cannot be read, with their line numbers."""
    # Spreadsheets in many countries write ';' (or tabs): the header line tells which.
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TicklerError("the file is empty") from None
    keys = [_key(h, mapping) for h in header]
    if "name" not in keys:
        raise TicklerError(f"no name column (columns: {', '.join(header)}); use --map COLUMN=name")
    records, bad = [], []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(keys):
            bad.append((line, f"{len(row)} cells but {len(keys)} columns"))
            continue
        values: dict[str, Any] = {}
        card_id = None
        try:
            for key, cell in zip(keys, row, strict=False):
                if key == "id":
                    card_id = cell.strip() or None
                elif key:
                    values[key] = typed(key, cell, clock)
        except TicklerError as exc:
            bad.append((line, exc.message))
            continue
        if not values.get("name"):
            bad.append((line, "no name"))
            continue
        records.append(Record(line, values, card_id))
    return records, bad


def _key(header: str, mapping: dict[str, str]) -> str:
    raw = header.strip().lstrip("\ufeff")
    if raw in mapping:
        return mapping[raw]
    lower = raw.lower()
    if lower in mapping:
        return mapping[lower]
    return HEADER_ALIASES.get(lower, lower.replace(" ", "_"))


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
