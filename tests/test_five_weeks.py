"""A rep's five weeks: each working day roll, today, then log --next on every card of the day."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from conftest import Run, card_files, card_text, write_card

from tickler.dates import Due
from tickler.layout import location_for

NEXT_CHOICES = ["+1", "+3", "+3d", "fri", "next mon", "+2w", "+1m", "tomorrow", "tue 10:30", "5 jan", "+10"]


def test_five_weeks_of_a_rep(binder: Path, run: Run) -> None:
    rng = random.Random(20261123)
    start = dt.date(2026, 11, 23)
    (binder / "tickler.toml").write_text("capacity = 6\n")
    for n in range(40):
        due = start + dt.timedelta(days=rng.randrange(-3, 70))
        folder = location_for(Due(due), start)
        write_card(binder, folder, f"customer-{n:02d}", card_text(f"Customer {n:02d}", due.isoformat()))
    for n in range(3):
        write_card(binder, "cards", f"prospect-{n}", card_text(f"Prospect {n}"))
    all_ids = {Path(p).stem for p in card_files(binder)}
    written: dict[str, list[str]] = {}
    worked_days = 0
    day = start
    while day < start + dt.timedelta(weeks=5):
        if day.weekday() < 5:
            today = day.isoformat()
            assert run("roll", today=today).exit_code == 0
            if day.weekday() == 0:
                assert run("balance", today=today).exit_code == 0
            due_today = json.loads(run("today", "--json", today=today).stdout)
            assert all(c["next"][:10] == today for c in due_today), "after roll nothing is overdue"
            assert run("today", today=today).exit_code == 0
            for card in due_today:
                text = f"sim {today} {card['id']}"
                result = run("log", card["id"], text, "--next", rng.choice(NEXT_CHOICES), today=today)
                assert result.exit_code == 0, result
                written.setdefault(card["id"], []).append(text)
            check = run("check", today=today)
            assert check.exit_code == 0, check
            worked_days += 1
        day += dt.timedelta(days=1)
    assert worked_days == 25
    files = card_files(binder)
    assert len(files) == len(all_ids) == len({Path(p).stem for p in files})
    assert sum(len(v) for v in written.values()) >= 50  # the simulation did real work
    for card_id, texts in written.items():
        (path,) = [p for p in files if Path(p).stem == card_id]
        body = (binder / path).read_text()
        for text in texts:
            assert f"{text}. Next: " in body, (card_id, text)
        dates = [line[2:12] for line in body.splitlines() if line.startswith("- 20")]
        assert dates == sorted(dates), f"{card_id}: the Log is out of date order"
