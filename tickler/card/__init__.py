"""A card: one customer's Markdown file with YAML front matter.

The card is its text. Three parts do the work, each in its own module:

- ``reader``: where the front matter lies, what its YAML says (safe loader), each key's line;
- ``edits``: the minimal-diff editor, which rewrites one key's lines and nothing else;
- ``log``: the Log grammar, reading entries and placing new ones in date order.

``Card`` ties them together and checks the keys tickler knows. Every edit returns a new card made
by a minimal change to the text, so ``Card.parse(card.text) == card`` always.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..dates import Due, parse_birthday, parse_due
from ..errors import CardError, DateError
from . import edits
from . import log as logbook
from .log import LogEntry, format_entry
from .reader import body_start, key_lines, read_front_matter

__all__ = ["Card", "LogEntry", "format_entry", "parse_birthday"]

_CONTROL_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # in a value, after YAML escapes
# Guidance for whoever fills a card in: HTML comments (as the forms now write it), and the line
# the default form held before, still in many cards. Neither is what anyone knows of a customer,
# so neither is read as notes (a vCard's NOTE, the printed sheet, a merge).
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
OLD_PLACEHOLDER = "Notes, offers, calculations: free Markdown."


@dataclass(frozen=True)
class Card:
    text: str
    fields: dict[str, Any]
    fm_start: int  # offset of the first front matter line
    fm_end: int  # offset just past the last front matter line (start of the closing ---)

    # ------------------------------------------------------------------ parsing

    @classmethod
    def parse(cls, text: str, *, source: Any = None, validate: bool = True) -> Card:
        """Parse a card's text; CardError (with ``source`` and the line) if it is not a card.

        ``validate=False`` reads a blank form (a template), whose ``name`` is still empty."""
        fm_start, fm_end, data = read_front_matter(text, source, required=validate)
        card = cls(text=text, fields=data, fm_start=fm_start, fm_end=fm_end)
        if validate:
            card._validate(source)
        return card

    def key_line(self, key: str) -> int | None:
        """The 1-based line of a top-level key in the file (worked out only when asked: for a
        message about that key)."""
        first_line = self.text.count("\n", 0, self.fm_start) + 1
        return key_lines(self.text[self.fm_start : self.fm_end], first_line).get(key)

    def _validate(self, source: Any) -> None:
        def fail(key: str, message: str) -> CardError:
            return CardError(message, path=source, line=self.key_line(key))

        name = self.fields.get("name")
        if name is None or (isinstance(name, str) and not name.strip()):
            raise fail("name", "the card has no 'name:'")
        if not isinstance(name, str | int | float) or isinstance(name, bool):
            raise fail("name", "'name' must be text")
        if isinstance(name, str) and (control := _CONTROL_ANY.search(name)) is not None:
            raise fail("name", f"'name' holds a control character (U+{ord(control.group()):04X})")
        nxt = self.fields.get("next")
        if nxt is not None:
            if not isinstance(nxt, str):
                raise fail(
                    "next", f"'next' must be a date like 2026-12-05 or 2026-12-05 15:30, not {_shown(nxt)}"
                )
            try:
                parse_due(nxt)
            except DateError as exc:
                raise fail("next", f"'next': {exc.message}") from None
        for key in ("action", "owner"):
            value = self.fields.get(key)
            if value is not None and not isinstance(value, str):
                raise fail(key, f"'{key}' must be a word or name, not {_shown(value)}")
        tags = self.fields.get("tags")
        if tags is not None and not isinstance(tags, str | list):
            raise fail("tags", "'tags' must be a list like [b2b, wholesale]")
        if isinstance(tags, list) and not all(isinstance(t, str | int) for t in tags):
            raise fail("tags", "'tags' must be a list of words")
        birthday = self.fields.get("birthday")
        if birthday not in (None, "") and parse_birthday(birthday) is None:
            raise fail(
                "birthday",
                f"'birthday' must be a real date like 1971-03-14 or --03-14, not {_shown(birthday)}",
            )
        fixed = self.fields.get("fixed")
        if fixed is not None and not isinstance(fixed, bool):
            raise fail("fixed", "'fixed' must be true or false")

    # ------------------------------------------------------------------ reading

    @property
    def name(self) -> str:
        return str(self.fields["name"]).strip()

    @property
    def next(self) -> Due | None:
        value = self.fields.get("next")
        return parse_due(value) if value is not None else None

    @property
    def action(self) -> str | None:
        value = self.fields.get("action")
        return value.strip() or None if isinstance(value, str) else None

    @property
    def owner(self) -> str | None:
        value = self.fields.get("owner")
        return value.strip() or None if isinstance(value, str) else None

    @property
    def tags(self) -> list[str]:
        value = self.fields.get("tags")
        if isinstance(value, str):
            return [t.strip() for t in value.split(",") if t.strip()]
        if isinstance(value, list):
            return [str(t) for t in value]
        return []

    @property
    def fixed(self) -> bool:
        return self.fields.get("fixed") is True

    def get(self, key: str) -> Any:
        return self.fields.get(key)

    def values(self, key: str) -> list[str]:
        """A key's values as text: one for a plain value, each item of a list, none when empty."""
        value = self.fields.get(key)
        items = value if isinstance(value, list) else [value]
        return [str(v).strip() for v in items if v is not None and str(v).strip()]

    @property
    def body(self) -> str:
        return self.text[body_start(self.text, self.fm_end) :]

    @property
    def notes(self) -> str:
        """The card's free text: the body without its title line and without its Log section."""
        start = body_start(self.text, self.fm_end)
        log_start, log_end = logbook.section(self.text, self.fm_end)
        text = self.text[start:]
        if log_start is not None:
            heading = self.text.rfind("\n", start, log_start - 1) + 1
            text = self.text[start:heading] + self.text[log_end:]
        lines = text.splitlines()
        if lines and lines[0].startswith("# "):
            lines = lines[1:]
        return _without_guidance("\n".join(lines)).strip()

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text[: self.fm_end] else "\n"

    def log(self) -> tuple[list[LogEntry], list[int]]:
        """The Log entries, and the numbers of Log lines that do not follow the grammar."""
        return logbook.read(self.text, self.fm_end)

    def last_entry(self, *, skip: tuple[str, ...] = ()) -> LogEntry | None:
        """The latest Log entry, leaving out the kinds in ``skip``; of two at the same minute, the
        one written below (a reply logged in the minute of the request comes after it)."""
        entries = [e for e in self.log()[0] if e.kind not in skip]
        return max(entries, key=lambda e: (e.sort_key, e.line)) if entries else None

    # ------------------------------------------------------------------ editing

    def with_field(self, key: str, value: Any) -> Card:
        """The card with ``key`` set to ``value`` (None empties it); only that key's line changes."""
        return Card.parse(edits.set_key(self.text, self.fm_start, self.fm_end, self.newline, key, value))

    def key_block(self, key: str) -> str | None:
        """The raw front matter lines of a top-level key, exactly as written, or None."""
        return edits.key_block(self.text, self.fm_start, self.fm_end, key)

    def with_key_block(self, key: str, block: str | None) -> Card:
        """The card with a key's lines replaced by ``block`` (raw lines from another version of the
        card), added at the end of the front matter, or removed when ``block`` is None."""
        text = edits.set_key_block(self.text, self.fm_start, self.fm_end, self.newline, key, block)
        return Card.parse(text)

    def with_notes(self, text: str) -> Card:
        """The card with a paragraph added at the end of its notes, before the Log section."""
        nl = self.newline
        paragraph = nl.join(text.strip().splitlines())
        log_start, _ = logbook.section(self.text, self.fm_end)
        if log_start is None:
            body = self.text.rstrip("\r\n")
            return Card.parse(f"{body}{nl}{nl}{paragraph}{nl}")
        heading = self.text.rfind("\n", 0, log_start - 1) + 1
        before = self.text[:heading].rstrip("\r\n")
        return Card.parse(f"{before}{nl}{nl}{paragraph}{nl}{nl}{self.text[heading:]}")

    def with_log_lines(self, lines: list[str]) -> Card:
        """The card with Log lines placed at the end of its Log section (created if missing)."""
        if not lines:
            return self
        return Card.parse(logbook.append_lines(self.text, self.fm_end, self.newline, lines))

    def with_entry(self, entry_line: str) -> Card:
        """The card with one Log line added in date order (a Log section is created if missing)."""
        return Card.parse(logbook.insert_entry(self.text, self.fm_end, self.newline, entry_line))

    # ------------------------------------------------------------------ output

    def as_fields_json(self) -> dict[str, Any]:
        """The whole front matter for JSON output, dates as ISO strings."""
        out = {str(k): _jsonable(v) for k, v in self.fields.items()}
        if self.next is not None:
            out["next"] = self.next.iso()
        return out


def _without_guidance(text: str) -> str:
    """Notes without the forms' guidance (comments, the old placeholder line): a line that held
    only guidance goes, and the blank lines around it close up."""
    if "<!--" not in text and OLD_PLACEHOLDER not in text:
        return text
    marked = _COMMENT.sub("\x00", text)
    out: list[str] = []
    dropped = False
    for line in marked.splitlines():
        if line.strip() == OLD_PLACEHOLDER or ("\x00" in line and not line.replace("\x00", "").strip()):
            dropped = True
            continue
        line = line.replace("\x00", "")
        if not line.strip() and dropped and (not out or not out[-1].strip()):
            continue  # (a blank line after a dropped one, where one blank is there already)
        dropped = dropped and not line.strip()
        out.append(line)
    return "\n".join(out)


def _shown(value: Any) -> str:
    """A front-matter value in a message, as a person would write it (never a Python repr)."""
    if isinstance(value, dt.date | dt.datetime):
        return f"the tagged timestamp {value.isoformat(sep=' ') if isinstance(value, dt.datetime) else value}"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table of keys"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)
