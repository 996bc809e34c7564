"""The Log grammar: a card's history, one entry a line, in date order, under a ``## Log`` heading.

    - YYYY-MM-DD [HH:MM] KIND[ AMOUNT]: text

Commands append entries in date order; people may write them by hand in the same form. Every
report is derived from these lines. The functions here read entries out of a card's text and
place new lines into it, touching nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from ..errors import TicklerError

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*\r?$")
_HEADINGS = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)  # (see section)
_ODD_BREAK = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # line breaks to splitlines, not to ^/$
_ENTRY = re.compile(
    r"^- (?P<date>\d{4}-\d{2}-\d{2})(?: (?P<time>\d{1,2}:\d{2}))?"
    r" (?P<kind>[^\W\d][\w-]*)(?: (?P<amount>[-+]?\d+(?:\.\d+)?))?:(?: (?P<text>.*?))?[ \t]*\r?$"
)
_KIND = re.compile(r"^[^\W\d][\w-]*$")

# The kinds that are a contact with the customer: a word exchanged, a letter sent, a purchase or a
# reward in the shop. Everything else is not: tickler's own bookkeeping (rolled, balanced, moved,
# renamed, merged, handover, cadence, reminder), a ``note``, a customer's ``request`` still waiting
# for its answer, a call nobody answered (``no-answer``). First calls, the no-answer count and the
# docs all read this one set.
CONTACT_KINDS = frozenset(
    {"call", "email", "meet", "meeting", "visit", "letter", "reply", "sms", "message", "purchase", "reward"}
)
_AMOUNT = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


class LogEntry(NamedTuple):
    date: dt.date
    time: dt.time | None
    kind: str
    amount: Decimal | None
    text: str
    line: int  # 1-based line in the file

    @property
    def sort_key(self) -> tuple[dt.date, dt.time]:
        return (self.date, self.time or dt.time(0, 0))


def is_contact(kind: str) -> bool:
    """Whether a Log entry of ``kind`` is a contact with the customer (see ``CONTACT_KINDS``)."""
    return kind in CONTACT_KINDS


def unanswered_in_a_row(entries: list[LogEntry]) -> int:
    """The ``no-answer`` entries since the last contact (entries in date order): any contact
    resets the count, other entries (a note, tickler's own) leave it as it is."""
    count = 0
    for entry in reversed(entries):
        if entry.kind == "no-answer":
            count += 1
        elif is_contact(entry.kind):
            break
    return count


_ROLLED_FROM = re.compile(r"^from (\d{4}-\d{2}-\d{2})\b")


def waiting_since(entries: list[LogEntry]) -> dt.date | None:
    """The date a card was first due when the latest entries of its Log are ``rolled`` ones
    (``rolled: from 2026-11-10``, roll after roll): the customer has been waiting since then.
    None when anything else was written after the rolls (a call, a move), or there are none."""
    since: dt.date | None = None
    for entry in sorted(entries, key=lambda e: (e.sort_key, e.line), reverse=True):
        if entry.kind == "balanced":
            continue  # (balance moved it on for room, the customer still waits)
        if entry.kind != "rolled":
            break
        match = _ROLLED_FROM.match(entry.text)
        if match is None:
            break
        try:
            since = dt.date.fromisoformat(match[1])
        except ValueError:
            break
    return since


def format_entry(
    day: dt.date, kind: str, text: str, *, time: dt.time | None = None, amount: str | None = None
) -> str:
    """A Log line in the grammar: ``- YYYY-MM-DD [HH:MM] KIND[ AMOUNT]: text``."""
    kind = kind.strip().lower()
    if not _KIND.match(kind):
        raise TicklerError(f"'{kind}' is not a Log kind: use one word such as call, email, purchase")
    head = f"- {day.isoformat()}"
    if time is not None:
        head += f" {time.strftime('%H:%M')}"
    head += f" {kind}"
    if amount is not None:
        amount = amount.strip()
        if not _AMOUNT.match(amount):
            raise TicklerError(f"'{amount}' is not an amount: write it like 12500.00")
        head += f" {amount}"
    clean = " ".join(text.split())
    if any(unicodedata.category(ch) == "Cc" for ch in clean):
        raise TicklerError("the Log text holds control characters")
    return f"{head}: {clean}" if clean else f"{head}:"


def parse_entry(raw: str, line: int) -> LogEntry | None:
    """One Log line as an entry, or None when it does not follow the grammar."""
    match = _ENTRY.match(raw)
    if not match:
        return None
    try:
        day = dt.date.fromisoformat(match["date"])
        time = None
        if match["time"]:
            hh, mm = match["time"].split(":")
            time = dt.time(int(hh), int(mm))
        amount = Decimal(match["amount"]) if match["amount"] else None
    except (ValueError, InvalidOperation):
        return None
    return LogEntry(day, time, match["kind"].lower(), amount, (match["text"] or "").strip(), line)


def entry_order(line: str) -> tuple[object, ...]:
    """Sort key of a Log line: its date and time (lines that are no entry first)."""
    entry = parse_entry(line, 0)
    return entry.sort_key if entry else ()


def section(text: str, offset: int) -> tuple[int | None, int]:
    """Offsets of the Log section's lines (after its heading up to the next heading of the same
    or a higher level), looking from ``offset`` (the end of the front matter) on."""
    level = 0
    start: int | None = None
    if (
        (offset == 0 or text[offset - 1] == "\n")
        and text.find("```", offset) < 0
        and text.find("~~~", offset) < 0
        and _ODD_BREAK.search(text, offset) is None
    ):
        # No fence and no line break but "\n" (nearly every card): the headings found in one go.
        for heading in _HEADINGS.finditer(text, offset):
            if start is not None and len(heading[1]) <= level:
                return start, heading.start()
            if start is None and heading[2].strip().lower() == "log":
                level = len(heading[1])
                start = min(heading.end() + 1, len(text))
        return start, len(text)
    return section_by_lines(text, offset)


def section_by_lines(text: str, offset: int) -> tuple[int | None, int]:
    """``section`` line by line: what it does when the text holds a fence or other line breaks."""
    level = 0
    start: int | None = None
    in_fence = False
    for raw in text[offset:].splitlines(keepends=True):
        stripped = raw.lstrip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(raw)
        if heading:
            if start is not None and len(heading.group(1)) <= level:
                return start, offset
            if start is None and heading.group(2).strip().lower() == "log":
                level = len(heading.group(1))
                start = offset + len(raw)
        offset += len(raw)
    return start, len(text)


def _entry_lines(text: str, offset: int) -> Iterator[tuple[str, int]]:
    """Each line of the Log section that starts like an entry (``- ``), with its line number."""
    start, end = section(text, offset)
    if start is None:
        return
    line_no = text.count("\n", 0, start) + 1
    for raw in text[start:end].splitlines():
        if raw.startswith("- "):
            yield raw, line_no
        line_no += 1


def read(text: str, offset: int) -> tuple[list[LogEntry], list[int]]:
    """The Log entries of a card's text, and the numbers of Log lines that break the grammar."""
    entries: list[LogEntry] = []
    bad: list[int] = []
    for raw, line_no in _entry_lines(text, offset):
        entry = parse_entry(raw, line_no)
        if entry is None:
            bad.append(line_no)
        else:
            entries.append(entry)
    return entries, bad


RawEntry = tuple[
    int, int, str, "str | None", str, int
]  # (date ordinal, minutes or -1, kind, amount, text, line)
_ORDINALS: dict[str, int | None] = {}  # a written date -> its ordinal (None: no real date)


def read_raw(text: str, offset: int) -> tuple[list[RawEntry], list[int]]:
    """What ``read`` gives, as the plain tuples the ledger keeps, in date order: (date ordinal,
    minutes since midnight or -1, kind, amount as ``str(Decimal)``, text, line), without making
    an entry object of each line (a fresh clone's first report reads every card's Log)."""
    found: list[RawEntry] = []
    bad: list[int] = []
    for raw, line_no in _entry_lines(text, offset):
        match = _ENTRY.match(raw)
        ordinal = _ordinal(match["date"]) if match else None
        minutes = -1
        if match and match["time"]:
            hh, mm = (int(part) for part in match["time"].split(":"))
            minutes = hh * 60 + mm if hh < 24 and mm < 60 else -2  # (-2: no real time)
        if match is None or ordinal is None or minutes == -2:
            bad.append(line_no)
            continue
        amount = str(Decimal(match["amount"])) if match["amount"] else None
        found.append(
            (ordinal, minutes, match["kind"].lower(), amount, (match["text"] or "").strip(), line_no)
        )
    found.sort(key=lambda r: (r[0], max(r[1], 0), r[5]))  # as LogEntry.sort_key, then the line
    return found, bad


def _ordinal(written: str) -> int | None:
    """The ordinal of a date written YYYY-MM-DD, None when there is no such day (a Log has few
    distinct days: each is worked out once)."""
    if written not in _ORDINALS:
        try:
            ordinal: int | None = dt.date.fromisoformat(written).toordinal()
        except ValueError:
            ordinal = None
        if len(_ORDINALS) >= 10_000:
            return ordinal
        _ORDINALS[written] = ordinal
    return _ORDINALS[written]


def append_lines(text: str, offset: int, newline: str, lines: list[str]) -> str:
    """``text`` with ``lines`` placed at the end of its Log section (made when missing)."""
    if not lines:
        return text
    block = "".join(line + newline for line in lines)
    start, end = section(text, offset)
    if start is None:
        if text and not text.endswith("\n"):
            text += newline
        if not text.endswith(("\n\n", newline + newline)):
            text += newline
        return f"{text}## Log{newline}{block}"
    content_end = start
    pos = start
    for raw in text[start:end].splitlines(keepends=True):
        pos += len(raw)
        if raw.strip():
            content_end = pos
    prefix = text[:content_end]
    if not prefix.endswith("\n"):
        prefix += newline
    return prefix + block + text[content_end:]


def insert_entry(text: str, offset: int, newline: str, entry_line: str) -> str:
    """``text`` with one Log line added in date order: after the last entry not later than it."""
    new_entry = parse_entry(entry_line, 0)
    if new_entry is None:
        raise TicklerError(f"not a Log line: {entry_line!r}")
    start, end = section(text, offset)
    if start is None:
        return append_lines(text, offset, newline, [entry_line])
    after_last_earlier: int | None = None  # just past the last entry not later than the new one
    first_entry: int | None = None
    pos = start
    for raw in text[start:end].splitlines(keepends=True):
        entry = parse_entry(raw, 0) if raw.startswith("- ") else None
        if entry is not None:
            if first_entry is None:
                first_entry = pos
            if entry.sort_key <= new_entry.sort_key:
                after_last_earlier = pos + len(raw)
        pos += len(raw)
    if after_last_earlier is not None:
        insert_at = after_last_earlier
    elif first_entry is not None:
        insert_at = first_entry
    else:
        return append_lines(text, offset, newline, [entry_line])  # no entries yet: after the section's text
    prefix = text[:insert_at]
    if not prefix.endswith("\n"):
        prefix += newline
    return prefix + entry_line + newline + text[insert_at:]
