"""Bring customers in from another list (a spreadsheet, a phone's contacts).

Importing is idempotent: a customer is recognised by email, then phone, then name and company, and
updated in place (one changed line a field), never duplicated. Bad rows are reported with their line
number and the good ones are imported; ``dry_run`` says what would happen and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..binder import Binder, Filed
from ..card import Card
from ..dates import Clock, Due
from ..errors import TicklerError
from ..fsutil import atomic_write
from ..layout import location_for
from ..names import fold, slugify
from .records import Record

_DIGITS = re.compile(r"\D+")


@dataclass
class Outcome:
    line: int
    action: str  # created, updated, unchanged, error
    card_id: str = ""
    detail: str = ""


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # rows that could not be read: (line, why)

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)


def _emails(value: Any) -> set[str]:
    items = value if isinstance(value, list) else [value]
    return {fold(str(v).strip()) for v in items if v not in (None, "")}


def _phones(value: Any) -> set[str]:
    items = value if isinstance(value, list) else [value]
    return {d for v in items if v not in (None, "") and len(d := _DIGITS.sub("", str(v))) >= 5}


class Matcher:
    """Finds the card a record describes: by email, then by phone, then by name and company."""

    def __init__(self, cards: list[Filed]):
        self.by_email: dict[str, Filed] = {}
        self.by_phone: dict[str, Filed] = {}
        self.by_name: dict[tuple[str, str], Filed] = {}
        for filed in cards:
            self.add(filed)

    def add(self, filed: Filed) -> None:
        card = filed.card
        for email in _emails(card.get("email")):
            self.by_email.setdefault(email, filed)
        for phone in _phones(card.get("phone")):
            self.by_phone.setdefault(phone, filed)
        self.by_name.setdefault((fold(card.name), fold(str(card.get("company") or ""))), filed)

    def find(self, values: dict[str, Any]) -> Filed | None:
        for email in _emails(values.get("email")):
            if email in self.by_email:
                return self.by_email[email]
        for phone in _phones(values.get("phone")):
            if phone in self.by_phone:
                return self.by_phone[phone]
        key = (fold(str(values.get("name", ""))), fold(str(values.get("company") or "")))
        return self.by_name.get(key)


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, Due):
        return old is not None and str(old) == str(new)
    if isinstance(new, list) and isinstance(old, list):
        return [str(v) for v in old] == [str(v) for v in new]
    return old == new or (old is not None and str(old) == str(new))


def upsert(
    binder: Binder, records: list[Record], clock: Clock, *, dry_run: bool, source: str
) -> ImportReport:
    """Create or update a card for each record; one commit for the whole import."""
    report = ImportReport()
    with binder.changing(f"tickler import: {source}") as tx:
        scan = binder.scan()
        matcher = Matcher(scan.cards)
        for record in records:
            try:
                outcome = _one(binder, matcher, record, clock, dry_run)
            except TicklerError as exc:
                outcome = Outcome(record.line, "error", "", exc.message)
            report.outcomes.append(outcome)
        created, updated = report.count("created"), report.count("updated")
        tx.message = f"tickler import: {source}: {created} new, {updated} updated"
    return report


def _one(binder: Binder, matcher: Matcher, record: Record, clock: Clock, dry_run: bool) -> Outcome:
    values = {k: v for k, v in record.values.items() if v is not None}
    name = str(values.get("name") or "").strip()
    if not name:
        raise TicklerError("no name")
    existing = matcher.find(values)
    if existing is None:
        card_id = (
            record.card_id if record.card_id and _free(binder, record.card_id) else binder.unique_id(name)
        )
        if dry_run:
            return Outcome(record.line, "created", card_id)
        text = f"---\nname: x\n---\n# {name}\n\n## Log\n"
        card = Card.parse(text).with_field("name", name)
        for key, value in values.items():
            if key != "name":
                card = card.with_field(key, value)
        folder = location_for(card.next, clock.today)
        path = binder.path_of(folder, card_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        binder.touch(path)
        atomic_write(path, card.text.encode("utf-8"))
        filed = Filed(card_id, folder, card)
        matcher.add(filed)
        return Outcome(record.line, "created", card_id)
    card = existing.card
    changed = [key for key, value in values.items() if not _same(card.get(key), value)]
    if not changed:
        return Outcome(record.line, "unchanged", existing.id)
    if dry_run:
        return Outcome(record.line, "updated", existing.id, ", ".join(changed))
    for key in changed:
        card = card.with_field(key, values[key])
    binder.save(existing, card, clock.today)
    return Outcome(record.line, "updated", existing.id, ", ".join(changed))


def _free(binder: Binder, card_id: str) -> bool:
    if slugify(card_id) != card_id:
        return False
    return not any(i == card_id for _, i, _ in binder.card_files())


def import_file(
    binder: Binder,
    kind: str,
    path: Path,
    clock: Clock,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read ``path`` as ``kind`` (``csv``, ``vcard``) and create or update a card per customer in
    it, in one commit; rows that cannot be read are in the report with their line."""
    from .sources import read_text

    text = read_text(path)
    try:
        if kind == "csv":
            from .csvfile import read_records

            records, bad = read_records(text, clock, mapping or {})
        else:
            from .vcard import read_records as read_vcards

            records, bad = read_vcards(text)
    except TicklerError as exc:
        raise TicklerError(exc.message, path=path, line=exc.line) from None
    report = upsert(binder, records, clock, dry_run=dry_run, source=path.name)
    report.bad = bad
    return report
