"""The customer reports and a card's history as text, JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import Style, card_json, display_width, fitted_lines, fitted_table, money

if TYPE_CHECKING:
    from ..activity import RepActivity
    from ..binder import Filed
    from ..config import Loyalty
    from ..git import HistoryEntry
    from ..programme import Campaign, Member
    from ..report import Customer, Lapsed, Ranked

Rows = Sequence[tuple["Filed", dict[str, Any]]]  # cards with the report's own keys
REQUEST_KEYS = ("answered", "open", "late", "median_hours", "within")


def _count(count: int, word: str) -> str:
    """``1 customer``, ``2 customers``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def rows_json(rows: Rows, today: dt.date) -> list[dict[str, Any]]:
    """Cards as JSON with the report's keys added."""
    return [{**card_json(f, today), **extra} for f, extra in rows]


def rows_csv(rows: Rows) -> str:
    """The report as CSV: who, how to reach them, then the report's keys."""
    out = io.StringIO()
    keys = list(rows[0][1]) if rows else []
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "company", "phone", "email", "owner", *keys])
    for filed, extra in rows:
        card = filed.card
        fixed = [card.get(k) for k in ("company", "phone", "email")]
        writer.writerow(
            [
                filed.id,
                card.name,
                *("" if v is None else v for v in fixed),
                card.owner or "",
                *("; ".join(v) if isinstance(v, list) else v for v in extra.values()),
            ]
        )
    return out.getvalue()


def pareto(
    ranked: Sequence[Ranked], shares: dict[str, tuple[int, Decimal, float]], period: str, style: Style
) -> list[str]:
    """The 80/20 view: each group's customers, revenue and share as a bar, then the ranking."""
    total = sum((r.value for r in ranked), Decimal(0))
    lines = fitted_lines(
        [f"Purchases, {period}: {_count(len(ranked), 'customer')} bought, {money(total)} in all"], style
    )
    if not ranked:
        return lines
    for group, (count, value, share) in shares.items():
        plural = "s" if count != 1 else " "
        line = f"  {group:<7} {count:>4} customer{plural}  {money(value):>14}  {share:>4.0%}"
        if style.width is not None and display_width(line) > style.width:  # narrow: in words, wrapped
            words = f"  {group}: {_count(count, 'customer')}, {money(value)}, {share:.0%}"
            lines += fitted_lines([words], style)
            continue
        scale = 30 if style.width is None else max(0, min(30, style.width - display_width(line) - 2))
        bar = ("█" if style.width else "#") * round(share * scale)
        lines.append(f"{line}  {bar}".rstrip())
    lines.append("")
    rows = [
        [str(i + 1), r.customer.name, money(r.value), f"{float(r.value / total):.1%}", r.group]
        for i, r in enumerate(ranked)
    ]
    lines += fitted_table(rows, style, header=["RANK", "NAME", "VALUE", "SHARE", "GROUP"], name=1)
    return lines


def lapsed(found: Sequence[Lapsed], style: Style) -> list[str]:
    rows = [[lp.customer.name, str(lp.customer.last_purchase), "; ".join(lp.reasons)] for lp in found]
    return fitted_table(rows, style, header=["NAME", "LAST PURCHASE", "REASON"], wrap_last=True)


def groups(
    grouped: Sequence[tuple[Customer, str]],
    order: Sequence[str],
    prospects: int,
    today: dt.date,
    style: Style,
) -> list[str]:
    """Segments or lifecycle stages: a heading per group, then its customers with their last
    purchase, purchases in the last 12 months and average purchase."""
    from ..report import average_purchase, year_before

    year_ago = year_before(today)
    lines = fitted_lines(
        [f"{_count(len(grouped), 'customer')} with purchases, {_count(prospects, 'prospect')} without"], style
    )
    for group in order:
        members = [c for c, g in grouped if g == group]
        if not members:
            continue
        lines += [style.paint(line, "1") for line in fitted_lines([f"{group} ({len(members)})"], style)]
        rows = [
            [
                c.name,
                str(c.last_purchase),
                str(c.count(year_ago, today)),
                money(average_purchase(c, today)),
            ]
            for c in members
        ]
        lines += fitted_table(rows, style, header=["NAME", "LAST PURCHASE", "IN 12 MONTHS", "AVERAGE"])
    return lines


def loyalty(members: Sequence[Member], programme: Loyalty, style: Style) -> list[str]:
    """The programme in a line, then each member's points, most first, and how far from a reward."""
    ready = sum(1 for m in members if m.ready)
    lines = fitted_lines(
        [
            f"Loyalty: a point for each {money(programme.points_per)} spent; "
            f"{programme.reward} at {programme.reward_at} points",
            f"{_count(len(members), 'customer')} with points, {ready} with a reward ready",
        ],
        style,
    )
    rows = [
        [
            m.customer.name,
            str(m.balance.points),
            str(m.balance.earned),
            str(m.balance.redeemed),
            "ready" if m.ready else f"{programme.reward_at - m.balance.points} to go",
        ]
        for m in members
    ]
    if rows:
        lines += fitted_table(rows, style, header=["NAME", "POINTS", "EARNED", "REDEEMED", "REWARD"])
    return lines


def campaigns(found: Sequence[Campaign], today: dt.date, style: Style) -> list[str]:
    """Each letter campaign: how many it went to, how many bought within the days after it, the
    rate and the revenue; a campaign whose days are not over yet says so."""
    if not found:
        return fitted_lines(["no letters logged yet (tickler letters TEMPLATE --out DIR --log)"], style)
    days = found[0].days
    lines = fitted_lines([f"Letters and the purchases within {days} days after them"], style)
    rows = []
    for c in found:
        rate = f"{c.rate:.1%}" + (" so far" if c.until >= today else "")
        rows.append([c.name or "-", str(c.date), str(c.sent), str(c.responded), rate, money(c.revenue)])
    header = ["CAMPAIGN", "DATE", "SENT", "RESPONDED", "RATE", "REVENUE"]
    return lines + fitted_table(rows, style, header=header)


def campaigns_csv(found: Sequence[Campaign]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["campaign", "date", "sent", "responded", "rate", "revenue"])
    for c in found:
        writer.writerow(
            [c.name, c.date.isoformat(), c.sent, c.responded, f"{c.rate:.4f}", f"{c.revenue:.2f}"]
        )
    return out.getvalue()


def replies(rep: RepActivity) -> str:
    """``3 answered, 1 open, 1 late; median 4.5h; 75% in time``, or ``-`` without requests."""
    asked = rep.requests
    if not asked.answered and not asked.open:
        return "-"
    text = f"{asked.answered} answered, {asked.open} open, {asked.late} late"
    median = asked.median_hours
    if median is not None:
        text += f"; median {median:g}h"
    within = asked.within
    if within is not None:
        text += f"; {within:.0%} in time"
    return text


def activity(reps: Sequence[RepActivity], period: str, capacity: int, style: Style) -> list[str]:
    """Per rep: the Log entries written by kind, purchases and revenue, and today's load as a bar."""
    lines = fitted_lines([f"Activity, {period}"], style)
    if not reps:
        return [*lines, "  no cards"]
    rows = []
    for rep in reps:
        kinds = ", ".join(
            f"{kind} {count}" for kind, count in sorted(rep.entries.items(), key=lambda kc: (-kc[1], kc[0]))
        )
        filled = min(10, round(10 * rep.load / capacity)) if capacity else 10
        bar = ("█" if style.width else "#") * filled + ("░" if style.width else ".") * (10 - filled)
        if rep.load > capacity:
            bar = style.paint(bar, "31")
        rows.append(
            [
                rep.owner or "(nobody)",
                str(rep.written),
                kinds or "-",
                str(rep.purchases),
                money(rep.revenue),
                str(rep.overdue),
                str(rep.due_today),
                f"{bar} {rep.load}/{capacity}",
                replies(rep),
            ]
        )
    header = ["REP", "ENTRIES", "BY KIND", "PURCHASES", "REVENUE", "OVERDUE", "TODAY", "LOAD", "REQUESTS"]
    return lines + fitted_table(rows, style, header=header, cut=(8, 2))


def activity_csv(reps: Sequence[RepActivity]) -> str:
    out = io.StringIO()
    kinds = sorted({kind for rep in reps for kind in rep.entries})
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "owner",
            "entries",
            *kinds,
            "purchases",
            "revenue",
            "overdue",
            "due_today",
            *(f"requests_{key}" for key in REQUEST_KEYS),
        ]
    )
    for rep in reps:
        counts = [rep.entries.get(kind, 0) for kind in kinds]
        asked = rep.requests.as_json()
        writer.writerow(
            [
                rep.owner or "",
                rep.written,
                *counts,
                rep.purchases,
                f"{rep.revenue:.2f}",
                rep.overdue,
                rep.due_today,
                *("" if asked[key] is None else asked[key] for key in REQUEST_KEYS),
            ]
        )
    return out.getvalue()


def history_json(entries: Sequence[HistoryEntry]) -> list[dict[str, Any]]:
    return [
        {
            "commit": e.commit,
            "date": e.date,
            "author": e.author,
            "message": e.message,
            "path": e.path,
            "next_from": e.next_from,
            "next_to": e.next_to,
            "log_added": list(e.log_added),
        }
        for e in entries
    ]


def history(entries: Sequence[HistoryEntry], style: Style) -> list[str]:
    """Each commit, newest first, with the follow-up date it set and the Log entries it added."""
    lines = []
    for entry in entries:
        when = entry.date[:16].replace("T", " ")
        lines.append(f"{style.paint(entry.commit[:8], '33')}  {when}  {entry.author}  {entry.message}")
        if entry.next_from is not None or entry.next_to is not None:
            lines.append(f"    next: {entry.next_from or 'none'} -> {entry.next_to or 'none'}")
        lines += [f"    + {line}" for line in entry.log_added]
    return lines
