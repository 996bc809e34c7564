"""Spreadsheet files: ``import sheet`` reads ``.xlsx``, ``.xls`` and ``.ods`` with python-calamine.

The first sheet (or the one ``--sheet`` names) is read as a table whose first row is the header,
with the same column layouts as a CSV file. Cells keep their types: a date cell is a date, and a
phone typed as a number stays ``79165556677``, never ``79165556677.0``.
"""

from __future__ import annotations

from pathlib import Path

from ..dates import Clock
from ..errors import TicklerError
from .records import Read, Table, read_rows

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def read_records(path: Path, clock: Clock, mapping: dict[str, str], sheet: str | None = None) -> Read:
    """The customers of a spreadsheet file's first sheet (or of ``sheet``)."""
    if path.suffix.lower() not in SUFFIXES:
        raise TicklerError(
            f"is not a spreadsheet tickler reads ({', '.join(SUFFIXES)}); for CSV use import csv"
        )
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except FileNotFoundError:
        raise TicklerError("no such file") from None
    except Exception as exc:  # calamine's errors for a damaged or foreign file
        raise TicklerError(f"cannot be read as a spreadsheet: {exc}") from None
    try:
        names = workbook.sheet_names
        if sheet is not None and sheet not in names:
            raise TicklerError(f"has no sheet '{sheet}' (there are: {', '.join(names)})")
        chosen = workbook.get_sheet_by_name(sheet) if sheet is not None else workbook.get_sheet_by_index(0)
        cells = chosen.to_python()
        first_row = (chosen.start or (0, 0))[0]
    except TicklerError:
        raise
    except Exception as exc:
        raise TicklerError(f"cannot be read as a spreadsheet: {exc}") from None
    finally:
        workbook.close()
    if not cells:
        raise TicklerError("the sheet is empty")
    header = [str(h).strip() if h is not None else "" for h in cells[0]]
    table = Table(header, mapping)
    rows = [(first_row + index + 1, row) for index, row in enumerate(cells) if index]
    found = read_rows(rows, table, clock, str(path), width=len(header))
    found.header = header
    return found
