"""Races: several real ``tickler`` processes and ``tickler watch`` on one git binder at once.

The binder lock serializes the changes: every command succeeds, every note it wrote is there
exactly once, every card exists once, each change is its own commit, and a holder killed in the
middle frees the lock for the others. TICKLER_RACE_ROUNDS makes the run longer."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import card_files, installed_tickler

from tickler.binder import Binder
from tickler.check import check
from tickler.dates import Due
from tickler.layout import location_for
from tickler.setup import init_binder

ROUNDS = int(os.environ.get("TICKLER_RACE_ROUNDS", "8"))
WORKERS = 6
TODAY = dt.date(2026, 11, 23)
TICKLER = installed_tickler()
pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def make(root: Path, cards: int) -> list[str]:
    init_binder(root)
    ids = []
    for n in range(cards):
        due = TODAY + dt.timedelta(days=n % 50 - 3)
        folder = root / location_for(Due(due), TODAY)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"r{n:04d}.md").write_text(
            f"---\nname: Racer {n:04d}\nnext: {due}\n---\nNotes of racer {n}.\n", encoding="utf-8"
        )
        ids.append(f"r{n:04d}")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "racers")
    return ids


def env() -> dict[str, str]:
    out = {**os.environ, "TICKLER_TODAY": TODAY.isoformat(), "NO_COLOR": "1"}
    out.pop("TICKLER_BINDER", None)
    return out


def tickler(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(TICKLER), "--binder", str(root), *args]
    return subprocess.run(command, env=env(), capture_output=True, text=True, timeout=120)


def test_parallel_commands_and_watch_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "binder"
    ids = make(root, 300)
    watch = subprocess.Popen(
        [str(TICKLER), "--binder", str(root), "watch"],
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    commits_before = int(git(root, "rev-list", "--count", "HEAD"))
    try:
        time.sleep(1.0)  # the watcher's first roll

        def worker(w: int) -> list[tuple[list[str], int, str]]:
            rng = random.Random(w)
            done = []
            for r in range(ROUNDS):
                card = ids[rng.randrange(len(ids) - 10)]  # the last ten are edited by hand
                when = (TODAY + dt.timedelta(days=rng.randint(1, 40))).isoformat()
                args = rng.choice(
                    [
                        ["log", card, f"race note w{w} r{r}", "--next", when],
                        ["move", card, when, "--note", f"race move w{w} r{r}"],
                        ["log", card, f"race note w{w} r{r}"],
                        ["roll"],
                    ]
                )
                result = tickler(root, *args)
                done.append((args, result.returncode, result.stderr))
            return done

        with ThreadPoolExecutor(WORKERS + 1) as pool:
            futures = [pool.submit(worker, w) for w in range(WORKERS)]
            # Meanwhile a rep saves cards by hand with a new date, which the watcher refiles.
            for card_id in ids[-5:]:
                (path,) = [root / f for f in card_files(root) if Path(f).stem == card_id]
                text = path.read_text(encoding="utf-8")
                text = re.sub(
                    r"next: \S+", "next: 2026-11-28", text.replace("Notes of", "Hand-edited notes of")
                )
                path.write_text(text, encoding="utf-8")
                time.sleep(0.2)
            for card_id in ids[-10:-5]:  # and drags others into the 29th in the editor's sidebar
                (path,) = [root / f for f in card_files(root) if Path(f).stem == card_id]
                (root / "days" / "29").mkdir(exist_ok=True)
                os.rename(path, root / "days" / "29" / path.name)
                time.sleep(0.2)
            results = [item for f in futures for item in f.result()]
        time.sleep(2.0)  # the watcher settles
    finally:
        watch.send_signal(signal.SIGINT)
        watch.wait(timeout=30)

    for args, code, stderr in results:
        assert code == 0, (args, stderr)
        assert "Traceback" not in stderr
    everything = Counter()
    files = card_files(root)
    assert sorted(Path(f).stem for f in files) == sorted(ids), "every card exactly once"
    texts = {Path(f).stem: (root / f).read_text(encoding="utf-8") for f in files}
    for text in texts.values():
        everything.update(line for line in text.splitlines() if "race " in line)
    for args, _, _ in results:
        if args[0] == "log":
            written = re.compile(rf": {re.escape(args[2])}(?:\. Next: [-\d]+)?$")
            wanted = [line for line in everything if written.search(line)]
            assert len(wanted) == 1 and everything[wanted[0]] == 1, (args, wanted)
            assert args[2] in texts[args[1]]
        elif args[0] == "move":
            assert any(args[-1] in line for line in everything), args
    for card_id in ids[-5:]:
        assert "Hand-edited notes of" in texts[card_id]
        assert (root / "days" / "28" / f"{card_id}.md").exists(), "the watcher refiled it"
    for card_id in ids[-10:-5]:  # rescheduled by the watcher, or refiled by a roll that came first
        dragged = "next: 2026-11-29" in texts[card_id]
        assert dragged == ("(dragged into days/29/)" in texts[card_id]), texts[card_id]
    binder = Binder(root)
    assert check(binder, TODAY) == []
    # git holds what the binder holds: each card once in HEAD, where it is on disk, all committed
    head = git(root, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", "cards", "days", "months").split(
        "\0"
    )
    assert sorted(h for h in head if h.endswith(".md")) == sorted(files)
    assert git(root, "status", "--porcelain", "--untracked-files=all", "--", "cards", "days", "months") == ""
    changing = sum(1 for args, _, _ in results if args[0] != "roll")
    assert int(git(root, "rev-list", "--count", "HEAD")) - commits_before >= changing
    assert not list((root / ".git").glob("*.lock"))
    git(root, "fsck", "--no-dangling", "--no-progress")


def test_git_locks_left_by_a_dead_command_are_cleared_by_the_next(tmp_path: Path) -> None:
    root = tmp_path / "binder"
    ids = make(root, 3)
    branch = git(root, "symbolic-ref", "--short", "HEAD").strip()
    someone_elses = root / ".git" / "refs" / "heads" / f"{branch}.lock"
    someone_elses.write_text("")  # a commit the user is making: no tickler mark, so left alone
    blocked = tickler(root, "log", ids[0], "while git is busy")
    assert blocked.returncode == 0
    assert "saved but not committed" in blocked.stderr and someone_elses.exists()
    someone_elses.unlink()

    (root / ".tickler" / "running").write_text("tickler roll: 3 cards")  # a roll that was killed...
    time.sleep(0.01)
    for lock in (root / ".git" / "index.lock", root / ".git" / "refs" / "heads" / f"{branch}.lock"):
        lock.write_text("")  # ...while git held these
    after = tickler(root, "log", ids[1], "after the crash")
    assert after.returncode == 0, after.stderr
    assert "'tickler roll: 3 cards' was interrupted and left git locked; removed index.lock" in after.stderr
    assert f"refs/heads/{branch}.lock" in after.stderr
    assert not list((root / ".git").rglob("*.lock"))
    assert git(root, "log", "-1", "--format=%s").startswith("tickler log")
    assert not (root / ".tickler" / "running").exists()
