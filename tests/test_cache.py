"""The cache is never the truth: stale, deleted, foreign or corrupt, the answers are the same."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, card_text, write_card

from tickler.cache import VERSION

QUERIES = [
    ("today", "--all", "--json"),
    ("check", "--json"),
    ("find", "ivan", "--json"),
    ("list", "--all", "--json"),
    ("agenda", "--all", "--days", "40", "--json"),
]


TEXT_QUERIES = [  # the birthday lines have no JSON form
    ("today", "--all"),
    ("today",),
    ("agenda", "--all", "--days", "10"),
]


def answers(run: Run) -> list[object]:
    return [json.loads(run(*q).stdout) for q in QUERIES] + [run(*q).stdout for q in TEXT_QUERIES]


@pytest.fixture
def filled(binder: Path) -> Path:
    log = "# Ivan\n\n## Log\n- 2026-11-05 call: first call\n"
    write_card(binder, "days/23", "ivan", card_text("Ivan Ivanov", "2026-11-23", "phone: +7 495 1", log))
    write_card(binder, "days/20", "ivanova", card_text("Olga Ivanova", "2026-11-20"))
    write_card(binder, "days/05", "misfiled", card_text("Ivan Misfiled", "2026-11-30"))
    write_card(binder, "months/02", "later", card_text("Later", "2027-02-01"))
    write_card(binder, "cards", "broken", "---\nname: [Ivan\n---\n")
    write_card(binder, "cards", "maria", "---\nname: Maria Birthday\nbirthday: 1980-11-25\n---\n")
    write_card(
        binder, "months/03", "oleg", card_text("Oleg Other", "2027-03-01", "birthday: --11-24\nowner: boris")
    )
    return binder


def cache_files(root: Path) -> list[Path]:
    """The folders' cache files (not the side files kept beside them)."""
    return sorted(p for p in (root / ".tickler" / "cache").glob("*") if p.is_file())


def test_the_cache_is_built_and_gives_the_same_answers(filled: Path, run: Run) -> None:
    cold = answers(run)
    assert cache_files(filled), "the commands keep a cache"
    assert answers(run) == cold
    shutil.rmtree(filled / ".tickler")
    assert answers(run) == cold


def test_an_edited_card_is_noticed(filled: Path, run: Run) -> None:
    answers(run)
    path = filled / "days/23/ivan.md"
    before = path.stat()
    path.write_text(path.read_text().replace("2026-11-23", "2026-11-24"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert [c["id"] for c in json.loads(run("today", "--all", "--json").stdout)] == ["ivanova"]
    problems = json.loads(run("check", "--json").stdout)
    assert any(p["path"] == "days/23/ivan.md" and p["kind"] == "misfiled" for p in problems)
    path.write_text(card_text("Renamed Person", "2026-11-23"))  # another size
    assert json.loads(run("find", "renamed", "--json").stdout)[0]["id"] == "ivan"
    assert all(c["id"] != "ivan" for c in json.loads(run("find", "ivan i", "--json").stdout))


def test_added_and_removed_cards_are_noticed(filled: Path, run: Run) -> None:
    answers(run)
    (filled / "days/20/ivanova.md").unlink()
    write_card(filled, "days/23", "new", card_text("New Ivan", "2026-11-23"))
    assert [c["id"] for c in json.loads(run("today", "--all", "--json").stdout)] == ["ivan", "new"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage\x00\xff",
        b"\xe3\x02\x00\x00\x00",
        None,
    ],  # empty, random, truncated marshal, another version
)
def test_a_corrupt_or_foreign_cache_is_ignored(filled: Path, run: Run, content: bytes | None) -> None:
    cold = answers(run)
    for path in cache_files(filled):
        if content is None:
            path.write_bytes(
                marshal.dumps({"version": 1, "cards": {"ivan.md": (1, 2, ("ok", "Fake", None))}})
            )
        else:
            path.write_bytes(content)
    assert answers(run) == cold


def read_cache(path: Path) -> dict[str, Any]:
    """A cache file's content: a CRC-32 of the rest, then marshal data."""
    raw = path.read_bytes()
    assert zlib.crc32(raw[4:]) == int.from_bytes(raw[:4], "big")
    return marshal.loads(raw[4:])  # type: ignore[no-any-return]


def write_cache(path: Path, data: object) -> None:
    payload = marshal.dumps(data)
    path.write_bytes(zlib.crc32(payload).to_bytes(4, "big") + payload)


def test_a_cache_entry_for_another_file_state_is_not_used(filled: Path, run: Run) -> None:
    answers(run)
    cache = next(p for p in cache_files(filled) if p.name.startswith("days-23.v"))
    data = read_cache(cache)
    stamp, size, _ = data["cards"]["ivan.md"]
    wrong = ("ok", "Wrong Name", "2026-11-23", None, "wrong", "", None, None)
    data["cards"]["ivan.md"] = (stamp, size + 1, wrong)
    write_cache(cache, data)
    assert json.loads(run("find", "wrong", "--json").stdout) == []
    assert "Wrong Name" not in run("today", "--all").stdout


@pytest.mark.parametrize(
    "damage",
    [
        lambda stamp, size, entry: (stamp, size, ("ok", 42, None)),  # a shape never written
        lambda stamp, size, entry: (stamp, size, (*entry[:7], ("a", "b"))),  # a short row
        lambda stamp, size, entry: (stamp, size, (*entry[:6], 19801123, *entry[7:])),  # a number
        lambda stamp, size, entry: (stamp, size, "ok"),
        lambda stamp, size, entry: 42,
    ],
)
def test_a_damaged_entry_in_a_whole_cache_file_is_read_again(
    filled: Path, run: Run, damage: Callable[..., object]
) -> None:
    cold = answers(run)
    for path in cache_files(filled):
        data = read_cache(path)
        data["cards"] = {name: damage(*hit) for name, hit in data["cards"].items()}
        write_cache(path, data)
    assert answers(run) == cold


def test_a_cache_file_that_fails_its_checksum_is_not_used(filled: Path, run: Run) -> None:
    cold = answers(run)
    cache = next(p for p in cache_files(filled) if p.name.startswith("days-23.v"))
    raw = bytearray(cache.read_bytes())
    at = raw.index(b"Ivan Ivanov")
    raw[at : at + 11] = b"Ivan Petrov"  # same length, still good marshal data
    cache.write_bytes(bytes(raw))
    assert answers(run) == cold
    assert "Ivan Petrov" not in run("today", "--all").stdout


def test_the_table_follows_an_edited_log(filled: Path, run: Run) -> None:
    def table(*args: str) -> str:  # the cards' lines (the header counts "first calls")
        return "\n".join(run(*args).stdout.splitlines()[1:])

    assert "first call" in table("today", "--all")
    assert "first call" in run("list", "--all").stdout
    path = filled / "days/23/ivan.md"
    before = path.stat()
    path.write_text(path.read_text().replace("first call", "third call"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    shown = table("today", "--all")
    assert "third call" in shown and "first call" not in shown
    assert "third call" in run("find", "ivan ivanov").stdout
    assert "third call" in run("list", "--all").stdout
    assert "third call" in run("list", "2026-11-23", "--all").stdout


def test_an_unwritable_cache_changes_nothing(filled: Path, run: Run) -> None:
    (filled / ".tickler").mkdir(exist_ok=True)
    (filled / ".tickler" / "cache").write_text("a file where the cache folder should be")
    assert answers(run) == answers(run)
    assert json.loads(run("today", "--all", "--json").stdout)[0]["id"] == "ivanova"


def test_birthdays_follow_edits_and_owners(filled: Path, run: Run) -> None:
    first = run("today", "--all").stdout
    assert "Maria Birthday (Wed 25 Nov, 46)" in first and "Oleg Other (Tue 24 Nov)" in first
    assert "Oleg Other" not in run("today").stdout, "boris's customer is not on anna's birthday line"
    path = filled / "cards/maria.md"
    before = path.stat()
    path.write_text(path.read_text().replace("1980-11-25", "1980-12-25"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert "Maria Birthday" not in run("today", "--all").stdout
    path.write_text("---\nname: Maria Renamed\nbirthday: 1980-11-23\n---\n")
    assert "Maria Renamed (today, 46)" in run("today", "--all").stdout


def test_the_cache_is_used_while_a_file_keeps_its_size_and_mtime(filled: Path, run: Run) -> None:
    """The key is (name, mtime_ns, size): a file that keeps both is not read again. (An edit
    changes the mtime; this test puts it back by hand to see that the cache answers.)"""
    run("find", "ivan")
    path = filled / "days/23/ivan.md"
    before = path.stat()
    path.write_text(path.read_text().replace("Ivan Ivanov", "Ivan Ivanow"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "Ivan Ivanov" in run("find", "ivan").stdout
    assert "Ivan Ivanow" not in run("find", "ivan").stdout
    (filled / ".tickler" / "cache").joinpath(f"days-23.v{VERSION}").unlink()
    assert "Ivan Ivanow" in run("find", "ivan").stdout


def test_dates_written_loosely_are_due_the_same(binder: Path, run: Run) -> None:
    """The cache keeps `next` in one normal form, so a date written with one-digit parts or with
    spaces inside quotes compares like any other."""
    write_card(binder, "days/09", "short", card_text("Short Date", "2026-11-9"))
    write_card(binder, "days/23", "spaced", card_text("Spaced Date", '" 2026-11-23 9:30 "'))
    write_card(binder, "days/24", "later", card_text("Not Yet", "2026-11-24"))
    for _ in range(2):  # cold, then from the cache
        shown = run("today", "--all").stdout
        assert "Short Date" in shown and "14d late" in shown
        assert "Spaced Date" in shown and "09:30" in shown
        assert "Not Yet" not in shown
        assert [c["id"] for c in json.loads(run("today", "--all", "--json").stdout)] == ["short", "spaced"]


def test_a_cold_listing_reads_each_card_once(filled: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """A card that must be read for its summary and for its table row is read once, not twice."""
    import tickler.cache

    reads: list[str] = []
    real = tickler.cache.read_card_text

    def counting(path: Any, rel: str) -> str:
        reads.append(rel)
        return real(path, rel)

    monkeypatch.setattr(tickler.cache, "read_card_text", counting)
    assert "Ivan Ivanov" in run("find", "ivan").stdout
    assert reads and len(reads) == len(set(reads))
    reads.clear()
    run("find", "ivan")
    assert reads == []  # and the second time not at all


def test_find_passes_over_folders_that_cannot_match(
    filled: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """find asks each folder's search view first; a folder is walked card by card only when its
    texts could match or a file in it changed since, so every hand edit is still found."""
    from tickler.cache import Index

    walked: list[str] = []
    real = Index.entries

    def counting(self: Index, folders: Any, **kwargs: Any) -> Any:
        walked.extend(folders)
        return real(self, folders, **kwargs)

    monkeypatch.setattr(Index, "entries", counting)
    run("find", "ivan")  # the first pass makes the views
    walked.clear()
    assert [c["id"] for c in json.loads(run("find", "olga", "--json").stdout)] == ["ivanova"]
    assert walked == ["cards", "days/20"]  # cards/ holds a card that cannot be read: reported each time
    walked.clear()
    later = filled / "months/02/later.md"
    later.write_text(card_text("Later Olga", "2027-02-01"))  # typed by hand: the folder changed
    assert sorted(c["id"] for c in json.loads(run("find", "olga", "--json").stdout)) == ["ivanova", "later"]
    assert "months/02" in walked
    (filled / "days/20/extra.md").write_text("---\nname: [Olga\n---\n")  # unreadable: reported
    shown = run("find", "nobody-has-this")
    assert "days/20/extra.md" in shown.stdout + shown.stderr
    phone = run("find", "+7 495 1", "--json")
    assert [c["id"] for c in json.loads(phone.stdout)] == ["ivan"]


# --------------------------------------------------------------------------- the birthday line's view


def test_a_birthday_set_by_a_command_shows_at_once(binder: Path, run: Run) -> None:
    """Every command that changes the binder brings the birthday view of what it touched up to
    date, also in a folder that today never goes through (cards/)."""
    assert "Birthdays" not in run("today").stdout
    assert run("new", "Zoe Quinn", "--set", "birthday=--11-25").exit_code == 0
    assert "Birthdays: Zoe Quinn (Wed 25 Nov)" in run("today").stdout
    assert run("move", "zoe", "5 jul").exit_code == 0  # into months/07 and out of cards/
    assert "Birthdays: Zoe Quinn (Wed 25 Nov)" in run("today").stdout


def test_a_birthday_changed_by_hand(filled: Path, run: Run) -> None:
    """A card the view lists is asked whether it changed: an edit shows at once. A birthday typed
    into a card the view does not list yet shows after the next pass over its folder."""
    run("today", "--all")
    maria = filled / "cards/maria.md"
    maria.write_text(maria.read_text().replace("birthday: 1980-11-25\n", ""))
    oleg = filled / "months/03/oleg.md"
    oleg.write_text(oleg.read_text().replace("Oleg Other", "Oleg Renamed"))
    shown = run("today", "--all").stdout
    assert "Maria" not in shown and "Oleg Renamed (Tue 24 Nov)" in shown
    later = filled / "months/02/later.md"
    later.write_text(card_text("Later", "2027-02-01", "birthday: --11-26"))
    assert "Later" not in run("today", "--all").stdout  # not seen yet
    run("check")  # as roll and sync do (and watch as files are saved), it goes through every folder
    assert "Later (Thu 26 Nov)" in run("today", "--all").stdout


# --------------------------------------------------------------------------- the reports' ledger

REPORTS = [
    ("report", "pareto", "--all-time", "--json"),
    ("report", "lapsed", "--json"),
    ("report", "segments", "--json"),
    ("report", "segments", "--matrix", "--json"),
    ("report", "activity", "--since", "2020-01-01", "--json"),
    ("report", "pareto", "--all-time"),  # the text forms come from the ledger alone
    ("report", "segments"),
    ("report", "activity", "--since", "2020-01-01"),
]


@pytest.fixture
def buyers(filled: Path) -> Path:
    log = (
        "## Log\n- 2025-01-10 purchase 1200: boxes\n- 2025-06-01 purchase 800: more\n"
        "- 2026-10-01 14:30 purchase 300.50: fewer\n- not an entry\n- 2026-11-02 call: thanked\n"
    )
    extra = "owner: anna\ntags: [vip]\ncadence: letter every 3 months"
    write_card(filled, "days/25", "bea", card_text("Bea Buyer", "2026-11-25", extra, log))
    log = "## Log\n- 2024-02-01 purchase 500: once\n- 2024-05-01 purchase 400: twice\n- 2024-08-01 call: no\n"
    write_card(filled, "cards", "lars", card_text("Lars Lapsed", None, "owner: boris", log))
    return filled


def report_answers(run: Run) -> list[tuple[str, str]]:
    return [(r.stdout, r.stderr) for r in (run(*q) for q in REPORTS)]


def ledger_files(root: Path) -> list[Path]:
    return sorted((root / ".tickler" / "cache" / "ledger").glob("*"))


def test_reports_are_the_same_from_the_ledger_and_without_it(buyers: Path, run: Run) -> None:
    cold = report_answers(run)
    assert "Bea Buyer" in cold[0][0] and "Lars Lapsed" in cold[1][0]
    assert "days/25/bea.md:" in cold[0][1]  # the malformed Log line is named, warm or cold
    assert ledger_files(buyers), "the reports keep a ledger"
    assert report_answers(run) == cold
    shutil.rmtree(buyers / ".tickler")
    assert report_answers(run) == cold


@pytest.mark.parametrize(
    "damage",
    [
        lambda hit: (hit[0], hit[1], ("ok", 42)),  # a shape never written
        lambda hit: (hit[0], hit[1], ("ok", "Name", None, None, "not tags", None, (), ())),
        lambda hit: (hit[0], hit[1] + 1, hit[2]),  # another file state
        lambda hit: "ok",
    ],
)
def test_a_damaged_ledger_is_read_again(buyers: Path, run: Run, damage: Callable[..., object]) -> None:
    cold = report_answers(run)
    for path in ledger_files(buyers):
        data = read_cache(path)
        data["cards"] = {name: damage(hit) for name, hit in data["cards"].items()}
        write_cache(path, data)
    assert report_answers(run) == cold
    for path in ledger_files(buyers):
        path.write_bytes(b"garbage")
    assert report_answers(run) == cold


def test_reports_follow_a_log_edited_by_hand(buyers: Path, run: Run) -> None:
    run("report", "pareto", "--all-time")
    card = buyers / "cards/lars.md"
    card.write_text(card.read_text() + "- 2026-11-20 purchase 99000: a big order\n")
    ranked = json.loads(run("report", "pareto", "--all-time", "--json").stdout)
    assert ranked[0]["id"] == "lars" and ranked[0]["value"] == 99900.0
    assert all(c["id"] != "lars" for c in json.loads(run("report", "lapsed", "--json").stdout))


def test_a_warm_report_reads_no_card(buyers: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The text reports read each card once to make the ledger, then not at all while the files
    are unchanged; --json reads the cards it lists, for their every field."""
    import tickler.cache

    reads: list[str] = []
    real = tickler.cache.read_card_text

    def counting(path: Any, rel: str) -> str:
        reads.append(rel)
        return real(path, rel)

    monkeypatch.setattr(tickler.cache, "read_card_text", counting)
    run("report", "segments")
    assert "days/25/bea.md" in reads
    reads.clear()
    assert "Bea Buyer" in run("report", "segments").stdout
    assert "Bea Buyer" in run("report", "pareto", "--all-time").stdout
    assert reads == []
