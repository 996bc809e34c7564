"""Planning: roll, balance, handover. Each run is one commit in a git binder."""

from typing import Annotated

import typer

from ..errors import TicklerError
from .common import (
    AllOption,
    DryRunOption,
    OwnerOption,
    clock,
    echo_change,
    open_binder,
    owners,
    plural,
    warn,
    when,
    working,
)

room = typer.Typer(rich_markup_mode=None)


@room.command()
def roll(ctx: typer.Context, dry_run: DryRunOption = False) -> None:
    """Roll overdue cards to the first workday from today and refile every misfiled card.

    Run it any time: a second run changes nothing. This is how a month's cards are spread over
    the day dividers when the month comes.
    """
    from ..plans.roll import roll as roll_binder

    binder, now = open_binder(ctx), clock()
    with working():
        changes, problems = roll_binder(binder, now.today, dry_run=dry_run)
    for problem in problems:
        warn(f"{problem} (left as it is)")
    for change in changes:
        echo_change(change, f"  {change.note}")
    rolled = sum(1 for c in changes if c.note.startswith("rolled"))
    refiled = len(changes) - rolled
    verb, refile = ("would roll", "would refile") if dry_run else ("rolled", "refiled")
    typer.echo(f"{verb} {rolled} overdue, {refile} {plural(refiled, 'card')}", err=True)


@room.command()
def balance(
    ctx: typer.Context, dry_run: DryRunOption = False, all_: AllOption = False, owner: OwnerOption = None
) -> None:
    """Move what exceeds capacity on a day to the next workdays with room.

    Cards with a time of day and cards marked `fixed: true` never move. The most flexible move
    first: cards not yet overdue, then written work (letter, email) before calls and meetings,
    then the customers contacted most recently.
    """
    from ..plans.balance import balance as balance_days

    binder, now = open_binder(ctx), clock()
    changes = balance_days(binder, now, owners(all_, owner), dry_run=dry_run)
    for change in changes:
        echo_change(change)
    if not changes:
        typer.echo(f"every day is within the capacity of {binder.settings.capacity}", err=True)
    elif dry_run:
        typer.echo(f"would move {plural(len(changes), 'card')}", err=True)


@room.command()
def handover(
    ctx: typer.Context,
    from_owner: Annotated[str, typer.Argument(metavar="FROM", help="The rep whose cards are handed over.")],
    to_owner: Annotated[str, typer.Argument(metavar="TO", help="The rep who takes them.")],
    since: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="Only cards due from this date (an absence).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Only cards due until this date.")
    ] = None,
) -> None:
    """Give one rep's cards to another (all of them, or those due during an absence)."""
    from ..plans.handover import handover as hand_over

    binder, now = open_binder(ctx), clock()
    start = when(since, now, "--from").date if since else None
    end = when(until, now, "--until").date if until else None
    if start and end and end < start:
        raise TicklerError("--until is before --from")
    changes = hand_over(binder, from_owner, to_owner, now, start=start, end=end)
    for change in changes:
        typer.echo(f"{change.id}: {change.note} to {to_owner} ({change.new_next or 'no date'})")
    typer.echo(f"handed over {plural(len(changes), 'card')} to {to_owner}", err=True)
