"""Customer reports on hand-built binders; every expected answer is worked out by hand here."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import Run, card_files, card_text, write_card


def customer(
    root: Path,
    card_id: str,
    purchases: list[tuple[str, str]],
    *,
    folder: str = "cards",
    next_: str | None = None,
    extra: str = "",
    log: list[str] | None = None,
) -> None:
    lines = [f"- {day} purchase {amount}: order" for day, amount in purchases] + (log or [])
    lines.sort()
    body = f"# {card_id}\n\n## Log\n" + "".join(line + "\n" for line in lines)
    write_card(root, folder, card_id, card_text(card_id.replace("-", " ").title(), next_, extra, body))


def rows(result) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- 80/20


@pytest.fixture
def ten(binder: Path) -> Path:
    # c01 bought 1000, c02 900 ... c10 100 in the last 12 months: 5,500 in all.
    for n in range(1, 11):
        customer(binder, f"c{n:02d}", [("2026-10-01", f"{(11 - n) * 100}.00")])
    customer(binder, "old-timer", [("2024-06-01", "9999.00")])  # bought, but not this year
    customer(binder, "prospect", [], log=["- 2026-11-01 call: interested"])
    return binder


def test_pareto_groups_and_shares(ten: Path, run: Run) -> None:
    ranked = rows(run("report", "pareto", "--json"))
    assert [r["id"] for r in ranked] == [f"c{n:02d}" for n in range(1, 11)]
    assert [r["group"] for r in ranked] == ["top"] * 2 + ["middle"] * 4 + ["rest"] * 4
    assert [r["value"] for r in ranked][:3] == [1000.0, 900.0, 800.0]
    text = run("report", "pareto").stdout
    assert "10 customers bought, 5,500.00 in all" in text
    assert "top        2 customers        1,900.00   35%" in text  # 1900/5500
    assert "middle     4 customers        2,600.00   47%" in text  # 2600/5500
    assert "rest       4 customers        1,000.00   18%" in text  # 1000/5500


def test_pareto_all_time_and_since(ten: Path, run: Run) -> None:
    all_time = rows(run("report", "pareto", "--all-time", "--json"))
    assert all_time[0]["id"] == "old-timer" and all_time[0]["group"] == "top"
    assert "prospect" not in [r["id"] for r in all_time]  # a prospect is in no value group
    assert rows(run("report", "pareto", "--since", "2026-10-02", "--json")) == []


def test_pareto_csv(ten: Path, run: Run) -> None:
    table = list(csv.reader(io.StringIO(run("report", "pareto", "--csv").stdout)))
    assert table[0] == ["id", "name", "company", "phone", "email", "owner", "value", "group"]
    assert table[1][0] == "c01" and table[1][-2:] == ["1000.0", "top"]
    assert len(table) == 11


# --------------------------------------------------------------------------- lapsed


@pytest.fixture
def lapsing(binder: Path) -> Path:
    customer(binder, "stopped", [("2025-12-01", "100"), ("2026-05-01", "100")])  # 206 days: > 6 months
    customer(
        binder,
        "irregular",
        [("2026-09-01", "50"), ("2026-09-11", "50"), ("2026-09-21", "50"), ("2026-10-01", "50")],
    )  # usually every 10 days; 53 days now
    customer(binder, "buying-less", [("2025-03-01", "1000"), ("2025-06-01", "1000"), ("2026-10-01", "300")])
    customer(
        binder,
        "fewer",
        [
            ("2025-01-10", "100"),
            ("2025-03-10", "100"),
            ("2025-05-10", "100"),
            ("2025-07-10", "100"),
            ("2026-10-10", "400"),
        ],
    )
    customer(binder, "healthy", [("2026-10-01", "100"), ("2026-11-01", "100")])
    customer(binder, "prospect", [])
    return binder


def test_lapsed_and_buying_less_with_reasons(lapsing: Path, run: Run) -> None:
    found = {r["id"]: r for r in rows(run("report", "lapsed", "--json"))}
    assert set(found) == {"stopped", "irregular", "buying-less", "fewer"}
    assert found["stopped"]["last_purchase"] == "2026-05-01"
    assert found["stopped"]["reason"] == "no purchase for 206 days (since 2026-05-01; more than 6 months)"
    assert found["irregular"]["reason"] == "no purchase for 53 days, more than twice their usual 10 days"
    assert (
        found["buying-less"]["reason"]
        == "bought 300.00 in the last 12 months against 2,000.00 the year before (-85%)"
    )
    assert found["fewer"]["reason"] == "1 purchase in the last 12 months against 4 the year before"


def test_lapsed_schedule_files_personal_calls(lapsing: Path, run: Run) -> None:
    result = run("report", "lapsed", "--schedule", "2026-11-25")
    assert result.exit_code == 0, result
    assert "filed 4 customers for a call on 2026-11-25" in result.stderr
    assert sorted(card_files(lapsing)) == sorted(
        [
            "days/25/buying-less.md",
            "days/25/fewer.md",
            "days/25/irregular.md",
            "days/25/stopped.md",
            "cards/healthy.md",
            "cards/prospect.md",
        ]
    )
    text = (lapsing / "days/25/stopped.md").read_text()
    assert "action: call" in text and "next: 2026-11-25" in text
    assert "- 2026-11-23 note: lapsed customer: no purchase for 206 days" in text


# --------------------------------------------------------------------------- segments


@pytest.fixture
def five(binder: Path) -> Path:
    recent4 = [("2026-01-15", "100"), ("2026-04-15", "100"), ("2026-07-15", "100"), ("2026-10-15", "100")]
    customer(binder, "loyal", [("2024-11-23", "100"), *recent4])  # first purchase exactly 2 years ago
    customer(binder, "almost-loyal", [("2024-11-24", "100"), *recent4])  # one day short: regulars
    customer(binder, "regular", recent4)
    customer(binder, "three-times", recent4[1:])  # 3 a year: not a regular
    customer(binder, "big", [("2026-10-01", "5000")])
    customer(binder, "light", [("2026-10-01", "50")])
    customer(binder, "just-in-time", [("2026-05-23", "100")])  # exactly 6 months: not lapsed yet
    customer(binder, "gone", [("2026-05-22", "100")])  # a day more: lapsed
    customer(binder, "prospect", [])
    return binder


def test_the_five_segments_at_their_thresholds(five: Path, run: Run) -> None:
    # averages: 100 (x5), 5000, 50, 100, 100 -> median 100 is the big-spender line
    found = {r["id"]: r["segment"] for r in rows(run("report", "segments", "--json"))}
    assert found == {
        "loyal": "loyal regulars",
        "almost-loyal": "regulars",
        "regular": "regulars",
        "three-times": "infrequent big spenders",  # average 100 = the line
        "big": "infrequent big spenders",
        "light": "infrequent light buyers",
        "just-in-time": "infrequent big spenders",
        "gone": "lapsed",
    }
    (five / "tickler.toml").write_text("regular_purchases = 3\nlapsed_months = 7\nbig_spender = 1000\n")
    found = {r["id"]: r["segment"] for r in rows(run("report", "segments", "--json"))}
    assert found["three-times"] == "regulars" and found["gone"] == "infrequent light buyers"
    assert found["big"] == "infrequent big spenders" and found["regular"] == "regulars"


def test_the_lifecycle_matrix(binder: Path, run: Run) -> None:
    customer(binder, "vip", [("2026-06-01", "10000")])
    customer(binder, "newcomer", [("2026-09-01", "100")])
    customer(binder, "once", [("2026-07-01", "100")])
    customer(binder, "grower", [("2025-06-01", "100"), ("2026-06-01", "200")])
    customer(binder, "steady", [("2025-06-01", "100"), ("2026-06-01", "100")])
    customer(binder, "lost", [("2025-01-01", "100")])
    found = {r["id"]: r["stage"] for r in rows(run("report", "segments", "--matrix", "--json"))}
    assert found == {
        "vip": "VIP",
        "newcomer": "newcomers",
        "once": "one-time buyers",
        "grower": "growing",
        "steady": "steady",
        "lost": "lost",
    }
    text = run("report", "segments", "--matrix").stdout
    assert text.index("lost (1)") < text.index("VIP (1)") < text.index("newcomers (1)")


def test_malformed_log_lines_are_warned_and_skipped(binder: Path, run: Run) -> None:
    customer(
        binder,
        "messy",
        [("2026-10-01", "100")],
        log=["- 2026-10-02 purchase lots: oops", "- yesterday: called"],
    )
    result = run("report", "pareto", "--json")
    assert result.exit_code == 0
    assert [r["value"] for r in rows(result)] == [100.0]
    assert "cards/messy.md:8: not a Log entry" in result.stderr
    assert "cards/messy.md:9: not a Log entry" in result.stderr


# --------------------------------------------------------------------------- keeping in touch


def test_cadence_files_due_contacts_once(binder: Path, run: Run) -> None:
    (binder / "tickler.toml").write_text(
        '[cadence]\ndefault = ["letter every 3 months"]\n[cadence.tags]\nvip = ["call every 1 month"]\n'
    )
    customer(binder, "due-letter", [], log=["- 2026-08-01 letter: summer letter"])
    customer(binder, "fresh-letter", [], log=["- 2026-10-01 letter: autumn letter"])
    customer(binder, "vip-call", [], extra="tags: [vip]", log=["- 2026-10-01 call: checked in"])
    customer(binder, "own-cadence", [], extra="cadence: email every 6 months", log=["- 2026-01-01 email: hi"])
    customer(binder, "busy", [], folder="days/23", next_="2026-11-23", log=["- 2026-01-01 letter: old"])
    customer(binder, "later", [], folder="days/10", next_="2026-12-10", log=["- 2026-08-01 letter: old"])
    result = run("roll")
    assert result.exit_code == 0, result
    assert sorted(card_files(binder)) == sorted(
        [
            "days/23/due-letter.md",
            "cards/fresh-letter.md",
            "days/23/vip-call.md",
            "days/23/own-cadence.md",
            "days/23/busy.md",
            "days/23/later.md",
        ]
    )
    letter = (binder / "days/23/due-letter.md").read_text()
    assert "action: letter" in letter and "next: 2026-11-23" in letter
    assert "- 2026-11-23 cadence: letter due: letter every 3 months, last letter 2026-08-01" in letter
    assert "action: call" in (binder / "days/23/vip-call.md").read_text()
    assert "action: email" in (binder / "days/23/own-cadence.md").read_text()
    assert "cadence" not in (binder / "days/23/busy.md").read_text()  # already due today: left alone
    # the rep postpones the letter: the next roll does not pull it back
    assert run("move", "due-letter", "2026-12-02").exit_code == 0
    assert run("roll", today="2026-11-24").stdout.count("due-letter") == 0
    assert "days/02/due-letter.md" in card_files(binder)


def test_repurchase_reminder_files_one_time_buyers_once(binder: Path, run: Run) -> None:
    (binder / "tickler.toml").write_text("repurchase_reminder = true\n")
    customer(binder, "x", [("2026-01-01", "10"), ("2026-01-31", "10")])  # 30 days to the second
    customer(binder, "y", [("2026-02-01", "10"), ("2026-03-03", "10")])  # 30
    customer(binder, "z", [("2026-03-01", "10"), ("2026-04-10", "10")])  # 40: median 30
    customer(binder, "due", [("2026-10-20", "10")])  # 30 - 7 days of lead: due 2026-11-12
    customer(binder, "not-yet", [("2026-11-01", "10")])  # due 2026-11-24
    run("roll")
    assert "days/23/due.md" in card_files(binder) and "cards/not-yet.md" in card_files(binder)
    text = (binder / "days/23/due.md").read_text()
    assert "- 2026-11-23 reminder: repurchase call: customers usually buy again 30 days after" in text
    run("park", "due")
    run("roll", today="2026-11-25")
    assert "cards/due.md" in card_files(binder)  # filed once, not again
    assert "days/25/not-yet.md" in card_files(binder)


# --------------------------------------------------------------------------- birthdays


def test_birthdays_in_today_and_agenda(binder: Path, run: Run) -> None:
    write_card(binder, "cards", "no-year", card_text("No Year", None, "birthday: --11-25"))
    write_card(binder, "cards", "leap", card_text("Leap Day", None, "birthday: 1992-02-29"))
    write_card(binder, "cards", "today", card_text("Today Person", None, "birthday: 1980-11-23"))
    result = run("today")
    assert result.stdout.splitlines()[-1] == "Birthdays: Today Person (today, 46); No Year (Wed 25 Nov)"
    assert card_files(binder) == ["cards/leap.md", "cards/no-year.md", "cards/today.md"]  # nothing moved
    leap = run("today", today="2027-02-25").stdout
    assert "Leap Day (Sun 28 Feb, 35)" in leap
    (binder / "tickler.toml").write_text("birthday_days = 3\n")
    agenda = run("agenda", "--days", "5").stdout.splitlines()
    assert "Leap Day" not in run("today").stdout
    assert "birthday: No Year" in next(line for line in agenda if "Wed 25 Nov" in line)
    assert any("Today Person" in line for line in agenda if "Mon 23 Nov" in line)


def test_a_long_birthday_line_is_cut_with_a_count(binder: Path, run: Run) -> None:
    for n in range(15):  # fifteen birthdays on the coming days: more than a line can show
        write_card(binder, "cards", f"b{n:02d}", card_text(f"Person {n:02d}", None, "birthday: --11-24"))
    line = run("today").stdout.splitlines()[-1]
    shown = [f"Person {n:02d} (Tue 24 Nov)" for n in range(12)]
    assert line == "Birthdays: " + "; ".join(shown) + "; and 3 more (tickler agenda lists them by day)"
    agenda = run("agenda", "--days", "3").stdout
    assert all(f"Person {n:02d}" in agenda for n in range(15))


def test_cadence_settings_are_checked(binder: Path, run: Run) -> None:
    (binder / "tickler.toml").write_text('[cadence]\ndefault = ["letter every now and then"]\n')
    result = run("roll")
    assert result.exit_code == 1 and "is not a cadence" in result.stderr
