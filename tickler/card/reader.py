"""The front-matter reader: a card file's text, where its front matter lies, what its YAML says
(read with the safe card loader), and on which line each key is.

Errors are CardErrors that name the file and, where it is known, the line.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from typing import Any

import yaml

from ..errors import CardError

OPEN = re.compile(r"\A(\ufeff?)---[ \t]*\r?\n")
CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_CONFLICT = re.compile(r"^<{7}(?: |\r?$)(?s:.*?)^>{7}(?: |\r?$)", re.M)  # git's <<<<<<< ... >>>>>>>
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # raw, in the text (tab, CR and LF are fine)


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


# --------------------------------------------------------------------------- the front matter


def read_front_matter(text: str, source: Any, *, required: bool) -> tuple[int, int, dict[str, Any]]:
    """Where the front matter lies in ``text`` (its first line's offset, and the offset of the
    closing ``---``) and its mapping. ``required``: an empty front matter is an error."""
    if "\x00" in text:
        raise CardError("this is a binary file, not a card", path=source)
    if "<<<<<<<" in text and (marker := _CONFLICT.search(text)) is not None:
        raise CardError(
            "holds git conflict markers: a merge of this card was never finished; keep what is "
            "right, delete the <<<<<<< ======= >>>>>>> lines (or run tickler sync)",
            path=source,
            line=text.count("\n", 0, marker.start()) + 1,
        )
    opening = OPEN.match(text)
    if not opening:
        raise CardError(
            "no front matter: a card starts with a line '---', then 'name: ...', then '---'",
            path=source,
            line=1,
        )
    fm_start = opening.end()
    closing = CLOSE.search(text, fm_start)
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
    if data is None and required:
        raise CardError("the front matter is empty: a card needs at least 'name:'", path=source, line=1)
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise CardError("the front matter must be 'key: value' lines", path=source, line=first_line)
    return fm_start, fm_end, data


def body_start(text: str, fm_end: int) -> int:
    """The offset just past the closing ``---`` line: where the notes begin."""
    closing = CLOSE.search(text, fm_end)
    assert closing is not None
    end = closing.end()
    if text.startswith("\r\n", end):
        end += 2
    elif text.startswith("\n", end):
        end += 1
    return end


def _indentation(fm_text: str) -> str:
    return "".join(re.findall(r"^[ \t]*", fm_text, re.MULTILINE))


def _first_tab_line(fm_text: str) -> int:
    for number, raw in enumerate(fm_text.splitlines()):
        if raw[: len(raw) - len(raw.lstrip(" \t"))].count("\t"):
            return number
    return 0


# --------------------------------------------------------------------------- keys and their lines

TOP_KEY = re.compile(r"""^(?P<key>"[^"]*"|'[^']*'|[^\s#:][^:]*?)[ \t]*:(?=[ \t]|\r?$)""")


def key_lines(fm_text: str, first_line: int) -> dict[str, int]:
    """The 1-based line of each top-level key of a front matter starting on ``first_line``."""
    found: dict[str, int] = {}
    for number, raw in enumerate(fm_text.splitlines()):
        match = TOP_KEY.match(raw)
        if match:
            key = match["key"].strip("'\"")
            found.setdefault(key, first_line + number)
    return found


def key_span(lines: list[str], key: str) -> tuple[int, int] | None:
    """First and last line of a top-level key (its line and any continuation lines)."""
    for index, raw in enumerate(lines):
        match = TOP_KEY.match(raw)
        if not match or match["key"].strip("'\"") != key:
            continue
        _, value, _, _ = split_key_line(raw)
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


def split_key_line(raw: str) -> tuple[str, str, int, str]:
    """Split ``key:   value   # comment`` into prefix (up to the value), value, comment column,
    comment. Quotes are respected so a '#' inside a quoted value is not a comment."""
    line = raw.rstrip("\r\n")
    colon = TOP_KEY.match(line)
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
