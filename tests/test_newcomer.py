"""A newcomer's first week: the sample binder of their own (``init --sample``), the README's day
run in it command by command, and what a new rep trips on: several words to find, a date typed
into the past, a card broken by hand, a customer entered twice, the forms' guidance read as
notes, Russian names in letters, plurals, the region, and a card waiting since before a roll.

Every command here is the installed ``tickler`` run as a process.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, card_files, card_text, installed_tickler, snapshot, write_card

from tickler.setup import init_binder

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")
README = (REPO / "README.md").read_text(encoding="utf-8")


def tk(
    root: Path | None,
    *args: str,
    today: str = "2026-11-23 10:00",
    code: int = 0,
    cwd: Path | None = None,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    assert TICKLER is not None
    full = {**os.environ, "TICKLER_TODAY": today, "COLUMNS": "200", **env}
    where = ["--binder", str(root)] if root is not None else []
    done = subprocess.run(
        [TICKLER, *where, *args], capture_output=True, text=True, env=full, cwd=cwd or root or Path.cwd()
    )
    assert done.returncode == code, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "binder"
    init_binder(root)
    return root


def ids(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [card["id"] for card in json.loads(done.stdout)]


# --------------------------------------------------------------------------- init --sample


def test_the_sample_is_dated_from_today_whatever_the_day(tmp_path: Path) -> None:
    """On Wednesday 10 March 2027, 107 days after the sample's own day: every date moved by 107."""
    made = tk(None, "init", "--sample", "sample", today="2027-03-10", cwd=tmp_path)
    root = tmp_path / "sample"
    assert made.stdout == f"binder ready in {root} with 13 sample cards\n"
    assert git(root, "log", "--format=%s").splitlines() == [
        "tickler init --sample: 13 sample cards dated from 2027-03-10",
        "tickler init",
    ]
    assert git(root, "status", "--porcelain") == ""
    day = tk(root, "today", today="2027-03-10").stdout.splitlines()
    assert day[0] == (
        "Wednesday 10 March 2027: 5 cards: 5 follow-ups (3 due today, 2 overdue); 1 open request; load 5/12"
    )
    assert [line.split()[0] for line in day[2:7]] == ["19h", "5d", "3d", "15:30", "today"]
    assert day[-1] == "Birthdays: Елена Волкова (Sat 13 Mar, 41); Ольга Смирнова (Sat 13 Mar)"
    files = card_files(root)
    assert "days/10/ivan-ivanovich-ivanov.md" in files and "days/05/сергей-кузнецов.md" in files
    assert "months/05/дмитрий-орлов.md" in files  # 2027-01-15 + 107 days: 2 May, a later month
    ivan = (root / "days/10/ivan-ivanovich-ivanov.md").read_text()
    assert "next: 2027-03-10 15:30" in ivan
    assert "- 2027-03-03 14:05 call: discussed offer 12, wants a better price. Next: 2027-03-10 15:30" in ivan
    assert "Offer 12 (2027-02-25)" in ivan  # a date in the notes moves too (2026-11-10 + 107)
    assert "birthday: 1971-06-29" in ivan  # 1971-03-14 + 107 days
    settings = (root / "tickler.toml").read_text()
    assert 'region = "RU"' in settings and "autocommit = true" in settings and "[loyalty]" in settings
    assert tk(root, "check", today="2027-03-10").stderr == "binder ok\n"
    week = ids(tk(root, "list", "2027-03-15..2027-03-21", "--json", today="2027-03-10"))
    assert week == ["john-miller"]  # next week: 2026-12-01 11:00 + 107 days, Thursday 18 March


def test_init_sample_wants_a_new_or_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    refused = tk(None, "init", "--sample", "taken", cwd=tmp_path, code=1)
    assert refused.stderr == (
        "tickler: error: taken: is not empty: --sample makes a new binder, in a new or empty folder\n"
    )
    assert snapshot(tmp_path) == before


def readme_day() -> list[list[str]]:
    """The commands of the README's "A day with tickler", in the order it gives them: the code
    spans that are a command, and the ``$ tickler`` lines of its examples."""
    section = README.split("## A day with tickler", 1)[1].split("\n## ", 1)[0]
    commands = []
    for match in re.finditer(r"```\n(.*?)```|`((?:tickler|find) [^`]+)`", section, re.DOTALL):
        if match[1] is not None:
            lines = [line[2:] for line in match[1].splitlines() if line.startswith("$ tickler ")]
        else:
            lines = [match[2] if match[2].startswith("tickler ") else f"tickler {match[2]}"]
        commands += [shlex.split(line, comments=True)[1:] for line in lines]
    return commands


def test_the_readme_day_works_in_the_sample_command_by_command(tmp_path: Path) -> None:
    day = readme_day()
    assert day[0] == ["init", "--sample", "~/tickler-sample"]
    assert ["undo"] in day and ["find", "--text", "winter", "coat"] in day and len(day) >= 20
    home = tmp_path / "home"
    home.mkdir()
    sample = home / "tickler-sample"
    for args in day:
        if args == ["merge", "KEEP", "OTHER"]:
            args = ["merge", "пётр-сидоров", "пётр-сидоров-2"]  # the card new just made twice
        done = tk(None, *args, cwd=sample if sample.exists() else home, HOME=str(home))
        if args[0] == "undo":
            assert done.stdout.startswith("undid ") and "tickler request: emily-clark" in done.stdout
        if args[:2] == ["new", "Пётр Сидоров"]:
            assert "the binder already has a card for Пётр Сидоров: пётр-сидоров" in done.stderr
        if args[0] == "find":
            assert done.stdout.strip(), args
    assert git(sample, "status", "--porcelain") == ""  # every change committed
    log = git(sample, "log", "--format=%s").splitlines()
    assert log[0] == "tickler merge: пётр-сидоров-2 into пётр-сидоров"
    assert "tickler undo: tickler request: emily-clark -> 2026-11-23 20:00" in log[2]


def test_the_readme_today_is_what_the_sample_shows(tmp_path: Path) -> None:
    tk(None, "init", "--sample", "s", cwd=tmp_path)
    tk(tmp_path / "s", "roll")
    shown = tk(tmp_path / "s", "today").stdout.splitlines()
    block = README.split("$ tickler today\n", 1)[1].split("```", 1)[0].splitlines()
    assert len(block) == len(shown)
    for written, printed in zip(block, shown, strict=True):  # (the README cuts the LAST column)
        assert printed.startswith(written.removesuffix(" ...")), (written, printed)


# --------------------------------------------------------------------------- find, move, new


def test_find_takes_several_words_without_quotes(repo: Path) -> None:
    body = "# Olga\n\nWants a winter coat, size 46.\n"
    write_card(repo, "cards", "olga", card_text("Olga Smirnova", None, "", body))
    write_card(repo, "cards", "other", card_text("Olga Winter", None))
    assert ids(tk(repo, "find", "--text", "winter", "coat", "--json")) == ["olga"]
    assert ids(tk(repo, "find", "olga", "smirnova", "--json")) == ["olga"]
    assert "no card matches 'olga petrova'" in tk(repo, "find", "olga", "petrova", code=1).stderr


def test_a_date_in_the_past_is_done_with_a_warning_and_the_time_is_kept(repo: Path) -> None:
    write_card(repo, "days/25", "bob", card_text("Bob", "2026-11-25 15:30", "action: call"))
    moved = tk(repo, "move", "bob", "2026-11-01")  # November for December: 22 days ago
    assert moved.stdout == "bob: 2026-11-25 15:30 -> 2026-11-01 15:30 (days/01/)\n"
    assert moved.stderr == "tickler: warning: Sun 01 Nov 2026 was 22 days ago: the card is filed as overdue\n"
    logged = tk(repo, "log", "bob", "called", "--next", "2026-12-04")
    assert "bob: - 2026-11-23 10:00 call: called. Next: 2026-12-04 15:30\n" in logged.stdout
    assert logged.stderr == ""
    dropped = tk(repo, "move", "bob", "2026-12-07", "--no-time")
    assert dropped.stdout == "bob: 2026-12-04 15:30 -> 2026-12-07 (days/07/)\n"
    made = tk(repo, "new", "Zoe", "--next", "2026-11-22")
    assert "tickler: warning: Sun 22 Nov 2026 was 1 day ago: the card is filed as overdue" in made.stderr


def test_new_onto_a_full_day_warns_as_move_does(repo: Path) -> None:
    (repo / "tickler.toml").write_text("capacity = 2\n")
    for n in range(2):
        write_card(repo, "days/27", f"c{n}", card_text(f"Customer {n}", "2026-11-27"))
    made = tk(repo, "new", "Third Customer", "--next", "fri")
    assert made.stdout == "third-customer\n"
    assert "tickler: warning: Fri 27 Nov 2026 now holds 3 cards, over the capacity of 2" in made.stderr


def test_new_names_the_card_a_customer_has_already(repo: Path) -> None:
    write_card(
        repo, "days/05", "пётр-сидоров", card_text("Пётр Сидоров", "2026-12-05", "phone: 8 916 555 66 77")
    )
    again = tk(repo, "new", "Петр  сидоров")  # ё typed as е, a double space, lower case
    assert again.stdout == "петр-сидоров\n"
    assert again.stderr.splitlines()[1] == (
        "tickler: warning: the binder already has a card for Петр сидоров: пётр-сидоров "
        "(days/05/пётр-сидоров.md); if it is the same customer, 'tickler merge пётр-сидоров "
        "петр-сидоров' makes one card of the two"
    )
    other = tk(repo, "new", "Пётр Сидоров", "--set", "company=Вектор")  # the other had none
    assert "already has a card" in other.stderr
    fresh = tk(repo, "new", "Павел Сидоров")
    assert "already" not in fresh.stderr


def test_check_pairs_cards_with_one_name_and_no_two_companies(repo: Path) -> None:
    write_card(repo, "cards", "a", card_text("Пётр Сидоров", None))
    write_card(repo, "cards", "b", card_text("петр сидоров", None))
    write_card(repo, "cards", "c", card_text("Sidorov Petr", None, "company: Vector"))
    write_card(repo, "cards", "d", card_text("Petr Sidorov", None, "company: VECTOR"))
    write_card(repo, "cards", "e", card_text("Petr Sidorov", None, "company: Romashka"))
    write_card(repo, "cards", "f", card_text("José García", None))
    write_card(repo, "cards", "g", card_text("Jose Garcia", None))
    assert tk(repo, "check").stdout.splitlines() == [
        "duplicate?: a and b (same name)",
        "duplicate?: c and d (same name and company)",
        "duplicate?: f and g (same name)",
    ]


# --------------------------------------------------------------------------- a card broken by hand

BROKEN = "---\nname: Olga\nnext: 2026-11-23\nphone: [+7 916\n---\n# Olga\n\nSize 46.\n"
MEND = """\
import sys
from pathlib import Path

path = Path(sys.argv[1])
path.write_text(path.read_text().replace("phone: [+7 916", "phone: +7 916 555-12-34"))
"""


def test_today_counts_a_broken_card_and_edit_opens_it_to_be_mended(repo: Path, tmp_path: Path) -> None:
    path = write_card(repo, "days/23", "olga", BROKEN)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a hand edit gone wrong")
    day = tk(repo, "today")
    assert day.stdout == "Monday 23 November 2026: nothing due today; 1 card could not be read.\n"
    assert day.stderr.startswith("tickler: warning: days/23/olga.md:4: ")
    shown = tk(repo, "show", "olga", code=1)
    assert shown.stdout == "days/23/olga.md · cannot be read as a card\n" + BROKEN
    assert shown.stderr.startswith("tickler: error: days/23/olga.md:4: ")
    assert shown.stderr.endswith("; mend it with 'tickler edit days/23/olga.md'\n")
    assert tk(repo, "show", "olga", "--json", code=1).stdout == ""
    editor = tmp_path / "mend.py"
    editor.write_text(MEND)
    edited = tk(repo, "edit", "days/23/olga.md", EDITOR=f"{sys.executable} {editor}")
    assert edited.stderr.startswith("tickler: warning: days/23/olga.md:4: ")
    assert edited.stderr.endswith("; opening the file as it is, to be mended\n")
    assert edited.stdout == "olga: the card reads now\n"
    assert "phone: +7 916 555-12-34" in path.read_text()
    assert git(repo, "log", "-1", "--format=%s") == "tickler edit: olga\n"
    assert git(repo, "status", "--porcelain") == ""
    assert tk(repo, "today").stdout.startswith("Monday 23 November 2026: 1 card: 1 first call; load 1/30")


def test_edit_says_when_a_broken_card_still_cannot_be_read(repo: Path, tmp_path: Path) -> None:
    write_card(repo, "days/23", "olga", BROKEN)
    editor = tmp_path / "nothing.py"
    editor.write_text("")
    before = snapshot(repo)
    still = tk(repo, "edit", "olga", EDITOR=f"{sys.executable} {editor}")
    assert still.stdout == ""
    assert "the card still cannot be read: it is left as you saved it and not refiled" in still.stderr
    assert snapshot(repo) == before


# --------------------------------------------------------------------------- the forms' guidance


def test_the_forms_guidance_is_no_customer_data(repo: Path, tmp_path: Path) -> None:
    form = (repo / "templates" / "default.md").read_text()
    assert "<!-- Notes, offers, calculations: free Markdown" in form
    made = tk(
        repo, "new", "New Form", "--next", "2026-11-23", "--set", "phone=+7 916 000-00-01"
    ).stdout.strip()
    old = "# Old Form\n\nNotes, offers, calculations: free Markdown.\n\nPrefers mornings.\n\n## Log\n"
    write_card(
        repo, "days/23", "old-form", card_text("Old Form", "2026-11-23", "phone: +7 916 000-00-02", old)
    )
    vcards = tk(repo, "export", "vcard").stdout
    assert "NOTE" not in vcards.split("FN:New Form", 1)[1].split("END:VCARD", 1)[0]
    notes = [line for line in vcards.splitlines() if line.startswith("NOTE")]
    assert "NOTE:Prefers mornings." in notes and not any("free Markdown" in n for n in notes)
    sheet = tk(repo, "print", "--all").stdout
    assert "free Markdown" not in sheet and "Prefers mornings." in sheet
    tk(repo, "merge", "old-form", made)
    merged = (repo / "days/23/old-form.md").read_text()
    assert merged.count("free Markdown") == 1  # the old card's own line, not a second from the new
    assert f"## From New Form ({made})" not in merged  # nothing of the new card was notes


# --------------------------------------------------------------------------- letters, plurals, wording


def test_letters_read_russian_names_written_surname_first(repo: Path, tmp_path: Path) -> None:
    write_card(repo, "cards", "smirnova", card_text("Смирнова Ольга Ивановна", None))
    write_card(repo, "cards", "aliev", card_text("Алиев Рашид Гейдар оглы", None))
    write_card(repo, "cards", "ivanov", card_text("Ivan Ivanovich Ivanov", None))
    write_card(repo, "cards", "abramovich", card_text("Иван Петрович Абрамович", None))
    write_card(
        repo, "cards", "keys", card_text("Dr. Anna Maria Berg", None, "first_name: Anna\nlast_name: Berg")
    )
    write_card(repo, "cards", "alone", card_text("Ольга Ивановна", None))
    template = tmp_path / "hello.md"
    template.write_text("Dear {first_name} ({last_name}),\n")
    done = tk(repo, "letters", str(template), "--out", str(tmp_path / "out"))
    letters = {p.stem: p.read_text() for p in (tmp_path / "out").iterdir()}
    assert letters == {
        "smirnova": "Dear Ольга (Смирнова),\n",
        "aliev": "Dear Рашид (Алиев),\n",
        "ivanov": "Dear Ivan (Ivanov),\n",
        "abramovich": "Dear Иван (Абрамович),\n",
        "keys": "Dear Anna (Berg),\n",
    }
    assert "cards/alone.md: no letter, the card has no last_name" in done.stderr
    assert done.stderr.endswith(f"wrote 5 letters to {tmp_path / 'out'}; 1 card lacks a field\n")


def test_one_is_one_and_amounts_are_written_as_in_the_tables(repo: Path) -> None:
    log = "# A\n\n## Log\n- 2025-01-10 purchase 21000.00: order\n- 2026-06-10 purchase 3000.50: order\n"
    write_card(repo, "cards", "a", card_text("Anna Buyer", None, "", log))
    write_card(repo, "cards", "p", card_text("Paul Prospect", None))
    assert "1 customer bought, 3,000.50 in all" in tk(repo, "report", "pareto").stdout
    segments = tk(repo, "report", "segments").stdout
    assert segments.startswith("1 customer with purchases, 1 prospect without\n")
    lapsed = json.loads(tk(repo, "report", "lapsed", "--json").stdout)
    reason = "bought 3,000.50 in the last 12 months against 21,000.00 the year before (-86%)"
    assert [(c["id"], c["reason"]) for c in lapsed] == [("a", reason)]
    parked = tk(repo, "park", "p")
    assert parked.stdout == "p: already parked (no follow-up date, in cards/)\n"
    assert git(repo, "log", "-1", "--format=%s") == "tickler init\n"  # nothing to commit


def test_the_when_help_reads_as_a_sentence(repo: Path) -> None:
    helped = " ".join(tk(repo, "move", "--help").stdout.split())
    assert (
        "or a time alone ('15:30' is today at 15:30); a date may end with a time of day ('fri 10:00')"
        in helped
    )


# --------------------------------------------------------------------------- region


def test_init_sets_the_region_asked_for_or_the_locales(tmp_path: Path) -> None:
    tk(None, "init", "de", "--region", "de", cwd=tmp_path)
    assert 'region = "DE"               # a country code' in (tmp_path / "de/tickler.toml").read_text()
    ru = tk(None, "init", "ru", cwd=tmp_path, LANG="ru_RU.UTF-8")
    assert 'region = "RU"' in (tmp_path / "ru/tickler.toml").read_text()
    assert 'region = "RU" (from LANG=ru_RU.UTF-8)' in ru.stderr
    plain = tk(None, "init", "plain", cwd=tmp_path, LANG="C.UTF-8")
    assert '# region = "RU"' in (tmp_path / "plain/tickler.toml").read_text()
    assert "no region set" in plain.stderr and "tickler init --region RU" in plain.stderr
    bad = tk(None, "init", "bad", "--region", "XX", cwd=tmp_path, code=2)
    assert (
        bad.stderr == "tickler: error: --region 'XX': not a country code phone numbers know (RU, DE, US...)\n"
    )
    assert not (tmp_path / "bad").exists()


def test_check_proposes_the_region_most_phones_are_written_for(repo: Path) -> None:
    for n, phone in enumerate(["8 916 555-66-77", "8 (495) 123-45-67", "8 903 777 88 99", "+49 30 1234567"]):
        write_card(repo, "cards", f"c{n}", card_text(f"Customer {n}", None, f"phone: {phone}"))
    done = tk(repo, "check")
    assert done.stderr == (
        "tickler: warning: 3 of 4 phones are written as national numbers of RU, without +7: set "
        'region = "RU" in tickler.toml and find and check read them as the numbers they are\nbinder ok\n'
    )
    (repo / "tickler.toml").write_text('region = "RU"\n')
    assert tk(repo, "check").stderr == "binder ok\n"


# --------------------------------------------------------------------------- waiting since a roll


def test_a_rolled_card_says_how_long_it_has_been_waiting(repo: Path) -> None:
    write_card(repo, "days/10", "late", card_text("Late Customer", "2026-11-10", "action: call"))
    write_card(repo, "days/12", "timed", card_text("Timed Customer", "2026-11-12 09:30", "action: call"))
    tk(repo, "roll", today="2026-11-20")  # a Friday: both to the 20th
    tk(repo, "roll", today="2026-11-23")  # and again, the following Monday
    day = tk(repo, "today").stdout.splitlines()
    assert day[2].startswith("  09:30, 11d waiting  Timed Customer")
    assert day[3].startswith("  13d waiting         Late Customer")
    status = tk(repo, "show", "late").stdout.splitlines()[0]
    assert (
        status
        == "days/23/late.md · next 2026-11-23 (today) · waiting since 2026-11-10 (13 days, rolled forward)"
    )
    tk(repo, "log", "late", "called, no decision yet")
    assert "waiting" not in tk(repo, "show", "late").stdout.splitlines()[0]
    assert "  today " in tk(repo, "today").stdout


# --------------------------------------------------------------------------- the pieces underneath


def test_dates_move_by_whole_days_and_a_leap_day_birthday_too() -> None:
    from tickler.sample_binder import dated

    text = "next: 2026-11-23 15:30\nbirthday: --02-29\nborn: 1985-11-26\nPO 2026-117, 2026-13-01\n"
    assert (
        dated(text, 7)
        == "next: 2026-11-30 15:30\nbirthday: --03-07\nborn: 1985-12-03\nPO 2026-117, 2026-13-01\n"
    )
    assert dated(text, 0) == text


def test_notes_leave_out_comments_and_the_old_placeholder() -> None:
    from tickler.card import Card

    body = (
        "# X\n\nNotes, offers, calculations: free Markdown.\n\nSize 46.\n"
        "<!-- guidance\n   on two lines -->\n\n"
        "Calls after 15:00 <!-- (her words) -->.\n\n## Log\n- 2026-01-01 call: hello\n"
    )
    assert Card.parse(card_text("X", None, "", body)).notes == "Size 46.\n\nCalls after 15:00 ."
