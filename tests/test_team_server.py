"""A team on a real git server: `git daemon` on loopback serves the binder's repository, four reps
work in their clones at the same time through the installed `tickler` (commands, hand edits,
hand drags) and sync whenever they like, so their pushes race and are rejected, and `sync`
fetches, merges and pushes again. At the end, in the remote's HEAD: every card id once, every
note any rep wrote, no conflict marker; every clone equal to it.

Seeded; TICKLER_LONG=1 (as CI runs it) does four times the work.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import installed_tickler

from tickler.layout import card_id_of
from tickler.setup import init_binder

TICKLER = installed_tickler()
REPS = ("anna", "boris", "carla", "dmitri")
STEPS = 40 if os.environ.get("TICKLER_LONG") else 10  # per rep
NAMES = ["Ivan Ivanov", "Olga Smirnova", "María García", "John Miller", "Сергей Кузнецов", "Lucia Rossi"]
WHENS = ["+1", "+3", "fri", "next mon", "+2w", "+1m", "tomorrow 10:30", "+40"]

pytestmark = [
    pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def tickler(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TICKLER_TODAY": "2026-11-23", "NO_COLOR": "1", "TICKLER_OWNER": root.name}
    env.pop("TICKLER_BINDER", None)
    done = subprocess.run(
        [str(TICKLER), "--binder", str(root), *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`git daemon` on loopback, serving tmp_path/served (pushes allowed); its URL base. A port
    another program took between the probe and the daemon's bind is tried again with another."""
    served = tmp_path / "served"
    served.mkdir()
    for _ in range(10):
        port = free_port()
        daemon = subprocess.Popen(
            [
                "git",
                "daemon",
                "--reuseaddr",
                "--listen=127.0.0.1",
                f"--port={port}",
                f"--base-path={served}",
                "--export-all",
                "--enable=receive-pack",
                "--informative-errors",
                str(served),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while daemon.poll() is None and time.monotonic() < deadline:
            try:  # ready when it takes a connection
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        if daemon.poll() is None:
            break
    else:
        pytest.fail("git daemon would not start on loopback")
    try:
        yield f"git://127.0.0.1:{port}"
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


def card_lines(root: Path) -> dict[str, str]:
    out = {}
    for folder in ("cards", "days", "months"):
        for path in sorted((root / folder).rglob("*.md")):
            out[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return out


def work(rep: str, root: Path, seed: int, notes: list[str], lock: threading.Lock) -> Counter[str]:
    """One rep's day: commands, hand edits and drags, and a sync now and then."""
    rng = random.Random(f"{seed}-{rep}")
    done: Counter[str] = Counter()
    for step in range(STEPS):
        cards = sorted(card_lines(root))
        action = rng.choices(["new", "log", "move", "hand", "drag", "sync"], [2, 6, 2, 2, 1, 4])[0]
        if action == "new" or not cards:
            tickler(root, "new", f"{rng.choice(NAMES)} {rep}", "--next", rng.choice(WHENS))
        elif action in ("log", "move"):
            card = card_id_of(rng.choice(cards))
            assert card is not None
            if action == "log":
                note = f"{rep} logged {step}"
                result = tickler(root, "log", card, note, "--next", rng.choice(WHENS))
                if result.returncode == 0:
                    with lock:
                        notes.append(note)
            else:
                tickler(root, "move", card, rng.choice(WHENS))
        elif action == "hand":
            path = root / rng.choice(cards)
            note = f"- 2026-11-23 call: {rep} wrote by hand {step}"
            with path.open("a", encoding="utf-8") as handle:
                handle.write(note + "\n")
            with lock:
                notes.append(note)
        elif action == "drag":
            path = root / rng.choice(cards)
            target = root / f"days/{rng.randint(24, 30)}" / path.name
            if not target.exists():
                os.rename(path, target)
        else:
            tickler(root, "sync")  # a rejected push is fetched, merged and pushed again
        done[action] += 1
    return done


def test_a_team_pushing_at_once_through_a_git_server_loses_and_doubles_nothing(
    tmp_path: Path, server: str
) -> None:
    remote = tmp_path / "served" / "binder.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    first = tmp_path / "start"
    init_binder(first)
    git(first, "remote", "add", "origin", f"{server}/binder.git")
    git(first, "push", "-q", "-u", "origin", "HEAD")
    clones = {}
    for rep in REPS:
        git(tmp_path, "clone", "-q", f"{server}/binder.git", rep)
        clones[rep] = tmp_path / rep
        assert tickler(clones[rep], "sync").returncode == 0

    notes: list[str] = []
    lock = threading.Lock()
    counts: Counter[str] = Counter()
    threads = []
    results: dict[str, Counter[str]] = {}

    def run(rep: str) -> None:
        results[rep] = work(rep, clones[rep], 20261123, notes, lock)

    for rep in REPS:
        threads.append(threading.Thread(target=run, args=(rep,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1200)
    assert set(results) == set(REPS), "a rep's work stopped with an error"
    for found in results.values():
        counts.update(found)

    for _ in range(3):  # everyone syncs in turn until all agree
        for rep in REPS:
            done = tickler(clones[rep], "sync")
            assert done.returncode == 0, done.stderr

    # The remote's HEAD: every card once, every note, no conflict marker.
    check_out = tmp_path / "check"
    git(tmp_path, "clone", "-q", str(remote), str(check_out))
    files = git(
        check_out, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", "cards", "days", "months"
    ).split("\0")
    ids = [card_id_of(f) for f in files if card_id_of(f)]
    doubled = [i for i, n in Counter(ids).items() if n > 1]
    assert doubled == [], f"in the remote's HEAD twice: {doubled}"
    everything = "\n".join(card_lines(check_out).values())
    lost = [n for n in notes if n not in everything]
    assert lost == [], f"lost: {lost[:5]}"
    assert "<<<<<<<" not in everything and ">>>>>>>" not in everything
    assert "binder ok" in tickler(check_out, "check").stderr
    for rep in REPS:
        assert card_lines(clones[rep]) == card_lines(check_out), f"{rep}'s clone differs from the remote"
        status = git(clones[rep], "status", "--porcelain", "--", "cards", "days", "months")
        assert status == "", f"{rep}: {status}"
    assert counts["sync"] > len(REPS) * STEPS // 10 and counts["log"] > len(REPS) * STEPS // 6, counts
    print(f"team on a git server: {dict(counts)}; {len(ids)} cards, {len(notes)} notes, none lost or doubled")
