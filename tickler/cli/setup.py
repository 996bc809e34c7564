"""The binder itself: init, check."""

from pathlib import Path
from typing import Annotated

import typer

from .common import JsonOption, clock, dump_json, open_binder, plural, warn, working

room = typer.Typer(rich_markup_mode=None)


@room.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to create the binder.")] = Path("."),
    no_git: Annotated[bool, typer.Option("--no-git", help="Do not make it a git repository.")] = False,
    lfs: Annotated[
        bool,
        typer.Option("--lfs", help="Keep the dossier's offers, sheets and scans in git LFS (needs git lfs)."),
    ] = False,
) -> None:
    """Create a binder: 31 day and 12 month dividers, cards/, templates/, settings, git repository.

    Run again in a binder, it only adds what is missing (with --lfs: the git LFS lines).
    """
    from ..setup import init_binder, set_up_lfs

    created, notes = init_binder(path, git=not no_git)
    for note in notes:
        warn(note)
    typer.echo(f"binder ready in {path.resolve()} ({len(created)} files and folders created)")
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
        problems, duplicates = checking.examine(binder, now.today)
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
    if problems:
        hint = "" if fix else "; 'tickler check --fix' repairs what it can without guessing"
        typer.echo(f"tickler: {plural(len(problems), 'problem')}{hint}", err=True)
        raise typer.Exit(1)
    if not json_:
        typer.echo("binder ok", err=True)
