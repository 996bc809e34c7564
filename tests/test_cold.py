"""A fresh clone's first command: half of the cold folders read by a second process, the plain
front matter read without YAML's tree, and `undo` of a roll moving the cards back. Each gives
the answers the plain way gives (timings are bench/'s, never a test's)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import installed_tickler

from tickler.cache import Index
from tickler.dates import Due
from tickler.layout import CARD_FOLDERS, location_for
from tickler.setup import init_binder

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")


def tickler(root: Path, *args: str, today: str = "2026-11-23", **env: str) -> str:
    full = {**os.environ, "TICKLER_TODAY": today, "NO_COLOR": "1", "COLUMNS": "200", **env}
    done = subprocess.run(
        [str(TICKLER), "--binder", str(root), *args], env=full, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A team binder of 600 cards over every divider, with birthdays, purchases and a few cards
    written in less plain YAML, committed: what a fresh clone holds before tickler ran in it."""
    root = tmp_path / "binder"
    init_binder(root)
    today = dt.date(2026, 11, 23)
    for n in range(600):
        due = today + dt.timedelta(days=(n * 7) % 400)
        folder = location_for(Due(due), today)
        day = due.day
        extra = f"birthday: 1980-{1 + n // 3 % 12:02d}-{1 + n % 28:02d}\n" if n % 3 == 0 else ""
        if n % 7 == 0:
            extra += "tags:\n  - 'vip'\n  - retail  # a comment\nnote: \"quoted: with a colon\"\n"
        if n % 11 == 0:
            extra += "cadence: 30\nactive: yes\n"
        text = (
            f"---\nname: Customer {n:04d}\nnext: {due.isoformat()}\nphone: +7 495 {n:03d}-00-00\n{extra}---\n"
            f"# Customer {n:04d}\n\n## Log\n- 2026-0{1 + n % 9}-{day:02d} purchase {100 + n}.00: order {n}\n"
        )
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / f"c{n:04d}.md").write_text(text, encoding="utf-8")
    odd = {  # birthdays YAML gives in less plain ways, and a broken card
        "escaped": '"birth\\x64ay": 1980-11-24\n',
        "quoted": "'anniversary': 2001-11-25\n",
        "flow": "{}\n",
        "broken": "birthday: [1980-11-24\n",
    }
    for key, line in odd.items():
        front = f"---\nname: Odd {key}\nnext: 2027-03-01\n{line}---\n" if key != "flow" else ""
        if key == "flow":
            front = "---\n{name: Odd flow, next: 2027-03-01, birthday: 1975-11-26}\n---\n"
        (root / "months/03").mkdir(parents=True, exist_ok=True)
        (root / "months/03" / f"odd-{key}.md").write_text(front + f"# Odd {key}\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "the team's binder"], cwd=root, check=True)
    return root


@pytest.mark.parametrize(
    "command", [["today", "--all"], ["report", "pareto"], ["report", "lapsed"], ["find", "customer 04"]]
)
def test_a_second_process_reading_cold_folders_changes_no_answer(clone: Path, command: list[str]) -> None:
    one = tickler(clone, *command, TICKLER_ASIDE_FROM="0")  # every card read by this process
    shutil.rmtree(clone / ".tickler")
    two = tickler(clone, *command, TICKLER_ASIDE_FROM="50")  # the later half read by a fork
    assert one == two and one.strip()
    assert tickler(clone, *command) == one  # and warm, from what the second process wrote


def test_the_birthday_line_of_a_fresh_clone_is_the_walks(clone: Path) -> None:
    """The first `today` reads the birthday view of the folders with no card due from the cards'
    text; after `check` has summed up every card, the line is the same."""
    first = tickler(clone, "today", "--all")
    assert "Odd escaped" in first and "Odd quoted" in first and "Odd flow" in first
    assert "Odd broken" not in first
    shutil.rmtree(clone / ".tickler")
    subprocess.run([str(TICKLER), "--binder", str(clone), "check"], capture_output=True, check=False)
    assert tickler(clone, "today", "--all") == first


def test_the_second_process_writes_the_cache_files_of_its_folders(
    clone: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKLER_ASIDE_FROM", "50")
    monkeypatch.setattr("tickler.aside.allowed", lambda: True)
    index = Index(clone)
    folders = list(CARD_FOLDERS)
    index.build_aside(folders)
    aside = dict(index._aside)
    assert aside, "no second process was started"
    assert len(set(aside.values())) == 1
    for store in aside:
        index.wait_aside(store)
        assert os.path.exists(store)
    assert not index._aside
    entries = sorted((e.folder, e.id, e.summary.name if e.summary else None) for e in index.entries(folders))
    fresh = sorted(
        (e.folder, e.id, e.summary.name if e.summary else None)
        for e in Index(clone, use_cache=False).entries(folders)
    )
    assert entries == fresh and len(entries) == 604


def test_undo_of_a_roll_moves_each_card_back(clone: Path) -> None:
    """December's cards, spread over the day dividers by a roll on its first day, go back to
    months/12 as the same files (renamed back, not written again); the overdue ones rolled with
    a Log entry get their old bytes."""
    december = [p for p in clone.glob("months/12/*.md") if "next: 2026-12" in p.read_text(encoding="utf-8")]
    spread = {p.name: p.stat().st_ino for p in december}
    assert len(spread) > 10
    texts = {p.relative_to(clone).as_posix(): p.read_bytes() for p in clone.glob("*/*/*.md")}
    tickler(clone, "roll", today="2026-12-01")
    assert not any((clone / "months/12" / name).exists() for name in spread)
    tickler(clone, "undo", today="2026-12-01")
    assert {name: (clone / "months/12" / name).stat().st_ino for name in spread} == spread
    assert {p.relative_to(clone).as_posix(): p.read_bytes() for p in clone.glob("*/*/*.md")} == texts
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True
    ).stdout
    assert status == ""
    diff = subprocess.run(
        ["git", "diff", "HEAD~2", "HEAD", "--stat"], cwd=clone, capture_output=True, text=True
    )
    assert diff.stdout == ""


def test_a_text_search_shared_with_a_second_process_finds_the_same(clone: Path) -> None:
    big = clone / "months/05/c0101.md"  # a file past the size tickler reads: an error to carry back
    big.write_text("---\nname: Big\n---\n" + "x" * 1_100_000 + "\n", encoding="utf-8")

    def search(most: str) -> tuple[str, str]:
        env = {**os.environ, "TICKLER_TODAY": "2026-11-23", "NO_COLOR": "1", "TICKLER_ASIDE_FROM": most}
        done = subprocess.run(
            [str(TICKLER), "--binder", str(clone), "find", "--text", "order 1"],
            env=env,
            capture_output=True,
            text=True,
        )
        return done.stdout, done.stderr

    one = search("0")
    assert search("0") == one  # warm, one process
    two = search("1")  # the later half searched by a fork
    assert two == one and one[0].count("\n") > 50 and "months/05/c0101.md" in one[1]


def test_the_second_process_answers_down_a_pipe() -> None:
    from tickler import aside

    answer = aside.ask(lambda: [("days/01", "a", None, None), ("x", "y", "broken", 3)])
    assert answer is not None and answer() == [("days/01", "a", None, None), ("x", "y", "broken", 3)]
    failing = aside.ask(lambda: [object()])  # not a plain value: the second process fails
    assert failing is not None and failing() is None
