"""The dossier's files: attach and its refusals, show and print, a move that leaves the files
where they are, merge with clashing names, undo of an attach, check, and init --lfs. Through the
installed command on real git binders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import card_text, installed_tickler, snapshot, write_card

from tickler.dossier import free_name, safe_name, size_text
from tickler.git import GITATTRIBUTES
from tickler.setup import init_binder, lfs_attributes

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(
    TICKLER is None and not os.environ.get("CI"), reason="the tickler command is not installed"
)
PDF = b"%PDF-1.4\n% offer 12: 178.00 per cubic metre\n%%EOF\n"
SHEET = b"PK\x03\x04 a calculation, zipped as .xlsx files are\n"


def tk(
    root: Path, *args: str, code: int = 0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    assert TICKLER is not None
    full = {k: v for k, v in os.environ.items() if not k.startswith("TICKLER_")}
    full.update({"TICKLER_TODAY": "2026-11-23", **(env or {})})
    done = subprocess.run([TICKLER, *args], cwd=root, env=full, capture_output=True, text=True, timeout=60)
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


def changed_in_head(root: Path) -> list[str]:
    return sorted(git(root, "show", "--name-only", "--no-renames", "--format=", "HEAD").splitlines())


@pytest.fixture
def binder(tmp_path: Path) -> Path:
    """A git binder with Ivan's card (due on the 25th) committed."""
    root = tmp_path / "binder"
    init_binder(root, git=True)
    write_card(
        root,
        "days/25",
        "ivan-ivanov",
        card_text("Ivan Ivanov", "2026-11-25", "email: ivanov@romashka.example"),
    )
    git(root, "add", "days/25/ivan-ivanov.md")
    git(root, "commit", "-q", "-m", "Ivan's card")
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """The rep's downloads: the files to attach."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "offer.pdf").write_bytes(PDF)
    (folder / "Расчёт цены.xlsx").write_bytes(SHEET)
    return folder


# --------------------------------------------------------------------------- attach


def test_attach_copies_the_files_into_the_dossier_in_one_commit(binder: Path, outside: Path) -> None:
    done = tk(binder, "attach", "ivan", str(outside / "offer.pdf"), str(outside / "Расчёт цены.xlsx"))
    assert done.stdout == (
        "ivan-ivanov: files/ivan-ivanov/offer.pdf (50 B)\n"
        "ivan-ivanov: files/ivan-ivanov/Расчёт цены.xlsx (46 B)\n"
    )
    assert (binder / "files/ivan-ivanov/offer.pdf").read_bytes() == PDF
    assert (binder / "files/ivan-ivanov/Расчёт цены.xlsx").read_bytes() == SHEET
    assert (
        git(binder, "log", "-1", "--format=%s")
        == "tickler attach: ivan-ivanov: offer.pdf, Расчёт цены.xlsx\n"
    )
    assert changed_in_head(binder) == ["files/ivan-ivanov/offer.pdf", "files/ivan-ivanov/Расчёт цены.xlsx"]
    assert git(binder, "status", "--porcelain") == ""
    shown = json.loads(tk(binder, "show", "ivan", "--json").stdout)
    assert shown["files"] == ["files/ivan-ivanov/offer.pdf", "files/ivan-ivanov/Расчёт цены.xlsx"]
    assert shown["path"] == "days/25/ivan-ivanov.md"
    text = tk(binder, "show", "ivan").stdout
    assert text.endswith(
        "\nFiles (files/ivan-ivanov/):\n  offer.pdf         50 B\n  Расчёт цены.xlsx  46 B\n"
    ), text

    # The same file again is not copied twice; another file of the same name gets a suffix.
    before = head(binder)
    again = tk(binder, "attach", "ivan", str(outside / "offer.pdf"))
    assert again.stdout == "ivan-ivanov: files/ivan-ivanov/offer.pdf is there already\n"
    assert head(binder) == before
    (outside / "v2").mkdir()
    (outside / "v2" / "Offer.PDF").write_bytes(PDF + b"revised\n")
    second = tk(binder, "attach", "ivan-ivanov", str(outside / "v2" / "Offer.PDF"))
    assert (
        second.stdout == "ivan-ivanov: files/ivan-ivanov/Offer-2.PDF (58 B)\n"
    )  # a case-blind disk's clash too
    assert (binder / "files/ivan-ivanov/offer.pdf").read_bytes() == PDF  # never overwritten


def test_attach_refuses_a_link_a_folder_a_pipe_and_a_big_file_and_changes_nothing(
    binder: Path, outside: Path
) -> None:
    (outside / "link.pdf").symlink_to(outside / "offer.pdf")
    os.mkfifo(outside / "pipe.pdf")
    (outside / "scan.pdf").write_bytes(b"x" * 2_500)
    (binder / "tickler.toml").write_text('attach_limit = "2 KB"\n')
    git(binder, "add", "tickler.toml")
    git(binder, "commit", "-q", "-m", "a small limit")
    before, files = head(binder), snapshot(binder)
    good = str(outside / "offer.pdf")
    cases = {
        "link.pdf": "is a symbolic link; attach the file it points to, not the link; nothing was attached",
        "Downloads": "is a folder; attach the files in it; nothing was attached",
        "pipe.pdf": "is a pipe or a device, not a file; nothing was attached",
        "scan.pdf": "is 2.5 KB, over attach_limit (2.0 KB); raise attach_limit in tickler.toml to attach it; "
        "nothing was attached",
        "missing.pdf": "no such file; nothing was attached",
    }
    for name, why in cases.items():
        bad = outside if name == "Downloads" else outside / name
        done = tk(binder, "attach", "ivan", good, str(bad), code=1)  # the good one first: checked all before
        assert done.stderr == f"tickler: error: {bad}: {why}\n", done.stderr
        assert head(binder) == before and snapshot(binder) == files
        assert not (binder / "files").exists()
    (binder / "tickler.toml").write_text('attach_limit = "lots"\n')
    done = tk(binder, "attach", "ivan", good, code=1)
    assert done.stderr == (
        f"tickler: error: {binder / 'tickler.toml'}: 'attach_limit' must be a size like "
        '"25 MB", "500 KB" or "1 GB"\n'
    )
    assert not (binder / "files").exists()


def test_a_files_folder_that_is_a_link_is_never_written_through(
    binder: Path, outside: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (binder / "files").symlink_to(elsewhere)
    done = tk(binder, "attach", "ivan", str(outside / "offer.pdf"), code=1)
    assert "files/ivan-ivanov/ is a symbolic link; tickler never writes through one" in done.stderr
    assert list(elsewhere.iterdir()) == []
    checked = tk(binder, "check", code=1)
    assert "symlink: files: is a symbolic link; tickler never writes through one\n" in checked.stdout


def test_names_given_by_the_user_are_made_safe(binder: Path, outside: Path) -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\anna\\offer.pdf") == "offer.pdf"
    assert safe_name("in\x1b[31mvoice.pdf") == "in[31mvoice.pdf"
    assert safe_name("invoice\u202efdp.exe") == "invoicefdp.exe"  # no right-to-left override
    assert safe_name("..hidden") == "hidden"
    assert safe_name("a:b*c?.pdf") == "a-b-c-.pdf"
    assert safe_name("con.txt") == "con-file.txt"
    assert safe_name("  .  ") == "file"
    long = safe_name("счёт " * 80 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode("utf-8")) <= 200
    assert free_name("offer.pdf", {"offer.pdf", "offer-2.pdf"}) == "offer-3.pdf"
    assert free_name("README", {"readme"}) == "README-2"
    assert size_text(999) == "999 B" and size_text(84_300) == "84 KB" and size_text(3_200_000) == "3.2 MB"
    odd = outside / "notes\x07 of the call.txt"
    odd.write_text("called twice\n")
    done = tk(binder, "attach", "ivan", str(odd))
    assert done.stdout == "ivan-ivanov: files/ivan-ivanov/notes of the call.txt (13 B)\n"


def test_a_move_leaves_the_files_where_they_are(binder: Path, outside: Path) -> None:
    tk(binder, "attach", "ivan", str(outside / "offer.pdf"))
    tk(binder, "move", "ivan", "2027-02-10")
    status, *paths = git(binder, "show", "-M", "--name-status", "--format=", "HEAD").rstrip("\n").split("\t")
    assert status.startswith("R") and paths == ["days/25/ivan-ivanov.md", "months/02/ivan-ivanov.md"]
    diff = git(binder, "show", "-M", "--unified=0", "--format=", "HEAD").splitlines()
    assert [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-next: 2026-11-25",
        "+next: 2027-02-10",
    ]
    assert (binder / "files/ivan-ivanov/offer.pdf").read_bytes() == PDF
    shown = json.loads(tk(binder, "show", "ivan", "--json").stdout)
    assert shown["path"] == "months/02/ivan-ivanov.md" and shown["files"] == ["files/ivan-ivanov/offer.pdf"]


# --------------------------------------------------------------------------- merge, undo, check


def test_merge_moves_the_other_cards_files_and_never_overwrites(binder: Path, outside: Path) -> None:
    write_card(binder, "cards", "ivan-ivanov-2", card_text("Ivan Ivanov", None, "phone: +7 916 555-66-77"))
    git(binder, "add", "cards")
    git(binder, "commit", "-q", "-m", "a second card")
    tk(binder, "attach", "ivan-ivanov", str(outside / "offer.pdf"), str(outside / "Расчёт цены.xlsx"))
    their_offer = outside / "theirs" / "offer.pdf"
    their_offer.parent.mkdir()
    their_offer.write_bytes(b"%PDF-1.4\n% the other rep's offer\n")
    tk(binder, "attach", "ivan-ivanov-2", str(their_offer), str(outside / "Расчёт цены.xlsx"))
    mail = binder / "files/ivan-ivanov-2/mail"
    mail.mkdir()
    (mail / "2026-11-02-1010-price-list.eml").write_bytes(b"Subject: price list\n\nhere\n")
    git(binder, "add", "files")
    git(binder, "commit", "-q", "-m", "kept by hand")

    done = tk(binder, "merge", "ivan-ivanov", "ivan-ivanov-2")
    assert done.stdout.splitlines()[2:] == [
        "  files/ivan-ivanov-2/offer.pdf -> files/ivan-ivanov/offer-2.pdf",
        # the same bytes in both: kept once
        "  files/ivan-ivanov-2/Расчёт цены.xlsx -> files/ivan-ivanov/Расчёт цены.xlsx",
        "  files/ivan-ivanov-2/mail/2026-11-02-1010-price-list.eml -> "
        "files/ivan-ivanov/mail/2026-11-02-1010-price-list.eml",
    ]
    assert (binder / "files/ivan-ivanov/offer.pdf").read_bytes() == PDF
    assert (binder / "files/ivan-ivanov/offer-2.pdf").read_bytes() == their_offer.read_bytes()
    assert not (binder / "files/ivan-ivanov-2").exists()
    assert changed_in_head(binder) == [
        "cards/ivan-ivanov-2.md",
        "days/25/ivan-ivanov.md",
        "files/ivan-ivanov-2/mail/2026-11-02-1010-price-list.eml",
        "files/ivan-ivanov-2/offer.pdf",
        "files/ivan-ivanov-2/Расчёт цены.xlsx",
        "files/ivan-ivanov/mail/2026-11-02-1010-price-list.eml",
        "files/ivan-ivanov/offer-2.pdf",
    ]
    assert git(binder, "status", "--porcelain") == ""
    # undo gives the other card its files back, and takes the moved ones from KEEP.
    tk(binder, "undo")
    assert (binder / "files/ivan-ivanov-2/offer.pdf").read_bytes() == their_offer.read_bytes()
    assert (binder / "files/ivan-ivanov-2/mail/2026-11-02-1010-price-list.eml").exists()
    kept = sorted(p.name for p in (binder / "files/ivan-ivanov").rglob("*") if p.is_file())
    assert kept == [
        "offer.pdf",
        "Расчёт цены.xlsx",
    ]  # (undo leaves the emptied mail/ folder, git does not see it)


def test_undo_takes_back_an_attach(binder: Path, outside: Path) -> None:
    card_before = (binder / "days/25/ivan-ivanov.md").read_bytes()
    tk(binder, "attach", "ivan", str(outside / "offer.pdf"), str(outside / "Расчёт цены.xlsx"))
    done = tk(binder, "undo")
    assert done.stdout.splitlines()[0].endswith("tickler attach: ivan-ivanov: offer.pdf, Расчёт цены.xlsx")
    assert not (binder / "files/ivan-ivanov/offer.pdf").exists()
    assert not (binder / "files/ivan-ivanov/Расчёт цены.xlsx").exists()
    assert git(binder, "ls-tree", "-r", "--name-only", "HEAD", "files") == ""
    assert (binder / "days/25/ivan-ivanov.md").read_bytes() == card_before
    assert git(binder, "status", "--porcelain") == ""
    assert json.loads(tk(binder, "show", "ivan", "--json").stdout)["files"] == []


def test_check_reports_a_files_folder_whose_card_is_gone_and_fix_keeps_it(
    binder: Path, outside: Path
) -> None:
    tk(binder, "attach", "ivan", str(outside / "offer.pdf"))
    write_card(binder, "cards", "olga", "---\nname: [Olga\n---\n")  # malformed, but there: not stray
    (binder / "files/olga").mkdir()
    (binder / "files/olga/notes.txt").write_text("hers\n")
    git(binder, "rm", "-q", "days/25/ivan-ivanov.md")
    git(binder, "commit", "-q", "-m", "deleted by hand")
    done = tk(binder, "check", code=1)
    stray = [line for line in done.stdout.splitlines() if line.startswith("stray")]
    assert stray == [
        "stray: files/ivan-ivanov/: no card 'ivan-ivanov' for these files; move them to their card's "
        "files/ID/ (or attach them again) and remove the folder"
    ]
    tk(binder, "check", "--fix", code=1)
    assert (binder / "files/ivan-ivanov/offer.pdf").read_bytes() == PDF
    assert (binder / "files/olga/notes.txt").exists()
    found = json.loads(tk(binder, "check", "--json", code=1).stdout)
    assert {"kind": "stray", "path": "files/ivan-ivanov/", "line": None, "message": stray[0][27:]} in found


def test_print_shows_the_dossier_on_the_cards_page(binder: Path, outside: Path) -> None:
    tk(binder, "attach", "ivan", str(outside / "offer.pdf"), str(outside / "Расчёт цены.xlsx"))
    tk(binder, "log", "ivan", "out: Коммерческое предложение № 12", "--kind", "email")
    html = tk(binder, "print", "2026-11-25").stdout
    assert (
        '<h2>Dossier: files/ivan-ivanov/</h2><ul class="files"><li>offer.pdf (50 B)</li>'
        "<li>Расчёт цены.xlsx (46 B)</li></ul>"
    ) in html
    assert (
        '<h2>Last messages</h2><ul class="log"><li>2026-11-23 out Коммерческое предложение № 12</li></ul>'
        in html
    )


# --------------------------------------------------------------------------- git LFS


def _path_without_git_lfs(tmp_path: Path) -> str:
    """A PATH that has git but no git-lfs, whatever this machine has installed."""
    bin_dir = tmp_path / "bin-no-lfs"
    bin_dir.mkdir()
    git_path = shutil.which("git")
    assert git_path is not None
    (bin_dir / "git").symlink_to(git_path)
    return str(bin_dir)


def test_init_lfs_without_git_lfs_says_so_and_leaves_gitattributes_alone(tmp_path: Path) -> None:
    done = tk(tmp_path, "init", "binder", "--lfs", env={"PATH": _path_without_git_lfs(tmp_path)})
    assert (
        "tickler: warning: git lfs is not installed, so nothing was set up for it (.gitattributes is "
        in done.stderr
    )
    assert (tmp_path / "binder/.gitattributes").read_text() == GITATTRIBUTES
    assert git(tmp_path / "binder", "log", "--format=%s") == "tickler init\n"


def test_init_lfs_with_git_lfs_sends_the_dossiers_usual_types_to_it(tmp_path: Path, outside: Path) -> None:
    """git lfs stood in for by a script that answers as it does and records being installed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "lfs-calls"
    fake = bin_dir / "git-lfs"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {record}\n[ "$1" = version ] && echo "git-lfs/3.4.1"\nexit 0\n')
    fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = tk(tmp_path, "init", "binder", "--lfs", env=env)
    assert "git LFS: 25 file types under files/ now go to git LFS" in done.stderr
    root = tmp_path / "binder"
    text = (root / ".gitattributes").read_text()
    assert text.startswith(GITATTRIBUTES)
    assert "files/**/*.[pP][dD][fF] filter=lfs diff=lfs merge=lfs -text\n" in text
    assert "files/**/*.[xX][lL][sS][xX] filter=lfs diff=lfs merge=lfs -text\n" in text
    assert "files/**/*.7[zZ] filter=lfs diff=lfs merge=lfs -text\n" in text
    assert text.splitlines()[-len(lfs_attributes()) :] == lfs_attributes()
    assert record.read_text() == "version\ninstall --local\n"
    assert git(root, "log", "--format=%s") == "tickler init: git LFS for the dossier's files\ntickler init\n"
    attrs = git(
        root, "check-attr", "filter", "--", "files/ivan/OFFER.PDF", "files/ivan/notes.txt", "cards/a.md"
    )
    assert attrs.splitlines() == [
        "files/ivan/OFFER.PDF: filter: lfs",
        "files/ivan/notes.txt: filter: unspecified",
        "cards/a.md: filter: unspecified",
    ]
    again = tk(tmp_path, "init", "binder", "--lfs", env=env)  # a second run adds nothing
    assert "git LFS: the dossier's files go to git LFS" in again.stderr
    assert (root / ".gitattributes").read_text() == text
    assert git(root, "log", "--format=%s").count("\n") == 2
