"""``tickler sync``: commit hand edits, fetch, merge card by card, settle the binder, push.

git's merge, with tickler's merge driver, merges a card both sides edited in the same place. What a
merge driver never sees is resolved here, per card id, from the three commits themselves:
the same card moved to two folders, moved on one side and edited (or parked) on the other, and
two cards created with the same id. Each card ends up once, in the folder its merged ``next`` says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .binder import Binder, Filed
from .card import Card, format_entry
from .dates import Clock
from .errors import CardError, TicklerError
from .fsutil import atomic_move, atomic_write
from .git import GITATTRIBUTES, HistoryEntry, Repo, card_history, find_repo, register_merge_driver
from .identity import matches_identity
from .layout import CARD_FOLDERS, CARD_SUFFIX, CARDS, DAYS, MONTHS, TEMPLATES, card_id_of, location_for
from .merge import merge_cards

HAND_EDIT_FOLDERS = (CARDS, DAYS, MONTHS, TEMPLATES)
PUSH_TRIES = 5


@dataclass
class SyncReport:
    committed: list[str] = field(default_factory=list)  # hand-edited paths committed first
    upstream: str = ""
    incoming: int = 0  # commits merged from the remote
    resolved: list[str] = field(default_factory=list)  # cards merged or kept apart by sync
    settled: list[str] = field(default_factory=list)  # cards refiled or renamed after the merge
    pushed: bool = False
    notices: list[str] = field(default_factory=list)


def sync(binder: Binder, clock: Clock) -> SyncReport:
    repo = find_repo(binder.root)
    if repo is None:
        raise TicklerError(
            "this binder is not a git repository: nothing to sync. To share it, make it one "
            "('git init', or 'tickler init'), add a remote and push it once: "
            "git remote add origin URL && git push -u origin HEAD"
        )
    report = SyncReport()
    with binder.changing("tickler sync"):
        _prepare(binder, repo, report)
        if repo.in_the_middle() == "a merge" and not _finish_merge(binder, repo, clock, report):
            report.notices.append("an interrupted merge that git never carried out was set aside")
        report.committed = _commit_hand_edits(repo)
        report.upstream = _upstream(repo)
        for attempt in range(PUSH_TRIES):
            _fetch(repo, report.upstream)
            report.incoming += _merge(binder, repo, clock, report)
            report.settled += _settle(binder, clock)
            if _push(repo, report.upstream):
                report.pushed = True
                break
            if attempt == PUSH_TRIES - 1:
                raise TicklerError(
                    f"the remote kept moving while pushing ({PUSH_TRIES} tries); everything is "
                    "committed here: run 'tickler sync' again"
                )
        if report.incoming or report.committed:  # cards came from teammates or from an editor:
            for folder in CARD_FOLDERS:  # the index and the birthday view catch up with them
                binder.changed_by_hand(folder)
    return report


def _prepare(binder: Binder, repo: Repo, report: SyncReport) -> None:
    """Make sure this clone merges cards with tickler's driver."""
    if register_merge_driver(repo):
        report.notices.append("registered tickler's card merge driver in this clone")
    path = binder.root / ".gitattributes"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if "merge=tickler" not in current:
        text = current + ("" if not current or current.endswith("\n") else "\n") + GITATTRIBUTES
        atomic_write(path, text.encode("utf-8"))
        repo.commit_paths([".gitattributes"], "tickler sync: merge cards with tickler's merge driver")
        report.notices.append("added the card merge driver to .gitattributes")


def _commit_hand_edits(repo: Repo) -> list[str]:
    paths = [
        p for p in repo.changed_paths(HAND_EDIT_FOLDERS) if p.endswith(CARD_SUFFIX) or p.endswith(".gitkeep")
    ]
    if paths:
        listing = "\n".join(sorted(paths))
        repo.commit_paths(
            paths,
            f"tickler sync: hand edits of {len(paths)} file{'s' if len(paths) != 1 else ''}\n\n{listing}",
        )
    return sorted(paths)


def _upstream(repo: Repo) -> str:
    done = repo.run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    upstream = done.stdout.decode().strip()
    if done.returncode != 0 or not upstream:
        raise TicklerError(
            "this branch has no upstream to sync with; your changes are committed here. "
            "Push it once with: git push -u origin HEAD"
        )
    return upstream


def _fetch(repo: Repo, upstream: str) -> None:
    remote = repo.text("config", "--get", f"branch.{_branch(repo)}.remote", check=False).strip() or "origin"
    done = repo.run("fetch", "--quiet", remote, check=False)
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        raise TicklerError(
            f"cannot reach the remote '{remote}' ({why[-1] if why else 'no answer'}); "
            "your changes are committed here: run 'tickler sync' again when the remote is reachable"
        )


def _branch(repo: Repo) -> str:
    return repo.text("rev-parse", "--abbrev-ref", "HEAD").strip()


def _merge(binder: Binder, repo: Repo, clock: Clock, report: SyncReport) -> int:
    incoming = int(repo.text("rev-list", "--count", f"HEAD..{report.upstream}").strip() or 0)
    if incoming == 0:
        return 0
    done = repo.run("merge", "--no-edit", "--no-stat", "-q", report.upstream, check=False)
    if done.returncode == 0:
        return incoming
    why = done.stderr.decode(errors="replace").strip()
    if repo.in_the_middle() != "a merge":
        raise TicklerError(f"git could not start the merge: {why}")
    if not _finish_merge(binder, repo, clock, report):
        raise TicklerError(
            f"git could not carry out the merge ({why.splitlines()[-1] if why else 'no answer'}); "
            "nothing was merged, your changes are committed here: run 'tickler sync' again"
        )
    return incoming


def _finish_merge(binder: Binder, repo: Repo, clock: Clock, report: SyncReport) -> bool:
    """Resolve every card the merge left in conflict; stop, explaining, if other files remain.

    A merge git began but never carried out (it could not write its index: another git program
    held it) leaves MERGE_HEAD beside an index that is still HEAD's; committing that would record
    the teammates' commits as merged without their changes. Such a merge is set aside instead
    (``git merge --quit``, which touches no file) and False returned: the caller merges again."""
    unmerged = _unmerged_paths(repo)
    if not unmerged and repo.run("diff", "--cached", "--quiet", "HEAD", check=False).returncode == 0:
        repo.run("merge", "--quit")
        return False
    card_ids = sorted({cid for p in unmerged if (cid := card_id_of(p))})
    others = sorted(p for p in unmerged if card_id_of(p) is None)
    for card_id in card_ids:
        notes = _resolve_card(binder, repo, card_id, clock)
        if notes is None:  # a version of the card cannot be read: a person must merge it
            others += [p for p in unmerged if card_id_of(p) == card_id]
        else:
            report.resolved.extend(notes)
    if others:
        listing = "\n".join(f"  {p}" for p in others)
        raise TicklerError(
            "sync stopped: git could not merge these files (not cards, or cards that cannot be read):\n"
            f"{listing}\nEvery other card is merged and staged. Edit these files (git left both "
            "versions in them), 'git add' them, then run 'tickler sync' again "
            "(or 'git merge --abort' to undo the merge)."
        )
    repo.run(
        "commit",
        "--no-edit",
        "--no-verify",
        "-q",
        "-m",
        f"tickler sync: merge {report.upstream or 'upstream'}",
    )
    return True


def _unmerged_paths(repo: Repo) -> list[str]:
    out = repo.run("ls-files", "-u", "-z").stdout.decode("utf-8", errors="surrogateescape")
    paths = set()
    for entry in out.split("\0"):
        if "\t" in entry:
            rel = repo.binder_path(entry.split("\t", 1)[1])
            if rel is not None:
                paths.add(rel)
    return sorted(paths)


def _versions(repo: Repo, commit: str, card_id: str) -> list[tuple[str, str]]:
    """(path, text) of every file of this card id in a commit."""
    found = []
    out = repo.run(
        "ls-tree",
        "-r",
        "-z",
        "--name-only",
        commit,
        "--",
        *(repo.repo_path(f) for f in (CARDS, DAYS, MONTHS)),
    ).stdout.decode("utf-8", errors="surrogateescape")
    for repo_path in out.split("\0"):
        rel = repo.binder_path(repo_path) if repo_path else None
        if rel and card_id_of(rel) == card_id:
            text = repo.run("show", f"{commit}:{repo_path}").stdout.decode("utf-8", errors="surrogateescape")
            found.append((rel, text))
    return found


def _resolve_card(binder: Binder, repo: Repo, card_id: str, clock: Clock) -> list[str] | None:
    """Merge the card's versions from the merge base, our side and their side into one file (or two
    when two reps made different customers under one id) and stage the result. None, touching
    nothing, when a version cannot be read as a card."""
    base_commit = repo.text("merge-base", "HEAD", "MERGE_HEAD", check=False).strip()
    ours = _versions(repo, "HEAD", card_id)
    theirs = _versions(repo, "MERGE_HEAD", card_id)
    base = _versions(repo, base_commit, card_id) if base_commit else []
    touched = {p for p, _ in ours} | {p for p, _ in theirs} | {p for p, _ in base}
    touched |= {p for p in _unmerged_paths(repo) if card_id_of(p) == card_id}
    base_text = base[0][1] if base else ""
    results: list[tuple[str, str]] = []  # (card id, text)
    notes = []
    if ours and theirs:
        our_text, their_text = ours[0][1], theirs[0][1]
        if not base_text and not _same_customer(our_text, their_text):
            new_id = _free_id(binder, card_id, touched)
            entry = format_entry(
                clock.today, "renamed", f"from {card_id}: another rep used that id for another customer"
            )
            results = [(card_id, our_text), (new_id, _with_entry(their_text, entry))]
            notes.append(f"{card_id}: two customers had this id; theirs is now {new_id}")
        else:
            text, clean = merge_cards(base_text, our_text, their_text)
            if not clean:
                return None
            results = [(card_id, text)]
            notes.append(f"{card_id}: merged")
    elif ours or theirs:
        kept = (ours or theirs)[0][1]
        results = [(card_id, kept)]
        notes.append(f"{card_id}: kept (changed on one side, removed on the other)")
    written = set()
    for rid, text in results:
        folder = _folder_for(text, clock.today)
        path = binder.path_of(folder, rid)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
        written.add(binder.rel(path))
    for rel in touched - written:
        (binder.root / rel).unlink(missing_ok=True)
    listing = b"".join(repo.repo_path(p).encode("utf-8") + b"\0" for p in sorted(touched | written))
    # update-index, unlike add, takes paths that no longer exist anywhere (only in the merge base).
    repo.run("update-index", "--add", "--remove", "-z", "--stdin", stdin=listing)
    return notes


def _folder_for(text: str, today: dt.date) -> str:
    try:
        return location_for(Card.parse(text).next, today)
    except CardError:
        return CARDS  # unreadable (conflict markers): parked in the index for a person to fix


def _with_entry(text: str, entry: str) -> str:
    try:
        return Card.parse(text).with_entry(entry).text
    except CardError:
        return text


def _same_customer(a: str, b: str) -> bool:
    try:
        first, second = Card.parse(a), Card.parse(b)
    except CardError:
        return a == b
    return matches_identity(first, second)


def _free_id(binder: Binder, card_id: str, taken: set[str]) -> str:
    used = {i for _, i, _ in binder.card_files()} | {card_id_of(p) for p in taken}
    n = 2
    while f"{card_id}-{n}" in used:
        n += 1
    return f"{card_id}-{n}"


def _settle(binder: Binder, clock: Clock) -> list[str]:
    """After a merge: every card once, in the folder its ``next`` says (one commit).

    Two files with one id (two reps created the card in different folders) become one card when
    they are the same customer, and two cards with different ids when they are not."""
    done: list[str] = []
    with binder.changing("tickler sync: settle after merge") as tx:
        scan = binder.scan()
        first: dict[str, Filed] = {}
        for filed in scan.cards:
            if filed.id not in first:
                first[filed.id] = filed
                continue
            keep = first[filed.id]
            if matches_identity(keep.card, filed.card):
                text, _ = merge_cards("", keep.card.text, filed.card.text)
                keep_path = binder.path_of(keep.folder, keep.id)
                binder.touch(keep_path, binder.path_of(filed.folder, filed.id))
                atomic_write(keep_path, text.encode("utf-8"))
                binder.path_of(filed.folder, filed.id).unlink()
                first[filed.id] = Filed(keep.id, keep.folder, Card.parse(text))
                done.append(f"{filed.rel}: merged into {keep.rel} (the same customer)")
            else:
                new_id = _free_id(binder, filed.id, set())
                entry = format_entry(
                    clock.today, "renamed", f"from {filed.id}: another rep used that id for another customer"
                )
                card = filed.card.with_entry(entry)
                old_path = binder.path_of(filed.folder, filed.id)
                new_path = binder.path_of(filed.folder, new_id)
                binder.touch(old_path, new_path)
                atomic_write(old_path, card.text.encode("utf-8"))
                atomic_move(old_path, new_path)
                first[new_id] = Filed(new_id, filed.folder, card)
                done.append(f"{filed.rel}: another customer with the same id, now {new_id}")
        for filed in first.values():
            target = location_for(filed.card.next, clock.today)
            if target != filed.folder:
                binder.save(filed, filed.card, clock.today)
                done.append(f"{filed.rel}: refiled to {target}/")
        tx.details = done
    return done


def _push(repo: Repo, upstream: str) -> bool:
    """Push; False when the remote moved on meanwhile (fetch and merge again)."""
    ahead = int(repo.text("rev-list", "--count", f"{upstream}..HEAD").strip() or 0)
    if ahead == 0:
        return True
    remote, _, branch = upstream.partition("/")
    done = repo.run("push", "--quiet", remote, f"HEAD:{branch}", check=False)
    if done.returncode == 0:
        return True
    why = done.stderr.decode(errors="replace")
    if "rejected" in why or "fetch first" in why or "non-fast-forward" in why:
        return False
    raise TicklerError(
        f"push failed ({why.strip().splitlines()[-1] if why.strip() else 'no answer'}); "
        "everything is committed here: run 'tickler sync' again"
    )


def history(binder: Binder, ref: str) -> tuple[Filed, list[HistoryEntry]]:
    """A card and its commits, newest first, across every divider it was filed in."""
    filed = binder.resolve(ref)
    repo = find_repo(binder.root)
    if repo is None:
        raise TicklerError("this binder is not a git repository, so it keeps no history")
    return filed, card_history(repo, filed.id)


def has_remote(binder: Binder) -> bool:
    """Whether the binder is a git repository with a remote to sync with (``serve --sync``
    waits for one quietly)."""
    repo = find_repo(binder.root)
    return repo is not None and bool(repo.text("remote", check=False).strip())
