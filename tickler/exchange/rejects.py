"""``import ... --rejects FILE``: what an import skipped, each with its reason, in the shape it came
in, so that a rep can fix the rows and import the file again.

From a CSV file or a spreadsheet: a CSV file with the source's header and a last column
``skipped because`` (which an import leaves out). From a vCard file: the skipped contacts as they
were, each with an ``X-TICKLER-SKIPPED`` line saying why. From a folder of notes: one line a note,
``path: reason``.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from .records import cell_text

if TYPE_CHECKING:
    from .importing import ImportReport

REASON = "skipped because"


def skipped(report: ImportReport) -> list[tuple[str, str, Any]]:
    """(file:line, reason, the row's cells or the contact's lines) of what the import skipped."""
    read = report.read
    found = [(where, why, read.raw_of.get(where)) for where, why in read.bad]
    found += [(o.where, o.detail, o.raw) for o in report.outcomes if o.action == "error"]
    return found


def rejects_text(report: ImportReport) -> str:
    """The rejects file's text (a header or nothing at all when nothing was skipped)."""
    read, found = report.read, skipped(report)
    if read.unit == "contact":
        out = []
        for where, why, lines in found:
            lines = list(lines or [])
            end = len(lines) - 1 if lines and lines[-1].strip().upper() == "END:VCARD" else len(lines)
            reason = why.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            out += [*lines[:end], f"X-TICKLER-SKIPPED:{where}: {reason}", *lines[end:]]
        return "".join(line + "\r\n" for line in out)
    if read.unit == "note":
        return "".join(f"{where}: {why}\n" for where, why, _ in found)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*read.header, REASON])
    width = len(read.header)
    for where, why, cells in found:
        row = [cell_text(cell) for cell in cells or []]
        row = row + [""] * (width - len(row)) if len(row) < width else row
        line = where.rsplit(":", 1)[-1]
        writer.writerow([*row, f"line {line}: {why}"])
    return buffer.getvalue()
