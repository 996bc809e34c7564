"""Exchange with the tools reps already use: import, export, letters, print."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

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
    write_out,
)

if TYPE_CHECKING:
    from ..exchange.importing import ImportReport

room = typer.Typer(rich_markup_mode=None)
import_app = typer.Typer(
    help="Bring customers in from a spreadsheet or a phone.", no_args_is_help=True, rich_markup_mode=None
)
export_app = typer.Typer(
    help="Send the binder to a spreadsheet or a calendar.", no_args_is_help=True, rich_markup_mode=None
)
room.add_typer(import_app, name="import")
room.add_typer(export_app, name="export")


def _print_import(report: "ImportReport", source: Path, dry_run: bool) -> None:
    for line, why in report.bad:
        warn(f"{source}:{line}: {why}; row skipped")
    for outcome in report.outcomes:
        if outcome.action == "error":
            warn(f"{source}:{outcome.line}: {outcome.detail}; row skipped")
        elif outcome.action != "unchanged":
            detail = f" ({outcome.detail})" if outcome.detail else ""
            typer.echo(f"{'would be ' if dry_run else ''}{outcome.action}: {outcome.card_id}{detail}")
    skipped = len(report.bad) + report.count("error")
    typer.echo(
        f"{source.name}: {report.count('created')} new, {report.count('updated')} updated, "
        f"{report.count('unchanged')} unchanged, {skipped} skipped"
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
    from ..exchange.importing import import_file

    binder = open_binder(ctx)
    given = pairs(map_, "--map", "COLUMN=KEY", need_value=True)
    mapping = {column: key.strip().lower() for column, key in given.items()}
    report = import_file(binder, "csv", file, clock(), mapping=mapping, dry_run=dry_run)
    _print_import(report, file, dry_run)


@import_app.command("vcard")
def import_vcard(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .vcf file exported from a phone or address book.")
    ],
    dry_run: DryRunOption = False,
) -> None:
    """Import phone contacts (names in any script, several phones and emails, birthdays)."""
    from ..exchange.importing import import_file

    report = import_file(open_binder(ctx), "vcard", file, clock(), dry_run=dry_run)
    _print_import(report, file, dry_run)


@export_app.command("csv")
def export_csv(ctx: typer.Context, output: OutputOption = None, owner: OwnerOption = None) -> None:
    """Every card as a spreadsheet row: the usual columns first, then every other key."""
    from ..exchange.csvfile import export

    text, problems = export(open_binder(ctx), owner)
    report_problems(problems)
    write_out(text, output)


@export_app.command("ics")
def export_ics(ctx: typer.Context, output: OutputOption = None, owner: OwnerOption = None) -> None:
    """Every scheduled card as a calendar event (re-importing updates the same events)."""
    from ..exchange.ics import export

    data, problems = export(open_binder(ctx), owner)
    report_problems(problems)
    write_out(data, output)


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
        + (f"; {lacking} cards lack a field" if lacking else ""),
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
) -> None:
    """A printable HTML sheet of the day: one page a card with contacts, action, notes and Log."""
    from ..exchange.sheet import day_sheet

    binder, now = open_binder(ctx), clock()
    dates = span(when, now) if when is not None else None
    html, problems = day_sheet(binder, now, owners(all_, owner), dates)
    report_problems(problems)
    write_out(html, output)
