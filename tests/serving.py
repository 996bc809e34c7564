"""A running ``tickler serve`` for the tests: the installed command as a subprocess, on a free
loopback port, over a real git binder.

The server prints its link once its socket listens (``--port 0`` takes any free port and prints
it), so a test waits for that line, never for a time."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from conftest import installed_tickler, write_card

from tickler.setup import init_binder

TICKLER = installed_tickler()
NOW = "2026-11-23 14:05"  # a pinned clock with a time of day: Log entries carry it
TOKEN = "test-token-0123456789abcdef"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("TICKLER_")}
    out.update({"TICKLER_TODAY": NOW, "TICKLER_OWNER": "anna", "TICKLER_TOKEN": TOKEN, "NO_COLOR": "1"})
    out.update(extra)
    return {k: v for k, v in out.items() if v}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def subjects(root: Path) -> list[str]:
    """The commit subjects, newest first."""
    return git(root, "log", "--format=%s").splitlines()


def make_binder(root: Path) -> Path:
    """A git binder with a few customers of anna's (and one of boris's), committed."""
    init_binder(root, git=True)
    write_card(
        root,
        "days/23",
        "ivan",
        "---\nname: Ivan Ivanov\ncompany: Romashka LLC\ntitle: Head of purchasing\n"
        "phone: +7 495 123-45-67\nemail: ivanov@romashka.example\nowner: anna\n"
        "next: 2026-11-23 15:30\naction: call\ntags: [b2b]\nbirthday: 1971-03-14\n---\n"
        "# Ivan Ivanov\n\nBuys **packaging film** for three warehouses.\n\n## Log\n"
        "- 2026-11-05 call: first call, sent price list\n"
        "- 2026-11-10 purchase 12500.00: order 4411\n"
        "- 2026-11-16 14:05 call: discussed offer 12\n",
    )
    write_card(
        root,
        "days/20",
        "olga",
        "---\nname: Olga Smirnova\nphone: 8 916 555-12-34\nowner: anna\nnext: 2026-11-20\n"
        "action: call\n---\n# Olga Smirnova\n\n## Log\n- 2026-11-02 call: wants the winter preview\n",
    )
    write_card(
        root,
        "days/27",
        "maria",
        "---\nname: María García\ncompany: García S.L.\nowner: anna\nnext: 2026-11-27 10:00\n"
        "action: email\n---\n# María García\n",
    )
    write_card(root, "days/23", "boris-card", "---\nname: Boris Card\nowner: boris\nnext: 2026-11-23\n---\n")
    write_card(root, "cards", "emily", "---\nname: Emily Stone\nphone: +44 20 7946 0958\n---\n# Emily\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "customers")
    return root


def twin(root: Path, other: Path) -> Path:
    """A copy of a binder, its git history included: the command line works on one, the phone on the other."""
    shutil.copytree(root, other, symlinks=True, ignore=shutil.ignore_patterns(".tickler"))
    return other


class Server:
    def __init__(self, process: subprocess.Popen[str], link: str, calendar: str, log: Path):
        self.process, self.link, self.calendar_link, self.log = process, link, calendar, log
        self.base = link.split("/?", 1)[0]

    def client(self, *, bearer: bool = True, **options: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {TOKEN}"} if bearer else {}
        return httpx.Client(
            base_url=self.base, headers=headers, follow_redirects=False, timeout=60, **options
        )  # type: ignore[arg-type]


@contextmanager
def serving(root: Path, *args: str, environ: dict[str, str] | None = None) -> Iterator[Server]:
    """``tickler serve`` on ``root``, stopped at the end of the block."""
    assert TICKLER is not None, "the tickler command must be installed (pip install -e .)"
    log = root.parent / f"serve-{root.name}.log"
    with open(log, "w") as errors:
        process = subprocess.Popen(
            [TICKLER, "--binder", str(root), "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            stdin=subprocess.DEVNULL,
            env=environ or env(),
            text=True,
        )
    try:
        assert process.stdout is not None
        link = process.stdout.readline().strip()  # printed once the socket listens
        calendar = process.stdout.readline().strip()
        assert link.startswith("http"), f"serve did not start: {log.read_text()}"
        yield Server(process, link, calendar.removeprefix("calendar: "), log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no csrf field"
    return found.group(1)


def cli(root: Path, *args: str, environ: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command line on ``root``, with the same clock and user as the server."""
    assert TICKLER is not None
    return subprocess.run(
        [TICKLER, "--binder", str(root), *args],
        env=environ or env(),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


DEADLINE = 60.0  # seconds: a loaded machine, not the expected time (well under a second)


def eventually(check: Callable[[], bool], what: str) -> None:
    """Ask until ``check`` holds: for what the server does on its own time (its sync timer, the
    segments' line worked out in the background), as a person refreshing the page would."""
    end = time.monotonic() + DEADLINE
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.1)  # the server, not the test's clock, decides when
