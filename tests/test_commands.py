"""The commands of the binder core, run through the real CLI on real files."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run, card_files, card_text, snapshot, write_card


def test_init_creates_every_divider_and_is_idempotent(tmp_path: Path, run: Run) -> None:
    root = tmp_path / "fresh"
    result = run("init", str(root), "--no-git")
    assert result.exit_code == 0, result
    assert sorted(p.name for p in (root / "days").iterdir()) == [f"{d:02d}" for d in range(1, 32)]
    assert sorted(p.name for p in (root / "months").iterdir()) == [f"{m:02d}" for m in range(1, 13)]
    assert (root / "days" / "07" / ".gitkeep").exists()
    assert (root / "templates" / "default.md").exists()
    assert (root / "templates" / "call-report.md").exists()
    assert (root / "templates" / "retail-customer.md").exists()
    assert ".tickler\n" in (root / ".gitignore").read_text()  # the folder, or a link in its place
    (root / "tickler.toml").write_text("capacity = 5\n")
    before = snapshot(root)
    assert run("init", str(root), "--no-git").exit_code == 0
    assert snapshot(root) == before


def test_init_makes_a_git_repository(tmp_path: Path, run: Run) -> None:
    root = tmp_path / "team"
    assert run("init", str(root)).exit_code == 0
    assert (root / ".git").is_dir()


def test_new_files_the_card_by_its_date_and_prints_the_id(binder: Path, run: Run) -> None:
    result = run(
        "new",
        "Ivan Ivanovich Ivanov",
        "--next",
        "2026-12-05 15:30",
        "--set",
        "company=Romashka LLC",
        "--set",
        "phone=+74951234567",
        "--set",
        "tags=[b2b, wholesale]",
    )
    assert result.exit_code == 0, result
    assert result.stdout == "ivan-ivanovich-ivanov\n"
    path = binder / "days" / "05" / "ivan-ivanovich-ivanov.md"
    text = path.read_text()
    assert "next: 2026-12-05 15:30" in text
    assert "company: Romashka LLC" in text
    assert "phone: '+74951234567'" in text  # a phone stays text
    assert "tags: [b2b, wholesale]" in text
    assert "# Ivan Ivanovich Ivanov" in text
    shown = json.loads(run("show", "ivan", "--json").stdout)
    assert shown["fields"]["phone"] == "+74951234567"
    assert shown["fields"]["tags"] == ["b2b", "wholesale"]


def test_new_without_a_date_goes_to_the_card_index_and_ids_stay_unique(binder: Path, run: Run) -> None:
    assert run("new", "Anna Petrova").stdout == "anna-petrova\n"
    assert run("new", "Anna Petrova", "--next", "2027-03-01").stdout == "anna-petrova-2\n"
    assert card_files(binder) == ["cards/anna-petrova.md", "months/03/anna-petrova-2.md"]


def test_new_from_a_named_template(binder: Path, run: Run) -> None:
    result = run("new", "Ольга Смирнова", "--template", "retail-customer", "--next", "2026-11-25")
    assert result.exit_code == 0, result
    text = (binder / "days" / "25" / "ольга-смирнова.md").read_text()
    assert "products: []" in text and "tags: [retail]" in text and "# Ольга Смирнова" in text
    missing = run("new", "X", "--template", "nope")
    assert missing.exit_code == 1 and "no template 'nope'" in missing.stderr
    assert run("new", "X", "--template", "../etc/passwd").exit_code == 1


def test_new_stamps_the_configured_owner(binder: Path, run: Run) -> None:
    run("new", "Boris Card", env={"TICKLER_OWNER": "boris"})
    assert "owner: boris" in (binder / "cards" / "boris-card.md").read_text()


def test_show_prints_the_card(binder: Path, run: Run) -> None:
    write_card(binder, "days/25", "a-card", card_text("A Card", "2026-11-25"))
    result = run("show", "a-card")
    assert result.exit_code == 0
    assert "days/25/a-card.md" in result.stdout and "in 2 days" in result.stdout
    assert "name: A Card" in result.stdout


def _day_binder(binder: Path) -> None:
    write_card(
        binder,
        "days/23",
        "ivanov",
        card_text(
            "Ivan Ivanov",
            "2026-11-23 15:30",
            "company: Romashka LLC\nphone: +7 495 123-45-67\naction: call\nowner: anna",
            "# Ivan\n\n## Log\n- 2026-11-05 call: first call\n- 2026-11-20 rolled: from 2026-11-19\n",
        ),
    )
    write_card(binder, "days/23", "petrova", card_text("Olga Petrova", "2026-11-23", "action: email"))
    write_card(binder, "days/18", "late", card_text("Late Customer", "2026-11-18", "action: call"))
    write_card(binder, "days/24", "tomorrow", card_text("Tomorrow Person", "2026-11-24"))
    write_card(binder, "days/23", "boris-card", card_text("Boris Customer", "2026-11-23", "owner: boris"))
    write_card(binder, "months/11", "unspread", card_text("Not Yet Spread", "2026-11-23"))
    write_card(binder, "cards", "parked", card_text("Parked"))


def test_today_lists_overdue_first_then_by_time(binder: Path, run: Run) -> None:
    _day_binder(binder)
    result = run("today", env={"TICKLER_OWNER": "anna"})
    assert result.exit_code == 0, result
    lines = result.stdout.splitlines()
    # ivanov's Log holds a call: a follow-up; the three others have no contact yet: first calls
    header = "Monday 23 November 2026: 4 cards: 1 follow-up, 3 first calls (3 due today, 1 overdue)"
    assert lines[0] == header + "; load 4/30"
    assert lines[1].split() == ["WHEN", "NAME", "COMPANY", "PHONE", "ACTION", "LAST"]
    assert lines[2].startswith("  5d late            Late Customer")
    # ivanov's Log ends with roll's entry: due since 2026-11-19, the WHEN says how long he waits
    assert lines[3].startswith("  15:30, 4d waiting  Ivan Ivanov")
    assert "+7 495 123-45-67" in lines[3]
    assert lines[3].endswith("2026-11-05 call: first call")  # not the 'rolled' bookkeeping
    assert {lines[4].split()[1], lines[5].split()[1]} == {"Olga", "Not"}
    assert lines[6] == "(1 more due for other reps: tickler today --all)"
    assert "Tomorrow" not in result.stdout and "Parked" not in result.stdout


def test_today_owner_filters(binder: Path, run: Run) -> None:
    _day_binder(binder)
    everyone = json.loads(run("today", "--all", "--json").stdout)
    assert {c["id"] for c in everyone} == {"late", "ivanov", "petrova", "boris-card", "unspread"}
    boris = json.loads(run("today", "--json", env={"TICKLER_OWNER": "boris@firm.example"}).stdout)
    assert {c["id"] for c in boris} == {"late", "petrova", "boris-card", "unspread"}
    only = json.loads(run("today", "--json", "--owner", "anna").stdout)
    assert [c["id"] for c in only] == ["ivanov"]


def test_today_json_shape_is_pinned(binder: Path, run: Run) -> None:
    write_card(
        binder,
        "days/20",
        "late",
        card_text(
            "Late Customer", "2026-11-20 09:15", "action: call\ntags: [b2b]\nbirthday: 1971-03-14\nscore: 7"
        ),
    )
    result = run("today", "--json")
    assert json.loads(result.stdout) == [
        {
            "id": "late",
            "name": "Late Customer",
            "path": "days/20/late.md",
            "next": "2026-11-20T09:15",
            "owner": None,
            "action": "call",
            "overdue": True,
            "fields": {
                "name": "Late Customer",
                "next": "2026-11-20T09:15",
                "action": "call",
                "tags": ["b2b"],
                "birthday": "1971-03-14",
                "score": 7,
            },
            "first_call": True,
        }
    ]


def test_today_on_an_empty_day(binder: Path, run: Run) -> None:
    result = run("today")
    assert result.exit_code == 0
    assert result.stdout == "Monday 23 November 2026: nothing due today.\n"
    assert json.loads(run("today", "--json").stdout) == []


def test_move_is_one_changed_line_plus_a_rename(binder: Path, run: Run) -> None:
    text = card_text(
        "Ivan",
        "2026-11-25   # agreed on the phone",
        "unknown_key: kept\n# a comment\naction: call",
        "# Ivan\n\nNotes.\n",
    )
    write_card(binder, "days/25", "ivan", text)
    result = run("move", "ivan", "2026-12-05")
    assert result.exit_code == 0, result
    assert result.stdout == "ivan: 2026-11-25 -> 2026-12-05 (days/05/)\n"
    assert card_files(binder) == ["days/05/ivan.md"]
    after = (binder / "days" / "05" / "ivan.md").read_text()
    assert after == text.replace("next: 2026-11-25   # agreed", "next: 2026-12-05   # agreed")


def test_move_with_a_note_logs_it_and_to_a_later_month(binder: Path, run: Run) -> None:
    write_card(binder, "days/25", "ivan", card_text("Ivan", "2026-11-25"))
    assert run("move", "ivan", "2027-07-05", "--note", "call 5 July").exit_code == 0
    text = (binder / "months" / "07" / "ivan.md").read_text()
    assert "- 2026-11-23 moved: call 5 July (to 2027-07-05)" in text


def test_log_appends_and_reschedules(binder: Path, run: Run) -> None:
    write_card(
        binder,
        "days/23",
        "ivan",
        card_text("Ivan", "2026-11-23", "action: call", "# Ivan\n\n## Log\n- 2026-11-05 call: first call\n"),
    )
    result = run("log", "ivan", "discussed offer 12, wants a better price", "--next", "2026-12-05 15:30")
    assert result.exit_code == 0, result
    text = (binder / "days" / "05" / "ivan.md").read_text()
    assert text.endswith(
        "- 2026-11-05 call: first call\n"
        "- 2026-11-23 call: discussed offer 12, wants a better price. Next: 2026-12-05 15:30\n"
    )
    assert "next: 2026-12-05 15:30\n" in text
    assert run("log", "ivan", "order 4411", "--amount", "12500.00").exit_code == 0
    assert "- 2026-11-23 purchase 12500.00: order 4411" in (binder / "days/05/ivan.md").read_text()
    assert run("log", "ivan", "wrote", "--kind", "email").exit_code == 0
    assert "- 2026-11-23 email: wrote" in (binder / "days/05/ivan.md").read_text()


def test_log_records_the_time_of_day_when_the_clock_has_one(binder: Path, run: Run) -> None:
    write_card(binder, "days/23", "ivan", card_text("Ivan", "2026-11-23"))
    run("log", "ivan", "called", today="2026-11-23 14:05")
    assert "- 2026-11-23 14:05 note: called" in (binder / "days/23/ivan.md").read_text()


def test_park_drops_the_date(binder: Path, run: Run) -> None:
    write_card(binder, "days/23", "ivan", card_text("Ivan", "2026-11-23"))
    result = run("park", "ivan")
    assert result.stdout == "ivan: 2026-11-23 -> no date (cards/)\n"
    assert card_files(binder) == ["cards/ivan.md"]
    assert json.loads(run("show", "ivan", "--json").stdout)["next"] is None


def test_roll_spreads_the_month_and_rolls_overdue(binder: Path, run: Run) -> None:
    # Filed on 2026-11-23: December cards past the window sit under months/12.
    for day in (23, 24, 28, 31):
        write_card(binder, "months/12", f"dec-{day}", card_text(f"Dec {day}", f"2026-12-{day}"))
    write_card(binder, "days/20", "late", card_text("Late", "2026-11-20 10:00"))
    write_card(binder, "months/01", "jan", card_text("Jan", "2027-01-10"))
    result = run("roll", today="2026-12-01")  # a Tuesday
    assert result.exit_code == 0, result
    assert card_files(binder) == [
        "days/01/late.md",
        "days/23/dec-23.md",
        "days/24/dec-24.md",
        "days/28/dec-28.md",
        "days/31/dec-31.md",
        "months/01/jan.md",
    ]
    late = (binder / "days/01/late.md").read_text()
    assert "next: 2026-12-01 10:00" in late  # the time of day is kept
    assert late.endswith("- 2026-12-01 rolled: from 2026-11-20\n")
    assert "rolled" not in (binder / "days/23/dec-23.md").read_text()  # spreading is only a rename
    before = snapshot(binder)
    again = run("roll", today="2026-12-01")
    assert again.exit_code == 0 and again.stdout == ""
    assert snapshot(binder) == before


def test_roll_lands_on_a_workday(binder: Path, run: Run) -> None:
    write_card(binder, "days/03", "late", card_text("Late", "2026-12-03"))
    run("roll", today="2026-12-05")  # a Saturday
    assert card_files(binder) == ["days/07/late.md"]
    (binder / "tickler.toml").write_text('workdays = ["mon", "tue", "wed", "thu", "fri", "sat"]\n')
    write_card(binder, "days/04", "later", card_text("Later", "2026-12-04"))
    run("roll", today="2026-12-05")
    assert "days/05/later.md" in card_files(binder)


def test_roll_dry_run_changes_nothing(binder: Path, run: Run) -> None:
    write_card(binder, "days/20", "late", card_text("Late", "2026-11-20"))
    write_card(binder, "months/12", "dec", card_text("Dec", "2026-12-10"))
    before = snapshot(binder)
    result = run("roll", "--dry-run", today="2026-12-01")
    assert "late: 2026-11-20 -> 2026-12-01 (days/01/)" in result.stdout
    assert "dec: 2026-12-10 -> 2026-12-10 (days/10/)" in result.stdout
    assert snapshot(binder) == before


def test_check_finds_misfiled_and_duplicate_cards_and_fix_repairs(binder: Path, run: Run) -> None:
    write_card(binder, "days/05", "misfiled", card_text("Misfiled", "2026-11-30"))
    write_card(binder, "days/25", "dup", card_text("Dup", "2026-11-25", body="# one\n"))
    write_card(binder, "months/03", "dup", card_text("Dup", "2027-03-01", body="# two\n"))
    write_card(binder, "days/26", "twin", card_text("Twin", "2026-11-26"))
    write_card(binder, "months/11", "twin", card_text("Twin", "2026-11-26"))
    result = run("check")
    assert result.exit_code == 1
    assert "misfiled: days/05/misfiled.md: next is 2026-11-30, so it belongs in days/30/" in result.stdout
    assert "duplicate: " in result.stdout and "id 'dup' is in 2 places" in result.stdout
    fixed = run("check", "--fix")
    assert fixed.exit_code == 0, fixed
    assert card_files(binder) == [
        "days/25/dup.md",
        "days/26/twin.md",
        "days/30/misfiled.md",
        "months/03/dup-2.md",
    ]
    renamed = (binder / "months/03/dup-2.md").read_text()
    assert "# two" in renamed and "renamed: from dup" in renamed
    assert run("check").exit_code == 0


def test_check_json(binder: Path, run: Run) -> None:
    write_card(binder, "days/05", "misfiled", card_text("Misfiled", "2026-11-30"))
    write_card(binder, "days/06", "undated", card_text("Undated"))
    problems = json.loads(run("check", "--json").stdout)
    assert problems == [
        {
            "kind": "misfiled",
            "path": "days/05/misfiled.md",
            "line": None,
            "message": "next is 2026-11-30, so it belongs in days/30/",
        },
        {
            "kind": "misfiled",
            "path": "days/06/undated.md",
            "line": None,
            "message": "it has no follow-up date, so it belongs in cards/",
        },
    ]


def test_card_references_prefix_path_and_ambiguity(binder: Path, run: Run) -> None:
    write_card(binder, "days/25", "ivanov-ivan", card_text("Ivan", "2026-11-25"))
    write_card(binder, "days/26", "ivanova-olga", card_text("Olga", "2026-11-26"))
    assert json.loads(run("show", "ivanov-", "--json").stdout)["id"] == "ivanov-ivan"
    assert json.loads(run("show", "days/26/ivanova-olga.md", "--json").stdout)["id"] == "ivanova-olga"
    ambiguous = run("show", "ivan")
    assert ambiguous.exit_code == 1
    assert "'ivan' matches 2 cards" in ambiguous.stderr
    assert "ivanov-ivan" in ambiguous.stderr and "ivanova-olga" in ambiguous.stderr
    missing = run("show", "nobody")
    assert missing.exit_code == 1 and missing.stderr == "tickler: error: no card 'nobody' in the binder\n"


def test_binder_found_from_env_and_upward(binder: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from tickler.cli import app

    write_card(binder, "days/23", "a", card_text("A", "2026-11-23"))
    env = {"TICKLER_TODAY": "2026-11-23"}
    runner = CliRunner()
    result = runner.invoke(app, ["today", "--json"], env={**env, "TICKLER_BINDER": str(binder)})
    assert [c["id"] for c in json.loads(result.stdout)] == ["a"]
    monkeypatch.chdir(binder / "days" / "23")
    result = runner.invoke(app, ["today", "--json"], env=env)
    assert [c["id"] for c in json.loads(result.stdout)] == ["a"]
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["today"], env=env)
    assert result.exit_code == 1 and "no binder here" in result.stderr
    result = runner.invoke(app, ["--binder", str(tmp_path), "today"], env=env)
    assert result.exit_code == 1 and "is not a binder" in result.stderr


def test_settings_are_read_and_checked(binder: Path, run: Run) -> None:
    write_card(binder, "days/23", "a", card_text("A", "2026-11-23"))
    (binder / "tickler.toml").write_text("capacity = 3\ncolour = 'blue'\n")
    result = run("today")
    assert "load 1/3" in result.stdout
    assert "unknown setting 'colour'" in result.stderr
    (binder / "tickler.toml").write_text("capacity = 'many'\n")
    result = run("today")
    assert result.exit_code == 1
    assert "tickler.toml: 'capacity' must be a whole number" in result.stderr
    (binder / "tickler.toml").write_text("capacity = [\n")
    assert "not valid TOML" in run("today").stderr
