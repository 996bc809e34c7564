"""Phones' address books: ``import vcard`` reads vCard 2.1, 3.0 and 4.0; ``export vcard`` writes 3.0.

vobject reads each contact. Before it does, the file is cut into contacts here (so a broken one
never hides the others, and each is reported at its own line), vCard 2.1's quoted-printable
values are joined across their soft line breaks and decoded in their charset (vobject does not
follow those breaks), and photos are left out: a card keeps no pictures.

What lands where: FN (else N) -> name; ORG -> company and department; TITLE; every TEL and EMAIL
(lists when several); ADR -> address; URL -> website; NICKNAME; CATEGORIES -> tags; BDAY ->
birthday; NOTE -> the card's notes. A field that cannot be read is left out with a warning; the
contact is kept.
"""

from __future__ import annotations

import quopri
import re
from typing import TYPE_CHECKING, Any

from ..errors import TicklerError
from .records import Read, Record

if TYPE_CHECKING:
    from ..binder import Binder, Filed

_BEGIN = re.compile(r"^\s*BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*END:VCARD\s*$", re.IGNORECASE)
_PROPERTY = re.compile(r"^(?:[\w-]+\.)?([\w-]+)([^:]*):(.*)$", re.DOTALL)
_QP = re.compile(r";\s*(?:ENCODING=)?QUOTED-PRINTABLE", re.IGNORECASE)
_CHARSET = re.compile(r";\s*CHARSET=([\w-]+)", re.IGNORECASE)
_BARE_COMMA = re.compile(r"(?<!\\),")


def read_records(text: str, source: str = "") -> Read:
    """The contacts of a vCard file; TicklerError when it holds none."""
    blocks = _blocks(text)
    if not blocks:
        raise TicklerError("no contact found: a vCard file holds BEGIN:VCARD ... END:VCARD blocks")
    import logging

    import vobject

    for name in ("vobject", "vobject.base"):  # its complaints come back to the user as warnings
        logging.getLogger(name).setLevel(logging.CRITICAL)
    found = Read(layout="vCard", unit="contact")
    for line, lines in blocks:
        try:
            card = vobject.readOne("\r\n".join(_plain(lines)) + "\r\n", ignoreUnreadable=True)
        except Exception as exc:
            found.bad.append((f"{source}:{line}", f"not a readable vCard ({exc})"))
            continue
        warnings: list[str] = []
        try:
            values, notes = _values(card, warnings)
        except TicklerError as exc:
            found.bad.append((f"{source}:{line}", exc.message))
            continue
        found.records.append(Record(line, values, notes=notes, source=source))
        found.warnings += [(f"{source}:{line}", w) for w in warnings]
    return found


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Each contact's lines, with the line of its BEGIN:VCARD."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if _BEGIN.match(raw):
            current = [raw.strip()]
            blocks.append((number, current))
        elif current is not None:
            current.append(raw)
            if _END.match(raw):
                current = None
    return blocks


def _plain(lines: list[str]) -> list[str]:
    """A contact's lines as vobject reads them: folded lines joined, quoted-printable values
    joined across their soft line breaks and decoded, bare commas in values escaped (vCard 2.1
    and many writers leave them bare; vobject would cut a note at the first one), and photos, with
    their base64 lines, left out."""
    logical: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line[:1] in (" ", "\t") and logical and not logical[-1].endswith("="):
            logical[-1] += line[1:]  # a folded line
            continue
        if _QP.search(line.split(":", 1)[0]):
            while line.endswith("=") and index < len(lines):  # a soft line break
                line = line[:-1] + lines[index]
                index += 1
        logical.append(line)
    out: list[str] = []
    in_photo = False
    for line in logical:
        head, colon, _ = line.partition(":")
        name = head.split(";", 1)[0].rsplit(".", 1)[-1].upper()
        if name in ("PHOTO", "LOGO", "SOUND", "KEY"):
            in_photo = True
            continue
        if in_photo and (not line.strip() or _is_base64(line)):
            continue  # the base64 lines of a vCard 2.1 photo
        in_photo = False
        if not colon:
            continue
        if _QP.search(head):
            line = _decoded(line)
            head = line.partition(":")[0]
        if name not in ("CATEGORIES", "BEGIN", "END", "VERSION"):
            prefix, _, value = line.partition(":")
            line = prefix + ":" + _BARE_COMMA.sub(r"\\,", value)
        out.append(line)
    return out


def _is_base64(line: str) -> bool:
    return bool(line.strip()) and ":" not in line and re.fullmatch(r"[A-Za-z0-9+/=\s]+", line) is not None


def _decoded(line: str) -> str:
    """A quoted-printable property as plain vCard text in its charset."""
    head, _, value = line.partition(":")
    charset = _CHARSET.search(head)
    raw = quopri.decodestring(value.encode("ascii", errors="replace"))
    text = None
    for encoding in (charset[1] if charset else "utf-8", "utf-8", "cp1251", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    assert text is not None  # latin-1 decodes anything
    head = _CHARSET.sub("", _QP.sub("", head))
    text = text.replace("\r", "").replace("\n", "\\n")
    return f"{head}:{text}"


# --------------------------------------------------------------------------- what lands where


def _values(card: Any, warnings: list[str]) -> tuple[dict[str, Any], str]:
    contents = card.contents
    name = _text(contents.get("fn"))
    if not name and "n" in contents:
        n = contents["n"][0].value
        name = " ".join(_join(p) for p in (n.prefix, n.given, n.additional, n.family) if _join(p)).strip()
    if not name:
        raise TicklerError("a contact with no name")
    values: dict[str, Any] = {"name": " ".join(name.split())}

    def field(key: str, read: Any) -> None:
        try:
            value = read()
        except Exception as exc:  # one bad field never drops the contact
            why = exc.message if isinstance(exc, TicklerError) else str(exc)
            warnings.append(f"{why}; {key} left out")
            return
        if value not in (None, "", []):
            values[key] = value[0] if isinstance(value, list) and len(value) == 1 else value

    def org(part: int) -> str:
        org_value = contents["org"][0].value if "org" in contents else []
        parts = org_value if isinstance(org_value, list) else [org_value]
        return str(parts[part]).strip() if len(parts) > part else ""

    field("company", lambda: org(0))
    field("department", lambda: org(1))
    field("title", lambda: _text(contents.get("title")))
    field("phone", lambda: [re.sub(r"^tel:", "", t, flags=re.I) for t in _all(contents.get("tel"))])
    field("email", lambda: _all(contents.get("email")))
    field("address", lambda: [a for a in (_address(x.value) for x in contents.get("adr", [])) if a])
    field("website", lambda: _all(contents.get("url")))
    field("nickname", lambda: _text(contents.get("nickname")))
    field("tags", lambda: [t for x in contents.get("categories", []) for t in _list(x.value)])
    if "bday" in contents:
        field("birthday", lambda: birthday(str(contents["bday"][0].value)))
    notes = "\n\n".join(str(n.value).strip() for n in contents.get("note", []) if str(n.value).strip())
    return values, notes


def _text(items: Any) -> str:
    return " ".join(str(items[0].value).split()) if items else ""


def _all(items: Any) -> list[str]:
    seen: dict[str, None] = {}
    for item in items or []:
        value = " ".join(str(item.value).split())
        if value:
            seen.setdefault(value, None)
    return list(seen)


def _list(value: Any) -> list[str]:
    return [str(v).strip() for v in (value if isinstance(value, list) else [value]) if str(v).strip()]


def _join(part: Any) -> str:
    return " ".join(_list(part)) if part else ""


def _address(adr: Any) -> str:
    """An ADR as one line: street, extended, PO box, city, region, postal code, country."""
    parts = (adr.street, adr.extended, adr.box, adr.city, adr.region, adr.code, adr.country)
    lines = [", ".join(_list(p)) if isinstance(p, list) else str(p or "").strip() for p in parts]
    return ", ".join(" ".join(line.split()) for line in lines if line.strip())


def birthday(value: str) -> str:
    """vCard birthdays (``1971-03-14``, ``19710314``, ``--0314``, ``--03-14``, Apple's
    ``1604-03-14`` for no year) as the card keeps them: ``1971-03-14``, or ``--03-14``."""
    text = value.strip().split("T")[0]
    match = re.fullmatch(r"(\d{4}|--)-?(\d{2})-?(\d{2})", text)
    if not match:
        raise TicklerError(f"birthday {value!r} is not a date")
    year, month, day = match.groups()
    if year == "1604":  # Apple's year for a birthday without one (X-APPLE-OMIT-YEAR)
        year = "--"
    return f"{year if year != '--' else '-'}-{month}-{day}"


# --------------------------------------------------------------------------- export


def vcard_of(filed: Filed) -> str:
    """One card as a vCard 3.0 for a phone's address book."""
    import vobject

    card = filed.card
    out = vobject.vCard()
    out.add("version").value = "3.0"
    out.add("uid").value = f"{filed.id}@tickler"
    out.add("fn").value = card.name
    words = card.name.split()
    given = words[0] if words else ""
    family = words[-1] if len(words) > 1 else ""
    additional = " ".join(words[1:-1])
    prefix, suffix = str(card.get("name_prefix") or ""), str(card.get("name_suffix") or "")
    out.add("n").value = vobject.vcard.Name(
        family=family, given=given, additional=additional, prefix=prefix, suffix=suffix
    )
    company, department = card.get("company"), card.get("department")
    if company or department:
        out.add("org").value = [str(company or "")] + ([str(department)] if department else [])
    for key, prop in (("title", "title"), ("nickname", "nickname")):
        if card.get(key):
            out.add(prop).value = str(card.get(key))
    for phone in card.values("phone"):
        out.add("tel").value = phone
    for email in card.values("email"):
        item = out.add("email")
        item.value = email
        item.type_param = "INTERNET"
    for address in card.values("address"):
        out.add("adr").value = vobject.vcard.Address(street=address)
    for website in card.values("website"):
        out.add("url").value = website
    born = card.get("birthday")
    if isinstance(born, str) and born.strip():
        out.add("bday").value = born.strip()
    if card.tags:
        out.add("categories").value = card.tags
    if card.notes:
        out.add("note").value = card.notes
    return str(out.serialize())


def export(binder: Binder, owner: str | None) -> tuple[str, list[TicklerError]]:
    """``export vcard``: every card (or one rep's) as a vCard 3.0, by id; and the unreadable cards."""
    from ..query import Owners

    scan = binder.scan()
    cards = Owners(everyone=owner is None, owner=owner).select(binder, sorted(scan.cards, key=lambda f: f.id))
    return "".join(vcard_of(f) for f in cards), scan.problems
