"""Spreadsheet columns as card keys, recognised from the header row without ``--map``.

The layouts people really export: Google Contacts (today's ``First Name, ..., E-mail 1 - Value``
and the older ``Name, Given Name, ..., E-mail 1 - Type``), Outlook (``First Name, Job Title,
Business Phone, E-mail Address, Categories``...), the CSV of the usual Apple Contacts exporters
(``Phone : mobile``), amoCRM and Bitrix24 contact exports, and Russian or English sheets with
headers such as ``ФИО``, ``Телефон``, ``Дата рождения``, ``Company``, ``Notes``.

Each header gets a role: a card key, a part of the name, one of several phones, emails or
websites (kept as lists), labels (tags), an address or a part of one, the notes (the card's
text), a custom field whose label names the key, or nothing (export bookkeeping such as
``Phonetic First Name`` or Outlook's ``Priority``). A column no layout knows is kept under a
plain snake_case key. ``--map COLUMN=KEY`` overrides any of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .kinds import Kind, address_kind, kind_of

# Roles a column can play.
KEY, FULL, FIRST, MIDDLE, LAST = "key", "full", "first", "middle", "last"
NUMBER, EMAIL, WEBSITE, IM, TAGS, NOTES = "number", "email", "website", "im", "tags", "notes"
ADDRESS, ADDRESS_PART, LABEL, VALUE, DROP, ID = "address", "part", "label", "value", "drop", "id"
SERVICE, DATE_PART, MAYBE_NEXT, FRONT, BODY = "service", "date part", "maybe next", "front", "body"
LISTS = {EMAIL: "email", WEBSITE: "website", IM: "im"}
ADDRESS_ORDER = (
    "street",
    "street 2",
    "street 3",
    "extended",
    "po box",
    "city",
    "district",
    "region",
    "postal",
    "country",
)
# tickler's own keys: a foreign file's column of that name lands under source_<key> (--map sets them)
OWN_KEYS = ("action", "id", "owner", "next", "fixed", "cadence")
# tickler's own export: its first columns, exactly; then the other keys and the card's text
# fmt: off
TICKLER_COLUMNS = (
    "id", "name", "company", "title", "phone", "email", "owner", "next", "action", "tags", "birthday",
)
# fmt: on
FRONT_MATTER, BODY_COLUMN = "card: front matter", "card: body"  # a key never holds a colon: no clash

GOOGLE, GOOGLE_OLD, OUTLOOK, OUTLOOK_DE, APPLE = (
    "Google Contacts",
    "Google Contacts (older layout)",
    "Outlook",
    "Outlook (German)",
    "Apple Contacts",
)
THUNDERBIRD = "Thunderbird"
AMOCRM, BITRIX, TICKLER = "amoCRM", "Bitrix24", "tickler export"
RUSSIAN, GENERIC = "Russian spreadsheet", "spreadsheet"
NOTES_LAYOUT = "notes"  # a note's front matter is the rep's own writing: its next and owner count


@dataclass(frozen=True)
class Column:
    header: str
    role: str
    key: str = ""  # the card key (KEY, NUMBER, MAYBE_NEXT), or the group a part, label or value is of
    part: str = ""  # which part of an address or a date
    group: str = ""  # the numbered group a value and its label share (Google's ``Phone 1 - ...``)
    kind: Kind = Kind()  # noqa: RUF009 - frozen, so one shared default is safe: what a header says
    note: str = ""  # why, for --dry-run

    def describe(self) -> str:
        """What the column becomes, for ``--dry-run``."""
        names = {
            FULL: "name",
            FIRST: "name (first part)",
            MIDDLE: "name (middle part)",
            LAST: "name (last part)",
            TAGS: "tags",
            NOTES: "the notes (the card's text)",
            ADDRESS: "address (one of the addresses, whole)",
            ADDRESS_PART: f"address ({self.part})",
            LABEL: "the label of the value beside it",
            SERVICE: "the service of the IM handle beside it",
            VALUE: "a key named by the label beside it",
            DATE_PART: f"{self.key} ({self.part})",
            DROP: "not imported",
            ID: "the card id",
            FRONT: "the card's front matter, as written",
            BODY: "the card's text (notes and Log)",
        }
        if self.role == KEY:
            return self.key + (f" ({self.note})" if self.note else "")
        if self.role == NUMBER:
            kinds = f", {', '.join(self.kind.kinds)}" if self.kind.kinds else ""
            return f"{self.key} (a list when there are several{kinds})"
        if self.role in LISTS:
            return f"{LISTS[self.role]} (a list when there are several)"
        if self.role == MAYBE_NEXT:
            return self.note
        return names[self.role]


def normal(header: str) -> str:
    """A header as the tables below know it: lower case, ``first_name`` as ``first name``."""
    text = unicodedata.normalize("NFC", header).replace("\ufeff", "").replace("ё", "е").replace("Ё", "Е")
    return " ".join(text.replace("_", " ").split()).lower()


def snake(header: str) -> str:
    """A plain key for a column no layout knows: ``Loyalty card`` -> ``loyalty_card``."""
    return re.sub(r"[^\w]+", "_", normal(header)).strip("_")


# --------------------------------------------------------------------------- which layout


def layout_of(headers: Sequence[str]) -> str:
    """The program that wrote a table, from its header row. tickler's own export is known by its
    first eleven columns, exactly as it writes them."""
    if tuple(h.strip().lstrip("\ufeff") for h in headers[: len(TICKLER_COLUMNS)]) == TICKLER_COLUMNS:
        return TICKLER
    names = {normal(h) for h in headers}
    if "job title" in names and names & {
        "business phone",
        "e-mail address",
        "business street",
        "mobile phone",
    }:
        return OUTLOOK
    if "position" in names and names & {"telefon geschäftlich", "e-mail-adresse", "straße geschäftlich"}:
        return OUTLOOK_DE
    if "given name" in names and ("group membership" in names or "e-mail 1 - type" in names):
        return GOOGLE_OLD
    if "first name" in names and names & {
        "labels",
        "organization name",
        "e-mail 1 - value",
        "phone 1 - value",
    }:
        return GOOGLE
    if "primary email" in names and "display name" in names:
        return THUNDERBIRD
    if names & {"обращение", "рабочий e-mail", "частный e-mail", "тип контакта"}:
        return BITRIX
    if "ответственный" in names and names & {"теги", "полное имя", "наименование", "кем создан"}:
        return AMOCRM
    if any(" : " in n for n in names) or "iphone" in names:
        return APPLE
    if any(re.search("[а-яіїєґ]", n) for n in names):
        return RUSSIAN
    return GENERIC


# --------------------------------------------------------------------------- what each header is

_NUMBERED = re.compile(
    r"^(e-mail|email|phone|address|website|relation|event|custom field|im|organization|external id)"
    r" (\d+) - (.+)$"
)
_ADDRESS_PARTS = {
    "street": "street",
    "street 2": "street 2",
    "street 3": "street 3",
    "address 2": "street 2",
    "address 3": "street 3",
    "address line 1": "street",
    "address line 2": "street 2",
    "address line 3": "street 3",
    "extended address": "extended",
    "po box": "po box",
    "address po box": "po box",
    "city": "city",
    "town": "city",
    "region": "region",
    "state": "region",
    "province": "region",
    "postal code": "postal",
    "zip": "postal",
    "zip code": "postal",
    "zipcode": "postal",
    "postcode": "postal",
    "post code": "postal",
    "p code": "postal",
    "country": "country",
    "country/region": "country",
    # German: Outlook's and a sheet's own words
    "straße": "street",
    "strasse": "street",
    "straße 2": "street 2",
    "straße 3": "street 3",
    "ort": "city",
    "stadt": "city",
    "bundesland": "region",
    "bundesland/kanton": "region",
    "weiteres/r bundesland/kanton": "region",
    "plz": "postal",
    "postleitzahl": "postal",
    "land": "country",
    "land/region": "country",
    "weiteres/e land/region": "country",
    "postfach": "po box",
}
_RU_ADDRESS_PARTS = {
    "улица": "street",
    "улица, дом": "street",
    "дом": "street 2",
    "квартира/офис": "street 3",
    "квартира": "street 3",
    "офис": "street 3",
    "город": "city",
    "населенный пункт": "city",
    "район": "district",
    "область": "region",
    "регион": "region",
    "край": "region",
    "индекс": "postal",
    "почтовый индекс": "postal",
    "страна": "country",
}
# fmt: off
_FIXED_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    (FULL, ""): (
        "name", "full name", "display name", "contact", "contact name", "contact person", "customer",
        "client", "фио", "ф.и.о.", "ф. и. о.", "полное имя", "наименование", "контакт", "контактное лицо",
        "клиент", "покупатель",
    ),
    (FIRST, ""): ("first name", "given name", "first", "firstname", "имя", "vorname"),
    (MIDDLE, ""): (
        "middle name", "additional name", "second name", "отчество", "второе имя", "weitere vornamen",
    ),
    (LAST, ""): ("last name", "family name", "surname", "last", "lastname", "фамилия", "nachname"),
    (KEY, "name_prefix"): ("anrede", "name prefix", "prefix", "обращение"),
    (KEY, "name_suffix"): ("name suffix", "suffix"),
    (KEY, "nickname"): ("nickname", "псевдоним"),
    (KEY, "company"): (
        "organization name", "org", "firma", "unternehmen", "organization", "organisation", "company",
        "company name", "firm", "employer", "компания", "организация", "название компании", "фирма",
    ),
    (KEY, "title"): (
        "organization title", "job title", "title", "position", "должность", "должность (контакт)",
    ),
    (KEY, "department"): ("organization department", "abteilung", "department", "отдел", "подразделение"),
    (WEBSITE, ""): (
        "website", "web site", "web page", "webpage", "homepage", "home page", "url", "site", "сайт",
        "веб-сайт", "корпоративный сайт", "личная страница", "webseite",
    ),
    (IM, ""): ("screen name", "im", "im address", "imaddress", "skype", "telegram"),
    (ADDRESS, "address"): ("адрес", "adresse", "anschrift"),
    (ADDRESS, "delivery"): ("адрес доставки",),
    (ADDRESS, "legal"): ("юридический адрес",),
    (KEY, "spouse"): ("spouse", "partner", "супруг", "супруга"),
    (KEY, "manager"): ("manager's name", "manager", "name des/der vorgesetzten", "руководитель"),
    (KEY, "assistant"): ("assistant's name", "assistant", "name assistent", "assistent(in)", "помощник"),
    (KEY, "role"): ("profession", "beruf", "role", "роль"),
    (KEY, "referred_by"): ("referred by", "empfohlen von"),
    (KEY, "birthday"): (
        "birthday", "birth date", "birthdate", "date of birth", "dob", "geburtstag", "дата рождения",
        "день рождения",
    ),
    (KEY, "anniversary"): ("anniversary", "jahrestag", "годовщина"),
    (NOTES, ""): (
        "notes", "notizen", "note", "comment", "comments", "remarks", "примечание", "примечания",
        "комментарий", "комментарии", "заметки", "заметка",
    ),
    (TAGS, ""): (
        "labels", "group membership", "categories", "kategorien", "category", "groups", "group", "tags",
        "tag", "теги", "тег", "метки", "группа", "группы", "категория", "категории",
    ),
    (KEY, "owner"): (
        "owner", "rep", "sales rep", "account manager", "responsible", "ответственный", "менеджер",
    ),
    (KEY, "next"): ("next",),
    (KEY, "action"): ("action",),
    (KEY, "created"): ("created", "date created", "дата создания"),
    (KEY, "source"): ("source", "lead source", "источник"),
    (DROP, ""): (
        "photo", "file as", "initials", "short name", "yomi name", "priority", "priorität",
        "vertraulichkeit", "privat", "initialen", "internet-frei/gebucht", "verzeichnisserver",
        "sensitivity", "private", "internet free busy", "directory server", "e-mail type",
        "e-mail display name", "e-mail 2 type", "e-mail 2 display name", "e-mail 3 type",
        "e-mail 3 display name", "кем создан", "кем изменен", "дата изменения", "skipped because",
    ),
}
# fmt: on
_FIXED = {word: role for role, words in _FIXED_WORDS.items() for word in words}
_PHONE_WORDS = re.compile(
    r"\b(phone|telephone|tel|mobile|cell|iphone|callback|isdn|telex|pager|telefon|mobiltelefon|autotelefon"
    r"|haupttelefon|rückmeldung|funkruf)\b|телефон|^тел\b|мобильн|сотов"
)
_FAX_WORDS = re.compile(r"\b(fax|telefax)\b|факс")
_EMAIL_WORDS = re.compile(r"\be-?mail\b|\bmail\b|почта|электронн")
_EMAIL_BOOKKEEPING = re.compile(r"^e-?mail(?: \d)?[ :-]*(type|typ|display name|angezeigter name)$")
_WEB_WORDS = re.compile(r"^url\b|\bwebsite\b|\bhomepage\b|\bweb page\b|сайт")
_OUTLOOK_ADDRESS = re.compile(
    r"^(business|home|other) (street(?: [23])?|city|state|postal code|country(?:/region)?|address po box)$"
)
_OUTLOOK_DE_ADDRESS = re.compile(
    r"^(straße|ort|region|bundesland/kanton|postleitzahl|land/region|postfach) (geschäftlich|privat)"
    r"(?: ([23]))?$|^(?:weitere|weiterer|weiteres/r|weiteres/e|weiteres) "
    r"(straße|ort|bundesland/kanton|postleitzahl|land/region|postfach)(?: ([23]))?$"
)
_APPLE_ADDRESS = re.compile(r"^address(?: : (\w+))? : (street|city|state|zip|postal code|country|po box)$")
_GENERIC_ADDRESS = re.compile(
    r"^(?:(home|work|business|other|private|office|billing|shipping|mailing) )?"
    r"(street(?: [23])?|address(?: [23]| line [123])?|city|town|state|zip(?: ?code)?"
    r"|postal code|post ?code|p code|country|po box)$"
)
_BIRTH_PARTS = re.compile(r"^(?:birth|birthday|date of birth) (year|month|day)$")
# Words people use for the next call's date: ``next`` when every value is a date.
_NEXT_WORDS = re.compile(
    r"^(next (call|contact|follow-?up|call date|meeting)( date)?|follow-?up( date)?|call back|callback date"
    r"|recall date|wiedervorlage|nächster (anruf|kontakt)|следующий (звонок|контакт)"
    r"|дата следующего (звонка|контакта)|перезвонить)$"
)
_GERMAN_GROUP = {"geschäftlich": "business", "privat": "home"}


def classify(header: str, layout: str, mapping: dict[str, str] | None = None) -> Column:
    """The role of one column in a file of ``layout``; ``mapping`` (from ``--map``) wins. In a
    file that is not tickler's own export, a column that would set one of tickler's own keys
    (``OWN_KEYS``) lands under ``source_<key>`` instead, and a next-call date in words people use
    becomes ``next`` only when every value is a date (``Table`` decides, having seen the rows)."""
    raw = header.strip().lstrip("\ufeff")
    if mapping:
        wanted = mapping.get(raw, mapping.get(raw.lower(), mapping.get(normal(raw))))
        if wanted is not None:
            return mapped(raw, wanted)
    if layout == TICKLER:
        return _own(raw)
    column = _classify(raw, normal(raw), layout)
    if column.role == KEY and column.key in OWN_KEYS and layout != NOTES_LAYOUT:
        note = f"tickler's own '{column.key}' is set only by --map '{raw}={column.key}'"
        return Column(raw, KEY, f"source_{column.key}", note=note)
    return column


def foreign(key: str) -> str:
    """A key a foreign file names (a custom field's label): tickler's own keys are prefixed."""
    return f"source_{key}" if key in OWN_KEYS else key


def _own(raw: str) -> Column:
    """A column of tickler's own export: the card key it is named by."""
    special = {"id": ID, "name": FULL, FRONT_MATTER: FRONT, BODY_COLUMN: BODY}
    return Column(raw, special[raw], raw) if raw in special else Column(raw, KEY, raw)


def _classify(raw: str, h: str, layout: str) -> Column:
    if layout in (OUTLOOK, OUTLOOK_DE) and h == "title":
        return Column(raw, KEY, "name_prefix")  # Outlook's "Title" is Mr/Ms; its job title is "Job Title"
    if layout in (AMOCRM, BITRIX) and h == "id":
        return Column(raw, KEY, "crm_id")
    if h.startswith(("phonetic ", "yomi ", "given name yomi", "family name yomi", "additional name yomi")):
        return Column(raw, DROP)
    numbered = _NUMBERED.match(h)
    if numbered:
        return _numbered(raw, numbered[1], numbered[2], numbered[3])
    if _NEXT_WORDS.match(h):
        return Column(raw, MAYBE_NEXT, snake(raw))
    if h in _FIXED:
        role, key = _FIXED[h]
        return Column(raw, role, key, kind=Kind(kinds=address_kind(key)) if role == ADDRESS else Kind())
    if _EMAIL_BOOKKEEPING.match(h):
        return Column(raw, DROP)
    if layout == OUTLOOK and (part := _OUTLOOK_ADDRESS.match(h)):
        return _part(raw, part[1], _ADDRESS_PARTS.get(part[2], part[2]))
    if layout == OUTLOOK_DE and (part := _OUTLOOK_DE_ADDRESS.match(h)):
        if part[1]:
            word, group, number = part[1], _GERMAN_GROUP[part[2]], part[3]
        else:
            word, group, number = part[4], "other", part[5]
        name = _ADDRESS_PARTS[word]
        return _part(raw, group, f"{name} {number}" if number and name == "street" else name)
    if (part := _APPLE_ADDRESS.match(h)) or (part := _GENERIC_ADDRESS.match(h)):
        group, name = part[1] or "address", part[2]
        if name == "address":  # ``Home Address``: the whole address (or its first line, when parts follow)
            return Column(raw, ADDRESS, group, kind=Kind(kinds=address_kind(group)))
        return _part(raw, group, _ADDRESS_PARTS[name])
    if h in _ADDRESS_PARTS and h not in ("region", "province"):  # a sheet's Region is a sales region
        return _part(raw, "address", _ADDRESS_PARTS[h])
    if h in _RU_ADDRESS_PARTS:
        return _part(raw, "address", _RU_ADDRESS_PARTS[h])
    if (birth := _BIRTH_PARTS.match(h)) is not None:
        return Column(raw, DATE_PART, "birthday", birth[1])
    if _FAX_WORDS.search(h) or _PHONE_WORDS.search(h):
        kind = kind_of(raw)
        return Column(raw, NUMBER, kind.key, kind=kind)
    if _EMAIL_WORDS.search(h):
        return Column(raw, EMAIL)
    if _WEB_WORDS.search(h):
        return Column(raw, WEBSITE)
    if h.startswith(("примечание", "комментарий", "note ")):
        return Column(raw, NOTES)
    key = snake(raw)
    return Column(raw, KEY, key) if key else Column(raw, DROP)


def _part(raw: str, group: str, part: str) -> Column:
    return Column(raw, ADDRESS_PART, group, part, kind=Kind(kinds=address_kind(group)))


def _numbered(raw: str, what: str, number: str, field: str) -> Column:
    """Google's numbered columns: ``Phone 1 - Value``, ``Address 2 - City``, ``Custom Field 1 - Label``."""
    group = f"{what} {number}"
    if field in ("label", "type"):
        return Column(raw, LABEL, group) if what != "e-mail" and what != "email" else Column(raw, DROP)
    if what in ("e-mail", "email"):
        return Column(raw, EMAIL if field == "value" else DROP)
    if what == "phone":
        return Column(raw, NUMBER, "phone", group=group) if field == "value" else Column(raw, DROP)
    if what == "website":
        return Column(raw, WEBSITE if field == "value" else DROP)
    if what == "address":
        if field == "formatted":
            return Column(raw, ADDRESS, group, group=group)
        part = _ADDRESS_PARTS.get(field)
        return Column(raw, ADDRESS_PART, group, part, group=group) if part else Column(raw, DROP)
    if what in ("relation", "event", "custom field"):
        return Column(raw, VALUE, group, group=group)
    if what == "organization":
        key = {"name": "company", "title": "title", "department": "department"}.get(field)
        if key is None and field in ("location", "job description"):
            key = snake(field)
        return Column(raw, KEY, key) if key else Column(raw, DROP)
    if what == "im":
        if field == "service":
            return Column(raw, SERVICE, group, group=group)
        return Column(raw, IM, group=group) if field == "value" else Column(raw, DROP)
    return Column(raw, DROP)


def mapped(header: str, key: str) -> Column:
    """What ``--map COLUMN=KEY`` makes of a column."""
    wanted = key.strip().lower()
    special = {
        "name": (FULL, ""),
        "first_name": (FIRST, ""),
        "middle_name": (MIDDLE, ""),
        "last_name": (LAST, ""),
        "email": (EMAIL, ""),
        "website": (WEBSITE, ""),
        "im": (IM, ""),
        "tags": (TAGS, ""),
        "notes": (NOTES, ""),
        "address": (ADDRESS, "address"),
        "id": (ID, ""),
        "-": (DROP, ""),
    }
    if wanted in special:
        role, group = special[wanted]
        return Column(header, role, group)
    if wanted in ("phone", "fax", "pager", "assistant_phone", "telex", "tty"):
        kind = kind_of(header)
        return Column(header, NUMBER, wanted, kind=Kind(wanted, kind.kinds, kind.preferred))
    return Column(header, KEY, wanted)
