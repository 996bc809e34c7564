"""``export csv --layout google|outlook``: the cards in the CSV layouts Google Contacts and Outlook
publish for their own import, so a rep can take the customer base to either.

Google's layout: ``First Name, Middle Name, Last Name, ..., Labels, E-mail 1 - Label, E-mail 1 -
Value, Phone 1 - Label, Phone 1 - Value, ..., Custom Field 1 - Value``, with as many numbered
groups as the cards need; each number's label says its kind (``Mobile``, ``Work Fax``), each
address's its kind, spouse, manager and assistant are relations, the anniversary an event, and
every other key of the rep's a custom field. Outlook's layout: its whole header (``Title, First
Name, ..., Web Page``) with a column per kind of number and address; a value Outlook has no
column left for (a fourth email, a birthday without a year) is left out and the export says so.

tickler's own keys (next, action, owner, cadence, fixed) mean nothing there and stay out; the
card's notes travel, its Log does not (``export csv`` without ``--layout`` keeps everything).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from typing import Any

from ..binder import Filed
from ..errors import TicklerError
from .columns import snake
from .kinds import NUMBER_KEYS, kinds_of, same_address, same_number

# fmt: off
OUTLOOK_HEADER = (
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
    "Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State",
    "Business Postal Code", "Business Country/Region", "Home Street", "Home Street 2", "Home Street 3",
    "Home City", "Home State", "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2",
    "Other Street 3", "Other City", "Other State", "Other Postal Code", "Other Country/Region",
    "Assistant's Phone", "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
    "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax",
    "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex", "Account",
    "Anniversary", "Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
    "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type", "E-mail Display Name",
    "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
    "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
    "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
    "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private",
    "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4", "Web Page",
)
GOOGLE_NAMES = (
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
    "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels",
)
_GOOGLE_ADDRESS = (
    "Formatted", "Street", "City", "PO Box", "Region", "Postal Code", "Country", "Extended Address",
)
TICKLERS_OWN = ("next", "action", "owner", "cadence", "fixed")
# Keys each layout has a place for: the rest are Google's custom fields.
_COVERED = {
    "name", "name_prefix", "name_suffix", "nickname", "company", "title", "department", "birthday", "tags",
    "email", "website", "address", "address_kinds", "phone_kinds", "spouse", "manager", "assistant",
    "anniversary", "im", *NUMBER_KEYS, *TICKLERS_OWN,
}
_IN_OUTLOOK = {*_COVERED, "role"} - {"nickname", "im"}
_OUTLOOK_PHONES = {
    "mobile": ("Mobile Phone",), "work": ("Business Phone", "Business Phone 2"),
    "home": ("Home Phone", "Home Phone 2"), "main": ("Company Main Phone",), "car": ("Car Phone",),
    "callback": ("Callback",), "radio": ("Radio Phone",), "isdn": ("ISDN",),
}
_OUTLOOK_OWN_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "fax": {"work": ("Business Fax",), "home": ("Home Fax",), "": ("Other Fax", "Business Fax", "Home Fax")},
    "pager": {"": ("Pager",)}, "assistant_phone": {"": ("Assistant's Phone",)}, "telex": {"": ("Telex",)},
    "tty": {"": ("TTY/TDD Phone",)},
}
_GOOGLE_KINDS = {"mobile": "Mobile", "work": "Work", "home": "Home", "main": "Main", "other": "Other"}
_GOOGLE_KEYS = {
    "fax": "Fax", "pager": "Pager", "assistant_phone": "Assistant", "telex": "Telex", "tty": "TTY",
}
# fmt: on


def write_layout(layout: str, cards: list[Filed], out: Any, safe: Callable[[str], str]) -> list[TicklerError]:
    """The cards as rows of Google's or Outlook's layout; what had no place, as problems."""
    left_out: list[TicklerError] = []
    if layout == "google":
        header, rows = _google(cards)
    else:
        header, rows = list(OUTLOOK_HEADER), [_outlook(f, left_out) for f in cards]
        out.write("\ufeff")  # Outlook and Excel read UTF-8 only with its byte order mark
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe(row.get(column, "")) for column in header])
    return left_out


def _name_parts(name: str) -> tuple[str, str, str]:
    words = name.split()
    if len(words) == 1:
        return words[0], "", ""
    return words[0], " ".join(words[1:-1]), words[-1]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v is not None)
    return "" if value is None else str(value)


def _kinds(card: Any, key: str, value: str) -> list[str]:
    if key == "address":
        return kinds_of(card.get("address_kinds"), value, same_address)
    return kinds_of(card.get("phone_kinds"), value, same_number)


# --------------------------------------------------------------------------- Outlook


def _outlook(filed: Filed, left_out: list[TicklerError]) -> dict[str, str]:
    card = filed.card
    row: dict[str, str] = {}
    first, middle, last = _name_parts(card.name)
    row.update({"First Name": first, "Middle Name": middle, "Last Name": last})
    for column, key in (
        ("Title", "name_prefix"),
        ("Suffix", "name_suffix"),
        ("Company", "company"),
        ("Department", "department"),
        ("Job Title", "title"),
        ("Profession", "role"),
        ("Spouse", "spouse"),
        ("Manager's Name", "manager"),
        ("Assistant's Name", "assistant"),
    ):
        row[column] = _text(card.get(key))

    def place(columns: tuple[str, ...], value: str, what: str) -> None:
        free = next((c for c in columns if not row.get(c)), None)
        if free is None:
            left_out.append(
                TicklerError(f"{filed.rel}: Outlook's layout has no place for {what} {value}; left out")
            )
        else:
            row[free] = value

    for key in NUMBER_KEYS:
        for number in card.values(key):
            kinds = _kinds(card, key, number)
            if key == "phone":
                slots = (
                    *(c for k in kinds for c in _OUTLOOK_PHONES.get(k, ())),
                    "Other Phone",
                    "Primary Phone",
                )
            else:
                by_kind = _OUTLOOK_OWN_KEYS[key]
                slots = tuple(c for k in kinds for c in by_kind.get(k, ())) + by_kind[""]
            place(slots, number, key.replace("_", " "))
    for address in card.values("address"):
        kinds = _kinds(card, "address", address)
        wanted = [
            {"work": "Business Street", "home": "Home Street", "other": "Other Street"}.get(k) for k in kinds
        ]
        place(
            (*[w for w in wanted if w], "Business Street", "Home Street", "Other Street"),
            address,
            "the address",
        )
    for index, email in enumerate(card.values("email")):
        if index >= 3:
            left_out.append(
                TicklerError(f"{filed.rel}: Outlook's layout holds three emails; {email} left out")
            )
            continue
        prefix = "E-mail" if index == 0 else f"E-mail {index + 1}"
        row[f"{prefix} Address"], row[f"{prefix} Type"] = email, "SMTP"
        row[f"{prefix} Display Name"] = f"{card.name} ({email})"
    for column, key in (("Birthday", "birthday"), ("Anniversary", "anniversary")):
        day = _text(card.get(key))
        if day:
            try:
                row[column] = _us_date(day)
            except ValueError:
                left_out.append(
                    TicklerError(f"{filed.rel}: Outlook keeps no {key} without a year; {day} left out")
                )
    websites = card.values("website")
    row["Web Page"] = websites[0] if websites else ""
    row["Categories"] = ";".join(card.tags)
    row["Notes"] = card.notes
    placed = set(_IN_OUTLOOK)
    for column in OUTLOOK_HEADER:  # Children, Hobby, Office Location...: keys of the same name
        key = snake(column)
        if not row.get(column) and key not in _COVERED and card.get(key) not in (None, "", []):
            row[column] = _text(card.get(key))
            placed.add(key)
    unplaced = sorted(str(k) for k, v in card.fields.items() if k not in placed and v not in (None, "", []))
    if unplaced:
        left_out.append(
            TicklerError(f"{filed.rel}: Outlook's layout has no column for {', '.join(unplaced)}; left out")
        )
    return row


def _us_date(day: str) -> str:
    date = dt.date.fromisoformat(day)  # ValueError for --03-14
    return f"{date.month}/{date.day}/{date.year}"


# --------------------------------------------------------------------------- Google


def _google(cards: list[Filed]) -> tuple[list[str], list[dict[str, str]]]:
    rows = [_google_row(f) for f in cards]
    counts: dict[str, int] = {}
    for row in rows:
        for column in row:
            if " - " in column:
                what, _, number = column.partition(" - ")[0].rpartition(" ")
                counts[what] = max(counts.get(what, 0), int(number))
    header = list(GOOGLE_NAMES)
    groups = (
        ("E-mail", ("Label", "Value")),
        ("Phone", ("Label", "Value")),
        ("Address", ("Label", *_GOOGLE_ADDRESS)),
        ("Relation", ("Label", "Value")),
        ("Website", ("Label", "Value")),
        ("Event", ("Label", "Value")),
        ("IM", ("Label", "Service", "Value")),
        ("Custom Field", ("Label", "Value")),
    )
    for what, fields in groups:
        if what == "IM" and what not in counts:
            continue
        for count in range(1, max(counts.get(what, 0), 1) + 1):
            header += [f"{what} {count} - {field}" for field in fields]
    return header, rows


def _google_row(filed: Filed) -> dict[str, str]:
    card = filed.card
    row: dict[str, str] = {}
    first, middle, last = _name_parts(card.name)
    row.update({"First Name": first, "Middle Name": middle, "Last Name": last})
    for column, key in (
        ("Name Prefix", "name_prefix"),
        ("Name Suffix", "name_suffix"),
        ("Nickname", "nickname"),
        ("Organization Name", "company"),
        ("Organization Title", "title"),
        ("Organization Department", "department"),
        ("Birthday", "birthday"),
    ):
        row[column] = _text(card.get(key))
    row["Notes"], row["Labels"] = card.notes, " ::: ".join(card.tags)

    def group(what: str, values: dict[str, str]) -> None:
        number = 1 + max(
            (int(c.partition(" - ")[0].rpartition(" ")[2]) for c in row if c.startswith(f"{what} ")),
            default=0,
        )
        for field, value in values.items():
            row[f"{what} {number} - {field}"] = value

    for email in card.values("email"):
        group("E-mail", {"Label": "", "Value": email})
    for key in NUMBER_KEYS:
        for number in card.values(key):
            kinds = [_GOOGLE_KINDS.get(k, k.title()) for k in _kinds(card, key, number)]
            label = (
                " ".join([*kinds[:1], _GOOGLE_KEYS[key]])
                if key in _GOOGLE_KEYS
                else (kinds[0] if kinds else "")
            )
            group("Phone", {"Label": label, "Value": number})
    for address in card.values("address"):
        kinds = [_GOOGLE_KINDS.get(k, k.title()) for k in _kinds(card, "address", address)]
        group("Address", {"Label": kinds[0] if kinds else "", "Formatted": address, "Street": address})
    for key in ("spouse", "manager", "assistant"):
        for person in card.values(key):
            group("Relation", {"Label": key.title(), "Value": person})
    for website in card.values("website"):
        group("Website", {"Label": "", "Value": website})
    for day in card.values("anniversary"):
        group("Event", {"Label": "Anniversary", "Value": day})
    for handle in card.values("im"):
        service, colon, value = handle.partition(":")
        group(
            "IM",
            {"Label": "", "Service": service.title() if colon else "", "Value": value if colon else handle},
        )
    for key in sorted(str(k) for k in card.fields):
        if key not in _COVERED and card.get(key) not in (None, "", []):
            label = key.replace("_", " ").capitalize()
            group("Custom Field", {"Label": label, "Value": _text(card.get(key))})
    return row
