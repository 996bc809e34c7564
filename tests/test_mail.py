"""``import mail`` from each of the four sources (an .eml file, a folder of them, an mbox file, a
Maildir), with Cyrillic subjects in quoted-printable and base64 as mail clients write them,
through the installed command on real git binders: the Log entries, the kept messages, a message
to two customers logged on both, idempotence, --new, --me, --dry-run, unreadable messages, and
an email counting as a contact for keep-in-touch cadences.

The messages in tests/fixtures/mail/ (Anna Sokolova of Vektor is the rep):

- 01-offer.eml: Thunderbird, CRLF line ends, a folded UTF-8 base64 subject, multipart/mixed with a
  multipart/alternative body and a PDF; from Anna to Ivan, Cc Olga (two customers).
- 02-reply.eml: Outlook, KOI8-R quoted-printable subject and bodies, sent at 07:15 in Berlin
  (+0100), which is 09:15 here; from Ivan to Anna.
- 03-request.eml: The Bat!, windows-1251 base64 subject and body, from someone with no card.
- 04-newsletter.eml: a shop's mailing list from noreply@.
- 05-no-subject.eml: no Subject header, an 8bit windows-1251 body; from Olga, her address in
  another case than on her card.
- 06-not-mail.eml: a picture saved as .eml by mistake.
"""

from __future__ import annotations

import json
import mailbox
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, card_text, installed_tickler, snapshot, write_card

from tickler.setup import init_binder

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(
    TICKLER is None and not os.environ.get("CI"), reason="the tickler command is not installed"
)
MAIL = REPO / "tests" / "fixtures" / "mail"
ZONE = "MSK-3"  # Moscow time, UTC+3 all year; a POSIX zone, so no time zone database is needed

IVAN = "ivan-ivanov"
OLGA = "ольга-смирнова"
OFFER = "- 2026-11-20 10:02 email: out: Коммерческое предложение № 12"
REPLY = "- 2026-11-23 09:15 email: in: Re: Коммерческое предложение N 12"
NO_SUBJECT = "- 2026-11-22 18:40 email: in: (no subject) Добрый день! Пришлите, пожалуйста, счёт на оплату,…"
KEPT = [
    "files/ivan-ivanov/mail/2026-11-20-1002-коммерческое-предложение-12.eml",
    "files/ivan-ivanov/mail/2026-11-23-0915-re-коммерческое-предложение-n-12.eml",
    "files/ольга-смирнова/mail/2026-11-20-1002-коммерческое-предложение-12.eml",
    "files/ольга-смирнова/mail/2026-11-22-1840-no-subject.eml",
]
EVERYTHING = [  # what the whole set logs, in the order it is read (the files' names, an mbox's order)
    f"{IVAN}: {OFFER}",
    f"{OLGA}: {OFFER}",
    f"{IVAN}: {REPLY}",
    f"{OLGA}: {NO_SUBJECT}",
]


def tk(root: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    assert TICKLER is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKLER_")}
    env.update({"TICKLER_TODAY": "2026-11-23", "TZ": ZONE})
    done = subprocess.run([TICKLER, *args], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == code, done
    assert "Traceback" not in done.stderr
    return done


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "core.quotepath=false", *args], cwd=root, capture_output=True, text=True, check=True
    )
    return done.stdout


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def log_of(root: Path, card_id: str) -> list[str]:
    shown = json.loads(tk(root, "show", card_id, "--json").stdout)
    text = (root / shown["path"]).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.startswith("- ")]


@pytest.fixture
def binder(tmp_path: Path) -> Path:
    """A git binder with two customers at Romashka: Ivan (two emails, one in capitals) and Olga.
    The rep is Anna, the binder's owner."""
    root = tmp_path / "binder"
    init_binder(root, git=True)
    (root / "tickler.toml").write_text('owner = "anna@vektor.example"\n')
    write_card(
        root,
        "days/25",
        IVAN,
        card_text("Ivan Ivanov", "2026-11-25", "email: [Ivanov@Romashka.example, ivan@home.example]"),
    )
    write_card(root, "cards", OLGA, card_text("Ольга Смирнова", None, "email: o.smirnova@romashka.example"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "two customers")
    return root


def import_twice(root: Path, source: Path, expected_stdout: list[str]) -> subprocess.CompletedProcess[str]:
    """Import, check the one commit; import again: nothing changes, nothing is committed."""
    before = head(root)
    first = tk(root, "import", "mail", str(source))
    assert first.stdout.splitlines() == expected_stdout
    assert git(root, "rev-list", "--count", f"{before}..HEAD") == "1\n"
    assert git(root, "status", "--porcelain") == ""
    after, files = head(root), snapshot(root)
    second = tk(root, "import", "mail", str(source))
    assert second.stdout == ""
    assert "0 logged on 0 cards" in second.stderr
    assert head(root) == after and snapshot(root) == files
    return first


def kept_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "files").rglob("*.eml"))


# --------------------------------------------------------------------------- the four sources


def test_an_eml_file(binder: Path) -> None:
    first = import_twice(binder, MAIL / "02-reply.eml", [f"{IVAN}: {REPLY}"])
    assert (
        first.stderr
        == "02-reply.eml: 1 message: 1 logged on 1 card, 0 already imported, 0 matching no card, 0 skipped\n"
    )
    assert log_of(binder, IVAN) == [REPLY]
    kept = binder / KEPT[1]
    assert kept.read_bytes() == (MAIL / "02-reply.eml").read_bytes()  # kept as it came
    assert (
        git(binder, "log", "-1", "--format=%s") == "tickler import mail: 02-reply.eml: 1 message on 1 card\n"
    )
    assert sorted(git(binder, "show", "--name-only", "--format=", "HEAD").splitlines()) == [
        "days/25/ivan-ivanov.md",
        KEPT[1],
    ]
    undone = tk(binder, "undo")  # takes the import back: the Log entry and the kept message
    assert undone.stdout.splitlines()[0].endswith("tickler import mail: 02-reply.eml: 1 message on 1 card")
    assert log_of(binder, IVAN) == [] and not kept.exists()
    assert git(binder, "status", "--porcelain") == ""


def test_a_folder_of_eml_files_and_a_message_to_two_customers(binder: Path) -> None:
    first = import_twice(binder, MAIL, EVERYTHING)
    assert first.stderr == (
        f"tickler: warning: {MAIL / '06-not-mail.eml'}: not a mail message: it has no From, To, Date or "
        "Subject header; message skipped\n"
        "mail: 5 messages: 3 logged on 2 cards, 0 already imported, "
        "2 matching no card (--new makes cards for their senders), 1 skipped\n"
    )
    assert log_of(binder, IVAN) == [OFFER, REPLY]
    assert log_of(binder, OLGA) == [OFFER, NO_SUBJECT]  # in date order
    assert kept_files(binder) == KEPT
    offer = (MAIL / "01-offer.eml").read_bytes()
    assert (binder / KEPT[0]).read_bytes() == offer and (binder / KEPT[2]).read_bytes() == offer
    assert sorted(git(binder, "show", "--name-only", "--format=", "HEAD").splitlines()) == sorted(
        ["cards/ольга-смирнова.md", "days/25/ivan-ivanov.md", *KEPT]
    )
    shown = json.loads(tk(binder, "show", "ivan", "--json").stdout)
    assert shown["files"] == KEPT[:2]
    page = tk(binder, "show", "ivan").stdout
    assert page.endswith(
        "Files (files/ivan-ivanov/):\n"
        "  mail/  2 messages\n"
        "Last messages:\n"
        "  2026-11-23 09:15  in   Re: Коммерческое предложение N 12\n"
        "  2026-11-20 10:02  out  Коммерческое предложение № 12\n"
    ), page


def _mbox(path: Path, names: list[str], broken_at: int | None = None) -> None:
    """An mbox as Thunderbird keeps one: a ``From `` line before each message, LF line ends, a
    body line starting with "From " quoted as ">From "."""
    parts = []
    for number, name in enumerate(names, 1):
        if number == broken_at:
            parts.append(
                b"From MAILER-DAEMON Sat Nov 21 03:12:09 2026\nthis line is no header\n\nnor this\n\n"
            )
        raw = (MAIL / name).read_bytes().replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
        parts.append(
            b"From - Mon Nov 23 10:00:00 2026\nX-Mozilla-Status: 0001\n" + raw.rstrip(b"\n") + b"\n\n"
        )
    path.write_bytes(b"".join(parts))


def test_an_mbox_file_with_a_broken_message_and_the_same_mail_from_another_source(
    binder: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "Inbox"
    _mbox(inbox, ["01-offer.eml", "02-reply.eml", "03-request.eml", "05-no-subject.eml"], broken_at=3)
    first = import_twice(binder, inbox, EVERYTHING)
    assert first.stderr == (
        f"tickler: warning: {inbox}: message 3: not a mail message: it has no From, To, Date or Subject "
        "header; message skipped\n"
        "Inbox: 4 messages: 3 logged on 2 cards, 0 already imported, "
        "1 matching no card (--new makes cards for their senders), 1 skipped\n"
    )
    assert log_of(binder, IVAN) == [OFFER, REPLY]
    assert log_of(binder, OLGA) == [OFFER, NO_SUBJECT]
    assert kept_files(binder) == KEPT
    kept = (binder / KEPT[1]).read_bytes()
    assert kept.startswith(b"X-Mozilla-Status: 0001\nReturn-Path: <ivanov@romashka.example>\n")
    # The same messages as .eml files: known by their Message-ID, nothing changes.
    before, files = head(binder), snapshot(binder)
    again = tk(binder, "import", "mail", str(MAIL))
    assert again.stdout == ""
    assert "mail: 5 messages: 0 logged on 0 cards, 3 already imported" in again.stderr
    assert head(binder) == before and snapshot(binder) == files


def test_a_maildir_with_its_sent_folder(binder: Path, tmp_path: Path) -> None:
    """The inbox holds what came in; the sent mail is in the Maildir++ folder .Sent. The offer is
    in both (Anna had put herself in Bcc): it is taken once."""
    root = tmp_path / "Maildir"
    box = mailbox.Maildir(root, factory=None, create=True)
    sent = box.add_folder("Sent")
    sent.add(mailbox.MaildirMessage((MAIL / "01-offer.eml").read_bytes()))
    for name in ("01-offer.eml", "02-reply.eml", "04-newsletter.eml", "05-no-subject.eml"):
        message = mailbox.MaildirMessage((MAIL / name).read_bytes())
        message.set_subdir("cur")
        message.add_flag("S")
        box.add(message)
    box.add(mailbox.MaildirMessage(b"From: nobody\n"))  # lands in new/: read too
    first = tk(binder, "import", "mail", str(root))
    assert sorted(first.stdout.splitlines()) == sorted(EVERYTHING)
    warnings = [line for line in first.stderr.splitlines() if line.startswith("tickler: warning: ")]
    assert len(warnings) == 1 and f"{root}: message " in warnings[0]
    assert warnings[0].endswith(": no address in From, To or Cc; message skipped")
    assert first.stderr.splitlines()[-1] == (
        "Maildir: 5 messages: 3 logged on 2 cards, 1 already imported, "
        "1 matching no card (--new makes cards for their senders), 1 skipped"
    )
    assert log_of(binder, IVAN) == [OFFER, REPLY]
    assert log_of(binder, OLGA) == [OFFER, NO_SUBJECT]
    assert kept_files(binder) == KEPT
    after, files = head(binder), snapshot(binder)
    second = tk(binder, "import", "mail", str(root))
    assert second.stdout == "" and head(binder) == after and snapshot(binder) == files


# --------------------------------------------------------------------------- options


def test_new_makes_cards_for_senders_but_not_for_robots_or_the_rep(binder: Path, tmp_path: Path) -> None:
    private = tmp_path / "private.eml"
    private.write_text(
        "From: Anna <anna.sokolova@home.example>\nTo: friend@home.example\n"
        "Date: Sat, 21 Nov 2026 20:00:00 +0300\nMessage-ID: <private-1@home.example>\n"
        "Subject: Cinema tonight?\n\nAt eight?\n"
    )
    folder = tmp_path / "export"
    shutil.copytree(MAIL, folder)
    shutil.copy(private, folder / "07-private.eml")
    dry = tk(
        binder, "import", "mail", str(folder), "--new", "--me", "anna.sokolova@home.example", "--dry-run"
    )
    assert "would be created: пётр-васильев (p.vasiliev@lesnik.example)" in dry.stdout
    assert "(dry run: nothing changed)" in dry.stderr and not (binder / "files").exists()
    assert git(binder, "status", "--porcelain", "--untracked-files=all") == ""
    done = tk(binder, "import", "mail", str(folder), "--new", "--me", "anna.sokolova@home.example")
    assert done.stdout.splitlines()[0] == "created: пётр-васильев (p.vasiliev@lesnik.example)"
    assert "пётр-васильев: - 2026-11-21 12:30 email: in: Запрос цены на поставку" in done.stdout
    assert done.stderr.splitlines()[-1] == (
        "export: 6 messages: 4 logged on 3 cards, 0 already imported, 2 matching no card, 1 skipped"
    )
    card = (binder / "cards/пётр-васильев.md").read_text()
    assert card.startswith("---\nname: Пётр Васильев\nemail: p.vasiliev@lesnik.example\n---\n")
    assert not list((binder / "cards").glob("lumber*")) and not list((binder / "cards").glob("anna*"))
    assert (
        git(binder, "log", "-1", "--format=%s")
        == "tickler import mail: export: 4 messages on 3 cards, 1 new card\n"
    )
    again = tk(binder, "import", "mail", str(folder), "--new", "--me", "anna.sokolova@home.example")
    assert again.stdout == "" and "4 already imported" in again.stderr


def test_direction_is_out_from_the_rep_and_in_from_a_customer(binder: Path, tmp_path: Path) -> None:
    """Ivan forwards the offer to Olga: in on both cards. The rep writes from an address that is
    also on Ivan's card (a shared home account, say): --me says it is hers, so it went out."""
    forward = tmp_path / "forward.eml"
    forward.write_text(
        "From: Ivan Ivanov <ivanov@romashka.example>\nTo: o.smirnova@romashka.example\n"
        "Date: Tue, 24 Nov 2026 08:00:00 +0300\nMessage-ID: <fw-1@romashka.example>\n"
        "Subject: Fw: offer\n\nsee below\n"
    )
    done = tk(binder, "import", "mail", str(forward))
    assert done.stdout.splitlines() == [
        f"{IVAN}: - 2026-11-24 08:00 email: in: Fw: offer",
        f"{OLGA}: - 2026-11-24 08:00 email: in: Fw: offer",
    ]
    mine = tmp_path / "mine.eml"
    mine.write_text(
        "From: Anna <ivan@home.example>\nTo: o.smirnova@romashka.example\n"
        "Date: Tue, 24 Nov 2026 11:30:00 +0300\nMessage-ID: <mine-1@home.example>\n"
        "Subject: delivery\n\nTuesday\n"
    )
    done = tk(binder, "import", "mail", str(mine), "--me", "Ivan@Home.example")
    assert done.stdout.splitlines() == [
        f"{IVAN}: - 2026-11-24 11:30 email: out: delivery",
        f"{OLGA}: - 2026-11-24 11:30 email: out: delivery",
    ]
    bad = tk(binder, "import", "mail", str(mine), "--me", "anna", code=1)
    assert bad.stderr == "tickler: error: --me 'anna': give an email address, e.g. --me anna@firm.example\n"


def test_what_cannot_be_imported_is_an_error_that_changes_nothing(binder: Path, tmp_path: Path) -> None:
    before, files = head(binder), snapshot(binder)
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = {
        tmp_path / "missing.mbox": "no such file or folder",
        empty: "holds no .eml files and is not a Maildir (it has no cur/ and new/)",
    }
    for path, why in cases.items():
        done = tk(binder, "import", "mail", str(path), code=1)
        assert done.stderr == f"tickler: error: {path}: {why}\n"
    assert head(binder) == before and snapshot(binder) == files


def test_an_email_counts_as_a_contact_for_a_keep_in_touch_cadence(binder: Path) -> None:
    """Both customers are to get an email every month: Ivan wrote on the 23rd, so only Olga, who
    has had none, is filed for one by roll."""
    (binder / "tickler.toml").write_text(
        'owner = "anna@vektor.example"\n[cadence]\ndefault = ["email every 1 month"]\n'
    )
    tk(binder, "import", "mail", str(MAIL / "02-reply.eml"))
    rolled = tk(binder, "roll")
    assert rolled.stdout.splitlines() == [f"{OLGA}: no date -> 2026-11-23 (days/23/)  email due"], rolled
    assert json.loads(tk(binder, "show", "ivan", "--json").stdout)["next"] == "2026-11-25"
    activity = json.loads(tk(binder, "report", "activity", "--json", "--since", "2026-11-01").stdout)
    assert sum(rep["entries"].get("email", 0) for rep in activity) == 1


def test_today_does_not_load_the_mail_readers() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from tickler.cli import app\n"
        f"result = CliRunner().invoke(app, ['--binder', {str(REPO)!r}, 'today', '--all'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('email', 'mailbox')"
        " or m.endswith(('.mail', '.correspondence', '.dossier'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
