"""Crash safety: the installed ``tickler`` is killed with SIGKILL at random moments, and after every
kill the binder must still hold every card exactly once, whole, with no note lost; ``check --fix``
must restore every invariant and git must still work.

Between the kills the rep works by hand as reps do: drags a card file into another divider, writes
a Log line in the editor, or leaves git locked (a git GUI holding the index) so that a commit
fails. The whole process group is killed, git's own processes included, as a power cut would.
After each round git must hold what the binder holds once tickler has committed: every card id
at one path on disk and at that path in HEAD, nothing left uncommitted after ``check --fix``.

Seeded, so a failure can be replayed: TICKLER_CRASH_SEED. The normal run starts each of the six
commands 4 times on a binder of 1,000 cards and kills it after a random delay (most runs die, a
few finish first); CI runs 40 each on 2,000 cards. TICKLER_CRASH_KILLS sets the number of runs
across the six, TICKLER_CRASH_CARDS the binder's size, so a long mode is:

    TICKLER_CRASH_KILLS=2000 TICKLER_CRASH_CARDS=5000 pytest tests/test_crash.py
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import installed_tickler

from tickler.binder import Binder
from tickler.card import Card
from tickler.check import check, fix
from tickler.dates import Due
from tickler.fsutil import is_temp_name
from tickler.layout import CARD_FOLDERS, location_for
from tickler.setup import init_binder

KILLS = int(os.environ.get("TICKLER_CRASH_KILLS", "24"))  # across the six commands (CI: 240)
CARDS = int(os.environ.get("TICKLER_CRASH_CARDS", "1000"))
SEED = int(os.environ.get("TICKLER_CRASH_SEED", "20261123"))
COMMANDS = ("roll", "move", "log", "balance", "import", "sync")
START = dt.date(2026, 11, 23)
FIRST = ["Anna", "Boris", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Igor", "Юлия", "Олег", "José"]
LAST = ["Ivanova", "Novak", "Garcia", "Kowalski", "Rossi", "Petrov", "Haddad", "Müller", "Смирнов"]

pytestmark = pytest.mark.skipif(installed_tickler() is None, reason="the tickler command is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def make_binder(root: Path, cards: int, rng: random.Random) -> None:
    init_binder(root)
    (root / "tickler.toml").write_text('owner = "anna"\ncapacity = 25\n', encoding="utf-8")
    for n in range(cards):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n:05d}"
        due = START + dt.timedelta(days=rng.randint(-5, 70))
        log = []
        for k in range(rng.randint(0, 3)):
            day = START - dt.timedelta(days=rng.randint(1, 700))
            if rng.random() < 0.5:
                log.append(f"- {day} purchase {rng.randint(10, 900)}.00: order {k}")
            else:
                log.append(f"- {day} call: spoke about order {k}")
        text = (
            f"---\nname: {name}\nnext: {due}\ncompany: Firm {n % 97}\nphone: +7 495 {n:07d}\n"
            f"owner: {'anna' if n % 3 else 'boris'}\n---\n# {name}\n\nNote n{n:05d}: likes calls.\n"
            "\n## Log\n\n" + "\n".join(sorted(log)) + "\n"
        )
        folder = location_for(Due(due), START)
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / f"c{n:05d}.md").write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "a binder for the crash harness")


@dataclass
class Seen:
    """What the binder held after the last check: per card id, its path, stat key and body lines."""

    cards: dict[str, tuple[str, tuple[int, int], Counter[str]]] = field(default_factory=dict)


def card_paths(root: Path) -> list[Path]:
    return [
        path
        for folder in CARD_FOLDERS
        if (root / folder).is_dir()
        for path in (root / folder).iterdir()
        if path.suffix == ".md" and not is_temp_name(path.name)
    ]


def body_lines(text: str) -> Counter[str]:
    """The lines after the front matter: the notes and the Log, none of which may ever be lost."""
    end = text.index("\n---\n", 4) + 5
    return Counter(line for line in text[end:].splitlines() if line.strip())


def verify(root: Path, seen: Seen, when: str) -> Seen:
    """Every card of before is here exactly once, parses whole, and kept every line of its notes."""
    now = Seen()
    for path in card_paths(root):
        card_id = path.stem
        rel = path.relative_to(root).as_posix()
        assert card_id not in now.cards, f"{when}: {card_id} twice: {now.cards[card_id][0]} and {rel}"
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        old = seen.cards.get(card_id)
        if old is not None and old[0] == rel and old[1] == key:
            now.cards[card_id] = old
            continue
        text = path.read_text(encoding="utf-8")
        Card.parse(text, source=rel)  # whole and valid, or this raises with the file and line
        lines = body_lines(text)
        if old is not None:
            lost = old[2] - lines
            assert not lost, f"{when}: {rel} lost {sorted(lost)}"
        now.cards[card_id] = (rel, key, lines)
    missing = seen.cards.keys() - now.cards.keys()
    assert not missing, f"{when}: cards gone: {sorted(missing)[:5]}"
    return now


def git_locks(root: Path) -> list[str]:
    git_dir = root / ".git"
    return [
        p.relative_to(git_dir).as_posix() for p in [*git_dir.glob("*.lock"), *git_dir.glob("refs/**/*.lock")]
    ]


@dataclass
class Harness:
    root: Path
    rng: random.Random
    env: dict[str, str]
    seen: Seen = field(default_factory=Seen)
    kills: int = 0
    completed: int = 0
    recovered_locks: int = 0
    fixed: int = 0
    by_hand: Counter[str] = field(default_factory=Counter)

    def hand_work(self, today: dt.date) -> Path | None:
        """What a rep does by hand between commands (sometimes): drag a card file into another
        day divider, append a Log line in the editor, or hold git's index lock (a git GUI) so
        the next command's commit fails. Returns the lock to let go after the next run."""
        roll = self.rng.random()
        paths = card_paths(self.root)
        if roll < 0.15 and paths:
            path = self.rng.choice(paths)
            target = self.root / f"days/{self.rng.randint(1, 28):02d}" / path.name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(path, target)
                self.by_hand["drags"] += 1
        elif roll < 0.30 and paths:
            path = self.rng.choice(paths)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"- {today.isoformat()} call: by hand {self.by_hand['notes']}\n")
            self.by_hand["notes"] += 1
        elif roll < 0.37:
            lock = self.root / ".git" / "index.lock"
            lock.write_text("")
            self.by_hand["git locked"] += 1
            return lock
        return None

    def run(self, args: list[str], today: dt.date, *, kill: bool, within: float) -> int | None:
        """Run the real command; kill it after a random delay. Its exit code, None when killed."""
        env = {**self.env, "TICKLER_TODAY": today.isoformat()}
        command = [str(installed_tickler()), "--binder", str(self.root), *args]
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        if kill:
            deadline = time.monotonic() + self.rng.uniform(0.1, 1.0) * within
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.002)
            if proc.poll() is None:
                # The whole group: a git the command started dies with it, as in a power cut
                # (a git merge left running would go on moving files under the checks).
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                self.kills += 1
                return None
        _, err = proc.communicate(timeout=300)
        assert b"Traceback" not in err, err.decode()
        self.completed += 1
        return proc.returncode

    def after(self, today: dt.date, what: str) -> None:
        """The checks after each run: the cards, then check --fix (as the command does it), then git."""
        binder = Binder(self.root)
        # What every changing command does first: clean up after the dead one (git's locks, its
        # half-written files, the cards git's own checkout left missing in a killed sync's merge)
        # and commit what it left. Only then must every card be there, once, whole.
        with binder.changing("tickler check --fix"):
            pass
        self.seen = verify(self.root, self.seen, what)
        self.recovered_locks += sum("left git locked" in n for n in binder.notices)
        leftovers = [
            p
            for f in CARD_FOLDERS
            if (self.root / f).is_dir()
            for p in (self.root / f).iterdir()
            if is_temp_name(p.name)
        ]
        assert not git_locks(self.root), f"{what}: git still locked: {git_locks(self.root)}"
        if (self.root / ".git" / "MERGE_HEAD").exists():
            # A sync killed in its merge: check says so and --fix changes nothing until the next
            # sync finishes the merge; then git holds the binder again.
            assert [p.kind for p in check(binder, today)][-1:] == ["git"], what
            return
        if check(binder, today) or leftovers:
            done, left = fix(binder, today)
            self.fixed += len(done)
            assert not left, f"{what}: check --fix left {left}"
            assert check(binder, today) == [], what
            self.seen = verify(self.root, self.seen, what + " (after check --fix)")
        if card_status(self.root):  # hand work the command did not touch: check --fix commits it
            done, left = fix(binder, today)
            self.fixed += len(done)
            assert not left, f"{what}: check --fix left {left}"
        assert_git_holds_the_binder(self.root, what)


def card_status(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all", "--", "cards", "days", "months")


def assert_git_holds_the_binder(root: Path, what: str) -> None:
    """Every card id at one path on disk, at that same path in HEAD, and nothing uncommitted."""
    head: dict[str, list[str]] = {}
    for rel in git(root, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", "cards", "days", "months").split(
        "\0"
    ):
        if rel.endswith(".md"):
            head.setdefault(Path(rel).stem, []).append(rel)
    twice = {i: p for i, p in head.items() if len(p) > 1}
    assert not twice, f"{what}: twice in HEAD: {sorted(twice.items())[:3]}"
    disk = {p.stem: p.relative_to(root).as_posix() for p in card_paths(root)}
    assert {i: p[0] for i, p in head.items()} == disk, f"{what}: HEAD and the binder differ"
    assert card_status(root) == "", f"{what}: uncommitted: {card_status(root)[:300]}"


def timing(harness: Harness, args: list[str], today: dt.date) -> float:
    start = time.monotonic()
    assert harness.run(args, today, kill=False, within=0) == 0
    return time.monotonic() - start


@pytest.mark.parametrize("command", COMMANDS)
def test_killed_at_random_moments_nothing_is_lost(tmp_path: Path, command: str) -> None:
    rng = random.Random(f"{SEED}-{command}")
    rounds = max(1, KILLS // len(COMMANDS))
    root = tmp_path / "anna"
    make_binder(root, CARDS, rng)
    env = {**os.environ, "TICKLER_OWNER": "anna", "NO_COLOR": "1"}
    env.pop("TICKLER_BINDER", None)
    harness = Harness(root, rng, env)
    harness.seen = verify(root, Seen(), "the new binder")
    ids = sorted(harness.seen.cards)
    names = {i: Card.parse((root / harness.seen.cards[i][0]).read_text(encoding="utf-8")).name for i in ids}
    peer = None
    if command == "sync":
        remote = tmp_path / "remote.git"
        git(tmp_path, "init", "-q", "--bare", str(remote))
        git(root, "remote", "add", "origin", str(remote))
        git(root, "push", "-q", "-u", "origin", "HEAD")
        git(tmp_path, "clone", "-q", str(remote), "boris")
        peer = tmp_path / "boris"
    peer_notes: list[str] = []
    logged: dict[str, str] = {}  # completed log commands: card id -> text that must be there
    today = START

    def args_for(i: int) -> list[str]:
        card = rng.choice(ids)
        when = (today + dt.timedelta(days=rng.randint(1, 60))).isoformat()
        if command == "roll":
            return ["roll"]
        if command == "move":
            return ["move", card, when, "--note", f"moved in round {i}"]
        if command == "log":
            return ["log", card, f"crash round {i}", "--kind", "call", "--next", when]
        if command == "balance":
            return ["balance", "--all"]
        if command == "import":
            batch = i // 2  # each file is imported twice: a killed import is run again
            path = tmp_path / f"import-{batch}.csv"
            if not path.exists():
                with path.open("w", newline="", encoding="utf-8") as handle:
                    out = csv.writer(handle)
                    out.writerow(["name", "company", "phone", "email"])
                    for k in range(150):
                        out.writerow(
                            [
                                f"Imported Person {batch}-{k}",
                                f"New Firm {k}",
                                f"+1 555 {batch:03d}{k:04d}",
                                f"p{batch}.{k}@example.com",
                            ]
                        )
                    for existing in rng.sample(ids, 50):  # found by phone, given an email
                        n = int(existing[1:])
                        out.writerow([names[existing], "", f"+7 495 {n:07d}", f"c{n}@example.com"])
            return ["import", "csv", str(path)]
        assert peer is not None
        target = next(p for p in card_paths(peer) if p.stem == card)
        note = f"- {today.isoformat()} call: boris note {i}"
        target.write_text(target.read_text(encoding="utf-8") + note + "\n", encoding="utf-8")
        git(peer, "commit", "-q", "-am", f"boris note {i}")
        git(peer, "pull", "-q", "--no-rebase", "--no-edit")
        # A push of anna's killed with her sync (the local remote's receive-pack dies with it) can
        # leave the remote's ref locked; a server would clean up after its own dead process.
        for stale in [*remote.glob("*.lock"), *remote.glob("refs/**/*.lock")]:
            stale.unlink()
        git(peer, "push", "-q")
        peer_notes.append(note)
        return ["sync"]

    timing(harness, args_for(-4), today)  # the first run also builds the cache
    # The quickest of three runs: the random kill should land while a run is still going.
    within = min(timing(harness, args_for(-i), today) for i in (3, 2, 1)) * 1.2
    harness.after(today, "the first run")
    for i in range(rounds):
        if command == "roll":
            today += dt.timedelta(days=1)
        args = args_for(i)
        lock = harness.hand_work(today)
        code = harness.run(args, today, kill=True, within=within)
        if lock is not None:
            lock.unlink(missing_ok=True)  # the GUI lets go: the next command commits what is left
        if code is not None and command == "log":
            logged[args[1]] = args[2]
        what = f"{' '.join(args)} (round {i}, {'killed' if code is None else f'exit {code}'})"
        harness.after(today, what)
        if command == "sync":  # a note of boris's that HEAD has merged is in HEAD's cards
            merged = set(git(root, "log", "--format=%s", "HEAD").splitlines())
            found = subprocess.run(
                ["git", "grep", "-h", "boris note", "HEAD", "--", "cards", "days", "months"],
                cwd=root,
                capture_output=True,
                text=True,
            ).stdout
            for note in peer_notes:
                if note.split("call: ", 1)[1] in merged:
                    assert note in found, f"{what}: merged but lost: {note}"

    # Run once more to the end: what was killed is finished, and completed work is all there.
    assert harness.run(args_for(rounds), today, kill=False, within=0) == 0
    harness.after(today, "the last run")
    check = harness.run(["check", "--fix"], today, kill=False, within=0)
    assert check == 0
    for card_id, text in logged.items():
        path = next(p for p in card_paths(root) if p.stem == card_id)
        assert text in path.read_text(encoding="utf-8"), f"the completed log on {card_id} is lost"
    if command == "import":
        names = Counter(Card.parse(p.read_text(encoding="utf-8")).name for p in card_paths(root))
        doubled = [n for n, c in names.items() if c > 1 and n.startswith("Imported")]
        assert not doubled, f"imported twice: {doubled[:5]}"
    if command == "sync":
        assert peer is not None
        everything = "".join(p.read_text(encoding="utf-8") for p in card_paths(root))
        lost = [n for n in peer_notes if n not in everything]
        assert not lost, f"boris's notes lost: {lost[:5]}"
        assert git(root, "status", "--porcelain", "--untracked-files=no") == ""
    subprocess.run(
        ["git", "fsck", "--no-dangling", "--no-progress"], cwd=root, check=True, capture_output=True
    )
    print(
        f"{command}: {harness.kills} kills, {harness.completed} completed runs, "
        f"{harness.recovered_locks} git locks recovered, {harness.fixed} repairs by check --fix, "
        f"by hand: {dict(harness.by_hand)}"
    )
    assert harness.kills >= rounds // 2, "the kills must mostly land while the command runs"
