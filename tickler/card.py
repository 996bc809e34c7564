"""A card: one customer's Markdown file with YAML front matter.

The card is its text. Parsing reads the front matter and the Log out of the text; every edit is a
minimal change to the text (the one line of the key, or one new Log line), so comments, key order,
quoting, unknown keys and the body stay byte-for-byte. ``Card.parse(card.text) == card`` always.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from .dates import Due, parse_due
from .errors import CardError, DateError, TicklerError

_OPEN = re.compile(r"\A(\ufeff?)---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*\r?$")
_LOG_ENTRY = re.compile(
    r"^- (?P<date>\d{4}-\d{2}-\d{2})(?: (?P<time>\d{1,2}:\d{2}))?"
    r" (?P<kind>[^\W\d][\w-]*)(?: (?P<amount>[-+]?\d+(?:\.\d+)?))?:(?: (?P<text>.*?))?[ \t]*\r?$"
)
_KIND = re.compile(r"^[^\W\d][\w-]*$")
_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_AMOUNT = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_CONFLICT = re.compile(r"^<{7}(?: |\r?$)(?s:.*?)^>{7}(?: |\r?$)", re.M)  # git's <<<<<<< ... >>>>>>>
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # raw, in the text (tab, CR and LF are fine)
_CONTROL_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # in a value, after YAML escapes


# --------------------------------------------------------------------------- YAML reading

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


_STR_TAG = "tag:yaml.org,2002:str"


class _CardLoader(_BaseLoader):
    """Safe loader that keeps dates as the text written (we parse them ourselves, with the line)
    and refuses duplicate keys instead of silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # The usual case, plain text keys that all differ, needs no constructing twice.
        texts = [k.value for k, _ in node.value if k.tag == _STR_TAG and isinstance(k, yaml.ScalarNode)]
        if len(texts) == len(node.value) and len(set(texts)) == len(texts):
            return super().construct_mapping(node, deep=deep)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)

    check_nodes = True  # load_yaml turns it off for short text without a '*' (no alias there)

    def construct_document(self, node: yaml.Node) -> Any:
        if self.check_nodes:
            _refuse_aliases(node)
        return super().construct_document(node)


MAX_NODES = 20_000  # far more values than any card has


def _refuse_aliases(root: yaml.Node) -> None:
    """A card holds plain values: an alias (``*name``) is refused, so that a "billion laughs"
    front matter can never be expanded by whatever later turns the values into text."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "uses a YAML alias (*name); cards hold plain values", node.start_mark
            )
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise yaml.constructor.ConstructorError(None, None, f"holds more than {MAX_NODES:,} values")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


_CardLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_CardLoader.add_constructor("tag:yaml.org,2002:map", _CardLoader.construct_mapping)


class _PlainCardLoader(yaml.SafeLoader):
    """The same rules in PyYAML's pure-Python parser, which stops a deep nesting with a
    RecursionError where libyaml's C parser would run out of stack and crash the process."""

    check_nodes = True
    construct_mapping = _CardLoader.construct_mapping
    construct_document = _CardLoader.construct_document


_PlainCardLoader.yaml_implicit_resolvers = _CardLoader.yaml_implicit_resolvers
_PlainCardLoader.add_constructor("tag:yaml.org,2002:map", _PlainCardLoader.construct_mapping)


def load_yaml(text: str) -> Any:
    # Ordinary front matter goes to the fast C parser; one that could nest deeply (long, or with
    # many brackets or dashes) goes to the pure-Python one, which fails cleanly.
    if len(text) > 16_384 or text.count("[") + text.count("{") + text.count("- ") > 256:
        return yaml.load(text, Loader=_PlainCardLoader)  # noqa: S506 - a SafeLoader subclass
    loader = _CardLoader(text)
    # Under 16 KB there is no room for more values than the limit: only an alias needs looking for.
    loader.check_nodes = "*" in text
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def yaml_scalar(value: Any, *, quote: str | None = None) -> str:
    """One-line YAML for a value, as it would be typed by hand."""
    if value is None:
        return ""
    if isinstance(value, Due):
        return str(value)
    if isinstance(value, str) and not quote and _DATE_TEXT.match(value):
        return value  # dates stay plain, as typed by hand; our loader keeps them as text
    style = quote if isinstance(value, str) and quote else None
    out = yaml.safe_dump(value, allow_unicode=True, width=2**31, default_flow_style=True, default_style=style)
    out = out.removesuffix("\n...\n").removesuffix("\n")
    if "\n" in out:
        out = yaml.safe_dump(value, allow_unicode=True, width=2**31, default_style='"').rstrip("\n")
    return out


def parse_birthday(value: object) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a real ``birthday`` (``1971-03-14`` or ``--03-14``), else None."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*(?:(\d{4})|-)-(\d{2})-(\d{2})\s*", value)
    if not match:
        return None
    year, month, day = (int(match[1]) if match[1] else None), int(match[2]), int(match[3])
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: --02-29 is a birthday
    except ValueError:
        return None
    return year, month, day


# --------------------------------------------------------------------------- reading a file

SYMLINK_CARD = "is a symbolic link; cards must be plain files in the binder"
FOLDER_CARD = "is a folder, not a card file"

MAX_CARD_BYTES = 1_000_000  # a card is a dossier of notes; anything bigger is not a card


def read_card_text(path: str | os.PathLike[str], rel: str) -> str:
    """A card file's text; CardError (naming ``rel`` and the line) when it cannot be one."""
    # Never through a symbolic link, and never blocking on a named pipe or a device.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise  # the caller knows what a missing card means where it looked
    except OSError as exc:
        message = SYMLINK_CARD if exc.errno == errno.ELOOP else f"cannot read: {exc.strerror}"
        raise CardError(message, path=rel) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CardError(
                FOLDER_CARD if stat.S_ISDIR(info.st_mode) else "is a pipe or a device, not a card file",
                path=rel,
            )
        # One read of the size the file has, and a byte more to see whether it grew meanwhile.
        want = min(info.st_size, MAX_CARD_BYTES) + 1
        raw = os.read(fd, want)
        if len(raw) == want:  # it grew: read on, up to the limit
            while len(raw) <= MAX_CARD_BYTES and (more := os.read(fd, MAX_CARD_BYTES + 1 - len(raw))):
                raw += more
    except OSError as exc:
        raise CardError(f"cannot read: {exc.strerror}", path=rel) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_CARD_BYTES:
        raise CardError(f"is larger than {MAX_CARD_BYTES // 1_000_000} MB; not a card", path=rel)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardError("is not UTF-8 text", path=rel, line=raw[: exc.start].count(b"\n") + 1) from None


# --------------------------------------------------------------------------- ids


def fold(text: str) -> str:
    """Text for matching what people type: no case, no accents (``María`` matches ``maria``)."""
    if text.isascii():
        return text.lower()  # no accents to take off; for ASCII, lower() is casefold()
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def slugify(name: str) -> str:
    """Card id from a name: lower case, NFC, letters and digits of any script joined by '-'."""
    text = unicodedata.normalize("NFC", name).lower()
    words = re.findall(r"[^\W_]+", text)
    slug = "-".join(words)[:80].strip("-")
    return slug or "card"


_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}


def is_reserved_id(card_id: str) -> bool:
    """Names Windows cannot hold as files; a binder must open on every rep's machine."""
    return card_id.split(".")[0].lower() in _RESERVED


# --------------------------------------------------------------------------- the Log


@dataclass(frozen=True)
class LogEntry:
    date: dt.date
    time: dt.time | None
    kind: str
    amount: Decimal | None
    text: str
    line: int  # 1-based line in the file

    @property
    def sort_key(self) -> tuple[dt.date, dt.time]:
        return (self.date, self.time or dt.time(0, 0))


def format_entry(
    day: dt.date, kind: str, text: str, *, time: dt.time | None = None, amount: str | None = None
) -> str:
    """A Log line in the DESIGN grammar: ``- YYYY-MM-DD [HH:MM] KIND[ AMOUNT]: text``."""
    kind = kind.strip().lower()
    if not _KIND.match(kind):
        raise TicklerError(f"'{kind}' is not a Log kind: use one word such as call, email, purchase")
    head = f"- {day.isoformat()}"
    if time is not None:
        head += f" {time.strftime('%H:%M')}"
    head += f" {kind}"
    if amount is not None:
        amount = amount.strip()
        if not _AMOUNT.match(amount):
            raise TicklerError(f"'{amount}' is not an amount: write it like 12500.00")
        head += f" {amount}"
    clean = " ".join(text.split())
    if any(unicodedata.category(ch) == "Cc" for ch in clean):
        raise TicklerError("the Log text holds control characters")
    return f"{head}: {clean}" if clean else f"{head}:"


# --------------------------------------------------------------------------- the card


@dataclass(frozen=True)
class Card:
    text: str
    fields: dict[str, Any]
    fm_start: int  # offset of the first front matter line
    fm_end: int  # offset just past the last front matter line (start of the closing ---)

    def key_line(self, key: str) -> int | None:
        """The 1-based line of a top-level key in the file (worked out only when asked: for a
        message about that key)."""
        first_line = self.text.count("\n", 0, self.fm_start) + 1
        return _key_lines(self.text[self.fm_start : self.fm_end], first_line).get(key)

    # ------------------------------------------------------------------ parsing

    @classmethod
    def parse(cls, text: str, *, source: Any = None, validate: bool = True) -> Card:
        """Parse a card's text; CardError (with ``source`` and the line) if it is not a card.

        ``validate=False`` reads a blank form (a template), whose ``name`` is still empty."""
        if "\x00" in text:
            raise CardError("this is a binary file, not a card", path=source)
        if "<<<<<<<" in text and (marker := _CONFLICT.search(text)) is not None:
            raise CardError(
                "holds git conflict markers: a merge of this card was never finished; keep what is "
                "right, delete the <<<<<<< ======= >>>>>>> lines (or run tickler sync)",
                path=source,
                line=text.count("\n", 0, marker.start()) + 1,
            )
        opening = _OPEN.match(text)
        if not opening:
            raise CardError(
                "no front matter: a card starts with a line '---', then 'name: ...', then '---'",
                path=source,
                line=1,
            )
        fm_start = opening.end()
        closing = _CLOSE.search(text, fm_start)
        if not closing:
            raise CardError("the front matter is never closed with a '---' line", path=source, line=1)
        fm_end = closing.start()
        fm_text = text[fm_start:fm_end]
        first_line = 2  # the opening '---' is line 1
        if (control := _CONTROL.search(fm_text)) is not None:
            line = first_line + fm_text.count("\n", 0, control.start())
            code = f"U+{ord(control.group()):04X}"
            raise CardError(f"a control character ({code}) in the front matter", path=source, line=line)
        if "\t" in fm_text and "\t" in _indentation(fm_text):
            line = first_line + _first_tab_line(fm_text)
            raise CardError("a tab indents the front matter; YAML needs spaces", path=source, line=line)
        try:
            data = load_yaml(fm_text) if fm_text.strip() else None
        except yaml.YAMLError as exc:
            # Where an unclosed bracket or quote opened is where the mistake is; else where it broke.
            mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
            err_line = first_line + mark.line if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise CardError(
                f"the front matter is not valid YAML: {problem}", path=source, line=err_line
            ) from None
        except RecursionError:
            raise CardError("the front matter nests too deeply", path=source) from None
        if data is None and validate:
            raise CardError("the front matter is empty: a card needs at least 'name:'", path=source, line=1)
        data = {} if data is None else data
        if not isinstance(data, dict):
            raise CardError("the front matter must be 'key: value' lines", path=source, line=first_line)
        card = cls(text=text, fields=data, fm_start=fm_start, fm_end=fm_end)
        if validate:
            card._validate(source)
        return card

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
                raise fail("next", f"'next' must be a date like 2026-12-05 or 2026-12-05 15:30, not {nxt!r}")
            try:
                parse_due(nxt)
            except DateError as exc:
                raise fail("next", f"'next': {exc.message}") from None
        for key in ("action", "owner"):
            value = self.fields.get(key)
            if value is not None and not isinstance(value, str):
                raise fail(key, f"'{key}' must be a word or name, not {value!r}")
        tags = self.fields.get("tags")
        if tags is not None and not isinstance(tags, str | list):
            raise fail("tags", "'tags' must be a list like [b2b, wholesale]")
        if isinstance(tags, list) and not all(isinstance(t, str | int) for t in tags):
            raise fail("tags", "'tags' must be a list of words")
        birthday = self.fields.get("birthday")
        if birthday not in (None, "") and parse_birthday(birthday) is None:
            raise fail(
                "birthday", f"'birthday' must be a real date like 1971-03-14 or --03-14, not {birthday!r}"
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

    @property
    def body(self) -> str:
        closing = _CLOSE.search(self.text, self.fm_end)
        assert closing is not None
        end = closing.end()
        if self.text.startswith("\r\n", end):
            end += 2
        elif self.text.startswith("\n", end):
            end += 1
        return self.text[end:]

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text[: self.fm_end] else "\n"

    def log(self) -> tuple[list[LogEntry], list[int]]:
        """The Log entries, and the numbers of Log lines that do not follow the grammar."""
        entries: list[LogEntry] = []
        bad: list[int] = []
        start, end = self._log_section()
        if start is None:
            return entries, bad
        line_no = self.text.count("\n", 0, start) + 1
        for raw in self.text[start:end].splitlines():
            if raw.startswith("- "):
                entry = _parse_entry(raw, line_no)
                if entry is None:
                    bad.append(line_no)
                else:
                    entries.append(entry)
            line_no += 1
        return entries, bad

    def last_entry(self, *, skip: tuple[str, ...] = ()) -> LogEntry | None:
        """The latest Log entry, leaving out the kinds in ``skip``."""
        entries = [e for e in self.log()[0] if e.kind not in skip]
        return max(entries, key=lambda e: e.sort_key) if entries else None

    def _log_section(self) -> tuple[int | None, int]:
        """Offsets of the Log section's lines (after its heading up to the next heading)."""
        offset = self.fm_end
        level = 0
        start: int | None = None
        in_fence = False
        for raw in self.text[offset:].splitlines(keepends=True):
            stripped = raw.lstrip()
            if stripped.startswith("```") or stripped.startswith("~~~"):
                in_fence = not in_fence
            heading = None if in_fence else _HEADING.match(raw)
            if heading:
                if start is not None and len(heading.group(1)) <= level:
                    return start, offset
                if start is None and heading.group(2).strip().lower() == "log":
                    level = len(heading.group(1))
                    start = offset + len(raw)
            offset += len(raw)
        return start, len(self.text)

    # ------------------------------------------------------------------ editing

    def with_field(self, key: str, value: Any) -> Card:
        """The card with ``key`` set to ``value`` (None empties it); only that key's line changes."""
        if not re.match(r"^[^\s:#'\"\[\]{},&*!|>%@`-][^:#]*$", key) or key != key.strip():
            raise TicklerError(f"'{key}' cannot be used as a card key")
        nl = self.newline
        fm = self.text[self.fm_start : self.fm_end]
        lines = fm.splitlines(keepends=True)
        span = _key_span(lines, key)
        if span is None:
            rendered = yaml_scalar(value)
            new_line = f"{key}: {rendered}".rstrip(" \t") + nl
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += nl
            lines.append(new_line)
        else:
            first, last = span
            old = lines[first]
            prefix, old_value, comment_col, comment = _split_key_line(old)
            quote = old_value[:1] if old_value[:1] in ("'", '"') else None
            rendered = yaml_scalar(value, quote=quote)
            if not old_value:
                prefix = prefix.rstrip() + " "
            new = (prefix + rendered).rstrip(" \t") if rendered else prefix.rstrip(" \t")
            if comment:
                new += " " * max(1, comment_col - len(new)) + comment
            lines[first : last + 1] = [new + nl]
        text = self.text[: self.fm_start] + "".join(lines) + self.text[self.fm_end :]
        return Card.parse(text)

    def key_block(self, key: str) -> str | None:
        """The raw front matter lines of a top-level key, exactly as written, or None."""
        lines = self.text[self.fm_start : self.fm_end].splitlines(keepends=True)
        span = _key_span(lines, key)
        return None if span is None else "".join(lines[span[0] : span[1] + 1])

    def with_key_block(self, key: str, block: str | None) -> Card:
        """The card with a key's lines replaced by ``block`` (raw lines from another version of the
        card), added at the end of the front matter, or removed when ``block`` is None."""
        lines = self.text[self.fm_start : self.fm_end].splitlines(keepends=True)
        span = _key_span(lines, key)
        new = [] if block is None else [block if block.endswith("\n") else block + self.newline]
        if span is None:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += self.newline
            lines.extend(new)
        else:
            lines[span[0] : span[1] + 1] = new
        return Card.parse(self.text[: self.fm_start] + "".join(lines) + self.text[self.fm_end :])

    def with_log_lines(self, lines: list[str]) -> Card:
        """The card with Log lines placed at the end of its Log section (created if missing)."""
        if not lines:
            return self
        nl = self.newline
        block = "".join(line + nl for line in lines)
        start, end = self._log_section()
        text = self.text
        if start is None:
            if text and not text.endswith("\n"):
                text += nl
            if not text.endswith(("\n\n", nl + nl)):
                text += nl
            return Card.parse(f"{text}## Log{nl}{block}")
        content_end = start
        pos = start
        for raw in text[start:end].splitlines(keepends=True):
            pos += len(raw)
            if raw.strip():
                content_end = pos
        prefix = text[:content_end]
        if not prefix.endswith("\n"):
            prefix += nl
        return Card.parse(prefix + block + text[content_end:])

    def with_entry(self, entry_line: str) -> Card:
        """The card with one Log line added in date order (a Log section is created if missing)."""
        new_entry = _parse_entry(entry_line, 0)
        if new_entry is None:
            raise TicklerError(f"not a Log line: {entry_line!r}")
        start, end = self._log_section()
        if start is None:
            return self.with_log_lines([entry_line])
        text = self.text
        after_last_earlier: int | None = None  # just past the last entry not later than the new one
        first_entry: int | None = None
        pos = start
        for raw in text[start:end].splitlines(keepends=True):
            entry = _parse_entry(raw, 0) if raw.startswith("- ") else None
            if entry is not None:
                if first_entry is None:
                    first_entry = pos
                if entry.sort_key <= new_entry.sort_key:
                    after_last_earlier = pos + len(raw)
            pos += len(raw)
        if after_last_earlier is not None:
            insert_at = after_last_earlier
        elif first_entry is not None:
            insert_at = first_entry
        else:
            return self.with_log_lines([entry_line])  # no entries yet: after the section's text
        prefix = text[:insert_at]
        if not prefix.endswith("\n"):
            prefix += self.newline
        return Card.parse(prefix + entry_line + self.newline + text[insert_at:])

    # ------------------------------------------------------------------ output

    def as_fields_json(self) -> dict[str, Any]:
        """The whole front matter for JSON output, dates as ISO strings."""
        out = {str(k): _jsonable(v) for k, v in self.fields.items()}
        if self.next is not None:
            out["next"] = self.next.iso()
        return out


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


def _parse_entry(raw: str, line: int) -> LogEntry | None:
    match = _LOG_ENTRY.match(raw)
    if not match:
        return None
    try:
        day = dt.date.fromisoformat(match["date"])
        time = None
        if match["time"]:
            hh, mm = match["time"].split(":")
            time = dt.time(int(hh), int(mm))
        amount = Decimal(match["amount"]) if match["amount"] else None
    except (ValueError, InvalidOperation):
        return None
    return LogEntry(day, time, match["kind"].lower(), amount, (match["text"] or "").strip(), line)


def _indentation(fm_text: str) -> str:
    return "".join(re.findall(r"^[ \t]*", fm_text, re.MULTILINE))


def _first_tab_line(fm_text: str) -> int:
    for number, raw in enumerate(fm_text.splitlines()):
        if raw[: len(raw) - len(raw.lstrip(" \t"))].count("\t"):
            return number
    return 0


_TOP_KEY = re.compile(r"""^(?P<key>"[^"]*"|'[^']*'|[^\s#:][^:]*?)[ \t]*:(?=[ \t]|\r?$)""")


def _key_lines(fm_text: str, first_line: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, raw in enumerate(fm_text.splitlines()):
        match = _TOP_KEY.match(raw)
        if match:
            key = match["key"].strip("'\"")
            found.setdefault(key, first_line + number)
    return found


def _key_span(lines: list[str], key: str) -> tuple[int, int] | None:
    """First and last line of a top-level key (its line and any continuation lines)."""
    for index, raw in enumerate(lines):
        match = _TOP_KEY.match(raw)
        if not match or match["key"].strip("'\"") != key:
            continue
        _, value, _, _ = _split_key_line(raw)
        last = index
        for follow in range(index + 1, len(lines)):
            nxt = lines[follow]
            if nxt.strip() == "":
                continue
            if nxt[0] in " \t" or (not value and nxt.startswith("-")):
                last = follow
                continue
            break
        return index, last
    return None


def _split_key_line(raw: str) -> tuple[str, str, int, str]:
    """Split ``key:   value   # comment`` into prefix (up to the value), value, comment column,
    comment. Quotes are respected so a '#' inside a quoted value is not a comment."""
    line = raw.rstrip("\r\n")
    colon = _TOP_KEY.match(line)
    assert colon is not None
    pos = colon.end()
    while pos < len(line) and line[pos] in " \t":
        pos += 1
    prefix = line[:pos]
    quote: str | None = None
    comment_col = -1
    i = pos
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == quote:
                if quote == "'" and line[i + 1 : i + 2] == "'":
                    i += 1
                else:
                    quote = None
            elif ch == "\\" and quote == '"':
                i += 1
        elif ch in "'\"" and i == pos:
            quote = ch
        elif ch == "#" and (i == pos or line[i - 1] in " \t"):
            comment_col = i
            break
        i += 1
    if comment_col < 0:
        return prefix, line[pos:].rstrip(" \t"), -1, ""
    return prefix, line[pos:comment_col].rstrip(" \t"), comment_col, line[comment_col:]
