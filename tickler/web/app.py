"""The application: the routes, behind the access rules, over the binder the server keeps."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import TicklerError
from . import pages, posts
from .access import Access
from .served import Served, message_of, page, status_of


async def _error_page(request: Request, exc: Exception) -> HTMLResponse:
    return page(request, "error.html", status_of(exc), message=message_of(exc))


# --------------------------------------------------------------------------- the application


def make_app(root: Path, token: str, *, sync_every: dt.timedelta | None = None) -> Access:
    """The ASGI application: the routes behind the access rules."""
    served = Served(root, token)
    served.sync.every = sync_every

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = threading.Event()
        worker = None
        if sync_every is not None:
            from .syncing import start  # (only with --sync)

            worker = start(served, sync_every, stop)
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=30)

    routes = [
        Route("/", pages.today),
        Route("/cards/{id}", pages.card),
        Route("/cards/{id}/files/{name:path}", pages.dossier_file),
        Route("/find", pages.find),
        Route("/agenda", pages.agenda),
        Route("/new", pages.new_form, methods=["GET"]),
        Route("/new", posts.new, methods=["POST"]),
        Route("/cards/{id}/log", posts.log, methods=["POST"]),
        Route("/cards/{id}/move", posts.move, methods=["POST"]),
        Route("/cards/{id}/park", posts.park, methods=["POST"]),
        Route("/cards/{id}/request", posts.request, methods=["POST"]),
        Route("/api/today", pages.api_today),
        Route("/api/cards/{id}", pages.api_card),
        Route("/calendar.ics", pages.calendar),
        Mount("/static", StaticFiles(packages=[("tickler.web", "static")]), name="static"),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={TicklerError: _error_page, OSError: _error_page}
    )
    app.state.served = served
    return Access(app, token)
