"""Knowing your customers: report pareto | lapsed | segments | activity | loyalty | campaigns, all
from the cards' Log."""

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import TicklerError
from .common import (
    CsvOption,
    JsonOption,
    clock,
    dump_json,
    echo_change,
    echo_lines,
    open_binder,
    plural,
    report_problems,
    style,
    when,
    working,
)

if TYPE_CHECKING:
    from ..binder import Binder
    from ..dates import Clock
    from ..report import Customer

room = typer.Typer(rich_markup_mode=None)
report_app = typer.Typer(
    help="Know your customers: the best 20%, who stopped buying, segments, loyalty, campaigns. "
    "All from the cards' Log.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
room.add_typer(report_app, name="report")


@report_app.callback()
def _reports(ctx: typer.Context) -> None:
    """Know your customers: the best 20%, who stopped buying, segments, loyalty, campaigns. All
    from the cards' Log."""
    from ..ledger import no_cycle_collection

    # A report holds a binder's accounts (hundreds of thousands of small tuples, no cycles among
    # them) until it has printed: the cycle collector waits until the command is done.
    ctx.with_resource(no_cycle_collection())


ReportOwner = Annotated[str | None, typer.Option("--owner", metavar="NAME", help="Only one rep's customers.")]


def _rows(
    binder: "Binder",
    rows: list[tuple["Customer", dict[str, Any]]],
    today: dt.date,
    *,
    json_: bool,
    csv_: bool,
) -> bool:
    """Print rows as JSON (cards with the report's keys) or CSV; False when neither was asked. The
    reports work from the ledger; only these forms, which give every field, read the cards."""
    from .. import progress
    from ..render import reports

    if not (json_ or csv_):
        return False
    with working(json_=json_):
        progress.stage("Reading cards", len(rows))
        cards = []
        for customer, extra in rows:
            cards.append((binder.load(customer.account.folder, customer.id), extra))
            progress.step()
    if json_:
        dump_json(reports.rows_json(cards, today))
    else:
        sys.stdout.write(reports.rows_csv(cards))
    return True


def _since(text: str, now: "Clock") -> dt.date:
    from ..dates import parse_due

    try:
        return parse_due(text).date
    except TicklerError:
        return when(text, now, "--since").date


@report_app.command("pareto")
def report_pareto(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", metavar="WHEN", help="Start of the period (default: a year ago).")
    ] = None,
    all_time: Annotated[bool, typer.Option("--all-time", help="Every purchase ever logged.")] = False,
    owner: ReportOwner = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """Customers ranked by purchase value: the top 20%, the next 40%, the rest, and their share."""
    from ..dates import add_months
    from ..render import reports
    from ..report import ranking

    binder, now = open_binder(ctx), clock()
    start = dt.date.min if all_time else _since(since, now) if since else add_months(now.today, -12)
    with working(json_=json_):
        ranked, shares, warnings = ranking(binder, owner, start, now.today)
    report_problems(warnings)
    rows = [(r.customer, {"value": float(r.value), "group": r.group}) for r in ranked]
    if not _rows(binder, rows, now.today, json_=json_, csv_=csv_):
        period = "all time" if all_time else f"{start} to {now.today}"
        echo_lines(reports.pareto(ranked, shares, period, style()))


@report_app.command("lapsed")
def report_lapsed(
    ctx: typer.Context,
    schedule: Annotated[
        str | None,
        typer.Option(
            "--schedule", metavar="WHEN", help="File each of them for a personal call on this date."
        ),
    ] = None,
    owner: ReportOwner = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """Customers who stopped buying or buy clearly less than before, each with the reason."""
    from ..render import reports
    from ..report import lapsed_customers

    binder, now = open_binder(ctx), clock()
    if schedule is not None:
        from ..plans.calls import schedule_lapsed

        due = when(schedule, now, "--schedule")
        with working():
            changes, warnings = schedule_lapsed(binder, owner, due, now)
        report_problems(warnings)
        for change in changes:
            echo_change(change)
        typer.echo(f"filed {plural(len(changes), 'customer')} for a call on {due}", err=True)
        return
    with working(json_=json_):
        lapsed, warnings = lapsed_customers(binder, owner, now.today)
    report_problems(warnings)
    rows = [
        (
            lp.customer,
            {"last_purchase": str(lp.customer.last_purchase), "reason": "; ".join(lp.reasons)},
        )
        for lp in lapsed
    ]
    if _rows(binder, rows, now.today, json_=json_, csv_=csv_):
        return
    if not lapsed:
        typer.echo("no customer has stopped buying or buys clearly less", err=True)
        return
    echo_lines(reports.lapsed(lapsed, style()))
    from ..render import Style, fitted_lines

    what = "them" if len(lapsed) != 1 else "the customer"
    line = (
        f"{plural(len(lapsed), 'customer')}; 'tickler report lapsed --schedule WHEN' files {what} for a call"
    )
    echo_lines(fitted_lines([line], Style.for_stream(sys.stderr)), err=True)


@report_app.command("segments")
def report_segments(
    ctx: typer.Context,
    matrix: Annotated[
        bool,
        typer.Option(
            "--matrix", help="The sales lifecycle instead: newcomers, one-time buyers, growing, lost, VIP."
        ),
    ] = False,
    owner: ReportOwner = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """Customers in five groups by recency, frequency and value (see the README for the rules)."""
    from ..render import reports
    from ..report import SEGMENTS, STAGES, grouping

    binder, now = open_binder(ctx), clock()
    with working(json_=json_):
        grouped, prospects, warnings = grouping(binder, owner, now.today, matrix=matrix)
    report_problems(warnings)
    key, order = ("stage", STAGES) if matrix else ("segment", SEGMENTS)
    if not _rows(binder, [(c, {key: group}) for c, group in grouped], now.today, json_=json_, csv_=csv_):
        echo_lines(reports.groups(grouped, order, prospects, now.today, style()))


@report_app.command("activity")
def report_activity(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="WHEN", help="Start of the period (default: this Monday)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="WHEN", help="End of the period (default: today).")
    ] = None,
    owner: ReportOwner = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """The manager's view: per rep, the Log entries written in the period by kind, purchases and
    their total, and today's overdue cards, cards due and load against capacity."""
    from ..activity import activity, this_week
    from ..render import reports

    binder, now = open_binder(ctx), clock()
    start, end = this_week(now.today)
    start = _since(since, now) if since else start
    end = _since(until, now) if until else end
    if end < start:
        raise TicklerError("--until is before --since")
    moment = dt.datetime.combine(now.today, now.now or dt.time(0, 0))
    with working(json_=json_):
        reps, warnings = activity(binder, now.today, start, end, owner, moment)
    report_problems(warnings)
    if json_:
        dump_json([rep.as_json() for rep in reps])
    elif csv_:
        sys.stdout.write(reports.activity_csv(reps))
    else:
        echo_lines(reports.activity(reps, f"{start} to {end}", binder.settings.capacity, style()))


@report_app.command("loyalty")
def report_loyalty(
    ctx: typer.Context, owner: ReportOwner = None, json_: JsonOption = False, csv_: CsvOption = False
) -> None:
    """The frequent-shopper programme: each customer's points (earned minus redeemed) and who has
    a reward ready. Set it up with [loyalty] points_per, reward_at and reward in tickler.toml."""
    from ..programme import loyalty_report
    from ..render import reports

    binder, now = open_binder(ctx), clock()
    with working(json_=json_):
        members, warnings = loyalty_report(binder, owner)
    report_problems(warnings)
    rows = [
        (
            m.customer,
            {
                "points": m.balance.points,
                "earned": m.balance.earned,
                "redeemed": m.balance.redeemed,
                "reward_ready": m.ready,
            },
        )
        for m in members
    ]
    if not _rows(binder, rows, now.today, json_=json_, csv_=csv_):
        assert binder.settings.loyalty is not None
        echo_lines(reports.loyalty(members, binder.settings.loyalty, style()))


@report_app.command("campaigns")
def report_campaigns(
    ctx: typer.Context,
    days: Annotated[
        int,
        typer.Option(
            "--days", "-n", min=1, max=3660, help="A purchase this many days after a letter is a response."
        ),
    ] = 30,
    owner: ReportOwner = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """What each mailing brought back: per letter sent with letters --log (by template and day),
    how many customers it went to, how many bought within --days after it, the rate and revenue."""
    from ..programme import campaign_report
    from ..render import reports

    binder, now = open_binder(ctx), clock()
    with working(json_=json_):
        found, warnings = campaign_report(binder, owner, days)
    report_problems(warnings)
    if json_:
        dump_json([c.as_json() for c in found])
    elif csv_:
        sys.stdout.write(reports.campaigns_csv(found))
    else:
        echo_lines(reports.campaigns(found, now.today, style()))
