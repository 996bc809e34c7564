"""Folders of Markdown notes: ``import notes DIR`` brings people notes from Obsidian, Logseq or any
editor. Every ``.md`` file under the folder is one customer.

Notes are read with python-frontmatter: YAML (``---``), TOML (``+++``) or JSON front matter, or
none. YAML goes through tickler's own safe loader (no aliases, dates kept as written), TOML
through the standard library. Keys map like spreadsheet columns (``company``, ``phone``,
``tags`` as a block list, ``next`` also as Obsidian's ``2026-12-05T15:30``); the note's text
becomes the card's notes; a note without front matter is named by its file name.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..dates import Clock
from ..errors import CardError, TicklerError
from ..fsutil import read_plain
from . import columns as c
from .records import Read, Record, labels, read_birthday, read_next

SKIPPED_FOLDERS = {".obsidian", ".trash", ".git", ".logseq", "logseq", "node_modules"}


def _handlers() -> list[Any]:
    import frontmatter
    from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

    class SafeYAML(YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> Any:
            from ..card.reader import load_yaml

            return load_yaml(fm)

    class TOML(BaseHandler):
        import re as _re

        FM_BOUNDARY = _re.compile(r"^\+{3,}\s*$", _re.MULTILINE)
        START_DELIMITER = END_DELIMITER = "+++"

        def load(self, fm: str, **kwargs: object) -> Any:
            import tomllib

            return tomllib.loads(fm)

    del frontmatter  # only its handlers are needed here
    return [SafeYAML(), JSONHandler(), TOML()]


def read_records(folder: Path, clock: Clock, mapping: dict[str, str] | None = None) -> Read:
    """One customer per note under ``folder`` (its subfolders too; an app's own folders such as
    ``.obsidian`` are skipped). A note that cannot be read is reported with its file."""
    if not folder.is_dir():
        raise TicklerError("is not a folder of notes", path=folder)
    import frontmatter
    import yaml

    handlers = _handlers()
    found = Read(layout="Markdown notes", unit="note")
    keys_seen: dict[str, str] = {}
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(folder)
        if any(part in SKIPPED_FOLDERS or part.startswith(".") for part in rel.parts) or path.is_symlink():
            continue
        source = str(path)
        try:  # (never waiting on a named pipe, never through a link)
            text = read_plain(path, source).decode("utf-8-sig")
        except CardError as exc:
            found.bad.append((source, exc.message))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            found.bad.append((source, f"cannot be read ({exc})"))
            continue
        handler = frontmatter.detect_format(text, handlers)
        try:
            metadata, content = frontmatter.parse(text, handler=handler) if handler else ({}, text)
        except (CardError, yaml.YAMLError, json.JSONDecodeError, ValueError) as exc:
            why = exc.message if isinstance(exc, TicklerError) else str(exc).splitlines()[0]
            found.bad.append((source, f"the front matter cannot be read ({why})"))
            continue
        warnings: list[str] = []
        values, notes = _values(metadata, path.stem, clock, mapping or {}, warnings, keys_seen)
        text = "\n\n".join(part for part in (notes, content.strip()) if part)
        found.records.append(Record(0, values, notes=text, source=source))
        found.warnings += [(source, why) for why in warnings]
    found.mapping = sorted(keys_seen.items())
    if not found.records and not found.bad:
        raise TicklerError("holds no Markdown notes (.md files)", path=folder)
    return found


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _values(
    metadata: dict[str, Any],
    stem: str,
    clock: Clock,
    mapping: dict[str, str],
    warnings: list[str],
    keys_seen: dict[str, str],
) -> tuple[dict[str, Any], str]:
    """A note's front matter as card values (and notes, when a key holds them)."""
    values: dict[str, Any] = {}
    parts: dict[str, str] = {}
    many: dict[str, list[str]] = {"phone": [], "email": [], "website": [], "tags": [], "address": []}
    notes = []
    for key, value in metadata.items():
        column = c.classify(str(key), "notes", mapping)
        keys_seen[str(key)] = column.describe()
        items = value if isinstance(value, list) else [value]
        texts = [_text(v) for v in items if _text(v)]
        if not texts or column.role in (c.DROP, c.LABEL, c.VALUE, c.ID):
            continue
        if column.role in (c.FULL, c.FIRST, c.MIDDLE, c.LAST):
            parts.setdefault(column.role, " ".join(texts))
        elif column.role in c.LISTS:
            many[c.LISTS[column.role]] += texts
        elif column.role == c.TAGS:
            many["tags"] += [t.lstrip("#") for text in texts for t in labels(text)]
        elif column.role in (c.ADDRESS, c.ADDRESS_PART):
            many["address"] += texts
        elif column.role == c.NOTES:
            notes += texts
        elif column.key == "birthday":
            try:
                values["birthday"] = read_birthday(texts[0], month_first=False)
            except TicklerError as exc:
                warnings.append(f"{exc.message}; birthday left out")
        elif column.key == "next":
            try:
                values["next"] = read_next(texts[0], clock, month_first=False)
            except TicklerError as exc:
                warnings.append(f"{exc.message}; next left out")
        elif isinstance(value, list | dict):
            values.setdefault(column.key, value)
        else:
            values.setdefault(column.key, texts[0])
    name = parts.get(c.FULL) or " ".join(parts[p] for p in (c.FIRST, c.MIDDLE, c.LAST) if p in parts) or stem
    for key, found in many.items():
        unique = list(dict.fromkeys(found))
        if unique:
            values[key] = unique if key == "tags" or len(unique) > 1 else unique[0]
    return {"name": " ".join(name.split()), **values}, "\n\n".join(notes)
