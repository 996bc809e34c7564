"""``handover``: give one rep's cards to another, all of them or those due during an absence."""

from __future__ import annotations

import datetime as dt

from ..binder import Binder, Change
from ..card import format_entry
from ..config import owner_matches
from ..dates import Clock
from ..errors import TicklerError


def handover(
    binder: Binder,
    from_owner: str,
    to_owner: str,
    clock: Clock,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Change]:
    """Give ``from_owner``'s cards (those due from ``start`` to ``end``, when given) to ``to_owner``."""
    if not to_owner.strip() or not from_owner.strip():
        raise TicklerError("handover needs two owners: FROM and TO")
    if owner_matches(from_owner, to_owner):
        raise TicklerError(
            f"FROM and TO are the same owner ('{from_owner}' and '{to_owner}'); nothing to hand over"
        )
    changes = []
    with binder.changing("tickler handover") as tx:
        for filed in binder.scan().cards:
            card = filed.card
            if not owner_matches(card.owner, from_owner):
                continue
            due = card.next
            if start is not None or end is not None:
                if due is None:
                    continue
                if (start and due.date < start) or (end and due.date > end):
                    continue
            entry = format_entry(clock.today, "handover", f"from {card.owner} to {to_owner}", time=clock.now)
            card = card.with_entry(entry).with_field("owner", to_owner.strip())
            saved = binder.save(filed, card, clock.today)
            changes.append(Change(filed.id, filed.folder, saved.folder, due, due, f"from {filed.card.owner}"))
        tx.message = f"tickler handover: {from_owner} -> {to_owner.strip()}, {len(changes)} cards"
        tx.details = [c.id for c in changes]
    return changes
