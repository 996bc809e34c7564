"""The day's load as on paper: first calls counted apart from follow-ups, a call nobody answered,
and the divider sheets to print."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Run, card_text, installed_tickler, snapshot, write_card

from tickler.render import Style
from tickler.render.day import day_header
from tickler.setup import init_binder

TICKLER = installed_tickler()
needs_command = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")


def tk(root: Path, *args: str, today: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    assert TICKLER is not None
    env = {**os.environ, "TICKLER_TODAY": today, "COLUMNS": "200"}
    done = subprocess.run([TICKLER, "--binder", str(root), *args], capture_output=True, text=True, env=env)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def last_commit(root: Path) -> tuple[str, list[str]]:
    """The last commit's subject and the paths it touched."""
    lines = git(root, "show", "--no-renames", "--name-only", "--format=%s", "HEAD").splitlines()
    return lines[0], [line for line in lines[1:] if line]


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


@needs_command
def test_a_contact_makes_a_first_call_a_follow_up_at_once(tmp_path: Path) -> None:
    root = tmp_path / "binder"
    init_binder(root)
    first_call_binder(root)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "cards")
    today = "2026-11-23 09:00"
    assert "2 follow-ups, 2 first calls" in tk(root, "today", today=today).stdout  # the index holds the rows
    tk(root, "log", "fresh", "spoke to the buyer", "--kind", "call", today=today)
    assert "3 follow-ups, 1 first call (" in tk(root, "today", today=today).stdout
    # by hand: an email entry typed into the card (another size, so the index reads it again)
    path = root / "days/23/noted.md"
    path.write_text(path.read_text() + "- 2026-11-22 email: sent the brochure\n")
    assert "4 cards: 4 follow-ups (3 due today" in tk(root, "today", today=today).stdout
    marked = json.loads(tk(root, "today", "--json", today=today).stdout)
    assert [c["first_call"] for c in marked] == [False] * 4


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


# --------------------------------------------------------------------------- no answer


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "binder"
    init_binder(root)
    (root / "tickler.toml").write_text('holidays = "DE"\n')
    extra = "phone: +7 495 123-45-67\naction: call"
    write_card(
        root, "days/23", "ivan", logged("Ivan", "2026-11-23 15:30", "2026-11-05 call: hello", extra=extra)
    )
    write_card(root, "days/27", "olga", logged("Olga", "2026-11-27", extra="action: call"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "cards")
    return root


@needs_command
def test_no_answer_counts_attempts_files_for_the_next_workday_then_emails(repo: Path) -> None:
    first = tk(repo, "log", "ivan", "--no-answer", today="2026-11-27 10:00")  # a Friday
    assert first.stdout.splitlines() == [
        "ivan: - 2026-11-27 10:00 no-answer: attempt 1",
        "ivan: 2026-11-23 15:30 -> 2026-11-30 15:30 (days/30/)",  # Monday, the card's own time
    ]
    assert last_commit(repo) == (
        "tickler log: ivan (no answer, attempt 1) -> 2026-11-30 15:30",
        ["days/23/ivan.md", "days/30/ivan.md"],
    )
    tk(repo, "log", "ivan", "kept the brochure for him", "--kind", "note", today="2026-11-30 09:00")
    second = tk(repo, "log", "ivan", "busy tone", "--no-answer", today="2026-11-30 16:00")  # month end
    assert second.stdout.splitlines() == [
        "ivan: - 2026-11-30 16:00 no-answer: attempt 2, busy tone",  # a note does not reset the count
        "ivan: 2026-11-30 15:30 -> 2026-12-01 15:30 (days/01/)",
    ]
    third = tk(repo, "log", "ivan", "--no-answer", today="2026-12-24 10:00")  # Christmas Eve, a Thursday
    assert third.stdout.splitlines() == [
        "ivan: - 2026-12-24 10:00 no-answer: attempt 3",
        "ivan: 2026-12-01 15:30 -> 2026-12-28 15:30 (days/28/)",  # past Christmas and the weekend
        "ivan: 3 calls unanswered in a row: action is now email",
    ]
    text = (repo / "days/28/ivan.md").read_text()
    assert "action: email\n" in text and "next: 2026-12-28 15:30\n" in text
    assert last_commit(repo)[1] == ["days/01/ivan.md", "days/28/ivan.md"]
    fourth = tk(repo, "log", "ivan", "--no-answer", today="2026-12-28 15:35")
    assert "attempt 4" in fourth.stdout and "action is now" not in fourth.stdout  # said once
    tk(repo, "log", "ivan", "he wrote back", "--kind", "email", today="2026-12-28 17:00")
    again = tk(repo, "log", "ivan", "--no-answer", today="2026-12-29 10:00")
    assert "no-answer: attempt 1" in again.stdout  # a contact resets the count
    assert git(repo, "status", "--porcelain") == ""


@needs_command
def test_no_answer_keeps_a_card_without_a_time_without_one_and_attempts_is_a_setting(repo: Path) -> None:
    (repo / "tickler.toml").write_text("attempts = 2\n")
    tk(repo, "log", "olga", "--no-answer", today="2026-11-27 09:00")
    second = tk(repo, "log", "olga", "--no-answer", today="2026-11-30 09:00")
    assert second.stdout.splitlines() == [
        "olga: - 2026-11-30 09:00 no-answer: attempt 2",
        "olga: 2026-11-30 -> 2026-12-01 (days/01/)",
        "olga: 2 calls unanswered in a row: action is now email",
    ]
    (repo / "tickler.toml").write_text("attempts = 0\n")
    bad = tk(repo, "log", "olga", "--no-answer", today="2026-12-01 09:00", code=1)
    assert "tickler.toml: 'attempts' must be a whole number from 1 to" in bad.stderr


@needs_command
def test_no_answer_refuses_what_it_cannot_write(repo: Path) -> None:
    before = snapshot(repo)
    head = git(repo, "rev-parse", "HEAD")
    assert (
        "leave out --kind and --amount"
        in tk(repo, "log", "ivan", "--no-answer", "--kind", "call", today="2026-11-27 10:00", code=2).stderr
    )
    assert "say what happened" in tk(repo, "log", "ivan", today="2026-11-27 10:00", code=2).stderr
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head


# --------------------------------------------------------------------------- dividers


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def test_print_dividers_writes_43_sheets_in_the_binders_order(binder: Path, run: Run, tmp_path: Path) -> None:
    html = run("print", "--dividers").stdout
    labels = re.findall(r'<div class="label">([^<]*)</div><div class="folder">([^<]*)</div>', html)
    assert labels == [
        *((str(day), f"days/{day:02d}") for day in range(1, 32)),
        *((name, f"months/{n:02d}") for n, name in enumerate(MONTHS, start=1)),
    ]
    assert html.count('<section class="divider') == 43
    assert "@page { size: A4; margin: 0; }" in html and "page-break-after: always" in html
    page = tmp_path / "dividers.html"
    assert run("print", "--dividers", "--output", str(page)).stderr == f"wrote {page}\n"
    assert page.read_text() == html
    assert "leave out the day" in run("print", "today", "--dividers").stderr


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


PROBE = """<script>
const wide = [];
for (const sheet of document.querySelectorAll('.divider')) {
  if (sheet.scrollWidth > sheet.clientWidth || sheet.scrollHeight > sheet.clientHeight) {
    wide.push(sheet.querySelector('.label').textContent);
  }
}
document.body.setAttribute('data-overflowing', wide.join(',') || 'none');
</script></body>"""


@pytest.mark.skipif(
    _chromium() is None, reason="Chromium is not installed (Debian: apt-get install chromium)"
)
def test_the_dividers_in_headless_chromium(binder: Path, run: Run, tmp_path: Path) -> None:
    page = tmp_path / "dividers.html"
    assert run("print", "--dividers", "--output", str(page)).exit_code == 0
    browser = _chromium()
    assert browser is not None
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    pdf = tmp_path / "dividers.pdf"
    subprocess.run(
        [*flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    assert pages == 43, "one sheet a page, no blank page between"
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes()))
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}, "A4 in points"
    probed = tmp_path / "probed.html"  # the same sheets with a script that measures them
    probed.write_text(page.read_text().replace("</body>", PROBE))
    dom = subprocess.run(
        [*flags, "--dump-dom", probed.as_uri()], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    assert 'data-overflowing="none"' in dom, "every number and month name fits its page"
