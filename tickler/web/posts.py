"""What a phone does: each form is one call of what the command of the same name calls (``log``,
``move``, ``park``, ``request``, ``new``): the lock, atomic writes, one commit, the same messages.

A form that is done answers ``303`` to today's divider or to the card, where the notes of the
change (what was logged, a day over capacity, a change saved but not committed) are shown once.
A form that is refused changes nothing and answers ``400`` (``404`` for no such card, ``503``
while the binder is busy) with the command line's message, on the same page with what was typed
still in the form: nothing a rep typed on the road is lost to a typo in a date.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import actions
from ..binder import Binder
from ..config import owner_of_new_cards
from ..dates import Clock, Due, parse_when_named
from ..errors import CardNotFound, TicklerError
from .access import form_of
from .pages import card_page
from .served import Served, message_of, page, status_of

Change = Callable[[Binder, str, Clock, dict[str, str]], tuple[str, list[str]]]


def _served(request: Request) -> Served:
    served: Served = request.app.state.served
    return served


def _given(form: dict[str, str], key: str) -> str | None:
    """An optional field: None when left empty."""
    value = form.get(key, "").strip()
    return value or None


def _done(served: Served, target: str, lines: list[str]) -> Response:
    return RedirectResponse(f"{target}?said={served.say(lines)}", status_code=303)


def _on_card(request: Request, failed: str, change: Change) -> Response:
    """Run a card's form; on a refusal, the card's page again with the message and the form as typed."""
    form, ref, clock, served = (
        form_of(request.scope),
        request.path_params["id"],
        Clock.from_env(),
        _served(request),
    )
    try:
        (target, lines), notices = served.act(lambda binder: change(binder, ref, clock, form))
    except (TicklerError, OSError) as exc:
        status = status_of(exc)
        try:
            if isinstance(exc, CardNotFound):
                raise
            return card_page(request, ref, status=status, error=message_of(exc), failed=failed, form=form)
        except (TicklerError, OSError) as unreadable:  # no card page: the message, and what was typed
            typed = form.get("text", "")
            return page(request, "error.html", status, message=message_of(unreadable), typed=typed)
    return _done(served, target, lines + notices)


def _due(form: dict[str, str], key: str, clock: Clock) -> Due | None:
    text = form.get(key, "").strip()
    return parse_when_named(text, clock.today, key) if text else None


def _log(binder: Binder, ref: str, clock: Clock, form: dict[str, str]) -> tuple[str, list[str]]:
    # A quick choice (+1d, +3d, +1w, +1m) is a button of its own: the one pressed wins over the field.
    due = _due(form, "quick", clock) if _given(form, "quick") else _due(form, "next", clock)
    change, entry = actions.log(
        binder,
        ref,
        form.get("text", ""),
        clock=clock,
        kind=_given(form, "kind"),
        amount=_given(form, "amount"),
        due=due,
    )
    lines = [f"{change.id}: {entry}"]
    if due is not None:
        lines += [actions.change_line(change), *actions.day_warnings(binder, change.new_next, clock)]
    return "/", lines


def log(request: Request) -> Response:
    """``POST /cards/{id}/log``: ``text``, optional ``kind``, ``amount``, ``next`` (or ``quick``)."""
    return _on_card(request, "log", _log)


def _move(binder: Binder, ref: str, clock: Clock, form: dict[str, str]) -> tuple[str, list[str]]:
    due = parse_when_named(form.get("when", ""), clock.today, "when")
    change = actions.move(binder, ref, due, clock=clock, note=_given(form, "note"))
    return "/", [actions.change_line(change), *actions.day_warnings(binder, change.new_next, clock)]


def move(request: Request) -> Response:
    """``POST /cards/{id}/move``: ``when``, optional ``note``."""
    return _on_card(request, "move", _move)


def _park(binder: Binder, ref: str, clock: Clock, form: dict[str, str]) -> tuple[str, list[str]]:
    return "/", [actions.change_line(actions.move(binder, ref, None, clock=clock))]


def park(request: Request) -> Response:
    """``POST /cards/{id}/park``: no follow-up date; the card goes to the card index."""
    return _on_card(request, "park", _park)


def _request(binder: Binder, ref: str, clock: Clock, form: dict[str, str]) -> tuple[str, list[str]]:
    owner = owner_of_new_cards(binder.settings)
    filed, entry, due = actions.request(binder, ref, form.get("text", ""), clock=clock, owner=owner)
    return f"/cards/{filed.id}", [f"{filed.id}: {entry}", actions.request_line(filed, due)]


def request(request: Request) -> Response:
    """``POST /cards/{id}/request``: ``text``, what the customer asked."""
    return _on_card(request, "request", _request)


def new(request: Request) -> Response:
    """``POST /new``: ``name``, optional ``phone``, ``company``, ``next``."""
    from ..forms import new_card

    form, clock, served = form_of(request.scope), Clock.from_env(), _served(request)
    values = {key: form[key] for key in ("phone", "company") if _given(form, key)}

    def create(binder: Binder) -> tuple[str, str]:
        due = _due(form, "next", clock)
        owner = owner_of_new_cards(binder.settings)
        filed = new_card(binder, form.get("name", ""), due=due, today=clock.today, values=values, owner=owner)
        return filed.id, filed.rel

    try:
        (card_id, rel), notices = served.act(create)
    except (TicklerError, OSError) as exc:
        return _new_again(request, status_of(exc), message_of(exc), form)
    return _done(served, f"/cards/{card_id}", [f"created {rel}", *notices])


def _new_again(request: Request, status: int, message: str, form: dict[str, str]) -> HTMLResponse:
    return page(request, "new.html", status, form=form, error=message)
