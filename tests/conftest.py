from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tickler.cli import app
from tickler.setup import init_binder

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's binder, clock, identity or colours."""
    for var in ("TICKLER_BINDER", "TICKLER_TODAY", "TICKLER_OWNER", "VISUAL", "EDITOR", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    for var in ("LC_ALL", "LC_TELEPHONE"):  # init reads a region from the locale: none here
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(var, "Test Rep")
    for var in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(var, "rep@example.com")


@pytest.fixture
def binder(tmp_path: Path) -> Path:
    root = tmp_path / "binder"
    init_binder(root, git=False)
    return root


Run = Callable[..., "Result"]


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"Result({self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


@pytest.fixture
def run(binder: Path) -> Run:
    """Run the CLI in-process against ``binder`` with the clock pinned to TODAY."""

    def invoke(*args: str, today: str = TODAY, env: dict[str, str] | None = None, root: Path | None = None):
        runner = CliRunner()
        full_env = {"TICKLER_TODAY": today, **(env or {})}
        result = runner.invoke(app, ["--binder", str(root or binder), *args], env=full_env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


def write_card(root: Path, folder: str, card_id: str, text: str) -> Path:
    path = root / folder / f"{card_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def card_text(name: str, next_: str | None = None, extra: str = "", body: str = "") -> str:
    lines = ["---", f"name: {name}"]
    if next_ is not None:
        lines.append(f"next: {next_}")
    if extra:
        lines.append(extra.rstrip("\n"))
    lines.append("---")
    return "\n".join(lines) + "\n" + (body or f"# {name}\n")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (but local state) with its bytes: to prove nothing changed."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".tickler" not in p.parts and ".git" not in p.parts
    }


def card_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for folder in ("cards", "days", "months")
        for p in (root / folder).rglob("*.md")
    )


@pytest.fixture
def sample_binder(tmp_path: Path) -> Path:
    """A copy of the repository's sample binder."""
    return copy_sample(tmp_path / "sample")


def copy_sample(root: Path) -> Path:
    """The repository's sample binder, copied to ``root``."""
    root.mkdir()
    for name in ("cards", "days", "months", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "tickler.toml", root / "tickler.toml")
    return root


def installed_tickler() -> str | None:
    """The console script installed next to this Python, if the package is installed."""
    import sys

    candidate = Path(sys.executable).parent / "tickler"
    if candidate.exists():
        return str(candidate)
    return shutil.which("tickler")


os.environ.setdefault("COLUMNS", "200")
# The installed command runs hundreds of times: let it keep its compiled modules between runs (a
# machine that sets PYTHONDONTWRITEBYTECODE would compile tickler's sources at every start).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


# --------------------------------------------------------------------------- where the binders live


def _in_memory() -> Path | None:
    """A folder in memory (a tmpfs with room to spare) for the suite's binders: every card tickler
    writes waits for the disk (fsync), which on a busy disk is most of the suite's time, and the
    suite's binders need no durability. TICKLER_TESTS_ON_DISK=1 keeps them on disk."""
    shm = Path("/dev/shm")
    if os.environ.get("TICKLER_TESTS_ON_DISK") or not shm.is_dir() or not os.access(shm, os.W_OK):
        return None
    room = os.statvfs(shm)
    if room.f_bavail * room.f_frsize < 4_000_000_000:
        return None
    return shm / f"tickler-tests-{os.getpid()}"


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or config.option.basetemp:
        return  # (a worker of pytest-xdist is given its place by the controller)
    base = _in_memory()
    if base is not None:
        config.option.basetemp = str(base / "pytest")
        (base / "tmp").mkdir(parents=True, exist_ok=True)
        os.environ["TMPDIR"] = str(base / "tmp")  # tempfile's folder too, here and in the workers
        import tempfile

        tempfile.tempdir = None
        config.stash[_MEMORY] = base


def pytest_unconfigure(config: pytest.Config) -> None:
    base = config.stash.get(_MEMORY, None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


_MEMORY = pytest.StashKey[Path]()
