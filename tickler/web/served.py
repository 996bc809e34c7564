"""What the server keeps between requests: the binder, for its life; the templates that every
page is rendered with.

One ``Binder`` serves every request: its index reads again only the card files that changed on
disk (a ``stat`` tells), and its settings are read again only when ``tickler.toml`` changes. One
request at a time uses it (it is not made for threads); a change takes the binder lock as every
command does, so the CLI, ``watch`` and ``serve`` never interleave.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..binder import Binder
from ..errors import CardNotFound, LockBusy, TicklerError
from ..layout import SETTINGS_FILE
from .access import derive

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

T = TypeVar("T")
SAID_KEPT = 64  # notes waiting for the page a redirect leads to; older ones are dropped
SEGMENT_LINE_SECONDS = 600  # the big-spender line (a median over every customer) is worked out this often


class SyncStatus:
    """What the last ``sync`` on the timer said: shown on every page while it is trouble."""

    def __init__(self) -> None:
        self.every: dt.timedelta | None = None  # (None: no --sync)
        self.last_ok: dt.datetime | None = None
        self.trouble: str | None = None
        self.trouble_at: dt.datetime | None = None


def span_text(span: dt.timedelta) -> str:
    """``1h 30m``, ``5m``, ``30s``: a span as it is written in an option or a setting."""
    seconds = int(span.total_seconds())
    parts = [
        (seconds // 86400, "d"),
        (seconds % 86400 // 3600, "h"),
        (seconds % 3600 // 60, "m"),
        (seconds % 60, "s"),
    ]
    return " ".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


class Served:
    """What the server keeps between requests."""

    def __init__(self, root: Path, token: str):
        self.root = root
        self.csrf = derive(token, "csrf")
        self.sync = SyncStatus()
        self._lock = threading.Lock()
        self._binder: Binder | None = None
        self._stamp: tuple[int, int] | None = None
        self._said: dict[str, list[str]] = {}
        self._line: tuple[float, dt.date, Decimal] | None = None
        self._lock_line = threading.Lock()
        self._working = False

    @contextmanager
    def binder(self) -> Iterator[Binder]:
        """The binder, for one request at a time; made again when the settings changed."""
        with self._lock:
            stamp = _stamp(self.root / SETTINGS_FILE)
            if self._binder is None or stamp != self._stamp:
                self._binder = Binder(self.root)
                self._binder.keep_cards()
                self._stamp = stamp
            binder = self._binder
            try:
                yield binder
            finally:
                binder.notices.clear()

    def act(self, change: Callable[[Binder], T]) -> tuple[T, list[str]]:
        """Run one change on the binder; its result and what the rep should know besides (a
        change saved but not committed, an interrupted command cleaned up)."""
        with self.binder() as binder:
            result = change(binder)
            return result, list(binder.notices)

    def say(self, lines: list[str]) -> str:
        """Keep notes for the page the redirect leads to; the key to ask for them with."""
        key = secrets.token_urlsafe(6)
        with self._lock:
            self._said[key] = lines
            while len(self._said) > SAID_KEPT:
                self._said.pop(next(iter(self._said)))
        return key

    def heard(self, key: str | None) -> list[str]:
        with self._lock:
            return self._said.pop(key, []) if key else []

    def spender_line(self, binder: Binder, today: dt.date) -> Decimal | None:
        """The big-spender line segments are told by: the setting, else the median over every
        customer, worked out in the background (at 100,000 cards a cold ledger takes seconds:
        no page waits for it) and again every few minutes; None until it is known."""
        from time import monotonic

        if binder.settings.big_spender > 0:
            return Decimal(str(binder.settings.big_spender))
        kept = self._line
        if kept is None or kept[1] != today or monotonic() - kept[0] > SEGMENT_LINE_SECONDS:
            with self._lock_line:
                if not self._working:
                    self._working = True
                    threading.Thread(target=self._work_out_line, args=(today,), daemon=True).start()
        return kept[2] if kept is not None and kept[1] == today else None

    def _work_out_line(self, today: dt.date) -> None:
        from time import monotonic

        from ..report import spender_line

        try:
            self._line = (monotonic(), today, spender_line(Binder(self.root), today))
        except (TicklerError, OSError):
            pass  # no segments shown; the next page asks again
        finally:
            self._working = False


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


# --------------------------------------------------------------------------- templates


@cache
def _markdown_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def _markdown(text: str) -> Markup:
    """A card's notes as HTML: Markdown without raw HTML (written HTML shows as text) and
    without links to scripts (markdown-it refuses ``javascript:`` and the like)."""
    return Markup(_markdown_parser().render(text))  # noqa: S704 - markdown-it escapes the text


def _tel(phone: str) -> str:
    """A ``tel:`` address: the digits, after a ``+`` when written with one."""
    digits = "".join(ch for ch in phone if ch.isdigit() and ch.isascii())
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"


TEMPLATES = Environment(
    loader=PackageLoader("tickler.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters["markdown"] = _markdown
TEMPLATES.filters["tel"] = _tel
TEMPLATES.filters["span"] = span_text


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of the site, with what every page shows: sync trouble and the notes of the last action."""
    served: Served = request.app.state.served
    html = TEMPLATES.get_template(template).render(
        csrf=served.csrf,
        sync=served.sync,
        said=served.heard(request.query_params.get("said")),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def status_of(exc: Exception) -> int:
    """The HTTP status of a library error: not found, busy (the lock), bad input; or a file the
    system refused (a read-only divider, a full disk)."""
    if isinstance(exc, CardNotFound):
        return 404
    if isinstance(exc, LockBusy):
        return 503
    return 400 if isinstance(exc, TicklerError) else 500


def message_of(exc: Exception) -> str:
    """What the command line would say of it, without its ``tickler: error:``."""
    if isinstance(exc, OSError) and not isinstance(exc, TicklerError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return str(exc)
