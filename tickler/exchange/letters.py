"""Personal letters: a mail merge of a Markdown template with each card's fields.

A template is filled as data only: ``{name}``-style placeholders are looked up in the card's
fields, nothing else (no attribute or index access, no code, no other files). A card missing a
field the template needs is listed, never sent with a hole."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from pathlib import Path

from ..binder import Binder, Filed
from ..dates import Clock
from ..errors import TicklerError
from ..names import first_and_last


@dataclass(frozen=True)
class Letter:
    filed: Filed
    text: str | None  # None when fields are missing
    missing: tuple[str, ...] = ()


def placeholders(template: str) -> list[str]:
    """The field names a template uses; refuses anything but plain names."""
    names = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TicklerError(
            f"the letter template has a stray brace: {exc}; write {{{{ and }}}} for braces"
        ) from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise TicklerError(f"'{{{field}}}' is not a plain field name; use {{name}}, {{company}}, ...")
        names.append(field)
    return names


def values_for(filed: Filed) -> dict[str, str]:
    card = filed.card
    out: dict[str, str] = {}
    for key, value in card.as_fields_json().items():
        if value in (None, "", []):
            continue
        out[str(key)] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    first, last = first_and_last(card.name)
    out["name"] = card.name
    out.setdefault("first_name", first)  # first_name and last_name on the card win
    if last is not None:
        out.setdefault("last_name", last)
    out["id"] = filed.id
    return out


def merge(template: str, cards: list[Filed], extra: dict[str, dict[str, str]] | None = None) -> list[Letter]:
    """A letter for each card; ``extra`` adds values by card id that the card's fields do not
    hold (the loyalty points)."""
    needed = placeholders(template)
    letters = []
    for filed in cards:
        values = {**(extra or {}).get(filed.id, {}), **values_for(filed)}
        missing = tuple(dict.fromkeys(n for n in needed if n not in values))
        if missing:
            letters.append(Letter(filed, None, missing))
            continue
        letters.append(Letter(filed, template.format_map(values)))
    return letters


def choose(
    binder: Binder,
    today: dt.date,
    *,
    segment: str | None = None,
    tag: str | None = None,
    due: tuple[dt.date, dt.date] | None = None,
) -> tuple[list[Filed], list[TicklerError]]:
    """The cards a mail merge writes to: those due in ``due``, else all; with ``tag``; in ``segment``
    (one of ``report segments``, or ``reward-ready``: whose loyalty points reach ``reward_at``)."""
    from ..programme import REWARD_READY
    from ..query import due_between, has_tag

    scan = due_between(binder, *due, today) if due is not None else binder.scan()
    cards = sorted(scan.cards, key=lambda f: f.id)
    if tag:
        cards = [f for f in cards if has_tag(f, tag)]
    if segment:
        from .. import report

        wanted = segment.strip().lower()
        if wanted not in (*report.SEGMENTS, REWARD_READY):
            known = ", ".join((*report.SEGMENTS, REWARD_READY))
            raise TicklerError(f"no segment '{segment}' (there are: {known})")
        found, _ = report.customers_from(cards)
        if wanted == REWARD_READY:
            from ..programme import reward_ready

            chosen = set(reward_ready(found, binder.settings))
        else:
            chosen = {c.id for c, s in report.segments(found, today, binder.settings) if s == wanted}
        cards = [f for f in cards if f.id in chosen]
    return cards, scan.problems


def loyalty_values(binder: Binder, cards: list[Filed]) -> dict[str, dict[str, str]]:
    """``{points}`` (the card's loyalty points) and ``{reward}`` for each card, when the binder
    has a loyalty programme."""
    loyalty = binder.settings.loyalty
    if loyalty is None:
        return {}
    from ..programme import balance_of
    from ..report import customers_from

    found, _ = customers_from(cards)
    out = {}
    for customer in found:
        balance, _ = balance_of(customer.purchases, customer.account.of_kind("reward"), loyalty)
        out[customer.id] = {"points": str(balance.points), "reward": loyalty.reward}
    return out


def write_letters(
    binder: Binder,
    template: Path,
    out: Path,
    clock: Clock,
    *,
    segment: str | None = None,
    tag: str | None = None,
    due: tuple[dt.date, dt.date] | None = None,
    log: bool = False,
) -> tuple[list[Letter], list[TicklerError]]:
    """``letters``: a letter for each chosen card into ``out/<id>.md`` (a card lacking a field gets
    none); with ``log``, a ``letter`` Log entry on each card written for, in one commit."""
    from ..fsutil import atomic_write
    from .sources import read_text

    text = read_text(template)
    cards, problems = choose(binder, clock.today, segment=segment, tag=tag, due=due)
    results = merge(text, cards, loyalty_values(binder, cards))
    written = [r for r in results if r.text is not None]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TicklerError(f"cannot create the folder: {exc.strerror}", path=out) from None
    for letter in written:
        assert letter.text is not None
        atomic_write(out.resolve() / f"{letter.filed.id}.md", letter.text.encode("utf-8"))
    if log and written:
        from ..plans.calls import log_letters

        log_letters(binder, [r.filed.id for r in written], template.stem, clock)
    return results, problems
