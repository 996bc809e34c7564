"""``tickler init``: create the folders, forms, settings and git files of a new binder."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

from .config import DEFAULT_SETTINGS_TEXT
from .errors import TicklerError
from .forms import FORMS, form_text
from .fsutil import TEMP_PREFIX, atomic_write
from .git import GITATTRIBUTES, GitError, find_repo, register_merge_driver
from .layout import CARD_FOLDERS, FILES, SETTINGS_FILE, STATE, TEMPLATES

GITIGNORE = f"""\
# local state of tickler (lock, cache): always safe to delete (a folder, or a link to one)
{STATE}
# half-written files of an interrupted write (the next command removes them)
{TEMP_PREFIX}*
"""
# The usual types of a dossier's offers, calculations, schedules and scans: big binary files that
# a team repository keeps in git LFS with --lfs (mail, being text, stays in git itself).
LFS_TYPES = (
    *("pdf", "doc", "docx", "xls", "xlsx", "xlsm", "ppt", "pptx", "odt", "ods", "odp", "rtf"),
    *("png", "jpg", "jpeg", "gif", "tif", "tiff", "heic", "webp", "zip", "7z", "rar", "mp4", "mov"),
)
LFS_HEADING = "# The dossier's offers, sheets and scans are kept in git LFS (tickler init --lfs)."


def lfs_attributes() -> list[str]:
    """The ``.gitattributes`` lines that send the dossier's usual file types to git LFS, each
    matched in any case (a scanner writes ``OFFER.PDF``)."""

    def any_case(ext: str) -> str:
        return "".join(f"[{ch}{ch.upper()}]" if ch.isalpha() else ch for ch in ext)

    return [f"{FILES}/**/*.{any_case(ext)} filter=lfs diff=lfs merge=lfs -text" for ext in LFS_TYPES]


_REGION_LINE = re.compile(r'^(?:# ?)?region = "[^"]*"( *)(#.*)?$', re.MULTILINE)


def with_region(settings: str, region: str, comment: str | None = None) -> str:
    """Settings text with ``region = "RU"`` set: in place of its (commented) ``region`` line,
    keeping the comment after it (or putting ``comment`` there), else added at the end."""
    line = f'region = "{region}"'
    match = _REGION_LINE.search(settings)
    if match is None:
        return settings + ("" if settings.endswith("\n") or not settings else "\n") + line + "\n"
    note = f"# {comment}" if comment else match[2]
    if note:  # (the comment in its column)
        column = match.start(2) - match.start(0) if match[2] else 28
        line = line.ljust(column - 1) + " " + note
    return settings[: match.start()] + line + settings[match.end() :]


def init_binder(
    path: Path, *, git: bool = True, settings_text: str | None = None
) -> tuple[list[str], list[str]]:
    """Create what is missing of a binder at ``path``; never overwrites a file. ``settings_text``
    is the ``tickler.toml`` to write when there is none (default: every key at its default).

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
            SETTINGS_FILE: DEFAULT_SETTINGS_TEXT if settings_text is None else settings_text,
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


class LfsSetup(NamedTuple):
    ready: bool  # git lfs is installed and set up in this clone
    added: int  # lines added to .gitattributes (0: they were there already)
    note: str  # why nothing was set up, when it was not


def set_up_lfs(path: Path) -> LfsSetup:
    """Keep the dossier's big files in git LFS (``init --lfs``): ``git lfs install --local`` in the
    binder's clone, and the ``lfs_attributes`` lines missing from ``.gitattributes``, committed.
    When git or ``git lfs`` is missing, nothing changes and the note says why."""
    root = path.expanduser()
    repo = find_repo(root)
    if repo is None:
        return LfsSetup(False, 0, "git LFS needs a git repository, and the binder is not one (--no-git)")
    if repo.run("lfs", "version", check=False).returncode != 0:
        return LfsSetup(
            False,
            0,
            "git lfs is not installed, so nothing was set up for it (.gitattributes is unchanged); "
            "install git-lfs and run 'tickler init --lfs' again",
        )
    repo.run("lfs", "install", "--local")
    target = root / ".gitattributes"
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    have = set(current.splitlines())
    missing = [line for line in lfs_attributes() if line not in have]
    if not missing:
        return LfsSetup(True, 0, "")
    lines = missing if LFS_HEADING in have else [LFS_HEADING, *missing]
    glue = "" if not current or current.endswith("\n") else "\n"
    atomic_write(target, (current + glue + "\n".join(lines) + "\n").encode("utf-8"))
    repo.commit_paths([".gitattributes"], "tickler init: git LFS for the dossier's files")
    return LfsSetup(True, len(missing), "")
