"""Generate a realistic binder of N cards, and the same customers and due dates for the peers.

    python bench/generate.py --cards 100000 --out bench/data/100k [--today 2026-11-23] [--from-days 0]

Writes OUT/binder (a tickler binder, committed to git), OUT/task.json (for `task import`) and
OUT/todo/todo.txt (todo.txt with due: tags). `next` is spread over ~400 days from --from-days on
(a few days overdue included when it is 0); front matter is like the sample binder's; Logs hold
calls and purchases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
from pathlib import Path

from tickler.dates import Due
from tickler.layout import location_for
from tickler.setup import init_binder

FIRST = [
    "Ivan",
    "Olga",
    "Maria",
    "John",
    "Yuki",
    "Hans",
    "Emily",
    "Sergey",
    "Lucia",
    "Peter",
    "Anna",
    "Dmitry",
    "Elena",
    "Carlos",
    "Sofia",
    "Ahmed",
    "Wei",
    "Fatima",
    "Lars",
    "Nina",
]
LAST = [
    "Ivanov",
    "Smirnova",
    "Garcia",
    "Miller",
    "Tanaka",
    "Becker",
    "Clark",
    "Kuznetsov",
    "Rossi",
    "Novak",
    "Petrova",
    "Orlov",
    "Volkova",
    "Silva",
    "Weber",
    "Haddad",
    "Chen",
    "Nielsen",
    "Kowalski",
    "Dubois",
]
COMPANIES = [
    "Romashka LLC",
    "Vector JSC",
    "Becker GmbH",
    "Miller Hardware",
    "Tanaka Trading",
    "Clark Dental",
    "Garcia Imports",
    "Nordic Office",
    "Rossi Shoes",
    "Novak Stavby",
]
ACTIONS = ["call", "call", "call", "email", "meet", "letter"]


def card_text(rng: random.Random, n: int, name: str, due: Due, today: dt.date) -> str:
    company = rng.choice(COMPANIES)
    log = []
    day = today - dt.timedelta(days=rng.randrange(30, 700))
    for _ in range(rng.randrange(1, 8)):
        if rng.random() < 0.4:
            log.append(f"- {day} purchase {rng.randrange(50, 50000)}.00: order {rng.randrange(1000, 9999)}")
        else:
            log.append(f"- {day} {rng.choice(['call', 'email', 'meet'])}: talked about the offer {n}")
        day += dt.timedelta(days=rng.randrange(5, 90))
        if day >= today:
            break
    owner = rng.choice(["anna", "boris", "carla", None])
    lines = [
        "---",
        f"name: {name}",
        f"company: {company}",
        f"phone: +7 495 {rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
        f"email: {name.lower().replace(' ', '.')}@{company.split()[0].lower()}.example",
        *([f"owner: {owner}"] if owner else []),
        f"next: {due}",
        f"action: {rng.choice(ACTIONS)}",
        f"tags: [{rng.choice(['b2b', 'retail'])}]",
        *(
            [f"birthday: {rng.randrange(1950, 2000)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"]
            if rng.random() < 0.3
            else []
        ),
        "---",
        f"# {name}",
        "",
        f"Customer since {today.year - rng.randrange(0, 6)}. Notes about needs, offers and prices.",
        "",
        "## Log",
        *log,
        "",
    ]
    return "\n".join(lines)


def generate(cards: int, out: Path, today: dt.date, from_days: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    root = out / "binder"
    init_binder(root, git=False)
    tasks = []
    todo = []
    for n in range(cards):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n:06d}"
        card_id = name.lower().replace(" ", "-")
        start = -5 if from_days == 0 else from_days
        day = today + dt.timedelta(days=rng.randrange(start, from_days + 400))
        due = Due(day, dt.time(rng.randrange(9, 18), 0) if rng.random() < 0.2 else None)
        folder = root / location_for(due, today)
        (folder / f"{card_id}.md").write_text(card_text(rng, n, name, due, today), encoding="utf-8")
        tasks.append(
            {
                "description": name,
                "due": day.strftime("%Y%m%dT000000Z"),
                "status": "pending",
                "uuid": f"00000000-0000-4000-8000-{n:012d}",
            }
        )
        todo.append(f"{name} due:{day.isoformat()}")
    (out / "task.json").write_text("\n".join(json.dumps(t) for t in tasks) + "\n")
    (out / "todo").mkdir(exist_ok=True)
    (out / "todo" / "todo.txt").write_text("\n".join(todo) + "\n")
    (out / "todo" / "done.txt").write_text("")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "generated binder"], cwd=root, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cards", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--today", default="2026-11-23")
    parser.add_argument("--from-days", type=int, default=0, help="first due date, in days from today")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    generate(args.cards, args.out, dt.date.fromisoformat(args.today), args.from_days)


if __name__ == "__main__":
    main()
