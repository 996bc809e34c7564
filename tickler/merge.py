"""Card-aware three-way merge, used by git as a merge driver and by ``sync``.

- The front matter merges key by key: a key changed on one side only takes that side's line as it
  was written; a key changed differently on both sides goes to the side with the later Log entry.
- The Log merges as the union of both sides' entries, in date order: no note is ever dropped.
- The free text merges with git's own three-way merge, keeping both sides' lines where they clash.

A card that cannot be parsed falls back to git's plain text merge, conflict markers and all, and the
merge reports a conflict so that a person looks at it.

Run by git as ``python -m tickler.merge %O %A %B %P``: the result goes into the %A file.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from .card import Card
from .card.log import entry_order
from .errors import CardError
from .identity import matches_identity

_MISSING = object()


def merge_cards(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """Merge three versions of a card's text; returns the text and whether it is conflict-free."""
    try:
        mine = Card.parse(ours)
        other = Card.parse(theirs)
    except CardError:
        return text_merge(base, ours, theirs, union=False)
    if not base.strip() and not matches_identity(mine, other):
        # Two cards created apart under one id are two customers: never blend them. The conflict
        # stays, and ``sync`` keeps both under different ids.
        return ours, False
    try:
        ancestor: Card | None = Card.parse(base) if base.strip() else None
    except CardError:
        ancestor = None
    merged = _merge_front_matter(ancestor, mine, other)
    body, entries = _merge_body(ancestor, mine, other)
    head = merged.text[: len(merged.text) - len(merged.body)]
    return Card.parse(head + body).with_log_lines(entries).text, True


def later_side(mine: Card, other: Card) -> str:
    """'theirs' when the other side's latest Log entry is later than ours, else 'ours'."""

    def latest(card: Card) -> tuple[object, ...]:
        entry = card.last_entry()
        return (entry.sort_key,) if entry else ()

    return "theirs" if latest(other) > latest(mine) else "ours"


def _merge_front_matter(ancestor: Card | None, mine: Card, other: Card) -> Card:
    winner = later_side(mine, other)
    result = mine
    keys = [*mine.fields, *(k for k in other.fields if k not in mine.fields)]
    for key in keys:
        base_value = ancestor.fields.get(key, _MISSING) if ancestor else _MISSING
        our_value = mine.fields.get(key, _MISSING)
        their_value = other.fields.get(key, _MISSING)
        if our_value == their_value or their_value == base_value:
            continue
        if our_value == base_value or winner == "theirs":
            result = result.with_key_block(key, other.key_block(key))
    return result


def _log_lines(card: Card) -> tuple[list[str], str]:
    """The Log entry lines of a card, and its body with those lines taken out."""
    entries, _ = card.log()
    entry_lines = {e.line for e in entries}
    first_body_line = card.text.count("\n", 0, len(card.text) - len(card.body)) + 1
    kept = []
    lines: list[str] = []
    for number, raw in enumerate(card.body.splitlines(keepends=True), start=first_body_line):
        if number in entry_lines:
            lines.append(raw.rstrip("\r\n"))
        else:
            kept.append(raw)
    return lines, "".join(kept)


def _merge_body(ancestor: Card | None, mine: Card, other: Card) -> tuple[str, list[str]]:
    """The merged body with no Log entries in it, and the union of both sides' entries."""
    our_entries, our_text = _log_lines(mine)
    their_entries, their_text = _log_lines(other)
    base_text = _log_lines(ancestor)[1] if ancestor else ""
    text, _ = text_merge(base_text, our_text, their_text, union=True)
    union = list(our_entries)
    for line in their_entries:
        if line not in union:
            union.append(line)
    return text, sorted(union, key=entry_order)


def text_merge(base: str, ours: str, theirs: str, *, union: bool) -> tuple[str, bool]:
    """git's own three-way merge of three texts; ``union`` keeps both sides where they clash."""
    with tempfile.TemporaryDirectory(prefix="tickler-merge-") as tmp:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        args = ["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs"]
        if union:
            args.append("--union")
        done = subprocess.run([*args, *paths], capture_output=True)
    if done.returncode < 0 or done.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8", errors="surrogateescape"), done.returncode == 0


def main(argv: list[str] | None = None) -> int:
    """git's entry point: ``%O %A %B %P``. Writes the merge into %A; exit 0 when clean."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 3:
        print("usage: python -m tickler.merge BASE OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    base_path, ours_path, theirs_path = (Path(a) for a in args[:3])
    try:
        texts = [p.read_bytes().decode("utf-8") for p in (base_path, ours_path, theirs_path)]
    except UnicodeDecodeError:
        return 1  # not text: leave the conflict to a person
    merged, clean = merge_cards(*texts)
    ours_path.write_bytes(merged.encode("utf-8", errors="surrogateescape"))
    if not clean:
        where = args[3] if len(args) > 3 else ours_path.name
        print(f"tickler: {where}: left for 'tickler sync' (or a person) to resolve", file=sys.stderr)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
