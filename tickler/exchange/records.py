"""A customer as an import source gives it, and the reading of a table's rows into customers.

Cells come as text (CSV) or as typed values (a spreadsheet's numbers and dates); ``Table`` turns
one row into a ``Record``: card keys and values, the notes, the line it came from. A field that
cannot be read (a birthday that is no date) is left out with a warning naming the line; the
customer is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..dates import Clock, Due, parse_when
from ..errors import DateError, TicklerError
from ..names import fold
from . import columns as c

Cell = Any  # text, a number, a bool, a date, a date-time, a time, or None (an empty cell)
LIST_KEYS = ("tags", "products")  # in tickler's own export, written as "a, b"
DATE_KEYS = ("birthday", "anniversary")  # dates that recur each year: the year may be missing
_SPLIT_MANY = re.compile(r"\s*(?::::|;|,|\n)\s*")  # Google's " ::: ", and ; , or a line each
_SYSTEM_LABEL = re.compile(r"^\*\s*(my ?contacts|other contacts)$|^imported on ", re.IGNORECASE)


@dataclass
class Record:
    """One customer from the source: card keys and values, the notes, and where it came from."""

    line: int
    values: dict[str, Any]
    card_id: str | None = None  # an id the source names (a tickler export), used for new cards
    notes: str = ""  # the card's text below the front matter
    source: str = ""  # the file it came from

    @property
    def where(self) -> str:
        """``file:line`` for messages (the file alone for a note, which is its own source)."""
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass
class Read:
    """What a source held: its customers, the rows skipped and the fields left out (each with
    where it is, ``file:line``), the layout it was recognised as, and the column -> key mapping."""

    records: list[Record] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    layout: str = ""
    mapping: list[tuple[str, str]] = field(default_factory=list)
    unit: str = "row"  # what one customer is in this source: a row, a contact, a note


# --------------------------------------------------------------------------- cells and dates


def cell_text(value: Cell) -> str:
    """A cell as text: a whole number without ``.0`` (a phone written as a number in a
    spreadsheet stays ``79165556677``), a date as ISO, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).replace("\ufeff", "").strip()


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DOTS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2}))?$")
_SLASHES = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2}))?$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


def read_date(value: Cell, *, month_first: bool, past: bool = True) -> tuple[str, dt.time | None] | None:
    """A date as people write it, as ``YYYY-MM-DD`` (or ``--MM-DD`` without a year), and its time
    if one was written; None for an empty cell. ``month_first``: ``3/14/1971`` (Outlook) rather
    than ``14/3/1971``. A two-digit year is the one in the past (``past``) or the future."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), value.time() if value.time() != dt.time() else None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    text = cell_text(value)
    if not text or text in ("0/0/00", "0/0/0000", "00.00.0000"):  # Outlook's and 1C's "no date"
        return None
    if match := _NO_YEAR.match(text):
        month, day = int(match[1]), int(match[2])
        _check(2000, month, day, text)
        return f"--{month:02d}-{day:02d}", None
    if match := _ISO.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        return _check(year, month, day, text), _time_in(text)
    match = _DOTS.match(text) or _SLASHES.match(text)
    if match is None:
        raise DateError(f"'{text}' is not a date")
    first, second, year = int(match[1]), int(match[2]), _year(match[3], past)
    day, month = first, second
    if "/" in text:
        if month_first or (first <= 12 and second > 12):
            month, day = first, second
        elif first <= 12 and second <= 12 and first != second:
            raise DateError(f"'{text}' could be either day first or month first; write it as YYYY-MM-DD")
    time = (
        dt.time(int(match[4]), int(match[5]))
        if match[4] and int(match[4]) < 24 and int(match[5]) < 60
        else None
    )
    return _check(year, month, day, text), time


def _year(text: str, past: bool) -> int:
    if len(text) == 4:
        return int(text)
    this_year = dt.date.today().year
    year = 2000 + int(text)
    if past and year > this_year:
        year -= 100
    return year


def _check(year: int, month: int, day: int, text: str) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise DateError(f"'{text}' is not a real date") from None


def _time_in(text: str) -> dt.time | None:
    match = re.search(r"[ T](\d{1,2}):(\d{2})", text)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.time(int(match[1]), int(match[2]))
    return None


def read_next(value: Cell, clock: Clock, *, month_first: bool) -> Due | None:
    """A follow-up: a date cell, a date as people write it (with a time), or the WHEN grammar."""
    text = cell_text(value)
    if not text:
        return None
    try:
        found = read_date(value, month_first=month_first, past=False)
    except DateError:
        found = None
    if found is not None and not found[0].startswith("--"):
        return Due(dt.date.fromisoformat(found[0]), found[1])
    return parse_when(text, clock.today)


def read_birthday(value: Cell, *, month_first: bool) -> str | None:
    found = read_date(value, month_first=month_first)
    if found is None:
        return None
    day = found[0]
    return f"-{day[1:]}" if day.startswith("--") else day  # the card keeps --03-14


# --------------------------------------------------------------------------- rows


def labels(text: str) -> list[str]:
    """Labels and categories as tags: Google's system labels (``* myContacts``) left out,
    ``* starred`` kept as ``starred``."""
    out = []
    for part in _SPLIT_MANY.split(text):
        part = part.strip()
        if not part or _SYSTEM_LABEL.search(part):
            continue
        out.append(part.lstrip("*").strip())
    return out


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)


class Table:
    """A table's header, understood: reads its rows as records."""

    def __init__(self, headers: Sequence[str], mapping: dict[str, str] | None = None, *, layout: str = ""):
        self.layout = layout or c.layout_of(headers)
        self.columns = [c.classify(h, self.layout, mapping) for h in headers]
        self.month_first = self.layout == c.OUTLOOK
        if not any(col.role in (c.FULL, c.FIRST, c.LAST) for col in self.columns):
            raise TicklerError(
                f"no name column (columns: {', '.join(headers)}); use --map COLUMN=name "
                "(or COLUMN=first_name and COLUMN=last_name)"
            )

    def mapping(self) -> list[tuple[str, str]]:
        return [(col.header, col.describe()) for col in self.columns if col.header]

    def record(
        self, cells: Sequence[Cell], where: tuple[str, int], clock: Clock, warnings: list[tuple[str, str]]
    ) -> Record:
        """One row as a record; TicklerError when it cannot be a customer (no name)."""
        parts: dict[str, str] = {}
        many: dict[str, list[str]] = {"phone": [], "email": [], "website": [], "tags": []}
        addresses: dict[str, str] = {}
        address_parts: dict[str, dict[str, str]] = {}
        labels_of: dict[str, str] = {}
        custom: dict[str, str] = {}
        notes: list[str] = []
        values: dict[str, Any] = {}
        card_id = None
        for col, cell in zip(self.columns, cells, strict=False):
            text = cell_text(cell)
            if not text or col.role == c.DROP:
                continue
            role = col.role
            if role in (c.FULL, c.FIRST, c.MIDDLE, c.LAST):
                parts.setdefault(role, text)
            elif role in c.LISTS:
                many[c.LISTS[role]] += [v for v in _SPLIT_MANY.split(text) if v.strip()]
            elif role == c.TAGS:
                many["tags"] += labels(text)
            elif role == c.NOTES:
                notes.append(text)
            elif role == c.ADDRESS:
                addresses[col.key] = ", ".join(p.strip() for p in text.splitlines() if p.strip())
            elif role == c.ADDRESS_PART:
                address_parts.setdefault(col.key, {})[col.part] = text
            elif role == c.LABEL:
                labels_of[col.key] = text
            elif role == c.VALUE:
                custom[col.key] = text
            elif role == c.ID:
                card_id = text
            else:
                value = self._typed(col.key, cell, text, clock, f"{where[0]}:{where[1]}", warnings)
                if value is not None:
                    values.setdefault(col.key, value)
        name = parts.get(c.FULL) or " ".join(parts[p] for p in (c.FIRST, c.MIDDLE, c.LAST) if p in parts)
        name = " ".join(name.split())
        if not name:
            raise TicklerError("no name")
        for key in ("phone", "email", "website"):
            found = _unique([v.strip() for v in many[key]])
            if found:
                values[key] = found[0] if len(found) == 1 else found
        if many["tags"]:
            values["tags"] = _unique(many["tags"])
        for group, found_parts in address_parts.items():
            # Parts the written address leaves out (Bitrix24's street, then city and code apart)
            # are added to it; Google's formatted address already holds them all.
            written = addresses.get(group, "")
            extra = [
                found_parts[p]
                for p in c.ADDRESS_ORDER
                if p in found_parts and fold(found_parts[p]) not in fold(written)
            ]
            addresses[group] = ", ".join([written, *extra] if written else extra)
        found_addresses = _unique(list(addresses.values()))
        if found_addresses:
            values["address"] = found_addresses[0] if len(found_addresses) == 1 else found_addresses
        for group, value in custom.items():
            key = c.snake(labels_of.get(group, "")) or c.snake(group)
            values.setdefault(key, value)
        return Record(where[1], {"name": name, **values}, card_id, "\n\n".join(notes), where[0])

    def _typed(
        self, key: str, cell: Cell, text: str, clock: Clock, where: str, warnings: list[tuple[str, str]]
    ) -> Any:
        try:
            if key in DATE_KEYS:
                return read_birthday(cell, month_first=self.month_first)
            if key == "next":
                return read_next(cell, clock, month_first=self.month_first)
        except TicklerError as exc:
            warnings.append((where, f"{exc.message}; {key} left out"))
            return None
        if key in LIST_KEYS and self.layout == c.TICKLER:
            return [part.strip() for part in re.split(r"[;,]", text.strip("[]")) if part.strip()]
        if self.layout == c.OUTLOOK and text in ("Unspecified",):
            return None
        return text


def read_rows(
    rows: Sequence[tuple[int, Sequence[Cell]]],
    table: Table,
    clock: Clock,
    source: str,
    *,
    width: int | None = None,
) -> Read:
    """Records from (line, cells) rows of ``source``; a row with more cells than the header
    (``width``) or with no name is skipped and reported with its line."""
    found = Read(layout=table.layout, mapping=table.mapping())
    for line, cells in rows:
        if not any(cell_text(cell) for cell in cells):
            continue
        if width is not None and len(cells) > width and any(cell_text(x) for x in cells[width:]):
            found.bad.append((f"{source}:{line}", f"{len(cells)} cells but {width} columns"))
            continue
        try:
            found.records.append(table.record(cells, (source, line), clock, found.warnings))
        except TicklerError as exc:
            found.bad.append((f"{source}:{line}", exc.message))
    return found
