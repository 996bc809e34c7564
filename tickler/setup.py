"""``tickler init``: create the folders, forms, settings and git files of a new binder."""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

from .binder import CARD_FOLDERS, STATE, TEMPLATES
from .config import DEFAULT_SETTINGS_TEXT, SETTINGS_FILE
from .errors import TicklerError
from .fsutil import atomic_write

GITIGNORE = f"""\
# local state of tickler (lock, cache): always safe to delete
{STATE}/
"""

FORMS = ("default.md", "call-report.md", "retail-customer.md")


def form_text(name: str) -> str:
    """A blank form shipped with tickler (``default.md``, ``call-report.md``...)."""
    return resources.files("tickler").joinpath("forms", name).read_text(encoding="utf-8")


def init_binder(path: Path, *, git: bool = True) -> tuple[list[str], list[str]]:
    """Create what is missing of a binder at ``path``; never overwrites a file.

    Returns the paths created and notes for the user (e.g. why no git repository was made)."""
    root = path.expanduser()
    if root.exists() and not root.is_dir():
        raise TicklerError("exists and is not a folder", path=root)
    created: list[str] = []
    notes: list[str] = []
    try:
        root.mkdir(parents=True, exist_ok=True)
        for folder in (*CARD_FOLDERS, TEMPLATES):
            target = root / folder
            if not target.is_dir():
                target.mkdir(parents=True)
                created.append(folder + "/")
            keep = target / ".gitkeep"
            if folder != TEMPLATES and not any(target.iterdir()):
                keep.touch()
        files = {
            SETTINGS_FILE: DEFAULT_SETTINGS_TEXT,
            ".gitignore": GITIGNORE,
            **{f"{TEMPLATES}/{name}": form_text(name) for name in FORMS},
        }
        for rel, text in files.items():
            target = root / rel
            if not target.exists():
                atomic_write(target, text.encode("utf-8"))
                created.append(rel)
    except OSError as exc:
        raise TicklerError(f"cannot create the binder: {exc.strerror}", path=exc.filename or root) from None
    if git:
        notes.extend(_init_git(root))
    return created, notes


def _init_git(root: Path) -> list[str]:
    if shutil.which("git") is None:
        return ["git is not installed: the binder works without it, but has no history or sync"]
    inside = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True)
    if inside.returncode == 0:
        return []
    done = subprocess.run(["git", "init", "-q"], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        return [f"git init failed: {done.stderr.strip()}"]
    return []
