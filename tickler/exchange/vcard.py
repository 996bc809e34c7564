"""Phones' address books: ``import vcard`` reads vCard 2.1, 3.0 and 4.0 (``vcard_write`` writes 3.0).

vobject reads each contact. Before it does, the file is cut into contacts here (so a broken one
never hides the others, and each is reported at its own line), vCard 2.1's quoted-printable
values are joined across their soft line breaks and decoded in their charset (vobject does not
follow those breaks), ``\\:`` (Apple's and Google's ``http\\://``) is read as the colon it means,
and pictures are left out: a card keeps no binary data, and the import says so. A contact vobject
refuses whole (a vCard 3.0 ``PROFILE:VCard`` line) is read line by line: the line that cannot be
read is reported and left out, the rest of the contact lands.

What lands where (``PROPERTIES``; the kinds of numbers and addresses as in ``kinds``): FN (else N)
-> name, N's prefix and suffix -> name_prefix, name_suffix; ORG -> company, department (every
unit); TITLE, ROLE, NICKNAME; TEL -> phone, fax, pager... with phone_kinds; EMAIL; ADR -> address
with address_kinds; URL -> website; CATEGORIES -> tags; BDAY -> birthday; ANNIVERSARY and the
programs' own (X-ANNIVERSARY, X-EVOLUTION-ANNIVERSARY, X-MS-ANNIVERSARY, Apple's X-ABDATE with
its label, Android's contact events) -> anniversary; spouse, manager and assistant names however
each program writes them; IM handles (IMPP, X-AIM, X-SKYPE...) -> im; NOTE -> the card's notes.
Any other property is kept under its own name (``X-WA-BIZ-NAME`` -> ``wa_biz_name``); only the
file's bookkeeping (VERSION, PRODID, REV, UID, PROFILE...) is left out. A field that cannot be
read is left out with a warning; the contact is kept.
"""

from __future__ import annotations

import quopri
import re
from typing import Any

from ..errors import CardError, TicklerError
from . import columns as c
from .kinds import Kind, Numbers, address_kind, addresses_with_kinds, kind_of
from .records import NOTHING, Read, Record, labels, named

_BEGIN = re.compile(r"^\s*BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*END:VCARD\s*$", re.IGNORECASE)
_QP = re.compile(r";\s*(?:ENCODING=)?QUOTED-PRINTABLE", re.IGNORECASE)
_CHARSET = re.compile(r";\s*CHARSET=([\w-]+)", re.IGNORECASE)
_BARE_COMMA = re.compile(r"(?<!\\),")
_ESCAPED_COLON = re.compile(r"(?<!\\)((?:\\\\)*)\\:")
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
BINARY = ("photo", "logo", "sound", "key")
TICKLER_PRODID = "-//tickler//tickler binder//EN"

# The file's bookkeeping, and what other properties already say: nothing a rep needs on the card.
# fmt: off
_LEFT_OUT = {
    "begin", "end", "version", "prodid", "rev", "uid", "profile", "source", "name", "sort-string",
    "class", "label", "x-abuid", "x-abadr", "x-ablabel", "x-abshowas", "x-evolution-file-as",
    "x-ms-ol-design", "x-ms-ol-default-postal-address", "x-couchdb-application-annotations",
    "x-generator", "x-mozilla-html", "x-phonetic-first-name", "x-phonetic-middle-name",
    "x-phonetic-last-name", "x-phonetic-org", "clientpidmap", "x-tickler-card", "x-evolution-blog-url",
}
_ANNIVERSARIES = ("anniversary", "x-anniversary", "x-evolution-anniversary", "x-ms-anniversary")
_RELATED_PEOPLE = {
    "spouse": ("x-spouse", "x-evolution-spouse", "x-ms-spouse", "x-kaddressbook-x-spousename"),
    "manager": ("x-manager", "x-evolution-manager", "x-ms-manager", "x-kaddressbook-x-managersname"),
    "assistant": (
        "x-assistant", "x-evolution-assistant", "x-ms-assistant", "x-kaddressbook-x-assistantsname",
    ),
}
_IM = {
    "impp": "", "x-aim": "aim", "x-icq": "icq", "x-jabber": "xmpp", "x-msn": "msn", "x-yahoo": "ymsgr",
    "x-skype": "skype", "x-skype-username": "skype", "x-gtalk": "gtalk", "x-google-talk": "gtalk",
    "x-qq": "qq", "x-gadugadu": "gadugadu", "x-ms-imaddress": "", "x-twitter": "twitter",
}
# Android's own rows (X-ANDROID-CUSTOM): its relation and event types, by number
_ANDROID_RELATIONS = {
    "1": "assistant", "2": "brother", "3": "child", "4": "partner", "5": "father", "6": "friend",
    "7": "manager", "8": "mother", "9": "parent", "10": "partner", "11": "referred_by", "12": "relative",
    "13": "sister", "14": "spouse",
}
_ANDROID_EVENTS = {"1": "anniversary", "2": "other_date", "3": "birthday"}
# fmt: on

Line = tuple[int, str]  # a line of the file, with its number


def read_records(text: str, source: str = "") -> Read:
    """The contacts of a vCard file; TicklerError when it holds none."""
    blocks = _blocks(text)
    if not blocks:
        raise TicklerError("no contact found: a vCard file holds BEGIN:VCARD ... END:VCARD blocks")
    import logging

    import vobject

    for logger in ("vobject", "vobject.base"):  # its complaints come back to the user as warnings
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    found = Read(layout="vCard", unit="contact")
    for line, lines in blocks:
        where = f"{source}:{line}"
        plain, binary = _plain(lines)
        try:
            parsed = vobject.readOne("\r\n".join(t for _, t in plain) + "\r\n", ignoreUnreadable=True)
            contents: dict[str, list[Any]] = parsed.contents
        except Exception:  # vobject's many refusals: then line by line
            contents, refused = _line_by_line(plain)
            found.warnings += [
                (f"{source}:{n}", f"'{_short(t)}' cannot be read; that line left out") for n, t in refused
            ]
        warnings: list[str] = []
        if binary:
            warnings.append(f"{', '.join(binary)} left out: a card keeps no pictures or other binary data")
        try:
            record = _record(contents, warnings, where)
        except TicklerError as exc:
            found.bad.append((where, exc.message))
            found.raw_of[where] = [t for _, t in lines]
            continue
        record.line, record.source, record.raw = line, source, [t for _, t in lines]
        found.records.append(record)
        found.warnings += [(where, w) for w in warnings]
    return found


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _blocks(text: str) -> list[tuple[int, list[Line]]]:
    """Each contact's lines, with the line of its BEGIN:VCARD."""
    blocks: list[tuple[int, list[Line]]] = []
    current: list[Line] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if _BEGIN.match(raw):
            current = [(number, raw.strip())]
            blocks.append((number, current))
        elif current is not None:
            current.append((number, raw))
            if _END.match(raw):
                current = None
    return blocks


def _plain(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """A contact's lines as vobject reads them, each with the number of the line it starts on:
    folded lines joined, quoted-printable values joined across their soft line breaks and
    decoded, ``\\:`` made a colon, bare commas in values escaped (vCard 2.1 and many writers leave
    them bare; vobject would cut a note at the first one); and the binary properties left out,
    with their base64 lines, by name."""
    logical: list[list[Any]] = []
    index = 0
    while index < len(lines):
        number, line = lines[index]
        index += 1
        if line[:1] in (" ", "\t") and logical and not logical[-1][1].endswith("="):
            logical[-1][1] += line[1:]  # a folded line
            continue
        if _QP.search(line.split(":", 1)[0]):
            while line.endswith("=") and index < len(lines):  # a soft line break
                line = line[:-1] + lines[index][1]
                index += 1
        logical.append([number, line])
    out: list[Line] = []
    binary: list[str] = []
    in_binary = False
    for number, line in logical:
        head, colon, _ = line.partition(":")
        name = head.split(";", 1)[0].rsplit(".", 1)[-1].lower()
        if name in BINARY:
            in_binary = True
            if name not in binary:
                binary.append(name)
            continue
        if in_binary and (not line.strip() or _is_base64(line)):
            continue  # the base64 lines of a vCard 2.1 photo
        in_binary = False
        if not colon:
            continue
        if _QP.search(head):
            line = _decoded(line)
            head = line.partition(":")[0]
        prefix, _, value = line.partition(":")
        value = _ESCAPED_COLON.sub(r"\1:", value)
        if name not in ("categories", "begin", "end", "version"):
            value = _BARE_COMMA.sub(r"\\,", value)
        out.append((number, f"{prefix}:{value}"))
    return out, binary


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


def _line_by_line(plain: list[Line]) -> tuple[dict[str, list[Any]], list[Line]]:
    """A contact vobject refused, read one line at a time: the properties it reads, and the
    lines it cannot."""
    import vobject

    version = next((t.partition(":")[2].strip() for _, t in plain if t.upper().startswith("VERSION:")), "3.0")
    contents: dict[str, list[Any]] = {}
    refused: list[Line] = []
    for number, text in plain:
        if _BEGIN.match(text) or _END.match(text) or text.upper().startswith("VERSION:"):
            continue
        try:
            one = vobject.readOne(f"BEGIN:VCARD\r\nVERSION:{version}\r\n{text}\r\nEND:VCARD\r\n")
        except Exception:  # this line is what vobject refuses
            refused.append((number, text))
            continue
        for name, items in one.contents.items():
            if name != "version":
                contents.setdefault(name, []).extend(items)
    return contents, refused


# --------------------------------------------------------------------------- what lands where


def _record(contents: dict[str, list[Any]], warnings: list[str], where: str) -> Record:
    prodid = _text(contents.get("prodid"))
    own = contents.get("x-tickler-card")
    if prodid == TICKLER_PRODID and own:
        from ..card import Card

        try:
            card = Card.parse(str(own[0].value), source=where)
        except CardError as exc:
            raise TicklerError(f"the card's text cannot be read ({exc.message})") from None
        uid = _text(contents.get("uid"))
        card_id = uid.removesuffix("@tickler") if uid.endswith("@tickler") else None
        return Record(0, dict(card.fields), card_id, card.notes, text=card.text)
    values, notes = Contact(contents, warnings).values()
    return Record(0, values, notes=notes)


class Contact:
    """One contact's properties, read into card values."""

    def __init__(self, contents: dict[str, list[Any]], warnings: list[str]):
        self.contents, self.warnings = contents, warnings
        self.labels = {str(x.group).lower(): str(x.value) for x in contents.get("x-ablabel", []) if x.group}
        self.out: dict[str, Any] = {}

    def lines(self, *names: str) -> list[Any]:
        return [x for n in names for x in self.contents.get(n, [])]

    def label(self, item: Any) -> str:
        """The Apple label of a property's item group: ``_$!<Spouse>!$_`` -> ``Spouse``."""
        text = self.labels.get(str(item.group).lower(), "") if item.group else ""
        found = _APPLE_LABEL.match(text)
        return found[1] if found else text

    def types(self, item: Any) -> list[str]:
        return [*item.params.get("TYPE", []), *getattr(item, "singletonparams", [])]

    def add(self, key: str, value: Any) -> None:
        """A value under ``key``; a second one different from the first makes a list."""
        if value in (None, "", []):
            return
        have = self.out.get(key)
        if have is None:
            self.out[key] = value
            return
        listed = have if isinstance(have, list) else [have]
        for item in value if isinstance(value, list) else [value]:
            if item not in listed:
                listed.append(item)
        self.out[key] = listed[0] if len(listed) == 1 else listed

    def field(self, key: str, read: Any) -> None:
        try:
            value = read()
        except Exception as exc:  # one bad field never drops the contact
            why = exc.message if isinstance(exc, TicklerError) else str(exc)
            self.warnings.append(f"{why}; {key} left out")
            return
        self.add(key, value[0] if isinstance(value, list) and len(value) == 1 else value)

    def values(self) -> tuple[dict[str, Any], str]:
        contents = self.contents
        name = _text(contents.get("fn"))
        if "n" in contents:
            n = contents["n"][0].value
            if not name:
                name = " ".join(_join(p) for p in (n.prefix, n.given, n.additional, n.family) if _join(p))
            self.field("name_prefix", lambda: _join(n.prefix))
            self.field("name_suffix", lambda: _join(n.suffix))
        self.field("nickname", lambda: _text(contents.get("nickname")))
        org = contents["org"][0].value if "org" in contents else []
        units = [str(u).strip() for u in (org if isinstance(org, list) else [org]) if str(u).strip()]
        self.field("company", lambda: units[0] if units else "")
        self.field("department", lambda: units[1:])
        self.field("title", lambda: _text(contents.get("title")))
        self.field("role", lambda: _text(contents.get("role")))
        self._numbers()
        self.field("email", lambda: _all(contents.get("email")))
        self._addresses()
        self.field("website", lambda: _all(contents.get("url")))
        self.field("im", self._im)
        tags = [t for x in self.lines("categories") for v in _list(x.value) for t in labels(v)]
        if tags:
            self.out["tags"] = list(dict.fromkeys(tags))  # always a list, as the card's tags are
        if "bday" in contents:
            self.field("birthday", lambda: birthday(str(contents["bday"][0].value)))
        self._dates_and_people()
        self._the_rest()
        notes = "\n\n".join(str(n.value).strip() for n in self.lines("note") if str(n.value).strip())
        name = " ".join(name.split())
        if not name:
            name, taken_from = named(self.out)
            if not name:
                raise TicklerError(NOTHING)
            self.warnings.append(f"no name: named '{name}' after its {taken_from}")
        return {"name": name, **self.out}, notes

    def _numbers(self) -> None:
        numbers = Numbers()
        for item in self.lines("tel", "x-ms-tel"):
            number = re.sub(r"^tel:", "", " ".join(str(item.value).split()), flags=re.IGNORECASE)
            said = kind_of(self.types(item))
            label = self.label(item)
            if label:
                from_label = kind_of(label, custom=True)
                key = from_label.key if from_label.key != "phone" else said.key
                said = Kind(key, (*from_label.kinds, *said.kinds), said.preferred or from_label.preferred)
            numbers.add(number, said)
        for key, value in numbers.values().items():
            self.add(key, value)

    def _addresses(self) -> None:
        found = []
        for item in self.lines("adr"):
            kinds = address_kind(self.types(item))
            if label := self.label(item):
                kinds = (*address_kind(label, custom=True), *kinds)
            found.append((_address(item.value), kinds))
        if not found:  # a printed label is the address only when there is no ADR
            found = [
                (", ".join(_lines(str(x.value))), address_kind(self.types(x))) for x in self.lines("label")
            ]
        for key, value in addresses_with_kinds(found).items():
            self.add(key, value)

    def _im(self) -> list[str]:
        handles = []
        for name, service in _IM.items():
            for item in self.lines(name):
                value = " ".join(str(item.value).split())
                if value and service and not value.lower().startswith(f"{service}:"):
                    value = f"{service}:{value}"
                if value and value not in handles:
                    handles.append(value)
        return handles

    def _dates_and_people(self) -> None:
        for name in _ANNIVERSARIES:
            for item in self.lines(name):
                self.field("anniversary", lambda item=item: birthday(str(item.value), "anniversary"))
        for item in self.lines("x-abdate"):
            label = self.label(item)
            key = c.foreign(c.snake(label)) if label and label.lower() != "other" else "other_date"
            self.field(key, lambda item=item, key=key: birthday(str(item.value), key))
        for key, names in _RELATED_PEOPLE.items():
            for item in self.lines(*names):
                self.add(key, " ".join(str(item.value).split()))
        for item in self.lines("x-abrelatednames"):
            label = self.label(item)
            self.add(c.foreign(c.snake(label)) if label else "related", " ".join(str(item.value).split()))
        for item in self.lines("related"):
            kinds = [t.lower() for t in self.types(item)]
            key = next(
                (k for k in ("spouse", "manager", "assistant") if k in kinds),
                kinds[0] if kinds else "related",
            )
            self.add(c.foreign(c.snake(key)) or "related", " ".join(str(item.value).split()))
        for item in self.lines("x-android-custom"):
            self._android(str(item.value))

    def _android(self, value: str) -> None:
        """Android's own rows: ``vnd.android.cursor.item/relation;Maria;14;...``."""
        kind, _, rest = value.partition(";")
        fields = rest.split(";")
        data, code = fields[0].strip(), fields[1].strip() if len(fields) > 1 else ""
        custom = fields[2].strip() if len(fields) > 2 else ""
        what = kind.rsplit("/", 1)[-1]
        if what == "relation" and data:
            self.add(
                c.foreign(c.snake(custom))
                if code == "0" and custom
                else _ANDROID_RELATIONS.get(code, "related"),
                data,
            )
        elif what == "contact_event" and data:
            key = (
                c.foreign(c.snake(custom))
                if code == "0" and custom
                else _ANDROID_EVENTS.get(code, "other_date")
            )
            self.field(key, lambda: birthday(data, key))
        elif what == "nickname" and data:
            self.add("nickname", data)
        else:
            self.add("android_custom", value)

    def _the_rest(self) -> None:
        """Every property no key above took, under its own name: X- ones without the ``X-``."""
        known = {
            "fn",
            "n",
            "nickname",
            "org",
            "title",
            "role",
            "tel",
            "x-ms-tel",
            "email",
            "adr",
            "url",
            "categories",
            "bday",
            "note",
            "x-abdate",
            "x-abrelatednames",
            "related",
            "x-android-custom",
            *_ANNIVERSARIES,
            *_IM,
            *(n for names in _RELATED_PEOPLE.values() for n in names),
        }
        for name, items in self.contents.items():
            if name in known or name in _LEFT_OUT or name.startswith(("x-phonetic-", "x-tickler-")):
                continue
            key = c.foreign(c.snake(name.removeprefix("x-")))
            for item in items:
                self.add(
                    key,
                    " ".join(str(item.value).split())
                    if not isinstance(item.value, list)
                    else _join(item.value),
                )


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


def _lines(text: str) -> list[str]:
    """A value's lines, each without the comma a writer left at its end (Apple's ``Lilas\\,``)."""
    found = (" ".join(line.split()).rstrip(",").rstrip() for line in text.splitlines())
    return [line for line in found if line]


def _address(adr: Any) -> str:
    """An ADR as one line: street, extended, PO box, city, region, postal code, country; a part
    written on several lines (Apple's ``Street4\\nBuilding 6``) gives each line."""
    parts = (adr.street, adr.extended, adr.box, adr.city, adr.region, adr.code, adr.country)
    out: list[str] = []
    for part in parts:
        for text in part if isinstance(part, list) else [part]:
            out += _lines(str(text or ""))
    return ", ".join(out)


def birthday(value: str, what: str = "birthday") -> str:
    """vCard dates (``1971-03-14``, ``19710314``, ``--0314``, ``--03-14``, Apple's ``1604-03-14``
    for no year) as the card keeps them: ``1971-03-14``, or ``--03-14``."""
    text = value.strip().split("T")[0]
    match = re.fullmatch(r"(\d{4}|--)-?(\d{2})-?(\d{2})", text)
    if not match:
        raise TicklerError(f"{what} {value!r} is not a date")
    year, month, day = match.groups()
    if year == "1604":  # Apple's year for a birthday without one (X-APPLE-OMIT-YEAR)
        year = "--"
    return f"{year if year != '--' else '-'}-{month}-{day}"
