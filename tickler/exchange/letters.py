"""Personal letters: a mail merge of a Markdown template with each card's fields.

A template is filled as data only: ``{name}``-style placeholders are looked up in the card's
fields, nothing else (no attribute or index access, no code, no other files). A card missing a
field the template needs is listed, never sent with a hole."""

from __future__ import annotations

import string
from dataclasses import dataclass

from ..binder import Filed
from ..errors import TicklerError


@dataclass(frozen=True)
class Letter:
    filed: Filed
    text: str | None  # None when fields are missing
    missing: tuple[str, ...] = ()


def placeholders(template: str) -> list[str]:
    """The field names a template uses; refuses anything but plain names."""
    names = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TicklerError(
            f"the letter template has a stray brace: {exc}; write {{{{ and }}}} for braces"
        ) from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise TicklerError(f"'{{{field}}}' is not a plain field name; use {{name}}, {{company}}, ...")
        names.append(field)
    return names


def values_for(filed: Filed) -> dict[str, str]:
    card = filed.card
    out: dict[str, str] = {}
    for key, value in card.as_fields_json().items():
        if value in (None, "", []):
            continue
        out[str(key)] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    words = card.name.split()
    out["name"] = card.name
    out["first_name"] = words[0]
    if len(words) > 1:
        out["last_name"] = words[-1]
    out["id"] = filed.id
    return out


def merge(template: str, cards: list[Filed]) -> list[Letter]:
    needed = placeholders(template)
    letters = []
    for filed in cards:
        values = values_for(filed)
        missing = tuple(dict.fromkeys(n for n in needed if n not in values))
        if missing:
            letters.append(Letter(filed, None, missing))
            continue
        letters.append(Letter(filed, template.format_map(values)))
    return letters
