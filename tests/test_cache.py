"""The cache is never the truth: stale, deleted, foreign or corrupt, the answers are the same."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import Run, card_text, write_card

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
    write_card(binder, "days/23", "ivan", card_text("Ivan Ivanov", "2026-11-23", "phone: +7 495 1"))
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
    return sorted((root / ".tickler" / "cache").glob("*"))


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
            import marshal

            path.write_bytes(
                marshal.dumps({"version": 1, "cards": {"ivan.md": (1, 2, ("ok", "Fake", None))}})
            )
        else:
            path.write_bytes(content)
    assert answers(run) == cold


def test_a_cache_entry_for_another_file_state_is_not_used(filled: Path, run: Run) -> None:
    import marshal

    answers(run)
    cache = next(p for p in cache_files(filled) if p.name.startswith("days-23.v"))
    data = marshal.loads(cache.read_bytes())
    stamp, size, _ = data["cards"]["ivan.md"]
    data["cards"]["ivan.md"] = (
        stamp,
        size + 1,
        ("ok", "Wrong Name", "2026-11-23", None, ("wrong",), (), None),
    )
    cache.write_bytes(marshal.dumps(data))
    assert json.loads(run("find", "wrong", "--json").stdout) == []
    data["cards"]["ivan.md"] = (stamp, size, ("ok", 42, None))  # a shape this version never writes
    cache.write_bytes(marshal.dumps(data))
    assert [c["id"] for c in json.loads(run("find", "ivan ivanov", "--json").stdout)] == ["ivan"]


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


def test_a_corrupt_birthday_cache_is_ignored(filled: Path, run: Run) -> None:
    import marshal

    cold = answers(run)
    for path in cache_files(filled):
        if ".birthdays." in path.name:
            data = marshal.loads(path.read_bytes())
            path.write_bytes(marshal.dumps({k: (*v[:2], "--11-23", 42, None) for k, v in data.items()}))
    assert answers(run) == cold
    for path in cache_files(filled):
        if ".birthdays." in path.name:
            path.write_bytes(b"\x00garbage")
    assert answers(run) == cold
