"""The working week, deeper: find what you remember, undo, one card per customer, the manager's
view, requests answered within hours, and dates at the calendar's end.

Every command here is the installed ``tickler`` run as a process, on real git binders.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import card_files, card_text, installed_tickler, snapshot, write_card

from tickler.setup import init_binder

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")


def tk(
    root: Path, *args: str, today: str = "2026-11-23 10:00", code: int = 0, **env: str
) -> subprocess.CompletedProcess[str]:
    assert TICKLER is not None
    full = {**os.environ, "TICKLER_TODAY": today, "COLUMNS": "200", **env}
    done = subprocess.run([TICKLER, "--binder", str(root), *args], capture_output=True, text=True, env=full)
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


def fields(root: Path, card: str) -> dict:  # type: ignore[type-arg]
    return json.loads(tk(root, "show", card, "--json").stdout)["fields"]  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- find


def test_find_an_email_with_digits_is_text_not_a_phone_search(repo: Path) -> None:
    for n in range(30):
        write_card(repo, "cards", f"shop-{n}", card_text(f"Shop {n}", None, f"phone: +7 916 5000-{n:03d}"))
    write_card(repo, "cards", "c5000", card_text("Customer Five", None, "email: c5000@shop.example"))
    found = tk(repo, "find", "c5000@shop.example", "--json").stdout
    assert [c["id"] for c in json.loads(found)] == ["c5000"]
    by_phone = json.loads(tk(repo, "find", "5000-007", "--json").stdout)  # written like a phone
    assert [c["id"] for c in by_phone] == ["shop-7"]


def test_a_phone_search_finds_numbers_as_people_write_them(repo: Path) -> None:
    write_card(repo, "cards", "olga", card_text("Ольга Смирнова", None, "phone: +7 916 555-66-77"))
    write_card(repo, "cards", "anna", card_text("Анна", None, "phone: +7 495 555-66-00"))
    assert "Ольга Смирнова" in tk(repo, "find", "555-66-77").stdout  # a tail
    tk(repo, "find", "8 (916) 555-66-77", code=1)  # without a region, 8 is not +7
    (repo / "tickler.toml").write_text('region = "RU"\n')
    found = json.loads(tk(repo, "find", "8 (916) 555-66-77", "--json").stdout)
    assert [c["id"] for c in found] == ["olga"]


def test_find_text_searches_notes_and_log_word_by_word(repo: Path) -> None:
    write_card(
        repo,
        "days/05",
        "maria",
        card_text(
            "María García",
            "2026-12-05",
            body="# María\n\nAsked about the WINTER line.\n\n## Log\n"
            "- 2026-11-02 call: wants a coat, size 46\n",
        ),
    )
    write_card(repo, "cards", "hans", card_text("Hans", None, body="# Hans\n\nSummer only.\n"))
    out = tk(repo, "find", "--text", "coat winter").stdout  # every word, any order, any line
    assert "María García" in out and "Hans" not in out
    assert "      > Asked about the WINTER line." in out  # the first line with the most of the words
    found = json.loads(tk(repo, "find", "--text", "COAT", "--json").stdout)
    assert [(c["id"], c["match"]) for c in found] == [("maria", "- 2026-11-02 call: wants a coat, size 46")]
    assert (
        json.loads(tk(repo, "find", "--text", "garcia", "--json").stdout)[0]["match"] == "name: María García"
    )
    tk(repo, "find", "--text", "coat summer", code=1)
    # The text cache never answers for a card that changed.
    path = repo / "days/05/maria.md"
    path.write_text(path.read_text().replace("coat", "scarf"))
    tk(repo, "find", "--text", "coat", code=1)
    assert "María" in tk(repo, "find", "--text", "scarf").stdout


# --------------------------------------------------------------------------- undo


def test_undo_takes_back_the_last_changes_one_by_one(repo: Path) -> None:
    tk(repo, "new", "Ivan Petrov", "--next", "2026-12-05")
    before_move = snapshot(repo)
    tk(repo, "log", "ivan", "sent the offer", "--next", "2026-12-09")
    dry = tk(repo, "undo", "--dry-run").stdout
    assert "would undo" in dry and "tickler log: ivan-petrov -> 2026-12-09" in dry
    undone = tk(repo, "undo").stdout
    assert "undid" in undone and "ivan-petrov" in undone
    assert snapshot(repo) == before_move  # its text and its folder back
    assert (
        git(repo, "log", "-1", "--format=%s").strip()
        == "tickler undo: tickler log: ivan-petrov -> 2026-12-09"
    )
    assert card_files(repo) == ["days/05/ivan-petrov.md"]
    tk(repo, "undo")  # again: the change before that, the card's creation
    assert card_files(repo) == []
    nothing = tk(repo, "undo", code=1)
    assert "nothing to undo" in nothing.stderr


def test_undo_refuses_when_the_card_changed_since(repo: Path) -> None:
    tk(repo, "new", "Ivan Petrov", "--next", "2026-12-05")
    tk(repo, "move", "ivan", "2026-12-09")
    path = repo / "days/09/ivan-petrov.md"
    path.write_text(path.read_text() + "\nA note typed by hand.\n")
    before = snapshot(repo)
    refused = tk(repo, "undo", code=1)
    assert (
        "cannot undo 'tickler move: ivan-petrov -> 2026-12-09': ivan-petrov changed since" in refused.stderr
    )
    assert snapshot(repo) == before


def test_undo_needs_the_history(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    init_binder(plain, git=False)
    assert "undo needs the history: this binder is not a git repository" in tk(plain, "undo", code=1).stderr
    off = tmp_path / "off"
    init_binder(off)
    (off / "tickler.toml").write_text("autocommit = false\n")
    assert "autocommit is off" in tk(off, "undo", code=1).stderr


def test_undo_never_takes_back_a_teammates_change(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    anna = tmp_path / "anna"
    init_binder(anna)
    git(anna, "remote", "add", "origin", str(remote))
    git(anna, "push", "-q", "-u", "origin", "HEAD")
    tk(anna, "new", "Olga", "--next", "2026-12-01")
    tk(anna, "sync")
    git(tmp_path, "clone", "-q", str(remote), "boris")
    boris = tmp_path / "boris"
    tk(boris, "log", "olga", "boris called her", "--next", "2026-12-02")
    tk(boris, "sync")
    tk(anna, "sync")  # boris's change arrives by merge
    refused = tk(anna, "undo", code=1)  # anna's last change is olga's card, changed by boris since
    assert "tickler new: olga -> 2026-12-01" in refused.stderr and "olga changed since" in refused.stderr
    assert "boris called her" in (anna / "days/02/olga.md").read_text()


# --------------------------------------------------------------------------- one card per customer


def test_check_warns_about_probable_duplicates_without_failing(repo: Path) -> None:
    (repo / "tickler.toml").write_text('region = "RU"\n')
    write_card(repo, "cards", "ivan", card_text("Ivan Petrov", None, "email: Ivan@Petrov.example"))
    write_card(repo, "cards", "ivan-2", card_text("I. Petrov", None, "email: ivan@petrov.example"))
    write_card(repo, "cards", "olga", card_text("Olga", None, "phone: 8 (916) 555-66-77"))
    write_card(
        repo, "cards", "olga-s", card_text("Olga S.", None, "phone: [+7 495 000-00-00, +7 916 555-66-77]")
    )
    write_card(repo, "cards", "other", card_text("Other", None, "phone: +7 916 555-66-78"))
    out = tk(repo, "check").stdout  # exit 0: a warning, not a failure
    assert out.splitlines() == [
        "duplicate?: ivan and ivan-2 (same email ivan@petrov.example)",
        "duplicate?: olga and olga-s (same phone +79165556677)",
    ]
    found = json.loads(tk(repo, "check", "--json").stdout)
    assert {f["kind"] for f in found} == {"duplicate?"} and len(found) == 2


def test_groups_of_three_are_found_whole(repo: Path) -> None:
    """check remembers only the first card of each id, email and phone; the groups that share
    one are gathered apart, and each is reported with every card in it."""
    for n, folder in enumerate(("cards", "months/03", "months/04")):
        extra = f"email: Team@Shop.example\nphone: +49 30 1234567{n}"
        write_card(repo, folder, "twin", card_text(f"Twin {n}", f"2027-0{n + 2}-01" if n else None, extra))
    for card_id in ("Zoe", "zoe", "ZOE"):
        write_card(repo, "cards", card_id, card_text("Zoe", None, "phone: +49 30 7654321"))
    found = json.loads(tk(repo, "check", "--json", code=1).stdout)
    kinds = {f["kind"]: f["message"] for f in found}
    places = "cards/twin.md, months/03/twin.md, months/04/twin.md"
    assert kinds["duplicate"] == f"id 'twin' is in 3 places: {places}"
    assert kinds["clash"] == "ids differ only by case or accents: cards/ZOE.md, cards/Zoe.md, cards/zoe.md"
    messages = [f["message"] for f in found if f["kind"] == "duplicate?"]
    assert messages == [
        "ZOE and Zoe (same phone +49307654321)",
        "ZOE and zoe (same phone +49307654321)",
        "Zoe and zoe (same phone +49307654321)",
    ]


def test_merge_makes_one_card_of_two(repo: Path) -> None:
    (repo / "tickler.toml").write_text('region = "RU"\n')
    write_card(
        repo,
        "days/10",
        "ivan",
        card_text(
            "Ivan Petrov",
            "2026-12-10",
            "phone: +7 916 555-66-77  # mobile\ntags: [b2b]",
            "# Ivan Petrov\n\nLikes tea.\n\n## Log\n"
            "- 2026-11-01 call: first call\n- 2026-11-10 call: sent offer\n",
        ),
    )
    write_card(
        repo,
        "days/03",
        "ivan-2",
        card_text(
            "Ivan Petrov",
            "2026-12-03",
            "phone: +7 495 111-22-33\nemail: ivan@petrov.example\ncompany: Petrov & Co\ntags: [retail]",
            "# Ivan\n\nMet at the fair.\n\n## Log\n- 2026-11-05 meet: fair\n- 2026-11-10 call: sent offer\n",
        ),
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two cards by hand")
    out = tk(repo, "merge", "ivan", "ivan-2").stdout
    assert "ivan: merged ivan-2" in out
    assert card_files(repo) == ["days/03/ivan.md"]  # the earlier follow-up; filed by it
    text = (repo / "days/03/ivan.md").read_text()
    assert text.startswith(
        "---\nname: Ivan Petrov\nnext: 2026-12-03\n"
        "phone: [+7 916 555-66-77, +7 495 111-22-33] # mobile\ntags: [b2b]\n"
        "email: ivan@petrov.example\ncompany: Petrov & Co\n---\n"
    )  # KEEP's values win (tags), keys only OTHER has are added, differing phones become a list
    assert "Likes tea.\n\n## From Ivan Petrov (ivan-2)\n\nMet at the fair.\n\n## Log\n" in text
    log = [line for line in text.splitlines() if line.startswith("- ")]
    assert log == [
        "- 2026-11-01 call: first call",
        "- 2026-11-05 meet: fair",
        "- 2026-11-10 call: sent offer",
        "- 2026-11-23 10:00 merged: ivan-2 (Ivan Petrov) merged into this card",
    ]
    assert git(repo, "log", "-1", "--format=%s").strip() == "tickler merge: ivan-2 into ivan"
    assert git(repo, "status", "--porcelain") == ""
    history = tk(repo, "history", "ivan").stdout
    assert history.splitlines()[0].endswith("tickler merge: ivan-2 into ivan")


# --------------------------------------------------------------------------- the manager's view


def test_report_activity_per_rep(repo: Path) -> None:
    write_card(
        repo,
        "days/23",
        "a1",
        card_text(
            "A One",
            "2026-11-23",
            "owner: anna",
            "# A\n\n## Log\n- 2026-11-16 call: last week\n- 2026-11-23 call: monday\n"
            "- 2026-11-23 purchase 1200.50: order\n- 2026-11-23 rolled: from 2026-11-20\n",
        ),
    )
    write_card(repo, "days/20", "a2", card_text("A Two", "2026-11-20", "owner: anna@firm.example"))
    write_card(
        repo,
        "days/24",
        "b1",
        card_text("B One", "2026-11-24", "owner: boris", "# B\n\n## Log\n- 2026-11-23 email: offer sent\n"),
    )
    write_card(
        repo, "cards", "n1", card_text("Nobody's", None, "", "# N\n\n## Log\n- 2026-11-23 meet: fair\n")
    )
    found = json.loads(tk(repo, "report", "activity", "--json").stdout)
    assert found == [
        {
            "owner": "anna",
            "entries": {"call": 1, "purchase": 1},
            "purchases": 1,
            "revenue": 1200.5,
            "overdue": 1,
            "due_today": 1,
            "requests": {"answered": 0, "open": 0, "late": 0, "median_hours": None, "within": None},
        },
        {
            "owner": "boris",
            "entries": {"email": 1},
            "purchases": 0,
            "revenue": 0.0,
            "overdue": 0,
            "due_today": 0,
            "requests": {"answered": 0, "open": 0, "late": 0, "median_hours": None, "within": None},
        },
        {
            "owner": None,
            "entries": {"meet": 1},
            "purchases": 0,
            "revenue": 0.0,
            "overdue": 0,
            "due_today": 0,
            "requests": {"answered": 0, "open": 0, "late": 0, "median_hours": None, "within": None},
        },
    ]  # this week from Monday; a1 and a2 are one rep; tickler's own 'rolled' is not counted
    wider = json.loads(
        tk(repo, "report", "activity", "--since", "2026-11-01", "--owner", "anna", "--json").stdout
    )
    assert [(r["owner"], r["entries"]) for r in wider] == [("anna", {"call": 2, "purchase": 1})]
    table = tk(repo, "report", "activity").stdout
    assert table.splitlines()[0] == "Activity, 2026-11-23 to 2026-11-23"
    assert "call 1, purchase 1" in table and "2/30" in table
    csv_lines = tk(repo, "report", "activity", "--csv").stdout.splitlines()
    assert csv_lines[0] == (
        "owner,entries,call,email,meet,purchase,purchases,revenue,overdue,due_today,"
        "requests_answered,requests_open,requests_late,requests_median_hours,requests_within"
    )
    assert csv_lines[1] == "anna,2,1,0,0,1,1,1200.50,1,1,0,0,0,,"


# --------------------------------------------------------------------------- requests


def test_a_request_is_answered_within_hours(repo: Path) -> None:
    write_card(repo, "days/30", "emily", card_text("Emily Clark", "2026-11-30"))
    write_card(repo, "days/23", "hans", card_text("Hans", "2026-11-23"))
    out = tk(repo, "request", "emily", "wants the winter price list", today="2026-11-23 15:00").stdout
    assert "emily: - 2026-11-23 15:00 request: wants the winter price list" in out
    assert fields(repo, "emily")["next"] == "2026-11-24T01:00" and fields(repo, "emily")["action"] == "reply"
    assert card_files(repo) == ["days/23/hans.md", "days/24/emily.md"]
    new = tk(
        repo, "request", "--new", "Zoe Quinn", "the order arrived damaged", today="2026-11-23 16:00"
    ).stdout
    assert "zoe-quinn: reply by Tue 24 Nov 02:00 (days/24/)" in new
    assert (
        git(repo, "log", "-1", "--format=%s").strip()
        == "tickler request: zoe-quinn (new) -> 2026-11-24 02:00"
    )
    day = tk(repo, "today", today="2026-11-23 17:00").stdout.splitlines()
    assert day[0].startswith("Monday 23 November 2026: 3 cards") and "2 open requests" in day[0]
    assert [line.split()[0:2] for line in day[2:5]] == [["8h", "left"], ["9h", "left"], ["today", "Hans"]]
    late = tk(repo, "today", today="2026-11-24 04:00").stdout.splitlines()
    assert late[2].split()[:3] == ["3h", "late", "Emily"] and late[3].split()[:3] == ["2h", "late", "Zoe"]
    agenda = tk(repo, "agenda", "--days", "2", today="2026-11-23 17:00")
    assert "2 requests" in agenda.stdout.splitlines()[1]
    counts = json.loads(tk(repo, "agenda", "--days", "2", "--json", today="2026-11-23 17:00").stdout)
    assert [c["count"] for c in counts] == [1, 2]  # the JSON keeps its shape: date, count, capacity
    tk(repo, "roll", today="2026-11-25 09:00")  # a late request stays late
    assert fields(repo, "emily")["next"] == "2026-11-24T01:00"
    tk(repo, "log", "emily", "sent it", "--kind", "reply", "--next", "2026-12-01", today="2026-11-25 09:05")
    after = tk(repo, "today", today="2026-11-25 09:10").stdout
    assert "1 open request" in after and "Emily" not in after


def test_reply_within_is_a_setting(repo: Path) -> None:
    (repo / "tickler.toml").write_text('reply_within = "2h"\n')
    write_card(repo, "cards", "emily", card_text("Emily Clark"))
    tk(repo, "request", "emily", "call me back", today="2026-11-23 09:30")
    assert fields(repo, "emily")["next"] == "2026-11-23T11:30"
    (repo / "tickler.toml").write_text('reply_within = "soon"\n')
    bad = tk(repo, "today", code=1)
    assert "'reply_within' must be a time like" in bad.stderr


def test_request_needs_its_words(repo: Path) -> None:
    assert "tickler request CARD TEXT" in tk(repo, "request", "only-one-word", code=2).stderr


# --------------------------------------------------------------------------- the calendar's end


@pytest.mark.parametrize("args", [["agenda"], ["today"], ["list", "week"], ["roll"], ["balance"], ["check"]])
def test_dates_near_the_end_of_the_calendar_are_an_error_not_a_traceback(repo: Path, args: list[str]) -> None:
    write_card(repo, "days/20", "emily", card_text("Emily Clark", "9999-12-20"))
    done = tk(repo, *args, today="9999-12-25", code=1)
    assert "out of range" in done.stderr and "9999-12-31" in done.stderr


def test_a_move_out_of_range_says_so(repo: Path) -> None:
    write_card(repo, "cards", "emily", card_text("Emily Clark"))
    done = tk(repo, "move", "emily", "+9999999d", code=1)
    assert "'+9999999d' is out of range: the calendar ends on 9999-12-31" in done.stderr
