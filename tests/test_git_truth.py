"""What git holds is what the binder holds (DESIGN section 9), through the installed command on real
git binders: a hand drag, a hand edit, a failing command, a crash, a half-staged index, and the
small gaps found by hand, each the way a rep meets it.

After every scenario the same invariant is asserted: each card id is at exactly one path on disk
and at that same path in HEAD, and `git status` of the card folders is clean once tickler has
committed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import installed_tickler, snapshot

from tickler.layout import CARD_FOLDERS, card_id_of
from tickler.setup import init_binder

TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")
TODAY = "2026-11-23"


def tickler(
    root: Path, *args: str, today: str = TODAY, wrap: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TICKLER_TODAY": today, "NO_COLOR": "1", "HOME": str(root.parent)}
    env.pop("TICKLER_BINDER", None)
    if wrap:  # another user's repository: git must be told it is safe
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="safe.directory", GIT_CONFIG_VALUE_0="*")
    done = subprocess.run(
        [*(wrap or []), str(TICKLER), "--binder", str(root), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def ok(root: Path, *args: str, today: str = TODAY) -> str:
    done = tickler(root, *args, today=today)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def head_paths(root: Path, ref: str = "HEAD") -> dict[str, list[str]]:
    """Card id -> its paths in a commit."""
    found: dict[str, list[str]] = {}
    for rel in git(root, "ls-tree", "-r", "-z", "--name-only", ref, "--", "cards", "days", "months").split(
        "\0"
    ):
        card_id = card_id_of(rel)
        if card_id is not None:
            found.setdefault(card_id, []).append(rel)
    return found


def disk_paths(root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder in CARD_FOLDERS:
        if (root / folder).is_dir():
            for path in sorted((root / folder).iterdir()):
                rel = f"{folder}/{path.name}"
                card_id = card_id_of(rel)
                if card_id is not None and not path.name.startswith("."):
                    found.setdefault(card_id, []).append(rel)
    return found


def card_status(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all", "--", "cards", "days", "months")


def assert_git_is_the_binder(root: Path) -> None:
    """Every card once on disk, at the same single path in HEAD, nothing uncommitted."""
    disk, head = disk_paths(root), head_paths(root)
    assert all(len(p) == 1 for p in disk.values()), disk
    assert disk == head
    assert card_status(root) == ""


@pytest.fixture
def team_binder(tmp_path: Path) -> Path:
    root = tmp_path / "binder"
    init_binder(root)
    return root


def new(root: Path, name: str, when: str) -> str:
    card_id = ok(root, "new", name, "--next", when).strip()
    return card_id


# --------------------------------------------------------------------------- hand drags and undo


def test_undo_after_a_hand_drag_keeps_the_card_where_the_rep_dragged_it(team_binder: Path) -> None:
    root = team_binder
    card = new(root, "Drag Me", "2026-11-24")
    shutil.move(root / "days/24/drag-me.md", root / "days/30/drag-me.md")  # the editor's sidebar
    ok(root, "log", card, "after drag", "--next", "2026-11-26")
    # The drag is committed first, as the rep's own change; the log's commit is one rename.
    assert git(root, "log", "-2", "--format=%s").splitlines() == [
        "tickler log: drag-me -> 2026-11-26",
        "tickler: hand edits: drag-me",
    ]
    assert head_paths(root) == {"drag-me": ["days/26/drag-me.md"]}
    out = ok(root, "undo")
    assert "back as it was in days/30/drag-me.md" in out
    assert disk_paths(root) == {"drag-me": ["days/30/drag-me.md"]}
    assert head_paths(root) == {"drag-me": ["days/30/drag-me.md"]}
    assert "after drag" not in (root / "days/30/drag-me.md").read_text(encoding="utf-8")
    assert card_status(root) == ""


def test_undo_of_a_move_keeps_the_log_line_written_by_hand_before_it(team_binder: Path) -> None:
    root = team_binder
    card = new(root, "Hand Note", "2026-11-24")
    path = root / "days/24/hand-note.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("- 2026-11-23 call: written by hand in the editor\n")
    ok(root, "move", card, "2026-11-27")
    ok(root, "undo")
    assert "written by hand in the editor" in path.read_text(encoding="utf-8")
    assert_git_is_the_binder(root)
    # and the hand edit is in git, in its own commit, which undo does not take back
    assert "tickler: hand edits: hand-note" in git(root, "log", "--format=%s")


def test_a_hand_drag_then_log_next_leaves_the_card_once_in_every_clone(
    team_binder: Path, tmp_path: Path
) -> None:
    root = team_binder
    card = new(root, "Drag Me", "2026-11-24")
    shutil.move(root / "days/24/drag-me.md", root / "days/30/drag-me.md")
    ok(root, "log", card, "after drag", "--next", "2026-11-26")
    assert_git_is_the_binder(root)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    assert disk_paths(clone) == {"drag-me": ["days/26/drag-me.md"]}
    assert "binder ok" in tickler(clone, "check").stderr


def test_undo_refuses_when_the_card_was_copied_elsewhere_since(team_binder: Path) -> None:
    root = team_binder
    card = new(root, "Copy Me", "2026-11-24")
    ok(root, "move", card, "2026-11-26")
    shutil.copy(root / "days/26/copy-me.md", root / "days/28/copy-me.md")
    before = snapshot(root)
    refused = tickler(root, "undo")
    assert refused.returncode == 1
    assert "days/28/copy-me.md also holds a card the change touched" in refused.stderr
    assert snapshot(root) == before


def test_a_card_dragged_twice_between_commands_is_committed_whole(team_binder: Path) -> None:
    root = team_binder
    card = new(root, "Drag Me", "2026-11-24")
    shutil.move(root / "days/24/drag-me.md", root / "days/30/drag-me.md")
    shutil.move(root / "days/30/drag-me.md", root / "months/02/drag-me.md")
    ok(root, "log", card, "found it", "--next", "2026-11-25")
    assert_git_is_the_binder(root)


# --------------------------------------------------------------------------- failures change nothing


def plain_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    wrap = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if subprocess.run([*wrap, str(TICKLER), "--version"], capture_output=True).returncode != 0:
        pytest.skip("nobody cannot run the installed tickler from this checkout")
    return wrap


def _open_to_nobody(root: Path) -> None:
    for path in [root.parent, *root.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o777 if path.is_dir() else 0o666)


@pytest.fixture
def open_binder() -> Iterator[Path]:
    """A git binder in a folder of /tmp that an unprivileged user may enter (pytest's own
    temporary folders are closed to everyone but their owner)."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="tickler-ro-"))
    try:
        root = top / "binder"
        init_binder(root)
        yield root
    finally:
        for path in [top, *top.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                os.chmod(path, 0o755)
        shutil.rmtree(top)


@pytest.mark.parametrize("command", ["move", "log"])
def test_a_read_only_divider_changes_and_commits_nothing(open_binder: Path, command: str) -> None:
    wrap = plain_user()
    root = open_binder
    card = new(root, "Ivan Petrov", "2026-11-24")
    _open_to_nobody(root)
    os.chmod(root / "days/30", 0o555)
    head, before = git(root, "rev-parse", "HEAD"), snapshot(root)
    args = (
        ["move", card, "2026-11-30"] if command == "move" else ["log", card, "called", "--next", "2026-11-30"]
    )
    refused = tickler(root, *args, wrap=wrap)
    assert refused.returncode == 1
    assert "days/30/: permission denied; nothing was changed" in refused.stderr
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head
    os.chmod(root / "days/30", 0o777)
    assert tickler(root, *args, wrap=wrap).returncode == 0  # the natural retry: one Log entry
    text = (root / "days/30/ivan-petrov.md").read_text(encoding="utf-8")
    assert text.count("called") == (1 if command == "log" else 0)
    assert_git_is_the_binder(root)


@pytest.mark.parametrize("command", ["move", "log"])
def test_a_divider_that_is_a_link_changes_and_commits_nothing(
    team_binder: Path, tmp_path: Path, command: str
) -> None:
    root = team_binder
    card = new(root, "Ivan Petrov", "2026-11-24")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(root / "days/30")
    (root / "days/30").symlink_to(elsewhere)
    head, before = git(root, "rev-parse", "HEAD"), snapshot(root)
    args = (
        ["move", card, "2026-11-30"] if command == "move" else ["log", card, "called", "--next", "2026-11-30"]
    )
    refused = tickler(root, *args)
    assert refused.returncode == 1
    assert "days/30/ is a symbolic link" in refused.stderr and "Nothing was changed" in refused.stderr
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head
    assert list(elsewhere.iterdir()) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs, for a disk that fills up (root only)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is made with a tmpfs mount, which needs root")
    where = tmp_path / "disk"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(disk: Path) -> Path:
    """Fill the disk to its last byte (unbuffered writes, so nothing is left to fail at close)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_refuses_the_write_and_changes_nothing(small_disk: Path) -> None:
    root = small_disk / "binder"
    init_binder(root)
    card = new(root, "Ivan Petrov", "2026-11-24")
    head, before = git(root, "rev-parse", "HEAD"), snapshot(root)
    filler = _fill(small_disk)
    refused = tickler(root, "log", card, "x" * 20_000, "--next", "2026-11-30")
    assert refused.returncode == 1
    assert "no space left" in refused.stderr and "nothing was changed" in refused.stderr
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head
    filler.unlink()
    ok(root, "log", card, "x" * 20_000, "--next", "2026-11-30")
    assert_git_is_the_binder(root)


def test_a_commit_that_failed_on_a_full_disk_is_made_by_the_next_command(
    team_binder: Path, small_disk: Path
) -> None:
    """The cards' disk has room, git's objects do not: the change is saved, not committed; the
    next command commits it (in a commit of its own) and no card is ever twice in HEAD."""
    root = team_binder
    card = new(root, "Ivan Petrov", "2026-11-24")
    other = new(root, "Olga Smirnova", "2026-11-25")
    objects = root / ".git" / "objects"
    for item in objects.iterdir():
        shutil.move(str(item), small_disk / item.name)
    objects.rmdir()
    objects.symlink_to(small_disk)  # git's objects on the small disk
    filler = _fill(small_disk)
    saved = tickler(root, "move", card, "2026-11-30")
    assert saved.returncode == 0
    assert "saved but not committed" in saved.stderr
    assert (root / "days/30/ivan-petrov.md").exists()
    assert head_paths(root)["ivan-petrov"] == ["days/24/ivan-petrov.md"]
    filler.unlink()
    ok(root, "log", other, "called")
    assert git(root, "log", "-2", "--format=%s").splitlines() == [
        "tickler log: olga-smirnova",
        "tickler: what 'tickler move' left uncommitted",
    ]
    assert_git_is_the_binder(root)


def test_log_and_import_never_write_a_card_past_the_size_tickler_reads(
    team_binder: Path, tmp_path: Path
) -> None:
    root = team_binder
    card = new(root, "Big Notes", "2026-11-24")
    path = root / "days/24/big-notes.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("n" * 990_000 + "\n")
    ok(root, "check")
    before = snapshot(root)
    refused = tickler(root, "log", card, "y" * 20_000)
    assert refused.returncode == 1
    assert "days/24/big-notes.md: the card would be 1.0 MB" in refused.stderr
    assert snapshot(root) == before
    vcf = tmp_path / "huge.vcf"
    note = "z" * 1_100_000
    vcf.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Huge Note\r\nNOTE:{note}\r\nEND:VCARD\r\n", encoding="utf-8"
    )
    imported = tickler(root, "import", "vcard", str(vcf))
    assert "past the 1 MB a card may hold" in imported.stdout + imported.stderr
    assert snapshot(root) == before
    assert "today" in ok(root, "today")  # (the big card still reads)


def test_a_card_grown_past_the_limit_by_hand_is_reported_cold_and_warm(team_binder: Path) -> None:
    root = team_binder
    new(root, "Grows", "2026-11-24")
    ok(root, "check")  # the cache is warm
    path = root / "days/24/grows.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("g" * 1_000_001)
    for _ in ("warm", "cold"):
        found = tickler(root, "check")
        assert found.returncode == 1 and "larger than 1 MB" in found.stdout
        shutil.rmtree(root / ".tickler")


# --------------------------------------------------------------------------- crashes and git's own state


def _kill_when_journal_has(root: Path, args: list[str], lines: int) -> None:
    """Start the command and kill it (its whole process group, git included) once its journal
    lists ``lines`` paths: mid-command, deterministically."""
    env = {**os.environ, "TICKLER_TODAY": "2026-12-09", "NO_COLOR": "1"}
    env.pop("TICKLER_BINDER", None)
    proc = subprocess.Popen(
        [str(TICKLER), "--binder", str(root), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    journal = root / ".tickler" / "running"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if journal.read_text(encoding="utf-8").count("\n") > lines:
                break
        except OSError:
            pass
        time.sleep(0.001)
    assert proc.poll() is None, "the command ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _many_cards(root: Path, count: int) -> None:
    for n in range(count):
        day = 1 + n % 7
        (root / f"days/{day:02d}").mkdir(parents=True, exist_ok=True)
        text = f"---\nname: Customer {n:05d}\nnext: 2026-12-{day:02d}\n---\n# Customer {n:05d}\n"
        (root / f"days/{day:02d}/c{n:05d}.md").write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "many cards")


@pytest.mark.parametrize("then", ["roll", "check --fix"])
def test_what_a_killed_roll_left_is_committed_by_the_next_command(team_binder: Path, then: str) -> None:
    root = team_binder
    _many_cards(root, 1500)
    _kill_when_journal_has(root, ["roll"], 200)
    assert card_status(root) != ""  # cards moved, not committed
    ok(root, *then.split(), today="2026-12-09")
    subjects = git(root, "log", "--format=%s").splitlines()
    assert "tickler: what 'tickler roll' left uncommitted" in subjects
    assert_git_is_the_binder(root)


def test_a_half_staged_index_is_reported_and_put_back(team_binder: Path) -> None:
    """What a merge killed between git's index and HEAD used to leave: the removed card staged
    again, which a plain `git commit` would bring back."""
    root = team_binder
    new(root, "Ann", "2026-11-24")
    new(root, "Ann B", "2026-11-25")
    ok(root, "merge", "ann", "ann-b")
    blob = git(root, "rev-parse", "HEAD~1:days/25/ann-b.md").strip()
    git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},days/25/ann-b.md")
    found = tickler(root, "check")
    assert found.returncode == 1
    assert "days/25/ann-b.md: staged in git's index" in found.stdout
    ok(root, "check", "--fix")
    assert git(root, "diff", "--cached", "--name-only") == ""
    assert_git_is_the_binder(root)


def test_check_compares_head_with_the_tree(team_binder: Path) -> None:
    root = team_binder
    new(root, "Ann", "2026-11-24")
    new(root, "Bob", "2026-11-25")
    shutil.copy(root / "days/24/ann.md", root / "days/26/ann.md")
    git(root, "add", "days/26/ann.md")
    git(root, "commit", "-qm", "an old bug's commit")
    (root / "days/26/ann.md").unlink()
    (root / "days/25/bob.md").unlink()
    found = tickler(root, "check")
    assert found.returncode == 1
    assert "id 'ann' is in git's HEAD 2 times: days/24/ann.md, days/26/ann.md" in found.stdout
    assert "days/25/bob.md: is committed in git but missing on disk" in found.stdout
    fixed = ok(root, "check", "--fix")
    assert "days/25/bob.md: brought back from git" in fixed
    assert_git_is_the_binder(root)
    assert "Bob" in (root / "days/25/bob.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- local state, output


def test_a_tickler_folder_that_is_a_link_is_never_written_through(team_binder: Path, tmp_path: Path) -> None:
    root = team_binder
    card = new(root, "Ann", "2026-11-24")
    shutil.rmtree(root / ".tickler", ignore_errors=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".tickler").symlink_to(elsewhere)
    refused = tickler(root, "move", card, "2026-11-30")
    assert refused.returncode == 1 and ".tickler is a symbolic link" in refused.stderr
    assert "Ann" in ok(root, "list", "week")  # looking still works, without the cache
    ok(root, "check")
    assert list(elsewhere.iterdir()) == []
    assert git(root, "status", "--porcelain", "--", ".tickler") == ""  # ignored, as a link too


def test_direction_and_zero_width_characters_are_shown_escaped(team_binder: Path) -> None:
    root = team_binder
    (root / "days/23/rtl.md").write_text(
        "---\nname: \u202eMallory\u200b\nphone: +7 916 555-12-34\nnext: 2026-11-23\n---\n", encoding="utf-8"
    )
    out = ok(root, "today")
    assert "<U+202E>Mallory<U+200B>" in out
    assert "\u202e" not in out and "\u200b" not in out
    assert "+7 916 555-12-34" in out


def test_import_notes_passes_over_a_named_pipe(team_binder: Path, tmp_path: Path) -> None:
    notes = tmp_path / "vault"
    notes.mkdir()
    os.mkfifo(notes / "pipe.md")
    (notes / "Real Person.md").write_text("---\ncompany: Firm\n---\nmet at the fair\n", encoding="utf-8")
    done = tickler(team_binder, "import", "notes", str(notes))
    assert done.returncode == 0
    assert "pipe.md" in done.stdout + done.stderr and "pipe or a device" in done.stdout + done.stderr
    assert (team_binder / "cards/real-person.md").exists()


# --------------------------------------------------------------------------- small validation gaps


def test_handover_to_the_same_owner_is_refused(team_binder: Path) -> None:
    root = team_binder
    ok(root, "new", "Ann", "--set", "owner=anna")
    before = snapshot(root)
    refused = tickler(root, "handover", "anna", "Anna")
    assert refused.returncode == 1 and "same owner" in refused.stderr
    assert snapshot(root) == before


def test_an_empty_range_is_an_error(team_binder: Path) -> None:
    refused = tickler(team_binder, "list", "..")
    assert refused.returncode == 1 and "a range needs a start or an end" in refused.stderr


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("big_spender = nan\n", "tickler.toml: 'big_spender' must be an amount"),
        ("big_spender = inf\n", "tickler.toml: 'big_spender' must be an amount"),
        ("birthday_days = 100000000\n", "tickler.toml: 'birthday_days' must be a whole number from 0 to 366"),
        ('holidays = "XX"\n', "tickler.toml: 'holidays' names an unknown holiday calendar 'XX'"),
    ],
)
def test_settings_errors_name_the_file_and_the_key(team_binder: Path, settings: str, message: str) -> None:
    (team_binder / "tickler.toml").write_text(settings, encoding="utf-8")
    new_card = tickler(team_binder, "new", "Ann", "--next", "2026-11-21")
    rolled = tickler(team_binder, "roll")
    assert 1 in (new_card.returncode, rolled.returncode)
    assert message in new_card.stderr + rolled.stderr


def test_a_settings_file_with_a_byte_order_mark_is_read(team_binder: Path) -> None:
    (team_binder / "tickler.toml").write_bytes(b"\xef\xbb\xbfcapacity = 3\n")
    new(team_binder, "Ann", "today")
    assert "load 1/3" in ok(team_binder, "today")


def test_a_tagged_timestamp_is_named_as_written(team_binder: Path) -> None:
    (team_binder / "days/23/tim.md").write_text(
        "---\nname: Tim\nnext: !!timestamp 2026-11-23\n---\n", encoding="utf-8"
    )
    found = tickler(team_binder, "check")
    assert "days/23/tim.md:3: 'next' must be a date like 2026-12-05" in found.stdout
    assert "the tagged timestamp 2026-11-23" in found.stdout
    assert "datetime" not in found.stdout


def test_a_commit_on_a_detached_head_is_said(team_binder: Path) -> None:
    root = team_binder
    new(root, "Ann", "2026-11-24")
    git(root, "checkout", "-q", "--detach")
    moved = tickler(root, "move", "ann", "2026-11-30")
    assert moved.returncode == 0
    assert "HEAD is detached" in moved.stderr


def test_a_sync_whose_merge_git_could_not_carry_out_loses_no_teammates_change(tmp_path: Path) -> None:
    """Another git program holding the index while sync merges: git begins the merge (MERGE_HEAD)
    without carrying it out. Committing that state would record the teammate's commits as merged
    without their changes; the next sync sets it aside and merges again."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    anna = tmp_path / "anna"
    init_binder(anna)
    new(anna, "Ivan Petrov", "2026-11-24")
    git(anna, "remote", "add", "origin", str(remote))
    git(anna, "push", "-q", "-u", "origin", "HEAD")
    git(tmp_path, "clone", "-q", str(remote), "boris")
    boris = tmp_path / "boris"
    ok(boris, "log", "ivan-petrov", "boris called him")
    ok(boris, "sync")
    ok(anna, "log", "ivan-petrov", "anna wrote him")
    lock = anna / ".git" / "index.lock"
    lock.write_text("")  # a git GUI, busy
    held = tickler(anna, "sync")
    assert held.returncode == 1
    lock.unlink()
    ok(anna, "sync")
    text = (anna / "days/24/ivan-petrov.md").read_text(encoding="utf-8")
    assert "boris called him" in text and "anna wrote him" in text
    assert not (anna / ".git" / "MERGE_HEAD").exists()
    assert_git_is_the_binder(anna)


def test_card_files_a_killed_sync_left_empty_are_mended_before_the_next_command(team_binder: Path) -> None:
    """git's checkout makes a file, then writes it: killed between the two (as a sync was in the
    crash harness), it leaves an empty card file. The next command writes back HEAD's bytes, or
    removes an empty file HEAD never had (a teammate's card the next sync brings), before it
    does its own work; nothing it cannot read is committed."""
    root = team_binder
    bob = new(root, "Bob Stone", "2026-11-25")
    path = root / "days/25" / f"{bob}.md"
    committed = path.read_bytes()
    path.write_bytes(b"")
    stray = root / "days/26/carol-white.md"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"")
    (root / ".tickler" / "running").write_text("tickler sync\n", encoding="utf-8")
    done = tickler(root, "new", "Dan Moss")
    assert done.returncode == 0, done.stderr
    assert f"days/25/{bob}.md: brought back from git" in done.stderr
    assert "days/26/carol-white.md: removed (an interrupted sync left it empty)" in done.stderr
    assert path.read_bytes() == committed and not stray.exists()
    assert_git_is_the_binder(root)
    assert git(root, "show", f"HEAD:days/25/{bob}.md").encode() == committed


def test_an_empty_card_file_without_an_interrupted_sync_is_reported_not_replaced(team_binder: Path) -> None:
    root = team_binder
    bob = new(root, "Bob Stone", "2026-11-25")
    path = root / "days/25" / f"{bob}.md"
    path.write_bytes(b"")
    done = tickler(root, "new", "Dan Moss")
    assert done.returncode == 0 and "brought back" not in done.stderr
    assert path.read_bytes() == b""
    assert "no front matter" in tickler(root, "check").stdout
