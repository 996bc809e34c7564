"""The sample binder at the top of the repository: what `tickler today` opens in a fresh clone."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, Run, snapshot

from tickler.binder import Binder
from tickler.forms import FORMS, form_text


def test_the_sample_binder_is_true_on_the_day_it_was_filed(run: Run) -> None:
    result = run("check", root=REPO, today="2026-11-23")
    assert result.exit_code == 0, result


@pytest.mark.parametrize(
    "today", ["2026-11-23", "2026-11-24", "2026-12-01", "2027-01-15", "2027-08-30", "2031-02-03"]
)
def test_today_shows_a_real_day_whatever_the_date_and_changes_nothing(run: Run, today: str) -> None:
    before = snapshot(REPO / "days") | snapshot(REPO / "months") | snapshot(REPO / "cards")
    result = run("today", root=REPO, today=today)
    assert result.exit_code == 0, result
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "nothing due" not in lines[0] and len(lines) >= 3, result.stdout
    assert snapshot(REPO / "days") | snapshot(REPO / "months") | snapshot(REPO / "cards") == before


def test_the_sample_binder_has_what_the_readme_promises() -> None:
    binder = Binder(REPO)
    scan = binder.scan()
    assert scan.problems == []
    cards = scan.cards
    assert 10 <= len(cards) <= 16
    names = [f.card.name for f in cards]
    assert any(any("а" <= ch <= "я" for ch in n.lower()) for n in names)  # Cyrillic
    assert any(n.isascii() for n in names)  # Latin
    assert any(f.folder.startswith("months/") for f in cards)
    assert any(f.folder == "cards" for f in cards)
    assert any(f.card.get("birthday") for f in cards)
    assert any(f.card.get("company") for f in cards) and any(not f.card.get("company") for f in cards)
    kinds = {e.kind for f in cards for e in f.card.log()[0]}
    assert {"call", "purchase"} <= kinds
    assert all(f.card.log()[1] == [] for f in cards)


def test_the_sample_templates_are_the_shipped_forms() -> None:
    assert sorted(p.name for p in (REPO / "templates").glob("*.md")) == sorted(FORMS)
    for name in FORMS:
        assert (REPO / "templates" / name).read_text(encoding="utf-8") == form_text(name)


def test_the_sample_shows_anna_her_day_and_hides_boris_card(run: Run) -> None:
    mine = json.loads(run("today", "--json", root=REPO).stdout)
    everyone = json.loads(run("today", "--all", "--json", root=REPO).stdout)
    assert {c["owner"] for c in mine} == {"anna"}
    assert "boris" in {c["owner"] for c in everyone}


def test_the_package_carries_the_repository_sample_for_init_sample() -> None:
    """The repository's sample binder is the source; tickler/sample/ is the copy an installed
    tickler makes `init --sample` from. After editing the sample, copy its cards over:
    cp cards/*.md days/*/*.md months/*/*.md tickler/sample/"""
    from tickler.sample_binder import SAMPLE_DAY, sample_cards, sample_settings

    binder = Binder(REPO)
    repository = {f.id: f.card.text for f in binder.scan().cards}
    assert dict(sample_cards()) == repository
    assert SAMPLE_DAY.isoformat() == "2026-11-23"  # the day test_the_sample_binder_is_true_on... checks
    ours = (REPO / "tickler.toml").read_text(encoding="utf-8").splitlines()
    theirs = sample_settings().splitlines()
    assert [line for line in ours if not line.startswith("autocommit")] == [
        line for line in theirs if not line.startswith("autocommit")
    ]
    assert "autocommit = false" in ours[5] and "autocommit = true" in theirs[5]


def test_the_package_data_holds_the_sample_and_the_forms() -> None:
    """An installed wheel has no repository: what init and init --sample read is package data."""
    import fnmatch
    import tomllib

    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "tickler"
    ]
    data = [p.relative_to(REPO / "tickler").as_posix() for p in (REPO / "tickler" / "sample").iterdir()]
    data += [f"forms/{name}" for name in FORMS]
    assert [name for name in data if not any(fnmatch.fnmatch(name, g) for g in globs)] == []
