"""Filing many cards for one contact in one commit: the calls ``report lapsed --schedule`` plans,
and the ``letter`` entries ``letters --log`` writes."""

from __future__ import annotations

from ..binder import Binder, Change
from ..card import format_entry
from ..dates import Clock, Due


def schedule_calls(
    binder: Binder, calls: list[tuple[str, str]], due: Due, clock: Clock, *, message: str
) -> list[Change]:
    """File each card (id, why) for a personal call on ``due``, with a Log entry saying why."""
    changes = []
    with binder.changing(message) as tx:
        for card_id, why in calls:
            filed = binder.resolve(card_id)
            text = f"{why}. Next: {due}"
            card = filed.card.with_entry(format_entry(clock.today, "note", text, time=clock.now))
            card = card.with_field("next", due).with_field("action", "call")
            saved = binder.save(filed, card, clock.today)
            changes.append(Change(filed.id, filed.folder, saved.folder, filed.card.next, due, "call"))
        tx.details = [f"{c.id}: call on {due}" for c in changes]
    return changes


def log_letters(binder: Binder, card_ids: list[str], template: str, clock: Clock) -> None:
    """A ``letter`` Log entry on each card a letter was written for (one commit)."""
    with binder.changing(f"tickler letters: {template}, {len(card_ids)} cards") as tx:
        for card_id in card_ids:
            filed = binder.resolve(card_id)
            card = filed.card.with_entry(format_entry(clock.today, "letter", template, time=clock.now))
            binder.save(filed, card, clock.today)
        tx.details = card_ids


def schedule_lapsed(
    binder: Binder, owner: str | None, due: Due, clock: Clock
) -> tuple[list[Change], list[str]]:
    """File every lapsed customer (``report lapsed``) for a personal call on ``due``, each with a
    Log entry giving the reason; one commit. Returns the changes and the report's warnings."""
    from ..report import lapsed_customers

    lapsed, warnings = lapsed_customers(binder, owner, clock.today)
    calls = [(lp.customer.id, "lapsed customer: " + "; ".join(lp.reasons)) for lp in lapsed]
    message = f"tickler report lapsed: {len(calls)} calls on {due}"
    return schedule_calls(binder, calls, due, clock, message=message), warnings
