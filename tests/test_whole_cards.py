"""Every export a whole round trip: ``export csv`` + ``import csv`` gives the same card files byte
for byte (the sample binder with its comments, and cards of every shape, by example and by
hypothesis); no cell runs as a formula; a foreign file never takes tickler's own keys; the
column names people use; ``--rejects``; the Google and Outlook layouts; the vCard's number and
address kinds; anniversaries beside birthdays in ``today`` and ``agenda``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from conftest import REPO, Run, card_files, copy_sample, snapshot, write_card
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickler.binder import Filed
from tickler.card import Card
from tickler.card.edits import new_text
from tickler.dates import Clock
from tickler.exchange.csvfile import apostrophe_undone, read_records, spreadsheet_safe, write_cards
from tickler.setup import init_binder

FIXTURES = REPO / "tests" / "fixtures" / "contacts"


def fields(run: Run, card_id: str, root: Path | None = None) -> dict:  # type: ignore[type-arg]
    shown = run("show", card_id, "--json", root=root) if root else run("show", card_id, "--json")
    assert shown.exit_code == 0, shown
    return json.loads(shown.stdout)["fields"]  # type: ignore[no-any-return]


def csv_round_trip(run: Run, root: Path, tmp_path: Path, name: str = "back") -> Path:
    """Export ``root`` as CSV and import it into an empty binder: the same files, byte for byte."""
    exported = tmp_path / f"{name}.csv"
    assert run("export", "csv", "--output", str(exported), root=root).exit_code == 0
    empty = tmp_path / name
    init_binder(empty, git=False)
    result = run("import", "csv", str(exported), root=empty)
    assert result.exit_code == 0 and "warning" not in result.stderr, result
    assert card_files(empty) == card_files(root)
    for path in card_files(root):
        assert (empty / path).read_bytes() == (root / path).read_bytes(), path
    return exported


# --------------------------------------------------------------------------- the CSV round trip


def test_the_sample_binder_round_trips_byte_for_byte(run: Run, tmp_path: Path) -> None:
    exported = csv_round_trip(run, REPO, tmp_path)
    text = exported.read_text()
    assert "next: 2026-11-23 15:30      # follow-up date, optionally with a time" in text  # comments travel
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(card_files(REPO)) >= 12
    lucia = next(r for r in rows if r["id"] == "lucia-rossi")
    assert lucia["tags"] == "[retail]" and lucia["products"] == "[shoes]"  # lists as lists
    assert "- 2025-02-11 purchase 95.00: insoles" in lucia["card: body"]  # the Log travels


# fmt: off
VARIED = {
    "cards/crlf.md": (
        "---\r\nname: Windows Card\r\nphone: +7 495 000-00-01\r\n---\r\n# Windows Card\r\n\r\nNotes.\r\n"
    ),
    "cards/typed.md": (
        "---\nname: Typed Values\ncadence: 30\nfixed: true\nscore: 4.5\nvip: no\ncode: '007'\n"
        "time: '15:30'\nmeta: {source: fair, year: 2026}\n"
        "address: ['Roma, Via Appia 1', 'Milano, Via Dante 2']\n"
        "tags: [b2b, 'a, b']\nempty:\n---\n# Typed Values\n"
    ),
    "cards/formulas.md": (
        "---\nname: '=HYPERLINK(\"http://evil.example\")'\ncompany: '@SUM(A1:A9)'\ntitle: +CMD\nrole: -2+3\n"
        'phone: +7 916 555-66-77\nbalance: -12.5\nnote: "\\tindented"\nquoted: "\'=x"\n---\n'
        "# Formulas\n\n=1+1 in the notes\n"
    ),
    "days/05/logged.md": (
        "---\nname: Logged Customer   # a comment\nnext: 2026-12-05 09:30\n# a line of comment\n"
        'owner: anna\naction: meet\n---\n# Logged Customer\n\nNotes with "quotes", commas; and: colons.\n\n'
        "## Offers\n- offer 1\n\n## Log\n- 2026-11-01 call: first\n"
        "- 2026-11-20 14:05 purchase 100.00: order\n"
    ),
    "months/02/unicode.md": (
        "---\nname: Ольга Ünïcode 山田\nnext: 2027-02-14\nbirthday: --02-29\nanniversary: 1999-06-26\n---\n"
        "# Ольга\n\nЗаметки.\n\n## Log\n"
    ),
}
# fmt: on


def test_cards_of_every_shape_round_trip_byte_for_byte(run: Run, tmp_path: Path) -> None:
    root = tmp_path / "varied"
    init_binder(root, git=False)
    for path, text in VARIED.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(text.encode())
    exported = csv_round_trip(run, root, tmp_path)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(exported.read_text()))}
    evil = rows["formulas"]
    assert evil["name"].startswith("'=HYPERLINK") and evil["company"] == "'@SUM(A1:A9)"
    assert (evil["title"], evil["role"]) == ("'+CMD", "'-2+3")  # + and - followed by more than a number
    assert (evil["phone"], evil["balance"]) == ("+7 916 555-66-77", "-12.5")  # a phone, a number: as they are
    assert evil["note"] == "'\tindented" and evil["quoted"] == "''=x"
    typed = rows["typed"]
    assert (typed["cadence"], typed["fixed"], typed["vip"], typed["code"]) == ("30", "true", "false", '"007"')
    assert typed["address"] == "['Roma, Via Appia 1', 'Milano, Via Dante 2']"  # several addresses, apart
    again = run("import", "csv", str(exported), root=tmp_path / "back")
    assert "0 new, 0 updated, 5 unchanged" in again.stderr


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+CMD|' /C calc'!A0", "'+CMD|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-", "'-"),
        ("'=x", "''=x"),  # one apostrophe away from a formula: import takes exactly one off
        ("+7 495 123-45-67", "+7 495 123-45-67"),
        ("+1 (202) 555-0100", "+1 (202) 555-0100"),
        ("-12.5", "-12.5"),
        ("'quoted", "'quoted"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_no_cell_runs_as_a_formula(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe
    assert apostrophe_undone(safe) == cell


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12)
_KEY = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True).filter(lambda k: k not in ("id", "name"))
_VALUE = st.one_of(
    _TEXT,
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.lists(_TEXT, min_size=1, max_size=3),
    st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), _TEXT, min_size=1, max_size=2),
)
_BODY = st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30), max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_TEXT.filter(lambda n: n.strip()),
    values=st.dictionaries(_KEY, _VALUE, max_size=5),
    notes=_BODY,
    edit=st.sampled_from(["", "company", "tags"]),
)
def test_property_export_and_import_give_the_card_back(
    name: str, values: dict[str, object], notes: list[str], edit: str
) -> None:
    """Any card tickler writes comes back byte for byte from its CSV row; a cell a spreadsheet
    changed changes only that key's line."""
    try:
        card = Card.parse(new_text({"name": name, **values}, "\n".join(notes)))
    except Exception:  # a value the card format refuses (a control character...): not a card
        return
    buffer = io.StringIO()
    write_cards([Filed("the-card", "cards", card)], buffer)
    read = read_records(buffer.getvalue(), Clock(dt.date(2026, 11, 23)), {})
    assert not read.bad and read.layout == "tickler export"
    (record,) = read.records
    assert record.text == card.text and record.card_id == "the-card"
    if edit:
        rows = list(csv.reader(io.StringIO(buffer.getvalue())))
        rows[1][rows[0].index(edit)] = "[edited, in a sheet]" if edit == "tags" else "Edited Ltd"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        (edited,) = read_records(out.getvalue(), Clock(dt.date(2026, 11, 23)), {}).records
        assert edited.text is not None
        changed = Card.parse(edited.text)
        assert changed.get(edit) == (["edited", "in a sheet"] if edit == "tags" else "Edited Ltd")
        kept = [line for line in card.text.splitlines() if not line.startswith(f"{edit}:")]
        assert [line for line in edited.text.splitlines() if not line.startswith(f"{edit}:")] == kept


def test_a_backup_brings_back_log_entries_a_card_lost(run: Run, tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    backup = tmp_path / "backup.csv"
    assert run("export", "csv", "--output", str(backup), root=root).exit_code == 0
    card = root / "cards/lucia-rossi.md"
    text = card.read_text()
    card.write_text(text.replace("- 2025-02-11 purchase 95.00: insoles\n", ""))
    result = run("import", "csv", str(backup), root=root)
    others = len(card_files(REPO)) - 1
    assert (
        f"0 new, 1 updated, {others} unchanged" in result.stderr
        and "updated: lucia-rossi (Log)" in result.stdout
    )
    assert card.read_text() == text


# --------------------------------------------------------------------------- foreign files


def test_a_foreign_file_never_takes_ticklers_own_keys(binder: Path, run: Run, tmp_path: Path) -> None:
    source = tmp_path / "crm.csv"
    source.write_text(
        "Name,ACTION,id,owner,NEXT,Fixed,cadence,Next call\n"
        "Ivan Petrov,visit,77,boris,soon,true,30,2026-12-01\n"
        "Olga Smirnova,call,78,anna,tomorrow,false,60,2026-12-02\n"
    )
    dry = run("import", "csv", str(source), "--dry-run")
    assert "  ACTION     ->  source_action (tickler's own 'action' is set only by --map 'ACTION=action')" in (
        dry.stdout
    )
    assert "  Next call  ->  next (every value is a date)" in dry.stdout
    assert run("import", "csv", str(source)).exit_code == 0
    assert fields(run, "ivan-petrov") == {
        "name": "Ivan Petrov",
        "source_action": "visit",
        "source_id": "77",
        "source_owner": "boris",
        "source_next": "soon",
        "source_fixed": "true",
        "source_cadence": "30",
        "next": "2026-12-01",
    }
    assert card_files(binder) == ["days/01/ivan-petrov.md", "days/02/olga-smirnova.md"]
    mapped = run("import", "csv", str(source), "--map", "owner=owner", "--map", "ACTION=action")
    assert mapped.exit_code == 0 and (fields(run, "olga")["owner"], fields(run, "olga")["action"]) == (
        "anna",
        "call",
    )


def test_a_next_call_column_is_next_only_when_every_value_is_a_date(
    binder: Path, run: Run, tmp_path: Path
) -> None:
    source = tmp_path / "звонки.csv"
    source.write_text("ФИО;Следующий звонок\nПетров Иван;05.12.2026\nСидорова Анна;после праздников\n")
    dry = run("import", "csv", str(source), "--dry-run")
    assert (
        "Следующий звонок  ->  следующий_звонок (not every value is a date; --map "
        "'Следующий звонок=next' reads them as next)" in dry.stdout
    )
    assert run("import", "csv", str(source)).exit_code == 0
    assert fields(run, "петров")["следующий_звонок"] == "05.12.2026" and "next" not in fields(run, "петров")
    dates = tmp_path / "даты.csv"
    dates.write_text("ФИО;Следующий звонок\nПетров Иван;05.12.2026\nСидорова Анна;07.12.2026\n")
    assert run("import", "csv", str(dates)).exit_code == 0
    assert fields(run, "сидорова")["next"] == "2026-12-07"


def test_the_column_names_people_use(binder: Path, run: Run, tmp_path: Path) -> None:
    cases = {
        "org.csv": ("first_name,last_name,org,zip,city\nIvan,Petrov,Romashka,101000,Moscow\n", "ivan-petrov"),
        "organisation.csv": (
            "Name,Organisation,Postcode,Town\nAnn Lee,Lee Ltd,EH1 1AA,Edinburgh\n",
            "ann-lee",
        ),
        "organization.csv": (
            "Name,Organization,Street,PLZ\nHans Ott,Ott AG,Ringstraße 1,80331\n",
            "hans-ott",
        ),
        "индекс.csv": ("ФИО;Адрес;Индекс\nОрлов Пётр;Москва, ул. Ленина, 5;101000\n", "орлов-пётр"),
        "p_code.csv": ("name,street,city,p_code\nSven Olsen,Bryggen 3,Bergen,5003\n", "sven-olsen"),
    }
    found = {}
    for name, (text, card_id) in cases.items():
        (tmp_path / name).write_text(text)
        result = run("import", "csv", str(tmp_path / name))
        assert result.exit_code == 0 and "--map" not in result.stderr, (name, result)
        found[name] = fields(run, card_id)
    assert found["org.csv"] == {"name": "Ivan Petrov", "company": "Romashka", "address": "Moscow, 101000"}
    assert found["organisation.csv"]["address"] == "Edinburgh, EH1 1AA"  # in the address's own order
    assert (found["organization.csv"]["company"], found["organization.csv"]["address"]) == (
        "Ott AG",
        "Ringstraße 1, 80331",
    )
    assert found["индекс.csv"]["address"] == "Москва, ул. Ленина, 5, 101000"
    assert found["p_code.csv"]["address"] == "Bryggen 3, Bergen, 5003"


def test_rejects_file_holds_what_was_skipped_with_its_reason(binder: Path, run: Run, tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "Name,Email,Phone,Notes\n"
        "Ivan Petrov,ivan@p.example,,\n"
        ",,,only a note\n"  # nothing to reach them by
        "Too,Many,Cells,Here,Extra\n"
        ",orders@shop.example,,\n"  # a lead: named by its email
    )
    rejects = tmp_path / "rejects.csv"
    dry = run("import", "csv", str(source), "--rejects", str(rejects), "--dry-run")
    assert dry.exit_code == 0 and "2 new, 0 updated, 0 unchanged, 2 skipped" in dry.stderr
    assert list(csv.reader(io.StringIO(rejects.read_text()))) == [
        ["Name", "Email", "Phone", "Notes", "skipped because"],
        [
            "",
            "",
            "",
            "only a note",
            "line 3: nothing to reach them by (no name, company, email, number, website, IM or address)",
        ],
        ["Too", "Many", "Cells", "Here", "Extra", "line 4: 5 cells but 4 columns"],
    ]
    assert run("import", "csv", str(source), "--rejects", str(rejects)).exit_code == 0
    assert card_files(binder) == ["cards/ivan-petrov.md", "cards/orders.md"]
    again = run("import", "csv", str(rejects))  # the reason column is never a key
    assert again.exit_code == 0 and "reason" not in (binder / "cards/ivan-petrov.md").read_text()
    vcards = tmp_path / "rejects.vcf"
    result = run("import", "vcard", str(FIXTURES / "android.vcf"), "--rejects", str(vcards))
    assert result.exit_code == 0 and f"wrote {vcards}" in result.stderr
    text = vcards.read_bytes().decode()
    assert text == (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nCATEGORIES:My Contacts\r\n"
        f"X-TICKLER-SKIPPED:{FIXTURES / 'android.vcf'}:44: nothing to reach them by (no name\\, company\\, "
        "email\\, number\\, website\\, IM or address)\r\nEND:VCARD\r\n"
    )
    notes = tmp_path / "rejects.txt"
    vault = FIXTURES / "obsidian"
    assert run("import", "notes", str(vault), "--rejects", str(notes)).exit_code == 0
    assert notes.read_text().startswith(f"{vault}/Clients/broken.md: the front matter cannot be read")
    assert len(notes.read_text().splitlines()) == 1


def test_the_import_report_counts_new_updated_unchanged_skipped(
    binder: Path, run: Run, tmp_path: Path
) -> None:
    source = tmp_path / "base.csv"
    source.write_text("Name,Email,Title\nIvan Petrov,ivan@p.example,buyer\nOlga Smirnova,olga@s.example,\n")
    assert "2 new, 0 updated, 0 unchanged, 0 skipped" in run("import", "csv", str(source)).stderr
    source.write_text(
        "Name,Email,Title\nIvan Petrov,ivan@p.example,director\nOlga Smirnova,olga@s.example,\n"
        "Anna Li,anna@l.example,\n,,\nTwo,Many,Cells,Here\n"
    )
    result = run("import", "csv", str(source))
    assert "1 new, 1 updated, 1 unchanged, 1 skipped" in result.stderr
    assert "updated: ivan-petrov (title)" in result.stdout


# --------------------------------------------------------------------------- other layouts


def test_export_csv_in_googles_layout(run: Run, tmp_path: Path) -> None:
    root = tmp_path / "b"
    init_binder(root, git=False)
    assert run("import", "vcard", str(FIXTURES / "iphone.vcf"), root=root).exit_code == 0
    assert run("import", "csv", str(FIXTURES / "google-utf16.csv"), root=root).exit_code == 0
    out = tmp_path / "google.csv"
    assert run("export", "csv", "--layout", "google", "--output", str(out), root=root).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    header = list(rows[0])
    assert header[:17] == [
        "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
        "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
        "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels",
    ]  # fmt: skip
    assert "Phone 7 - Value" in header and "Phone 8 - Value" not in header  # as many as a card needs
    chi = next(r for r in rows if r["First Name"] == "Dr.")
    assert (chi["Phone 4 - Label"], chi["Phone 4 - Value"]) == ("Home Fax", "+234 1 555 0104")
    assert (chi["Phone 7 - Label"], chi["Address 2 - Label"]) == ("Assistant", "Work")
    assert (chi["Relation 1 - Label"], chi["Relation 1 - Value"]) == ("Manager", "Ngozi Adeyemi")
    assert (chi["Custom Field 1 - Label"], chi["Custom Field 1 - Value"]) == ("First order", "2012-04-21")
    back = tmp_path / "back"
    init_binder(back, git=False)
    result = run("import", "csv", str(out), root=back)
    assert result.exit_code == 0 and "read as" not in result.stdout
    for card_id in ("priya-raman",):
        want, got = fields(run, card_id, root), fields(run, card_id, back)
        for key in ("company", "phone", "fax", "pager", "phone_kinds", "email", "address", "address_kinds"):
            assert got[key] == want[key], key
        assert (got["spouse"], got["anniversary"], got["birthday"]) == ("Arun Raman", "2003-02-10", "--08-15")


def test_export_csv_in_outlooks_layout(run: Run, tmp_path: Path) -> None:
    root = tmp_path / "b"
    init_binder(root, git=False)
    assert run("import", "csv", str(FIXTURES / "german-outlook.csv"), root=root).exit_code == 0
    assert run("import", "csv", str(FIXTURES / "google-utf16.csv"), root=root).exit_code == 0
    out = tmp_path / "outlook.csv"
    result = run("export", "csv", "--layout", "outlook", "--output", str(out), root=root)
    assert result.exit_code == 0
    assert "cards/priya-raman.md: Outlook keeps no birthday without a year; --08-15 left out" in result.stderr
    assert (
        "cards/priya-raman.md: Outlook's layout has no column for im, source_owner; left out" in result.stderr
    )
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfTitle,First Name,Middle Name,Last Name,Suffix,Company,")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    weiss = next(r for r in rows if r["Last Name"] == "Weiß")
    assert (weiss["Mobile Phone"], weiss["Business Phone"], weiss["Home Phone"]) == (
        "+49 171 555 0199",
        "+49 221 555 010",
        "+49 228 555 040",
    )
    assert (weiss["Business Fax"], weiss["Home Fax"], weiss["Birthday"]) == (
        "+49 221 555 019",
        "+49 228 555 044",
        "3/14/1966",
    )
    assert (weiss["Business Street"], weiss["Home Street"]) == (
        "Industriestraße 4, Köln, 50667, Deutschland",
        "Lindenweg 9, Bonn, 53111, Deutschland",
    )
    back = tmp_path / "back"
    init_binder(back, git=False)
    assert run("import", "csv", str(out), root=back).exit_code == 0
    want, got = fields(run, "jürgen-weiß", root), fields(run, "jürgen-weiß", back)
    for key in ("name_prefix", "company", "title", "phone", "fax", "phone_kinds", "address", "address_kinds"):
        assert got[key] == want[key], key


# --------------------------------------------------------------------------- vCard kinds


def test_vcard_export_writes_each_numbers_and_addresss_kind(binder: Path, run: Run, tmp_path: Path) -> None:
    write_card(
        binder,
        "cards",
        "ranked",
        "---\nname: Ranked Numbers\nphone: [+1 555 0100, +1 555 0101, +1 555 0102]\nfax: +1 555 0109\n"
        "phone_kinds: {work: [+1 555 0100, +1 555 0109], home: +1 555 0101, mobile: +1 555 0102}\n"
        "address: [1 Main St, 2 Elm St]\naddress_kinds: {work: 1 Main St, home: 2 Elm St}\n---\n# Ranked\n",
    )
    exported = tmp_path / "all.vcf"
    assert run("export", "vcard", "--output", str(exported)).exit_code == 0
    text = exported.read_bytes().decode()
    assert "TEL;TYPE=WORK,PREF:+1 555 0100\r\n" in text  # ranked above the mobile by the rep
    assert "TEL;TYPE=HOME,PREF:+1 555 0101\r\n" in text
    assert "TEL;TYPE=CELL:+1 555 0102\r\n" in text and "TEL;TYPE=WORK,FAX:+1 555 0109\r\n" in text
    assert "ADR;TYPE=WORK:;;1 Main St;;;;\r\n" in text and "ADR;TYPE=HOME:;;2 Elm St;;;;\r\n" in text
    phone = tmp_path / "phone.vcf"
    phone.write_bytes(re.sub(r"^X-TICKLER-CARD:.*\r\n(?: .*\r\n)*", "", text, flags=re.M).encode())
    other = tmp_path / "other"
    init_binder(other, git=False)
    assert run("import", "vcard", str(phone), root=other).exit_code == 0
    got = fields(run, "ranked-numbers", other)
    assert got["phone"] == ["+1 555 0100", "+1 555 0101", "+1 555 0102"]  # the rep's order kept
    assert got["address_kinds"] == {"work": "1 Main St", "home": "2 Elm St"}


# --------------------------------------------------------------------------- anniversaries


def test_anniversaries_beside_birthdays_in_today_and_agenda(binder: Path, run: Run) -> None:
    write_card(binder, "cards", "wed", "---\nname: Tom Fischer\nanniversary: 1994-11-26\n---\n# Tom\n")
    write_card(binder, "cards", "born", "---\nname: Ruth Fischer\nbirthday: 1970-11-25\n---\n# Ruth\n")
    write_card(binder, "days/24", "due", "---\nname: Due Card\nnext: 2026-11-24\nanniversary: --11-24\n---\n")
    assert run("check").exit_code == 0  # tickler sees the folders once: the footer then comes from that
    before = snapshot(binder)
    lines = run("today", "--all", today="2026-11-23").stdout.splitlines()
    assert lines[-2:] == [
        "Birthdays: Ruth Fischer (Wed 25 Nov, 56)",
        "Anniversaries: Due Card (Tue 24 Nov); Tom Fischer (Thu 26 Nov, 32 years)",
    ]
    agenda = run("agenda", "--days", "4", "--all", today="2026-11-23").stdout
    assert "anniversary: Tom Fischer (32)" in agenda and "birthday: Ruth Fischer (56)" in agenda
    card = binder / "cards/wed.md"
    card.write_text(card.read_text().replace("1994-11-26", "1994-11-27"))  # a hand edit
    assert "Tom Fischer (Fri 27 Nov, 32 years)" in run("today", "--all", today="2026-11-23").stdout
    card.write_text(card.read_text().replace("1994-11-27", "1994-11-26"))
    assert snapshot(binder) == before  # today and agenda only looked (their view sits in .tickler/)
