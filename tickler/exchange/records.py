"""A customer as an import source gives it, and the reading of a table's rows into customers.

Cells come as text (CSV) or as typed values (a spreadsheet's numbers and dates); ``Table`` turns
one row into a ``Record``: card keys and values, the notes, the line it came from. A field that
cannot be read (a birthday that is no date) is left out with a warning naming the line; the
customer is kept. A customer without a name is named by what it has (``named``): its company,
else its email's name part, else its phone; only one with none of these is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..dates import Clock, Due, parse_when
from ..errors import CardError, DateError, TicklerError
from ..names import fold
from . import columns as c
from .exported import rebuilt, value_of
from .kinds import NUMBER_KEYS, Kind, Numbers, addresses_with_kinds, kind_of

Cell = Any  # text, a number, a bool, a date, a date-time, a time, or None (an empty cell)
LIST_KEYS = ("tags", "products")  # in tickler's own export, written as "a, b"
DATE_KEYS = ("birthday", "anniversary")  # dates that recur each year: the year may be missing
_SPLIT_MANY = re.compile(r"\s*(?::::|;|,|\n)\s*")  # Google's " ::: ", and ; , or a line each
_SYSTEM_LABEL = re.compile(
    r"^\*?\s*(my ?contacts|other contacts|starred in android)$|^imported on ", re.IGNORECASE
)


@dataclass
class Record:
    """One customer from the source: card keys and values, the notes, and where it came from."""

    line: int
    values: dict[str, Any]
    card_id: str | None = None  # an id the source names (a tickler export), used for new cards
    notes: str = ""  # the card's text below the front matter
    source: str = ""  # the file it came from
    text: str | None = None  # the whole card, when the source is tickler's own export
    raw: Any = None  # the row's cells or the contact's lines, for --rejects

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
    header: list[str] = field(default_factory=list)  # a table's header row, for --rejects
    raw_of: dict[str, Any] = field(default_factory=dict)  # a skipped row's cells, by file:line


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
_NO_DATE = ("0/0/00", "0/0/0000", "00.00.0000", "0.0.00", "0.0.0000")  # Outlook's and 1C's "no date"


def read_date(value: Cell, *, month_first: bool, past: bool = True) -> tuple[str, dt.time | None] | None:
    """A date as people write it, as ``YYYY-MM-DD`` (or ``--MM-DD`` without a year), and its time
    if one was written; None for an empty cell. ``month_first``: ``3/14/1971`` (Outlook) rather
    than ``14/3/1971``. A two-digit year is the one in the past (``past``) or the future."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), value.time() if value.time() != dt.time() else None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    text = cell_text(value)
    if not text or text in _NO_DATE:
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


def named(values: dict[str, Any]) -> tuple[str, str]:
    """A name for a customer who has none, and what it was taken from: the company, else the
    email's name part, else a number (the phone first), else the website, the IM handle, the
    address; ("", "") when it has none of them."""
    takes: dict[str, Callable[[str], str]] = {
        "company": lambda v: v,
        "email": lambda v: v.split("@", 1)[0],
        **{number: (lambda v: v) for number in NUMBER_KEYS},
        "website": lambda v: re.sub(r"^\w+://(www\.)?", "", v).split("/", 1)[0],
        "im": lambda v: v.partition(":")[2] or v,
        "address": lambda v: v,
    }
    for key, take in takes.items():
        value = values.get(key)
        first = value[0] if isinstance(value, list) and value else value
        if isinstance(first, str) and (name := " ".join(take(first.strip()).split())):
            return name, key
    return "", ""


NOTHING = "nothing to reach them by (no name, company, email, number, website, IM or address)"


class Table:
    """A table's header, understood: reads its rows as records."""

    def __init__(self, headers: Sequence[str], mapping: dict[str, str] | None = None, *, layout: str = ""):
        self.layout = layout or c.layout_of(headers)
        self.columns = [c.classify(h, self.layout, mapping) for h in headers]
        self.month_first = self.layout == c.OUTLOOK
        reach = {c.FULL, c.FIRST, c.LAST, c.EMAIL, c.NUMBER}
        if not any(col.role in reach for col in self.columns):
            raise TicklerError(
                f"no name column (columns: {', '.join(headers)}); use --map COLUMN=name "
                "(or COLUMN=first_name and COLUMN=last_name)"
            )

    def settle(self, rows: Sequence[tuple[int, Sequence[Cell]]]) -> None:
        """Decide the columns that wait for the rows: a next-call column in words people use is
        ``next`` when every value in it is a date, else a key of its own."""
        for index, col in enumerate(self.columns):
            if col.role != c.MAYBE_NEXT:
                continue
            cells = [cell for _, row in rows if index < len(row) and cell_text(cell := row[index])]
            if cells and all(self._is_date(cell) for cell in cells):
                note = "every value is a date"
                self.columns[index] = c.Column(col.header, c.KEY, "next", note=note)
            else:
                note = f"not every value is a date; --map '{col.header}=next' reads them as next"
                self.columns[index] = c.Column(col.header, c.KEY, col.key, note=note)

    def _is_date(self, cell: Cell) -> bool:
        try:
            found = read_date(cell, month_first=self.month_first, past=False)
        except DateError:
            return False
        return found is not None and not found[0].startswith("--")

    def mapping(self) -> list[tuple[str, str]]:
        return [(col.header, col.describe()) for col in self.columns if col.header]

    def record(
        self, cells: Sequence[Cell], where: tuple[str, int], clock: Clock, warnings: list[tuple[str, str]]
    ) -> Record:
        """One row as a record; TicklerError when it cannot be a customer (nothing to reach them by)."""
        if self.layout == c.TICKLER:
            return self._own(cells, where)
        parts: dict[str, str] = {}
        many: dict[str, list[str]] = {"email": [], "website": [], "tags": []}
        numbers: list[tuple[c.Column, str]] = []
        ims: list[tuple[str, str]] = []
        addresses: dict[str, str] = {}
        address_parts: dict[str, dict[str, str]] = {}
        group_kinds: dict[str, tuple[str, ...]] = {}
        labels_of: dict[str, str] = {}
        custom: dict[str, str] = {}
        date_parts: dict[str, dict[str, str]] = {}
        notes: list[str] = []
        values: dict[str, Any] = {}
        card_id = None
        at = f"{where[0]}:{where[1]}"
        for col, cell in zip(self.columns, cells, strict=False):
            text = cell_text(cell)
            if not text or col.role == c.DROP:
                continue
            role = col.role
            if role in (c.FULL, c.FIRST, c.MIDDLE, c.LAST):
                parts.setdefault(role, text)
            elif role == c.NUMBER:
                numbers += [(col, v) for v in _SPLIT_MANY.split(text) if v.strip()]
            elif role == c.IM:
                ims += [(col.group, v.strip()) for v in _SPLIT_MANY.split(text) if v.strip()]
            elif role in c.LISTS:
                many[c.LISTS[role]] += [v for v in _SPLIT_MANY.split(text) if v.strip()]
            elif role == c.TAGS:
                many["tags"] += labels(text)
            elif role == c.NOTES:
                notes.append(text)
            elif role == c.ADDRESS:
                addresses[col.key] = ", ".join(p.strip() for p in text.splitlines() if p.strip())
                group_kinds.setdefault(col.key, col.kind.kinds)
            elif role == c.ADDRESS_PART:
                address_parts.setdefault(col.key, {})[col.part] = text
                group_kinds.setdefault(col.key, col.kind.kinds)
            elif role in (c.LABEL, c.SERVICE):
                labels_of[f"{col.group or col.key}{' service' if role == c.SERVICE else ''}"] = text
            elif role == c.VALUE:
                custom[col.group or col.key] = text
            elif role == c.DATE_PART:
                date_parts.setdefault(col.key, {})[col.part] = text
            elif role == c.ID:
                card_id = text
            else:
                value = self._typed(col.key, cell, text, clock, at, warnings)
                if value is not None:
                    values.setdefault(col.key, value)
        values.update(_numbers(numbers, labels_of))
        for key in ("email", "website"):
            found = _unique([v.strip() for v in many[key]])
            if found:
                values[key] = found[0] if len(found) == 1 else found
        if many["tags"]:
            values["tags"] = _unique(many["tags"])
        handles = _unique([_handle(value, labels_of.get(f"{group} service", "")) for group, value in ims])
        if handles:
            values["im"] = handles[0] if len(handles) == 1 else handles
        values.update(_addresses(addresses, address_parts, group_kinds, labels_of))
        for key, found_parts in date_parts.items():
            if key not in values and (day := _date_from_parts(found_parts)) is not None:
                values[key] = day
        for group, value in custom.items():
            key = c.foreign(c.snake(labels_of.get(group, "")) or c.snake(group))
            typed = self._typed(key, value, value, clock, at, warnings) if key in DATE_KEYS else value
            if typed is not None:
                values.setdefault(key, typed)
        name = parts.get(c.FULL) or " ".join(parts[p] for p in (c.FIRST, c.MIDDLE, c.LAST) if p in parts)
        name = " ".join(name.split())
        if not name:
            name, taken_from = named(values)
            if not name:
                raise TicklerError(NOTHING)
            warnings.append((at, f"no name: named '{name}' after its {taken_from}"))
        return Record(where[1], {"name": name, **values}, card_id, "\n\n".join(notes), where[0])

    def _own(self, cells: Sequence[Cell], where: tuple[str, int]) -> Record:
        """A row of tickler's own export: the card rebuilt from its text, with the values a
        spreadsheet changed; or, from an export without the card's text, the card's values."""
        texts: dict[str, str] = {}
        card_id, front, body = None, "", ""
        for col, cell in zip(self.columns, cells, strict=False):
            text = cell if isinstance(cell, str) else cell_text(cell)
            if col.role == c.ID:
                card_id = text.strip() or None
            elif col.role == c.FRONT:
                front = text
            elif col.role == c.BODY:
                body = text
            elif col.header:
                texts[col.key] = text
        if front.strip():
            try:
                card = rebuilt(front, body, texts)
            except CardError as exc:
                raise TicklerError(f"the card's text cannot be read ({exc.message})") from None
            values = dict(card.fields)
            return Record(where[1], values, card_id, card.notes, where[0], text=card.text)
        values = {}
        for key, text in texts.items():
            value = value_of(text)
            value = " ".join(str(value).split()) if key == "name" and value is not None else value
            if key in LIST_KEYS and isinstance(value, str):
                value = [part.strip() for part in re.split(r"[;,]", value) if part.strip()]
            if value not in (None, "", []):
                values[key] = value
        if not values.get("name"):
            name, _ = named(values)
            if not name:
                raise TicklerError(NOTHING)
            values["name"] = name
        return Record(where[1], values, card_id, body.strip(), where[0])

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
        if self.layout in (c.OUTLOOK, c.OUTLOOK_DE) and text in ("Unspecified", "Nicht angegeben"):
            return None
        return text


def _numbers(found: list[tuple[c.Column, str]], labels_of: dict[str, str]) -> dict[str, Any]:
    """The row's numbers by key and kind: a column's own words, or the label beside it."""
    numbers = Numbers()
    for col, number in found:
        kind = col.kind
        label = labels_of.get(col.group) if col.group else None
        if label:
            said = kind_of(label, custom=True)
            kind = Kind(said.key if col.key == "phone" else col.key, said.kinds, said.preferred)
        elif col.key != kind.key:
            kind = Kind(col.key, kind.kinds, kind.preferred)
        numbers.add(number.strip(), kind)
    return numbers.values()


def _handle(value: str, service: str) -> str:
    """An IM handle with its service in front, as vCard's IMPP writes it: ``skype:ivan.p``."""
    service = c.snake(service).replace("_", "")
    if not service or re.match(r"^[a-z][\w+.-]*:", value) or service in ("other", "custom"):
        return value
    return f"{service}:{value}"


def _addresses(
    written: dict[str, str],
    parts: dict[str, dict[str, str]],
    kinds: dict[str, tuple[str, ...]],
    labels_of: dict[str, str],
) -> dict[str, Any]:
    """Each address group as one whole address: a formatted one with the parts it leaves out
    added (Bitrix24's street, then city and code apart; Google's formatted one holds them all)."""
    found = []
    for group in [*written, *(g for g in parts if g not in written)]:
        text = written.get(group, "")
        extra = [
            parts[group][p]
            for p in c.ADDRESS_ORDER
            if p in parts.get(group, {}) and fold(parts[group][p]) not in fold(text)
        ]
        whole = ", ".join([text, *extra] if text else extra)
        label = labels_of.get(group)
        found.append((whole, kind_of(label, custom=True).kinds if label else kinds.get(group, ())))
    return addresses_with_kinds(found)


def _date_from_parts(parts: dict[str, str]) -> str | None:
    """Thunderbird's ``Birth Year``, ``Birth Month``, ``Birth Day`` as one date (the year may be missing)."""
    try:
        month, day = int(parts.get("month", "")), int(parts.get("day", ""))
        year = int(parts["year"]) if parts.get("year", "").strip() else None
        text = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        found = read_date(text, month_first=False)
    except (ValueError, DateError):
        return None
    return read_birthday(found[0], month_first=False) if found else None


def read_rows(
    rows: Sequence[tuple[int, Sequence[Cell]]],
    table: Table,
    clock: Clock,
    source: str,
    *,
    width: int | None = None,
) -> Read:
    """Records from (line, cells) rows of ``source``; a row with more cells than the header
    (``width``) or with nothing to reach the customer by is skipped and reported with its line."""
    table.settle(rows)
    found = Read(layout=table.layout, mapping=table.mapping())
    for line, cells in rows:
        if not any(cell_text(cell) for cell in cells):
            continue
        where = f"{source}:{line}"
        if width is not None and len(cells) > width and any(cell_text(x) for x in cells[width:]):
            found.bad.append((where, f"{len(cells)} cells but {width} columns"))
            found.raw_of[where] = cells
            continue
        try:
            record = table.record(cells, (source, line), clock, found.warnings)
        except TicklerError as exc:
            found.bad.append((where, exc.message))
            found.raw_of[where] = cells
            continue
        record.raw = cells
        found.records.append(record)
    return found
