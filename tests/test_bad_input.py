"""Malformed cards never stop a listing; commands that would change them refuse and change nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import Run, card_text, snapshot, write_card

BROKEN = {
    "no-front-matter": ("Just some notes about a customer.\n", 1, "no front matter"),
    "broken-yaml": ("---\nname: Broken\ncompany: [unclosed\n---\n", 3, "not valid YAML"),
    "no-name": ("---\ncompany: Nameless Ltd\nnext: 2026-11-23\n---\n", None, "has no 'name:'"),
    "bad-date": ("---\nname: Bad Date\nnext: 2026-02-30\n---\n", 3, "February 2026 has 28 days"),
    "list-date": ("---\nname: List Date\nnext: [2026-11-23, 2026-11-24]\n---\n", 3, "must be a date"),
    "empty": ("", 1, "no front matter"),
}


@pytest.fixture
def broken_binder(binder: Path) -> Path:
    for card_id, (text, _, _) in BROKEN.items():
        write_card(binder, "days/23", card_id, text)
    (binder / "days/23/not-utf8.md").write_bytes(b"---\nname: \xff\xfe\n---\n")
    write_card(binder, "days/23", "good", card_text("Good Customer", "2026-11-23"))
    return binder


def test_today_warns_and_shows_the_good_cards(broken_binder: Path, run: Run) -> None:
    result = run("today")
    assert result.exit_code == 0
    assert "Good Customer" in result.stdout
    for card_id, (_, line, message) in BROKEN.items():
        where = f"days/23/{card_id}.md" + (f":{line}" if line else "")
        assert f"tickler: warning: {where}: " in result.stderr, card_id
        assert message in result.stderr
    assert "days/23/not-utf8.md:2: is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr
    assert [c["id"] for c in json.loads(run("today", "--json").stdout)] == ["good"]


def test_check_reports_each_with_file_and_line_and_fails(broken_binder: Path, run: Run) -> None:
    result = run("check")
    assert result.exit_code == 1
    assert "malformed: days/23/bad-date.md:3: 'next': '2026-02-30' is not a real date" in result.stdout
    assert "malformed: days/23/broken-yaml.md:3: the front matter is not valid YAML" in result.stdout
    assert result.stdout.count("malformed: ") == len(BROKEN) + 1
    before = snapshot(broken_binder)
    fixed = run("check", "--fix")
    assert fixed.exit_code == 1
    assert snapshot(broken_binder) == before  # nothing to fix that is safe to fix


@pytest.mark.parametrize("card_id", [*BROKEN, "not-utf8"])
@pytest.mark.parametrize(
    "command",
    [
        ("move", "{id}", "2026-12-01"),
        ("log", "{id}", "called"),
        ("park", "{id}"),
        ("log", "{id}", "x", "--next", "2026-12-01"),
    ],
)
def test_changing_a_malformed_card_refuses_and_leaves_it_byte_identical(
    broken_binder: Path, run: Run, card_id: str, command: tuple[str, ...]
) -> None:
    before = snapshot(broken_binder)
    result = run(*(part.format(id=card_id) for part in command))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"tickler: error: days/23/{card_id}.md")
    assert snapshot(broken_binder) == before


def test_roll_skips_a_malformed_card_and_rolls_the_rest(binder: Path, run: Run) -> None:
    write_card(binder, "days/20", "broken", "---\nname: X\nnext: 2026-11-31\n---\n")
    write_card(binder, "days/20", "late", card_text("Late", "2026-11-20"))
    before = (binder / "days/20/broken.md").read_bytes()
    result = run("roll")
    assert result.exit_code == 0
    assert "days/20/broken.md:3" in result.stderr and "left as it is" in result.stderr
    assert (binder / "days/20/broken.md").read_bytes() == before
    assert (binder / "days/23/late.md").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("move", "good", "2026-02-30"), "WHEN: '2026-02-30' is not a real date: February 2026 has 28 days"),
        (("move", "good", "2026-12-05 24:10"), "impossible time of day"),
        (("move", "good", "someday"), "WHEN: 'someday' is not a date"),
        (("log", "good", "x", "--next", "2026-13-01"), "--next: '2026-13-01' is not a real date"),
        (("new", "Someone", "--next", "31.02.2026"), "--next: '31.02.2026' is not a date"),
        (("log", "good", "x", "--amount", "lots"), "'lots' is not an amount"),
        (("move", "../../etc/passwd", "2026-12-01"), "outside the binder"),
        (("move", "/etc/passwd", "2026-12-01"), "outside the binder"),
        (("show", "../x"), "outside the binder"),
        (("move", "tickler.toml", "2026-12-01"), "no card 'tickler.toml'"),
        (("show", "good\x1b[31m"), "control characters"),
        (("show", ".."), "not a card id"),
        (("new", "Some\x07one"), "control characters"),
        (("new", "   "), "a card needs a name"),
    ],
)
def test_bad_arguments_are_refused_with_nothing_changed(
    binder: Path, run: Run, args: tuple[str, ...], message: str
) -> None:
    write_card(binder, "days/23", "good", card_text("Good", "2026-11-23"))
    before = snapshot(binder)
    result = run(*args)
    assert result.exit_code == 1, result
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(binder) == before


def test_a_bad_pinned_clock_is_named(binder: Path, run: Run) -> None:
    result = run("today", today="2026-11-31")
    assert result.exit_code == 1
    assert "TICKLER_TODAY: '2026-11-31' is not a real date" in result.stderr


def test_a_symlink_out_of_the_binder_is_never_followed(binder: Path, tmp_path: Path, run: Run) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(card_text("Secret", "2026-11-23"))
    os.symlink(secret, binder / "days/23/secret.md")
    result = run("today", "--json")
    assert json.loads(result.stdout) == []
    assert "symbolic link" in result.stderr
    assert run("move", "secret", "2026-12-01").exit_code == 1
    assert secret.read_text() == card_text("Secret", "2026-11-23")
    assert "symlink: days/23/secret.md" in run("check").stdout


def test_a_folder_named_like_a_card(binder: Path, run: Run) -> None:
    (binder / "days/23/folder.md").mkdir()
    write_card(binder, "days/23", "good", card_text("Good", "2026-11-23"))
    result = run("today", "--json")
    assert [c["id"] for c in json.loads(result.stdout)] == ["good"]
    assert "days/23/folder.md: is a folder" in result.stderr


def test_usage_errors_exit_2(binder: Path, run: Run) -> None:
    assert run("move", "only-one-arg").exit_code == 2
    assert run("today", "--no-such-option").exit_code == 2
    assert run("new", "X", "--set", "novalue").exit_code == 2
