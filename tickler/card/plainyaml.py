"""The plain front matter nearly every card has, read without building a YAML parse tree.

A card's front matter is almost always ``key: value`` lines, a list now and then (``tags:
[retail]``, or ``- item`` lines under a key), comments and blank lines. ``plain_mapping`` reads
exactly that and returns what the safe card loader (``safeyaml``) returns for it, value for
value and type for type: each plain scalar is resolved by that loader's own implicit resolvers
and made by PyYAML's own constructors (``yes`` is True, ``0x1f`` 31, ``1:20`` 80, a date stays
its text). Anything else, a quote inside quotes, an escape, a continued line, an anchor, a
flow mapping, a duplicate key, a tab, returns None, and the loader decides (and words the error).
Reading 10,000 cards on a fresh clone, this is the difference between a second of YAML and a
tenth of one (``bench/``); ``tests/test_plainyaml.py`` holds the two readers to the same answers.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from .limits import busy

_STR = "tag:yaml.org,2002:str"
# Characters both YAML parsers read as plain content on one line; anything else (a tab, a CR, a
# byte-order mark, a line or paragraph separator, NEL) is left to them.
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")
_ITEM = re.compile(r"( *)- +(.*)")
_DATE = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d?:\d\d(?::\d\d)?)?")  # text for the card loader (no timestamps)
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")  # YAML's indicators: a plain scalar does not start so
_FLOW = frozenset(",[]{}#'\":")  # in a [flow, list] item: left to the loader


def plain_mapping(text: str) -> dict[str, Any] | None:
    """The front matter's mapping when it is written plainly (see the module), else None."""
    if busy(text) or _UNUSUAL.search(text) is not None:  # (the loader's other parser: not followed)
        return None
    found: dict[str, Any] = {}
    lines = text.split("\n")
    i, count = 0, len(lines)
    rules = _RULES or _resolvers()
    while i < count:
        line = lines[i]
        i += 1
        key, colon, written = line.partition(": ")
        if colon and key in _TEXT_KEYS and key not in found:  # the usual line: a key, a plain text
            written = written.strip(" ")
            if (
                written
                and written[0] not in _PLAIN_START
                and ": " not in written
                and " #" not in written
                and written[-1] != ":"
                and (
                    written[0] not in rules
                    or (written[0] in _SPACELESS and " " in written)
                    or _DATE.fullmatch(written) is not None
                )
            ):
                found[key] = written
                continue
        line = line.rstrip(" ")
        if not line or line[0] == "#":
            continue
        match = _KEY_LINE.fullmatch(line)
        if match is None:
            return None
        key, written = match[1], match[2]
        if key in found or len(key) > 1024 or (key not in _TEXT_KEYS and not _text_key(key)):
            return None  # (YAML takes no key of more than 1,024 characters)
        if written and written[0] != "#":
            value = _value(written)
            if value is _UNSURE:
                return None
            found[key] = value
            continue
        items: list[Any] = []  # a key alone: null, or the list of the "- item" lines below it
        indent = None
        while i < count:
            follow = lines[i].rstrip(" ")
            if not follow.strip(" ") or follow.lstrip(" ")[0] == "#":
                i += 1
                continue
            item = _ITEM.fullmatch(follow)
            if item is None:
                if follow[0] == " ":
                    return None  # a continued line, a nested mapping: the loader's
                break
            if indent is None:
                indent = item[1]
            elif item[1] != indent:
                return None
            value = _scalar(item[2], flow=False)
            if value is _UNSURE:
                return None
            items.append(value)
            i += 1
        found[key] = items if indent is not None else None
    return found or None


class _Unsure:
    pass


_UNSURE: Any = _Unsure()


def _value(written: str) -> Any:
    if written[0] == "[":
        close = written.find("]")
        if close < 0 or not _comment_or_nothing(written[close + 1 :]):
            return _UNSURE
        inner = written[1:close]
        if not inner.strip(" "):
            return []
        values = [_scalar(part.strip(" "), flow=True) for part in inner.split(",")]
        return _UNSURE if any(v is _UNSURE for v in values) else values
    return _scalar(written, flow=False)


def _comment_or_nothing(rest: str) -> bool:
    """What may follow a value on its line: nothing, or a comment after a space."""
    return not rest or (rest[0] == " " and rest.lstrip(" ")[:1] in ("", "#"))


def _scalar(written: str, *, flow: bool) -> Any:
    """One value: quoted without anything to undo, or plain (resolved as the loader would)."""
    if not written:
        return _UNSURE
    first = written[0]
    if first == "'" or first == '"':
        close = written.find(first, 1)
        inner = written[1:close]
        if close < 0 or flow or "\\" in inner or not _comment_or_nothing(written[close + 1 :]):
            return _UNSURE
        return inner
    if first in _PLAIN_START and not (first == "-" and len(written) > 1 and written[1] != " "):
        return _UNSURE
    if not flow and " #" in written:
        written = written[: written.index(" #")].rstrip(" ")  # a comment after the value
    if ": " in written or written[-1] == ":" or " #" in written:
        return _UNSURE
    if flow and any(c in _FLOW for c in written):
        return _UNSURE
    tag = _STR if _DATE.fullmatch(written) else _tag(written)
    if tag == _STR:
        return written
    make = _constructors().get(tag) if tag is not None else None
    if make is None or tag is None:
        return _UNSURE  # a merge key, a value key: the loader's
    from yaml import ScalarNode

    try:
        return make(ScalarNode(tag, written))
    except (ValueError, OverflowError):  # a number that is none (0x_): the loader says so
        return _UNSURE


_TEXT_KEYS: set[str] = set()  # keys seen to be text (a binder's cards share a few dozen)


def _text_key(key: str) -> bool:
    if _tag(key) != _STR:
        return False
    if len(_TEXT_KEYS) < 1000:
        _TEXT_KEYS.add(key)
    return True


def _tag(plain: str) -> str | None:
    """The tag the card loader gives a plain scalar (None when it would not be sure)."""
    rules = _RULES or _resolvers()
    if None in rules:
        return None
    for tag, pattern in rules.get(plain[0], ()):
        if pattern.match(plain):
            return tag
    return _STR


_RULES: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
_SPACELESS: set[str] = set()


@cache
def _resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    from .safeyaml import _CardLoader

    _RULES.update(_CardLoader.yaml_implicit_resolvers)
    # The first characters of the forms that are numbers, booleans or null, none of which holds
    # a space: a value beginning so with a space in it is text.
    numbers = {f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "null")}
    _SPACELESS.update(c for c, r in _RULES.items() if c and all(tag in numbers for tag, _ in r))
    return _RULES


@cache
def _constructors() -> dict[str, Any]:
    """PyYAML's own constructors of the scalar tags a card's values take, bound to one loader."""
    import functools

    from .safeyaml import _CardLoader

    loader = _CardLoader("")
    tags = [f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "null")]
    return {tag: functools.partial(_CardLoader.yaml_constructors[tag], loader) for tag in tags}
