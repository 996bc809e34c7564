"""Names and ids: a card's id from a customer's name, and text folded for matching what people type."""

from __future__ import annotations

import re


def fold(text: str) -> str:
    """Text for matching what people type: no case, no accents (``María`` matches ``maria``)."""
    if text.isascii():
        return text.lower()  # no accents to take off; for ASCII, lower() is casefold()
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def slugify(name: str) -> str:
    """Card id from a name: lower case, NFC, letters and digits of any script joined by '-'."""
    import unicodedata

    text = unicodedata.normalize("NFC", name).lower()
    words = re.findall(r"[^\W_]+", text)
    slug = "-".join(words)[:80].strip("-")
    return slug or "card"


_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}


def is_reserved_id(card_id: str) -> bool:
    """Names Windows cannot hold as files; a binder must open on every rep's machine."""
    return card_id.split(".")[0].lower() in _RESERVED


def id_key(card_id: str) -> str:
    """What makes two ids the same file on some system: case and Unicode normalisation."""
    if card_id.isascii():
        return card_id.lower()
    import unicodedata

    return unicodedata.normalize("NFC", card_id).casefold()
