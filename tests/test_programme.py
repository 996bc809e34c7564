"""The retail programme on hand-built binders: loyalty points, the return of letter campaigns and
how fast each rep answers requests. Every expected number is worked out by hand in the comments."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import Run, card_text, installed_tickler, snapshot, write_card

from tickler.setup import init_binder

TICKLER = installed_tickler()
needs_command = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")

LOYALTY = '[loyalty]\npoints_per = 100\nreward_at = 500\nreward = "10% voucher"\n'


def tk(
    root: Path, *args: str, today: str = "2026-11-23 10:00", code: int = 0
) -> subprocess.CompletedProcess[str]:
    assert TICKLER is not None
    env = {**os.environ, "TICKLER_TODAY": today, "COLUMNS": "200"}
    done = subprocess.run([TICKLER, "--binder", str(root), *args], capture_output=True, text=True, env=env)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def customer(root: Path, card_id: str, entries: list[str], extra: str = "", folder: str = "cards") -> None:
    body = f"# {card_id}\n\n## Log\n" + "".join(f"- {e}\n" for e in entries)
    write_card(root, folder, card_id, card_text(card_id.title(), None, extra, body))


def rows(result) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(result.stdout)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- loyalty


@pytest.fixture
def shoppers(binder: Path) -> Path:
    (binder / "tickler.toml").write_text(LOYALTY)
    customer(
        binder,
        "olga",
        [
            "2026-01-31 purchase 30050.00: coat",  # 300 points (the 50.00 earns none)
            "2026-02-28 purchase 19999.99: boots",  # 199
            "2026-03-31 purchase 150.00: scarf",  # 1: each purchase on its own,
            "2026-03-31 purchase 150.00: gloves",  # 1: so 150 + 150 earn 2, not 3
            "2026-04-30 reward 500: 10% voucher",  # 501 earned, 500 redeemed
            "2026-06-30 purchase 52000.00: sofa",  # 520: 1021 earned
            "2026-07-31 reward 500: 10% voucher",  # redeemed twice: 1000; 21 left
        ],
    )
    customer(binder, "hans", ["2026-10-31 purchase 50000.00: order"])  # 500: exactly reward_at, ready
    customer(
        binder,
        "rita",
        ["2026-09-30 purchase 60000.00: kitchen", "2026-10-15 purchase -150.00: returned a pan"],
    )  # 600 - 1 = 599
    customer(
        binder, "light", ["2026-05-01 purchase 99.99: socks", "2026-05-02 reward: asked for a voucher"]
    )  # 0 points; the reward without points is warned about and left out
    customer(binder, "prospect", ["2026-11-01 call: interested"])  # no purchase: not in the programme
    return binder


def test_points_earned_redeemed_and_ready(shoppers: Path, run: Run) -> None:
    result = run("report", "loyalty", "--json")
    assert result.exit_code == 0, result
    found = [(r["id"], r["points"], r["earned"], r["redeemed"], r["reward_ready"]) for r in rows(result)]
    assert found == [
        ("rita", 599, 599, 0, True),
        ("hans", 500, 500, 0, True),
        ("olga", 21, 1021, 1000, False),
        ("light", 0, 0, 0, False),
    ]
    assert "cards/light.md:8: a reward redeems a whole number of points" in result.stderr
    assert list(rows(result)[0])[-4:] == ["points", "earned", "redeemed", "reward_ready"]
    assert run("report", "loyalty").stdout.splitlines() == [
        "Loyalty: a point for each 100.00 spent; 10% voucher at 500 points",
        "4 customers with points, 2 with a reward ready",
        "  NAME   POINTS  EARNED  REDEEMED  REWARD",
        "  Rita   599     599     0         ready",
        "  Hans   500     500     0         ready",
        "  Olga   21      1021    1000      479 to go",
        "  Light  0       0       0         500 to go",
    ]
    table = run("report", "loyalty", "--csv").stdout.splitlines()
    assert table[0] == "id,name,company,phone,email,owner,points,earned,redeemed,reward_ready"
    assert table[1] == "rita,Rita,,,,,599,599,0,True"


def test_letters_tell_the_customers_with_a_reward_ready(shoppers: Path, run: Run, tmp_path: Path) -> None:
    template = tmp_path / "reward.md"
    template.write_text("Dear {first_name}, your {points} points make {reward} yours.\n")
    out = tmp_path / "letters"
    result = run("letters", str(template), "--out", str(out), "--segment", "reward-ready")
    assert result.exit_code == 0, result
    assert sorted(p.name for p in out.iterdir()) == ["hans.md", "rita.md"]
    assert (out / "rita.md").read_text() == "Dear Rita, your 599 points make 10% voucher yours.\n"
    unknown = run("letters", str(template), "--out", str(out), "--segment", "golden")
    assert unknown.exit_code == 1 and "infrequent light buyers, lapsed, reward-ready)" in unknown.stderr


@needs_command
def test_a_reward_redeems_points_never_more_than_the_balance(tmp_path: Path) -> None:
    root = tmp_path / "binder"
    init_binder(root)
    (root / "tickler.toml").write_text(LOYALTY)
    customer(root, "olga", ["2026-10-31 purchase 52100.00: sofa"])  # 521 points
    git(root, "add", "-A")
    git(root, "commit", "-qm", "cards")
    done = tk(root, "log", "olga", "10% voucher", "--kind", "reward", "--amount", "500")
    assert done.stdout == "olga: - 2026-11-23 10:00 reward 500: 10% voucher\n"
    assert git(root, "log", "-1", "--format=%s").strip() == "tickler log: olga"
    before, head = snapshot(root), git(root, "rev-parse", "HEAD")
    again = tk(root, "log", "olga", "another", "--kind", "reward", "--amount", "22", code=1)
    assert "olga has 21 points (521 earned, 500 redeemed): not enough to redeem 22" in again.stderr
    for amount in ("2.5", "0", "-3"):
        bad = tk(root, "log", "olga", "x", "--kind", "reward", "--amount", amount, code=1)
        assert "a reward redeems points: give them as a whole number" in bad.stderr
    assert "give them as a whole number" in tk(root, "log", "olga", "x", "--kind", "reward", code=1).stderr
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head
    tk(root, "log", "olga", "the rest", "--kind", "reward", "--amount", "21")  # to zero, not below
    assert rows(tk(root, "report", "loyalty", "--json"))[0]["points"] == 0
    (root / "tickler.toml").write_text("")
    off = tk(root, "report", "loyalty", code=1)
    assert "tickler.toml: there is no loyalty programme yet: set [loyalty] points_per" in off.stderr
    assert (
        "no loyalty programme"
        in tk(root, "log", "olga", "x", "--kind", "reward", "--amount", "1", code=1).stderr
    )


@pytest.mark.parametrize(
    "settings,message",
    [
        ("[loyalty]\npoints_per = inf\nreward_at = 5\n", "'loyalty.points_per' must be a positive amount"),
        ("[loyalty]\npoints_per = nan\nreward_at = 5\n", "'loyalty.points_per' must be a positive amount"),
        ("[loyalty]\npoints_per = 0\nreward_at = 5\n", "'loyalty.points_per' must be a positive amount"),
        ("[loyalty]\npoints_per = -100\nreward_at = 5\n", "'loyalty.points_per' must be a positive amount"),
        ('[loyalty]\npoints_per = "100"\nreward_at = 5\n', "'loyalty.points_per' must be a positive amount"),
        (
            "[loyalty]\npoints_per = 100\nreward_at = 0\n",
            "'loyalty.reward_at' must be a whole number of points",
        ),
        ("[loyalty]\npoints_per = 100\nreward_at = 2.5\n", "'loyalty.reward_at' must be a whole number"),
        ("[loyalty]\npoints_per = 100\nreward_at = inf\n", "'loyalty.reward_at' must be a whole number"),
        ("[loyalty]\npoints_per = 100\n", "'loyalty.reward_at' is missing: the programme needs it"),
        (
            "[loyalty]\npoints_per = 100\nreward_at = 5\nreward = 3\n",
            "'loyalty.reward' must be a line of text",
        ),
        ("[loyalty]\npoints_per = 100\nreward_at = 5\nstamps = 1\n", "'loyalty' has unknown keys ['stamps']"),
        ("loyalty = 5\n", "'loyalty' must be a table"),
    ],
)
def test_loyalty_settings_are_checked(binder: Path, run: Run, settings: str, message: str) -> None:
    (binder / "tickler.toml").write_text(settings)
    result = run("report", "loyalty")
    assert result.exit_code == 1
    assert f"tickler.toml: {message}" in result.stderr


# --------------------------------------------------------------------------- campaigns


@needs_command
def test_campaigns_and_their_return_across_month_ends(tmp_path: Path) -> None:
    root = tmp_path / "binder"
    init_binder(root)
    for card_id, tags in (("anna", "[retail, series]"), ("boris", "[retail, series]"), ("clara", "[retail]")):
        customer(root, card_id, [], extra=f"tags: {tags}")
    template = tmp_path / "spring.md"
    template.write_text("Dear {first_name}, spring is here.\n")
    winter = tmp_path / "winter.md"
    winter.write_text("Dear {first_name}, winter is coming.\n")
    letters = tmp_path / "letters"
    git(root, "add", "-A")
    git(root, "commit", "-qm", "cards")

    def letter(path: Path, tag: str, day: str) -> None:
        tk(root, "letters", str(path), "--out", str(letters), "--tag", tag, "--log", today=day)

    def buy(card: str, amount: str, day: str) -> None:
        tk(root, "log", card, "order", "--amount", amount, today=day)

    letter(template, "retail", "2026-01-31 09:00")  # counts purchases from 1 February to 2 March
    assert git(root, "log", "-1", "--format=%s").strip() == "tickler letters: spring, 3 cards"
    buy("anna", "500.00", "2026-01-31 17:00")  # the letter's own day: no response
    buy("clara", "100.00", "2026-02-01 10:00")  # the first day after
    buy("clara", "250.50", "2026-02-15 10:00")
    letter(template, "series", "2026-02-28 09:00")  # the next in the series: 1 to 30 March
    buy("anna", "1200.00", "2026-03-02 10:00")  # day 30 after the first letter, day 2 after the second
    buy("boris", "700.00", "2026-03-03 10:00")  # day 31 after the first: too late for it
    letter(winter, "retail", "2026-11-20 09:00")
    found = rows(tk(root, "report", "campaigns", "--json"))
    assert found == [
        # anna 1200.00 and clara 350.50 of three
        {
            "campaign": "spring",
            "date": "2026-01-31",
            "sent": 3,
            "responded": 2,
            "rate": 0.6667,
            "revenue": 1550.5,
        },
        # anna 1200.00 (again) and boris 700.00 of two
        {
            "campaign": "spring",
            "date": "2026-02-28",
            "sent": 2,
            "responded": 2,
            "rate": 1.0,
            "revenue": 1900.0,
        },
        {"campaign": "winter", "date": "2026-11-20", "sent": 3, "responded": 0, "rate": 0.0, "revenue": 0.0},
    ]
    one_day = rows(tk(root, "report", "campaigns", "--days", "1", "--json"))
    assert [(c["responded"], c["rate"], c["revenue"]) for c in one_day] == [
        (1, 0.3333, 100.0),  # clara on 1 February only
        (0, 0.0, 0.0),  # nobody on 1 March
        (0, 0.0, 0.0),
    ]
    text = tk(root, "report", "campaigns").stdout.splitlines()
    assert text == [
        "Letters and the purchases within 30 days after them",
        "  CAMPAIGN  DATE        SENT  RESPONDED  RATE         REVENUE",
        "  spring    2026-01-31  3     2          66.7%        1,550.50",
        "  spring    2026-02-28  2     2          100.0%       1,900.00",
        "  winter    2026-11-20  3     0          0.0% so far  0.00",
    ]
    csv_lines = tk(root, "report", "campaigns", "--csv").stdout.splitlines()
    assert csv_lines[:2] == [
        "campaign,date,sent,responded,rate,revenue",
        "spring,2026-01-31,3,2,0.6667,1550.50",
    ]
    assert "--days" in tk(root, "report", "campaigns", "--days", "0", code=2).stderr


# --------------------------------------------------------------------------- reply times


@needs_command
def test_reply_times_per_rep(tmp_path: Path) -> None:
    binder = tmp_path / "binder"
    init_binder(binder)

    def run(*args: str, today: str) -> subprocess.CompletedProcess[str]:
        return tk(binder, *args, today=today)

    def rep_card(card_id: str, owner: str, entries: list[str]) -> None:
        customer(binder, card_id, entries, extra=f"owner: {owner}")

    rep_card("a0", "anna", ["2026-10-30 09:00 request: before the period", "2026-10-30 20:00 reply: x"])
    rep_card("a1", "anna", ["2026-11-02 09:00 request: price?", "2026-11-02 11:00 reply: sent"])  # 2h
    rep_card(
        "a2",
        "anna",
        [  # tickler's own entry is no answer: the call 10 hours later is, just in time
            "2026-11-09 15:00 request: delivery?",
            "2026-11-09 16:00 rolled: from 2026-11-08",
            "2026-11-10 01:00 call: spoke",
        ],
    )
    rep_card(
        "a3",
        "anna",
        [  # a second request answers nothing: one email answers both, 24h and 23h late
            "2026-11-16 08:00 request: complaint",
            "2026-11-16 09:00 request: again",
            "2026-11-17 08:00 email: sorry",
        ],
    )
    rep_card("a4", "anna", ["2026-11-23 11:00 request: call me"])  # open, due by 21:00: not late yet
    rep_card("a5", "anna@firm.example", ["2026-11-20 09:00 request: waiting"])  # open since, late
    rep_card(
        "b1",
        "boris",
        [
            "2026-11-03 10:00 request: a",
            "2026-11-03 10:30 note: told him",
            "2026-11-05 09:00 request: b",
            "2026-11-05 15:00 reply: ok",
        ],
    )
    rep_card(
        "b2", "boris", ["2026-11-11 14:00 request: c", "2026-11-12 reply: by post"]
    )  # no time: from 00:00, 10h
    customer(binder, "n1", ["2026-11-05 call: hello"])
    found = rows(run("report", "activity", "--since", "2026-11-01", "--json", today="2026-11-23 12:00"))
    requests = {r["owner"]: r["requests"] for r in found}
    assert requests == {
        # answered after 2, 10, 24 and 23 hours: median (10 + 23) / 2; in time 2 of 5 whose time is up
        "anna": {"answered": 4, "open": 2, "late": 3, "median_hours": 16.5, "within": 0.4},
        # after 0.5, 6 and 10 hours: the median is the middle one; all in time
        "boris": {"answered": 3, "open": 0, "late": 0, "median_hours": 6.0, "within": 1.0},
        None: {"answered": 0, "open": 0, "late": 0, "median_hours": None, "within": None},
    }
    later = rows(run("report", "activity", "--since", "2026-11-01", "--json", today="2026-11-23 22:00"))
    assert later[0]["requests"]["late"] == 4 and later[0]["requests"]["within"] == pytest.approx(
        2 / 6, abs=1e-4
    )
    (binder / "tickler.toml").write_text('reply_within = "1d"\n')
    wider = rows(run("report", "activity", "--since", "2026-11-01", "--json", today="2026-11-23 12:00"))
    # 24h is within a day now, 23h too; a5 waits 51h: still late
    assert wider[0]["requests"] == {"answered": 4, "open": 2, "late": 1, "median_hours": 16.5, "within": 0.8}
    table = run("report", "activity", "--since", "2026-11-01", today="2026-11-23 12:00").stdout
    assert "4 answered, 2 open, 1 late; median 16.5h; 80% in time" in table
    csv_lines = run("report", "activity", "--since", "2026-11-01", "--csv", today="2026-11-23 12:00").stdout
    header, anna = csv_lines.splitlines()[:2]
    assert header.endswith(
        "requests_answered,requests_open,requests_late,requests_median_hours,requests_within"
    )
    assert anna.endswith(",4,2,1,16.5,0.8")
