"""The day's load as on paper: first calls counted apart from follow-ups, a call nobody answered,
and the divider sheets to print."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import Run, card_text, write_card

from tickler.render import Style
from tickler.render.day import day_header


def logged(name: str, due: str, *entries: str, extra: str = "") -> str:
    body = f"# {name}\n\n## Log\n" + "".join(f"- {e}\n" for e in entries) if entries else ""
    return card_text(name, due, extra, body)


# --------------------------------------------------------------------------- first calls


def first_call_binder(root: Path) -> Path:
    write_card(root, "days/23", "fresh", logged("Fresh Lead", "2026-11-23"))
    write_card(
        root,
        "days/23",
        "noted",
        logged(  # a note, tickler's bookkeeping and an unanswered call are no contact
            "Noted Lead",
            "2026-11-23",
            "2026-11-18 note: got the card at the fair",
            "2026-11-20 rolled: from 2026-11-19",
            "2026-11-21 no-answer: attempt 1",
        ),
    )
    write_card(root, "days/23", "mailed", logged("Mailed", "2026-11-23", "2026-11-10 email: price list"))
    write_card(root, "days/20", "late", logged("Late Buyer", "2026-11-20", "2026-11-01 purchase 100.00: x"))
    write_card(root, "days/24", "tomorrow", logged("Tomorrow Lead", "2026-11-24"))
    return root


def test_today_counts_first_calls_apart_from_follow_ups(binder: Path, run: Run) -> None:
    first_call_binder(binder)
    lines = run("today").stdout.splitlines()
    assert lines[0] == (
        "Monday 23 November 2026: 4 cards: 2 follow-ups, 2 first calls (3 due today, 1 overdue); load 4/30"
    )
    marked = {c["id"]: c["first_call"] for c in json.loads(run("today", "--json").stdout)}
    assert marked == {"late": False, "fresh": True, "noted": True, "mailed": False}


def test_a_contact_makes_a_first_call_a_follow_up_at_once(binder: Path, run: Run) -> None:
    first_call_binder(binder)
    assert "2 follow-ups, 2 first calls" in run("today").stdout  # the index now holds the rows
    assert run("log", "fresh", "spoke to the buyer", "--kind", "call").exit_code == 0
    assert "3 follow-ups, 1 first call (" in run("today").stdout
    # by hand: an email entry typed into the card (another size, so the index reads it again)
    path = binder / "days/23/noted.md"
    path.write_text(path.read_text() + "- 2026-11-22 email: sent the brochure\n")
    assert "4 cards: 4 follow-ups (3 due today" in run("today").stdout
    assert [c["first_call"] for c in json.loads(run("today", "--json").stdout)] == [False] * 4


def test_agenda_counts_first_calls_per_day(binder: Path, run: Run) -> None:
    first_call_binder(binder)
    lines = run("agenda", "--days", "3").stdout.splitlines()
    monday = next(line for line in lines if "Mon 23 Nov" in line)
    tuesday = next(line for line in lines if "Tue 24 Nov" in line)
    wednesday = next(line for line in lines if "Wed 25 Nov" in line)
    assert monday.split()[3] == "3/30" and monday.endswith("today      1 follow-up, 2 first calls")
    assert tuesday.endswith("1 first call")
    assert "first call" not in wednesday and "follow-up" not in wednesday
    counts = json.loads(run("agenda", "--days", "2", "--json").stdout)
    assert counts == [  # the JSON keeps its shape
        {"date": "2026-11-23", "count": 3, "capacity": 30},
        {"date": "2026-11-24", "count": 1, "capacity": 30},
    ]


def test_the_narrow_header_counts_them_apart_too() -> None:
    monday = dt.date(2026, 11, 23)
    wide = day_header(12, 2, 30, monday, Style(False, None), first_calls=8)
    assert wide == [
        "Monday 23 November 2026: 12 cards: 4 follow-ups, 8 first calls (10 due today, 2 overdue); load 12/30"
    ]
    narrow = day_header(12, 2, 30, monday, Style(False, 40), first_calls=8)
    assert narrow[0] == "Mon 23 Nov: 12 due: 4 follow-ups, 8"
    assert narrow[1].startswith("first calls (2 late), load 12/30  ")  # and the bar in what is left
    assert all(len(line) <= 40 for line in narrow)
    only_first = day_header(1, 0, 30, monday, Style(False, None), first_calls=1)
    assert only_first == ["Monday 23 November 2026: 1 card: 1 first call; load 1/30"]
