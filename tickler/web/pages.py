"""What a phone looks at: today's divider, a card's call-prep brief, find, the agenda; the same
as JSON for scripts (``/api/today`` is ``today --json``, ``/api/cards/ID`` is ``show --json``);
the calendar feed. Each reads what the command of the same name reads; none changes a file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, NamedTuple

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import query, report
from ..binder import Filed
from ..dates import Clock, Due
from ..dossier import contents, size_text
from ..query import Owners
from ..render import Style, shown_json, today_json
from ..render import day as view
from .served import Served, page

PLAIN = Style(color=False, width=None)  # the command line's texts, as a pipe gets them
LOG_SHOWN = 8  # the last Log entries a brief shows: enough to pick up the conversation
AGENDA_DAYS = 14


class Line(NamedTuple):
    """A card in a list: today's divider, find, the agenda."""

    id: str
    name: str
    when: str
    late: bool
    company: str
    phones: list[str]
    action: str
    last: str
    match: str = ""


def _served(request: Request) -> Served:
    served: Served = request.app.state.served
    return served


def _everyone(request: Request) -> bool:
    return request.query_params.get("all") == "1"


def _line(card_id: str, listed: query.Listed, when: str, today: dt.date, match: str = "") -> Line:
    due, name, row = listed
    company, phone, action, last = row
    late = bool(due and due.date < today) or when.endswith(" late")
    phones = [p.strip() for p in phone.split(", ") if p.strip()]
    return Line(card_id, name, when, late, company, phones, action, last, match)


def today(request: Request) -> HTMLResponse:
    """``GET /``: today's divider: open requests first, then the overdue cards, then the rest."""
    clock, everyone = Clock.from_env(), _everyone(request)
    with _served(request).binder() as binder:
        day = query.today_view(binder, clock, Owners(everyone=everyone))
        capacity = binder.settings.capacity
    cards = day.listed
    ids = [e.id for e in day.due if e.summary is not None]
    order, requests = view.day_order(cards)
    lines = []
    for rank, i in enumerate(order):
        due = cards[i][0]
        if due is None:
            when = "-"
        elif rank < requests:
            when = view.time_left(due, clock.moment)
        else:
            since = day.waiting[i] if i < len(day.waiting) else None
            when = view.when_waiting(due, clock.today, since)
        lines.append(_line(ids[i], cards[i], when, clock.today))
    overdue = sum(1 for due, _, _ in cards if due and due.date < clock.today)
    rest = lines[requests:]
    groups = [
        ("Requests", lines[:requests]),
        ("Overdue", [line for line in rest if line.late]),
        ("Due today", [line for line in rest if not line.late]),
    ]
    return page(
        request,
        "today.html",
        header=view.day_header(
            len(cards),
            overdue,
            capacity,
            clock.today,
            PLAIN,
            requests,
            first_calls=day.first_calls,
            unreadable=len(day.problems),
        )[0],
        groups=[(title, found) for title, found in groups if found],
        birthdays=view.birthday_lines(day.birthdays, clock.today, PLAIN),
        others=day.others,
        everyone=everyone,
        problems=[str(p) for p in day.problems],
    )


def card(request: Request) -> HTMLResponse:
    """``GET /cards/{id}``: the brief to read before the call, and the forms for after it."""
    return card_page(request, request.path_params["id"])


def card_page(
    request: Request,
    ref: str,
    *,
    status: int = 200,
    error: str | None = None,
    failed: str = "",
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    """A card's page; after a refused form, with the message and what was typed, kept."""
    clock = Clock.from_env()
    served = _served(request)
    with served.binder() as binder:
        filed = query.card_at(binder, ref)
        line = served.spender_line(binder, clock.today)
        segment = None if line is None else report.card_segment(filed, clock.today, binder.settings, line)
        dossier = contents(binder, filed)
    prefix = f"files/{filed.id}/"
    files = [(f.rel[len(prefix) :], size_text(f.size)) for f in dossier.files if f.rel.startswith(prefix)]
    return page(
        request,
        "card.html",
        status,
        error=error,
        failed=failed,
        form=form or {},
        files=files,
        **brief(filed, clock, segment),
    )


# A file of the dossier shown in the browser only when its kind cannot carry script; any other
# (HTML, SVG, an office file...) is downloaded, never rendered on the server's own origin.
_INLINE = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".txt": "text/plain; charset=utf-8",
}


def dossier_file(request: Request) -> Response:
    """``GET /cards/{id}/files/{name}``: a file of the card's dossier, one that ``show`` lists."""
    from urllib.parse import quote

    from starlette.responses import FileResponse

    wanted = request.path_params["name"]
    with _served(request).binder() as binder:
        filed = query.card_at(binder, request.path_params["id"])
        listed = {f.rel for f in contents(binder, filed).files}
        rel = f"files/{filed.id}/{wanted}"
        if rel not in listed:  # (only what the dossier lists: no path of the user's making)
            from ..errors import CardNotFound

            raise CardNotFound(f"no file '{wanted}' in {filed.id}'s dossier")
        path = binder.root / rel
    name = wanted.rsplit("/", 1)[-1]
    kind = _INLINE.get(Path(name).suffix.lower())
    disposition = "inline" if kind else "attachment"
    return FileResponse(
        path,
        media_type=kind or "application/octet-stream",
        headers={"content-disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"},
    )


def brief(filed: Filed, clock: Clock, segment: str | None) -> dict[str, Any]:
    """What the card's page shows, as the template takes it."""
    card, today = filed.card, clock.today
    due = card.next
    entries = sorted(card.log()[0], key=lambda e: (e.sort_key, e.line), reverse=True)
    log = []
    for entry in entries[:LOG_SHOWN]:
        when = entry.date.isoformat() + (f" {entry.time:%H:%M}" if entry.time else "")
        kind = entry.kind + (f" {entry.amount}" if entry.amount is not None else "")
        log.append((when, kind, entry.text))
    birthday = card.get("birthday")
    coming = query.birthday_on(birthday, today, today + dt.timedelta(days=365))
    return {
        "id": filed.id,
        "name": card.name,
        "rel": filed.rel,
        "due": _due_text(due, today),
        "late": bool(due and due.date < today),
        "action": card.action or "",
        "owner": card.owner or "",
        "company": ", ".join(card.values("company")),
        "title": ", ".join(card.values("title")),
        "phones": card.values("phone"),
        "emails": card.values("email"),
        "birthday": str(birthday) if birthday else "",
        "birthday_on": coming.strftime("%a %d %b") if coming else "",
        "segment": segment or "",
        "tags": card.tags,
        "log": log,
        "entries": len(entries),
        "open_request": bool(entries) and entries[0].kind == "request",
        "notes": card.notes,
    }


def _due_text(due: Due | None, today: dt.date) -> str:
    if due is None:
        return "no follow-up"
    return view.when_in_list(due, today) + view.relative(due, today)


def find(request: Request) -> HTMLResponse:
    """``GET /find?q=``: cards by name, company, email, phone or tag (``text=1``: the notes and
    the Log too)."""
    wanted = request.query_params.get("q", "")
    text = request.query_params.get("text") == "1"
    clock = Clock.from_env()
    lines: list[Line] = []
    problems: list[str] = []
    if wanted.strip():
        with _served(request).binder() as binder:
            found = query.find_text(binder, wanted) if text else query.find(binder, wanted)
        for index, (card_id, listed) in enumerate(zip(found.ids, found.listed, strict=True)):
            due = listed[0]
            when = view.when_in_list(due, clock.today) if due else "no follow-up"
            match = found.matches[index] if text else ""
            lines.append(_line(card_id, listed, when, clock.today, match))
        problems = [str(p) for p in found.problems]
    return page(request, "find.html", q=wanted, text=text, lines=lines, problems=problems)


def agenda(request: Request) -> HTMLResponse:
    """``GET /agenda``: the coming days against capacity, with their cards and birthdays."""
    clock, everyone = Clock.from_env(), _everyone(request)
    try:
        count = min(60, max(1, int(request.query_params.get("days", AGENDA_DAYS))))
    except ValueError:
        count = AGENDA_DAYS
    with _served(request).binder() as binder:
        settings = binder.settings
        plan = query.agenda(
            binder, clock.today, count, Owners(everyone=everyone), ahead=settings.birthday_days
        )
        days = view.agenda_days(plan, clock.today, settings.birthday_days, settings.workday_calendar())
    shown = []
    for (day, total, mark, notes), (_, entries) in zip(days, plan.days, strict=True):
        names = [(e.id, e.summary.name) for e in entries if e.summary is not None]
        shown.append((day.strftime("%a %d %b"), total, mark, notes, names, total > settings.capacity))
    return page(
        request,
        "agenda.html",
        days=shown,
        capacity=settings.capacity,
        overdue=len(plan.overdue),
        everyone=everyone,
        problems=[str(p) for p in plan.problems],
    )


def new_form(request: Request) -> HTMLResponse:
    """``GET /new``: a new customer's card."""
    return page(request, "new.html", form={}, error=None)


def _json(data: object) -> Response:
    """JSON as the command line prints it, byte for byte."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return Response(text, media_type="application/json")


def api_today(request: Request) -> Response:
    """``GET /api/today``: ``tickler today --json``."""
    clock = Clock.from_env()
    with _served(request).binder() as binder:
        day = query.today_view(binder, clock, Owners(everyone=_everyone(request)), full=True)
    return _json(today_json(day.cards, clock.today))


def api_card(request: Request) -> Response:
    """``GET /api/cards/{id}``: ``tickler show ID --json``."""
    clock = Clock.from_env()
    with _served(request).binder() as binder:
        filed = query.card_at(binder, request.path_params["id"])
        files = [f.rel for f in contents(binder, filed).files]
    return _json(shown_json(filed, files, clock.today))


def calendar(request: Request) -> Response:
    """``GET /calendar.ics``: the rep's scheduled cards (``all=1``: everyone's), each timed call
    ringing ``alarm_before`` ahead."""
    from ..exchange.ics import feed

    with _served(request).binder() as binder:
        data, _ = feed(binder, Owners(everyone=_everyone(request)))
    return Response(
        data,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'inline; filename="tickler.ics"'},
    )
