"""Exchange with the tools reps already use: import, export, letters, print."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..render import display_width, pad
from .common import (
    AllOption,
    DryRunOption,
    OutputOption,
    OwnerOption,
    TagOption,
    clock,
    open_binder,
    owners,
    pairs,
    plural,
    report_problems,
    span,
    warn,
    working,
    write_out,
)

if TYPE_CHECKING:
    from ..exchange.importing import ImportReport

room = typer.Typer(rich_markup_mode=None)
import_app = typer.Typer(
    help="Bring customers in from a spreadsheet or a phone, and their mail into their dossiers.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
export_app = typer.Typer(
    help="Send the binder to a spreadsheet or a calendar.", no_args_is_help=True, rich_markup_mode=None
)
room.add_typer(import_app, name="import")
room.add_typer(export_app, name="export")


def _print_import(report: "ImportReport", source: Path, dry_run: bool, rejects: Path | None) -> None:
    read = report.read
    if dry_run:
        typer.echo(f"{source.name}: read as {read.layout}")
        kept = [(column, key) for column, key in read.mapping if key != "not imported"]
        width = max((display_width(column) for column, _ in kept), default=0)
        for column, key in kept:
            typer.echo(f"  {pad(column, width)}  ->  {key}")
        left_out = [column for column, key in read.mapping if key == "not imported"]
        if left_out:
            typer.echo(f"  not imported: {', '.join(left_out)}")
    for where, why in read.bad:
        warn(f"{where}: {why}; {read.unit} skipped")
    for where, why in read.warnings:
        warn(f"{where}: {why}")
    for outcome in report.outcomes:
        if outcome.action == "error":
            warn(f"{outcome.where}: {outcome.detail}; {read.unit} skipped")
        elif outcome.action != "unchanged":
            detail = f" ({outcome.detail})" if outcome.detail else ""
            typer.echo(f"{'would be ' if dry_run else ''}{outcome.action}: {outcome.card_id}{detail}")
    skipped = len(read.bad) + report.count("error")
    if rejects is not None:
        from ..exchange.rejects import rejects_text

        write_out(rejects_text(report), rejects)
    typer.echo(
        f"{source.name}: {report.count('created')} new, {report.count('updated')} updated, "
        f"{report.count('unchanged')} unchanged, {skipped} skipped"
        + (" (dry run: nothing changed)" if dry_run else ""),
        err=True,
    )


MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map", metavar="COLUMN=KEY", help="Read a column as a card key, e.g. --map Kunde=name (- skips it)."
    ),
]


RejectsOption = Annotated[
    Path | None,
    typer.Option(
        "--rejects",
        metavar="FILE",
        help="Write what was skipped, each with its reason, to FILE (to fix and import again).",
    ),
]


def _mapping(map_: list[str] | None) -> dict[str, str]:
    given = pairs(map_, "--map", "COLUMN=KEY", need_value=True)
    return {column: key.strip().lower() for column, key in given.items()}


@import_app.command("csv")
def import_csv(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A CSV file with a header row.")],
    map_: MapOption = None,
    dry_run: DryRunOption = False,
    rejects: RejectsOption = None,
) -> None:
    """Import customers from a CSV file; importing again updates instead of duplicating.

    The header row is read as Google Contacts, Outlook, Apple, amoCRM, Bitrix24 or a Russian or
    English sheet (ФИО, Телефон, Company, Notes...), or as tickler's own export; --dry-run shows
    the mapping chosen. A customer is recognised by email, then phone, then name and company.
    """
    from ..exchange.importing import import_file

    binder, now = open_binder(ctx), clock()
    with working():
        report = import_file(binder, "csv", file, now, mapping=_mapping(map_), dry_run=dry_run)
    _print_import(report, file, dry_run, rejects)


@import_app.command("sheet")
def import_sheet(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="An .xlsx, .xls or .ods file with a header row.")
    ],
    sheet: Annotated[
        str | None, typer.Option("--sheet", metavar="NAME", help="The sheet to read (default: the first).")
    ] = None,
    map_: MapOption = None,
    dry_run: DryRunOption = False,
    rejects: RejectsOption = None,
) -> None:
    """Import customers from a spreadsheet (Excel or LibreOffice), like import csv."""
    from ..exchange.importing import import_file

    binder, now = open_binder(ctx), clock()
    with working():
        report = import_file(binder, "sheet", file, now, mapping=_mapping(map_), sheet=sheet, dry_run=dry_run)
    _print_import(report, file, dry_run, rejects)


@import_app.command("vcard")
def import_vcard(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .vcf file exported from a phone or address book.")
    ],
    dry_run: DryRunOption = False,
    rejects: RejectsOption = None,
) -> None:
    """Import phone contacts: names in any script, numbers with their kinds, emails, addresses,
    notes, birthdays and anniversaries, and every other field under a key of its own."""
    from ..exchange.importing import import_file

    binder, now = open_binder(ctx), clock()
    with working():
        report = import_file(binder, "vcard", file, now, dry_run=dry_run)
    _print_import(report, file, dry_run, rejects)


@import_app.command("notes")
def import_notes(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="A folder of Markdown notes (Obsidian, Logseq...).")
    ],
    map_: MapOption = None,
    dry_run: DryRunOption = False,
    rejects: RejectsOption = None,
) -> None:
    """Import a folder of Markdown notes, one customer a note; the note's text becomes the card's notes."""
    from ..exchange.importing import import_file

    binder, now = open_binder(ctx), clock()
    with working():
        report = import_file(binder, "notes", folder, now, mapping=_mapping(map_), dry_run=dry_run)
    _print_import(report, folder, dry_run, rejects)


class Layout(StrEnum):
    tickler = "tickler"
    google = "google"
    outlook = "outlook"


@import_app.command("mail")
def import_mail(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="An .eml file, a folder of them, an mbox or a Maildir.")
    ],
    me: Annotated[
        list[str] | None,
        typer.Option(
            "--me", metavar="ADDRESS", help="Your address (repeat for more): mail from it went out."
        ),
    ] = None,
    new: Annotated[
        bool, typer.Option("--new", help="Make a card for the sender of each message that matches no card.")
    ] = False,
    dry_run: DryRunOption = False,
) -> None:
    """Log the mail exchanged with customers on their cards, and keep it in their dossiers.

    Each message whose From, To or Cc is a card's email becomes an 'email' Log entry on that card
    (its date and time, in or out, the subject) and is kept as files/ID/mail/DATE-SUBJECT.eml.
    Mail from you (--me, an owner written as an email, git's user.email) or a colleague is out;
    mail from a customer is in. Importing again changes nothing (the Message-ID). One commit.
    """
    from ..exchange.correspondence import import_mail as bring_in

    binder, now = open_binder(ctx), clock()
    with working():
        report = bring_in(binder, path, now, me=me or [], new=new, dry_run=dry_run)
    for item in report.unreadable:
        warn(f"{item.where}: {item.why}; message skipped")
    would = "would be " if dry_run else ""
    for card_id, address in report.created:
        typer.echo(f"{would}created: {card_id} ({address})")
    for card_id, entry in report.entries:
        typer.echo(f"{card_id}: {entry}")
    unmatched = f"{report.unmatched} matching no card" + (
        " (--new makes cards for their senders)" if report.unmatched and not new else ""
    )
    typer.echo(
        f"{path.name}: {plural(report.messages, 'message')}: {report.logged} logged on "
        f"{plural(report.cards, 'card')}, {report.already} already imported, {unmatched}, "
        f"{len(report.unreadable)} skipped" + (" (dry run: nothing changed)" if dry_run else ""),
        err=True,
    )


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    output: OutputOption = None,
    owner: OwnerOption = None,
    layout: Annotated[
        Layout,
        typer.Option(
            "--layout",
            help="tickler: whole cards (import csv gives them back); google, outlook: their import layout.",
        ),
    ] = Layout.tickler,
) -> None:
    """Every card as a spreadsheet row: the usual columns, every other key, then the card's text
    (notes and Log); or in Google's or Outlook's layout for their import."""
    from ..exchange.csvfile import export

    binder = open_binder(ctx)
    with working():
        text, problems = export(binder, owner, layout.value)
    report_problems(problems)
    write_out(text, output)


@export_app.command("ics")
def export_ics(
    ctx: typer.Context,
    output: OutputOption = None,
    owner: OwnerOption = None,
    alarm: Annotated[
        bool,
        typer.Option(
            "--alarm", help="Ring before each call with a time of day (alarm_before, 10 minutes unless set)."
        ),
    ] = False,
) -> None:
    """Every scheduled card as a calendar event (re-importing updates the same events)."""
    from ..exchange.ics import export

    binder = open_binder(ctx)
    with working():
        data, problems = export(binder, owner, alarm=alarm)
    report_problems(problems)
    write_out(data, output)


@export_app.command("vcard")
def export_vcard(ctx: typer.Context, output: OutputOption = None, owner: OwnerOption = None) -> None:
    """Every card as a vCard 3.0 for a phone's address book (name, company, numbers with their
    kinds, emails, addresses...), with the card itself so import vcard gives it back."""
    from ..exchange.vcard_write import export

    binder = open_binder(ctx)
    with working():
        text, problems = export(binder, owner)
    report_problems(problems)
    write_out(text, output)


@room.command()
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
    tag: TagOption = None,
    due: Annotated[
        str | None, typer.Option("--due", metavar="WHEN", help="Only cards due then (a day or a range).")
    ] = None,
    log_: Annotated[
        bool, typer.Option("--log", help="Add a 'letter' Log entry to each card written for.")
    ] = False,
) -> None:
    """Write a personal letter to each customer from a template, addressed by name."""
    from ..exchange.letters import write_letters

    binder, now = open_binder(ctx), clock()
    dates = span(due, now, "--due") if due is not None else None
    results, problems = write_letters(
        binder, template, out, now, segment=segment, tag=tag, due=dates, log=log_
    )
    report_problems(problems)
    for letter in results:
        if letter.text is None:
            warn(f"{letter.filed.rel}: no letter, the card has no {', '.join(letter.missing)}")
    written = sum(1 for r in results if r.text is not None)
    lacking = len(results) - written
    typer.echo(
        f"wrote {plural(written, 'letter')} to {out}"
        + (f"; {plural(lacking, 'card')} {'lacks' if lacking == 1 else 'lack'} a field" if lacking else ""),
        err=True,
    )


@room.command(name="print")
def print_(
    ctx: typer.Context,
    when: Annotated[
        str | None,
        typer.Argument(metavar="[WHEN | A..B]", help="The day or range (default: today, overdue included)."),
    ] = None,
    output: OutputOption = None,
    all_: AllOption = False,
    owner: OwnerOption = None,
    dividers: Annotated[
        bool,
        typer.Option(
            "--dividers",
            help="The 31 day and 12 month divider sheets of a paper binder instead, one A4 page each.",
        ),
    ] = False,
) -> None:
    """A printable HTML sheet of the day: one page a card with contacts, action, notes and Log."""
    from ..exchange.sheet import day_sheet

    if dividers:
        from ..errors import UsageError
        from ..exchange.sheet import dividers as divider_sheets

        if when is not None or all_ or owner is not None:
            raise UsageError("--dividers prints the binder's dividers: leave out the day, --all and --owner")
        write_out(divider_sheets(), output)
        return
    binder, now = open_binder(ctx), clock()
    dates = span(when, now) if when is not None else None
    html, problems = day_sheet(binder, now, owners(all_, owner), dates)
    report_problems(problems)
    write_out(html, output)
