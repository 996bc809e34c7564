"""The daily workflow: agenda, list, find, balance, owners and handover, edit, warnings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import Run, card_files, card_text, snapshot, write_card


def ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["id"] for c in json.loads(result.stdout)]


# --------------------------------------------------------------------------- agenda


def test_agenda_json_counts_against_capacity(binder: Path, run: Run) -> None:
    (binder / "tickler.toml").write_text("capacity = 2\n")
    write_card(binder, "days/23", "a", card_text("A", "2026-11-23"))
    write_card(binder, "days/25", "b", card_text("B", "2026-11-25 10:00"))
    write_card(binder, "days/25", "c", card_text("C", "2026-11-25"))
    write_card(binder, "days/25", "d", card_text("D", "2026-11-25"))
    write_card(binder, "days/20", "late", card_text("Late", "2026-11-20"))
    result = run("agenda", "--days", "3", "--json")
    assert json.loads(result.stdout) == [
        {"date": "2026-11-23", "count": 1, "capacity": 2},
        {"date": "2026-11-24", "count": 0, "capacity": 2},
        {"date": "2026-11-25", "count": 3, "capacity": 2},
    ]


def test_agenda_text_marks_overdue_today_days_off_and_birthdays(binder: Path, run: Run) -> None:
    (binder / "tickler.toml").write_text('capacity = 2\nholidays = "DE"\n')
    write_card(binder, "days/25", "b", card_text("B", "2026-12-25"))
    write_card(binder, "days/20", "late", card_text("Late", "2026-11-20"))
    for name in ("c", "d", "e"):
        write_card(binder, "days/24", name, card_text(name.upper(), "2026-11-24"))
    write_card(binder, "cards", "olga", card_text("Olga", None, "birthday: --11-26"))
    write_card(binder, "cards", "ivan", card_text("Ivan", None, "birthday: 1971-11-30"))
    result = run("agenda", "--days", "40")
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["overdue", "1"]
    today = next(line for line in lines if "Mon 23 Nov" in line)
    assert "today" in today.split() and "Ivan's birthday in 7 days" in today
    busy = next(line for line in lines if "Tue 24 Nov" in line)
    assert "3/2" in busy and "+1" in busy
    assert "birthday: Olga" in next(line for line in lines if "Thu 26 Nov" in line)
    assert "birthday: Ivan (55)" in next(line for line in lines if "Mon 30 Nov" in line)
    assert "day off" in next(line for line in lines if "Sat 28 Nov" in line)
    christmas = next(line for line in lines if "Fri 25 Dec" in line)
    assert "1/2" in christmas and "Christmas" in christmas


def test_birthday_on_29_february_in_a_common_year(binder: Path, run: Run) -> None:
    write_card(binder, "cards", "leap", card_text("Leap Person", None, "birthday: 1992-02-29"))
    result = run("agenda", "--days", "10", today="2027-02-25")
    assert "birthday: Leap Person (35)" in next(
        line for line in result.stdout.splitlines() if "Sun 28 Feb" in line
    )


# --------------------------------------------------------------------------- list and find


@pytest.fixture
def spread(binder: Path) -> Path:
    write_card(binder, "days/20", "late", card_text("Late Lee", "2026-11-20", "tags: [b2b]"))
    write_card(binder, "days/23", "now", card_text("Now Nina", "2026-11-23 09:00", "tags: [retail]"))
    write_card(binder, "days/27", "fri", card_text("Friday Fred", "2026-11-27", "tags: [B2B, vip]"))
    write_card(binder, "days/30", "mon", card_text("Monday Mia", "2026-11-30"))
    write_card(binder, "days/02", "dec", card_text("December Dan", "2026-12-02", "owner: boris"))
    write_card(binder, "months/03", "spring", card_text("Spring Sam", "2027-03-15"))
    write_card(binder, "cards", "parked", card_text("Parked Pat"))
    return binder


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ["late", "now", "fri", "mon", "dec", "spring"]),
        (("week",), ["now", "fri"]),
        (("month",), ["late", "now", "fri", "mon"]),
        (("2026-11-27..2026-12-02",), ["fri", "mon", "dec"]),
        (("fri",), ["fri"]),
        (("2026-11-01..2027-12-31",), ["late", "now", "fri", "mon", "dec", "spring"]),
        (("5 jan..31 mar",), ["spring"]),
        (("--overdue",), ["late"]),
        (("--tag", "b2b"), ["late", "fri"]),
        (("week", "--tag", "VIP"), ["fri"]),
    ],
)
def test_list_ranges_and_filters(spread: Path, run: Run, args: tuple[str, ...], expected: list[str]) -> None:
    result = run("list", *args, "--json", "--all")
    assert result.exit_code == 0, result
    assert ids(result) == expected


def test_list_errors(spread: Path, run: Run) -> None:
    result = run("list", "2026-12-05..2026-12-01")
    assert result.exit_code == 1 and "ends before it starts" in result.stderr
    assert "WHEN: 'soon' is not a date" in run("list", "soon").stderr


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ivan", ["ivan"]),
        ("IVANOV@", ["ivan"]),
        ("romashka", ["ivan"]),
        ("4951234567", ["ivan"]),
        ("123-45", ["ivan"]),
        ("garcia", ["maria"]),
        ("GARCÍA", ["maria"]),
        ("wholesale", ["ivan", "maria"]),
        ("смирн", ["olga"]),
        ("zzz", []),
    ],
)
def test_find(binder: Path, run: Run, query: str, expected: list[str]) -> None:
    write_card(
        binder,
        "days/05",
        "ivan",
        card_text(
            "Ivan Ivanov",
            "2026-12-05",
            "company: Romashka LLC\nphone: +7 495 123-45-67\n"
            "email: ivanov@romashka.example\ntags: [wholesale]",
        ),
    )
    write_card(
        binder, "cards", "maria", card_text("María García", None, "company: García S.L.\ntags: [Wholesale]")
    )
    write_card(
        binder, "months/02", "olga", card_text("Ольга Смирнова", "2027-02-01", "phone: 8 916 555 1234")
    )
    result = run("find", query, "--json")
    assert sorted(ids(result)) == sorted(expected)
    text = run("find", query)
    assert text.exit_code == (0 if expected else 1)


# --------------------------------------------------------------------------- owners


def test_owner_filters_in_list_and_agenda(spread: Path, run: Run) -> None:
    mine = run("list", "--json", env={"TICKLER_OWNER": "anna"})
    assert "dec" not in ids(mine)
    boris = run("list", "--json", "--owner", "boris")
    assert ids(boris) == ["dec"]
    agenda_all = json.loads(run("agenda", "--days", "10", "--json", "--all").stdout)
    agenda_mine = json.loads(run("agenda", "--days", "10", "--json", env={"TICKLER_OWNER": "anna"}).stdout)
    assert sum(d["count"] for d in agenda_all) == sum(d["count"] for d in agenda_mine) + 1


def test_the_user_comes_from_settings_then_git(binder: Path, run: Run, tmp_path: Path) -> None:
    write_card(binder, "days/23", "a", card_text("A", "2026-11-23", "owner: anna"))
    write_card(binder, "days/23", "b", card_text("B", "2026-11-23", "owner: boris"))
    (binder / "tickler.toml").write_text('owner = "boris"\n')
    assert ids(run("today", "--json")) == ["b"]
    assert ids(run("today", "--json", env={"TICKLER_OWNER": "anna"})) == ["a"]
    (binder / "tickler.toml").write_text("")
    (tmp_path / "gitconfig").write_text("[user]\n\temail = anna@firm.example\n")
    assert ids(run("today", "--json")) == ["a"]


def test_handover_everything(spread: Path, run: Run) -> None:
    write_card(spread, "cards", "bp", card_text("Boris Parked", None, "owner: boris"))
    result = run("handover", "boris", "anna")
    assert result.exit_code == 0, result
    assert "dec: from boris to anna" in result.stdout and "bp: from boris to anna" in result.stdout
    text = (spread / "days/02/dec.md").read_text()
    assert "owner: anna" in text and "- 2026-11-23 handover: from boris to anna" in text
    assert "owner: boris" not in (spread / "cards/bp.md").read_text()


def test_handover_an_absence(binder: Path, run: Run) -> None:
    for day, card_id in (("24", "in1"), ("27", "in2"), ("30", "after")):
        write_card(binder, f"days/{day}", card_id, card_text(card_id, f"2026-11-{day}", "owner: anna"))
    write_card(binder, "cards", "parked", card_text("Parked", None, "owner: anna"))
    write_card(binder, "days/25", "other", card_text("Other", "2026-11-25", "owner: boris"))
    before = snapshot(binder)
    result = run("handover", "anna", "boris", "--from", "2026-11-24", "--until", "fri")
    assert result.exit_code == 0, result
    changed = {k for k in before if before[k] != snapshot(binder).get(k)}
    assert changed == {"days/24/in1.md", "days/27/in2.md"}
    assert "owner: boris" in (binder / "days/27/in2.md").read_text()
    bad = run("handover", "anna", "boris", "--from", "fri", "--until", "2026-11-24")
    assert bad.exit_code == 1 and "--until is before --from" in bad.stderr


# --------------------------------------------------------------------------- balance


def test_balance_moves_the_excess_and_never_timed_or_fixed_cards(binder: Path, run: Run) -> None:
    (binder / "tickler.toml").write_text("capacity = 2\n")
    write_card(binder, "days/27", "timed", card_text("Timed", "2026-11-27 10:00"))
    write_card(binder, "days/27", "fixed", card_text("Fixed", "2026-11-27", "fixed: true"))
    write_card(
        binder,
        "days/27",
        "call",
        card_text("Call", "2026-11-27", "action: call", "## Log\n- 2026-10-01 call: long ago\n"),
    )
    write_card(binder, "days/27", "letter", card_text("Letter", "2026-11-27", "action: letter"))
    write_card(
        binder,
        "days/27",
        "recent",
        card_text("Recent", "2026-11-27", "action: call", "## Log\n- 2026-11-20 call: spoke last week\n"),
    )
    write_card(binder, "days/30", "monday", card_text("Monday", "2026-11-30"))
    dry = run("balance", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.splitlines() == [
        "letter: 2026-11-27 -> 2026-11-30 (days/30/)",
        "recent: 2026-11-27 -> 2026-12-01 (days/01/)",
        "call: 2026-11-27 -> 2026-12-01 (days/01/)",
    ]
    before = snapshot(binder)
    assert snapshot(binder) == before
    assert run("balance").stdout == dry.stdout
    assert card_files(binder) == [
        "days/01/call.md",
        "days/01/recent.md",
        "days/27/fixed.md",
        "days/27/timed.md",
        "days/30/letter.md",
        "days/30/monday.md",
    ]
    assert "- 2026-11-23 balanced: from 2026-11-27" in (binder / "days/30/letter.md").read_text()
    again = run("balance")
    assert again.stdout == "" and "within the capacity of 2" in again.stderr


def test_balance_skips_holidays(binder: Path, run: Run) -> None:
    (binder / "tickler.toml").write_text('capacity = 1\nholidays = "DE"\n')
    write_card(binder, "days/24", "a", card_text("A", "2026-12-24"))
    write_card(binder, "days/24", "b", card_text("B", "2026-12-24"))
    result = run("balance", today="2026-12-21")
    assert result.stdout.splitlines()[0].endswith("-> 2026-12-28 (days/28/)")  # not the 25th, 26th


# --------------------------------------------------------------------------- warnings on move


def test_move_warns_about_a_day_off_and_an_over_full_day(binder: Path, run: Run) -> None:
    (binder / "tickler.toml").write_text("capacity = 1\n")
    write_card(binder, "days/23", "a", card_text("A", "2026-11-23"))
    write_card(binder, "days/25", "b", card_text("B", "2026-11-25"))
    weekend = run("move", "a", "sat")
    assert weekend.exit_code == 0
    assert "tickler: warning: Sat 28 Nov 2026 is not a workday" in weekend.stderr
    assert card_files(binder)[0] == "days/25/b.md" and "days/28/a.md" in card_files(binder)
    full = run("move", "a", "2026-11-25")
    assert full.exit_code == 0
    assert "Wed 25 Nov 2026 now holds 2 cards, over the capacity of 1" in full.stderr


# --------------------------------------------------------------------------- edit


EDITOR_SCRIPT = """
import sys, pathlib
path = pathlib.Path(sys.argv[-1])
text = path.read_text()
mode = {mode!r}
if mode == "reschedule":
    text = text.replace("next: 2026-11-25", "next: 2026-12-09").replace("action: call", "action: meet")
    text += "- 2026-11-23 call: agreed to meet\\n"
elif mode == "break":
    text = text.replace("name: Ivan", "name: [Ivan")
elif mode == "fail":
    sys.exit(3)
path.write_text(text)
"""


def _editor(tmp_path: Path, mode: str) -> dict[str, str]:
    script = tmp_path / f"editor_{mode}.py"
    script.write_text(EDITOR_SCRIPT.format(mode=mode))
    return {"EDITOR": f"{sys.executable} {script}"}


def test_edit_refiles_and_reports_what_changed(binder: Path, run: Run, tmp_path: Path) -> None:
    write_card(
        binder, "days/25", "ivan", card_text("Ivan", "2026-11-25", "action: call", "# Ivan\n\n## Log\n")
    )
    result = run("edit", "ivan", env=_editor(tmp_path, "reschedule"))
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == [
        "ivan: next: 2026-11-25 -> 2026-12-09",
        "ivan: action: call -> meet",
        "ivan: 1 Log entry added",
        "ivan: refiled days/25/ -> days/09/",
    ]
    assert card_files(binder) == ["days/09/ivan.md"]


def test_edit_leaves_a_malformed_save_as_written(binder: Path, run: Run, tmp_path: Path) -> None:
    write_card(binder, "days/25", "ivan", card_text("Ivan", "2026-11-25"))
    result = run("edit", "ivan", env=_editor(tmp_path, "break"))
    assert result.exit_code == 0
    assert "days/25/ivan.md:2" in result.stderr and "left as you saved it" in result.stderr
    assert "name: [Ivan" in (binder / "days/25/ivan.md").read_text()


def test_edit_reports_a_failing_editor(binder: Path, run: Run, tmp_path: Path) -> None:
    write_card(binder, "days/25", "ivan", card_text("Ivan", "2026-11-25"))
    result = run("edit", "ivan", env=_editor(tmp_path, "fail"))
    assert result.exit_code == 1 and "exited with code 3" in result.stderr
    missing = run("edit", "ivan", env={"EDITOR": "/no/such/editor"})
    assert missing.exit_code == 1 and "cannot start the editor" in missing.stderr


def test_new_with_edit_opens_the_card(binder: Path, run: Run, tmp_path: Path) -> None:
    env = _editor(tmp_path, "reschedule")
    result = run("new", "Ivan", "--next", "2026-11-25", "--edit", env=env)
    assert result.exit_code == 0, result
    assert card_files(binder) == ["days/09/ivan.md"]


def test_completion_lists_card_ids(spread: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tickler.cli.common import complete_card as _complete_card

    monkeypatch.setenv("TICKLER_BINDER", str(spread))
    assert _complete_card("m") == ["mon"]
    assert "spring" in _complete_card("")
    monkeypatch.setenv("TICKLER_BINDER", "/nowhere")
    assert _complete_card("m") == []
