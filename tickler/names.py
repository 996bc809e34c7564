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


# The endings of a Russian (and Azerbaijani, Tatar...) patronymic: Иванович, Ильич, Ивановна,
# Ильинична; the Turkic оглы and кызы, written as a word of their own or after a hyphen.
_PATRONYMIC = ("ич", "вна", "ична", "оглы", "кызы")
_TURKIC = ("оглы", "кызы")


def is_patronymic(word: str) -> bool:
    """Whether a word of a name, in Cyrillic, ends as a patronymic does."""
    return word.lower().endswith(_PATRONYMIC)


def first_and_last(name: str) -> tuple[str, str | None]:
    """A person's first name and surname as a letter addresses them: ``Ivan Ivanovich Ivanov``
    gives (Ivan, Ivanov). A Russian full name written surname first, its patronymic last
    (``Смирнова Ольга Ивановна``, ``Алиев Рашид Гейдар оглы``), gives (Ольга, Смирнова); a first
    name and patronymic alone (``Ольга Ивановна``) give no surname. A Western order whose surname
    happens to end like a patronymic (``Иван Петрович Абрамович``) stays as written."""
    words = name.split()
    if not words:
        return "", None
    tail = 2 if len(words) >= 3 and words[-1].lower() in _TURKIC else 1  # Гейдар оглы
    head = words[: len(words) - tail]
    if is_patronymic(words[-1]):
        if len(head) == 1:
            return head[0], None
        if len(head) == 2 and not is_patronymic(head[1]):
            return head[1], head[0]
    return words[0], (words[-1] if len(words) > 1 else None)


def free_id(name: str, used: set[str]) -> str:
    """A new card id from ``name``: its slug, with ``-2``, ``-3``... when that id (or one that
    differs only by case or accents, as ``id_key`` compares them) is in ``used``."""
    base = slugify(name)
    if is_reserved_id(base):
        base = f"{base}-card"
    card_id, n = base, 2
    while id_key(card_id) in used:
        card_id = f"{base}-{n}"
        n += 1
    return card_id
