"""The day: today, agenda, list, find, show. Commands that only look; none changes a file."""

import sys
from typing import Annotated

import typer

from .. import query
from ..render import card_json, shown_json, today_json
from ..render import day as view
from .common import (
    AllOption,
    CardArg,
    JsonOption,
    OwnerOption,
    TagOption,
    clock,
    dump_json,
    echo_lines,
    open_binder,
    owners,
    report_problems,
    span,
    style,
)

room = typer.Typer(rich_markup_mode=None)


@room.command()
def today(
    ctx: typer.Context, json_: JsonOption = False, all_: AllOption = False, owner: OwnerOption = None
) -> None:
    """Today's divider: the calls due today, overdue ones first, and the day's load."""
    binder, now = open_binder(ctx), clock()
    day = query.today_view(binder, now, owners(all_, owner), full=json_)
    report_problems(day.problems)
    if json_:
        dump_json(today_json(day.cards, now.today))
        return
    shown = style()
    lines = view.day(
        day.listed,
        now.today,
        binder.settings.capacity,
        shown,
        now.moment,
        first_calls=day.first_calls,
        unreadable=len(day.problems),
        waiting=day.waiting,
    )
    if day.others:
        lines += view.note(f"({day.others} more due for other reps: tickler today --all)", shown)
    echo_lines([*lines, *view.birthday_lines(day.birthdays, now.today, shown)])


@room.command()
def agenda(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", "-n", min=1, max=400, help="How many days from today.")] = 14,
    json_: JsonOption = False,
    all_: AllOption = False,
    owner: OwnerOption = None,
) -> None:
    """Cards per day for the coming days, as bars against capacity; birthdays noted."""
    binder, now = open_binder(ctx), clock()
    settings = binder.settings
    plan = query.agenda(binder, now.today, days, owners(all_, owner), ahead=settings.birthday_days)
    report_problems(plan.problems)
    if json_:
        dump_json(
            [{"date": d.isoformat(), "count": len(c), "capacity": settings.capacity} for d, c in plan.days]
        )
        return
    workdays = settings.workday_calendar()
    echo_lines(view.agenda(plan, now.today, settings.capacity, settings.birthday_days, workdays, style()))


@room.command(name="list")
def list_(
    ctx: typer.Context,
    when: Annotated[
        str | None,
        typer.Argument(
            metavar="[WHEN | A..B | week | month]",
            help="A day, a range 2026-12-01..2026-12-07, this week or month (default: every scheduled card).",
        ),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only the overdue cards.")] = False,
    tag: TagOption = None,
    all_: AllOption = False,
    owner: OwnerOption = None,
    json_: JsonOption = False,
) -> None:
    """Cards due on a date or in a range, in date order."""
    binder, now = open_binder(ctx), clock()
    dates = span(when, now) if when and not overdue else None
    found = query.listing(
        binder, now.today, owners(all_, owner), span=dates, overdue=overdue, tag=tag, full=json_
    )
    report_problems(found.problems)
    if json_:
        dump_json([card_json(f, now.today) for f in found.cards])
    elif not found.listed:
        typer.echo("no cards", err=True)
    else:
        echo_lines(view.card_table(found.listed, now.today, style(), when=view.when_in_list))


@room.command()
def find(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY...",
            help="Part of a name, company, email, phone number or tag; several words need no quotes.",
        ),
    ],
    text: Annotated[
        bool, typer.Option("--text", help="Also search the notes and the Log: every word, in any order.")
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Cards whose name, company, email, phone or tags match (case and accents do not matter).

    A query written like a phone number (8 (916) 555-66-77, 555-66-77) also finds the phones that
    hold it; with region set in tickler.toml, the national and international forms are one.
    --text searches the whole card, notes and Log too, and shows the line that matched.
    """
    query_ = " ".join(words)  # (find --text winter coat, as one types it)
    binder, now = open_binder(ctx), clock()
    found = query.find_text(binder, query_) if text else query.find(binder, query_, full=json_)
    report_problems(found.problems)
    if json_:
        cards = [card_json(f, now.today) for f in found.cards]
        if text:
            cards = [{**c, "match": m} for c, m in zip(cards, found.matches, strict=True)]
        dump_json(cards)
        return
    if not found.listed:
        typer.echo(f"no card matches '{query_}'", err=True)
        raise typer.Exit(1)
    matches = found.matches if text else None
    echo_lines(view.card_table(found.listed, now.today, style(), when=view.when_in_list, matches=matches))


@room.command()
def show(ctx: typer.Context, card: CardArg, json_: JsonOption = False) -> None:
    """Print a card, then its dossier: the files in files/ID/ and the last messages' subjects.

    With --json, the card with "files": every file of its dossier, relative to the binder.
    A card that cannot be read (broken by hand) is printed as its file stands, then the error
    on standard error, and the exit code is 1 ('tickler edit CARD' opens it to be mended).
    """
    from ..card.log import waiting_since
    from ..dossier import contents
    from ..errors import CardError
    from ..render import dossier as dossier_view

    binder, now = open_binder(ctx), clock()
    filed = query.card_or_unreadable(binder, card)
    shown = style()
    if isinstance(filed, query.Unreadable):
        if filed.text is not None and not json_:
            typer.echo(shown.paint(f"{filed.rel} · cannot be read as a card", "31"))
            _echo_text(filed.text)
        error = filed.error
        mend = f"{error.message}; mend it with 'tickler edit {filed.rel}'"
        raise CardError(mend, path=error.path, line=error.line)
    dossier = contents(binder, filed)
    if json_:
        dump_json(shown_json(filed, [f.rel for f in dossier.files], now.today))
        return
    due = filed.card.next
    status = "no follow-up" if due is None else f"next {due}{view.relative(due, now.today)}"
    since = waiting_since(filed.card.log()[0]) if due is not None and due.date <= now.today else None
    if due is not None and since is not None and since < due.date:  # (roll brought it forward)
        waited = (now.today - since).days
        status += f" · waiting since {since} ({waited} day{'s' if waited != 1 else ''}, rolled forward)"
    typer.echo(shown.paint(f"{filed.rel} · {status}", "2"))
    _echo_text(filed.card.text)
    extra = dossier_view.lines(dossier, filed.id, shown)
    if extra:
        echo_lines(["", *extra])


def _echo_text(text: str) -> None:
    """A card's text: through a pipe byte for byte, on a terminal with control characters shown."""
    if sys.stdout.isatty():
        from ..render import printable_lines

        text = printable_lines(text)
    typer.echo(text, nl=not text.endswith("\n"))
