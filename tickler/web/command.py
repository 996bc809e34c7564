"""The ``serve`` command: the root command finds it here, outside the command line's rooms, so the
web face is defined by itself (the CLI names this module in its table and never imports it)."""

from __future__ import annotations

import datetime as dt
import socket
import sys
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer

from ..errors import TicklerError, UsageError

room = typer.Typer(rich_markup_mode=None)
LOOPBACK = ("127.0.0.1", "::1", "localhost")
ANYWHERE = ("0.0.0.0", "::", "")  # noqa: S104 - said by the user with --host, and warned about


@room.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Where to listen: 127.0.0.1 (this machine only), 0.0.0.0 (every network it is on), "
            "or one of its addresses.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", metavar="N", min=0, max=65535, help="The port (0: any free one, printed)."),
    ] = 8470,
    sync_every: Annotated[
        str | None,
        typer.Option(
            "--sync",
            metavar="EVERY",
            help="Run sync this often when the binder has a remote: 5m, 1h, 30s.",
        ),
    ] = None,
    cert: Annotated[
        Path | None, typer.Option("--cert", metavar="FILE", help="A TLS certificate (PEM): serve HTTPS.")
    ] = None,
    key: Annotated[
        Path | None, typer.Option("--key", metavar="FILE", help="The certificate's private key (PEM).")
    ] = None,
) -> None:
    """Serve the binder to a phone's browser: today, the cards, find, agenda, and forms to log,
    move, park, request and add a customer; a calendar feed that rings before timed calls.

    Prints the link to open (it holds the access token: TICKLER_TOKEN, else a secret kept in
    .tickler/serve-token) and, on a terminal, a QR code of it. Ctrl-C stops.
    """
    from ..binder import Binder
    from ..layout import find_root

    binder = Binder(find_root(ctx.obj.get("binder") if ctx.obj else None))
    for unknown in binder.settings.unknown:
        typer.echo(f"tickler: warning: tickler.toml: unknown setting '{unknown}' ignored", err=True)
    every = _interval(sync_every) if sync_every is not None else None
    if (cert is None) != (key is None):
        raise UsageError("--cert and --key go together: the certificate and its private key")
    for option, path in (("--cert", cert), ("--key", key)):
        if path is not None and not path.is_file():
            raise TicklerError(f"{option} {path}: no such file")

    from .access import serve_token
    from .app import make_app

    token, source = serve_token(binder.root)
    app = make_app(binder.root, token, sync_every=every)
    listening = _listen(host, port)
    shown = _address(host, listening)
    base = f"{'https' if cert else 'http'}://{shown}"
    link = f"{base}/?token={quote(token, safe='')}"
    typer.echo(link)
    typer.echo(f"calendar: {base}/calendar.ics?token={quote(token, safe='')}")
    if sys.stdout.isatty():
        _qr(link)
    syncing = f"; sync every {sync_every}" if sync_every else ""
    typer.echo(f"serving {binder.root} (token from {source}{syncing}; Ctrl-C stops)", err=True)
    if host not in LOOPBACK and cert is None:
        typer.echo(
            "tickler: warning: plain HTTP beyond this machine: anyone on the network between can read "
            "the token; use --cert/--key, or a VPN",
            err=True,
        )
    _run(app, listening, cert, key)
    typer.echo("stopped", err=True)


def _interval(text: str) -> dt.timedelta:
    from ..dates import parse_duration

    span = parse_duration(text)
    if span is None or span.total_seconds() < 1:
        raise UsageError(f"--sync {text!r}: write how often as 5m, 1h or 30s")
    return span


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, made before the link is printed: whoever reads the link can connect."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # (asyncio: no Nagle delay)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(128)
    except OSError as exc:
        listening.close()
        raise TicklerError(
            f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})"
        ) from None
    except (OverflowError, UnicodeError):
        listening.close()
        raise UsageError(f"--host {host!r}: not an address of this machine") from None
    return listening


def _address(host: str, listening: socket.socket) -> str:
    """``host:port`` as a phone reaches it: for every network, this machine's address on one."""
    port = listening.getsockname()[1]
    shown = host
    if host in ANYWHERE:
        shown = socket.gethostname()
        try:
            found = socket.getaddrinfo(shown, None, socket.AF_INET)
            addresses = [a[4][0] for a in found if not str(a[4][0]).startswith("127.")]
            shown = str(addresses[0]) if addresses else shown
        except OSError:
            pass
    return f"[{shown}]:{port}" if ":" in shown else f"{shown}:{port}"


def _qr(link: str) -> None:
    import segno

    segno.make(link, error="l").terminal(compact=True)


def _run(app: object, listening: socket.socket, cert: Path | None, key: Path | None) -> None:
    import uvicorn

    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_level="warning",
        access_log=False,
        lifespan="on",
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
        server_header=False,
    )
    try:
        uvicorn.Server(config).run(sockets=[listening])
    except OSError as exc:  # a certificate that does not load
        raise TicklerError(f"cannot serve: {exc}") from None
