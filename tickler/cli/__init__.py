"""The ``tickler`` command line: thin commands over the library, in rooms by command group.

=============  ==============================================================
``day``        today, agenda, list, find, show
``cards``      new, edit, log, attach, move, park, request, merge, undo
``plans``      roll, balance, handover
``team``       sync, history, watch
``customers``  report pareto, lapsed, segments, activity, loyalty, campaigns
``exchange``   import, export, letters, print
``setup``      init, check
=============  ==============================================================

``serve`` is defined by the web face (``tickler.web.command``), named here by its module path
and never imported but to run it: the command line and the web face do not import each other.

A room is imported only when one of its commands runs (or ``--help`` lists them all), so
``tickler --version`` and ``tickler today`` do not pay for the others. Each command parses its
arguments, makes one call into the library and prints the answer. Library errors become
``tickler: error: ...`` and their exit code here, in ``_Group.invoke``, and nowhere else.
"""

import importlib
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import TicklerError

# Command -> the room that defines it (a module of this package, or a full module path), in the
# order --help lists them.
ROOMS = {
    "init": "setup",
    "today": "day",
    "agenda": "day",
    "list": "day",
    "find": "day",
    "show": "day",
    "new": "cards",
    "edit": "cards",
    "log": "cards",
    "attach": "cards",
    "move": "cards",
    "park": "cards",
    "request": "cards",
    "merge": "cards",
    "undo": "cards",
    "roll": "plans",
    "balance": "plans",
    "handover": "plans",
    "check": "setup",
    "sync": "team",
    "history": "team",
    "watch": "team",
    "report": "customers",
    "import": "exchange",
    "export": "exchange",
    "letters": "exchange",
    "print": "exchange",
    "serve": "tickler.web.command",
}


_loaded: dict[str, Any] = {}  # command -> the click command, converted once


def _convert(room: typer.Typer, name: str) -> Any:
    """The click command ``name`` of a room, converted alone (not the room's other commands)."""
    for info in room.registered_commands:
        if (info.name or (info.callback.__name__ if info.callback else "")) == name:
            return typer.main.get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)
    for group in room.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(
                group, pretty_exceptions_short=True, suggest_commands=True, rich_markup_mode=None
            )
    return None  # pragma: no cover - ROOMS names only commands the rooms define


class _Group(TyperGroup):
    """The root command: finds each command in its room, and is the one error boundary."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(ROOMS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        room = ROOMS.get(cmd_name)
        if room is None:
            return None
        if cmd_name not in _loaded:
            module = importlib.import_module(room if "." in room else f"{__name__}.{room}")
            _loaded[cmd_name] = _convert(module.room, cmd_name)
        return _loaded[cmd_name]

    def invoke(self, ctx: Any) -> Any:
        """Turns library errors into a one-line message and their exit code; never a traceback."""
        try:
            return super().invoke(ctx)
        except TicklerError as exc:
            typer.echo(f"tickler: error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except OverflowError:  # date arithmetic past the year 9999 (a clock pinned near it)
            typer.echo("tickler: error: a date out of range: the calendar ends on 9999-12-31", err=True)
            raise typer.Exit(1) from None
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


def run() -> None:
    """Console-script entry point."""
    app()
