"""Cards: new, edit, log, move, park. Each change is one commit in a git binder."""

import os
from typing import TYPE_CHECKING, Annotated

import typer

from .. import actions
from ..texts import WHEN_HELP
from .common import CardArg, clock, echo_change, open_binder, pairs, report_problems, warn, when

if TYPE_CHECKING:
    from ..binder import Binder
    from ..dates import Clock

room = typer.Typer(rich_markup_mode=None)


@room.command()
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The customer's name, e.g. 'Ivan Ivanovich Ivanov'.")],
    next_: Annotated[
        str | None, typer.Option("--next", metavar="WHEN", help=f"Follow-up date: {WHEN_HELP}.")
    ] = None,
    template: Annotated[
        str | None,
        typer.Option("--template", "-t", metavar="T", help="A form from templates/ (default: default.md)."),
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="Fill a field; repeat for more.")
    ] = None,
    edit_: Annotated[bool, typer.Option("--edit", help="Open the new card in your editor.")] = False,
) -> None:
    """Create a card from a template and print its id."""
    from ..forms import new_card

    binder, now = open_binder(ctx), clock()
    due = when(next_, now, "--next") if next_ else None
    values = pairs(set_, "--set", "KEY=VALUE, e.g. --set company='Romashka LLC'")
    owner = os.environ.get("TICKLER_OWNER", "").strip() or binder.settings.owner
    filed = new_card(binder, name, due=due, today=now.today, template=template, values=values, owner=owner)
    typer.echo(filed.id)
    typer.echo(f"created {filed.rel}", err=True)
    if edit_:
        _edit(binder, filed.rel, now)


@room.command()
def edit(ctx: typer.Context, card: CardArg) -> None:
    """Open a card in $VISUAL or $EDITOR, then refile it and say what changed."""
    _edit(open_binder(ctx), card, clock())


def _edit(binder: "Binder", ref: str, now: "Clock") -> None:
    from ..editor import edit as edit_card

    result = edit_card(binder, ref, now)
    if result.after is None:
        warn(
            f"{result.problem}; the card is left as you saved it and not refiled (fix it and run edit again)"
        )
        return
    if not result.changes:
        typer.echo(f"{result.after.id}: no change")
    for line in result.changes:
        typer.echo(f"{result.after.id}: {line}")


@room.command()
def log(
    ctx: typer.Context,
    card: CardArg,
    text: Annotated[str, typer.Argument(help="What happened, e.g. 'sent the offer, call back Friday'.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="K",
            help="call, email, meet, letter, purchase, note... "
            "(default: purchase with --amount, else the card's action, else note).",
        ),
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", metavar="X", help="An amount, for purchases: 12500.00.")
    ] = None,
    next_: Annotated[
        str | None, typer.Option("--next", metavar="WHEN", help="Reschedule to this date in the same step.")
    ] = None,
) -> None:
    """Add a Log entry to a card (the step after each call); with --next, reschedule it."""
    binder, now = open_binder(ctx), clock()
    due = when(next_, now, "--next") if next_ else None
    change, entry = actions.log(binder, card, text, clock=now, kind=kind, amount=amount, due=due)
    typer.echo(f"{change.id}: {entry}")
    if due is not None:
        echo_change(change)
        report_problems(actions.day_warnings(binder, change.new_next, now))


@room.command()
def move(
    ctx: typer.Context,
    card: CardArg,
    when_: Annotated[str, typer.Argument(metavar="WHEN", help=f"The new follow-up date: {WHEN_HELP}.")],
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Why it moved; goes in the Log.")
    ] = None,
) -> None:
    """Reschedule a card and file it under its new date."""
    binder, now = open_binder(ctx), clock()
    change = actions.move(binder, card, when(when_, now), clock=now, note=note)
    echo_change(change)
    report_problems(actions.day_warnings(binder, change.new_next, now))


@room.command()
def park(ctx: typer.Context, card: CardArg) -> None:
    """Drop a card's follow-up date: it goes to the cards/ index."""
    echo_change(actions.move(open_binder(ctx), card, None, clock=clock()))
