"""The front-matter reader: a card file's text, where its front matter lies, what its YAML says
(read with the safe card loader), and on which line each key is.

Errors are CardErrors that name the file and, where it is known, the line.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CardError

OPEN = re.compile(r"\A(\ufeff?)---[ \t]*\r?\n")
CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_CONFLICT = re.compile(r"^<{7}(?: |\r?$)(?s:.*?)^>{7}(?: |\r?$)", re.M)  # git's <<<<<<< ... >>>>>>>
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # raw, in the text (tab, CR and LF are fine)


def load_yaml(text: str) -> Any:
    """A front matter's YAML, read with the safe card loader (``safeyaml``, imported only when a
    card is actually read: a listing that the cache answers never loads PyYAML)."""
    from .safeyaml import load_yaml as load

    return load(text)


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
    from .plainyaml import plain_mapping

    data = plain_mapping(fm_text)  # the usual plain front matter, without a YAML parse tree
    if data is None:
        data = _loaded(fm_text, source, first_line)
    if data is None and required:
        raise CardError("the front matter is empty: a card needs at least 'name:'", path=source, line=1)
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise CardError("the front matter must be 'key: value' lines", path=source, line=first_line)
    return fm_start, fm_end, data


def _loaded(fm_text: str, source: Any, first_line: int) -> Any:
    """A front matter's YAML through the safe card loader; its errors named with file and line."""
    import yaml

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
    except (ValueError, OverflowError) as exc:  # a value YAML takes for a number that is none (0x_)
        raise CardError(f"the front matter holds a value YAML cannot read: {exc}", path=source) from None
    return data


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
