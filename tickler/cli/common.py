"""What every room of the command line shares: opening the binder, options, messages, output."""

import datetime as dt
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import TicklerError, UsageError

if TYPE_CHECKING:
    from ..binder import Binder, Change
    from ..dates import Clock, Due
    from ..query import Owners
    from ..render import Style


def open_binder(ctx: typer.Context) -> "Binder":
    """The binder the command works on (``--binder``, ``TICKLER_BINDER``, or found upward); its
    notices (an interrupted command cleaned up, a change not committed) are printed at the end."""
    from ..binder import Binder
    from ..layout import find_root

    binder = Binder(find_root(ctx.obj.get("binder") if ctx.obj else None))
    for key in binder.settings.unknown:
        warn(f"{binder.rel(binder.root / 'tickler.toml')}: unknown setting '{key}' ignored")
    ctx.call_on_close(lambda: report_problems(binder.notices))
    return binder


def clock() -> "Clock":
    from ..dates import Clock

    return Clock.from_env()


def warn(message: object) -> None:
    typer.echo(f"tickler: warning: {message}", err=True)


def working(*, json_: bool = False) -> AbstractContextManager[None]:
    """Long work in the block may show a progress bar on a terminal's standard error (never with
    --json or in a pipe); print the results after the block, when the bar is gone."""
    from .. import progress

    return progress.shown(progress.wanted(json_=json_))


def report_problems(problems: Iterable[object]) -> None:
    for problem in problems:
        warn(problem)


def echo_lines(lines: Iterable[str], *, err: bool = False) -> None:
    """Print the lines with one write (a report of 50,000 customers is 50,000 lines)."""
    every = list(lines)
    if every:
        typer.echo("\n".join(every), err=err)


def style() -> "Style":
    from ..render import Style

    return Style.for_stream()


def dump_json(data: object) -> None:
    from ..render import dump_json as dump

    dump(data)


def when(text: str, clock: "Clock", what: str = "WHEN") -> "Due":
    """A date the user typed, in the WHEN grammar; the error names the argument."""
    from ..dates import parse_when_named

    return parse_when_named(text, clock.today, what)


def span(text: str, clock: "Clock", what: str = "WHEN") -> tuple[dt.date, dt.date]:
    """A day or a range (``A..B``, ``week``, ``month``); the error names the argument."""
    from ..query import parse_range

    try:
        return parse_range(text, clock.today)
    except TicklerError as exc:
        raise TicklerError(f"{what}: {exc.message}") from None


def pairs(values: list[str] | None, option: str, example: str, *, need_value: bool = False) -> dict[str, str]:
    """``KEY=VALUE`` options (``--set``, ``--map``) as a mapping; a malformed one is a usage error."""
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or (need_value and not value.strip()):
            raise UsageError(f"{option} {item!r}: write it as {example}")
        out[key.strip()] = value
    return out


def owners(all_: bool, owner: str | None) -> "Owners":
    from ..query import Owners

    return Owners(everyone=all_, owner=owner)


def echo_change(change: "Change", extra: str = "") -> None:
    from ..actions import change_line

    typer.echo(change_line(change, extra))


def plural(count: int, word: str) -> str:
    """``1 card``, ``3 cards``, ``2 Log entries``."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def write_out(data: str | bytes, output: Path | None) -> None:
    """An export to standard output, or atomically to ``output``."""
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            typer.echo(data, nl=False)
        return
    from ..fsutil import atomic_write

    atomic_write(output.resolve(), data if isinstance(data, bytes) else data.encode("utf-8"))
    typer.echo(f"wrote {output}", err=True)


def complete_card(incomplete: str) -> list[str]:
    """Shell completion of card ids: lists file names only, reads no card."""
    try:
        from ..binder import Binder
        from ..layout import find_root
        from ..names import fold

        binder = Binder(find_root(None))
        wanted = fold(incomplete)
        return sorted({i for _, i, _ in binder.card_files() if fold(i).startswith(wanted)})
    except Exception:
        return []


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV for a spreadsheet.")]
CardArg = Annotated[
    str,
    typer.Argument(
        metavar="CARD",
        help="A card id, a unique prefix of one (case and accents optional), or its file path.",
        autocompletion=complete_card,
    ),
]
AllOption = Annotated[bool, typer.Option("--all", help="Everyone's cards, not only yours and unowned ones.")]
OwnerOption = Annotated[str | None, typer.Option("--owner", metavar="NAME", help="One rep's cards.")]
TagOption = Annotated[str | None, typer.Option("--tag", metavar="T", help="Only cards with this tag.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of standard output."),
]
