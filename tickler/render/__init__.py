"""Output: cards as JSON (the DESIGN shapes) and as aligned text for people.

Plain aligned text in a pipe; on a terminal the same table, fitted to its width, with a little
colour unless ``NO_COLOR`` is set. This module holds the primitives (styles, widths, tables, JSON);
``render.day`` lays out the day's cards, the birthday line and the agenda, and
``render.reports`` the customer reports. The commands hand them data and print the lines.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ..binder import Filed


def card_json(filed: Filed, today: dt.date) -> dict[str, Any]:
    card = filed.card
    due = card.next
    return {
        "id": filed.id,
        "name": card.name,
        "path": filed.rel,
        "next": due.iso() if due else None,
        "owner": card.owner,
        "action": card.action,
        "overdue": bool(due and due.date < today),
        "fields": card.as_fields_json(),
    }


def today_json(cards: list[Filed], today: dt.date) -> list[dict[str, Any]]:
    """``today --json`` (and the server's ``/api/today``): each card marked ``first_call``."""
    from ..query import is_first_call

    return [{**card_json(filed, today), "first_call": is_first_call(filed)} for filed in cards]


def shown_json(filed: Filed, files: list[str], today: dt.date) -> dict[str, Any]:
    """``show --json`` (and ``/api/cards/{id}``): the card with its dossier's files."""
    return {**card_json(filed, today), "files": files}


def dump_json(data: Any, out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    import json

    stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- text tables


_CONTROLS = {code: "\ufffd" for code in (*range(0x20), *range(0x7F, 0xA0))}
# Characters that change how the text around them is shown without showing themselves: the
# direction overrides, embeddings, isolates and marks (a right-to-left override in a name
# reverses the phone printed after it), and zero-width spaces. The joiners (U+200C, U+200D),
# which Persian and Indic names and emoji need, are left as they are.
_INVISIBLE = (0x061C, 0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), 0x2060, *range(0x2066, 0x206A), 0xFEFF)
_ESCAPED = {**_CONTROLS, **{code: f"<U+{code:04X}>" for code in _INVISIBLE}}
_ESCAPED_LINES = {code: text for code, text in _ESCAPED.items() if code not in (0x09, 0x0A)}


def printable(text: str) -> str:
    """Text safe to print on a terminal: a control character (an escape sequence hidden in a
    note, say) shows as \ufffd instead of acting on the terminal, and a direction or zero-width
    character as its code point (``<U+202E>``)."""
    return text if text.isprintable() else text.translate(_ESCAPED)


def printable_lines(text: str) -> str:
    """``printable`` for a whole text: its line breaks and tabs are kept."""
    return text if text.isprintable() else text.translate(_ESCAPED_LINES)


def display_width(text: str) -> int:
    """Columns a string takes on a terminal: wide East Asian characters (Korean, Chinese,
    Japanese) take two, combining marks and other zero-width characters none. Every width in
    tickler's output is measured by this one function."""
    if text.isascii() and text.isprintable():
        return len(text)
    import unicodedata

    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between words; nothing is cut: a
    word longer than a line is split across lines, after a hyphen where it has one."""
    width = max(1, width)
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = display_width(word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
        line, used = "", 0
        while size > width:  # a word wider than the line: split it, keeping every character
            head, head_used = "", 0
            for ch in word:
                w = display_width(ch)
                if head and head_used + w > width:
                    break
                head, head_used = head + ch, head_used + w
            hyphen = head.rfind("-")
            if 0 < hyphen < len(head) - 1:  # a double name breaks after its hyphen
                head = head[: hyphen + 1]
            lines.append(head)
            word = word[len(head) :]
            size = display_width(word)
        line, used = word, size
    if line or not lines:
        lines.append(line)
    return lines


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` columns, marking the cut with an ellipsis."""
    if display_width(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out += ch
        used += w
    return out + "…"


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def terminal_width(stream: TextIO) -> int:
    """The terminal's columns: ``COLUMNS`` when set (as a shell sets it), else what the terminal
    says, else 100."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or 100
    except (OSError, ValueError, AttributeError):
        return 100


class Style:
    """Terminal or pipe: decides colour and whether lines are cut to the width."""

    __slots__ = ("color", "width")

    def __init__(self, color: bool, width: int | None):
        self.color = color
        self.width = width  # None: never cut (a pipe, a file)

    @classmethod
    def for_stream(cls, stream: TextIO | None = None) -> Style:
        stream = stream or sys.stdout
        tty = hasattr(stream, "isatty") and stream.isatty()
        if not tty:
            return cls(color=False, width=None)
        color = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        return cls(color=color, width=terminal_width(stream))

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text


def _widths(
    all_rows: Sequence[Sequence[str]], style: Style, shrink: Sequence[int], indent: str
) -> tuple[list[int], bool]:
    """Each column's width, the ``shrink`` columns (last first) narrowed to their floor as far
    as the terminal asks; and whether the table then fits."""
    ncols = len(all_rows[0])
    # (every cell is printable here: an ASCII one is as wide as it is long)
    widths = [
        max(len(c) if c.isascii() else display_width(c) for c in column)
        for column in zip(*all_rows, strict=True)
    ]
    if style.width is None:
        return widths, True
    # The last column is never padded, so only the widths before it take room.
    budget = style.width - len(indent)
    total = sum(widths) + 2 * (ncols - 1)
    for col in shrink:
        if total <= budget:
            break
        floor = 8 if col != ncols - 1 else 10
        cut = min(total - budget, max(0, widths[col] - floor))
        widths[col] -= cut
        total -= cut
    return widths, total <= budget


def table(
    rows: Sequence[Sequence[str]],
    style: Style,
    *,
    header: Sequence[str] | None = None,
    shrink: Sequence[int] = (),
    paints: Sequence[str | None] | None = None,
    indent: str = "  ",
) -> list[str]:
    """Align columns; on a terminal shrink the columns named in ``shrink`` (last first) to fit."""
    lines = _table(rows, style, header, shrink, paints, indent, or_none=False)
    assert lines is not None
    return lines


def table_if_it_fits(
    rows: Sequence[Sequence[str]], style: Style, *, header: Sequence[str], shrink: Sequence[int]
) -> list[str] | None:
    """``table``, or None when it cannot fit the terminal cutting only the ``shrink`` columns, and
    those no narrower than their floor (the caller then lays the rows out another way)."""
    return _table(rows, style, header, shrink, None, "  ", or_none=True)


def _table(
    rows: Sequence[Sequence[str]],
    style: Style,
    header: Sequence[str] | None,
    shrink: Sequence[int],
    paints: Sequence[str | None] | None,
    indent: str,
    *,
    or_none: bool,
) -> list[str] | None:
    body = [[printable(cell) for cell in row] for row in rows]
    all_rows = [list(header), *body] if header else body
    if not all_rows:
        return []
    ncols = len(all_rows[0])
    widths, fits = _widths(all_rows, style, shrink, indent)
    if or_none and not fits:
        return None
    lines = []
    for index, row in enumerate(all_rows):
        cells = []
        for i, cell in enumerate(row):
            text = fit(cell, widths[i]) if style.width is not None else cell
            if i < ncols - 1:
                used = len(text) if text.isascii() else display_width(text)
                text += " " * (widths[i] - used)
            if header and index == 0:
                text = style.paint(text, "2")
            elif paints and paints[i]:
                text = style.paint(text, paints[i] or "")
            cells.append(text)
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def fitted_table(
    rows: Sequence[Sequence[str]],
    style: Style,
    *,
    header: Sequence[str],
    cut: Sequence[int] = (),
    name: int = 0,
    wrap_last: bool = False,
) -> list[str]:
    """A report's table by the rule of the day's: the name (column ``name``) is never cut, only
    the ``cut`` columns are shortened (to their floor); with ``wrap_last`` the last column (a
    reason) is wrapped within its room instead, never cut. When the table cannot fit the
    terminal that way, each row is stacked (``stacked_rows``). In a pipe, the plain table."""
    lines = table_if_it_fits(rows, style, header=header, shrink=() if wrap_last else cut)
    if lines is None and wrap_last:
        lines = _wrapped_last(rows, style, header)
    return lines if lines is not None else stacked_rows(rows, style, header=header, name=name)


WRAPPED_AT_LEAST = 24  # columns a wrapped last column needs, else the rows are stacked


def _wrapped_last(rows: Sequence[Sequence[str]], style: Style, header: Sequence[str]) -> list[str] | None:
    """The table with its last column wrapped at words into the room the others leave (they are
    never cut), or None when that room is under ``WRAPPED_AT_LEAST`` columns."""
    body = [[printable(cell) for cell in row] for row in rows]
    all_rows = [list(header), *body]
    widths = [max(display_width(row[i]) for row in all_rows) for i in range(len(header) - 1)]
    lead = 2 + sum(w + 2 for w in widths)
    room = (style.width or 0) - lead
    if room < WRAPPED_AT_LEAST:
        return None
    lines = []
    for index, row in enumerate(all_rows):
        head = "  " + "".join(pad(cell, w) + "  " for cell, w in zip(row, widths, strict=False))
        parts = wrap(row[-1], room)
        first = (head + parts[0]).rstrip()
        lines.append(style.paint(first, "2") if index == 0 else first)
        lines += [" " * lead + part for part in parts[1:]]
    return lines


def stacked_rows(
    rows: Sequence[Sequence[str]], style: Style, *, header: Sequence[str], name: int = 0
) -> list[str]:
    """A block per row for a narrow terminal: the cells up to the name (column ``name``: a rank
    and the name) on the first line, the name wrapped at words and never cut, then the others
    as ``label value`` pairs joined by `` · `` and wrapped between pairs (a pair too long for a
    line, at its words). Nothing is cut."""
    width = style.width or 80
    room = max(1, width - 4)
    out: list[str] = []
    for row in rows:
        cells = [printable(cell) for cell in row]
        lead = "  " + "".join(f"{cell}  " for cell in cells[:name])
        parts = wrap(cells[name], max(12, width - display_width(lead)))
        first = [lead + parts[0], *(" " * display_width(lead) + part for part in parts[1:])]
        if display_width(lead) + 12 > width:  # (a lead too wide to share a line with the name)
            first = [lead.rstrip(), *("    " + part for part in wrap(cells[name], room))]
        out += [style.paint(line, "1") for line in first]
        line = ""
        others = [
            (label, cell) for i, (label, cell) in enumerate(zip(header, cells, strict=True)) if i > name
        ]
        for label, value in others:
            if not value or value == "-":
                continue
            pair = f"{label.lower()} {value}"
            if line and display_width(line) + 3 + display_width(pair) <= room:
                line += " · " + pair
                continue
            if line:
                out.append("    " + line)
            parts = wrap(pair, room)
            out += ["    " + part for part in parts[:-1]]
            line = parts[-1]
        if line:
            out.append("    " + line)
    return out


def fitted_lines(lines: Sequence[str], style: Style) -> list[str]:
    """Lines of prose (a report's heading) wrapped at words to the terminal (in a pipe, as they are)."""
    if style.width is None:
        return list(lines)
    out = []
    for line in lines:
        lead = line[: len(line) - len(line.lstrip(" "))]
        out += [lead + part for part in wrap(line, style.width - len(lead))] if line else [""]
    return out


def days_word(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def load_bar(count: int, capacity: int, style: Style, width: int = 20) -> str:
    """``█████░░░░░`` of the day's load against capacity, only on a terminal."""
    if style.width is None:
        return ""
    filled = min(width, round(width * count / capacity)) if capacity else width
    bar = "█" * filled + "░" * (width - filled)
    return style.paint(bar, "31" if count > capacity else "32")


def money(value: Any) -> str:
    return f"{value:,.2f}"
