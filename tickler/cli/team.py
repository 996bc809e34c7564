"""Working as a team and in the editor: sync, history, watch."""

from typing import Annotated

import typer

from .common import CardArg, JsonOption, clock, dump_json, echo_lines, open_binder, style, warn

room = typer.Typer(rich_markup_mode=None)


@room.command()
def sync(ctx: typer.Context) -> None:
    """Share the binder with the team: commit hand edits, pull, merge card by card, push.

    Two reps who changed the same customer lose nothing: the front matter merges key by key, the
    Log keeps both sides' entries in date order, and a clash on `next` goes to the side with the
    later Log entry. Afterwards every card is once in the folder its `next` says.
    """
    from ..sync import sync as sync_binder

    report = sync_binder(open_binder(ctx), clock())
    echo_lines(report.notices, err=True)
    if report.committed:
        typer.echo(f"committed hand edits: {', '.join(report.committed)}")
    if report.incoming:
        typer.echo(
            f"merged {report.incoming} commit{'s' if report.incoming != 1 else ''} from {report.upstream}"
        )
    echo_lines(f"  {line}" for line in report.resolved + report.settled)
    typer.echo(f"in sync with {report.upstream}", err=True)


@room.command()
def history(ctx: typer.Context, card: CardArg, json_: JsonOption = False) -> None:
    """The card's history across moves: each commit, newest first, with the follow-up date it set
    and the Log entries it added."""
    from ..render import reports
    from ..sync import history as card_history

    filed, entries = card_history(open_binder(ctx), card)
    if json_:
        dump_json(reports.history_json(entries))
    elif not entries:
        typer.echo(f"{filed.rel} has no commits yet", err=True)
    else:
        echo_lines(reports.history(entries, style()))


@room.command()
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

    from ..watch import run as watch_binder

    binder = open_binder(ctx)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or a service manager stopping it
        signal.signal(signum, lambda *_: stop.set())
    typer.echo(f"watching {binder.root} (Ctrl-C to stop)", err=True)
    watch_binder(binder, say=typer.echo, warn=warn, stop=stop, quiet=quiet)
    typer.echo("stopped", err=True)
