"""Phone contacts: ``import vcard`` reads vCard 2.1/3.0/4.0 files with vobject."""

from __future__ import annotations

import re
from typing import Any

from ..errors import TicklerError
from .records import Record


def read_records(text: str) -> tuple[list[Record], list[tuple[int, str]]]:
    import logging

    import vobject

    for name in ("vobject", "vobject.base"):  # its complaints come back to the user as errors
        logging.getLogger(name).setLevel(logging.CRITICAL)

    starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip().upper() == "BEGIN:VCARD"]
    records, bad = [], []
    try:
        cards = list(vobject.readComponents(text, ignoreUnreadable=True))
    except Exception as exc:
        line = getattr(exc, "lineNumber", None)
        raise TicklerError(f"not a vCard file: {exc}", line=line) from None
    for index, card in enumerate(cards):
        line = starts[index] if index < len(starts) else 0
        if card.name.upper() != "VCARD":
            continue
        try:
            records.append(Record(line, _values(card)))
        except TicklerError as exc:
            bad.append((line, exc.message))
    return records, bad


def _values(card: Any) -> dict[str, Any]:
    contents = card.contents
    name = _text(contents.get("fn"))
    if not name and "n" in contents:
        n = contents["n"][0].value
        name = " ".join(p for p in (n.prefix, n.given, n.additional, n.family) if p).strip()
    if not name:
        raise TicklerError("a contact with no name")
    values: dict[str, Any] = {"name": " ".join(name.split())}
    phones = [str(t.value).strip() for t in contents.get("tel", []) if str(t.value).strip()]
    emails = [str(e.value).strip() for e in contents.get("email", []) if str(e.value).strip()]
    if phones:
        values["phone"] = phones[0] if len(phones) == 1 else phones
    if emails:
        values["email"] = emails[0] if len(emails) == 1 else emails
    if "org" in contents:
        org = contents["org"][0].value
        company = org[0] if isinstance(org, list) and org else str(org)
        if company.strip():
            values["company"] = company.strip()
    title = _text(contents.get("title"))
    if title:
        values["title"] = title
    if "bday" in contents:
        values["birthday"] = birthday(str(contents["bday"][0].value))
    return values


def _text(items: Any) -> str:
    return str(items[0].value).strip() if items else ""


def birthday(value: str) -> str:
    """vCard birthdays (``1971-03-14``, ``19710314``, ``--0314``, ``--03-14``) as the card keeps them:
    ``1971-03-14``, or ``--03-14`` without the year."""
    text = value.strip().split("T")[0]
    match = re.fullmatch(r"(\d{4}|--)-?(\d{2})-?(\d{2})", text)
    if not match:
        raise TicklerError(f"birthday {value!r} is not a date")
    year, month, day = match.groups()
    return f"{year if year != '--' else '-'}-{month}-{day}"
