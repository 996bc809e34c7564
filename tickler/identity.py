"""Who a card is: whether two cards describe the same customer."""

from __future__ import annotations

import re

from .card import Card
from .names import fold

_NON_DIGITS = re.compile(r"\D+")


def matches_identity(first: Card, second: Card) -> bool:
    """Whether two cards describe the same customer: the same name, and no email, phone or company
    on which they disagree."""
    if fold(first.name) != fold(second.name):
        return False
    for key in ("email", "phone", "company"):
        a, b = first.get(key), second.get(key)
        if a in (None, "") or b in (None, ""):
            continue
        if key == "phone":
            if _NON_DIGITS.sub("", str(a)) != _NON_DIGITS.sub("", str(b)):
                return False
        elif fold(str(a)) != fold(str(b)):
            return False
    return True
