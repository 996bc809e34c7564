"""Who may come in, and what every answer carries: the one place that knows the token, its
session cookie, the CSRF field and the security headers. No view checks any of them.

- The token is ``TICKLER_TOKEN`` when set, else a random secret kept in ``.tickler/serve-token``
  (mode 0600, made on the first ``serve``).
- A request shows it as ``?token=T`` (answered by a redirect to the same page without it, setting
  the session cookie, so the token does not stay in the address bar or the history), as
  ``Authorization: Bearer T``, or with that cookie; otherwise ``401``. The calendar feed takes
  ``?token=`` as it is: a calendar that subscribes keeps no cookie.
- Every form posts a ``csrf`` field; a POST without the right one is ``403``, before any view runs.
- Every answer, a refusal included, says: no script but the server's own, no framing, no referrer
  (a token in an address never leaks through a link in a card's notes), no content sniffing, and
  no caching of the pages.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import TicklerError
from ..layout import STATE

TOKEN_FILE = "serve-token"  # noqa: S105 - the file's name, not its secret
MIN_TOKEN = 16  # characters: a token a stranger on the same Wi-Fi cannot guess
COOKIE = "tickler_session"
COOKIE_DAYS = 30  # a rep opens the link once a month, not at every visit
FORM_KEY = "tickler.form"  # where the checked form waits in the ASGI scope for its view
MAX_FORM = 1_100_000  # bytes: a note as long as a card may be, and the fields around it
UNAUTHORIZED = "401 Unauthorized: open the link tickler serve printed\n"
TOKEN_IN_QUERY = frozenset({"/calendar.ics"})  # answered at once: no cookie, no redirect
HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def serve_token(root: Path, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The token and where it comes from: ``TICKLER_TOKEN``, else ``.tickler/serve-token``
    (made with a random secret, readable by its owner only, when there is none yet)."""
    env = os.environ if environ is None else environ
    given = env.get("TICKLER_TOKEN", "").strip()
    if given:
        return _checked(given, "TICKLER_TOKEN"), "TICKLER_TOKEN"
    state = root / STATE
    rel = f"{STATE}/{TOKEN_FILE}"
    if state.is_symlink():
        raise TicklerError(f"{STATE}/ is a symbolic link; tickler keeps no secret through one")
    try:
        state.mkdir(exist_ok=True)
        for _ in range(3):  # (two servers starting at once: the second reads the first's token)
            try:
                return _read_token(state / TOKEN_FILE, rel), rel
            except FileNotFoundError:
                pass
            token = secrets.token_urlsafe(24)
            try:
                fd = os.open(state / TOKEN_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            except FileExistsError:
                continue
            try:
                os.write(fd, f"{token}\n".encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            return token, rel
    except OSError as exc:
        raise TicklerError(f"{rel}: {exc.strerror or exc}") from None
    raise TicklerError(f"{rel}: cannot be read or made")  # pragma: no cover - a file that flickers


def _read_token(path: Path, rel: str) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        if os.path.islink(path):
            raise TicklerError(f"{rel} is a symbolic link; remove it and serve again") from None
        raise
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)  # a secret others can read is no secret: made private again
        text = os.read(fd, 4096).decode("utf-8", errors="replace")
    finally:
        os.close(fd)
    return _checked(text.strip(), rel)


def _checked(token: str, source: str) -> str:
    if len(token) < MIN_TOKEN or not token.isascii() or not token.isprintable() or " " in token:
        raise TicklerError(
            f"{source}: a token needs at least {MIN_TOKEN} letters, digits or signs, without spaces"
        )
    return token


def derive(token: str, purpose: str) -> str:
    """A value made from the token for one purpose (the cookie, the CSRF field): it shows nothing
    of the token, and stays the same across restarts, so an open page's form still posts."""
    return hmac.new(token.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def _same(given: str | None, wanted: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), wanted.encode())


class Access:
    """The ASGI middleware in front of every route."""

    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.token = token
        self.session = derive(token, "session")
        self.csrf = derive(token, "csrf")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"
        send = _with_headers(send, static=scope["path"].startswith("/static/"))
        request = Request(scope)
        shown = request.query_params.get("token")
        bearer = request.headers.get("authorization", "")
        if shown is not None:
            allowed = _same(shown, self.token)
        elif bearer:
            scheme, _, value = bearer.partition(" ")
            allowed = scheme.lower() == "bearer" and _same(value.strip(), self.token)
        else:
            allowed = _same(request.cookies.get(COOKIE), self.session)
        if not allowed:
            await _refused(401, UNAUTHORIZED)(scope, receive, send)
            return
        method = scope["method"]
        if shown is not None and method in ("GET", "HEAD") and scope["path"] not in TOKEN_IN_QUERY:
            await self._enter(request, secure)(scope, receive, send)
            return
        if method not in ("GET", "HEAD"):
            form = await _read_form(request, receive)
            if form is None:
                await _refused(413, "413: the form is too big\n")(scope, receive, send)
                return
            if not _same(form.get("csrf"), self.csrf):
                message = "403 Forbidden: the form has no valid csrf field (reload the page and try again)\n"
                await _refused(403, message)(scope, receive, send)
                return
            scope[FORM_KEY] = form  # (the body is read: the view takes the form from here)
        await self.app(scope, receive, send)

    def _enter(self, request: Request, secure: bool) -> Response:
        """The same page without the token in its address; the cookie stands for it from now on."""
        rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE,
            self.session,
            max_age=COOKIE_DAYS * 24 * 3600,
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure,
        )
        return response


def _refused(status: int, text: str) -> Response:
    response = PlainTextResponse(text, status_code=status)
    if status == 401:
        response.headers["www-authenticate"] = "Bearer"
    return response


async def _read_form(request: Request, receive: Receive) -> dict[str, str] | None:
    """A posted form's fields (the first value of each); None when it is too big. Only
    ``application/x-www-form-urlencoded``, what tickler's pages send; anything else has no fields
    (and so no csrf)."""
    body = bytearray()
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > MAX_FORM:
            return None
        if not message.get("more_body", False):
            break
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=40)
    except (UnicodeDecodeError, ValueError):
        return {}
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form


def _with_headers(send: Send, *, static: bool) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for key, value in HEADERS.items():
                headers[key] = value
            headers["cache-control"] = "no-cache" if static else "no-store"
        await send(message)

    return sending


def form_of(scope: Mapping[str, Any]) -> dict[str, str]:
    """The form ``Access`` checked for this request."""
    return dict(scope.get(FORM_KEY, {}))
