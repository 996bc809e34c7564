"""``import mail``: the mail exchanged with customers, into their dossiers.

Each message whose From, To or Cc is a card's email (compared without case; a card may hold
several) becomes, on each such card, a Log entry of kind ``email``, at the message's date and time
in this machine's local time, with its direction and subject (``in: Re: offer 12``), and the
message itself is kept as ``files/<id>/mail/DATE-SUBJECT.eml``. A message to two customers is
logged on both.

Direction: ``out`` when the message is from the rep (an address given with ``--me``, an owner
written as an email in ``TICKLER_OWNER`` or the settings, git's ``user.email``) or from anyone
who is not a customer in the binder (a colleague writing to the customer); ``in`` when it is
from a customer.

The kept messages are the record of what was imported: a message whose Message-ID (or, lacking
one, whose bytes) a card's ``mail/`` already holds changes nothing, so a second import of the same
mail makes no change and no commit. A message kept again after its file was deleted by hand does
not add its Log line a second time when the card already has that very line.

Cards are found by email through the index (no card is read but those that get mail). Messages
that match no card are counted; with ``new``, a card is made for the sender of each (never for
the rep, a mailing list or a robot such as ``noreply@``). One commit for the whole import.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import progress
from ..binder import Binder, Filed
from ..card import Card, format_entry
from ..card.edits import new_text
from ..config import git_email
from ..dates import Clock
from ..dedupe import contacts_of
from ..dossier import IN, MAIL_KIND, OUT, folder_path, free_name, mail_text, names_in, safe_name
from ..errors import TicklerError
from ..layout import MAIL, files_folder
from ..names import fold, id_key, slugify
from .mail import Message, Unreadable, kept_key, messages


@dataclass
class MailReport:
    messages: int = 0  # messages read
    logged: int = 0  # messages logged on at least one card
    already: int = 0  # messages every card they match had already
    unmatched: int = 0  # messages that match no card
    entries: list[tuple[str, str]] = field(default_factory=list)  # (card id, Log line) added
    kept: list[str] = field(default_factory=list)  # files/<id>/mail/... written
    created: list[tuple[str, str]] = field(default_factory=list)  # (card id, address) of new cards
    unreadable: list[Unreadable] = field(default_factory=list)

    @property
    def cards(self) -> int:
        return len({card_id for card_id, _ in self.entries})


@dataclass
class _Dossier:
    """A card that gets mail in this import: the card as it grows, and what its mail/ holds."""

    filed: Filed
    card: Card
    known: set[str]  # keys of the messages kept in its mail/
    names: set[str]  # the names taken in its mail/
    new: bool = False  # made in this import (``new``)


def my_addresses(binder: Binder, given: list[str]) -> set[str]:
    """The rep's addresses, folded: ``--me``, then ``TICKLER_OWNER`` and the settings' ``owner``
    when written as an email, and git's ``user.email``."""
    candidates = [*given, os.environ.get("TICKLER_OWNER", ""), binder.settings.owner or ""]
    candidates.append(git_email(binder.root) or "")
    return {fold(a.strip()) for a in candidates if "@" in a}


def import_mail(
    binder: Binder, path: Path, clock: Clock, *, me: list[str], new: bool = False, dry_run: bool = False
) -> MailReport:
    """Log and keep every message at ``path`` on the cards it concerns (see the module)."""
    for address in me:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", address.strip()):
            raise TicklerError(f"--me {address!r}: give an email address, e.g. --me anna@firm.example")
    mine = my_addresses(binder, me)
    report = MailReport()
    with binder.changing(f"tickler import mail: {path.name}") as tx:
        book = _address_book(binder)
        dossiers: dict[str, _Dossier] = {}
        taken: set[str] | None = None  # card ids, once a new card is to be made
        written: list[Path] = []
        progress.stage(f"Reading {path.name}")
        try:
            for item in messages(path):
                progress.step()
                if isinstance(item, Unreadable):
                    report.unreadable.append(item)
                    continue
                report.messages += 1
                places = [place for address in item.addresses for place in book.get(address, [])]
                if not places and new and _may_be_carded(item, mine):
                    if taken is None:
                        taken = binder.taken_ids()
                    dossier = _new_card(binder, item, taken)
                    dossiers[dossier.filed.id] = dossier
                    book[item.sender_key] = [("", dossier.filed.id)]
                    report.created.append((dossier.filed.id, item.sender[0] if item.sender else ""))
                    places = book[item.sender_key]
                if not places:
                    report.unmatched += 1
                    continue
                direction = OUT if item.sender_key in mine or item.sender_key not in book else IN
                logged = False
                for folder, card_id in dict.fromkeys(places):
                    dossier = dossiers.get(card_id) or _open(binder, folder, card_id)
                    dossiers[card_id] = dossier
                    if item.key in dossier.known:
                        continue
                    dossier.known.add(item.key)
                    logged = True
                    kept = _keep(binder, dossier, item, dry_run)
                    if kept is not None:
                        written.append(kept)
                    entry = format_entry(
                        item.when.date(), MAIL_KIND, mail_text(direction, item.topic), time=item.when.time()
                    )
                    if entry not in dossier.card.text.splitlines():
                        dossier.card = dossier.card.with_entry(entry)
                        report.entries.append((card_id, entry))
                if logged:
                    report.logged += 1
                else:
                    report.already += 1
            if not dry_run:
                _save(binder, dossiers, clock)
        except BaseException:
            for kept_path in written:  # nothing of a failed import stays, or is committed
                kept_path.unlink(missing_ok=True)
                tx.paths.discard(binder.rel(kept_path))
            raise
        report.kept = [binder.rel(p) for p in written]
        what = f"{_count(report.logged, 'message')} on {_count(report.cards, 'card')}"
        if report.created:
            what += f", {_count(len(report.created), 'new card')}"
        tx.message = f"tickler import mail: {path.name}: {what}"
        tx.details = [f"{card_id}: {entry}" for card_id, entry in report.entries]
    return report


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _address_book(binder: Binder) -> dict[str, list[tuple[str, str]]]:
    """Each email of the binder's cards (folded) and the cards that hold it, from the index."""
    book: dict[str, list[tuple[str, str]]] = {}
    for entry in binder.index():
        found = contacts_of(entry)
        if found is not None:
            for email in found[1]:
                book.setdefault(email, []).append((entry.folder, entry.id))
    return book


def _open(binder: Binder, folder: str, card_id: str) -> _Dossier:
    """A card that gets mail, with the keys of the messages its dossier keeps."""
    filed = binder.load(folder, card_id)
    mail = binder.root / files_folder(card_id) / MAIL
    known: set[str] = set()
    if mail.is_dir() and not mail.is_symlink():
        for kept in sorted(mail.iterdir()):
            if kept.suffix.lower() == ".eml" and kept.is_file() and not kept.is_symlink():
                key = kept_key(kept)
                if key is not None:
                    known.add(key)
    return _Dossier(filed, filed.card, known, names_in(mail))


def _may_be_carded(item: Message, mine: set[str]) -> bool:
    """Whether ``new`` makes a card for the message's sender: a person other than the rep."""
    return item.sender is not None and item.sender_key not in mine and not item.automatic


def _new_card(binder: Binder, item: Message, taken: set[str]) -> _Dossier:
    assert item.sender is not None
    address, display = item.sender
    name = display if re.search(r"[^\W\d_]", display) else address
    card_id = binder.unique_id(name, taken)
    taken.add(id_key(card_id))
    card = Card.parse(new_text({"name": name, "email": address}), source=item.where)
    return _Dossier(Filed(card_id, "", card), card, set(), set(), new=True)


def _keep(binder: Binder, dossier: _Dossier, item: Message, dry_run: bool) -> Path | None:
    """Keep the message as ``files/<id>/mail/DATE-SUBJECT.eml`` (a free name); the file written."""
    topic = slugify(item.subject) if re.search(r"[^\W_]", item.subject) else "no-subject"
    name = free_name(safe_name(f"{item.when:%Y-%m-%d-%H%M}-{topic[:60]}.eml"), dossier.names)
    dossier.names.add(id_key(name))
    if dry_run:
        return None
    from ..fsutil import atomic_write

    path = folder_path(binder, dossier.filed.id, MAIL) / name
    atomic_write(path, item.raw)
    binder.touch(path)
    return path


def _save(binder: Binder, dossiers: dict[str, _Dossier], clock: Clock) -> None:
    progress.stage("Writing cards", len(dossiers))
    for card_id, dossier in dossiers.items():
        if dossier.new:
            binder.create(dossier.card, clock.today, card_id=card_id)
        elif dossier.card.text != dossier.filed.card.text:
            binder.save(dossier.filed, dossier.card, clock.today)
        progress.step()
