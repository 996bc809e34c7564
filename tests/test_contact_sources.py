"""The exports of phones, mail programs and converters: every contact becomes a card, every field
lands under its key, a second import changes no byte, and both exports give the cards back.

The fixtures (tests/fixtures/contacts, written by make_sources.py, see its README) follow the
published layouts of Android, BlackBerry, Evolution, Gmail, iPhone, Lotus Notes, Mac Address
Book, Outlook's vCard 2.1 and Outlook 2007, Thunderbird, WhatsApp, a Ukrainian card in
Windows-1251, a German Outlook CSV, Google's CSV in UTF-16, Google's older CSV, an Outlook-style
CSV and a converter's CSV. For each: where every field lands, exactly; the warnings (file and
line); a second import that changes nothing; ``export csv`` and ``export vcard`` into an empty
binder giving the same files byte for byte; and a phone that keeps only a vCard's standard
properties still giving the same contact fields.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Run, card_files, snapshot

from tickler.card import Card
from tickler.setup import init_binder

FIXTURES = REPO / "tests" / "fixtures" / "contacts"
# What a vCard's standard properties carry (the rest travels in X-TICKLER-CARD).
CONTACT_KEYS = (
    "name", "name_prefix", "name_suffix", "nickname", "company", "department", "title", "role", "phone",
    "fax", "pager", "assistant_phone", "telex", "tty", "phone_kinds", "email", "address", "address_kinds",
    "website", "birthday", "anniversary", "im", "spouse", "manager", "assistant", "tags",
)  # fmt: skip


def fields(run: Run, root: Path, card_id: str) -> dict[str, Any]:
    shown = run("show", card_id, "--json", root=root)
    assert shown.exit_code == 0, shown
    return json.loads(shown.stdout)["fields"]  # type: ignore[no-any-return]


def mapping_of(dry_run: str) -> dict[str, str]:
    """The column -> key lines ``--dry-run`` prints."""
    found = (line.strip().partition("  ->  ") for line in dry_run.splitlines() if "  ->  " in line)
    return {column.strip(): key for column, _, key in found}


def cards(root: Path) -> dict[str, Card]:
    return {Path(p).stem: Card.parse((root / p).read_text(encoding="utf-8")) for p in card_files(root)}


def lands(
    run: Run,
    binder: Path,
    tmp_path: Path,
    kind: str,
    name: str,
    expected: dict[str, dict[str, Any]],
    notes: dict[str, str],
    warnings: tuple[str, ...] = (),
    counts: str = "",
) -> str:
    """Import the fixture ``name``: the cards and their fields are exactly ``expected`` (by id),
    their notes ``notes``; each warning is said (after the file name); a second import changes
    no byte; both exports round-trip. Returns the first import's stderr."""
    source = FIXTURES / name
    first = run("import", kind, str(source))
    assert first.exit_code == 0 and "Traceback" not in first.stderr, first
    for warning in warnings:
        assert f"{source}:{warning}" in first.stderr, (warning, first.stderr)
    if counts:
        assert f"{name}: {counts}" in first.stderr, first.stderr
    assert sorted(cards(binder)) == sorted(expected)
    for card_id, want in expected.items():
        assert fields(run, binder, card_id) == want, card_id
        assert cards(binder)[card_id].notes == notes.get(card_id, ""), card_id
    before = snapshot(binder)
    again = run("import", kind, str(source))
    assert again.exit_code == 0 and " 0 new, 0 updated" in again.stderr, again
    assert snapshot(binder) == before
    round_trips(run, binder, tmp_path)
    return first.stderr


def round_trips(run: Run, root: Path, tmp_path: Path) -> None:
    """``export csv`` and ``export vcard`` into empty binders give the same files, byte for byte;
    the vCard without tickler's own property gives the same contact fields and notes."""
    for kind in ("csv", "vcard"):
        exported = tmp_path / f"all.{kind}"
        assert run("export", kind, "--output", str(exported), root=root).exit_code == 0
        empty = tmp_path / f"from-{kind}"
        init_binder(empty, git=False)
        result = run("import", kind, str(exported), root=empty)
        assert result.exit_code == 0 and "warning" not in result.stderr, result
        assert card_files(empty) == card_files(root)
        for path in card_files(root):
            assert (empty / path).read_bytes() == (root / path).read_bytes(), (kind, path)
    text = (tmp_path / "all.vcard").read_bytes().decode()
    phone = tmp_path / "phone.vcf"
    phone.write_bytes(re.sub(r"^X-TICKLER-CARD:.*\r\n(?: .*\r\n)*", "", text, flags=re.M).encode())
    kept = tmp_path / "kept-by-a-phone"
    init_binder(kept, git=False)
    assert run("import", "vcard", str(phone), root=kept).exit_code == 0
    want, got = cards(root), cards(kept)
    assert sorted(c.name for c in want.values()) == sorted(c.name for c in got.values())
    by_name = {c.name: c for c in got.values()}
    for card in want.values():
        other = by_name[card.name]
        assert {k: card.get(k) for k in CONTACT_KEYS} == {k: other.get(k) for k in CONTACT_KEYS}, card.name
        assert other.notes == card.notes, card.name


# --------------------------------------------------------------------------- phones' vCards


def test_android_leads_with_only_an_email_or_a_phone(binder: Path, run: Run, tmp_path: Path) -> None:
    err = lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "android.vcf",
        {
            "orders": {"name": "orders", "email": "orders@stroymarket.example"},  # My Contacts is Google's
            "7-916-400-11-22": {
                "name": "+7 916 400-11-22",
                "phone": "+7 916 400-11-22",
                "phone_kinds": {"mobile": "+7 916 400-11-22"},
            },
            "антон-петров": {
                "name": "Антон Петров",
                "company": "ООО «Строймаркет»",  # quoted-printable UTF-8 across a soft line break
                "title": "Снабженец",
                "phone": ["+7 903 555-01-02", "+7 495 555-01-00"],  # CELL;PREF first
                "fax": "+7 495 555-01-09",  # never in the list a rep dials
                "phone_kinds": {
                    "mobile": "+7 903 555-01-02",
                    "work": ["+7 495 555-01-00", "+7 495 555-01-09"],
                },
                "email": "petrov@stroymarket.example",
                "website": "www.stroymarket.example",
                "spouse": "Ирина",  # X-ANDROID-CUSTOM relation 14
                "anniversary": "2009-06-20",  # X-ANDROID-CUSTOM event 1
            },
        },
        {},
        warnings=(
            "1: no name: named 'orders' after its email",
            "6: no name: named '+7 916 400-11-22' after its phone",
            "11: photo left out: a card keeps no pictures or other binary data",
            "44: nothing to reach them by (no name, company, email, number, website, IM or address); "
            "contact skipped",
        ),
        counts="3 new, 0 updated, 0 unchanged, 1 skipped",
    )
    assert "Traceback" not in err


def test_blackberry(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "blackberry.vcf",
        {
            "grant-miller": {
                "name": "Grant Miller",
                "company": "Miller Roofing",
                "phone": "+15125550142",
                "phone_kinds": {"mobile": "+15125550142"},
            }
        },
        {},  # an empty NOTE is no note
        warnings=("1: photo left out",),
    )
    text = (binder / "cards/grant-miller.md").read_text()
    assert "phone: '+15125550142'" in text  # quoted: YAML would read the digits as a number


def test_evolution(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "evolution.vcf",
        {
            "mr-erik-johan-karl-lindqvist-jr": {
                "name": "Mr. Erik Johan, Karl Lindqvist Jr.",  # FN, its escaped comma undone
                "name_prefix": "Mr.",
                "name_suffix": "Jr.",
                "nickname": "Ricky",
                "company": "Nordic Steel AB",
                "department": ["Purchasing", "Fasteners"],  # every unit of ORG
                "title": "Senior Buyer",
                "phone": ["+46 70 555 12 34", "+46 18 555 40 00"],  # folded lines joined
                "phone_kinds": {"mobile": "+46 70 555 12 34", "work": "+46 18 555 40 00"},
                "email": "erik.lindqvist@nordicsteel.example",
                "address": "Storgatan 5, PB 12, Uppsala, Uppland, 753 20, Sweden",
                "address_kinds": {"home": "Storgatan 5, PB 12, Uppsala, Uppland, 753 20, Sweden"},
                "website": "http://www.nordicsteel.example",
                "im": "aim:erik.lindqvist@aol.example",
                "tags": ["VIP"],
                "birthday": "1979-08-30",
                "anniversary": "2005-05-14",  # X-EVOLUTION-ANNIVERSARY
                "spouse": "Anna Lindqvist",
                "manager": "Lars Berg",
                "assistant": "Sofia Ek",
            }
        },  # no X-COUCHDB-..., X-EVOLUTION-FILE-AS, UID or REV: the program's bookkeeping
        {
            "mr-erik-johan-karl-lindqvist-jr": "Orders bolts and nuts every quarter, pays in 30 days. "
            "Asks for the catalogue in Swedish; send it by post."
        },
    )


def test_gmail(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "gmail.vcf",
        {
            "mr-walter-brooks-jr": {
                "name": "Mr. Walter Brooks Jr.",
                "name_prefix": "Mr.",
                "name_suffix": "Jr.",
                "company": "Prairie Farm Supply",
                "title": "Owner",
                "phone": ["+1 217 555 0148", "+1 217 555 0190"],
                "phone_kinds": {"home": "+1 217 555 0190", "mobile": "+1 217 555 0148"},
                "email": "walter.brooks@mail.example",
                "address": "Oak Lane 7, Suite 2, Springfield, IL 62704, USA",  # Gmail's lines, one line
                "address_kinds": {"home": "Oak Lane 7, Suite 2, Springfield, IL 62704, USA"},
                "website": "http://www.prairiefarm.example",  # http\://
                "im": "icq:204812",
                "birthday": "1961-05-02",
                "anniversary": "1998-09-12",  # X-ABDATE labelled _$!<Anniversary>!$_
                "spouse": "Martha Brooks",  # X-ABRELATEDNAMES labelled _$!<Spouse>!$_
            }
        },
        {"mr-walter-brooks-jr": "Buys seed in bulk before April.\nFavourite colour: green"},  # Color\: undone
    )


def test_iphone(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "iphone.vcf",
        {
            "dr-chinedu-emeka-okafor": {
                "name": "Dr. Chinedu Emeka Okafor",
                "name_prefix": "Dr.",
                "nickname": "Chi",
                "company": "Lagos Pharma Ltd",
                "department": "Sales",
                "title": "Regional Manager",
                "phone": ["+234 803 555 0101", "+234 1 555 0102", "+234 1 555 0103"],
                "fax": ["+234 1 555 0104", "+234 1 555 0105"],  # home fax and work fax, both kept
                "pager": "+234 1 555 0106",
                "assistant_phone": "+234 1 555 0107",  # item2 labelled _$!<AssistantPhone>!$_
                "phone_kinds": {
                    "home": ["+234 1 555 0102", "+234 1 555 0104"],
                    "mobile": "+234 803 555 0101",
                    "work": ["+234 1 555 0103", "+234 1 555 0105"],
                },
                "email": "c.okafor@lagospharma.example",
                "address": [
                    "12 Adeola Street, Flat 3, Lagos, 101241, Nigeria",
                    "Plot 5, Industrial Estate, Ikeja, Lagos, 100271, Nigeria",  # two addresses, apart
                ],
                "address_kinds": {
                    "home": "12 Adeola Street, Flat 3, Lagos, 101241, Nigeria",
                    "work": "Plot 5, Industrial Estate, Ikeja, Lagos, 100271, Nigeria",
                },
                "website": "http://www.lagospharma.example",
                "birthday": "1982-11-03",
                "first_order": "2012-04-21",  # an X-ABDATE with a label of the rep's own
                "manager": "Ngozi Adeyemi",
            }
        },
        {"dr-chinedu-emeka-okafor": "Visits the Ikeja warehouse on Tuesdays."},
        warnings=("1: photo left out",),
    )


def test_lotus_notes_profile_line_never_drops_the_contact(binder: Path, run: Run, tmp_path: Path) -> None:
    err = lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "lotus-notes.vcf",
        {
            "ms-helen-marie-brandt-ii": {
                "name": "Ms. Helen Marie Brandt II",
                "name_prefix": "Ms.",
                "name_suffix": "II",
                "nickname": "Lena,Leni",
                "company": "Brandt Logistics",
                "department": "Warehousing",
                "title": "Operations Lead",
                "role": "Runs the night shift",
                "phone": "+49 (170) 555-0198",
                "fax": "00-49-40-555-0100",
                "phone_kinds": {"mobile": "+49 (170) 555-0198", "work": "00-49-40-555-0100"},
                "email": ["h.brandt@brandt-logistics.example", "helen.b@mail.example"],
                "address": "Elbchaussee 12, Haus B, Hamburg, Hamburg, 22763, Germany",  # not the LABEL too
                "address_kinds": {"home": "Elbchaussee 12, Haus B, Hamburg, Hamburg, 22763, Germany"},
                "website": "http://www.brandt-logistics.example",
                "birthday": "1977-02-11",
                "geo": "53.55;9.99",  # no key of its own: kept under its name
                "tz": "+01:00",
                "mailer": "Lotus Notes 8.5",
                "long_string": "1234567890" * 10,  # an X- property, without its X-
            }
        },
        {"ms-helen-marie-brandt-ii": 'Prefers "early" calls, before 9.\nAsks for "net 30" terms.'},
        warnings=("3: 'PROFILE:VCard' cannot be read; that line left out", "1: photo left out"),
        counts="1 new, 0 updated, 0 unchanged, 0 skipped",
    )
    assert err.count("left out") == 2


def test_mac_address_book(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "mac-address-book.vcf",
        {
            "claire-moreau": {
                "name": "Claire Moreau",
                "name_prefix": "Mme",
                "nickname": "Clé",
                "company": "Café Lumière",
                "department": "Kitchen",
                "title": "Head Chef",
                # the work number is the preferred one: first; then the mobile; then the rest
                "phone": ["+33 1 55 55 01 10", "+33 6 55 55 01 12", "+33 1 55 55 01 11"],
                "fax": ["+33 1 55 55 01 13", "+33 1 55 55 01 14"],
                "pager": "+33 1 55 55 01 15",
                "assistant_phone": "+33 1 55 55 01 16",  # labelled AssistantPhone
                "phone_kinds": {
                    "home": ["+33 1 55 55 01 11", "+33 1 55 55 01 13"],
                    "mobile": "+33 6 55 55 01 12",
                    "work": ["+33 1 55 55 01 10", "+33 1 55 55 01 14"],
                },
                "email": "claire@cafe-lumiere.example",
                "address": [
                    "8 Rue des Lilas, Paris, 75011, France",  # Apple's trailing comma left out
                    "14 Quai de la Tournelle, Cour B, Paris, 75005, France",
                ],
                "address_kinds": {
                    "home": "8 Rue des Lilas, Paris, 75011, France",
                    "work": "14 Quai de la Tournelle, Cour B, Paris, 75005, France",
                },
                "website": "http://www.cafe-lumiere.example",
                "birthday": "1984-12-01",
                "spouse": "Julien Moreau",  # a plain label, Spouse
            }
        },
        {"claire-moreau": "Orders flour and butter weekly.\nFavourite wine: Chablis"},
        warnings=("1: photo left out",),
    )


def test_outlook_vcard_21(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "outlook-2.1.vcf",
        {
            "mr-robert-james-hale-sr": {
                "name": "Mr. Robert James Hale Sr.",
                "name_prefix": "Mr.",
                "name_suffix": "Sr.",
                "nickname": "Bob",
                "company": "Hale Hardware",
                "department": "Accounting",
                "title": "Controller",
                "role": "Keeps the books",
                "phone": ["(518) 555-0120", "(518) 555-0121"],
                "phone_kinds": {"home": "(518) 555-0121", "work": "(518) 555-0120"},
                "email": "rob.hale@halehardware.example",
                "address": [
                    "12 Main St, Albany, NY, 12207, United States of America",
                    "40 Elm St, Albany, NY, 12203, United States of America",
                ],
                "address_kinds": {
                    "home": "40 Elm St, Albany, NY, 12203, United States of America",
                    "work": "12 Main St, Albany, NY, 12207, United States of America",
                },
                "website": "http://www.halehardware.example",
                "im": "rob.hale@im.example",  # X-MS-IMADDRESS
                "birthday": "1975-03-22",  # 19750322
                "anniversary": "2001-06-16",  # X-MS-ANNIVERSARY:20010616
                "manager": "Dorothy Hale",
                "assistant": "Jenny Lee",
            }
        },  # no X-MS-OL-DESIGN, X-MS-OL-DEFAULT-POSTAL-ADDRESS, REV
        {
            "mr-robert-james-hale-sr": "Pays on the 5th of the month. "
            "Call the office line, never the home one."
        },
        warnings=("1: photo left out",),
    )


def test_outlook_2007(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "outlook-2007.vcf",
        {
            "ms-lucia-ortega": {
                "name": "Ms. Lucia Ortega",
                "name_prefix": "Ms.",
                "nickname": "Lu",
                "company": "Ortega Textiles",
                "department": "Export",
                "title": "Export Manager",
                "role": "Signs the export papers",
                "phone": ["(917) 555-0133", "(212) 555-0131", "(212) 555-0132"],
                "fax": "(212) 555-0134",
                "phone_kinds": {  # X-MS-TEL says the mobile is the callback number too
                    "callback": "(917) 555-0133",
                    "home": "(212) 555-0132",
                    "mobile": "(917) 555-0133",
                    "work": ["(212) 555-0131", "(212) 555-0134"],
                },
                "email": "lucia@ortega-textiles.example",
                "address": "222 Broadway, Floor 9, New York, NY, 10038, USA",
                "address_kinds": {"work": "222 Broadway, Floor 9, New York, NY, 10038, USA"},
                "website": ["http://lucia-ortega.example", "http://www.ortega-textiles.example"],
                "im": "lucia.ortega@im.example",
                "birthday": "1980-07-09",
                "anniversary": "2015-08-01",
                "spouse": "Diego Ortega",
                "manager": "Ramon Ortega",
                "assistant": "Pia Novak",
                "fburl": "http://calendar.ortega-textiles.example/lucia",
            }
        },
        {"ms-lucia-ortega": "Samples go by courier.\nShe decides with her partner."},
        warnings=("1: key, photo left out: a card keeps no pictures or other binary data",),
    )


def test_thunderbird_categories_are_three_tags(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "thunderbird.vcf",
        {
            "tom-fischer": {
                "name": "Tom Fischer",
                "nickname": "Tommy",
                "company": "Harbour Boats",
                "department": "Sales",
                "title": "Sales Director",
                "phone": ["+1 207 555 0163", "+1 207 555 0161", "+1 207 555 0162"],
                "fax": "+1 207 555 0164",
                "pager": "+1 207 555 0165",
                "phone_kinds": {
                    "home": "+1 207 555 0162",
                    "mobile": "+1 207 555 0163",
                    "work": "+1 207 555 0161",
                },
                "email": [
                    "tom@harbourboats.example",
                    "sales@harbourboats.example",
                    "tom.fischer@mail.example",
                ],
                "address": [
                    "Suite 4, 100 Harbour Rd, Portland, ME, 04101, USA",
                    "Apt 3, 2 Bay View, Falmouth, ME, 04105, USA",
                ],
                "address_kinds": {
                    "home": "Apt 3, 2 Bay View, Falmouth, ME, 04105, USA",
                    "work": "Suite 4, 100 Harbour Rd, Portland, ME, 04101, USA",
                },
                "website": ["http://tomfischer.example", "http://www.harbourboats.example"],
                "tags": ["boats", "wholesale", "maine"],  # CATEGORIES:boats\, wholesale\, maine
                "birthday": "1968-10-02",
                "anniversary": "1994-07-09",  # X-ANNIVERSARY
                "spouse": "Ruth Fischer",  # X-SPOUSE
            }
        },
        {"tom-fischer": "Met at the boat show.\nWants the winter prices.\n\nCall after 10."},
        warnings=("1: photo left out",),
    )


def test_whatsapp_shared_contacts(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "whatsapp.vcf",
        {
            "ahmed-karimov": {
                "name": "Ahmed Karimov",
                "phone": "+998 90 123 45 67",
                "phone_kinds": {"mobile": "+998 90 123 45 67"},
            },
            "tashkent-textile": {
                "name": "Tashkent Textile",
                "company": "Tashkent Textile",
                "phone": "+998 71 234 56 78",
                "phone_kinds": {"ish": "+998 71 234 56 78"},  # a label in the phone's language, kept
                "wa_biz_name": "Tashkent Textile",
                "wa_biz_description": "Cotton fabric wholesale, delivery across Central Asia",
            },
        },
        {},
    )


def test_a_ukrainian_card_in_windows_1251(binder: Path, run: Run, tmp_path: Path) -> None:
    assert "Київ".encode("cp1251") in (FIXTURES / "ukrainian-cp1251.vcf").read_bytes()
    lands(
        run,
        binder,
        tmp_path,
        "vcard",
        "ukrainian-cp1251.vcf",
        {
            "олександр-коваленко": {
                "name": "Олександр Коваленко",
                "company": "ТОВ «Київхліб»",
                "department": "Відділ збуту",
                "title": "Менеджер з продажу",
                "phone": ["+380 67 123 45 67", "+380 44 234 56 78"],
                "phone_kinds": {"mobile": "+380 67 123 45 67", "work": "+380 44 234 56 78"},
                "email": "o.kovalenko@kyivkhlib.example",
                "address": "вул. Хрещатик, 22, Київ, 01001, Україна",  # its bare comma kept in the street
                "address_kinds": {"work": "вул. Хрещатик, 22, Київ, 01001, Україна"},
                "birthday": "1980-04-17",
            }
        },
        {"олександр-коваленко": "Дзвонити після обіду, цікавиться житнім хлібом."},
    )


# --------------------------------------------------------------------------- CSV files


def test_german_outlook(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "csv",
        "german-outlook.csv",
        {
            "jürgen-weiß": {
                "name": "Jürgen Weiß",
                "name_prefix": "Herr",  # Anrede
                "company": "Weiß Metallbau GmbH",
                "department": "Einkauf",
                "title": "Einkaufsleiter",  # Position
                "role": "Ingenieur",  # Beruf
                "birthday": "1966-03-14",  # 14.3.1966; Jahrestag 0.0.00 is no date
                "assistant": "Aylin Özdemir",
                "manager": "Dr. Hoffmann",
                "spouse": "Sabine Weiß",  # Partner
                "phone": ["+49 171 555 0199", "+49 221 555 010", "+49 228 555 040"],
                "fax": ["+49 221 555 019", "+49 228 555 044"],  # Fax geschäftlich and Fax privat
                "phone_kinds": {
                    "home": ["+49 228 555 040", "+49 228 555 044"],
                    "mobile": "+49 171 555 0199",
                    "work": ["+49 221 555 010", "+49 221 555 019"],
                },
                "email": "j.weiss@weiss-metallbau.example",
                "website": "www.weiss-metallbau.example",
                "tags": ["Großkunde", "Metall"],
                "address": [
                    "Industriestraße 4, Köln, 50667, Deutschland",
                    "Lindenweg 9, Bonn, 53111, Deutschland",
                ],
                "address_kinds": {
                    "home": "Lindenweg 9, Bonn, 53111, Deutschland",
                    "work": "Industriestraße 4, Köln, 50667, Deutschland",
                },
            },  # no Priorität, Privat, Vertraulichkeit, Initialen, E-Mail-Typ, Geschlecht "Nicht angegeben"
            "bäckerei-krüger": {
                "name": "Bäckerei Krüger",  # only a company and a phone: a lead, named by its company
                "company": "Bäckerei Krüger",
                "phone": "+49 30 555 0177",
                "phone_kinds": {"work": "+49 30 555 0177"},
            },
        },
        {"jürgen-weiß": "Bevorzugt Anrufe vormittags."},
        warnings=("3: no name: named 'Bäckerei Krüger' after its company",),
    )


def test_google_csv_in_utf16(binder: Path, run: Run, tmp_path: Path) -> None:
    assert (FIXTURES / "google-utf16.csv").read_bytes()[:2] == b"\xff\xfe"
    lands(
        run,
        binder,
        tmp_path,
        "csv",
        "google-utf16.csv",
        {
            "priya-raman": {
                "name": "Priya Raman",
                "company": "Chennai Spices",
                "title": "Founder",
                "birthday": "--08-15",
                "phone": ["+91 98400 55501", "+91 44 5550 1100"],  # its label says Mobile: first
                "fax": "+91 44 5550 1109",  # Work Fax
                "pager": "+91 44 5550 1108",
                "phone_kinds": {
                    "mobile": "+91 98400 55501",
                    "work": ["+91 44 5550 1100", "+91 44 5550 1109"],
                },
                "email": "priya@chennaispices.example",
                "tags": ["Suppliers"],
                "im": "skype:priya.raman",
                "address": [
                    "14 Anna Salai, Chennai, Tamil Nadu, 600002, India",
                    "3 Beach Road, Chennai, 600041, India",
                ],
                "address_kinds": {
                    "home": "3 Beach Road, Chennai, 600041, India",
                    "work": "14 Anna Salai, Chennai, Tamil Nadu, 600002, India",
                },
                "spouse": "Arun Raman",
                "manager": "Lakshmi Iyer",
                "anniversary": "2003-02-10",
                "source_owner": "kumar",  # a custom field named Owner never sets the owner
            }
        },
        {"priya-raman": "Ships cardamom by sea."},
    )


def test_google_older_csv(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "csv",
        "google-old-utf8.csv",
        {
            "marta-kowalska": {
                "name": "Marta Kowalska",
                "birthday": "1974-01-30",
                "company": "Kowalski Drewno",
                "title": "Kierownik zakupów",
                "department": "Zakupy",
                "phone": ["+48 601 555 012", "+48 22 555 01 20"],  # * Mobile: the primary one
                "fax": "+48 22 555 01 29",
                "phone_kinds": {
                    "mobile": "+48 601 555 012",
                    "work": ["+48 22 555 01 20", "+48 22 555 01 29"],
                },
                "email": ["m.kowalska@kowalski-drewno.example", "marta.k@poczta.example"],
                "website": "https://kowalski-drewno.example",
                "tags": ["Poland"],
                "im": "skype:marta.kowalska",
                "address": ["ul. Leśna 5, 05-500 Piaseczno, Polska", "ul. Polna 2, 00-001 Warszawa"],
                "address_kinds": {
                    "home": "ul. Polna 2, 00-001 Warszawa",
                    "work": "ul. Leśna 5, 05-500 Piaseczno, Polska",
                },
                "spouse": "Piotr Kowalski",
                "anniversary": "1999-06-26",
            }
        },
        {"marta-kowalska": "Wants pallets, not boxes."},
    )


def test_an_outlook_style_csv_never_takes_over_ticklers_keys(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "csv",
        "outlook-style.csv",
        {
            "fiona-macleod": {
                "name": "Fiona MacLeod",
                "source_id": "C-1042",  # ID, Next, Action, Owner: under source_ keys
                "company": "Leith Whisky Traders",
                "title": "Buyer",
                "birthday": "1979-04-23",  # 4/23/1979, month first
                "anniversary": "2007-09-01",
                "source_next": "call when the casks arrive",
                "source_action": "tasting",
                "source_owner": "jock",
                "phone": ["+44 7700 900456", "+44 131 555 0140"],
                "fax": ["+44 131 555 0148", "+44 131 555 0149"],  # Home Fax and Business Fax
                "phone_kinds": {
                    "home": "+44 131 555 0148",
                    "mobile": "+44 7700 900456",
                    "work": ["+44 131 555 0140", "+44 131 555 0149"],
                },
                "email": "fiona@leithwhisky.example",
                "tags": ["Spirits", "Scotland"],
                "address": [
                    "12 Rose Lane, Edinburgh EH1 1AA, United Kingdom",  # its lines, one line
                    "5 Harbour St, Leith, Edinburgh EH6 6AA, United Kingdom",
                ],
                "address_kinds": {
                    "home": "12 Rose Lane, Edinburgh EH1 1AA, United Kingdom",
                    "work": "5 Harbour St, Leith, Edinburgh EH6 6AA, United Kingdom",
                },
            }
        },
        {"fiona-macleod": "Tasting in March."},
    )
    assert card_files(binder) == ["cards/fiona-macleod.md"]  # no next, so no divider
    dry = run("import", "csv", str(FIXTURES / "outlook-style.csv"), "--dry-run")
    assert (
        mapping_of(dry.stdout)["Owner"]
        == "source_owner (tickler's own 'owner' is set only by --map 'Owner=owner')"
    )
    mapped = run("import", "csv", str(FIXTURES / "outlook-style.csv"), "--map", "Owner=owner")
    assert mapped.exit_code == 0 and fields(run, binder, "fiona-macleod")["owner"] == "jock"


def test_a_converters_csv(binder: Path, run: Run, tmp_path: Path) -> None:
    lands(
        run,
        binder,
        tmp_path,
        "csv",
        "converter.csv",
        {
            "sven-olsen": {
                "name": "Sven Olsen",  # first_name, last_name
                "source_id": "17",
                "company": "Olsen Fisk AS",  # org
                "title": "Daglig leder",
                "birthday": "1970-06-06",
                "next": "2026-12-07",  # Next call: every value is a date
                "source_cadence": "monthly",
                "source_fixed": "yes",
                "phone": ["+47 912 34 567", "+47 22 55 50 10"],
                "fax": "+47 22 55 50 19",
                "phone_kinds": {"mobile": "+47 912 34 567", "work": "+47 22 55 50 10"},
                "email": "sven@olsenfisk.example",
                "address": "Bryggen 3, Bergen, 5003, Norway",  # p_code is part of the address
            },
            "fjord-cargo": {
                "name": "Fjord Cargo",
                "source_id": "18",
                "company": "Fjord Cargo",
                "next": "2026-12-09",
                "phone": "+47 55 55 50 20",
                "phone_kinds": {"work": "+47 55 55 50 20"},
            },
        },
        {"sven-olsen": "Salmon season starts in May."},
        warnings=("3: no name: named 'Fjord Cargo' after its company",),
    )
    assert card_files(binder) == ["days/07/sven-olsen.md", "days/09/fjord-cargo.md"]
    dry = run("import", "csv", str(FIXTURES / "converter.csv"), "--dry-run")
    assert mapping_of(dry.stdout)["Next call"] == "next (every value is a date)"


@pytest.mark.parametrize("name", ["android.vcf", "german-outlook.csv", "lotus-notes.vcf"])
def test_fixtures_are_what_make_sources_writes(name: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, str(FIXTURES / "make_sources.py"), str(tmp_path)], check=True)
    assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes()
