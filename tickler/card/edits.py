"""The minimal-diff editor: change one key of a card's front matter by rewriting that key's lines
and nothing else. Comments, key order, quoting, unknown keys and the body stay byte for byte, so
a reschedule is one changed line in ``git diff``.

Each function takes a card's text and the span of its front matter and returns the new text.
"""

from __future__ import annotations

import re
from typing import Any

from ..dates import Due
from ..errors import TicklerError
from .reader import key_span, split_key_line

_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_KEY = re.compile(r"^[^\s:#'\"\[\]{},&*!|>%@`-][^:#]*$")


# Text YAML writes as it is, in a block or inside [a, b]: a letter first (so never a number, a
# date or an indicator), then letters, digits, single spaces and a few marks that mean nothing
# to YAML there; and not one of the words YAML reads as true, false or null. PyYAML's emitter
# writes such text plain too (tests/test_card.py compares the two); this path only saves the
# emitter's time when an import writes ten thousand cards.
_PLAIN = re.compile(r"[^\W\d_](?:[\w.@'+/()-]| (?! ))*(?<! )")
_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def _plain(value: str) -> bool:
    return (_PLAIN.fullmatch(value) is not None and value.isprintable() and value.lower() not in _WORDS) or (
        _NUMBER_TEXT.fullmatch(value) is not None
        and _SEPARATED.search(value) is not None
        and _TIMESTAMP.match(value) is None
    )


# A phone number as people write it (``+7 916 555-66-77``, ``8 (916) 555-66-77``): digits with
# spaces, brackets or dashes between them, which YAML never reads as a number. The emitter
# writes it plain too.
_NUMBER_TEXT = re.compile(r"\+?\(?\d(?:[\d().-]| (?! ))*\d")
_SEPARATED = re.compile(r"[ (-]")
_TIMESTAMP = re.compile(r"\d{4}-\d\d?-\d\d?(?:$|[Tt \t])")  # the emitter quotes what YAML reads as a date


def _flow(value: Any) -> str | None:
    """A list or a mapping of plain text (a number's kinds: ``{mobile: +7 916 ..., work: [...]}``)
    as the emitter writes it, keys in its order; None when the emitter is needed."""
    if type(value) is list:
        return (
            "[" + ", ".join(value) + "]"
            if value and all(type(v) is str and _plain(v) for v in value)
            else None
        )
    if type(value) is not dict or not value or not all(type(k) is str and _plain(k) for k in value):
        return None
    parts = []
    for key in sorted(value):
        item = value[key]
        text = item if type(item) is str and _plain(item) else _flow(item) if type(item) is list else None
        if text is None:
            return None
        parts.append(f"{key}: {text}")
    return "{" + ", ".join(parts) + "}"


def yaml_scalar(value: Any, *, quote: str | None = None) -> str:
    """One-line YAML for a value, as it would be typed by hand."""
    if value is None:
        return ""
    if isinstance(value, Due):
        return str(value)
    if type(value) is str and not quote and (_DATE_TEXT.match(value) or _plain(value)):
        return value  # dates stay plain, as typed by hand; the card loader keeps them as text
    if type(value) in (list, dict) and (flow := _flow(value)) is not None:
        return flow
    import yaml

    style = quote if isinstance(value, str) and quote else None
    out = yaml.safe_dump(value, allow_unicode=True, width=2**31, default_flow_style=True, default_style=style)
    out = out.removesuffix("\n...\n").removesuffix("\n")
    if "\n" in out:
        out = yaml.safe_dump(value, allow_unicode=True, width=2**31, default_style='"').rstrip("\n")
    return out


def check_key(key: str) -> None:
    if not _KEY.match(key) or key != key.strip():
        raise TicklerError(f"'{key}' cannot be used as a card key")


def set_key(text: str, fm_start: int, fm_end: int, newline: str, key: str, value: Any) -> str:
    """``text`` with ``key`` set to ``value`` (None empties it): the key's line is rewritten,
    keeping its quoting style and its comment, or a new line is added at the end."""
    check_key(key)
    lines = text[fm_start:fm_end].splitlines(keepends=True)
    span = key_span(lines, key)
    if span is None:
        new_line = f"{key}: {yaml_scalar(value)}".rstrip(" \t") + newline
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += newline
        lines.append(new_line)
    else:
        first, last = span
        prefix, old_value, comment_col, comment = split_key_line(lines[first])
        quote = old_value[:1] if old_value[:1] in ("'", '"') else None
        rendered = yaml_scalar(value, quote=quote)
        if not old_value:
            prefix = prefix.rstrip() + " "
        new = (prefix + rendered).rstrip(" \t") if rendered else prefix.rstrip(" \t")
        if comment:
            new += " " * max(1, comment_col - len(new)) + comment
        lines[first : last + 1] = [new + newline]
    return text[:fm_start] + "".join(lines) + text[fm_end:]


def key_block(text: str, fm_start: int, fm_end: int, key: str) -> str | None:
    """The raw front matter lines of a top-level key, exactly as written, or None."""
    lines = text[fm_start:fm_end].splitlines(keepends=True)
    span = key_span(lines, key)
    return None if span is None else "".join(lines[span[0] : span[1] + 1])


def set_key_block(text: str, fm_start: int, fm_end: int, newline: str, key: str, block: str | None) -> str:
    """``text`` with a key's lines replaced by ``block`` (raw lines from another version of the
    card), added at the end of the front matter, or removed when ``block`` is None."""
    lines = text[fm_start:fm_end].splitlines(keepends=True)
    span = key_span(lines, key)
    new = [] if block is None else [block if block.endswith("\n") else block + newline]
    if span is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += newline
        lines.extend(new)
    else:
        lines[span[0] : span[1] + 1] = new
    return text[:fm_start] + "".join(lines) + text[fm_end:]


def new_text(values: dict[str, Any], notes: str = "", newline: str = "\n") -> str:
    """The text of a new card: ``values`` as front matter lines in their order, a title, the
    notes, and an empty Log. Keys are checked; values are written as they would be typed."""
    lines = ["---"]
    for key, value in values.items():
        check_key(key)
        lines.append(f"{key}: {yaml_scalar(value)}".rstrip(" \t"))
    name = " ".join(str(values.get("name", "")).split())
    body = f"# {name}" + (f"{newline}{newline}{notes.strip()}" if notes.strip() else "")
    return newline.join([*lines, "---", body, "", "## Log", ""])
