"""A seeded team simulation: three reps, one bare remote, random work and syncs in any order.

Afterwards every clone is identical, every Log entry and hand-written note is there, no card is lost
or duplicated, `check` passes and no conflict marker is left. TICKLER_LONG=1 (as CI runs it) does
more than five times the work.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

from conftest import card_files
from test_team import Team, git, tickler

OPERATIONS = 500 if os.environ.get("TICKLER_LONG") else 90
NAMES = [
    "Ivan Ivanov",
    "Olga Smirnova",
    "María García",
    "John Miller",
    "Yuki Tanaka",
    "Hans Becker",
    "Emily Clark",
    "Сергей Кузнецов",
    "Lucia Rossi",
    "Peter Novák",
    "Anna Petrova",
    "Dmitry Orlov",
]
WHENS = ["+1", "+3", "fri", "next mon", "+2w", "+1m", "+2m", "tomorrow", "tue 10:30", "+40"]


def _ids(root: Path) -> list[str]:
    return sorted(Path(p).stem for p in card_files(root))


def _snapshot(root: Path) -> dict[str, str]:
    return {p: (root / p).read_text() for p in card_files(root)}


def test_a_team_never_loses_a_note(tmp_path: Path) -> None:
    rng = random.Random(7)
    team = Team(tmp_path)
    reps = {"anna": team.anna, "boris": team.boris, "carla": team.carla}
    for root in reps.values():
        tickler(root, "sync")
    day = dt.date(2026, 11, 23)
    markers: list[str] = []
    counts: dict[str, int] = {}
    for step in range(OPERATIONS):
        if step % 25 == 24:
            day += dt.timedelta(days=1)
        today = day.isoformat()
        rep = rng.choice(list(reps))
        root = reps[rep]
        ids = _ids(root)
        action = rng.choices(["new", "move", "log", "park", "hand", "sync"], weights=[3, 3, 6, 1, 2, 4])[0]
        if action == "new" or not ids:
            name = rng.choice(NAMES)
            company = rng.choice(["", "Alpha", "Beta"])
            args = ["new", name, "--next", rng.choice(WHENS)]
            if company:
                args += ["--set", f"company={company}"]
            tickler(root, *args, today=today)
        elif action == "move":
            tickler(root, "move", rng.choice(ids), rng.choice(WHENS), today=today)
        elif action == "log":
            marker = f"{rep} note {step}"
            markers.append(marker)
            args = ["log", rng.choice(ids), marker]
            if rng.random() < 0.6:
                args += ["--next", rng.choice(WHENS)]
            tickler(root, *args, today=today)
        elif action == "park":
            tickler(root, "park", rng.choice(ids), today=today)
        elif action == "hand":
            (path,) = [p for p in card_files(root) if Path(p).stem == rng.choice(ids)][:1] or [None]
            if path is not None:
                marker = f"{rep} hand note {step}"
                markers.append(marker)
                text = (root / path).read_text()
                head, sep, rest = text.partition("\n## Log")
                (root / path).write_text(f"{head.rstrip()}\n\n{marker}.\n{sep}{rest}")
        else:
            tickler(root, "sync", today=today)
        counts[action] = counts.get(action, 0) + 1
    for _ in range(2):  # everyone syncs twice, in turn: all clones converge
        for root in reps.values():
            tickler(root, "sync", today=day.isoformat())
    snapshots = [_snapshot(root) for root in reps.values()]
    assert snapshots[0] == snapshots[1] == snapshots[2]
    assert len({git(root, "rev-parse", "HEAD") for root in reps.values()}) == 1
    cards = snapshots[0]
    ids = [Path(p).stem for p in cards]
    assert len(ids) == len(set(ids)), "a card id is in two places"
    everything = "\n".join(cards.values())
    missing = [m for m in markers if m not in everything]
    assert missing == [], f"lost notes: {missing[:5]}"
    assert "<<<<<<<" not in everything and ">>>>>>>" not in everything
    for root in reps.values():
        tickler(root, "check", today=day.isoformat())
        assert git(root, "status", "--porcelain", "--", "cards", "days", "months") == ""
    assert counts.get("sync", 0) > OPERATIONS // 15 and counts.get("log", 0) > OPERATIONS // 6, counts
