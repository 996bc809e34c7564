"""`today`, `list`, `find` and `agenda` on terminals from a phone's 40 columns to a wide 160, run
through the installed command in a real pseudo-terminal of that size: no printed line is wider
than the terminal, and every due card's whole name and phone are there, whatever the script."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import card_text, installed_tickler, write_card
from hypothesis import given
from hypothesis import strategies as st
from terminal import in_terminal, terminal_env

from tickler.render import display_width, wrap
from tickler.setup import init_binder

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")
WIDTHS = (40, 60, 80, 160)
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# (id, folder, name, phone, company, the last Log entry)
DUE = [
    (
        "maximilian",
        "days/18",
        "Maximilian Alexander von Hohenzollern-Sigmaringen",
        "+49 30 1234 5678",
        "Hohenzollern Maschinenbau und Handelsgesellschaft mbH",
        "2026-11-10 call: asked for the full catalogue with the winter prices and delivery terms",
    ),
    (
        "aleksandra",
        "days/23",
        "Александра Константиновна Преображенская-Шереметева",
        "8 (916) 555-66-77",
        "ООО «Торговый дом Преображенских и партнёры»",
        "2026-11-12 meet: обсудили поставку на весь следующий сезон, ждёт предложение",
    ),
    (
        "kim",
        "days/23",
        "김수한무 거북이와 두루미 삼천갑자 동방삭",
        "+82 2 312 3456",
        "삼천갑자 무역 주식회사",
        "2026-11-02 email: 견적서를 보냈습니다",
    ),
    (
        "jose",
        "days/23",
        unicodedata.normalize("NFD", "José María Fernández de Córdoba"),  # combining accents
        "+34 91 555 0142",
        "Córdoba Importaciones S.L.",
        "2026-11-06 email: sent the price list",
    ),
]


BIRTHDAY = "Ким Чен Сок Пак Чон Хи Ли Мён Бак Юн Сок Ёль Мун Джэ Ин Квон Сон Хо"  # in two days


def visible_width(line: str) -> int:
    """The columns a terminal gives a line: wide East Asian characters two, marks none."""
    marks = ("Mn", "Me", "Cf")
    wide = ("W", "F")
    return sum(
        0 if unicodedata.category(ch) in marks else 2 if unicodedata.east_asian_width(ch) in wide else 1
        for ch in line
    )


def words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("narrow") / "binder"
    init_binder(root, git=False)
    for card_id, folder, name, phone, company, last in DUE:
        due = "2026-11-18" if folder == "days/18" else "2026-11-23"
        extra = f'phone: "{phone}"\ncompany: "{company}"\naction: call'
        body = f"# {name}\n\n## Log\n- {last}\n"
        write_card(root, folder, card_id, card_text(name, due, extra, body))
    write_card(root, "months/02", "kim-b", card_text(BIRTHDAY, "2027-02-01", "birthday: 1980-11-25"))
    return root


def shown(root: Path, columns: int, *args: str) -> list[str]:
    env = terminal_env({**os.environ, "TICKLER_TODAY": "2026-11-23 09:00", "TICKLER_BINDER": str(root)})
    env.pop("NO_COLOR", None)  # colour on, as on a phone: the escapes take no columns
    seen = in_terminal([str(TICKLER), *args], cwd=root, env=env, columns=columns)
    assert seen.code == 0, seen.screen
    assert "Traceback" not in seen.screen
    return ESCAPE.sub("", seen.screen).replace("\r", "").splitlines()


def assert_fits(lines: list[str], columns: int) -> None:
    too_wide = [line for line in lines if visible_width(line) > columns]
    assert not too_wide, f"{columns} columns: {too_wide}"


@pytest.mark.parametrize("columns", WIDTHS)
def test_today_fits_and_shows_every_whole_name_and_phone(team: Path, columns: int) -> None:
    lines = shown(team, columns, "today")
    assert_fits(lines, columns)
    screen = words("\n".join(lines))
    for _, _, name, phone, _, _ in DUE:
        assert words(name) in screen, (columns, name)
        assert phone in screen, (columns, phone)
    assert "Ким Чен Сок" in screen  # the birthday line
    if columns >= 160:  # the table: each card one row, its name and phone side by side
        assert "NAME" in lines[1] and "PHONE" in lines[1]
        for _, _, name, phone, _, _ in DUE:
            assert any(words(name) in words(line) and phone in line for line in lines), name
        assert lines[0].startswith("Monday 23 November 2026: 4 cards: 4 follow-ups (3 due today, 1 overdue)")
    if columns <= 60:  # stacked: a block per card, the short header
        assert not any("NAME" in line and "PHONE" in line for line in lines)
        # every card's Log holds a call, a meeting or an email: four follow-ups (wrapped at 40)
        assert " ".join(lines[:2]).startswith("Mon 23 Nov: 4 due: 4 follow-ups (1 late), load 4/30")
        assert any(line.strip() == "+82 2 312 3456 · call" for line in lines)


@pytest.mark.parametrize("columns", WIDTHS)
def test_list_and_find_fit_and_keep_names_and_phones(team: Path, columns: int) -> None:
    for args, expected in (
        (["list"], DUE),
        (["find", "삼천갑자"], DUE[2:3]),
        (["find", "Преображенская"], DUE[1:2]),
        (["find", "--text", "catalogue winter"], DUE[:1]),
    ):
        lines = shown(team, columns, *args)
        assert_fits(lines, columns)
        screen = words("\n".join(lines))
        for _, _, name, phone, _, _ in expected:
            assert words(name) in screen and phone in screen, (args, columns, name)
    assert any(line.strip().startswith("> ") for line in lines)  # the matching line of --text


@pytest.mark.parametrize("columns", WIDTHS)
def test_agenda_keeps_a_line_a_day_and_birthdays_whole(team: Path, columns: int) -> None:
    lines = shown(team, columns, "agenda")
    assert_fits(lines, columns)
    days = [line for line in lines if re.match(r"\s+(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]{2}", line)]
    assert len(days) == 14  # one line per day, at every width
    assert words("Ким Чен Сок Пак Чон Хи Ли Мён Бак Юн Сок Ёль Мун Джэ Ин Квон Сон Хо") in words(
        "\n".join(lines)
    )
    today_line = next(line for line in days if "Mon 23 Nov" in line)
    assert "█" in today_line and "today" in today_line
    if columns <= 60:
        assert any(line.strip().startswith("birthday: Ким") for line in lines)  # on a line of its own


def test_a_pipe_gets_plain_aligned_text_never_cut(team: Path) -> None:
    env = {**os.environ, "TICKLER_TODAY": "2026-11-23 09:00", "TICKLER_BINDER": str(team), "COLUMNS": "40"}
    done = subprocess.run([str(TICKLER), "today"], env=env, capture_output=True, text=True, check=True)
    assert "…" not in done.stdout and "\x1b" not in done.stdout
    for _, _, name, phone, company, last in DUE:
        row = next(line for line in done.stdout.splitlines() if name in line)
        assert phone in row and company in row and last in row
    assert "NAME" in done.stdout.splitlines()[1]


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80), st.integers(1, 50))
def test_wrapping_keeps_every_character_and_fits(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing lost, nothing added
    for line in lines:  # only a single character wider than the line may stick out
        assert display_width(line) <= width or len(line) == 1


# --------------------------------------------------------------------------- the reports

REPORTS = ("pareto", "segments", "lapsed", "loyalty", "campaigns", "activity")
CAMPAIGN = "winter-collection-for-the-most-faithful-customers"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same long names, with purchases (one customer lapsed), a letter campaign, a loyalty
    programme and a rep with a long name."""
    root = tmp_path_factory.mktemp("narrow-shop") / "binder"
    init_binder(root, git=False)
    (root / "tickler.toml").write_text('[loyalty]\npoints_per = 100\nreward_at = 500\nreward = "a voucher"\n')
    for n, (card_id, _, name, phone, company, _) in enumerate(DUE):
        purchases = (
            "- 2025-01-10 purchase 64000.00: order\n- 2025-03-02 purchase 58000.00: order\n"
            if n == 0  # nothing since: lapsed
            else f"- 2026-0{n + 2}-01 purchase {n * 12500}.00: order\n- 2026-09-20 purchase 4000.00: order\n"
        )
        log = f"# {name}\n\n## Log\n{purchases}- 2026-09-07 letter: {CAMPAIGN}\n- 2026-11-20 call: spoke\n"
        extra = f'phone: "{phone}"\ncompany: "{company}"\nowner: maximilian.von.hohenzollern@firm.example'
        write_card(root, "cards", card_id, card_text(name, None, extra, log))
    return root


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("report", REPORTS)
def test_reports_fit_and_keep_every_name_whole(shop: Path, report: str, columns: int) -> None:
    lines = shown(shop, columns, "report", report)
    assert_fits(lines, columns)
    screen = words("\n".join(lines))
    squeezed = "".join(screen.split())  # (a word longer than the line is split across lines)
    if report == "activity":
        assert "maximilian.von.hohenzollern@firm.example" in squeezed
        return
    expected = DUE[:1] if report == "lapsed" else DUE[1:] if report == "pareto" else DUE
    if report == "campaigns":
        assert CAMPAIGN in squeezed
    else:
        for _, _, name, _, _, _ in expected:
            assert words(name) in screen, (report, columns, name)
    assert "…" not in screen  # only activity has columns that may be cut
    table = any("NAME" in line or "CAMPAIGN" in line for line in lines)
    if columns >= 160:
        assert table, (report, lines)
    if columns <= 40:
        assert not table, (report, lines)  # stacked: a block per customer
    if report == "lapsed":  # the reason is the report: whole, wrapped, whatever the width
        assert "bought 0.00 in the last 12 months against 122,000.00 the year before (-100%)" in screen
