"""A rep's five weeks: each working day roll, today, then log --next on every card of the day;
on the way a customer's request answered within hours, a duplicate card merged, and a move undone.
The binder is a git repository, so every command is a commit and undo has its history."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from conftest import Run, card_files, card_text, write_card

from tickler.dates import Due
from tickler.layout import location_for
from tickler.setup import init_binder

NEXT_CHOICES = ["+1", "+3", "+3d", "fri", "next mon", "+2w", "+1m", "tomorrow", "tue 10:30", "5 jan", "+10"]


def test_five_weeks_of_a_rep(tmp_path: Path, run: Run) -> None:
    binder = tmp_path / "five"
    init_binder(binder)
    rng = random.Random(20261123)
    start = dt.date(2026, 11, 23)
    (binder / "tickler.toml").write_text("capacity = 6\n")
    for n in range(40):
        due = start + dt.timedelta(days=rng.randrange(-3, 70))
        folder = location_for(Due(due), start)
        extra = f"email: customer{n:02d}@shop.example"
        write_card(
            binder, folder, f"customer-{n:02d}", card_text(f"Customer {n:02d}", due.isoformat(), extra)
        )
    for n in range(3):
        write_card(binder, "cards", f"prospect-{n}", card_text(f"Prospect {n}"))
    all_ids = {Path(p).stem for p in card_files(binder)}
    written: dict[str, list[str]] = {}
    worked_days = 0
    day = start
    while day < start + dt.timedelta(weeks=5):
        if day.weekday() < 5:
            today = day.isoformat()
            assert run("roll", today=today, root=binder).exit_code == 0
            if day.weekday() == 0:
                assert run("balance", today=today, root=binder).exit_code == 0
            due_today = json.loads(run("today", "--json", today=today, root=binder).stdout)
            assert all(c["next"][:10] == today for c in due_today), "after roll nothing is overdue"
            assert run("today", today=today, root=binder).exit_code == 0
            for card in due_today:
                text = f"sim {today} {card['id']}"
                result = run(
                    "log", card["id"], text, "--next", rng.choice(NEXT_CHOICES), today=today, root=binder
                )
                assert result.exit_code == 0, result
                written.setdefault(card["id"], []).append(text)
            if worked_days == 6:  # week two: a customer asks at 11:00, the answer goes out at 16:00
                asking = "prospect-1"
                at = f"{today} 11:00"
                assert run("request", asking, "asks for the price list", today=at, root=binder).exit_code == 0
                open_day = run("today", today=f"{today} 12:00", root=binder).stdout
                assert "open request" in open_day and "Prospect 1" in open_day.splitlines()[2]
                reply = run(
                    "log",
                    asking,
                    "price list sent",
                    "--kind",
                    "reply",
                    "--next",
                    "+1m",
                    today=f"{today} 16:00",
                    root=binder,
                )
                assert reply.exit_code == 0, reply
                assert "open request" not in run("today", today=f"{today} 16:05", root=binder).stdout
                written.setdefault(asking, []).append("price list sent")
            if worked_days == 12:  # week three: the same customer entered twice, then merged
                new = run(
                    "new",
                    "Customer 07 again",
                    "--set",
                    "email=Customer07@shop.example",
                    today=today,
                    root=binder,
                )
                assert new.exit_code == 0, new
                check = run("check", today=today, root=binder)
                assert (
                    check.exit_code == 0 and "duplicate?: customer-07 and customer-07-again" in check.stdout
                )
                merged = run("merge", "customer-07", "customer-07-again", today=today, root=binder)
                assert merged.exit_code == 0, merged
                assert "duplicate?" not in run("check", today=today, root=binder).stdout
            if worked_days == 18:  # week four: a move by mistake, undone
                (path,) = [p for p in card_files(binder) if Path(p).stem == "customer-20"]
                before = (path, (binder / path).read_text())
                assert (
                    run(
                        "move", "customer-20", "+2w", "--note", "wrong card", today=today, root=binder
                    ).exit_code
                    == 0
                )
                assert run("undo", today=today, root=binder).exit_code == 0
                (after,) = [p for p in card_files(binder) if Path(p).stem == "customer-20"]
                assert (after, (binder / after).read_text()) == before
            check = run("check", today=today, root=binder)
            assert check.exit_code == 0, check
            worked_days += 1
        day += dt.timedelta(days=1)
    assert worked_days == 25
    files = card_files(binder)
    assert len(files) == len(all_ids) == len({Path(p).stem for p in files})  # the duplicate is gone
    assert sum(len(v) for v in written.values()) >= 50  # the simulation did real work
    for card_id, texts in written.items():
        (path,) = [p for p in files if Path(p).stem == card_id]
        body = (binder / path).read_text()
        for text in texts:
            assert f"{text}." in body, (card_id, text)
        dates = [line[2:12] for line in body.splitlines() if line.startswith("- 20")]
        assert dates == sorted(dates), f"{card_id}: the Log is out of date order"
