"""The ``tickler`` command: thin commands over the library, one error boundary.

Each command parses its arguments, makes one call into the library, and formats the answer.
Library errors become ``tickler: error: ...`` and their exit code in ``_Group.invoke`` only.
"""

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import TicklerError, UsageError
from .texts import WHEN_HELP

if TYPE_CHECKING:
    from .binder import Binder, Change, Clock, Filed, find_root
    from .cache import Entry
    from .card import fold
    from .dates import Due, parse_when
    from .query import Birthday, Listed, Owners

# The library is imported when a command runs, not when the command line is parsed, so that
# `--version`, `--help` and a mistyped option answer at once.


def _load_library() -> None:
    global Binder, Change, Clock, Filed, find_root, fold, Due, parse_when, Owners
    from .binder import Binder, Change, Clock, Filed, find_root
    from .card import fold
    from .dates import Due, parse_when
    from .query import Owners


class _Group(TyperGroup):
    """Turns library errors into a one-line message and their exit code; never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            _load_library()
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


def _open(ctx: typer.Context) -> "Binder":
    binder = Binder(find_root(ctx.obj.get("binder") if ctx.obj else None))
    for key in binder.settings.unknown:
        _warn(f"{binder.rel(binder.root / 'tickler.toml')}: unknown setting '{key}' ignored")
    ctx.call_on_close(lambda: _report_problems(binder.notices))
    return binder


def _warn(message: object) -> None:
    typer.echo(f"tickler: warning: {message}", err=True)


def _when(text: str, clock: "Clock", what: str = "WHEN") -> "Due":
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


def _echo_change(change: "Change", extra: str = "") -> None:
    before = str(change.old_next) if change.old_next else "no date"
    after = str(change.new_next) if change.new_next else "no date"
    typer.echo(f"{change.id}: {before} -> {after} ({change.new_folder}/){extra}")


def _complete_card(incomplete: str) -> list[str]:
    """Shell completion of card ids: lists file names only, reads no card."""
    try:
        binder = Binder(find_root(None))
        wanted = fold(incomplete)
        return sorted({i for _, i, _ in binder.card_files() if fold(i).startswith(wanted)})
    except Exception:
        return []


def _owners(all_: bool, owner: str | None) -> "Owners":
    return Owners(everyone=all_, owner=owner)


def _report_problems(problems: Sequence[object]) -> None:
    for problem in problems:
        _warn(problem)


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
CardArg = Annotated[
    str,
    typer.Argument(
        metavar="CARD",
        help="A card id, a unique prefix of one (case and accents optional), or its file path.",
        autocompletion=_complete_card,
    ),
]
AllOption = Annotated[bool, typer.Option("--all", help="Everyone's cards, not only yours and unowned ones.")]
OwnerOption = Annotated[str | None, typer.Option("--owner", metavar="NAME", help="One rep's cards.")]


# --------------------------------------------------------------------------- creating and showing


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
    binder = _open(ctx)
    clock = Clock.from_env()
    due = _when(next_, clock, "--next") if next_ else None
    owner = os.environ.get("TICKLER_OWNER", "").strip() or binder.settings.owner
    filed = binder.new_card(
        name, due=due, today=clock.today, template=template, values=_parse_sets(set_ or []), owner=owner
    )
    typer.echo(filed.id)
    typer.echo(f"created {filed.rel}", err=True)
    if edit_:
        _edit(binder, filed.rel, clock)


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


def _relative(due: "Due", today: dt.date) -> str:
    from .render import days_word

    delta = (due.date - today).days
    if delta == 0:
        return " (today)"
    if delta < 0:
        return f" ({days_word(-delta)} overdue)"
    return f" (in {days_word(delta)})"


@app.command()
def edit(ctx: typer.Context, card: CardArg) -> None:
    """Open a card in $VISUAL or $EDITOR, then refile it and say what changed."""
    _edit(_open(ctx), card, Clock.from_env())


def _edit(binder: "Binder", ref: str, clock: "Clock") -> None:
    from .editor import edit as edit_card

    result = edit_card(binder, ref, clock)
    if result.after is None:
        _warn(
            f"{result.problem}; the card is left as you saved it and not refiled (fix it and run edit again)"
        )
        return
    if not result.changes:
        typer.echo(f"{result.after.id}: no change")
    for line in result.changes:
        typer.echo(f"{result.after.id}: {line}")


# --------------------------------------------------------------------------- looking at the days


@app.command()
def today(
    ctx: typer.Context, json_: JsonOption = False, all_: AllOption = False, owner: OwnerOption = None
) -> None:
    """Today's divider: the calls due today, overdue ones first, and the day's load."""
    from . import query, render

    binder = _open(ctx)
    clock = Clock.from_env()
    ahead = None if json_ else binder.settings.birthday_days
    day = query.today_divider(binder, clock.today, _owners(all_, owner), birthdays_ahead=ahead)
    _report_problems(day.problems)
    if json_:
        render.dump_json([render.card_json(f, clock.today) for f in _load_all(binder, day.due)])
        return
    _print_day(binder, query.listed(day.due), clock)
    if day.others:
        typer.echo(f"({day.others} more due for other reps: tickler today --all)")
    _print_birthdays(day.birthdays, clock.today)


BIRTHDAYS_SHOWN = 12  # more go to a count and a pointer to agenda, so the line stays readable


def _print_birthdays(found: "list[Birthday]", today_: dt.date) -> None:
    if not found:
        return
    parts = []
    for birthday in found[:BIRTHDAYS_SHOWN]:
        when = "today" if birthday.on == today_ else birthday.on.strftime("%a %d %b")
        age = f", {birthday.age}" if birthday.age else ""
        parts.append(f"{birthday.name} ({when}{age})")
    line = "Birthdays: " + "; ".join(parts)
    if len(found) > BIRTHDAYS_SHOWN:
        line += f"; and {len(found) - BIRTHDAYS_SHOWN} more (tickler agenda lists them by day)"
    typer.echo(line)


def _day_order(filed: "Filed", today: dt.date) -> tuple[object, ...]:
    due = filed.card.next
    assert due is not None
    return (*due.sort_key, filed.card.name.casefold())


def _print_day(binder: "Binder", cards: "list[Listed]", clock: "Clock") -> None:
    from . import render

    style = render.Style.for_stream()
    today_ = clock.today
    overdue = sum(1 for due, _, _ in cards if due and due.date < today_)
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
    _print_cards(cards, today_, when=_when_in_day)


def _when_in_day(due: "Due", today: dt.date) -> str:
    if due.date < today:
        return f"{(today - due.date).days}d late"
    return due.time.strftime("%H:%M") if due.time else "today"


def _when_in_list(due: "Due", today: dt.date) -> str:
    text = due.date.strftime("%a %d %b %Y")
    return f"{text} {due.time.strftime('%H:%M')}" if due.time else text


def _print_cards(cards: "Sequence[Listed]", today: dt.date, *, when: Any) -> None:
    """The card table of every listing: when, who, how to reach them, what to do, the last word."""
    from . import render

    style = render.Style.for_stream()
    rows, paints = [], []
    for due, name, row in cards:
        rows.append([when(due, today) if due else "-", name, *row])
        paints.append("31" if due and due.date < today else None)
    lines = render.table(
        rows, style, header=["WHEN", "NAME", "COMPANY", "PHONE", "ACTION", "LAST"], shrink=(5, 2, 1)
    )
    typer.echo(lines[0])
    for line, paint in zip(lines[1:], paints, strict=True):
        typer.echo(style.paint(line, paint) if paint else line)


@app.command()
def agenda(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", "-n", min=1, max=400, help="How many days from today.")] = 14,
    json_: JsonOption = False,
    all_: AllOption = False,
    owner: OwnerOption = None,
) -> None:
    """Cards per day for the coming days, as bars against capacity; birthdays noted."""
    from . import query, render

    binder = _open(ctx)
    clock = Clock.from_env()
    ahead = binder.settings.birthday_days
    plan = query.agenda(binder, clock.today, days, _owners(all_, owner), ahead=ahead)
    _report_problems(plan.problems)
    capacity = binder.settings.capacity
    if json_:
        render.dump_json(
            [{"date": d.isoformat(), "count": len(cards), "capacity": capacity} for d, cards in plan.days]
        )
        return
    style = render.Style.for_stream()
    workdays = binder.settings.workday_calendar()
    by_day: dict[dt.date, list[str]] = {}
    last_day = plan.days[-1][0]
    for birthday in plan.birthdays:
        name = birthday.name
        if birthday.on <= last_day:
            age = f" ({birthday.age})" if birthday.age else ""
            by_day.setdefault(birthday.on, []).append(f"birthday: {name}{age}")
        notice_day = birthday.on - dt.timedelta(days=ahead)
        if ahead and clock.today <= notice_day <= last_day:
            by_day.setdefault(notice_day, []).append(f"{name}'s birthday in {ahead} days")
    bar_width = min(40, max(10, capacity))
    if plan.overdue:
        typer.echo(
            style.paint(
                f"  overdue        {len(plan.overdue):>3}  run 'tickler roll' to bring them to today", "31"
            )
        )
    for day, cards in plan.days:
        label = day.strftime("%a %d %b")
        mark = "today" if day == clock.today else ""
        if not workdays.is_workday(day):
            holiday = workdays.holiday_name(day)
            mark = holiday or "day off"
        count = len(cards)
        filled = min(bar_width, round(bar_width * count / capacity))
        glyph = "█" if style.width is not None else "#"
        bar = glyph * filled + (f" +{count - capacity}" if count > capacity else "")
        if count > capacity:
            bar = style.paint(bar, "31")
        notes = "; ".join(by_day.get(day, []))
        line = f"  {label}  {count:>3}/{capacity:<3} {render.pad(bar, bar_width + 5)} {mark:<10} {notes}"
        line = line.rstrip()
        if style.width is not None:
            line = render.fit(line, style.width) if "\x1b" not in line else line
        typer.echo(style.paint(line, "1") if day == clock.today else line)


@app.command(name="list")
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
    tag: Annotated[str | None, typer.Option("--tag", metavar="T", help="Only cards with this tag.")] = None,
    all_: AllOption = False,
    owner: OwnerOption = None,
    json_: JsonOption = False,
) -> None:
    """Cards due on a date or in a range, in date order."""
    from . import query, render

    binder = _open(ctx)
    clock = Clock.from_env()
    rows = not (json_ or tag)  # the table comes from the index; JSON and tags need the cards
    if overdue:
        yesterday = clock.today - dt.timedelta(days=1)
        entries, problems = query.due_entries(binder, dt.date.min, yesterday, clock.today, rows=rows)
    elif when:
        try:
            start, end = query.parse_range(when, clock.today)
        except TicklerError as exc:
            raise TicklerError(f"WHEN: {exc.message}") from None
        entries, problems = query.due_entries(binder, start, end, clock.today, rows=rows)
    else:
        entries, problems = query.scheduled_entries(binder, rows=rows)
    _report_problems(problems)
    entries = _owners(all_, owner).select_entries(binder, entries)
    if rows:
        listed = query.listed(entries)
    else:
        cards = _load_all(binder, entries)
        if tag:
            cards = [f for f in cards if fold(tag) in {fold(t) for t in f.card.tags}]
        if json_:
            render.dump_json([render.card_json(f, clock.today) for f in cards])
            return
        listed = query.listed_cards(cards)
    if not listed:
        typer.echo("no cards", err=True)
        return
    _print_cards(listed, clock.today, when=_when_in_list)


@app.command()
def find(
    ctx: typer.Context,
    query_: Annotated[
        str, typer.Argument(metavar="QUERY", help="Part of a name, company, email, phone or tag.")
    ],
    json_: JsonOption = False,
) -> None:
    """Cards whose name, company, email, phone or tags match (case and accents do not matter)."""
    from . import query, render

    binder = _open(ctx)
    clock = Clock.from_env()
    found, problems = query.find(binder, query_)
    _report_problems(problems)
    if json_:
        render.dump_json([render.card_json(f, clock.today) for f in _load_all(binder, found)])
        return
    if not found:
        typer.echo(f"no card matches '{query_}'", err=True)
        raise typer.Exit(1)
    _print_cards(query.listed(found), clock.today, when=_when_in_list)


def _load_all(binder: "Binder", entries: "Sequence[Entry]") -> "list[Filed]":
    """The cards of indexed entries, read in full (for JSON, which shows every field)."""
    from .query import loaded

    scan = loaded(binder, entries)
    _report_problems(scan.problems)
    return scan.cards


# --------------------------------------------------------------------------- changing cards


def _warn_about_day(binder: "Binder", due: "Due | None", clock: "Clock", card_id: str) -> None:
    """A move to a day off or an over-full day is done as asked, with a word of warning."""
    if due is None or due.date < clock.today:
        return
    from . import query

    workdays = binder.settings.workday_calendar()
    if not workdays.is_workday(due.date):
        why = workdays.holiday_name(due.date) or "not a workday"
        _warn(f"{due.date.strftime('%a %d %b %Y')} is {why}")
    capacity = binder.settings.capacity
    entries, _ = query.due_entries(binder, due.date, due.date, clock.today)
    load = len(Owners().select_entries(binder, entries))
    if load > capacity:
        _warn(f"{due.date.strftime('%a %d %b %Y')} now holds {load} cards, over the capacity of {capacity}")


@app.command()
def move(
    ctx: typer.Context,
    card: CardArg,
    when: Annotated[str, typer.Argument(metavar="WHEN", help=f"The new follow-up date: {WHEN_HELP}.")],
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Why it moved; goes in the Log.")
    ] = None,
) -> None:
    """Reschedule a card and file it under its new date."""
    binder = _open(ctx)
    clock = Clock.from_env()
    change = binder.reschedule(card, _when(when, clock), clock=clock, note=note)
    _echo_change(change)
    _warn_about_day(binder, change.new_next, clock, change.id)


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
        _echo_change(change)
        _warn_about_day(binder, change.new_next, clock, change.id)


@app.command()
def park(ctx: typer.Context, card: CardArg) -> None:
    """Drop a card's follow-up date: it goes to the cards/ index."""
    binder = _open(ctx)
    _echo_change(binder.reschedule(card, None, clock=Clock.from_env()))


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
        _echo_change(change, f"  {change.note}")
    rolled = sum(1 for c in changes if c.note.startswith("rolled"))
    refiled = len(changes) - rolled
    verb = "would roll" if dry_run else "rolled"
    typer.echo(
        f"{verb} {rolled} overdue, {'would refile' if dry_run else 'refiled'} "
        f"{refiled} card{'s' if refiled != 1 else ''}",
        err=True,
    )


@app.command()
def balance(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would move; change nothing.")] = False,
    all_: AllOption = False,
    owner: OwnerOption = None,
) -> None:
    """Move what exceeds capacity on a day to the next workdays with room.

    Cards with a time of day and cards marked `fixed: true` never move. The most flexible move
    first: cards not yet overdue, then written work (letter, email) before calls and meetings,
    then the customers contacted most recently.
    """
    from .planning import balance as balance_days

    binder = _open(ctx)
    clock = Clock.from_env()
    changes = balance_days(binder, clock, _owners(all_, owner), dry_run=dry_run)
    for change in changes:
        _echo_change(change)
    if not changes:
        typer.echo(f"every day is within the capacity of {binder.settings.capacity}", err=True)
    elif dry_run:
        typer.echo(f"would move {len(changes)} card{'s' if len(changes) != 1 else ''}", err=True)


@app.command()
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
    from .planning import handover as hand_over

    binder = _open(ctx)
    clock = Clock.from_env()
    start = _when(since, clock, "--from").date if since else None
    end = _when(until, clock, "--until").date if until else None
    if start and end and end < start:
        raise TicklerError("--until is before --from")
    changes = hand_over(binder, from_owner, to_owner, clock, start=start, end=end)
    for change in changes:
        due = str(change.new_next) if change.new_next else "no date"
        typer.echo(f"{change.id}: {change.note} to {to_owner} ({due})")
    typer.echo(f"handed over {len(changes)} card{'s' if len(changes) != 1 else ''} to {to_owner}", err=True)


@app.command()
def watch(
    ctx: typer.Context,
    quiet: Annotated[
        float,
        typer.Option(
            "--quiet", metavar="SECONDS", min=0.05, help="How long a file must be still before it is filed."
        ),
    ] = 0.4,
) -> None:
    """Keep the binder filed while you edit cards in your editor (Ctrl-C stops).

    Saving a card with a new `next` refiles it; dragging a card file into another day or month
    divider reschedules it to that divider's date (into cards/ parks it); a new card file saved in a
    divider is filed by its `next`. At start, and again at midnight, it rolls the binder.
    """
    import signal
    import threading

    from .watch import run as watch_binder

    binder = _open(ctx)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or a service manager stopping it
        signal.signal(signum, lambda *_: stop.set())
    typer.echo(f"watching {binder.root} (Ctrl-C to stop)", err=True)
    watch_binder(binder, say=typer.echo, warn=_warn, stop=stop, quiet=quiet)
    typer.echo("stopped", err=True)


@app.command()
def sync(ctx: typer.Context) -> None:
    """Share the binder with the team: commit hand edits, pull, merge card by card, push.

    Two reps who changed the same customer lose nothing: the front matter merges key by key, the
    Log keeps both sides' entries in date order, and a clash on `next` goes to the side with the
    later Log entry. Afterwards every card is once in the folder its `next` says.
    """
    from .sync import sync as sync_binder

    binder = _open(ctx)
    report = sync_binder(binder, Clock.from_env())
    for notice in report.notices:
        typer.echo(notice, err=True)
    if report.committed:
        typer.echo(f"committed hand edits: {', '.join(report.committed)}")
    if report.incoming:
        typer.echo(
            f"merged {report.incoming} commit{'s' if report.incoming != 1 else ''} from {report.upstream}"
        )
    for line in report.resolved + report.settled:
        typer.echo(f"  {line}")
    typer.echo(f"in sync with {report.upstream}", err=True)


@app.command()
def history(ctx: typer.Context, card: CardArg, json_: JsonOption = False) -> None:
    """The card's history across moves: each commit, newest first, with the follow-up date it set
    and the Log entries it added."""
    from . import render
    from .git import card_history, find_repo

    binder = _open(ctx)
    filed = binder.resolve(card)
    repo = find_repo(binder.root)
    if repo is None:
        raise TicklerError("this binder is not a git repository, so it keeps no history")
    entries = card_history(repo, filed.id)
    if json_:
        render.dump_json(
            [
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
        )
        return
    if not entries:
        typer.echo(f"{filed.rel} has no commits yet", err=True)
        return
    style = render.Style.for_stream()
    for entry in entries:
        when = entry.date[:16].replace("T", " ")
        typer.echo(f"{style.paint(entry.commit[:8], '33')}  {when}  {entry.author}  {entry.message}")
        if entry.next_from is not None or entry.next_to is not None:
            typer.echo(f"    next: {entry.next_from or 'none'} -> {entry.next_to or 'none'}")
        for line in entry.log_added:
            typer.echo(f"    + {line}")


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
        problems = binder.check(clock.today)
    if json_:
        render.dump_json(
            [{"kind": p.kind, "path": p.path, "line": p.line, "message": p.message} for p in problems]
        )
    else:
        for problem in problems:
            typer.echo(f"{problem.kind}: {problem}")
    if problems:
        hint = "" if fix else "; 'tickler check --fix' repairs misfiled cards and duplicate ids"
        typer.echo(f"tickler: {len(problems)} problem{'s' if len(problems) != 1 else ''}{hint}", err=True)
        raise typer.Exit(1)
    if not json_:
        typer.echo("binder ok", err=True)


# --------------------------------------------------------------------------- reports

report_app = typer.Typer(
    cls=_Group,
    help="Know your customers: the best 20%, who stopped buying, segments. All from the cards' Log.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(report_app, name="report")
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV for a spreadsheet.")]
ReportOwner = Annotated[str | None, typer.Option("--owner", metavar="NAME", help="Only one rep's customers.")]


def _report_rows(
    rows: list[tuple["Filed", dict[str, Any]]], today_: dt.date, *, json_: bool, csv_: bool
) -> bool:
    """Print rows as JSON (cards with the report's keys) or CSV; False when neither was asked."""
    from . import render

    if json_:
        render.dump_json([{**render.card_json(f, today_), **extra} for f, extra in rows])
        return True
    if csv_:
        import csv

        keys = list(rows[0][1]) if rows else []
        writer = csv.writer(sys.stdout, lineterminator="\n")
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
        return True
    return False


def _money(value: Any) -> str:
    return f"{value:,.2f}"


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
    from . import report
    from .dates import add_months

    binder = _open(ctx)
    clock = Clock.from_env()
    start = dt.date.min if all_time else _since(since, clock) if since else add_months(clock.today, -12)
    found, warnings = report.customers(binder, owner)
    _report_problems(warnings)
    ranked = report.pareto(found, start, clock.today)
    rows = [(r.customer.filed, {"value": float(r.value), "group": r.group}) for r in ranked]
    if _report_rows(rows, clock.today, json_=json_, csv_=csv_):
        return
    from . import render

    style = render.Style.for_stream()
    total = sum((r.value for r in ranked), start=type(ranked[0].value)(0)) if ranked else 0
    period = "all time" if all_time else f"{start} to {clock.today}"
    typer.echo(f"Purchases, {period}: {len(ranked)} customers bought, {_money(total)} in all")
    if not ranked:
        return
    for group, (count, value, share) in report.shares(ranked).items():
        bar = ("█" if style.width else "#") * round(share * 30)
        plural = "s" if count != 1 else " "
        typer.echo(f"  {group:<7} {count:>4} customer{plural}  {_money(value):>14}  {share:>4.0%}  {bar}")
    typer.echo("")
    table = [
        [str(i + 1), r.customer.filed.card.name, _money(r.value), f"{float(r.value / total):.1%}", r.group]
        for i, r in enumerate(ranked)
    ]
    for line in render.table(table, style, header=["RANK", "NAME", "VALUE", "SHARE", "GROUP"], shrink=(1,)):
        typer.echo(line)


def _since(text: str, clock: "Clock") -> dt.date:
    from .dates import parse_due

    try:
        return parse_due(text).date
    except TicklerError:
        return _when(text, clock, "--since").date


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
    from . import report

    binder = _open(ctx)
    clock = Clock.from_env()
    found, warnings = report.customers(binder, owner)
    _report_problems(warnings)
    lapsed = report.lapsed(found, clock.today, binder.settings)
    if schedule is not None:
        from .planning import schedule_calls

        due = _when(schedule, clock, "--schedule")
        calls = [(lp.customer.filed.id, "lapsed customer: " + "; ".join(lp.reasons)) for lp in lapsed]
        changes = schedule_calls(
            binder, calls, due, clock, message=f"tickler report lapsed: {len(calls)} calls on {due}"
        )
        for change in changes:
            _echo_change(change)
        typer.echo(
            f"filed {len(changes)} customer{'s' if len(changes) != 1 else ''} for a call on {due}", err=True
        )
        return
    rows = [
        (
            lp.customer.filed,
            {"last_purchase": str(lp.customer.last_purchase), "reason": "; ".join(lp.reasons)},
        )
        for lp in lapsed
    ]
    if _report_rows(rows, clock.today, json_=json_, csv_=csv_):
        return
    from . import render

    if not lapsed:
        typer.echo("no customer has stopped buying or buys clearly less", err=True)
        return
    table = [
        [lp.customer.filed.card.name, str(lp.customer.last_purchase), "; ".join(lp.reasons)] for lp in lapsed
    ]
    for line in render.table(
        table, render.Style.for_stream(), header=["NAME", "LAST PURCHASE", "REASON"], shrink=(2, 0)
    ):
        typer.echo(line)
    typer.echo(
        f"{len(lapsed)} customers; 'tickler report lapsed --schedule WHEN' files them for a call", err=True
    )


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
    from . import render, report

    binder = _open(ctx)
    clock = Clock.from_env()
    found, warnings = report.customers(binder, owner)
    _report_problems(warnings)
    key, order = ("stage", report.STAGES) if matrix else ("segment", report.SEGMENTS)
    grouped = (
        report.stages(found, clock.today, binder.settings)
        if matrix
        else report.segments(found, clock.today, binder.settings)
    )
    rows = [(c.filed, {key: group}) for c, group in grouped]
    if _report_rows(rows, clock.today, json_=json_, csv_=csv_):
        return
    style = render.Style.for_stream()
    prospects = sum(1 for c in found if not c.purchases)
    typer.echo(f"{len(grouped)} customers with purchases, {prospects} prospects without")
    year_ago = report.year_before(clock.today)
    for group in order:
        members = [c for c, g in grouped if g == group]
        if not members:
            continue
        typer.echo(style.paint(f"{group} ({len(members)})", "1"))
        table = [
            [
                c.filed.card.name,
                str(c.last_purchase),
                str(c.count(year_ago, clock.today)),
                _money(report.average_purchase(c, clock.today)),
            ]
            for c in members
        ]
        for line in render.table(
            table, style, header=["NAME", "LAST PURCHASE", "IN 12 MONTHS", "AVERAGE"], shrink=(0,)
        ):
            typer.echo(line)


# --------------------------------------------------------------------------- exchange

import_app = typer.Typer(
    cls=_Group,
    help="Bring customers in from a spreadsheet or a phone.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
export_app = typer.Typer(
    cls=_Group,
    help="Send the binder to a spreadsheet or a calendar.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of standard output."),
]


def _read_source(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TicklerError(f"cannot read: {exc.strerror}", path=path) from None
    for encoding in ("utf-8-sig", "cp1251", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TicklerError("is not text", path=path)  # pragma: no cover - latin-1 decodes anything


def _import(
    binder: "Binder", records: list[Any], bad: list[tuple[int, str]], source: Path, dry_run: bool
) -> None:
    from .exchange.importing import upsert

    clock = Clock.from_env()
    report = upsert(binder, records, clock, dry_run=dry_run, source=source.name)
    for line, why in bad:
        _warn(f"{source}:{line}: {why}; row skipped")
    for outcome in report.outcomes:
        if outcome.action == "error":
            _warn(f"{source}:{outcome.line}: {outcome.detail}; row skipped")
        elif outcome.action != "unchanged":
            detail = f" ({outcome.detail})" if outcome.detail else ""
            typer.echo(f"{'would be ' if dry_run else ''}{outcome.action}: {outcome.card_id}{detail}")
    errors = len(bad) + report.count("error")
    typer.echo(
        f"{source.name}: {report.count('created')} new, {report.count('updated')} updated, "
        f"{report.count('unchanged')} unchanged, {errors} skipped"
        + (" (dry run: nothing changed)" if dry_run else ""),
        err=True,
    )


@import_app.command("csv")
def import_csv(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A CSV file with a header row.")],
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map", metavar="COLUMN=KEY", help="Read a column as a card key, e.g. --map Kunde=name."
        ),
    ] = None,
    dry_run: DryRunOption = False,
) -> None:
    """Import customers from a spreadsheet; importing again updates instead of duplicating.

    Columns named name, company, email, phone, next, owner, tags (and usual variants) become those
    keys; other columns become keys as they are named. A customer is recognised by email, then
    phone, then name and company.
    """
    from .exchange.csvfile import read_records

    binder = _open(ctx)
    mapping = {}
    for item in map_ or []:
        column, sep, key = item.partition("=")
        if not sep or not column.strip() or not key.strip():
            raise UsageError(f"--map {item!r}: write it as COLUMN=KEY")
        mapping[column.strip()] = key.strip().lower()
    try:
        records, bad = read_records(_read_source(file), Clock.from_env(), mapping)
    except TicklerError as exc:
        raise TicklerError(exc.message, path=file, line=exc.line) from None
    _import(binder, records, bad, file, dry_run)


@import_app.command("vcard")
def import_vcard(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .vcf file exported from a phone or address book.")
    ],
    dry_run: DryRunOption = False,
) -> None:
    """Import phone contacts (names in any script, several phones and emails, birthdays)."""
    from .exchange.vcard import read_records

    binder = _open(ctx)
    try:
        records, bad = read_records(_read_source(file))
    except TicklerError as exc:
        raise TicklerError(exc.message, path=file, line=exc.line) from None
    _import(binder, records, bad, file, dry_run)


def _write_out(data: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            typer.echo(data, nl=False)
        return
    from .fsutil import atomic_write

    atomic_write(output.resolve(), data if isinstance(data, bytes) else data.encode("utf-8"))
    typer.echo(f"wrote {output}", err=True)


@export_app.command("csv")
def export_csv(ctx: typer.Context, output: OutputOption = None, owner: OwnerOption = None) -> None:
    """Every card as a spreadsheet row: the usual columns first, then every other key."""
    import io

    from .exchange.csvfile import write_cards

    binder = _open(ctx)
    scan = binder.scan()
    _report_problems(scan.problems)
    cards = _owners(owner is None, owner).select(binder, sorted(scan.cards, key=lambda f: f.id))
    buffer = io.StringIO()
    write_cards(cards, buffer)
    _write_out(buffer.getvalue(), output)


@export_app.command("ics")
def export_ics(ctx: typer.Context, output: OutputOption = None, owner: OwnerOption = None) -> None:
    """Every scheduled card as a calendar event (re-importing updates the same events)."""
    from . import query
    from .exchange.ics import calendar

    binder = _open(ctx)
    scan = query.scheduled(binder)
    _report_problems(scan.problems)
    cards = _owners(owner is None, owner).select(binder, scan.cards)
    _write_out(calendar(cards), output)


@app.command()
def letters(
    ctx: typer.Context,
    template: Annotated[
        Path,
        typer.Argument(metavar="TEMPLATE", help="A Markdown letter with {name}, {first_name}, {company}... "),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for the letters (one file a customer).")
    ],
    segment: Annotated[
        str | None, typer.Option("--segment", metavar="S", help="Only customers in this segment.")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", metavar="T", help="Only cards with this tag.")] = None,
    due: Annotated[
        str | None, typer.Option("--due", metavar="WHEN", help="Only cards due then (a day or a range).")
    ] = None,
    log_: Annotated[
        bool, typer.Option("--log", help="Add a 'letter' Log entry to each card written for.")
    ] = False,
) -> None:
    """Write a personal letter to each customer from a template, addressed by name."""
    from .exchange.letters import merge

    binder = _open(ctx)
    clock = Clock.from_env()
    text = _read_source(template)
    cards = _select(binder, clock, segment=segment, tag=tag, due=due)
    results = merge(text, cards)
    written = [r for r in results if r.text is not None]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TicklerError(f"cannot create the folder: {exc.strerror}", path=out) from None
    from .fsutil import atomic_write

    for letter in written:
        assert letter.text is not None
        atomic_write(out.resolve() / f"{letter.filed.id}.md", letter.text.encode("utf-8"))
    for letter in results:
        if letter.text is None:
            _warn(f"{letter.filed.rel}: no letter, the card has no {', '.join(letter.missing)}")
    if log_ and written:
        from .planning import log_letters

        log_letters(binder, [r.filed.id for r in written], template.stem, clock)
    typer.echo(
        f"wrote {len(written)} letter{'s' if len(written) != 1 else ''} to {out}"
        + (f"; {len(results) - len(written)} cards lack a field" if len(results) > len(written) else ""),
        err=True,
    )


def _select(
    binder: "Binder", clock: "Clock", *, segment: str | None, tag: str | None, due: str | None
) -> list["Filed"]:
    from . import query

    if due is not None:
        try:
            start, end = query.parse_range(due, clock.today)
        except TicklerError as exc:
            raise TicklerError(f"--due: {exc.message}") from None
        scan = query.due_between(binder, start, end, clock.today)
    else:
        scan = binder.scan()
    _report_problems(scan.problems)
    cards = sorted(scan.cards, key=lambda f: f.id)
    if tag:
        cards = [f for f in cards if fold(tag) in {fold(t) for t in f.card.tags}]
    if segment:
        from . import report

        wanted = segment.strip().lower()
        if wanted not in report.SEGMENTS:
            raise TicklerError(f"no segment '{segment}' (there are: {', '.join(report.SEGMENTS)})")
        found, _ = report.customers_from(cards)
        cards = [c.filed for c, s in report.segments(found, clock.today, binder.settings) if s == wanted]
    return cards


@app.command(name="print")
def print_(
    ctx: typer.Context,
    when: Annotated[
        str | None,
        typer.Argument(metavar="[WHEN | A..B]", help="The day or range (default: today, overdue included)."),
    ] = None,
    output: OutputOption = None,
    all_: AllOption = False,
    owner: OwnerOption = None,
) -> None:
    """A printable HTML sheet of the day: one page a card with contacts, action, notes and Log."""
    from . import query
    from .exchange.sheet import sheet

    binder = _open(ctx)
    clock = Clock.from_env()
    if when is None:
        scan = query.loaded(binder, *query.due_today(binder, clock.today))
        title = f"tickler: {clock.today.strftime('%A %d %B %Y')}"
    else:
        try:
            start, end = query.parse_range(when, clock.today)
        except TicklerError as exc:
            raise TicklerError(f"WHEN: {exc.message}") from None
        scan = query.due_between(binder, start, end, clock.today)
        title = f"tickler: {start} to {end}" if start != end else f"tickler: {start.strftime('%A %d %B %Y')}"
    _report_problems(scan.problems)
    cards = _owners(all_, owner).select(binder, scan.cards)
    cards.sort(key=lambda f: _day_order(f, clock.today))
    _write_out(sheet(cards, title, clock.today), output)


def run() -> None:
    """Console-script entry point."""
    app()
