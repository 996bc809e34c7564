"""Exchange: CSV and vCard import, CSV and iCalendar export, letters, the printed day sheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, Run, card_files, card_text, snapshot, write_card

from tickler.setup import init_binder


def fields_of(run: Run, root: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    cards = json.loads(run("list", "--all", "--json", root=root).stdout)
    parked = json.loads(run("find", "a", "--json", root=root).stdout)  # find reads cards/ too
    out = {}
    for card in cards + parked:
        out[card["id"]] = {k: v for k, v in card["fields"].items() if v not in (None, "", [])}
    return out


# --------------------------------------------------------------------------- CSV


def test_export_then_import_into_an_empty_binder_gives_the_same_cards(run: Run, tmp_path: Path) -> None:
    exported = run("export", "csv", root=REPO).stdout
    (tmp_path / "all.csv").write_text(exported)
    empty = tmp_path / "empty"
    init_binder(empty, git=False)
    result = run("import", "csv", str(tmp_path / "all.csv"), root=empty)
    assert result.exit_code == 0, result
    assert "13 new, 0 updated, 0 unchanged, 0 skipped" in result.stderr
    assert card_files(empty) == card_files(REPO)
    assert fields_of(run, empty) == fields_of(run, REPO)


def test_importing_the_same_file_twice_changes_nothing(binder: Path, run: Run, tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "Name,Company,E-mail,Phone,Next,Tags,Region\n"
        "Ivan Ivanov,Romashka LLC,ivanov@romashka.example,+7 495 123-45-67,"
        '2026-12-05,"b2b, wholesale",north\n'
        "Olga Smirnova,,olga@mail.example,,fri,retail,south\n"
    )
    assert run("import", "csv", str(source), "--map", "Next=next").exit_code == 0
    assert card_files(binder) == ["days/05/ivan-ivanov.md", "days/27/olga-smirnova.md"]
    text = (binder / "days/05/ivan-ivanov.md").read_text()
    assert "tags: [b2b, wholesale]" in text and "region: north" in text and "company: Romashka LLC" in text
    before = snapshot(binder)
    again = run("import", "csv", str(source), "--map", "Next=next")
    assert "0 new, 0 updated, 2 unchanged" in again.stderr
    assert snapshot(binder) == before


def test_an_updated_file_updates_in_place_by_email_then_phone_then_name(
    binder: Path, run: Run, tmp_path: Path
) -> None:
    write_card(
        binder,
        "cards",
        "ivan",
        card_text(
            "Ivan Ivanov",
            None,
            "company: Romashka\nemail: IVAN@R.example\nphone: +7 495 111 22 33   # office",
        ),
    )
    write_card(binder, "cards", "olga", card_text("Olga", None, "phone: 8 916 555-12-34"))
    write_card(binder, "cards", "petr", card_text("Petr Petrov", None, "company: Vector"))
    source = tmp_path / "update.csv"
    source.write_text(
        "name,company,email,phone,title\n"
        "Ivan I. Ivanov,Romashka,ivan@r.example,,buyer\n"  # by email (case does not matter)
        "Olga S.,,,89165551234,owner\n"  # by phone digits
        "Petr Petrov,Vector,,,director\n"  # by name and company
    )
    result = run("import", "csv", str(source))
    assert "0 new, 3 updated" in result.stderr
    assert card_files(binder) == ["cards/ivan.md", "cards/olga.md", "cards/petr.md"]
    ivan = (binder / "cards/ivan.md").read_text()
    assert "name: Ivan I. Ivanov" in ivan and "title: buyer" in ivan
    assert "phone: +7 495 111 22 33   # office" in ivan  # an empty cell changes nothing


def test_map_dry_run_and_bad_rows(binder: Path, run: Run, tmp_path: Path) -> None:
    source = tmp_path / "kunden.csv"
    source.write_text(
        "Kunde;Firma;Wiedervorlage\n"
        "Hans Becker;Becker GmbH;2026-12-01\n"
        "Bad Date;X;2026-02-30\n"
        ";no name;2026-12-01\n"
        "Too;Many;2026-12-01;cells\n"
        "Anna Schmidt;Schmidt AG;\n"
    )
    maps = ["--map", "Kunde=name", "--map", "Firma=company", "--map", "Wiedervorlage=next"]
    before = snapshot(binder)
    dry = run("import", "csv", str(source), *maps, "--dry-run")
    assert dry.exit_code == 0 and snapshot(binder) == before
    assert "would be created: hans-becker" in dry.stdout and "(dry run: nothing changed)" in dry.stderr
    result = run("import", "csv", str(source), *maps)
    # A date that is no date keeps the customer and leaves the date out, saying where.
    late = f"{source}:3: '2026-02-30' is not a real date: February 2026 has 28 days; next left out"
    assert late in result.stderr
    assert f"{source}:4: no name: named 'no name' after its company" in result.stderr  # a lead, kept
    assert f"{source}:5: 4 cells but 3 columns; row skipped" in result.stderr
    assert "4 new, 0 updated, 0 unchanged, 1 skipped" in result.stderr
    assert card_files(binder) == [
        "cards/anna-schmidt.md",
        "cards/bad-date.md",
        "days/01/hans-becker.md",
        "days/01/no-name.md",
    ]
    missing = run("import", "csv", str(source))
    assert missing.exit_code == 1 and "no name column" in missing.stderr


# --------------------------------------------------------------------------- vCard

VCARDS = """BEGIN:VCARD
VERSION:3.0
FN:Иван Петрович Сидоров
N:Сидоров;Иван;Петрович;;
ORG:ООО Ромашка;Отдел закупок
TITLE:Закупщик
TEL;TYPE=CELL:+7 916 111-22-33
TEL;TYPE=WORK:+7 495 222-33-44
EMAIL:sidorov@romashka.example
EMAIL:ivan@home.example
BDAY:1971-03-14
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Yuki Tanaka
TEL:+81 3 5555 0123
BDAY:--0314
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Novák;Petr;;;
EMAIL:novak@example.cz
BDAY:1980-02-29
END:VCARD
BEGIN:VCARD
VERSION:3.0
ORG:Nameless Co
END:VCARD
"""


def test_import_vcard(binder: Path, run: Run, tmp_path: Path) -> None:
    source = tmp_path / "contacts.vcf"
    source.write_text(VCARDS)
    result = run("import", "vcard", str(source))
    assert result.exit_code == 0, result
    assert f"{source}:25: no name: named 'Nameless Co' after its company" in result.stderr
    assert card_files(binder) == [
        "cards/nameless-co.md",
        "cards/petr-novák.md",
        "cards/yuki-tanaka.md",
        "cards/иван-петрович-сидоров.md",
    ]
    ivan = json.loads(run("show", "иван", "--json").stdout)["fields"]
    assert ivan["phone"] == ["+7 916 111-22-33", "+7 495 222-33-44"]
    assert ivan["email"] == ["sidorov@romashka.example", "ivan@home.example"]
    assert (ivan["company"], ivan["title"], ivan["birthday"]) == ("ООО Ромашка", "Закупщик", "1971-03-14")
    assert json.loads(run("show", "yuki", "--json").stdout)["fields"]["birthday"] == "--03-14"
    before = snapshot(binder)
    again = run("import", "vcard", str(source))
    assert "0 new, 0 updated, 4 unchanged" in again.stderr and snapshot(binder) == before


# --------------------------------------------------------------------------- iCalendar


def test_export_ics_events_times_and_stable_uids(run: Run, tmp_path: Path) -> None:
    from icalendar import Calendar

    first = Calendar.from_ical(run("export", "ics", root=REPO).stdout)
    events = first.walk("VEVENT")
    scheduled = json.loads(run("list", "--all", "--json", root=REPO).stdout)
    assert len(events) == len(scheduled) == 11
    by_uid = {str(e["UID"]): e for e in events}
    ivan = by_uid["ivan-ivanovich-ivanov@tickler"]
    assert ivan.decoded("DTSTART") == dt.datetime(2026, 11, 23, 15, 30)
    assert ivan.decoded("DTEND") == dt.datetime(2026, 11, 23, 16, 0)
    assert str(ivan["SUMMARY"]) == "call: Ivan Ivanovich Ivanov"
    description = str(ivan["DESCRIPTION"])
    assert "+7 495 123-45-67" in description and "Romashka LLC" in description
    assert "last: 2026-11-16 call: discussed offer 12" in description
    olga = by_uid["ольга-смирнова@tickler"]
    assert olga.decoded("DTSTART") == dt.date(2026, 11, 23)  # all day
    output = tmp_path / "cal.ics"
    run("export", "ics", "--output", str(output), root=REPO, today="2026-12-01")
    second = Calendar.from_ical(output.read_bytes())
    assert {str(e["UID"]) for e in second.walk("VEVENT")} == set(by_uid)
    boris = Calendar.from_ical(run("export", "ics", "--owner", "boris", root=REPO).stdout)
    assert [str(e["UID"]) for e in boris.walk("VEVENT")] == ["hans-becker@tickler"]


def test_export_csv_columns(run: Run) -> None:
    rows = list(csv.DictReader(io.StringIO(run("export", "csv", root=REPO).stdout)))
    assert list(rows[0])[:11] == [
        "id",
        "name",
        "company",
        "title",
        "phone",
        "email",
        "owner",
        "next",
        "action",
        "tags",
        "birthday",
    ]
    ivan = next(r for r in rows if r["id"] == "ivan-ivanovich-ivanov")
    assert (ivan["next"], ivan["tags"], ivan["birthday"]) == (
        "2026-11-23 15:30",
        "[b2b, wholesale]",
        "1971-03-14",
    )
    assert list(rows[0])[-2:] == ["card: front matter", "card: body"]
    assert ivan["card: body"].startswith("# Ivan Ivanovich Ivanov\n")
    assert "- 2026-11-16 14:05 call: discussed offer 12" in ivan["card: body"]  # the Log travels


# --------------------------------------------------------------------------- letters


def test_letters_by_name_missing_fields_listed_and_logged(binder: Path, run: Run, tmp_path: Path) -> None:
    write_card(binder, "cards", "ivan", card_text("Ivan Ivanov", None, "company: Romashka\ntags: [b2b]"))
    write_card(binder, "cards", "olga", card_text("Olga Smirnova", None, "tags: [b2b]"))
    write_card(binder, "cards", "retail", card_text("Retail Rita", None, "company: Shop\ntags: [retail]"))
    template = tmp_path / "offer.md"
    template.write_text("Dear {first_name},\n\nour offer for {company} ({name}).\n")
    out = tmp_path / "letters"
    result = run("letters", str(template), "--out", str(out), "--tag", "b2b", "--log")
    assert result.exit_code == 0, result
    assert sorted(p.name for p in out.iterdir()) == ["ivan.md"]
    assert (out / "ivan.md").read_text() == "Dear Ivan,\n\nour offer for Romashka (Ivan Ivanov).\n"
    assert "cards/olga.md: no letter, the card has no company" in result.stderr
    assert "- 2026-11-23 letter: offer" in (binder / "cards/ivan.md").read_text()
    assert "letter" not in (binder / "cards/olga.md").read_text().split("---")[2]


@pytest.mark.parametrize("body", ["{name.__class__}", "{name[0]}", "{name!r}", "{name:>10}", "{", "{0}"])
def test_templates_are_filled_as_data_only(binder: Path, run: Run, tmp_path: Path, body: str) -> None:
    write_card(binder, "cards", "ivan", card_text("Ivan"))
    template = tmp_path / "evil.md"
    template.write_text(body)
    before = snapshot(binder)
    result = run("letters", str(template), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert snapshot(binder) == before


# --------------------------------------------------------------------------- the day sheet

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def day(binder: Path) -> Path:
    write_card(
        binder,
        "days/23",
        "evil",
        card_text(
            EVIL,
            "2026-11-23 10:00",
            "company: <b>Bold & Co</b>",
            f"# x\n\nNotes with {EVIL}\n\n## Log\n- 2026-11-01 call: <i>hi</i>\n",
        ),
    )
    write_card(binder, "days/23", "plain", card_text("Plain Customer", "2026-11-23", "phone: +7 1"))
    write_card(binder, "days/20", "late", card_text("Late Customer", "2026-11-20"))
    return binder


def test_the_day_sheet_escapes_everything(day: Path, run: Run) -> None:
    html = run("print").stdout
    assert html.count('<section class="card">') == 3
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold &amp; Co&lt;/b&gt;" in html and "&lt;i&gt;hi&lt;/i&gt;" in html
    assert "(3 days overdue)" in html and "page-break-after: always" in html
    assert html.index("Late Customer") < html.index(EVIL.replace("<", "&lt;").replace(">", "&gt;"))


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(
    _chromium() is None, reason="Chromium is not installed (Debian: apt-get install chromium)"
)
def test_the_day_sheet_in_headless_chromium(day: Path, run: Run, tmp_path: Path) -> None:
    page = tmp_path / "day.html"
    assert run("print", "--output", str(page)).exit_code == 0
    browser = _chromium()
    assert browser is not None
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    pdf = tmp_path / "day.pdf"
    subprocess.run(
        [*flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    assert pages == 3, "one card a page"
    dom = subprocess.run(
        [*flags, "--dump-dom", page.as_uri()], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    assert "<script>" not in dom and "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
