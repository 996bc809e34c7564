"""The ``tickler`` command: thin commands over the library, one error boundary.

Each command parses its arguments, makes one call into ``Binder``, and formats the answer.
Library errors become ``tickler: error: ...`` and their exit code in ``_Group.invoke`` only.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from .binder import Binder, Clock, Filed, find_root
from .config import current_user, owner_matches
from .dates import Due, parse_when
from .errors import TicklerError, UsageError


class _Group(TyperGroup):
    """Turns library errors into a one-line message and their exit code; never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TicklerError as exc:
            typer.echo(f"tickler: error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            sys.stderr.close()  # the reader (``| head``) has gone; nothing more to say
            raise typer.Exit(0) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(f"tickler: error: {where}{exc.strerror or exc}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="tickler",
    help="A plain-text tickler file: customer cards filed under day and month dividers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tickler {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    binder: Annotated[
        str | None,
        typer.Option(
            "--binder",
            metavar="PATH",
            help="The binder folder (default: TICKLER_BINDER, "
            "else the nearest folder upward holding days/ and months/).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """A salesperson's tickler binder as plain files: `tickler today` opens today's divider.

    The clock can be pinned with TICKLER_TODAY=YYYY-MM-DD.
    """
    ctx.obj = {"binder": binder}


# --------------------------------------------------------------------------- helpers


def _open(ctx: typer.Context) -> Binder:
    binder = Binder(find_root(ctx.obj.get("binder") if ctx.obj else None))
    for key in binder.settings.unknown:
        _warn(f"{binder.rel(binder.root / 'tickler.toml')}: unknown setting '{key}' ignored")
    return binder


def _warn(message: object) -> None:
    typer.echo(f"tickler: warning: {message}", err=True)


def _when(text: str, clock: Clock, what: str = "WHEN") -> Due:
    try:
        return parse_when(text, clock.today)
    except TicklerError as exc:
        raise TicklerError(f"{what}: {exc.message}") from None


def _parse_sets(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {item!r}: write it as KEY=VALUE, e.g. --set company='Romashka LLC'")
        out[key.strip()] = value
    return out


def _echo_change(card_id: str, old: Due | None, new: Due | None, folder: str, extra: str = "") -> None:
    before = str(old) if old else "no date"
    after = str(new) if new else "no date"
    typer.echo(f"{card_id}: {before} -> {after} ({folder}/){extra}")


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
CardArg = Annotated[
    str, typer.Argument(metavar="CARD", help="A card id, a unique prefix of one, or its file path.")
]


# --------------------------------------------------------------------------- commands


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to create the binder.")] = Path("."),
    no_git: Annotated[bool, typer.Option("--no-git", help="Do not make it a git repository.")] = False,
) -> None:
    """Create a binder: 31 day and 12 month dividers, cards/, templates/, settings, git repository."""
    from .setup import init_binder

    created, notes = init_binder(path, git=not no_git)
    for note in notes:
        _warn(note)
    typer.echo(f"binder ready in {path.resolve()} ({len(created)} files and folders created)")


@app.command()
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The customer's name, e.g. 'Ivan Ivanovich Ivanov'.")],
    next_: Annotated[
        str | None,
        typer.Option("--next", metavar="WHEN", help="Follow-up date, e.g. 2026-12-05 or '2026-12-05 15:30'."),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option("--template", "-t", metavar="T", help="A form from templates/ (default: default.md)."),
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="Fill a field; repeat for more.")
    ] = None,
) -> None:
    """Create a card from a template and print its id."""
    binder = _open(ctx)
    clock = Clock.from_env()
    due = _when(next_, clock, "--next") if next_ else None
    owner = _configured_owner(binder)
    filed = binder.new_card(
        name, due=due, today=clock.today, template=template, values=_parse_sets(set_ or []), owner=owner
    )
    typer.echo(filed.id)
    typer.echo(f"created {filed.rel}", err=True)


def _configured_owner(binder: Binder) -> str | None:
    import os

    return os.environ.get("TICKLER_OWNER", "").strip() or binder.settings.owner


@app.command()
def show(ctx: typer.Context, card: CardArg, json_: JsonOption = False) -> None:
    """Print a card."""
    from . import render

    binder = _open(ctx)
    clock = Clock.from_env()
    filed = binder.resolve(card)
    if json_:
        render.dump_json(render.card_json(filed, clock.today))
        return
    style = render.Style.for_stream()
    due = filed.card.next
    status = "no follow-up" if due is None else f"next {due}{_relative(due, clock.today)}"
    typer.echo(style.paint(f"{filed.rel} · {status}", "2"))
    text = filed.card.text
    typer.echo(text, nl=not text.endswith("\n"))


def _relative(due: Due, today: dt.date) -> str:
    from .render import days_word

    delta = (due.date - today).days
    if delta == 0:
        return " (today)"
    if delta < 0:
        return f" ({days_word(-delta)} overdue)"
    return f" (in {days_word(delta)})"


@app.command()
def today(
    ctx: typer.Context,
    json_: JsonOption = False,
    all_: Annotated[
        bool, typer.Option("--all", help="Everyone's cards, not only yours and unowned ones.")
    ] = False,
    owner: Annotated[str | None, typer.Option("--owner", metavar="NAME", help="One rep's cards.")] = None,
) -> None:
    """Today's divider: the calls due today, overdue ones first, and the day's load."""
    from . import render

    binder = _open(ctx)
    clock = Clock.from_env()
    scan = binder.due_cards(clock.today)
    for problem in scan.problems:
        _warn(problem)
    cards = _for_owner(binder, scan.cards, all_=all_, owner=owner)
    cards.sort(key=lambda f: _day_order(f, clock.today))
    if json_:
        render.dump_json([render.card_json(f, clock.today) for f in cards])
        return
    _print_day(binder, cards, clock)
    others = len(scan.cards) - len(cards)
    if others:
        typer.echo(f"({others} more due for other reps: tickler today --all)")


def _for_owner(binder: Binder, cards: list[Filed], *, all_: bool, owner: str | None) -> list[Filed]:
    if all_:
        return list(cards)
    if owner:
        return [f for f in cards if owner_matches(f.card.owner, owner)]
    if not any(f.card.owner for f in cards):
        return list(cards)
    user = current_user(binder.settings, binder.root)
    return [f for f in cards if f.card.owner is None or owner_matches(f.card.owner, user)]


def _day_order(filed: Filed, today: dt.date) -> tuple[int, dt.date, dt.time, str]:
    due = filed.card.next
    assert due is not None
    late = 0 if due.date < today else 1
    return (late, due.date, due.time or dt.time(23, 59, 59), filed.card.name.casefold())


def _print_day(binder: Binder, cards: list[Filed], clock: Clock) -> None:
    from . import render

    style = render.Style.for_stream()
    today_ = clock.today
    overdue = sum(1 for f in cards if f.card.next and f.card.next.date < today_)
    capacity = binder.settings.capacity
    head = f"{today_.strftime('%A %d %B %Y')}: "
    if not cards:
        typer.echo(head + "nothing due today.")
        return
    head += f"{len(cards)} card{'s' if len(cards) != 1 else ''}"
    if overdue:
        head += f" ({len(cards) - overdue} due today, {style.paint(f'{overdue} overdue', '31')})"
    head += f"; load {len(cards)}/{capacity}"
    bar = render.load_bar(len(cards), capacity, style)
    typer.echo(head + (f"  {bar}" if bar else ""))
    rows, paints = [], []
    for filed in cards:
        card = filed.card
        due = card.next
        assert due is not None
        if due.date < today_:
            when = f"{(today_ - due.date).days}d late"
        else:
            when = due.time.strftime("%H:%M") if due.time else "today"
        last = card.last_entry(skip=("rolled",))
        last_text = ""
        if last is not None:
            last_text = f"{last.date.isoformat()} {last.kind}"
            if last.amount is not None:
                last_text += f" {last.amount}"
            last_text += f": {last.text}" if last.text else ""
        company = card.get("company")
        phone = card.get("phone")
        rows.append(
            [
                when,
                card.name,
                str(company) if company is not None else "",
                str(phone) if phone is not None else "",
                card.action or "",
                last_text,
            ]
        )
        paints.append("31" if due.date < today_ else None)
    lines = render.table(
        rows,
        style,
        header=["WHEN", "NAME", "COMPANY", "PHONE", "ACTION", "LAST"],
        shrink=(5, 2, 1),
    )
    typer.echo(lines[0])
    for line, paint in zip(lines[1:], paints, strict=True):
        typer.echo(style.paint(line, paint) if paint else line)


@app.command()
def move(
    ctx: typer.Context,
    card: CardArg,
    when: Annotated[str, typer.Argument(metavar="WHEN", help="The new follow-up date, e.g. 2026-12-05.")],
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Why it moved; goes in the Log.")
    ] = None,
) -> None:
    """Reschedule a card and file it under its new date."""
    binder = _open(ctx)
    clock = Clock.from_env()
    change = binder.reschedule(card, _when(when, clock), clock=clock, note=note)
    _echo_change(change.id, change.old_next, change.new_next, change.new_folder)


@app.command()
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
    binder = _open(ctx)
    clock = Clock.from_env()
    due = _when(next_, clock, "--next") if next_ else None
    change, entry = binder.add_entry(card, text, clock=clock, kind=kind, amount=amount, due=due)
    typer.echo(f"{change.id}: {entry}")
    if due is not None:
        _echo_change(change.id, change.old_next, change.new_next, change.new_folder)


@app.command()
def park(ctx: typer.Context, card: CardArg) -> None:
    """Drop a card's follow-up date: it goes to the cards/ index."""
    binder = _open(ctx)
    clock = Clock.from_env()
    change = binder.reschedule(card, None, clock=clock)
    _echo_change(change.id, change.old_next, change.new_next, change.new_folder)


@app.command()
def roll(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
) -> None:
    """Roll overdue cards to the first workday from today and refile every misfiled card.

    Run it any time: a second run changes nothing. This is how a month's cards are spread over
    the day dividers when the month comes.
    """
    binder = _open(ctx)
    clock = Clock.from_env()
    changes, problems = binder.roll(clock.today, dry_run=dry_run)
    for problem in problems:
        _warn(f"{problem} (left as it is)")
    for change in changes:
        _echo_change(change.id, change.old_next, change.new_next, change.new_folder, f"  {change.note}")
    rolled = sum(1 for c in changes if c.note.startswith("rolled"))
    verb = "would roll" if dry_run else "rolled"
    typer.echo(
        f"{verb} {rolled} overdue, {'would refile' if dry_run else 'refiled'} "
        f"{len(changes) - rolled} card{'s' if len(changes) - rolled != 1 else ''}",
        err=True,
    )


@app.command()
def check(
    ctx: typer.Context,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix", help="Repair what can be repaired: refile misfiled cards, rename duplicate ids."
        ),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Verify the binder: every card readable, filed where its date says, ids unique. Exit 1 if not."""
    from . import render

    binder = _open(ctx)
    clock = Clock.from_env()
    if fix:
        done, problems = binder.fix(clock.today)
        for line in done:
            typer.echo(f"fixed: {line}", err=json_)
    else:
        problems, _ = binder.check(clock.today)
    if json_:
        render.dump_json(
            [{"kind": p.kind, "path": p.path, "line": p.line, "message": p.message} for p in problems]
        )
    else:
        for problem in problems:
            typer.echo(f"{problem.kind}: {problem}")
    if problems:
        typer.echo(
            f"tickler: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
            + ("" if fix else "; 'tickler check --fix' repairs misfiled cards and duplicate ids"),
            err=True,
        )
        raise typer.Exit(1)
    if not json_:
        typer.echo("binder ok", err=True)


def run() -> None:
    """Console-script entry point."""
    app()
