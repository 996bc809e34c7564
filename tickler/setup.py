"""``tickler init``: create the folders, forms, settings and git files of a new binder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .config import DEFAULT_SETTINGS_TEXT
from .errors import TicklerError
from .forms import FORMS, form_text
from .fsutil import TEMP_PREFIX, atomic_write
from .git import GITATTRIBUTES, GitError, find_repo, register_merge_driver
from .layout import CARD_FOLDERS, SETTINGS_FILE, STATE, TEMPLATES

GITIGNORE = f"""\
# local state of tickler (lock, cache): always safe to delete (a folder, or a link to one)
{STATE}
# half-written files of an interrupted write (the next command removes them)
{TEMP_PREFIX}*
"""


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
            ".gitattributes": GITATTRIBUTES,
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
        notes.extend(_init_git(root, created))
    return created, notes


def _init_git(root: Path, created: list[str]) -> list[str]:
    """Make the binder a git repository (unless it is in one), register the card merge driver and
    commit what init created."""
    if shutil.which("git") is None:
        return ["git is not installed: the binder works without it, but has no history or sync"]
    repo = find_repo(root)
    if repo is None:
        done = subprocess.run(["git", "init", "-q"], cwd=root, capture_output=True, text=True)
        if done.returncode != 0:
            return [f"git init failed: {done.stderr.strip()}"]
        repo = find_repo(root)
        assert repo is not None
    try:
        register_merge_driver(repo)
        paths = [p + ".gitkeep" if p.endswith("/") else p for p in created]
        paths = [p for p in paths if (root / p).exists()]
        if paths:
            repo.commit_paths(paths, "tickler init")
    except GitError as exc:
        return [f"the binder is created but not committed: {exc.message}"]
    return []
