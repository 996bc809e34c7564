"""The binder itself: init, check."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import JsonOption, clock, dump_json, open_binder, plural, warn, working

if TYPE_CHECKING:
    from ..binder import Binder

room = typer.Typer(rich_markup_mode=None)


@room.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to create the binder.")] = Path("."),
    no_git: Annotated[bool, typer.Option("--no-git", help="Do not make it a git repository.")] = False,
    lfs: Annotated[
        bool,
        typer.Option("--lfs", help="Keep the dossier's offers, sheets and scans in git LFS (needs git lfs)."),
    ] = False,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help="A new binder holding the sample customers, dated from today, to try every command on.",
        ),
    ] = False,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="CC",
            help="The country phone numbers without +country are read in (RU, DE...); "
            "default: the locale's (LANG=ru_RU.UTF-8 is RU).",
        ),
    ] = None,
) -> None:
    """Create a binder: 31 day and 12 month dividers, cards/, templates/, settings, git repository.

    Run again in a binder, it only adds what is missing (with --lfs: the git LFS lines). With
    --sample, PATH must be new or empty: the binder gets the sample's customers and settings,
    every date moved so that the sample's day is today, in one commit (undo works there).
    """
    import os

    from ..errors import UsageError
    from ..identity import known_region, locale_region
    from ..setup import init_binder, set_up_lfs

    path = path.expanduser()
    code = None
    if region is not None:
        code = known_region(region)
        if code is None:
            raise UsageError(f"--region '{region}': not a country code phone numbers know (RU, DE, US...)")
    if sample:
        from ..sample_binder import make_sample

        made = make_sample(path, clock().today, git=not no_git, region=code)
        for note in made.notes:
            warn(note)
        typer.echo(f"binder ready in {path.resolve()} with {plural(len(made.cards), 'sample card')}")
        typer.echo(f"work there: cd {path} && tickler today", err=True)
    else:
        from ..config import DEFAULT_SETTINGS_TEXT
        from ..layout import SETTINGS_FILE
        from ..setup import with_region

        fresh = not (path.expanduser() / SETTINGS_FILE).exists()
        found = None if code is not None or not fresh else locale_region(os.environ)
        if found is not None and known_region(found[0]):
            code = found[0]
        elif region is not None and not fresh:
            warn(f'{SETTINGS_FILE} is there already and is left as it is: write region = "{code}" in it')
        settings = with_region(DEFAULT_SETTINGS_TEXT, code) if code is not None and fresh else None
        created, notes = init_binder(path, git=not no_git, settings_text=settings)
        for note in notes:
            warn(note)
        typer.echo(f"binder ready in {path.resolve()} ({len(created)} files and folders created)")
        if fresh and code is not None:
            origin = f" (from {found[1]})" if found is not None and found[0] == code else ""
            typer.echo(
                f'region = "{code}"{origin}: phone numbers without +country are read as {code} numbers',
                err=True,
            )
        elif fresh:
            typer.echo(
                'no region set: with region = "RU" (or your country) in tickler.toml, 8 916 555-66-77 and '
                "+7 916 555-66-77 are one number to find and check (tickler init --region RU)",
                err=True,
            )
    if lfs:
        done = set_up_lfs(path)
        if not done.ready:
            warn(done.note)
        else:
            added = f"{done.added} file types under files/ now go" if done.added else "the dossier's files go"
            typer.echo(f"git LFS: {added} to git LFS; each teammate runs 'git lfs install' once", err=True)


@room.command()
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
    """Verify the binder: every card readable, filed where its date says, ids unique. Exit 1 if not.

    Cards that share an email or a phone number are listed as probable duplicates (duplicate?):
    a warning, not a failure; 'tickler merge KEEP OTHER' makes one card of two.
    """
    from .. import check as checking

    binder, now = open_binder(ctx), clock()
    done: list[str] = []
    with working(json_=json_):
        if fix:
            done, _ = checking.fix(binder, now.today)
        phones: list[str] = []  # (gathered in the same pass, for the region hint)
        problems, duplicates = checking.examine(binder, now.today, phones)
    for line in done:
        typer.echo(f"fixed: {line}", err=json_)
    if json_:
        found = [{"kind": p.kind, "path": p.path, "line": p.line, "message": p.message} for p in problems]
        found += [{"kind": "duplicate?", "path": None, "line": None, "message": str(d)} for d in duplicates]
        dump_json(found)
    else:
        for problem in problems:
            typer.echo(f"{problem.kind}: {problem}")
        for duplicate in duplicates:
            typer.echo(f"duplicate?: {duplicate}")
    _region_hint(binder, phones)
    if problems:
        hint = "" if fix else "; 'tickler check --fix' repairs what it can without guessing"
        typer.echo(f"tickler: {plural(len(problems), 'problem')}{hint}", err=True)
        raise typer.Exit(1)
    if not json_:
        typer.echo("binder ok", err=True)


def _region_hint(binder: "Binder", phones: list[str]) -> None:
    """Propose a region when most phones are national numbers of a country it does not name."""
    import os

    from ..dedupe import binder_region_hint

    hint = binder_region_hint(binder, os.environ, phones)
    if hint is not None:
        warn(
            f"{hint.national} of {hint.phones} phones are written as national numbers of {hint.region}, "
            f'without +{hint.calling_code}: set region = "{hint.region}" in tickler.toml and find and '
            "check read them as the numbers they are"
        )
