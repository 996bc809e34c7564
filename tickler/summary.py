"""What the index keeps of a card: its ``Summary`` (name, next, owner, the folded search text, the
phones, birthday, anniversary, table row, whether its Log holds a contact, since when it has
waited), the plain tuple the cache stores it as, and the filters asked of that tuple before any
object is made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .dates import Due, parse_due
from .errors import CardError
from .names import fold
from .patterns import Pattern

if TYPE_CHECKING:
    from .card import Card

OK = 11  # the length of a readable card's entry
_NON_DIGITS = Pattern(r"\D+")
_PLAIN_DATE = Pattern(r"\d{4}-\d\d-\d\d")
_SKIPPED_IN_LAST = ("rolled", "balanced")  # tickler's own bookkeeping, not a contact

Row = tuple[str, str, str, str]  # what a listing shows of a card: company, phone, action, last word


def _cell(value: Any) -> str:
    """A front-matter value as a table shows it: a list (two phones) as ``a, b``."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v is not None)
    return str(value)


def row_of(card: Card) -> Row:
    """The columns a card table shows besides the date and the name."""
    return row_and_contact(card)[0]


def row_and_contact(card: Card) -> tuple[Row, bool, str]:
    """The card's table row, whether its Log holds a contact with the customer (a card scheduled
    without one is a first call), and since when it has been waiting (``waiting_since``, as
    YYYY-MM-DD, "" when it is not); all from one reading of the Log."""
    from .card.log import is_contact, waiting_since

    entries = card.log()[0]
    since = waiting_since(entries)
    contacted = any(is_contact(e.kind) for e in entries)
    shown = [e for e in entries if e.kind not in _SKIPPED_IN_LAST]
    last = max(shown, key=lambda e: (e.sort_key, e.line)) if shown else None
    last_text = ""
    if last is not None:
        last_text = f"{last.date.isoformat()} {last.kind}"
        if last.amount is not None:
            last_text += f" {last.amount}"
        last_text += f": {last.text}" if last.text else ""
    company, phone = card.get("company"), card.get("phone")
    row = (_cell(company), _cell(phone), card.action or "", last_text)
    return row, contacted, since.isoformat() if since is not None else ""


def last_kind(row: Row | None) -> str | None:
    """The kind of the last Log entry a table row shows (``request`` for an open request)."""
    if not row or not row[3]:
        return None
    parts = row[3].split(" ", 2)
    return parts[1].rstrip(":") if len(parts) > 1 else None


class Summary:
    """What listings need to know of a card without reading it again."""

    __slots__ = (
        "_due",
        "anniversary",
        "birthday",
        "contacted",
        "name",
        "next",
        "owner",
        "phones",
        "row",
        "search",
        "waiting",
    )

    def __init__(
        self,
        name: str,
        next: str | None,  # normalised: YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]
        owner: str | None,
        search: str,  # folded name, id, company, email, phone, tags, one per line
        phones: str,  # each phone's digits (after a + when written with one), separated by spaces
        birthday: str | None,
        row: Row | None = None,  # made when a listing first shows the card (see Index.entries)
        anniversary: str | None = None,
        contacted: bool | None = None,  # whether the Log holds a contact; made with the row
        waiting: str | None = None,  # waiting since (YYYY-MM-DD; "" when not); made with the row
    ):
        self.name, self.next, self.owner, self.search = name, next, owner, search
        self.phones, self.birthday, self.row, self.anniversary = phones, birthday, row, anniversary
        self.contacted, self.waiting = contacted, waiting
        self._due: Due | bool | None = False  # worked out when first asked

    @property
    def due(self) -> Due | None:
        if self._due is False:
            self._due = self._read_due()
        return self._due  # type: ignore[return-value]

    def _read_due(self) -> Due | None:
        if self.next is None:
            return None
        if len(self.next) == 10:  # the common plain date: no need for the full grammar
            try:
                return Due(dt.date.fromisoformat(self.next))
            except ValueError:
                pass
        return parse_due(self.next)

    @classmethod
    def of(cls, card_id: str, card: Card, *, with_row: bool = False) -> Summary:
        texts = [card.name, card_id, *card.tags]
        phones = []
        for key in ("company", "email", "phone"):
            value = card.get(key)
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    texts.append(str(item))
                    if key == "phone":
                        number = str(item).strip()
                        plus = "+" if number.startswith("+") else ""
                        phones.append(plus + _NON_DIGITS.sub("", number))
        birthday, anniversary = card.get("birthday"), card.get("anniversary")
        row, contacted, waiting = row_and_contact(card) if with_row else (None, None, None)
        return cls(
            card.name,
            next_text(card),
            card.owner,
            fold("\n".join(texts)),  # (a line break folds to itself and joins nothing)
            " ".join(phones),
            birthday if isinstance(birthday, str) else None,
            row,
            anniversary if isinstance(anniversary, str) else None,
            contacted,
            waiting,
        )

    @property
    def first_call(self) -> bool:
        """A scheduled card whose Log holds no contact yet (False while the row is not made)."""
        return self.next is not None and self.contacted is False


def next_text(card: Card) -> str | None:
    """The card's ``next`` in the normal form the cache keeps: YYYY-MM-DD[ HH:MM[:SS]]."""
    written = card.fields.get("next")
    if isinstance(written, str) and _PLAIN_DATE.fullmatch(written):
        return written  # checked by Card.parse, and already in the normal form
    due = card.next
    return str(due) if due is not None else None


Filter = Callable[[tuple[Any, ...]], bool]  # asked of a cached ("ok", ...) entry


def matching_text(wanted: str, phone: tuple[str, str] | None = None) -> Filter:
    """Cards whose folded name, id, company, email or tags hold ``wanted``; with ``phone`` (the
    digits of a query written like a phone number, and the national number it stands for, or
    ""), also cards with a phone that holds those digits or ends with that national number."""
    if phone is None:
        return lambda encoded: wanted in encoded[4]
    digits, national = phone

    def matches(encoded: tuple[Any, ...]) -> bool:
        if wanted in encoded[4] or digits in encoded[5]:
            return True
        return bool(national) and any(p.endswith(national) for p in encoded[5].split())

    return matches


def with_birthday(month_days: set[str] | None) -> Filter:
    """Cards with a ``birthday`` or an ``anniversary`` whose ``MM-DD`` is in ``month_days`` (any,
    with None)."""
    if month_days is None:
        return lambda encoded: encoded[6] is not None or encoded[8] is not None

    def falls(encoded: tuple[Any, ...]) -> bool:
        born, wed = encoded[6], encoded[8]
        return (born is not None and born.strip()[-5:] in month_days) or (
            wed is not None and wed.strip()[-5:] in month_days
        )

    return falls


def due_within(start: dt.date, end: dt.date) -> Filter:
    """Cards whose ``next`` falls from ``start`` to ``end`` (the cache keeps it as YYYY-MM-DD...)."""
    first, last = start.isoformat(), end.isoformat()
    return lambda encoded: encoded[2] is not None and first <= encoded[2][:10] <= last


def filed_elsewhere(folder: str, folder_for: Callable[[str | None], str]) -> Filter:
    """Cards of ``folder`` that ``folder_for`` (the filing rule, given the written ``next``) puts
    in another folder."""
    return lambda encoded: folder_for(encoded[2]) != folder


def either(*filters: Filter) -> Filter:
    return lambda encoded: any(f(encoded) for f in filters)


def encode(summary: Summary | None, error: CardError | None) -> tuple[object, ...]:
    if summary is not None:
        s = summary
        return (
            "ok",
            s.name,
            s.next,
            s.owner,
            s.search,
            s.phones,
            s.birthday,
            s.row,
            s.anniversary,
            s.contacted,
            s.waiting,
        )
    assert error is not None
    return ("error", error.message, error.line)


def decode(value: Any, rel: str) -> tuple[Summary | None, CardError | None] | None:
    """A cached entry as objects; None when it is not of the shape ``_encode`` writes."""
    if type(value) is not tuple:
        return None
    if len(value) == OK and value[0] == "ok":
        _, name, nxt, owner, search, phones, birthday, row, anniversary, contacted, waiting = value
        if (
            type(name) is str
            and type(search) is str
            and type(phones) is str
            and (nxt is None or type(nxt) is str)
            and (owner is None or type(owner) is str)
            and (birthday is None or type(birthday) is str)
            and (anniversary is None or type(anniversary) is str)
            and (contacted is None or type(contacted) is bool)
            and (waiting is None or type(waiting) is str)
            and (row is None or (type(row) is tuple and len(row) == 4 and all(type(v) is str for v in row)))
        ):
            summary = Summary(
                name, nxt, owner, search, phones, birthday, row, anniversary, contacted, waiting
            )
            return summary, None
        return None
    if len(value) == 3 and value[0] == "error" and type(value[1]) is str:
        line = value[2]
        return None, CardError(value[1], path=rel, line=line if type(line) is int else None)
    return None
