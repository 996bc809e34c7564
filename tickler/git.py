"""Every git call tickler makes. Commands are argument lists, never a shell; paths go through -z.

A command's commit holds only the paths it touched: they are staged in a temporary index built
from HEAD, so whatever the user has staged or edited elsewhere stays as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TicklerError
from .layout import card_id_of


class GitError(TicklerError):
    pass


BULK = 200  # from this many files on, a commit's contents go into one pack (Repo._packed)
# Attributes under which git stores a file's content other than byte for byte.
_CONTENT_ATTRS = ("filter", "text", "eol", "crlf", "ident", "working-tree-encoding")


@dataclass(frozen=True)
class TreeChange:
    """One file a commit changed: its binder-relative path and blob ids (None: absent)."""

    path: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Repo:
    top: Path  # the work tree's top folder
    prefix: str  # the binder's folder inside it ("" when the binder is the top), with a trailing /
    # What git has told this command once: whether it converts each path ("" for core.autocrlf),
    # and each commit's parents (neither changes under the binder's lock).
    _converted: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _parents: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def run(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[bytes]:
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
        try:
            done = subprocess.run(
                ["git", *args], cwd=self.top, input=stdin, capture_output=True, env=full_env, timeout=600
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror}") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} did not finish in 10 minutes") from None
        if check and done.returncode != 0:
            raise GitError(f"git {args[0]} failed: {done.stderr.decode(errors='replace').strip()}")
        return done

    def text(self, *args: str, check: bool = True) -> str:
        return self.run(*args, check=check).stdout.decode("utf-8", errors="replace")

    def repo_path(self, binder_rel: str) -> str:
        return self.prefix + binder_rel

    def binder_path(self, repo_rel: str) -> str | None:
        if not repo_rel.startswith(self.prefix):
            return None
        return repo_rel[len(self.prefix) :]

    @property
    def git_dir(self) -> Path:
        return Path(self.text("rev-parse", "--absolute-git-dir").strip())

    def head(self) -> str | None:
        done = self.run("rev-parse", "--verify", "-q", "HEAD", check=False)
        return done.stdout.decode().strip() or None

    def in_the_middle(self) -> str | None:
        """What unfinished operation git is in (merge, rebase...), if any."""
        git_dir = self.git_dir
        for name, what in (
            ("MERGE_HEAD", "a merge"),
            ("rebase-merge", "a rebase"),
            ("rebase-apply", "a rebase"),
            ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ):
            if (git_dir / name).exists():
                return what
        return None

    def remove_locks_since(self, since_ns: int) -> list[str]:
        """Remove git's lock files made at or after ``since_ns`` (a dead command's); their names."""
        git_dir = self.git_dir
        removed = []
        for lock in sorted([*git_dir.glob("*.lock"), *git_dir.glob("refs/**/*.lock")]):
            try:
                if lock.is_file() and lock.stat().st_mtime_ns >= since_ns:
                    lock.unlink()
                    removed.append(lock.relative_to(git_dir).as_posix())
            except OSError:
                continue
        return removed

    def commit_paths(
        self,
        paths: Iterable[str],
        message: str,
        *,
        before: Mapping[str, bytes | None] | None = None,
        before_message: str = "",
        keep_before: bool = False,
    ) -> str | None:
        """Commit exactly ``paths`` (binder-relative) as they are in the work tree; returns the new
        commit, or None when they hold no change. Other staged or unstaged edits are left alone.

        A card is committed whole: every path of the same card id in the parent commit goes into
        the commit too, so a card that moved outside it (dragged by hand, a move whose commit
        failed) leaves no stale copy behind and no commit holds one id at two paths.

        With ``before`` (binder-relative path -> its bytes, None for absent), the change goes on
        top of a commit ``before_message`` of those contents: the state the files had before the
        command changed them (the hand edits it found). HEAD moves once, to the change; nothing
        is committed when the change adds nothing to ``before`` (unless ``keep_before``: then
        the commit of ``before`` alone)."""
        wanted = {self.repo_path(p) for p in paths}
        prior = {self.repo_path(p): data for p, data in (before or {}).items()}
        if not wanted and not prior:
            return None
        parent = self.head()
        with tempfile.TemporaryDirectory(prefix="tickler-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if parent:
                self.run("read-tree", parent, env=env)
            else:
                self.run("read-tree", "--empty", env=env)
            wanted |= self._same_cards(wanted | set(prior), env)
            base_tree = self.text("rev-parse", f"{parent}^{{tree}}").strip() if parent else ""
            first_tree = base_tree
            if prior:
                self.run("update-index", "-z", "--index-info", stdin=self._staged(prior, Path(tmp)), env=env)
                first_tree = self.run("write-tree", env=env).stdout.decode().strip()
            repo_paths = sorted(wanted | set(prior))
            listing = b"".join(p.encode("utf-8") + b"\0" for p in repo_paths)
            packed = self._packed(repo_paths, Path(tmp)) if len(repo_paths) >= BULK else None
            if packed is not None:
                self.run("update-index", "-z", "--index-info", stdin=packed, env=env)
            else:
                self.run("update-index", "--add", "--remove", "-z", "--stdin", stdin=listing, env=env)
            tree = self.run("write-tree", env=env).stdout.decode().strip()
        if tree == first_tree and not (keep_before and first_tree != base_tree):
            return None
        base = parent
        if prior and first_tree != base_tree:
            base = self._commit_tree(first_tree, base, before_message)
        commit = base if tree == first_tree else self._commit_tree(tree, base, message)
        assert commit is not None
        # The real index first, then HEAD: killed in between, the index holds what the work tree
        # holds (staged, and committed by the next command), never a state a plain ``git commit``
        # would turn back. update-index takes the paths one by one (``reset --pathspec-from-file``
        # matches every path against every index entry: minutes for a big roll).
        done = self.run("update-index", "--add", "--remove", "-z", "--stdin", stdin=listing, check=False)
        if done.returncode != 0:  # (nothing is committed: the journal keeps the paths)
            why = done.stderr.decode(errors="replace").strip()
            if "index.lock" in why:
                why = "git's index is locked by another git program (.git/index.lock)"
            raise GitError(why or "git update-index failed")
        subject = (message if commit != base or not prior else before_message).splitlines()[0]
        update = ["update-ref", "-m", subject, "HEAD", commit]
        if parent:
            update.append(parent)
        self.run(*update)
        return commit

    def _commit_tree(self, tree: str, parent: str | None, message: str) -> str:
        # The message goes through stdin: a roll of thousands of cards lists each in the body,
        # more than one command-line argument may hold.
        args = ["commit-tree", tree, "-F", "-"]
        if parent:
            args[2:2] = ["-p", parent]
        return self.run(*args, stdin=message.encode("utf-8")).stdout.decode().strip()

    def _same_cards(self, repo_paths: set[str], env: dict[str, str]) -> set[str]:
        """The paths in the index ``env`` names of the card ids that ``repo_paths`` hold."""
        ids = {card_id for p in repo_paths if (rel := self.binder_path(p)) and (card_id := card_id_of(rel))}
        if not ids:
            return set()
        if len(ids) <= 32:  # a few cards: ask for their paths (a pathspec each is matched per entry)
            specs = []
            for card_id in sorted(ids):
                name = _glob_escape(card_id + ".md")
                specs += [
                    f":(literal){self.repo_path('cards/' + card_id + '.md')}",
                    f":(glob){self.repo_path('days')}/*/{name}",
                    f":(glob){self.repo_path('months')}/*/{name}",
                ]
        else:
            specs = [self.repo_path(folder) for folder in ("cards", "days", "months")]
        out = self.run("ls-files", "-z", "--cached", "--", *specs, env=env).stdout
        found = set()
        for raw in out.split(b"\0"):
            path = raw.decode("utf-8", errors="surrogateescape")
            rel = self.binder_path(path) if path else None
            if rel is not None and card_id_of(rel) in ids:
                found.add(path)
        return found

    def _staged(self, contents: Mapping[str, bytes | None], tmp: Path) -> bytes:
        """``update-index -z --index-info`` lines that stage ``contents`` (repo path -> bytes,
        None: removed), their blobs written into the object store."""
        present = sorted(p for p, data in contents.items() if data is not None)
        blobs = self._blobs([(p, contents[p] or b"") for p in present], tmp)
        lines = [f"100644 {blobs[p]}\t{p}\0" for p in present]
        zeros = "0" * len(next(iter(blobs.values()))) if blobs else "0" * self._hash_length()
        lines += [f"0 {zeros}\t{p}\0" for p, data in sorted(contents.items()) if data is None]
        return "".join(lines).encode("utf-8")

    def _hash_length(self) -> int:
        return 64 if self.text("rev-parse", "--show-object-format").strip() == "sha256" else 40

    def _blobs(self, items: list[tuple[str, bytes]], tmp: Path) -> dict[str, str]:
        """Write each (repo path, bytes) as a blob, as ``git add`` would store it at that path;
        their ids by path. One ``fast-import`` pack when git stores the files byte for byte (no
        filter or end-of-line conversion), else one ``hash-object`` each."""
        if not items:
            return {}
        if not self._converts([p for p, _ in items]):
            stream = bytearray()
            for number, (_, data) in enumerate(items, 1):
                stream += b"blob\nmark :%d\ndata %d\n" % (number, len(data)) + data + b"\n"
            stream += b"done\n"
            marks_file = tmp / f"marks-{len(list(tmp.iterdir()))}"
            self.run("fast-import", "--quiet", "--done", f"--export-marks={marks_file}", stdin=bytes(stream))
            marks = dict(line.split(" ", 1) for line in marks_file.read_text().splitlines())
            return {path: marks[f":{number}"] for number, (path, _) in enumerate(items, 1)}
        blobs = {}
        for path, data in items:
            done = self.run("hash-object", "-w", "--stdin", f"--path={path}", stdin=data)
            blobs[path] = done.stdout.decode().strip()
        return blobs

    def _converts(self, repo_paths: list[str]) -> bool:
        """Whether git would store any of these files other than byte for byte (asked of git once
        a command for each path: settings and attributes do not change under the lock)."""
        known = self._converted
        if "" not in known:  # (the setting first)
            autocrlf = self.text("config", "--get", "core.autocrlf", check=False).strip().lower()
            known[""] = autocrlf in ("true", "input")
        if known[""]:
            return True
        unknown = [p for p in dict.fromkeys(repo_paths) if p not in known]
        if unknown:
            listing = b"".join(p.encode("utf-8") + b"\0" for p in unknown)
            out = self.run("check-attr", "-z", "--stdin", *_CONTENT_ATTRS, stdin=listing).stdout.split(b"\0")
            for path in unknown:
                known[path] = False
            for raw, value in zip(out[0::3], out[2::3], strict=False):
                if value not in (b"unspecified", b""):
                    known[raw.decode("utf-8", "surrogateescape")] = True
        return any(known[p] for p in repo_paths)

    def _packed(self, repo_paths: list[str], tmp: Path) -> bytes | None:
        """For a commit of thousands of files: their contents written into one pack by ``git
        fast-import`` (``update-index --add`` writes a loose object file for each, several times
        slower), and the ``update-index -z --index-info`` lines that stage them. None (stage the
        usual way) when git would not store a file byte for byte (a filter or end-of-line
        conversion applies) or one is not a plain file."""
        if self._converts(repo_paths):
            return None
        contents: dict[str, bytes | None] = {}
        for path in repo_paths:
            full = self.top / path
            try:
                info = full.lstat()
            except FileNotFoundError:
                contents[path] = None  # gone: out of the commit
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o111:
                return None
            contents[path] = full.read_bytes()
        return self._staged(contents, tmp)

    def branch(self) -> str | None:
        """The branch HEAD is on; None when HEAD is detached."""
        done = self.run("symbolic-ref", "-q", "--short", "HEAD", check=False)
        return done.stdout.decode().strip() or None

    def reflog(self) -> list[tuple[str, str]]:
        """(commit, subject) of HEAD's moves in this clone, newest first: the commits made here
        (tickler's, with their message) and the merges and checkouts that moved it."""
        done = self.run("reflog", "show", "--format=%H%x1f%gs", "HEAD", "--", check=False)
        out = []
        for line in done.stdout.decode("utf-8", errors="replace").splitlines():
            commit, _, subject = line.partition("\x1f")
            if commit:
                out.append((commit, subject))
        return out

    def message(self, commit: str) -> str:
        return self.text("log", "-1", "--format=%B", commit, "--")

    def parents(self, commit: str) -> list[str]:
        known = self._parents
        if commit not in known:
            known[commit] = self.text("rev-list", "--parents", "-n", "1", commit, "--").split()[1:]
        return list(known[commit])

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self.run("merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode == 0

    def tree_changes(self, parent: str, commit: str) -> list[TreeChange]:
        """What ``commit`` changed against ``parent``, a binder file at a time (a move is a path
        removed and a path added), with the blob ids on both sides."""
        out = self.run("diff-tree", "-r", "--no-renames", "--raw", "-z", parent, commit).stdout
        fields = out.split(b"\0")
        changes = []
        for meta, raw_path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.decode().lstrip(":").split()
            if len(parts) < 5:
                continue
            rel = self.binder_path(raw_path.decode("utf-8", errors="surrogateescape"))
            if rel is None:
                continue
            before = None if set(parts[2]) == {"0"} else parts[2]
            after = None if set(parts[3]) == {"0"} else parts[3]
            changes.append(TreeChange(rel, before, after))
        return sorted(changes, key=lambda c: c.path)

    def disk_blobs(self, rels: list[str]) -> dict[str, str]:
        """The blob id each binder file would have if added now (``git add``'s view of it), for
        the plain files among ``rels``; a missing file, a link or a folder is left out."""
        present = []
        for rel in rels:
            full = self.top / self.repo_path(rel)
            with contextlib.suppress(OSError):
                if stat.S_ISREG(full.lstat().st_mode):
                    present.append(rel)
        if not present:
            return {}
        listing = "".join(f"{self.repo_path(rel)}\n" for rel in present).encode("utf-8")
        out = self.run("hash-object", "--stdin-paths", stdin=listing).stdout.decode().split()
        return dict(zip(present, out, strict=True))

    def contents(self, wanted: Sequence[tuple[str, str]]) -> dict[str, bytes]:
        """The bytes each (binder-relative path, blob id) would have in the work tree, by path:
        one ``cat-file --batch`` when git stores those files byte for byte, else one filtered
        ``cat-file`` each (a git LFS pointer comes back as the file it stands for)."""
        if not wanted:
            return {}
        if self._converts([self.repo_path(rel) for rel, _ in wanted]):
            return {
                rel: self.run("cat-file", "--filters", f"--path={self.repo_path(rel)}", blob).stdout
                for rel, blob in wanted
            }
        ids = sorted({blob for _, blob in wanted})
        out = self.run("cat-file", "--batch", stdin="".join(f"{i}\n" for i in ids).encode()).stdout
        found: dict[str, bytes] = {}
        at = 0
        for blob in ids:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            if len(header) != 3:
                raise GitError(f"git cat-file: no object {blob}")
            size = int(header[2])
            found[blob] = out[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        return {rel: found[blob] for rel, blob in wanted}

    def committed(self, pathspecs: Sequence[str]) -> list[str]:
        """Binder-relative paths of the files HEAD holds under ``pathspecs``."""
        if self.head() is None:
            return []
        specs = [self.repo_path(p) for p in pathspecs]
        out = self.run("ls-tree", "-r", "-z", "--name-only", "HEAD", "--", *specs).stdout
        paths = (raw.decode("utf-8", errors="surrogateescape") for raw in out.split(b"\0") if raw)
        return [rel for path in paths if (rel := self.binder_path(path)) is not None]

    def committed_blobs(self, rels: Sequence[str]) -> dict[str, str]:
        """The blob id HEAD holds at each binder-relative path of ``rels`` (absent ones left out)."""
        if not rels:
            return {}
        specs = [f":(literal){self.repo_path(r)}" for r in rels]
        out = self.run("ls-tree", "-r", "-z", "HEAD", "--", *specs).stdout
        found = {}
        for raw in out.split(b"\0"):
            meta, _, path = raw.decode("utf-8", errors="surrogateescape").partition("\t")
            parts = meta.split()
            rel = self.binder_path(path) if path else None
            if rel is not None and len(parts) == 3 and parts[1] == "blob":
                found[rel] = parts[2]
        return found

    def missing_cards(self, on_disk: set[str]) -> dict[str, bytes]:
        """The cards HEAD holds whose id is nowhere in ``on_disk``: their first committed path
        and the bytes to write there."""
        by_id: dict[str, str] = {}
        for rel in sorted(self.committed(["cards", "days", "months"])):
            card_id = card_id_of(rel)
            if card_id is not None and card_id not in on_disk:
                by_id.setdefault(card_id, rel)
        if not by_id:
            return {}
        return self.contents(list(self.committed_blobs(list(by_id.values())).items()))

    def half_staged(self, pathspecs: Sequence[str]) -> list[str]:
        """Binder-relative paths whose staged entry differs from HEAD while the work tree does
        not (an index a killed or locked-out git command left behind): a plain ``git commit``
        would commit a state the binder is not in."""
        if self.head() is None:
            return []
        specs = [self.repo_path(p) for p in pathspecs]
        out = self.run("diff", "--cached", "HEAD", "--name-only", "--no-renames", "-z", "--", *specs).stdout
        staged = [
            rel
            for raw in out.split(b"\0")
            if raw and (rel := self.binder_path(raw.decode("utf-8", "surrogateescape")))
        ]
        if not staged:
            return []
        committed, on_disk = self.committed_blobs(staged), self.disk_blobs(staged)
        return sorted(rel for rel in staged if committed.get(rel) == on_disk.get(rel))

    def unstage(self, rels: Sequence[str]) -> None:
        """Put the index entries of ``rels`` back as HEAD has them."""
        if rels:
            listing = b"".join(self.repo_path(r).encode("utf-8") + b"\0" for r in rels)
            self.run("reset", "-q", "--pathspec-from-file=-", "--pathspec-file-nul", "HEAD", stdin=listing)

    def changed_paths(self, pathspecs: Sequence[str]) -> list[str]:
        """Binder-relative paths under ``pathspecs`` that differ from HEAD or are untracked."""
        specs = [self.repo_path(p) for p in pathspecs]
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *specs).stdout
        paths: list[str] = []
        entries = out.split(b"\0")
        index = 0
        while index < len(entries):
            entry = entries[index]
            index += 1
            if len(entry) < 4:
                continue
            status, path = entry[:2].decode(), entry[3:].decode("utf-8", errors="surrogateescape")
            if "R" in status or "C" in status:
                origin = entries[index].decode("utf-8", errors="surrogateescape")
                index += 1
                rel = self.binder_path(origin)
                if rel is not None:
                    paths.append(rel)
            rel = self.binder_path(path)
            if rel is not None:
                paths.append(rel)
        return paths


def find_repo(root: Path) -> Repo | None:
    """The git work tree holding ``root``, or None (no git, or not a repository)."""
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    top = Path(done.stdout.strip()).resolve()
    rel = root.resolve().relative_to(top).as_posix()
    prefix = "" if rel == "." else rel + "/"
    return Repo(top, prefix)


MERGE_DRIVER = "tickler"
GITATTRIBUTES = f"""\
# Cards merge key by key, with the Log as the union of both sides (tickler's merge driver).
cards/*.md merge={MERGE_DRIVER}
days/*/*.md merge={MERGE_DRIVER}
months/*/*.md merge={MERGE_DRIVER}
"""


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", name)


def driver_command() -> str:
    """The merge driver as git runs it (through a shell, with git's own quoted temp file names)."""
    python = sys.executable.replace("'", "'\\''")
    return f"'{python}' -m tickler.merge %O %A %B %P"


def register_merge_driver(repo: Repo) -> bool:
    """Register the card merge driver in this clone's config; True if it was missing or stale."""
    key = f"merge.{MERGE_DRIVER}.driver"
    current = repo.text("config", "--local", "--get", key, check=False).strip()
    wanted = driver_command()
    if current == wanted:
        return False
    repo.run(
        "config", "--local", f"merge.{MERGE_DRIVER}.name", "tickler card merge (key by key, Log as a union)"
    )
    repo.run("config", "--local", key, wanted)
    return True


@dataclass(frozen=True)
class HistoryEntry:
    commit: str
    date: str  # ISO 8601
    author: str
    message: str
    path: str  # binder-relative path of the card in that commit
    next_from: str | None
    next_to: str | None
    log_added: tuple[str, ...]


_NEXT_LINE = re.compile(r"^([-+])next:[ \t]*(.*?)[ \t]*(?:#.*)?$")


def card_history(repo: Repo, card_id: str) -> list[HistoryEntry]:
    """The card's commits, newest first, with what changed. The id is stable across moves, so the
    history is every commit that touched ``<id>.md`` in any divider (sturdier than ``--follow``,
    which follows one path and loses a card that a merged branch moved elsewhere)."""
    name = f"{card_id}.md"
    specs = [f":(literal){repo.repo_path('cards/' + name)}"] + [
        f":(glob){repo.repo_path(folder)}/*/{_glob_escape(name)}" for folder in ("days", "months")
    ]
    out = repo.run(
        "log",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "-p",
        "--unified=0",
        "--format=%x1e%H%x1f%aI%x1f%an%x1f%s",
        "--",
        *specs,
    ).stdout.decode("utf-8", errors="replace")
    entries = []
    for chunk in out.split("\x1e")[1:]:
        header, _, patch = chunk.partition("\n")
        commit, date, author, message = header.split("\x1f", 3)
        path = ""
        old_next: str | None = None
        new_next: str | None = None
        added = []
        for line in patch.splitlines():
            if line.startswith("+++ b/") or (line.startswith("rename to ")):
                target = line[6:] if line.startswith("+++") else line[len("rename to ") :]
                path = repo.binder_path(target) or target
            elif (match := _NEXT_LINE.match(line)) is not None:
                if match[1] == "-":
                    old_next = match[2] or None
                else:
                    new_next = match[2] or None
            elif line.startswith("+- ") and re.match(r"^\+- \d{4}-\d{2}-\d{2}", line):
                added.append(line[1:])
        changed_next = old_next != new_next
        entries.append(
            HistoryEntry(
                commit,
                date,
                author,
                message,
                path,
                old_next if changed_next else None,
                new_next if changed_next else None,
                tuple(added),
            )
        )
    return entries
