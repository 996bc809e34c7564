"""One card per customer: probable duplicates (for ``check``) and ``merge``, one card from two.

Two cards are probably one customer when they share an email (case ignored) or a phone number
(the same number in E.164 form, read with the binder's ``region``; else the same digits). That is
a warning for a person to look at, never a reason to change anything by itself.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .binder import Binder, Filed
from .cache import Entry
from .card import Card, format_entry
from .card import log as logbook
from .card.log import parse_entry
from .dates import Clock
from .dossier import move_files
from .errors import TicklerError
from .identity import e164_of, email_keys, items, new_items, phone_keys

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MERGED_LISTS = ("phone", "email")  # kept as lists when the two cards differ


@dataclass(frozen=True)
class Duplicate:
    first: str
    second: str
    why: str  # "same email ...", "same phone ..."

    def __str__(self) -> str:
        return f"{self.first} and {self.second} ({self.why})"


Contacts = tuple[str, list[str], list[str]]  # a card's id, emails (folded) and phones (as cached)


def contacts_of(entry: Entry) -> Contacts | None:
    """What ``probable_duplicates`` needs of an indexed card (None when it has neither)."""
    if entry.summary is None:
        return None
    emails = [line for line in entry.summary.search.split("\n") if "@" in line and _EMAIL.match(line)]
    phones = entry.summary.phones.split()
    return (entry.id, emails, phones) if emails or phones else None


def probable_duplicates(cards: Iterable[Contacts], region: str | None) -> list[Duplicate]:
    """Pairs of cards that share an email or a phone number, from the index (no card is read).

    Phones are first grouped by their last seven digits, so the E.164 reading (the costly part)
    is only done where two cards could have the same number. The cards are gone through once and
    not kept: only the first card of each email and phone tail is remembered, and the groups of
    the few that share one (a binder of 100,000 cards holds a dictionary entry per address)."""
    first_email: dict[str, str] = {}
    by_email: dict[str, set[str]] = {}  # only the emails more than one card has
    first_tail: dict[str, tuple[str, str]] = {}
    by_tail: dict[str, list[tuple[str, str]]] = {}  # only the tails more than one card has
    for card_id, emails, phones in cards:
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
    return [Duplicate(a, b, why) for (a, b), why in sorted(found.items())]


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
    """OTHER's notes, and any line of its Log section that is not an entry (never dropped)."""
    stray = "\n".join(_log_lines(card)[1])
    return "\n".join(part for part in (card.notes, stray) if part)
