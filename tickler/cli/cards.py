"""Cards: new, edit, log, attach, move, park. Each change is one commit in a git binder."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import actions
from ..config import owner_of_new_cards
from ..texts import WHEN_HELP
from .common import (
    CardArg,
    clock,
    complete_card,
    echo_change,
    open_binder,
    pairs,
    plural,
    report_problems,
    warn,
    when,
)

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
    """Create a card from a template and print its id.

    When the binder holds a card with the same name already (case, accents and ё/е aside) and no
    other company, the card is made all the same and a warning names the one there; so does a
    --next in the past or onto a full day.
    """
    from ..dedupe import namesakes
    from ..forms import new_card

    binder, now = open_binder(ctx), clock()
    due = when(next_, now, "--next") if next_ else None
    values = pairs(set_, "--set", "KEY=VALUE, e.g. --set company='Romashka LLC'")
    owner = owner_of_new_cards(binder.settings)
    existing = namesakes(binder, name, values.get("company"))
    filed = new_card(binder, name, due=due, today=now.today, template=template, values=values, owner=owner)
    typer.echo(filed.id)
    typer.echo(f"created {filed.rel}", err=True)
    if existing:
        there = ", ".join(f"{f.id} ({f.rel})" for f in existing)
        warn(
            f"the binder already has a card for {filed.card.name}: {there}; if it is the same "
            f"customer, 'tickler merge {existing[0].id} {filed.id}' makes one card of the two"
        )
    report_problems(actions.day_warnings(binder, filed.card.next, now))
    if edit_:
        _edit(binder, filed.rel, now)


@room.command()
def edit(ctx: typer.Context, card: CardArg) -> None:
    """Open a card in $VISUAL or $EDITOR, then refile it and say what changed.

    A card broken by hand (one that listings warn about) is opened as its file stands, by id or
    path; afterwards edit says whether it reads now.
    """
    _edit(open_binder(ctx), card, clock())


def _edit(binder: "Binder", ref: str, now: "Clock") -> None:
    from ..editor import edit as edit_card
    from ..editor import open_card

    opened = open_card(binder, ref)
    if opened.broken is not None:
        warn(f"{opened.broken}; opening the file as it is, to be mended")
    result = edit_card(binder, opened, now)
    if result.after is None:
        still = "still cannot be read" if result.broken is not None else "cannot be read"
        warn(
            f"{result.problem}; the card {still}: it is left as you saved it and not refiled "
            f"(fix it with 'tickler edit {binder.rel(binder.path_of(opened.folder, opened.id))}')"
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
    text: Annotated[
        str | None,
        typer.Argument(
            help="What happened, e.g. 'sent the offer, call back Friday' (optional with --no-answer)."
        ),
    ] = None,
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
    no_answer: Annotated[
        bool,
        typer.Option(
            "--no-answer",
            help="Nobody answered: count the attempt and file the card for the next workday "
            "(after 'attempts' in a row, default 3, its action becomes email).",
        ),
    ] = False,
) -> None:
    """Add a Log entry to a card (the step after each call); with --next, reschedule it.

    A reward (--kind reward --amount POINTS) redeems loyalty points, never more than the card has.
    """
    from ..errors import UsageError

    if no_answer and (kind is not None or amount is not None):
        raise UsageError("--no-answer writes its own entry: leave out --kind and --amount")
    if text is None and not no_answer:
        raise UsageError(
            "say what happened: tickler log CARD TEXT (or --no-answer for a call nobody answered)"
        )
    binder, now = open_binder(ctx), clock()
    due = when(next_, now, "--next") if next_ else None
    if no_answer:
        missed = actions.no_answer(binder, card, text, clock=now, due=due)
        typer.echo(f"{missed.change.id}: {missed.entry}")
        echo_change(missed.change)
        if missed.emailed:
            calls = plural(missed.attempt, "call")
            typer.echo(f"{missed.change.id}: {calls} unanswered in a row: action is now email")
        report_problems(actions.day_warnings(binder, missed.change.new_next, now))
        return
    assert text is not None
    change, entry = actions.log(binder, card, text, clock=now, kind=kind, amount=amount, due=due)
    typer.echo(f"{change.id}: {entry}")
    if due is not None:
        echo_change(change)
        report_problems(actions.day_warnings(binder, change.new_next, now))


@room.command()
def attach(
    ctx: typer.Context,
    card: CardArg,
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="The files: an offer, a calculation, a scan...")
    ],
) -> None:
    """Copy files into the card's dossier, files/ID/ (one commit); they stay there when it moves.

    A symbolic link, a folder, a pipe or a file over attach_limit (25 MB unless set) is refused
    with the reason, and then nothing is attached. A name already taken gets a suffix
    (offer-2.pdf); a file already there is not copied twice. 'tickler show CARD' lists them.
    """
    from ..dossier import attach as attach_files
    from ..dossier import size_text

    result = attach_files(open_binder(ctx), card, files)
    for info in result.added:
        typer.echo(f"{result.card_id}: {info.rel} ({size_text(info.size)})")
    for rel in result.already:
        typer.echo(f"{result.card_id}: {rel} is there already")


@room.command()
def move(
    ctx: typer.Context,
    card: CardArg,
    when_: Annotated[str, typer.Argument(metavar="WHEN", help=f"The new follow-up date: {WHEN_HELP}.")],
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Why it moved; goes in the Log.")
    ] = None,
    no_time: Annotated[
        bool,
        typer.Option("--no-time", help="Drop the card's time of day (a date alone keeps it otherwise)."),
    ] = False,
) -> None:
    """Reschedule a card and file it under its new date.

    A date without a time keeps the card's time of day (an appointment stays at its hour). A date
    in the past is done as asked, with a warning saying how many days ago it was.
    """
    binder, now = open_binder(ctx), clock()
    change = actions.move(binder, card, when(when_, now), clock=now, note=note, keep_time=not no_time)
    echo_change(change)
    report_problems(actions.day_warnings(binder, change.new_next, now))


@room.command()
def park(ctx: typer.Context, card: CardArg) -> None:
    """Drop a card's follow-up date: it goes to the cards/ index."""
    change = actions.move(open_binder(ctx), card, None, clock=clock())
    if change.old_next is not None:
        echo_change(change)
    elif change.old_folder == change.new_folder:
        typer.echo(f"{change.id}: already parked (no follow-up date, in {change.new_folder}/)")
    else:  # no date, but lying in a divider: now where the filing rule says
        typer.echo(f"{change.id}: no follow-up date; refiled {change.old_folder}/ -> {change.new_folder}/")


@room.command()
def merge(
    ctx: typer.Context,
    keep: Annotated[
        str, typer.Argument(metavar="KEEP", help="The card that stays.", autocompletion=complete_card)
    ],
    other: Annotated[
        str,
        typer.Argument(
            metavar="OTHER", help="The card merged into it, then removed.", autocompletion=complete_card
        ),
    ],
) -> None:
    """Make one card of two cards of one customer (see 'tickler check' for probable duplicates).

    KEEP's values win and a key only OTHER has is added; differing phones and emails are kept as
    lists; the follow-up is the earlier of the two; the Log keeps both cards' entries in date
    order; OTHER's notes are added under a heading naming it; OTHER's files move to KEEP's
    files/ (a name taken in both gets a suffix). OTHER is removed. One commit.
    """
    from ..dedupe import merge as merge_cards

    merged = merge_cards(open_binder(ctx), keep, other, clock())
    took = ", ".join(merged.added) or "no keys"
    typer.echo(f"{merged.keep.id}: merged {merged.other.id} ({took}; {plural(merged.entries, 'Log entry')})")
    typer.echo(f"{merged.other.rel} removed; {merged.keep.id} is in {merged.keep.folder}/")
    for source, target in merged.files:
        typer.echo(f"  {source} -> {target}")


@room.command()
def undo(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be undone; change nothing.")
    ] = False,
) -> None:
    """Take back the last change tickler committed in this clone, as a new commit.

    Run again, it takes back the change before that. Cards get back their text and their folder.
    It refuses, changing nothing, when a card it would restore was changed since (by hand, by
    another command, by a teammate's merge). Needs a git binder with autocommit on.
    """
    from ..undo import undo as undo_change

    result = undo_change(open_binder(ctx), dry_run=dry_run)
    verb = "would undo" if dry_run else "undid"
    typer.echo(f"{verb} {result.commit[:8]} {result.subject}")
    for line in result.lines():
        typer.echo(f"  {line}")


@room.command()
def request(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="[CARD] TEXT",
            help="The card and what the customer asked (only the text with --new).",
            autocompletion=complete_card,
        ),
    ],
    new: Annotated[
        str | None,
        typer.Option("--new", metavar="NAME", help="Someone not yet in the binder: make their card first."),
    ] = None,
) -> None:
    """A customer's question or complaint, to answer within reply_within (10 hours unless set).

    Adds a 'request' Log entry with the time, sets next to now + reply_within and action: reply,
    and files the card. today lists open requests first, with the time left. Logging the reply
    (tickler log CARD ... --kind reply, or any entry after the request) closes it.
    """
    from ..errors import UsageError

    if len(words) != (1 if new else 2):
        raise UsageError("write it as: tickler request CARD TEXT, or tickler request --new NAME TEXT")
    binder, now = open_binder(ctx), clock()
    owner = owner_of_new_cards(binder.settings)
    ref, text = (None, words[0]) if new else (words[0], words[1])
    filed, entry, due = actions.request(binder, ref, text, clock=now, new_name=new, owner=owner)
    typer.echo(f"{filed.id}: {entry}")
    typer.echo(actions.request_line(filed, due))
