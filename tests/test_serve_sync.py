"""``serve --sync EVERY``: what the phone logs reaches the team's remote, the team's changes reach
the phone, and a sync that fails shows on the page without losing what the phone wrote.

The sync runs on the server's own timer (every second here): the test asks the remote and the
page until they show the outcome, with a deadline, as a person refreshing would."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from serving import TICKLER, cli, csrf_of, eventually, git, make_binder, serving, subjects

pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")


def shared(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The rep's binder and a teammate's clone of one bare remote."""
    root = make_binder(tmp_path / "binder")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "HEAD")
    mate = tmp_path / "mate"
    subprocess.run(["git", "clone", "-q", str(remote), str(mate)], check=True, capture_output=True)
    return root, remote, mate


def test_the_phone_and_the_team_meet_through_the_remote(tmp_path: Path) -> None:
    root, remote, mate = shared(tmp_path)
    with serving(root, "--sync", "1s") as server, server.client() as client:
        csrf = csrf_of(client.get("/cards/ivan").text)
        answer = client.post("/cards/ivan/log", data={"text": "from the road", "csrf": csrf})
        assert answer.status_code == 303
        eventually(
            lambda: "tickler log: ivan" in git(remote, "log", "--format=%s"), "the phone's log on the remote"
        )
        done = cli(mate, "log", "maria", "sent the samples")
        assert done.returncode == 0, done.stderr
        git(mate, "pull", "-q", "--no-rebase")
        git(mate, "push", "-q")
        eventually(
            lambda: "sent the samples" in client.get("/cards/maria").text, "the team's log on the phone"
        )
        page = client.get("/").text
    assert "Synced with the team every 1s; last at" in page
    assert "Sync failed" not in page
    assert "from the road" in (root / "days/23/ivan.md").read_text()


def test_a_failed_sync_shows_on_the_page_and_keeps_the_phones_entry(tmp_path: Path) -> None:
    root, _, mate = shared(tmp_path)
    for clone, said in ((mate, "the team's way"), (root, "my way")):  # no merge driver knows this file
        (clone / "office.txt").write_text(f"the office is closed on Friday, {said}\n")
        git(clone, "add", "office.txt")
        git(clone, "commit", "-q", "-m", f"office, {said}")
    git(mate, "push", "-q")
    with serving(root, "--sync", "1s") as server, server.client() as client:
        eventually(lambda: "Sync failed" in client.get("/").text, "the sync trouble on the page")
        page = client.get("/").text
        assert "office.txt" in page
        assert "Everything you do here is kept" in page
        csrf = csrf_of(client.get("/cards/ivan").text)
        answer = client.post("/cards/ivan/log", data={"text": "logged in the middle of it", "csrf": csrf})
        assert answer.status_code == 303
        after = client.get(answer.headers["location"]).text
    assert "saved but not committed" in after
    assert "logged in the middle of it" in (root / "days/23/ivan.md").read_text()
    assert "tickler log: ivan" not in subjects(root)  # git is mid-merge: on disk, committed by the next sync
