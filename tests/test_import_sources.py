"""Bringing a rep's real customer base in and out: the files people really export.

The fixtures (tests/fixtures/contacts, made by make.py and LibreOffice, see its README) follow the
published layouts: Google Contacts today and in its older UTF-16 layout, Outlook in Windows-1252,
an Apple Contacts exporter, amoCRM and Bitrix24 contact exports, a Russian sheet in Windows-1251
and in UTF-8 with a byte order mark, .xlsx/.xls/.ods with date and number cells, vCard 2.1
quoted-printable Cyrillic, an iPhone's vCard 3.0 with item groups and a photo, vCard 4.0 with a
birthday written as text, and an Obsidian vault. Each test checks where every field lands, that
a second import changes no byte, and that problems name the file and line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Run, card_files, snapshot

from tickler.card import Card
from tickler.setup import init_binder

FIXTURES = REPO / "tests" / "fixtures" / "contacts"


def fields(run: Run, card: str, root: Path | None = None) -> dict:  # type: ignore[type-arg]
    shown = run("show", card, "--json", root=root) if root else run("show", card, "--json")
    assert shown.exit_code == 0, shown
    return json.loads(shown.stdout)["fields"]  # type: ignore[no-any-return]


def notes(binder: Path, card_id: str) -> str:
    (path,) = [p for p in binder.rglob(f"{card_id}.md") if ".tickler" not in p.parts]
    return Card.parse(path.read_text(encoding="utf-8")).notes


def import_twice(run: Run, binder: Path, kind: str, source: Path, *extra: str) -> str:
    """Import ``source``; a second import must change no byte. Returns the first run's stderr."""
    first = run("import", kind, str(source), *extra)
    assert first.exit_code == 0, first
    assert "Traceback" not in first.stderr
    before = snapshot(binder)
    again = run("import", kind, str(source), *extra)
    assert again.exit_code == 0 and " 0 new, 0 updated" in again.stderr, again
    assert snapshot(binder) == before
    return first.stderr


NOT_KEYS = {
    "photo",
    "file_as",
    "phonetic_first_name",
    "e-mail_1_-_value",
    "phone_1_-_value",
    "notes",
    "labels",
}


def test_google_contacts_today(binder: Path, run: Run) -> None:
    err = import_twice(run, binder, "csv", FIXTURES / "google.csv")
    assert "2 new, 0 updated, 0 unchanged, 0 skipped" in err
    grace = fields(run, "grace")
    assert grace == {
        "name": "Grace Brewster Hopper",
        "name_prefix": "Dr.",
        "name_suffix": "PhD",
        "nickname": "Amazing Grace",
        "company": "US Navy",
        "title": "Rear Admiral",
        "department": "Computing",
        "birthday": "1906-12-09",
        "phone": ["+1 202 555 0100", "+1 202 555 0101", "+1 202 555 0199"],  # ' ::: ' and Phone 2
        "phone_kinds": {"mobile": ["+1 202 555 0100", "+1 202 555 0101"], "work": "+1 202 555 0199"},
        "email": ["grace@navy.example", "grace.hopper@home.example"],
        "website": "https://navy.example/hopper",
        "tags": ["Navy", "starred"],  # * myContacts left out, * starred kept
        "address": "1 Navy Way, Arlington, VA 22202, US",  # the formatted one, on one line
        "address_kinds": {"work": "1 Navy Way, Arlington, VA 22202, US"},  # its label
        "assistant": "Ada",  # Relation 1: its label names the key
        "anniversary": "1930-06-15",  # Event 1
        "loyalty_card": "LC-1906",  # Custom Field 1
    }
    assert (
        notes(binder, "grace-brewster-hopper") == "Met at the fleet expo.\nWants the COBOL manuals in print."
    )
    olga = fields(run, "ольга")
    assert olga["birthday"] == "--03-14" and olga["tags"] == ["Розница"]
    assert olga["address"] == "ул. Ленина, д. 5, кв. 12, Москва, 101000, Россия"  # assembled from its parts
    assert olga["phone"] == "8 (916) 555-66-77"


def test_google_contacts_older_layout_in_utf16(binder: Path, run: Run) -> None:
    assert (FIXTURES / "google-old.csv").read_bytes()[:2] == b"\xff\xfe"
    import_twice(run, binder, "csv", FIXTURES / "google-old.csv")
    hans = fields(run, "hans")
    assert hans["name"] == "Hans Becker" and hans["company"] == "Becker Maschinenbau GmbH"
    assert (hans["title"], hans["department"]) == ("Einkaufsleiter", "Einkauf")
    assert hans["phone"] == ["+49 171 555 0123", "+49 711 400 2210"]  # the mobile first
    assert hans["email"] == "h.becker@becker-mb.example" and hans["tags"] == ["Maschinenbau"]
    assert hans["address"] == "Hauptstraße 1, 70173 Stuttgart, Deutschland"
    assert hans["website"] == "https://becker-mb.example" and hans["birthday"] == "1968-07-02"
    assert notes(binder, "hans-becker") == "Frame contract 2027."


def test_outlook_in_windows_1252(binder: Path, run: Run) -> None:
    source = FIXTURES / "outlook.csv"
    err = import_twice(run, binder, "csv", source)
    john = fields(run, "john")
    assert john == {
        "name": "John Miller",
        "name_prefix": "Mr.",  # Outlook's Title column
        "company": "Miller Hardware",
        "title": "Buyer",  # its Job Title
        "birthday": "1971-03-14",  # 3/14/1971: month first in Outlook's layout
        "referred_by": "José Peña",  # a column no layout maps, kept; Windows-1252 read right
        "phone": ["+1 312 555 0150", "+1 312 555 0101"],  # Mobile Phone first, then Business Phone
        "phone_kinds": {"mobile": "+1 312 555 0150", "work": "+1 312 555 0101"},
        "email": "john@miller.example",
        "tags": ["Wholesale", "VIP"],  # Categories
        "address": "200 W Madison St, Chicago, IL, 60606, United States of America",
        "address_kinds": {"work": "200 W Madison St, Chicago, IL, 60606, United States of America"},
    }  # no Priority, Sensitivity, Private, Gender, E-mail Type, Initials, 0/0/00 anniversary
    assert notes(binder, "john-miller") == "Prefers email. Pays in 30 days."
    assert f"{source}:3: '31/12/1980' is not a real date; birthday left out" in err
    assert "birthday" not in fields(run, "lucia") and card_files(binder) == [
        "cards/john-miller.md",
        "cards/lucia-rossi.md",
    ]


def test_an_apple_contacts_exporter(binder: Path, run: Run) -> None:
    import_twice(run, binder, "csv", FIXTURES / "apple.csv")
    emily = fields(run, "emily")
    assert emily["phone"] == ["+44 7700 900123", "+44 20 7946 0811"]
    assert emily["phone_kinds"] == {"mobile": "+44 7700 900123", "work": "+44 20 7946 0811"}
    assert emily["email"] == "emily@clarkdental.example" and emily["website"] == "https://clarkdental.example"
    assert emily["address"] == "12 Baker Street, London, NW1 6XE, United Kingdom"
    assert emily["tags"] == ["Dentists", "Trade fair 2026"]
    assert (emily["company"], emily["title"], emily["birthday"]) == (
        "Clark Dental Supplies",
        "Owner",
        "1985-05-20",
    )
    assert notes(binder, "emily-clark") == "Trade fair contact."


def test_amocrm_contacts_export(binder: Path, run: Run) -> None:
    import_twice(run, binder, "csv", FIXTURES / "amocrm.csv")
    sergey = fields(run, "сергей")
    assert sergey["name"] == "Сергей Кузнецов" and sergey["company"] == "ООО «Кузнецов и сыновья»"
    assert sergey["phone"] == ["8 921 555-12-12", "+7 812 333-44-55"]  # Мобильный first, then Рабочий
    assert sergey["email"] == "kuznetsov@kis.example" and sergey["tags"] == ["опт", "СПб"]
    # the CRM's responsible user is not the card's owner: tickler's own key only with --map
    assert (sergey["source_owner"], sergey["crm_id"], sergey["title"]) == ("anna", "28114357", "Директор")
    assert "owner" not in sergey
    assert "кем_создан" not in sergey
    assert notes(binder, "сергей-кузнецов") == "Секретарь соединяет после 14:00\n\nПросил прайс на зиму"


def test_bitrix24_contacts_export(binder: Path, run: Run) -> None:
    import_twice(run, binder, "csv", FIXTURES / "bitrix24.csv")
    elena = fields(run, "елена")
    assert elena["name"] == "Елена Викторовна Волкова" and elena["name_prefix"] == "г-жа"
    assert elena["birthday"] == "1985-11-26"  # 26.11.1985
    assert elena["phone"] == ["+7 903 777-88-99", "+7 (495) 777-88-99"]
    assert elena["email"] == ["volkova@sever.example", "elena.v@mail.example"]
    assert elena["address"] == "Тверская ул., 7, Москва, 125009, Россия"  # the street, then the parts
    assert (elena["source_owner"], elena["website"], elena["source"]) == (
        "boris",
        "https://sever.example",
        "Выставка",
    )
    assert notes(binder, "елена-викторовна-волкова") == "Поздравить с ДР, любит тюльпаны"


@pytest.mark.parametrize("name", ["russian-cp1251.csv", "russian-utf8-bom.csv"])
def test_a_russian_sheet_in_both_encodings(binder: Path, run: Run, name: str) -> None:
    source = FIXTURES / name
    err = import_twice(run, binder, "csv", source)
    olga = fields(run, "смирнова")
    assert olga == {
        "name": "Смирнова Ольга Петровна",
        "company": "ИП Смирнова",
        "phone": "8 (916) 555-66-77",
        "email": "olga@smirnova.example",
        "birthday": "1971-03-14",  # 14.03.1971
        "address": "Москва, ул. Ленина, 5",
    }
    assert notes(binder, "смирнова-ольга-петровна") == "Покупает зимние пальто; звонить после 15:00"
    petr = fields(run, "иванов")
    assert petr["phone"] == ["+7 495 123-45-67", "8 926 000-11-22"] and "birthday" not in petr
    assert f"{source}:3: 'не помню' is not a date; birthday left out" in err


@pytest.mark.parametrize("name", ["contacts.xlsx", "contacts.xls", "contacts.ods"])
def test_spreadsheet_files_with_date_and_number_cells(binder: Path, run: Run, name: str) -> None:
    source = FIXTURES / name
    err = import_twice(run, binder, "sheet", source)
    olga = fields(run, "смирнова")
    assert olga["phone"] == "79165556677"  # a number cell, never 79165556677.0
    assert olga["birthday"] == "1971-03-14"  # a date cell
    assert olga["сумма_заказов"] == "18400.5" and olga["company"] == "ИП Смирнова"
    assert notes(binder, "смирнова-ольга-петровна") == "Покупает зимние пальто"
    assert fields(run, "иванов")["phone"] == "8 (926) 000-11-22"
    assert f"{source}:3: '30.02.1980' is not a real date; birthday left out" in err
    archive = run("import", "sheet", str(source), "--sheet", "Архив")
    assert archive.exit_code == 0 and fields(run, "кузнецов")["phone"] == "78123334455"
    missing = run("import", "sheet", str(source), "--sheet", "Nope")
    assert missing.exit_code == 1 and "has no sheet 'Nope' (there are: Клиенты, Архив)" in missing.stderr


def test_vcard_21_quoted_printable_cyrillic(binder: Path, run: Run) -> None:
    import_twice(run, binder, "vcard", FIXTURES / "android-2.1.vcf")
    maria = fields(run, "мария")
    assert maria == {
        "name": "Мария Игоревна Соколова",
        "company": "ООО «Весна»",
        "department": "Отдел продаж",  # ORG's unit
        "phone": ["+7 495 111-22-33", "8 (915) 222-33-44"],  # TEL;WORK;PREF: the preferred one first
        "phone_kinds": {"mobile": "8 (915) 222-33-44", "work": "+7 495 111-22-33"},
        "email": "maria@sokolova.example",
        "address": "ул. Ленина, д. 5, кв. 12, Москва, 101000, Россия",
        "address_kinds": {"home": "ул. Ленина, д. 5, кв. 12, Москва, 101000, Россия"},
        "birthday": "1985-05-20",
    }
    assert notes(binder, "мария-игоревна-соколова") == (
        "Любит зимние пальто, звонить после 15:00. Заказывала в прошлом году синее пальто "
        "размера 46, просила сообщить о новой коллекции."
    )  # joined across its soft line breaks, commas and all
    sergey = fields(run, "сергей")  # quoted-printable in Windows-1251, with a photo left out
    assert sergey == {
        "name": "Сергей Кузнецов",
        "phone": "+7 812 333-44-55",
        "phone_kinds": {"mobile": "+7 812 333-44-55"},
    }
    assert notes(binder, "сергей-кузнецов") == "Секретарь соединяет после 14:00"


def test_vcard_30_from_an_iphone(binder: Path, run: Run) -> None:
    import_twice(run, binder, "vcard", FIXTURES / "iphone-3.0.vcf")
    maria = fields(run, "maria")
    assert maria == {
        "name": "María García",
        "name_prefix": "Sra.",  # N's prefix
        "company": "García Importaciones S.L.",
        "department": "Compras",
        "title": "Jefa de compras",
        "phone": ["+34 600 555 014", "+34 91 555 0142"],
        "phone_kinds": {"mobile": "+34 600 555 014", "work": "+34 91 555 0142"},
        "email": ["maria@garcia-imp.example", "maria.garcia@home.example"],  # item1. and item2.
        "address": "Calle Mayor 10, 2º, Madrid, 28013, España",
        "address_kinds": {"work": "Calle Mayor 10, 2º, Madrid, 28013, España"},
        "website": "https://garcia-imp.example",
        "nickname": "Mari",
        "tags": ["Importers", "Spain"],
        "birthday": "--07-22",  # Apple's 1604 means no year
    }
    assert (
        notes(binder, "maría-garcía")
        == "Quiere la lista de precios con entrega.\nHabla inglés y español, prefiere email."
    )


def test_vcard_40_birthday_as_text_keeps_the_contact(binder: Path, run: Run) -> None:
    source = FIXTURES / "vcard-4.0.vcf"
    err = import_twice(run, binder, "vcard", source)
    assert f"{source}:1: birthday 'circa 1800' is not a date; birthday left out" in err
    assert fields(run, "old") == {
        "name": "Old Tom",
        "phone": "+44-20-7946-0000",  # the tel: URI read as the number
        "phone_kinds": {"mobile": "+44-20-7946-0000"},
        "email": "tom@inn.example",
    }
    assert fields(run, "yuki")["birthday"] == "--03-14"


def test_a_file_without_contacts_is_an_error(binder: Path, run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.vcf"
    empty.write_text("just some text\n")
    before = snapshot(binder)
    result = run("import", "vcard", str(empty))
    assert result.exit_code == 1 and f"tickler: error: {empty}: no contact found" in result.stderr
    assert snapshot(binder) == before


def test_an_obsidian_vault(binder: Path, run: Run) -> None:
    vault = FIXTURES / "obsidian"
    err = import_twice(run, binder, "notes", vault)
    assert f"{vault}/Clients/broken.md: the front matter cannot be read" in err
    assert sorted(card_files(binder)) == [
        "cards/emily-clark.md",
        "cards/мария-соколова.md",
        "days/05/ivan-petrov.md",  # next: 2026-12-05T15:30, filed by it
        "days/07/hans-becker.md",  # TOML front matter
    ]  # nothing from .obsidian/
    ivan = fields(run, "ivan")
    assert ivan["phone"] == ["+7 495 321-54-76", "8 (926) 111-22-33"] and ivan["tags"] == ["b2b", "wholesale"]
    assert (ivan["next"], ivan["birthday"], ivan["aliases"]) == ("2026-12-05T15:30", "1975-10-01", ["Ваня"])
    assert "Asked about the winter coat line for the [[Romashka]] stores." in notes(binder, "ivan-petrov")
    assert fields(run, "мария") == {"name": "Мария Соколова"}  # no front matter: named by its file
    assert notes(binder, "мария-соколова") == "Встретились на выставке. Интересуется пальто."
    assert fields(run, "hans")["tags"] == ["export", "b2b"]
    assert fields(run, "emily")["phone"] == "+44 20 7946 0811"  # JSON front matter


def test_region_makes_the_national_and_international_forms_one_customer(
    binder: Path, run: Run, tmp_path: Path
) -> None:
    card = binder / "cards" / "olga.md"
    card.write_text("---\nname: Ольга Смирнова\nphone: +7 916 555-66-77   # mobile\n---\n# Ольга\n")
    source = tmp_path / "base.csv"
    source.write_text("ФИО;Телефон\nСмирнова О.;8 (916) 555-66-77\n", encoding="utf-8")
    dry = run("import", "csv", str(source), "--dry-run")
    assert "would be created: смирнова-о" in dry.stdout  # without a region 8 is not +7
    (binder / "tickler.toml").write_text('region = "RU"\n')
    before = card.read_text()
    result = run("import", "csv", str(source))
    assert result.exit_code == 0 and "0 new, 0 updated, 1 unchanged" in result.stderr
    assert card.read_text() == before  # the number stays as written


def test_dry_run_prints_the_mapping_and_changes_nothing(binder: Path, run: Run) -> None:
    before = snapshot(binder)
    dry = run("import", "csv", str(FIXTURES / "google.csv"), "--dry-run")
    assert dry.exit_code == 0 and snapshot(binder) == before
    lines = dry.stdout.splitlines()
    assert lines[0] == "google.csv: read as Google Contacts"
    mapping = {col.strip(): key for col, _, key in (line.strip().partition("  ->  ") for line in lines[1:])}
    assert mapping["First Name"] == "name (first part)"
    assert mapping["E-mail 1 - Value"] == "email (a list when there are several)"
    assert mapping["Notes"] == "the notes (the card's text)"
    assert (
        mapping["Labels"] == "tags"
        and mapping["Custom Field 1 - Value"] == "a key named by the label beside it"
    )
    assert any(line.startswith("  not imported: Phonetic First Name, ") for line in lines)
    assert "would be created: grace-brewster-hopper" in lines


def test_map_overrides_a_layout(binder: Path, run: Run, tmp_path: Path) -> None:
    source = tmp_path / "kunden.csv"
    source.write_text("Vorname;Nachname;Firma;Intern\nHans;Becker;Becker GmbH;x\n")
    maps = ["--map", "Vorname=first_name", "--map", "Nachname=last_name", "--map", "Firma=company"]
    result = run("import", "csv", str(source), *maps, "--map", "Intern=-")
    assert result.exit_code == 0, result
    assert fields(run, "hans") == {"name": "Hans Becker", "company": "Becker GmbH"}


def test_vcard_export_round_trips(run: Run, tmp_path: Path) -> None:
    """An export into an empty binder gives the same files, byte for byte; a phone that keeps
    only the standard properties (not X-TICKLER-CARD) still gives the same contact fields."""
    sample = tmp_path / "sample"
    init_binder(sample, git=False)
    for kind, name in [("csv", "google.csv"), ("csv", "bitrix24.csv"), ("vcard", "iphone-3.0.vcf")]:
        assert run("import", kind, str(FIXTURES / name), root=sample).exit_code == 0
    for root in (REPO, sample):
        exported = tmp_path / "phone.vcf"
        assert run("export", "vcard", "--output", str(exported), root=root).exit_code == 0
        assert exported.read_text().count("BEGIN:VCARD") == len(card_files(root))
        empty = tmp_path / f"empty-{root.name}"
        init_binder(empty, git=False)
        assert run("import", "vcard", str(exported), root=empty).exit_code == 0
        assert card_files(empty) == card_files(root)
        for path in card_files(root):
            assert (empty / path).read_bytes() == (root / path).read_bytes(), path
        phone = tmp_path / f"phone-{root.name}.vcf"
        text = exported.read_bytes().decode()
        phone.write_bytes(re.sub(r"^X-TICKLER-CARD:.*\r\n(?: .*\r\n)*", "", text, flags=re.M).encode())
        assert "X-TICKLER-CARD" not in phone.read_text() and "PRODID" in phone.read_text()
        kept = tmp_path / f"kept-{root.name}"
        init_binder(kept, git=False)
        assert run("import", "vcard", str(phone), root=kept).exit_code == 0
        keys = ("name", "company", "phone", "phone_kinds", "email", "address", "address_kinds", "birthday")
        by_name = {fields(run, Path(p).stem, kept)["name"]: Path(p).stem for p in card_files(kept)}
        for path in card_files(root):
            want = fields(run, Path(path).stem, root)
            got = fields(run, by_name[want["name"]], kept)
            assert {k: want.get(k) for k in keys} == {k: got.get(k) for k in keys}, path
            assert Card.parse((root / path).read_text()).notes == notes(kept, by_name[want["name"]])


def test_garbage_is_a_clear_error_with_nothing_changed(binder: Path, run: Run, tmp_path: Path) -> None:
    before = snapshot(binder)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    text_as_sheet = tmp_path / "list.xlsx"
    text_as_sheet.write_text("ФИО;Телефон\n")
    cases = [
        (("csv", str(binary)), f"{binary}: is not a text file"),
        (("sheet", str(text_as_sheet)), f"{text_as_sheet}: cannot be read as a spreadsheet"),
        (("sheet", str(FIXTURES / "google.csv")), "is not a spreadsheet tickler reads"),
        (("notes", str(FIXTURES / "google.csv")), "is not a folder of notes"),
        (("csv", str(tmp_path / "missing.csv")), "cannot read"),
    ]
    for args, message in cases:
        result = run("import", *args)
        assert result.exit_code == 1 and message in result.stderr, (args, result)
        assert "Traceback" not in result.stderr
    assert snapshot(binder) == before


def test_the_new_readers_are_imported_only_by_the_commands_that_use_them(tmp_path: Path) -> None:
    """``tickler today`` does not load phonenumbers, calamine, python-frontmatter or vobject."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from tickler.cli import app\n"
        f"result = CliRunner().invoke(app, ['--binder', {str(REPO)!r}, 'today', '--all'])\n"
        "assert result.exit_code == 0, result.output\n"
        "heavy = {'phonenumbers', 'python_calamine', 'frontmatter', 'vobject', 'icalendar', 'watchdog'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_colleagues_on_one_office_line(binder: Path, run: Run, tmp_path: Path) -> None:
    """One phone, several people: a record goes to the card whose name it shares, whichever card
    holds the number first, and two records for one card in one import both land on it."""
    source = tmp_path / "office.csv"
    source.write_text(
        "Name,Phone,Email,Company\n"
        "Sergey Becker,(512) 500-0252,s@becker.example,Becker GmbH\n"
        "Emily Smirnova,(512) 500-0252,e@becker.example,Becker GmbH\n"
        "Sergey Becker,(512) 500-0252,sergey@home.example,\n"  # the same man, a second email
        "S. Becker,(512) 500-0252,sb@becker.example,\n"  # and a third, written another way
    )
    dry = run("import", "csv", str(source), "--dry-run")
    assert "2 new, 2 updated" in dry.stderr, dry
    import_twice(run, binder, "csv", source)
    assert sorted(p.name for p in (binder / "cards").glob("*.md")) == [
        "emily-smirnova.md",
        "sergey-becker.md",
    ]
    sergey = fields(run, "sergey-becker")
    assert sergey["email"] == ["s@becker.example", "sergey@home.example", "sb@becker.example"]
    assert fields(run, "emily-smirnova")["email"] == "e@becker.example"
