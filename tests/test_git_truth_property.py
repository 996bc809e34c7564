"""A property of DESIGN section 9, driven by hypothesis: random sequences of commands, hand edits,
hand drags, kills and failures on a real git binder, and after each step

- every card id is at one path on disk, and no id is ever at two paths in HEAD;
- no Log line is lost: every line a command or a hand wrote is still in its card, but the ones a
  successful ``undo`` took back (and only those: a line of the command it undid);
- after a command's commit, HEAD holds each card it touched exactly where it is on disk;
- after ``check --fix``, ``git status`` of the cards is clean and HEAD is the binder.

A kill is the process dying on the spot (``os._exit`` in a forked child, before its k-th file or
git operation: no ``finally`` runs, as with SIGKILL); a failure is a divider that is a symbolic
link, which the command must refuse, changing and committing nothing. Seeded (derandomized), so a
failure replays.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from typer.testing import CliRunner

from tickler.cli import app
from tickler.layout import CARD_FOLDERS, card_id_of
from tickler.setup import init_binder

TODAY = "2026-11-23"
NAMES = ["Ivan Petrov", "Olga Smirnova", "María García", "John Miller", "Юлия Орлова", "Hans Becker"]
WHENS = ["2026-11-24", "2026-11-30", "fri", "+3", "+2w", "2027-01-15", "tomorrow 10:30"]
DIVIDERS = ["days/24", "days/27", "days/30", "months/01", "months/03", "cards"]


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def cli(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--binder", str(root), *args], env={"TICKLER_TODAY": TODAY})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


def on_disk(root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder in CARD_FOLDERS:
        if (root / folder).is_dir():
            for path in sorted((root / folder).iterdir()):
                card_id = card_id_of(f"{folder}/{path.name}")
                if card_id is not None and not path.name.startswith("."):
                    found.setdefault(card_id, []).append(f"{folder}/{path.name}")
    return found


def in_head(root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for rel in git(root, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", "cards", "days", "months").split(
        "\0"
    ):
        card_id = card_id_of(rel)
        if card_id is not None:
            found.setdefault(card_id, []).append(rel)
    return found


def killed_at(step: int, root: Path, *args: str) -> None:
    """Run the command in a forked child that dies on the spot before its ``step``-th file write,
    rename or git call (``os._exit``: no clean-up runs, as when the process is killed)."""
    pid = os.fork()
    if pid == 0:  # the child
        try:
            import sys

            import tickler.fsutil as fsutil
            import tickler.git as gitmod

            count = [0]

            def dying(real: Callable[..., Any]) -> Callable[..., Any]:
                def call(*a: Any, **k: Any) -> Any:
                    count[0] += 1
                    if count[0] >= step:
                        os._exit(137)
                    return real(*a, **k)

                return call

            for name in ("atomic_write", "atomic_move"):
                real = getattr(fsutil, name)
                for module in list(sys.modules.values()):
                    if (
                        getattr(module, "__name__", "").startswith("tickler")
                        and getattr(module, name, None) is real
                    ):
                        setattr(module, name, dying(real))
            gitmod.Repo.run = dying(gitmod.Repo.run)  # type: ignore[method-assign]
            cli(root, *args)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


class Binder(RuleBasedStateMachine):
    """One rep's git binder, worked by commands and by hand."""

    def __init__(self) -> None:
        super().__init__()
        self.top = Path(tempfile.mkdtemp(prefix="tickler-prop-"))
        self.root = self.top / "binder"
        self.kept: dict[str, set[str]] = {}  # card id -> lines that must stay in it
        self.undoable: list[tuple[str, str, str | None]] = []  # tickler's commits: (sha, card, line)
        self.n = 0

    def teardown(self) -> None:
        shutil.rmtree(self.top, ignore_errors=True)

    @initialize()
    def start(self) -> None:
        init_binder(self.root)
        for name in NAMES[:3]:
            assert cli(self.root, "new", name, "--next", "2026-11-24")[0] == 0

    # ------------------------------------------------------------------ helpers

    def _card(self, pick: int) -> str | None:
        ids = sorted(on_disk(self.root))
        return ids[pick % len(ids)] if ids else None

    def _path(self, card_id: str) -> Path:
        return self.root / on_disk(self.root)[card_id][0]

    def _marker(self, what: str) -> str:
        self.n += 1
        return f"{what} {self.n}"

    def _command(self, card: str | None, line: str | None, *args: str) -> int:
        before = git(self.root, "rev-parse", "HEAD").strip()
        code, out = cli(self.root, *args)
        self._record(before, card, line)
        if code == 0 and card and line:
            self.kept.setdefault(card, set()).add(line)
        if code == 0 and "not committed" not in out:
            self._head_holds_what_it_touched(card)
        return code

    def _record(self, before: str, card: str | None, line: str | None) -> None:
        """The commits undo may take back, made since ``before`` (oldest first), each with the
        line its log wrote."""
        made = git(self.root, "log", "--reverse", "--format=%H %s", f"{before}..HEAD").splitlines()
        for commit, _, subject in (m.partition(" ") for m in made):
            if subject.startswith("tickler ") and not subject.startswith(("tickler undo", "tickler init")):
                self.undoable.append(
                    (commit, card or "", line if subject.startswith("tickler log") else None)
                )

    def _head_holds_what_it_touched(self, card: str | None) -> None:
        if card is not None and card in on_disk(self.root):
            assert in_head(self.root).get(card) == on_disk(self.root)[card]

    # ------------------------------------------------------------------ commands

    @rule(name=st.sampled_from(NAMES), when=st.sampled_from(WHENS))
    def new(self, name: str, when: str) -> None:
        self._command(None, None, "new", name, "--next", when)

    @rule(pick=st.integers(0, 50), when=st.none() | st.sampled_from(WHENS))
    def log(self, pick: int, when: str | None) -> None:
        card = self._card(pick)
        if card is None:
            return
        line = self._marker("logged")
        self._command(card, line, "log", card, line, *(["--next", when] if when else []))

    @rule(pick=st.integers(0, 50), when=st.sampled_from(WHENS))
    def move(self, pick: int, when: str) -> None:
        card = self._card(pick)
        if card is not None:
            self._command(card, None, "move", card, when)

    @rule(pick=st.integers(0, 50))
    def park(self, pick: int) -> None:
        card = self._card(pick)
        if card is not None:
            self._command(card, None, "park", card)

    @rule()
    def undo(self) -> None:
        code, out = cli(self.root, "undo")
        if code != 0:
            return
        undone = out.split()[1]  # "undid 1a2b3c4d tickler log: ..."
        for commit, card, line in list(self.undoable):
            if commit.startswith(undone):
                self.undoable.remove((commit, card, line))
                if line is not None:
                    self.kept.get(card, set()).discard(line)  # the one line undo may take back

    @rule()
    def roll(self) -> None:
        self._command(None, None, "roll")

    @rule()
    def check_fix(self) -> None:
        before = git(self.root, "rev-parse", "HEAD").strip()
        code, out = cli(self.root, "check", "--fix")
        self._record(before, None, None)
        assert code == 0, out
        status = git(
            self.root, "status", "--porcelain", "--untracked-files=all", "--", "cards", "days", "months"
        )
        assert status == "", status
        assert in_head(self.root) == on_disk(self.root)

    # ------------------------------------------------------------------ by hand

    @rule(pick=st.integers(0, 50))
    def hand_edit(self, pick: int) -> None:
        card = self._card(pick)
        if card is None:
            return
        line = f"- 2026-11-23 note: {self._marker('by hand')}"
        with self._path(card).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        self.kept.setdefault(card, set()).add(line)

    @rule(pick=st.integers(0, 50), to=st.sampled_from(DIVIDERS))
    def hand_drag(self, pick: int, to: str) -> None:
        card = self._card(pick)
        if card is None:
            return
        source = self._path(card)
        target = self.root / to / source.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)

    # ------------------------------------------------------------------ kills and failures

    @rule(pick=st.integers(0, 50), step=st.integers(1, 12), when=st.sampled_from(WHENS))
    def killed_log(self, pick: int, step: int, when: str) -> None:
        card = self._card(pick)
        if card is None:
            return
        line = self._marker("killed")
        before = git(self.root, "rev-parse", "HEAD").strip()
        killed_at(step, self.root, "log", card, line, "--next", when)
        self._record(before, card, line)
        if any(line in (self.root / p).read_text(encoding="utf-8") for p in on_disk(self.root).get(card, [])):
            self.kept.setdefault(card, set()).add(line)  # it got written: now it must stay

    @rule(step=st.integers(1, 30))
    def killed_roll(self, step: int) -> None:
        before = git(self.root, "rev-parse", "HEAD").strip()
        killed_at(step, self.root, "roll")
        self._record(before, None, None)

    @rule(pick=st.integers(0, 50), when=st.sampled_from(["2026-11-30", "+7"]))
    def refused(self, pick: int, when: str) -> None:
        """The target divider is a link: the command refuses, changing and committing nothing."""
        card = self._card(pick)
        target = self.root / "days/30"
        if card is None or any(p.suffix == ".md" for p in target.iterdir()):
            return
        shutil.rmtree(target)
        elsewhere = self.top / "elsewhere"
        elsewhere.mkdir(exist_ok=True)
        target.symlink_to(elsewhere)
        try:
            head = git(self.root, "rev-parse", "HEAD")
            texts = {c: [(self.root / p).read_bytes() for p in ps] for c, ps in on_disk(self.root).items()}
            code, out = cli(self.root, "log", card, self._marker("refused"), "--next", when)
            assert code == 1 and "days/30/ is a symbolic link" in out, out
            assert git(self.root, "rev-parse", "HEAD") == head
            assert {
                c: [(self.root / p).read_bytes() for p in ps] for c, ps in on_disk(self.root).items()
            } == texts
            assert list(elsewhere.iterdir()) == []
        finally:
            target.unlink()
            target.mkdir()
            (target / ".gitkeep").touch()

    # ------------------------------------------------------------------ invariants

    @invariant()
    def every_card_once(self) -> None:
        twice = {i: p for i, p in on_disk(self.root).items() if len(p) > 1}
        assert not twice, twice
        twice = {i: p for i, p in in_head(self.root).items() if len(p) > 1}
        assert not twice, f"twice in HEAD: {twice}"

    @invariant()
    def no_line_lost(self) -> None:
        disk = on_disk(self.root)
        for card, lines in self.kept.items():
            assert card in disk, f"{card} is gone"
            text = (self.root / disk[card][0]).read_text(encoding="utf-8")
            lost = [line for line in lines if line not in text]
            assert not lost, (card, lost)


TestGitHoldsTheBinder = Binder.TestCase
TestGitHoldsTheBinder.settings = settings(
    max_examples=int(
        os.environ.get("TICKLER_PROPERTY_EXAMPLES", "40" if os.environ.get("TICKLER_LONG") else "8")
    ),
    stateful_step_count=18,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kills are forked children (POSIX)")
