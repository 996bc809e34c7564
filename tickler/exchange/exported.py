"""Tickler's own exports: a card's value as the text of one spreadsheet cell or vCard property,
and back again, so that ``export csv`` (or ``export vcard``) and an import of the file give the
same card.

A value is written the way the card's YAML holds it on one line: text as it is, a number as
``30``, true or false, a list as ``[a, b]``, a mapping as ``{mobile: +7 916 ...}``. Text that
would read back as something else (``30``, ``true``, ``[draft]``) is written in double quotes,
``"30"``. Reading is the inverse: a cell is read with the card's YAML loader only when it starts
like a quoted text, a list, a mapping, a number or one of YAML's words; any other cell is its
own text, taken literally (``a #b`` stays ``a #b``, ``Color: Blue`` stays ``Color: Blue``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..card import Card

_YAML_LIKE = re.compile(r"""^(?:["'\[{]|[-+.]?\d|[-+]?\.(?:inf|nan)|~$)""", re.IGNORECASE)
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "null"}


def value_of(text: str) -> Any:
    """A cell of tickler's own export as the card value it stands for (None for an empty cell)."""
    if text == "":
        return None
    if not _YAML_LIKE.match(text) and text.lower() not in _YAML_WORDS:
        return text
    from ..card.reader import load_yaml

    try:
        value = load_yaml(text)
    except Exception:  # YAML's many errors: then the cell is plain text
        return text
    first = text[0]
    if isinstance(value, str):
        return value if first in "\"'" else text
    if isinstance(value, list | dict):
        return value if first in "[{" else text
    if isinstance(value, bool | int | float):
        return value
    return text


def text_of(value: Any) -> str:
    """A card value as the cell ``value_of`` reads back as the same value."""
    from ..card.edits import yaml_scalar

    if value is None:
        return ""
    if isinstance(value, str):
        return value if value and value_of(value) == value else yaml_scalar(value, quote='"')
    if not isinstance(value, list | dict):
        return yaml_scalar(value)
    import yaml

    out = yaml_scalar(value)  # as the card writes it, when that stays on one line and reads back
    if "\n" in out or value_of(out) != value:
        options: dict[str, Any] = {"allow_unicode": True, "width": 2**31, "default_flow_style": True}
        out = yaml.safe_dump(value, default_style='"', **options).removesuffix("\n")
    return out


def rebuilt(front: str, body: str, cells: dict[str, str]) -> Card:
    """A card of tickler's own export from its text (the ``card: front matter`` and ``card: body``
    columns), with each value a spreadsheet changed in its column set by a minimal edit, and each
    value whose cell was emptied taken out; an unchanged row gives the card byte for byte."""
    from ..card import Card

    card = Card.parse(front + body)
    for key, cell in cells.items():
        value, old = value_of(cell), card.fields.get(key)
        if value is None:
            if old is not None and key != "name":  # a card never loses its name
                card = card.with_key_block(key, None)
        elif old != value or type(old) is not type(value):
            card = card.with_field(key, value)
    return card
