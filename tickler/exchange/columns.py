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

# Roles a column can play.
KEY, FULL, FIRST, MIDDLE, LAST = "key", "full", "first", "middle", "last"
PHONE, EMAIL, WEBSITE, TAGS, NOTES = "phone", "email", "website", "tags", "notes"
ADDRESS, ADDRESS_PART, LABEL, VALUE, DROP, ID = "address", "part", "label", "value", "drop", "id"
LISTS = {PHONE: "phone", EMAIL: "email", WEBSITE: "website"}
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

GOOGLE, GOOGLE_OLD, OUTLOOK, APPLE = (
    "Google Contacts",
    "Google Contacts (older layout)",
    "Outlook",
    "Apple Contacts",
)
AMOCRM, BITRIX, TICKLER = "amoCRM", "Bitrix24", "tickler export"
RUSSIAN, GENERIC = "Russian spreadsheet", "spreadsheet"


@dataclass(frozen=True)
class Column:
    header: str
    role: str
    key: str = ""  # the card key (KEY), or the group a part, label or value belongs to
    part: str = ""  # which part of an address

    def describe(self) -> str:
        """What the column becomes, for ``--dry-run``."""
        names = {
            FULL: "name",
            FIRST: "name (first part)",
            MIDDLE: "name (middle part)",
            LAST: "name (last part)",
            TAGS: "tags",
            NOTES: "the notes (the card's text)",
            ADDRESS: "address",
            ADDRESS_PART: f"address ({self.part})",
            LABEL: "the key for the value beside it",
            VALUE: "a key named by the label beside it",
            DROP: "not imported",
            ID: "the card id",
        }
        if self.role == KEY:
            return self.key
        if self.role in LISTS:
            return f"{LISTS[self.role]} (a list when there are several)"
        return names[self.role]


def normal(header: str) -> str:
    text = unicodedata.normalize("NFC", header).replace("\ufeff", "").replace("ё", "е").replace("Ё", "Е")
    return " ".join(text.split()).lower()


def snake(header: str) -> str:
    """A plain key for a column no layout knows: ``Loyalty card`` -> ``loyalty_card``."""
    return re.sub(r"[^\w]+", "_", normal(header)).strip("_")


# --------------------------------------------------------------------------- which layout


def layout_of(headers: Sequence[str]) -> str:
    names = {normal(h) for h in headers}
    if [normal(h) for h in headers[:2]] == ["id", "name"]:
        return TICKLER
    if "job title" in names and names & {
        "business phone",
        "e-mail address",
        "business street",
        "mobile phone",
    }:
        return OUTLOOK
    if "given name" in names and ("group membership" in names or "e-mail 1 - type" in names):
        return GOOGLE_OLD
    if "first name" in names and names & {
        "labels",
        "organization name",
        "e-mail 1 - value",
        "phone 1 - value",
    }:
        return GOOGLE
    if names & {"обращение", "рабочий e-mail", "частный e-mail", "тип контакта"}:
        return BITRIX
    if "ответственный" in names and names & {"теги", "полное имя", "наименование", "кем создан"}:
        return AMOCRM
    if any(" : " in n for n in names) or "iphone" in names:
        return APPLE
    if any(re.search("[а-я]", n) for n in names):
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
    "extended address": "extended",
    "po box": "po box",
    "address po box": "po box",
    "city": "city",
    "region": "region",
    "state": "region",
    "postal code": "postal",
    "zip": "postal",
    "country": "country",
    "country/region": "country",
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
_FIXED = {
    # the name
    "name": (FULL, ""),
    "full name": (FULL, ""),
    "display name": (FULL, ""),
    "contact": (FULL, ""),
    "contact name": (FULL, ""),
    "contact person": (FULL, ""),
    "customer": (FULL, ""),
    "client": (FULL, ""),
    "фио": (FULL, ""),
    "ф.и.о.": (FULL, ""),
    "ф. и. о.": (FULL, ""),
    "полное имя": (FULL, ""),
    "наименование": (FULL, ""),
    "контакт": (FULL, ""),
    "контактное лицо": (FULL, ""),
    "клиент": (FULL, ""),
    "покупатель": (FULL, ""),
    "first name": (FIRST, ""),
    "given name": (FIRST, ""),
    "first": (FIRST, ""),
    "firstname": (FIRST, ""),
    "имя": (FIRST, ""),
    "middle name": (MIDDLE, ""),
    "additional name": (MIDDLE, ""),
    "second name": (MIDDLE, ""),
    "отчество": (MIDDLE, ""),
    "второе имя": (MIDDLE, ""),
    "last name": (LAST, ""),
    "family name": (LAST, ""),
    "surname": (LAST, ""),
    "last": (LAST, ""),
    "lastname": (LAST, ""),
    "фамилия": (LAST, ""),
    "name prefix": (KEY, "name_prefix"),
    "prefix": (KEY, "name_prefix"),
    "обращение": (KEY, "name_prefix"),
    "name suffix": (KEY, "name_suffix"),
    "suffix": (KEY, "name_suffix"),
    "nickname": (KEY, "nickname"),
    "псевдоним": (KEY, "nickname"),
    # work
    "organization name": (KEY, "company"),
    "organization": (KEY, "company"),
    "organisation": (KEY, "company"),
    "company": (KEY, "company"),
    "company name": (KEY, "company"),
    "firm": (KEY, "company"),
    "employer": (KEY, "company"),
    "компания": (KEY, "company"),
    "организация": (KEY, "company"),
    "название компании": (KEY, "company"),
    "фирма": (KEY, "company"),
    "organization title": (KEY, "title"),
    "job title": (KEY, "title"),
    "title": (KEY, "title"),
    "position": (KEY, "title"),
    "должность": (KEY, "title"),
    "должность (контакт)": (KEY, "title"),
    "organization department": (KEY, "department"),
    "department": (KEY, "department"),
    "отдел": (KEY, "department"),
    "подразделение": (KEY, "department"),
    # reaching them
    "website": (WEBSITE, ""),
    "web site": (WEBSITE, ""),
    "web page": (WEBSITE, ""),
    "webpage": (WEBSITE, ""),
    "homepage": (WEBSITE, ""),
    "home page": (WEBSITE, ""),
    "url": (WEBSITE, ""),
    "site": (WEBSITE, ""),
    "сайт": (WEBSITE, ""),
    "веб-сайт": (WEBSITE, ""),
    "корпоративный сайт": (WEBSITE, ""),
    "личная страница": (WEBSITE, ""),
    "address": (ADDRESS, "address"),
    "адрес": (ADDRESS, "address"),
    "адрес доставки": (ADDRESS, "delivery"),
    "юридический адрес": (ADDRESS, "legal"),
    "assistant's phone": (KEY, "assistant_phone"),
    # dates and the rest
    "birthday": (KEY, "birthday"),
    "birth date": (KEY, "birthday"),
    "birthdate": (KEY, "birthday"),
    "date of birth": (KEY, "birthday"),
    "dob": (KEY, "birthday"),
    "anniversary": (KEY, "anniversary"),
    "годовщина": (KEY, "anniversary"),
    "дата рождения": (KEY, "birthday"),
    "день рождения": (KEY, "birthday"),
    "notes": (NOTES, ""),
    "note": (NOTES, ""),
    "comment": (NOTES, ""),
    "comments": (NOTES, ""),
    "remarks": (NOTES, ""),
    "примечание": (NOTES, ""),
    "примечания": (NOTES, ""),
    "комментарий": (NOTES, ""),
    "комментарии": (NOTES, ""),
    "заметки": (NOTES, ""),
    "заметка": (NOTES, ""),
    "labels": (TAGS, ""),
    "group membership": (TAGS, ""),
    "categories": (TAGS, ""),
    "category": (TAGS, ""),
    "groups": (TAGS, ""),
    "group": (TAGS, ""),
    "tags": (TAGS, ""),
    "tag": (TAGS, ""),
    "теги": (TAGS, ""),
    "тег": (TAGS, ""),
    "метки": (TAGS, ""),
    "группа": (TAGS, ""),
    "группы": (TAGS, ""),
    "категория": (TAGS, ""),
    "категории": (TAGS, ""),
    "owner": (KEY, "owner"),
    "rep": (KEY, "owner"),
    "sales rep": (KEY, "owner"),
    "account manager": (KEY, "owner"),
    "responsible": (KEY, "owner"),
    "ответственный": (KEY, "owner"),
    "менеджер": (KEY, "owner"),
    "next": (KEY, "next"),
    "follow-up": (KEY, "next"),
    "follow up": (KEY, "next"),
    "next contact": (KEY, "next"),
    "следующий контакт": (KEY, "next"),
    "action": (KEY, "action"),
    "created": (KEY, "created"),
    "date created": (KEY, "created"),
    "дата создания": (KEY, "created"),
    "source": (KEY, "source"),
    "lead source": (KEY, "source"),
    "источник": (KEY, "source"),
    # bookkeeping of the exporting program: nothing a rep needs on the card
    "photo": (DROP, ""),
    "file as": (DROP, ""),
    "initials": (DROP, ""),
    "short name": (DROP, ""),
    "yomi name": (DROP, ""),
    "priority": (DROP, ""),
    "sensitivity": (DROP, ""),
    "private": (DROP, ""),
    "internet free busy": (DROP, ""),
    "directory server": (DROP, ""),
    "e-mail type": (DROP, ""),
    "e-mail display name": (DROP, ""),
    "e-mail 2 type": (DROP, ""),
    "e-mail 2 display name": (DROP, ""),
    "e-mail 3 type": (DROP, ""),
    "e-mail 3 display name": (DROP, ""),
    "кем создан": (DROP, ""),
    "кем изменен": (DROP, ""),
    "дата изменения": (DROP, ""),
}
_PHONE_WORDS = re.compile(
    r"\b(phone|telephone|tel|mobile|cell|iphone|callback|isdn|telex|pager)\b|телефон|^тел\b|мобильн|сотов"
)
_EMAIL_WORDS = re.compile(r"\be-?mail\b|\bmail\b|почта|электронн")
_WEB_WORDS = re.compile(r"^url\b|\bwebsite\b|\bhomepage\b|\bweb page\b|сайт")
_OUTLOOK_ADDRESS = re.compile(
    r"^(business|home|other) (street(?: [23])?|city|state|postal code|country(?:/region)?|address po box)$"
)
_APPLE_ADDRESS = re.compile(r"^address(?: : (\w+))? : (street|city|state|zip|postal code|country|po box)$")
_GENERIC_ADDRESS = re.compile(
    r"^(?:(home|work|business|other) )?(street|city|state|zip|postal code|country)$"
)


def classify(header: str, layout: str, mapping: dict[str, str] | None = None) -> Column:
    """The role of one column in a file of ``layout``; ``mapping`` (from ``--map``) wins."""
    raw = header.strip().lstrip("\ufeff")
    if mapping:
        wanted = mapping.get(raw, mapping.get(raw.lower(), mapping.get(normal(raw))))
        if wanted is not None:
            return mapped(raw, wanted)
    h = normal(raw)
    if layout == TICKLER and h == "id":
        return Column(raw, ID)
    if layout == OUTLOOK and h == "title":
        return Column(raw, KEY, "name_prefix")  # Outlook's "Title" is Mr/Ms; its job title is "Job Title"
    if layout in (AMOCRM, BITRIX) and h == "id":
        return Column(raw, KEY, "crm_id")
    if h.startswith(("phonetic ", "yomi ", "given name yomi", "family name yomi", "additional name yomi")):
        return Column(raw, DROP)
    numbered = _NUMBERED.match(h)
    if numbered:
        return _numbered(raw, numbered[1], numbered[2], numbered[3])
    if h in _FIXED:
        role, key = _FIXED[h]
        return Column(raw, role, key)
    if layout == OUTLOOK and (part := _OUTLOOK_ADDRESS.match(h)):
        return Column(raw, ADDRESS_PART, part[1], _ADDRESS_PARTS.get(part[2], part[2]))
    if (part := _APPLE_ADDRESS.match(h)) or (part := _GENERIC_ADDRESS.match(h)):
        return Column(raw, ADDRESS_PART, part[1] or "address", _ADDRESS_PARTS[part[2]])
    if h in _RU_ADDRESS_PARTS:
        return Column(raw, ADDRESS_PART, "address", _RU_ADDRESS_PARTS[h])
    if "fax" in h or "факс" in h:
        return Column(raw, KEY, "fax")
    if _PHONE_WORDS.search(h):
        return Column(raw, PHONE)
    if _EMAIL_WORDS.search(h):
        return Column(raw, EMAIL)
    if _WEB_WORDS.search(h):
        return Column(raw, WEBSITE)
    if h.startswith(("примечание", "комментарий", "note ")):
        return Column(raw, NOTES)
    key = snake(raw)
    return Column(raw, KEY, key) if key else Column(raw, DROP)


def _numbered(raw: str, what: str, number: str, field: str) -> Column:
    """Google's numbered columns: ``Phone 1 - Value``, ``Address 2 - City``, ``Custom Field 1 - Label``."""
    if field in ("label", "type"):
        if what in ("relation", "event", "custom field"):
            return Column(raw, LABEL, f"{what} {number}")
        return Column(raw, DROP)
    if what in ("e-mail", "email"):
        return Column(raw, EMAIL if field == "value" else DROP)
    if what == "phone":
        return Column(raw, PHONE if field == "value" else DROP)
    if what == "website":
        return Column(raw, WEBSITE if field == "value" else DROP)
    if what == "address":
        if field == "formatted":
            return Column(raw, ADDRESS, f"address {number}")
        part = _ADDRESS_PARTS.get(field)
        return Column(raw, ADDRESS_PART, f"address {number}", part) if part else Column(raw, DROP)
    if what in ("relation", "event", "custom field"):
        return Column(raw, VALUE, f"{what} {number}")
    if what == "organization":
        key = {"name": "company", "title": "title", "department": "department"}.get(field)
        if key is None and field in ("location", "job description"):
            key = snake(field)
        return Column(raw, KEY, key) if key else Column(raw, DROP)
    if what == "im" and field == "value":
        return Column(raw, KEY, "im")
    return Column(raw, DROP)


def mapped(header: str, key: str) -> Column:
    """What ``--map COLUMN=KEY`` makes of a column."""
    wanted = key.strip().lower()
    special = {
        "name": (FULL, ""),
        "first_name": (FIRST, ""),
        "middle_name": (MIDDLE, ""),
        "last_name": (LAST, ""),
        "phone": (PHONE, ""),
        "email": (EMAIL, ""),
        "website": (WEBSITE, ""),
        "tags": (TAGS, ""),
        "notes": (NOTES, ""),
        "address": (ADDRESS, "address"),
        "id": (ID, ""),
        "-": (DROP, ""),
    }
    if wanted in special:
        role, group = special[wanted]
        return Column(header, role, group)
    return Column(header, KEY, wanted)
