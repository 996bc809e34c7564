"""Knowing your customers: every figure is derived from the cards' Log, never from a second store.

A purchase is a Log entry of kind ``purchase`` with an amount; the contacts are the kinds of
``card.log.CONTACT_KINDS`` (call, email, letter, meet...; a cadence asks for one kind by name). "The
last 12 months" runs from the same day a year ago to today.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .binder import Binder, Filed
from .card.log import LogEntry
from .config import Cadence, Settings, parse_cadence
from .dates import add_months
from .errors import CardError
from .ledger import no_cycle_collection

if TYPE_CHECKING:
    from .ledger import Account

SEGMENTS = ("loyal regulars", "regulars", "infrequent big spenders", "infrequent light buyers", "lapsed")
STAGES = ("lost", "VIP", "newcomers", "one-time buyers", "growing", "steady")
BOOKKEEPING = ("rolled", "balanced", "moved", "handover", "renamed", "cadence", "reminder", "note", "merged")


class Customer:
    """A card's account (``ledger.Account``) with its purchases picked out, in date order."""

    __slots__ = ("account", "purchases")

    def __init__(self, account: Account):
        self.account = account
        self.purchases = account.purchases()

    @property
    def id(self) -> str:
        return self.account.id

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def entries(self) -> tuple[LogEntry, ...]:
        return self.account.entries

    @property
    def first_purchase(self) -> dt.date | None:
        return self.purchases[0].date if self.purchases else None

    @property
    def last_purchase(self) -> dt.date | None:
        return self.purchases[-1].date if self.purchases else None

    def value(self, start: dt.date, end: dt.date) -> Decimal:
        return sum((p.amount or Decimal(0) for p in self.purchases if start <= p.date <= end), Decimal(0))

    def count(self, start: dt.date, end: dt.date) -> int:
        return sum(1 for p in self.purchases if start <= p.date <= end)

    def last_contact(self, kind: str) -> LogEntry | None:
        found = [e for e in self.account.entries if e.kind == kind]
        return found[-1] if found else None


def customers(binder: Binder, owner: str | None = None) -> tuple[list[Customer], list[str]]:
    """Every card as a customer, from the ledger (each card read only when it changed since the
    ledger saw it), with warnings for unreadable cards and malformed Log lines (skipped)."""
    from .config import owner_matches
    from .layout import CARD_FOLDERS
    from .ledger import Ledger

    found: list[Customer] = []
    warnings: list[str] = []
    for account in Ledger(binder.index_store()).accounts(CARD_FOLDERS):
        if isinstance(account, CardError):
            warnings.append(str(account))
        elif not owner or owner_matches(account.owner, owner):
            warnings += _bad_lines(account)
            found.append(Customer(account))
    return found, warnings


def customers_from(cards: Iterable[Filed]) -> tuple[list[Customer], list[str]]:
    """Cards already read as customers, with warnings for malformed Log lines (skipped)."""
    from .ledger import account_of

    found, warnings = [], []
    for filed in cards:
        account = account_of(filed.folder, filed.id, filed.card)
        warnings += _bad_lines(account)
        found.append(Customer(account))
    return found, warnings


def _bad_lines(account: Account) -> list[str]:
    return [
        f"{account.rel}:{line}: not a Log entry (- YYYY-MM-DD [HH:MM] KIND[ AMOUNT]: text); skipped"
        for line in account.bad
    ]


def year_before(today: dt.date) -> dt.date:
    return add_months(today, -12)


# --------------------------------------------------------------------------- 80/20


@dataclass(frozen=True)
class Ranked:
    customer: Customer
    value: Decimal
    group: str  # top, middle, rest


def pareto(found: Iterable[Customer], start: dt.date, end: dt.date) -> list[Ranked]:
    """Customers who bought from ``start`` to ``end``, best first: the top 20% (``top``), the next
    40% (``middle``), the rest. Counts round up, so one customer alone is ``top``."""
    valued = [(c, c.value(start, end)) for c in found]
    ranked = sorted(((c, v) for c, v in valued if v > 0), key=lambda cv: (-cv[1], cv[0].name.casefold()))
    top, middle = math.ceil(len(ranked) * 0.2), math.ceil(len(ranked) * 0.6)
    return [
        Ranked(c, v, "top" if i < top else "middle" if i < middle else "rest")
        for i, (c, v) in enumerate(ranked)
    ]


def shares(ranked: list[Ranked]) -> dict[str, tuple[int, Decimal, float]]:
    """Per group: customers, revenue, share of all revenue."""
    total = sum((r.value for r in ranked), Decimal(0))
    out = {}
    for group in ("top", "middle", "rest"):
        members = [r for r in ranked if r.group == group]
        value = sum((r.value for r in members), Decimal(0))
        out[group] = (len(members), value, float(value / total) if total else 0.0)
    return out


# --------------------------------------------------------------------------- lapsed and buying less


@dataclass(frozen=True)
class Lapsed:
    customer: Customer
    reasons: tuple[str, ...]


def usual_interval(customer: Customer) -> float | None:
    """Median days between a customer's purchases (needs three purchases: two intervals)."""
    days = [(b.date - a.date).days for a, b in zip(customer.purchases, customer.purchases[1:], strict=False)]
    return statistics.median(days) if len(days) >= 2 else None


def lapsed(found: Iterable[Customer], today: dt.date, settings: Settings) -> list[Lapsed]:
    """Who stopped buying, and who buys clearly less (under half) than the year before."""
    out = []
    recent_start = year_before(today)
    earlier_start = add_months(today, -24)
    for customer in found:
        last = customer.last_purchase
        if last is None:
            continue  # a prospect has nothing to lapse from
        reasons = []
        idle = (today - last).days
        usual = usual_interval(customer)
        if add_months(last, settings.lapsed_months) < today:
            reasons.append(
                f"no purchase for {idle} days (since {last}; more than {settings.lapsed_months} months)"
            )
        elif usual is not None and idle > 2 * usual:
            reasons.append(f"no purchase for {idle} days, more than twice their usual {usual:g} days")
        recent = customer.value(recent_start, today)
        earlier = customer.value(earlier_start, recent_start - dt.timedelta(days=1))
        if earlier > 0 and recent < earlier / 2:
            drop = round(100 * (1 - recent / earlier))
            reasons.append(
                f"bought {recent:,.2f} in the last 12 months "
                f"against {earlier:,.2f} the year before (-{drop}%)"
            )
        else:
            recent_n = customer.count(recent_start, today)
            earlier_n = customer.count(earlier_start, recent_start - dt.timedelta(days=1))
            if earlier_n >= 2 and recent_n < earlier_n / 2:
                reasons.append(
                    f"{recent_n} purchase{'s' if recent_n != 1 else ''} in the last 12 months "
                    f"against {earlier_n} the year before"
                )
        if reasons:
            out.append(Lapsed(customer, tuple(reasons)))
    return sorted(out, key=lambda lp: (lp.customer.last_purchase, lp.customer.name.casefold()))


# --------------------------------------------------------------------------- segments


def average_purchase(customer: Customer, today: dt.date) -> Decimal:
    recent = [p.amount for p in customer.purchases if p.date >= year_before(today) and p.amount is not None]
    amounts = recent or [p.amount for p in customer.purchases if p.amount is not None]
    return sum(amounts, Decimal(0)) / len(amounts) if amounts else Decimal(0)


def big_spender_line(found: list[Customer], today: dt.date, settings: Settings) -> Decimal:
    if settings.big_spender > 0:
        return Decimal(str(settings.big_spender))
    averages = [average_purchase(c, today) for c in found if c.purchases]
    return Decimal(statistics.median(averages)) if averages else Decimal(0)


def segment_of(customer: Customer, today: dt.date, settings: Settings, big_spender: Decimal) -> str | None:
    """The playbook's five groups (None for a prospect with no purchase):

    lapsed: no purchase for ``lapsed_months``; loyal regulars: at least ``regular_purchases`` in the
    last 12 months and a first purchase ``loyal_years`` ago or more; regulars: as many purchases but
    newer; infrequent big spenders: fewer purchases, average purchase at or above the big-spender
    line; infrequent light buyers: fewer purchases, smaller average purchase."""
    last = customer.last_purchase
    if last is None:
        return None
    if add_months(last, settings.lapsed_months) < today:
        return "lapsed"
    if customer.count(year_before(today), today) >= settings.regular_purchases:
        first = customer.first_purchase
        assert first is not None
        return "loyal regulars" if first <= add_months(today, -12 * settings.loyal_years) else "regulars"
    return (
        "infrequent big spenders"
        if average_purchase(customer, today) >= big_spender
        else "infrequent light buyers"
    )


def spender_line(binder: Binder, today: dt.date) -> Decimal:
    """The big-spender line of the whole customer base (``big_spender``, else the median average
    purchase, from the ledger)."""
    if binder.settings.big_spender > 0:
        return Decimal(str(binder.settings.big_spender))
    return big_spender_line(customers(binder)[0], today, binder.settings)


def card_segment(filed: Filed, today: dt.date, settings: Settings, big_spender: Decimal) -> str | None:
    """One card's segment (``segment_of``), against a big-spender line the caller has
    (``spender_line``); None for a prospect with no purchase."""
    return segment_of(customers_from([filed])[0][0], today, settings, big_spender)


def segments(found: list[Customer], today: dt.date, settings: Settings) -> list[tuple[Customer, str]]:
    line = big_spender_line(found, today, settings)
    out = []
    for customer in found:
        segment = segment_of(customer, today, settings, line)
        if segment is not None:
            out.append((customer, segment))
    return sorted(out, key=lambda cs: (SEGMENTS.index(cs[1]), cs[0].name.casefold()))


def stages(found: list[Customer], today: dt.date, settings: Settings) -> list[tuple[Customer, str]]:
    """The sales-side lifecycle, first match wins: lost (lapsed), VIP (top 20% of the last 12
    months), newcomers (first purchase in the last 3 months), one-time buyers, growing (bought over
    a quarter more than the year before), steady."""
    vip = {r.customer.id for r in pareto(found, year_before(today), today) if r.group == "top"}
    out = []
    for customer in found:
        last, first = customer.last_purchase, customer.first_purchase
        if last is None or first is None:
            continue
        recent = customer.value(year_before(today), today)
        earlier = customer.value(add_months(today, -24), year_before(today) - dt.timedelta(days=1))
        if add_months(last, settings.lapsed_months) < today:
            stage = "lost"
        elif customer.id in vip:
            stage = "VIP"
        elif first >= add_months(today, -3):
            stage = "newcomers"
        elif len(customer.purchases) == 1:
            stage = "one-time buyers"
        elif earlier > 0 and recent > earlier * Decimal("1.25"):
            stage = "growing"
        else:
            stage = "steady"
        out.append((customer, stage))
    return sorted(out, key=lambda cs: (STAGES.index(cs[1]), cs[0].name.casefold()))


# --------------------------------------------------------------------------- the reports, from a binder


def ranking(
    binder: Binder, owner: str | None, start: dt.date, end: dt.date
) -> tuple[list[Ranked], dict[str, tuple[int, Decimal, float]], list[str]]:
    """``report pareto``: the customers ranked, each group's share, and warnings."""
    with no_cycle_collection():
        found, warnings = customers(binder, owner)
        ranked = pareto(found, start, end)
        return ranked, shares(ranked), warnings


def lapsed_customers(binder: Binder, owner: str | None, today: dt.date) -> tuple[list[Lapsed], list[str]]:
    """``report lapsed``: who stopped buying or buys clearly less, and warnings."""
    with no_cycle_collection():
        found, warnings = customers(binder, owner)
        return lapsed(found, today, binder.settings), warnings


def grouping(
    binder: Binder, owner: str | None, today: dt.date, *, matrix: bool
) -> tuple[list[tuple[Customer, str]], int, list[str]]:
    """``report segments`` (or ``--matrix``, the lifecycle stages): customers with their group, how
    many prospects have no purchase, and warnings."""
    with no_cycle_collection():
        found, warnings = customers(binder, owner)
        grouped = stages(found, today, binder.settings) if matrix else segments(found, today, binder.settings)
        prospects = sum(1 for c in found if not c.purchases)
        return grouped, prospects, warnings


# --------------------------------------------------------------------------- keeping in touch


@dataclass(frozen=True)
class Contact:
    """A card ``roll`` files today: what to do and why."""

    id: str
    action: str
    entry_kind: str
    why: str


def cadences_of(customer: Customer, segment: str | None, settings: Settings) -> tuple[Cadence, ...]:
    """The card's own ``cadence``, else its tags', else its segment's, else the default."""
    own = customer.account.cadence
    if own:
        try:
            return parse_cadence(own)
        except ValueError:
            return ()
    by_tag = tuple(c for tag in customer.account.tags for c in settings.cadence.tags.get(tag.lower(), ()))
    if by_tag:
        return by_tag
    if segment and segment in settings.cadence.segments:
        return settings.cadence.segments[segment]
    return settings.cadence.default


def median_repurchase_days(found: Iterable[Customer]) -> float | None:
    """The typical days from a customer's first purchase to their second, across the base."""
    gaps = [(c.purchases[1].date - c.purchases[0].date).days for c in found if len(c.purchases) >= 2]
    return statistics.median(gaps) if gaps else None


def keep_in_touch(
    found: list[Customer], today: dt.date, settings: Settings, lead_days: int = 7
) -> list[Contact]:
    """Cards whose keep-in-touch contact or repurchase call is due and not yet filed for it.

    A card already due today or earlier is left alone (it will be worked anyway), and each due
    contact is filed once: a ``cadence`` (or ``reminder``) Log entry newer than the last contact of
    that kind means it was filed already, and a rep who moved it later is not overruled."""
    line = big_spender_line(found, today, settings) if settings.cadence.segments else Decimal(0)
    repurchase = median_repurchase_days(found) if settings.repurchase_reminder else None
    planned = []
    for customer in found:
        written = customer.account.next
        if written is not None and written[:10] <= today.isoformat():
            continue
        segment = segment_of(customer, today, settings, line) if settings.cadence.segments else None
        best: tuple[dt.date, Contact] | None = None
        for cadence in cadences_of(customer, segment, settings):
            last = customer.last_contact(cadence.kind)
            due = add_months(last.date, cadence.months) if last else today
            if due > today or _filed_since(customer, "cadence", last.date if last else None, cadence.kind):
                continue
            since = f"last {cadence.kind} {last.date}" if last else f"no {cadence.kind} yet"
            candidate = Contact(
                customer.id, cadence.kind, "cadence", f"{cadence.kind} due: {cadence}, {since}"
            )
            if best is None or due < best[0]:
                best = (due, candidate)
        if best is None and repurchase is not None and len(customer.purchases) == 1:
            first = customer.purchases[0].date
            due = first + dt.timedelta(days=max(0, round(repurchase) - lead_days))
            if due <= today and not _filed_since(customer, "reminder", first, "repurchase"):
                typical = round(repurchase)
                why = (
                    f"repurchase call: customers usually buy again {typical} days after their first purchase"
                )
                best = (due, Contact(customer.id, "call", "reminder", why))
        if best is not None:
            planned.append(best[1])
    return planned


def _filed_since(customer: Customer, entry_kind: str, since: dt.date | None, word: str) -> bool:
    return any(
        e.kind == entry_kind and e.text.startswith(word) and (since is None or e.date >= since)
        for e in customer.entries
    )
