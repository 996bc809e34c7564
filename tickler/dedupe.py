"""One card per customer: probable duplicates (for ``check``) and ``merge``, one card from two.

Two cards are probably one customer when they share an email (case ignored) or a phone number
(the same number in E.164 form, read with the binder's ``region``; else the same digits), or
when they bear the same name (the same words in any order, case, accents and ё/е folded) and no
two different companies. That is a warning for a person to look at, never a reason to change
anything by itself.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .binder import Binder, Filed
from .cache import Entry
from .card import Card, format_entry
from .card import log as logbook
from .card.log import parse_entry
from .dates import Clock
from .dossier import move_files
from .errors import TicklerError
from .identity import (
    RegionHint,
    e164_of,
    email_keys,
    items,
    locale_region,
    new_items,
    phone_keys,
    region_hint,
)
from .names import fold

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MERGED_LISTS = ("phone", "email")  # kept as lists when the two cards differ


@dataclass(frozen=True)
class Duplicate:
    first: str
    second: str
    why: str  # "same email ...", "same phone ..."

    def __str__(self) -> str:
        return f"{self.first} and {self.second} ({self.why})"


# A card's id, emails (folded), phones (as cached), name (``name_key``) and folder.
Contacts = tuple[str, list[str], list[str], str, str]
CompanyOf = Callable[[str, str], str | None]  # (folder, id) -> the card's company, folded
_WORD = re.compile(r"[^\W_]+")


def name_key(name: str) -> str:
    """A name as duplicates compare it: its words folded (case, accents, ё/е) and sorted, so
    that ``Пётр Сидоров``, ``петр  сидоров`` and ``Сидоров Пётр`` are one."""
    return " ".join(sorted(_WORD.findall(fold(name))))


def contacts_of(entry: Entry) -> Contacts | None:
    """What ``probable_duplicates`` needs of an indexed card (None when it cannot be read)."""
    if entry.summary is None:
        return None
    emails = [line for line in entry.summary.search.split("\n") if "@" in line and _EMAIL.match(line)]
    phones = entry.summary.phones.split()
    return (entry.id, emails, phones, name_key_of(entry), entry.folder)


def company_reader(binder: Binder) -> CompanyOf:
    """The ``company_of`` of ``probable_duplicates`` for a binder: reads the card (only cards
    whose names are taken twice are asked); an unreadable one has no company to differ."""

    def company_of(folder: str, card_id: str) -> str | None:
        try:
            company = binder.load(folder, card_id).card.values("company")
        except TicklerError:
            return None
        return " ".join(fold(", ".join(company)).split()) or None

    return company_of


def probable_duplicates(
    cards: Iterable[Contacts], region: str | None, company_of: CompanyOf | None = None
) -> list[Duplicate]:
    """Pairs of cards that share an email or a phone number, or a name with no two different
    companies (``company_of`` tells a card's; without it companies are not compared), from the
    index (no card is read but those whose names are taken twice, for their company).

    Phones are first grouped by their last seven digits, so the E.164 reading (the costly part)
    is only done where two cards could have the same number. The cards are gone through once and
    not kept: only the first card of each email, phone tail and name is remembered, and the
    groups of the few that share one (a binder of 100,000 cards holds a dictionary entry per
    address and name)."""
    first_email: dict[str, str] = {}
    by_email: dict[str, set[str]] = {}  # only the emails more than one card has
    first_tail: dict[str, tuple[str, str]] = {}
    by_tail: dict[str, list[tuple[str, str]]] = {}  # only the tails more than one card has
    first_name: dict[str, tuple[str, str]] = {}
    by_name: dict[str, list[tuple[str, str]]] = {}  # only the names more than one card has
    for card_id, emails, phones, name, folder in cards:
        if name:
            seen_name = first_name.setdefault(name, (card_id, folder))
            if seen_name[0] != card_id:
                by_name.setdefault(name, [seen_name]).append((card_id, folder))
        for email in emails:
            first = first_email.setdefault(email, card_id)
            if first != card_id:
                by_email.setdefault(email, {first}).add(card_id)
        for phone in phones:
            digits = phone.lstrip("+")
            if len(digits) >= 7:
                tail = digits[-7:]
                seen = first_tail.setdefault(tail, (card_id, phone))
                if seen[0] != card_id:
                    by_tail.setdefault(tail, [seen]).append((card_id, phone))
    found: dict[tuple[str, str], str] = {}
    for email, ids in sorted(by_email.items()):
        for pair in itertools.combinations(sorted(ids), 2):
            found.setdefault(pair, f"same email {email}")
    for sharing in by_tail.values():
        by_number: dict[str, set[str]] = {}
        for card_id, phone in sharing:
            number = e164_of(phone, region) or phone.lstrip("+")
            by_number.setdefault(number, set()).add(card_id)
        for number, ids in sorted(by_number.items()):
            for pair in itertools.combinations(sorted(ids), 2):
                found.setdefault(pair, f"same phone {number}")
    for sharing_name in by_name.values():
        companies = {
            card_id: company_of(folder, card_id) if company_of else None for card_id, folder in sharing_name
        }
        for a, b in itertools.combinations(sorted(companies), 2):
            if companies[a] is None or companies[b] is None or companies[a] == companies[b]:
                both = companies[a] is not None and companies[b] is not None
                found.setdefault((a, b), "same name and company" if both else "same name")
    return [Duplicate(a, b, why) for (a, b), why in sorted(found.items())]


def namesakes(binder: Binder, name: str, company: str | None = None) -> list[Filed]:
    """The cards already in the binder for a customer called ``name`` (as ``name_key`` compares
    names) whose company is ``company`` or none, or any company when ``company`` is None: what
    ``new`` names before it makes a second card for one customer."""
    wanted = name_key(name)
    if not wanted:
        return []
    mine = " ".join(fold(company).split()) if company else None
    found = []
    for entry in binder.index():
        if entry.summary is None or name_key_of(entry) != wanted:
            continue
        try:
            filed = binder.load(entry.folder, entry.id)
        except TicklerError:
            continue
        theirs = " ".join(fold(", ".join(filed.card.values("company"))).split())
        if mine is None or not theirs or theirs == mine:
            found.append(filed)
    return found


def name_key_of(entry: Entry) -> str:
    """``name_key`` of an indexed card, from its folded name in the index (the first line of its
    search text)."""
    assert entry.summary is not None
    return " ".join(sorted(_WORD.findall(entry.summary.search.split("\n", 1)[0])))


def binder_region_hint(
    binder: Binder, environ: Mapping[str, str], phones: list[str] | None = None
) -> RegionHint | None:
    """``identity.region_hint`` for the binder's phones (``phones``, else from the index), the
    locale of ``environ`` breaking a tie: the ``region`` that ``check`` proposes."""
    if phones is None:
        phones = [p for entry in binder.index() if entry.summary for p in entry.summary.phones.split()]
    prefer = locale_region(environ)
    return region_hint(phones, binder.settings.region, prefer[0] if prefer else None)


# --------------------------------------------------------------------------- merge


@dataclass(frozen=True)
class Merged:
    keep: Filed  # the card as saved
    other: Filed  # the card merged into it, now removed
    added: list[str]  # keys taken from OTHER
    entries: int  # Log entries taken from OTHER
    files: list[tuple[str, str]] = field(default_factory=list)  # OTHER's files: (from, to) paths


def merge(binder: Binder, keep_ref: str, other_ref: str, clock: Clock) -> Merged:
    """One card from two cards of one customer, in one commit.

    KEEP's values win and a key only OTHER has is added; differing phones and emails are kept as
    lists; ``next`` is the earlier of the two dates (a follow-up is never lost); the Log is the
    union in date order; OTHER's notes are added under a heading naming it; OTHER's dossier files
    move to KEEP's (a name taken in both gets a suffix, nothing is overwritten). OTHER is removed
    and the result filed by its ``next``."""
    with binder.changing("tickler merge") as tx:
        keep, other = binder.resolve(keep_ref), binder.resolve(other_ref)
        if (keep.folder, keep.id) == (other.folder, other.id):
            raise TicklerError(f"'{keep_ref}' and '{other_ref}' are the same card ({keep.rel})")
        card, added = _fields(keep.card, other.card, binder.settings.region)
        card, taken = _log(card, other.card)
        notes = _notes(other.card)
        if notes:
            card = card.with_notes(f"## From {other.card.name} ({other.id})\n\n{notes}")
        entry = f"{other.id} ({other.card.name}) merged into this card"
        card = card.with_entry(format_entry(clock.today, "merged", entry, time=clock.now))
        files = move_files(binder, other.id, keep.id)  # (first: a linked folder refuses before any write)
        saved = binder.save(keep, card, clock.today)
        other_path = binder.path_of(other.folder, other.id)
        binder.touch(other_path)
        other_path.unlink()
        tx.message = f"tickler merge: {other.id} into {keep.id}"
        tx.details = [
            f"{keep.id}: took {', '.join(added) or 'no keys'} and {taken} Log entries from {other.id}",
            *(f"{source} -> {target}" for source, target in files),
        ]
    return Merged(saved, other, added, taken, files)


def _fields(keep: Card, other: Card, region: str | None) -> tuple[Card, list[str]]:
    card, added = keep, []
    for key in other.fields:
        mine, theirs = keep.get(key), other.get(key)
        if theirs in (None, "", []):
            continue
        if key in MERGED_LISTS and mine not in (None, "", []):
            keys_of = (lambda v: phone_keys(v, region)) if key == "phone" else email_keys
            fresh = new_items(mine, items(theirs), keys_of)
            if fresh:
                card = card.with_field(key, [*items(mine), *fresh])
                added.append(key)
        elif key == "next" and mine not in (None, ""):
            mine_due, their_due = keep.next, other.next
            if mine_due and their_due and their_due.sort_key < mine_due.sort_key:
                card = card.with_field("next", their_due)  # the earlier follow-up: none is lost
                added.append(key)
        elif mine in (None, "", []):
            card = card.with_key_block(key, other.key_block(key))
            added.append(key)
    return card, added


def _log(card: Card, other: Card) -> tuple[Card, int]:
    """KEEP with OTHER's Log entries it does not have, each in its place in date order."""
    have = set(_log_lines(card)[0])
    taken = 0
    for raw in _log_lines(other)[0]:
        if raw not in have:
            card = card.with_entry(raw)
            have.add(raw)
            taken += 1
    return card, taken


def _log_lines(card: Card) -> tuple[list[str], list[str]]:
    """The lines of a card's Log section: the entries, and the other lines (text a person wrote
    there, or entries that break the grammar)."""
    start, end = logbook.section(card.text, card.fm_end)
    if start is None:
        return [], []
    entries, other = [], []
    for raw in card.text[start:end].splitlines():
        line = raw.rstrip()
        if parse_entry(line, 0) is not None:
            entries.append(line)
        elif line.strip():
            other.append(line)
    return entries, other


def _notes(card: Card) -> str:
    """OTHER's notes (without the forms' guidance, see ``Card.notes``), and any line of its Log
    section that is not an entry (never dropped)."""
    stray = "\n".join(_log_lines(card)[1])
    return "\n".join(part for part in (card.notes, stray) if part)
