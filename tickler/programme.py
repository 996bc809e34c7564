"""The retail programme: loyalty points, and what a mailing brought back. Like every report it is
derived from the cards' Log, never from a second store.

**Loyalty.** Each ``purchase`` entry earns points on its own: its amount divided by
``points_per``, the rest dropped (two purchases of 150 with ``points_per = 100`` earn 1 + 1, not 3,
as the stamps of a stamp card). A return, a purchase with a negative amount, takes back the points
that amount would have earned (-150 takes back 1). A ``reward`` entry redeems the points its amount
says, a whole number. The points are earned minus redeemed; a reward is ready when they reach
``reward_at``.

**Campaigns.** ``letters --log`` writes a ``letter: TEMPLATE`` entry on each card written to; the
entries of one text on one day are one campaign. A customer responded when a purchase follows
within the campaign's days: from the day after the letter to that many days later, both ends
counted (the letter's own day is not: a letter posted in the morning did not bring that day's
purchase, and a purchase logged the same day was often made before). Every purchase in that window
counts towards the campaign's revenue, and a purchase that follows two campaigns counts for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from .errors import SettingsError, TicklerError
from .layout import SETTINGS_FILE
from .ledger import no_cycle_collection

if TYPE_CHECKING:
    from .binder import Binder
    from .card import Card
    from .card.log import LogEntry
    from .config import Loyalty, Settings
    from .report import Customer

REWARD_READY = "reward-ready"  # the selector of ``letters --segment``


def programme(settings: Settings) -> Loyalty:
    """The binder's loyalty programme; an error naming the settings file when there is none."""
    if settings.loyalty is None:
        raise SettingsError(
            "there is no loyalty programme yet: set [loyalty] points_per = 100 and reward_at = 500",
            path=SETTINGS_FILE,
        )
    return settings.loyalty


def points_earned(amount: Decimal, loyalty: Loyalty) -> int:
    """The points of one purchase: whole points only, a return (a negative amount) takes back."""
    return int(amount // Decimal(str(loyalty.points_per)))  # (Decimal's // cuts towards zero)


def reward_points(amount: Decimal | None) -> int | None:
    """The points a ``reward`` entry redeems: its amount, a whole number above zero; else None."""
    if amount is None or amount <= 0 or amount != amount.to_integral_value():
        return None
    return int(amount)


class Balance(NamedTuple):
    earned: int
    redeemed: int

    @property
    def points(self) -> int:
        return self.earned - self.redeemed


def balance_of(
    purchases: Iterable[LogEntry], rewards: Iterable[LogEntry], loyalty: Loyalty
) -> tuple[Balance, list[LogEntry]]:
    """The points earned and redeemed, and the reward entries that redeem no whole number of
    points (left out)."""
    per = Decimal(str(loyalty.points_per))
    earned = sum(int(p.amount // per) for p in purchases if p.amount is not None)  # as points_earned
    redeemed = 0
    bad = []
    for reward in rewards:
        points = reward_points(reward.amount)
        if points is None:
            bad.append(reward)
        else:
            redeemed += points
    return Balance(earned, redeemed), bad


def card_balance(card: Card, loyalty: Loyalty) -> Balance:
    """A card's points, from its own Log (what ``log --kind reward`` checks before redeeming)."""
    entries = card.log()[0]
    purchases = [e for e in entries if e.kind == "purchase"]
    return balance_of(purchases, [e for e in entries if e.kind == "reward"], loyalty)[0]


@dataclass(frozen=True)
class Member:
    customer: Customer
    balance: Balance
    ready: bool


def members(found: Iterable[Customer], loyalty: Loyalty) -> tuple[list[Member], list[str]]:
    """Every customer with a purchase or a reward, most points first, and warnings for reward
    entries that redeem no whole number of points."""
    out, warnings = [], []
    for customer in found:
        rewards = customer.account.of_kind("reward")
        if not customer.purchases and not rewards:
            continue
        balance, bad = balance_of(customer.purchases, rewards, loyalty)
        warnings += [
            f"{customer.account.rel}:{e.line}: a reward redeems a whole number of points, its amount "
            "(reward 500: ...); skipped"
            for e in bad
        ]
        out.append(Member(customer, balance, balance.points >= loyalty.reward_at))
    out.sort(key=lambda m: (-m.balance.points, m.customer.name.casefold(), m.customer.id))
    return out, warnings


def loyalty_report(binder: Binder, owner: str | None) -> tuple[list[Member], list[str]]:
    """``report loyalty``: each member's points, and warnings."""
    from .report import customers

    loyalty = programme(binder.settings)
    with no_cycle_collection():
        found, warnings = customers(binder, owner)
        listed, more = members(found, loyalty)
        return listed, warnings + more


def reward_ready(found: Iterable[Customer], settings: Settings) -> dict[str, Balance]:
    """The customers whose points have reached ``reward_at``, by id, with their balance."""
    loyalty = programme(settings)
    return {m.customer.id: m.balance for m in members(found, loyalty)[0] if m.ready}


def check_redemption(card: Card, points: str | None, settings: Settings, card_id: str) -> None:
    """Refuse a ``reward`` entry that would redeem no whole number of points, or more points
    than the card holds (the message names the balance)."""
    loyalty = programme(settings)
    try:
        wanted = reward_points(Decimal(points)) if points is not None else None
    except ArithmeticError:
        wanted = None
    if wanted is None:
        raise TicklerError(
            "a reward redeems points: give them as a whole number, e.g. --kind reward --amount 500"
        )
    have = card_balance(card, loyalty)
    if wanted > have.points:
        raise TicklerError(
            f"{card_id} has {have.points} points ({have.earned} earned, {have.redeemed} redeemed): "
            f"not enough to redeem {wanted}"
        )


# --------------------------------------------------------------------------- campaigns


@dataclass(frozen=True)
class Campaign:
    name: str  # the letter entries' text: the template's name
    date: dt.date
    days: int
    sent: int
    responded: int
    revenue: Decimal

    @property
    def rate(self) -> float:
        return self.responded / self.sent if self.sent else 0.0

    @property
    def until(self) -> dt.date:
        """The last day a purchase counts as a response."""
        return self.date + dt.timedelta(days=self.days)

    def as_json(self) -> dict[str, object]:
        return {
            "campaign": self.name,
            "date": self.date.isoformat(),
            "sent": self.sent,
            "responded": self.responded,
            "rate": round(self.rate, 4),
            "revenue": float(self.revenue),
        }


def campaigns(found: Iterable[Customer], days: int) -> list[Campaign]:
    """The letters sent, grouped by text and day, oldest first, each with who bought within
    ``days`` after it and what they spent in that time. A customer sent one letter twice on a day
    counts once."""
    sent: dict[tuple[str, dt.date], int] = {}
    responded: dict[tuple[str, dt.date], int] = {}
    revenue: dict[tuple[str, dt.date], Decimal] = {}
    span = dt.timedelta(days=days)
    for customer in found:
        for key in {(e.text, e.date) for e in customer.account.of_kind("letter")}:
            day = key[1]
            bought = [
                p.amount for p in customer.purchases if p.amount is not None and day < p.date <= day + span
            ]
            sent[key] = sent.get(key, 0) + 1
            if bought:
                responded[key] = responded.get(key, 0) + 1
                revenue[key] = revenue.get(key, Decimal(0)) + sum(bought, Decimal(0))
    out = [
        Campaign(name, day, days, count, responded.get((name, day), 0), revenue.get((name, day), Decimal(0)))
        for (name, day), count in sent.items()
    ]
    return sorted(out, key=lambda c: (c.date, c.name.casefold(), c.name))


def campaign_report(binder: Binder, owner: str | None, days: int) -> tuple[list[Campaign], list[str]]:
    """``report campaigns``: every campaign's return, and warnings."""
    from .report import customers

    with no_cycle_collection():
        found, warnings = customers(binder, owner)
        return campaigns(found, days), warnings
