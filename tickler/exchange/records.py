"""A customer as an import source gives it: card keys and values, and the line it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..dates import Clock, parse_when

LIST_KEYS = ("tags", "products")


@dataclass
class Record:
    """One customer from the source: card keys and values, and where it came from."""

    line: int
    values: dict[str, Any]
    card_id: str | None = None  # an id the source names (a tickler export), used for new cards



def typed(key: str, value: str, clock: Clock) -> Any:
    """A text value from the source as the card keeps it: dates read with the WHEN grammar, lists
    split on commas or semicolons, everything else as text."""
    text = value.strip()
    if not text:
        return None
    if key == "next":
        return parse_when(text, clock.today)
    if key in LIST_KEYS:
        return [part.strip() for part in re.split(r"[;,]", text.strip("[]")) if part.strip()]
    return text
