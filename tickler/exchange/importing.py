"""Bring customers in from another list: a spreadsheet, a phone's contacts, a folder of notes.

Importing is idempotent: a customer is recognised by email, then by phone (the same number in
E.164 form, read with the binder's ``region``; else the same digits), then by name and company,
and updated in place (one changed line a field), never duplicated. A card's phones, emails,
websites and addresses are kept as written; numbers and addresses it lacks are added (a list when
there are several), and the kinds of the new ones join ``phone_kinds`` and ``address_kinds``.
Tags are added to the card's. Notes the card does not hold yet are added at the end of its notes;
from tickler's own export, Log entries the card lacks are added too. An empty cell changes
nothing. One commit for the whole import; ``dry_run`` says what would happen and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import progress
from ..binder import Binder, Filed
from ..card import Card
from ..card.edits import new_text
from ..dates import Clock, Due
from ..errors import TicklerError
from ..fsutil import card_fits
from ..identity import email_keys, fuller_name, items, names_agree, new_items, phone_keys
from ..names import fold, id_key, slugify
from .kinds import NUMBER_KEYS, merged_kinds, same_address, same_number
from .records import Read, Record

KINDS = ("csv", "vcard", "sheet", "notes")
MERGED = (*NUMBER_KEYS, "email", "website", "address", "im")  # kept as written; new ones are added
KIND_MAPS = {"phone_kinds": same_number, "address_kinds": same_address}


@dataclass
class Outcome:
    where: str  # file:line of the record
    action: str  # created, updated, unchanged, error
    card_id: str = ""
    detail: str = ""
    raw: Any = None  # the record's cells or lines, kept for --rejects when it is skipped


@dataclass
class ImportReport:
    read: Read
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)


class Matcher:
    """Finds the card a record describes: by email, then by phone, then by name and company.

    One phone or email can belong to several cards (an office line shared by colleagues), so
    each key keeps every card that has it, in the order they were met."""

    def __init__(self, cards: list[Filed], region: str | None):
        self.region = region
        self.by_email: dict[str, list[Filed]] = {}
        self.by_phone: dict[str, list[Filed]] = {}
        self.by_name: dict[tuple[str, str], list[Filed]] = {}
        for filed in cards:
            self.add(filed)

    def _keys(self, filed: Filed) -> list[tuple[dict[Any, list[Filed]], Any]]:
        card = filed.card
        keys: list[tuple[dict[Any, list[Filed]], Any]] = []
        keys += [(self.by_email, e) for e in email_keys(card.get("email"))]
        keys += [(self.by_phone, p) for p in phone_keys(card.get("phone"), self.region)]
        keys.append((self.by_name, (fold(card.name), fold(str(card.get("company") or "")))))
        return keys

    def add(self, filed: Filed) -> None:
        for table, key in self._keys(filed):
            table.setdefault(key, []).append(filed)

    def replace(self, old: Filed, new: Filed) -> None:
        """``old`` was saved as ``new``: later records find the card as it is now (with the
        emails and phones this import added), never the copy read before."""
        for table, key in self._keys(old):
            table[key] = [f for f in table.get(key, []) if f is not old]
        self.add(new)

    def find(self, values: dict[str, Any]) -> Filed | None:
        """The card with the record's email, else its phone, else its name and company; a card
        found by email or phone counts only when the names agree (two people can share one)."""
        name = str(values.get("name", ""))
        found = [f for e in sorted(email_keys(values.get("email"))) for f in self.by_email.get(e, [])]
        found += [
            f for p in sorted(phone_keys(values.get("phone"), self.region)) for f in self.by_phone.get(p, [])
        ]
        for filed in found:
            if names_agree(filed.card.name, name):
                return filed
        same = self.by_name.get((fold(name), fold(str(values.get("company") or ""))))
        return same[0] if same else None


def read_source(
    kind: str, path: Path, clock: Clock, *, mapping: dict[str, str] | None = None, sheet: str | None = None
) -> Read:
    """The customers a file (or, for notes, a folder) holds."""
    progress.stage(f"Reading {path.name}")
    if kind == "notes":
        from .notes import read_records as read_notes

        return read_notes(path, clock, mapping)
    try:
        if kind == "sheet":
            from .workbook import read_records as read_sheet

            return read_sheet(path, clock, mapping or {}, sheet)
        if path.is_dir():
            raise TicklerError("is a folder, not a file")
        from .sources import read_text

        text = read_text(path)
        if kind == "csv":
            from .csvfile import read_records

            return read_records(text, clock, mapping or {}, str(path))
        from .vcard import read_records as read_vcards

        return read_vcards(text, str(path))
    except TicklerError as exc:
        if exc.path is not None:
            raise
        raise TicklerError(exc.message, path=path, line=exc.line) from None


def import_file(
    binder: Binder,
    kind: str,
    path: Path,
    clock: Clock,
    *,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read ``path`` as ``kind`` (``csv``, ``vcard``, ``sheet``, ``notes``) and create or update a
    card per customer in it, in one commit."""
    read = read_source(kind, path, clock, mapping=mapping, sheet=sheet)
    return upsert(binder, read, clock, dry_run=dry_run, source=path.name)


def upsert(binder: Binder, read: Read, clock: Clock, *, dry_run: bool, source: str) -> ImportReport:
    """Create or update a card for each record; one commit for the whole import."""
    report = ImportReport(read)
    with binder.changing(f"tickler import: {source}") as tx:
        scan = binder.scan()
        matcher = Matcher(scan.cards, binder.settings.region)
        taken = {id_key(f.id) for f in scan.cards}
        progress.stage("Importing", len(read.records))
        for record in read.records:
            try:
                outcome = _one(binder, matcher, taken, record, clock, dry_run)
            except TicklerError as exc:
                outcome = Outcome(record.where, "error", "", exc.message)
            outcome.raw = record.raw
            report.outcomes.append(outcome)
            progress.step()
        progress.stage("Writing cards")
        failed = binder.settle()
        for outcome in report.outcomes:
            if outcome.action == "created" and outcome.card_id in failed:
                outcome.action, outcome.detail = "error", failed[outcome.card_id].message
        created, updated = report.count("created"), report.count("updated")
        tx.message = f"tickler import: {source}: {created} new, {updated} updated"
    return report


def _one(
    binder: Binder, matcher: Matcher, taken: set[str], record: Record, clock: Clock, dry_run: bool
) -> Outcome:
    values = {k: v for k, v in record.values.items() if v not in (None, "", [])}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        raise TicklerError("no name")
    existing = matcher.find(values)
    if existing is None:
        wanted = record.card_id
        card_id = wanted if wanted and _free(wanted, taken) else binder.unique_id(name, taken)
        taken.add(id_key(card_id))
        values["name"] = name
        if record.text is not None:  # tickler's own export: the card as it was
            card = Card.parse(record.text, source=record.where)
        else:
            card = Card.parse(new_text(_written(values), record.notes), source=record.where)
        card_fits(card.text.encode("utf-8"), record.where)  # (the dry run says so too)
        # (a dry run goes on as if it had written, so that it says what the import would do)
        if dry_run:
            matcher.add(Filed(card_id, "", card))
        else:  # written by a thread while the next records are read (see upsert)
            matcher.add(binder.create(card, clock.today, card_id=card_id, later=True))
        return Outcome(record.where, "created", card_id)
    card, changed = _updated(existing.card, values, record.notes, matcher.region)
    if record.text is not None:
        card, more = _with_log_of(card, record.text)
        changed += more
    if not changed:
        return Outcome(record.where, "unchanged", existing.id)
    saved = Filed(existing.id, existing.folder, card) if dry_run else binder.save(existing, card, clock.today)
    matcher.replace(existing, saved)
    return Outcome(record.where, "updated", existing.id, ", ".join(changed))


def _written(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Due) else v) for k, v in values.items()}


def _updated(card: Card, values: dict[str, Any], notes: str, region: str | None) -> tuple[Card, list[str]]:
    """The card with a record's values: list fields and tags grow, other keys take the new value,
    new notes are added; and the names of what changed."""
    changed: list[str] = []
    for key, value in values.items():
        old = card.get(key)
        if key in KIND_MAPS and isinstance(value, dict):
            kinds = merged_kinds(old, value, KIND_MAPS[key])
            if kinds is None:
                continue
            card = card.with_field(key, kinds)
        elif key in MERGED:
            keys_of = {
                "phone": lambda v: phone_keys(v, region),
                "email": email_keys,
            }.get(key, lambda v: {fold(x) for x in items(v)})
            fresh = new_items(old, items(value), keys_of)
            if not fresh:
                continue
            merged = [*items(old), *fresh]
            card = card.with_field(key, merged[0] if len(merged) == 1 else merged)
        elif key == "birthday" and str(value).startswith("--") and str(old or "").endswith(str(value)[1:]):
            continue  # the same day, without the year the card already knows
        elif key == "name":
            if not fuller_name(card.name, str(value)):
                continue
            card = card.with_field("name", value)
        elif key == "tags":
            have = {fold(t) for t in card.tags}
            fresh = [t for t in items(value) if fold(t) not in have]
            if not fresh:
                continue
            card = card.with_field("tags", [*card.tags, *fresh])
        elif _same(old, value):
            continue
        else:
            card = card.with_field(key, value)
        changed.append(key)
    if notes.strip() and _squeezed(notes) not in _squeezed(card.notes):
        card = card.with_notes(notes)
        changed.append("notes")
    return card, changed


def _with_log_of(card: Card, text: str) -> tuple[Card, list[str]]:
    """The card with the Log entries of another version of it (``text``) that it lacks."""
    entries, _ = Card.parse(text).log()
    lines = text.splitlines()
    have = {" ".join(line.split()) for line in card.text.splitlines()}
    fresh = [lines[e.line - 1].strip() for e in entries if " ".join(lines[e.line - 1].split()) not in have]
    for line in fresh:
        card = card.with_entry(line)
    return card, ["Log"] if fresh else []


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, Due):
        return old is not None and str(old) == str(new)
    if isinstance(new, list) and isinstance(old, list):
        return [str(v) for v in old] == [str(v) for v in new]
    return old == new or (old is not None and str(old) == str(new))


def _free(card_id: str, taken: set[str]) -> bool:
    if slugify(card_id) != card_id or re.fullmatch(r"\d+", card_id):
        return False
    return id_key(card_id) not in taken
