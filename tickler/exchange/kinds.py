"""Numbers and addresses by kind: which key a number goes under, its kinds, the order of the
numbers to call, and the maps that keep the kinds on the card.

The card keeps ``phone`` a plain number or a list of them: the numbers a rep dials, the source's
preferred ones first, then the mobiles, then the rest in the source's order. Numbers nobody dials
go under keys of their own: ``fax``, ``pager``, ``assistant_phone``, ``telex``, ``tty``. Their
kinds go under ``phone_kinds``, a map from each kind to the number (or list of numbers) of that
kind, whatever key holds it; addresses likewise under ``address_kinds``:

    phone: [+7 916 111-22-33, +7 495 222-33-44]
    fax: +7 495 222-33-45
    phone_kinds: {mobile: +7 916 111-22-33, work: [+7 495 222-33-44, +7 495 222-33-45]}

A number is found in the map by its digits and an address by its folded text, so a number the
rep retypes with other spaces keeps its kind, and one no longer on the card is simply unused.

The words that say a kind come from every source: a vCard's ``TYPE=CELL,PREF``, an Apple label
``_$!<Mobile>!$_``, Google's ``Work Fax``, Outlook's ``Business Phone``, German ``Fax
geschäftlich``, Russian ``Мобильный``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..names import fold

NUMBER_KEYS = ("phone", "fax", "pager", "assistant_phone", "telex", "tty")

# A word of a label, a column's header or a vCard TYPE -> the kind of number or address it says.
# fmt: off
_KIND_WORDS = {
    "mobile": ("cell", "mobile", "cellular", "iphone", "handy", "mobil", "mobiltelefon", "мобильный",
               "мобильного", "мобильн", "сотовый", "мобильный телефон", "cellphone", "mobile phone"),
    "work": ("work", "business", "office", "geschäftlich", "geschaftlich", "dienstlich", "рабочий",
             "рабочего", "служебный"),
    "home": ("home", "privat", "private", "personal", "домашний", "домашнего", "личный"),
    "main": ("main", "haupttelefon", "firma", "company", "company main", "основной", "primary"),
    "other": ("other", "weiteres", "weitere", "weiterer", "другой", "прочий"),
    "car": ("car", "autotelefon", "auto"),
    "callback": ("callback", "rückmeldung", "ruckmeldung"),
    "radio": ("radio", "funkruf"),
    "isdn": ("isdn",),
    "video": ("video",),
    "text": ("text", "sms", "msg"),
    "postal": ("postal", "parcel", "dom", "intl"),
}
_KEY_WORDS = {
    "fax": ("fax", "telefax", "факс"),
    "pager": ("pager", "beeper", "пейджер"),
    "assistant_phone": ("assistant", "assistent", "assistentin", "assistantphone", "ассистент", "секретарь"),
    "telex": ("telex", "телекс"),
    "tty": ("tty", "tdd", "ttytdd", "textphone", "hörbehinderte", "horbehinderte"),
}
_PREFERRED = ("pref", "preferred", "primary")
# Words that say nothing about the kind: the thing itself, and vCard's defaults.
_NEUTRAL = {
    "voice", "tel", "phone", "telephone", "telefon", "телефон", "number", "nummer", "номер", "value",
    "internet", "x400", "x", "evolution", "für", "fur", "des", "der", "die", "of", "the", "ab",
    "label", "type", "s", "2", "3", "4", "5", "1",
}
# fmt: on
_WORD_OF = {word: kind for kind, words in _KIND_WORDS.items() for word in words}
_KEY_OF = {word: key for key, words in _KEY_WORDS.items() for word in words}
_VOCABULARY = {*_WORD_OF, *_KEY_OF, *_PREFERRED}
_PREFIX = re.compile(r"^x-(?:evolution-)?", re.IGNORECASE)
_APPLE = re.compile(r"^_\$!<(.*)>!\$_$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Kind:
    key: str = "phone"  # the card key a number of this kind goes under
    kinds: tuple[str, ...] = ()
    preferred: bool = False


def kind_of(labels: str | Iterable[str], *, custom: bool = False) -> Kind:
    """The key, kinds and preference that a label (or a vCard's TYPE values) says. With
    ``custom``, a label no vocabulary knows (Google's ``Google Voice``, a custom label) is itself
    the kind; vCard TYPE values nobody knows (``X-FOO``) are left out."""
    return _kind((labels,) if isinstance(labels, str) else tuple(labels), custom)


@lru_cache(maxsize=4096)
def _kind(texts: tuple[str, ...], custom: bool) -> Kind:
    """``kind_of`` (the same few labels come on every row of a file)."""
    key, kinds, preferred, unknown = "phone", [], False, []
    for text in texts:
        raw = text.strip()
        if raw.startswith("* "):  # Google marks the primary one so
            preferred, raw = True, raw[2:]
        apple = _APPLE.match(raw)
        raw = _PREFIX.sub("", apple[1] if apple else raw)
        words = _words(raw)
        for word in words:
            key = _KEY_OF.get(word, key)
            kind = _WORD_OF.get(word)
            if kind is not None and kind not in kinds:
                kinds.append(kind)
            preferred = preferred or word in _PREFERRED
        if words and not any(w in _VOCABULARY for w in words) and not all(w in _NEUTRAL for w in words):
            unknown.append(" ".join(words))
    if custom and not kinds and unknown and key == "phone":
        kinds = [unknown[0]]
    return Kind(key, tuple(kinds), preferred)


def _words(raw: str) -> list[str]:
    """A label's words, or the label itself when the vocabulary knows it whole (``iPhone``)."""
    plain = " ".join(raw.lower().split())
    if plain in _VOCABULARY:
        return [plain]
    phrase = " ".join(_WORDS.findall(_CAMEL.sub(" ", raw).lower()))
    return [phrase] if phrase in _VOCABULARY else phrase.split()


def address_kind(labels: str | Iterable[str], *, custom: bool = False) -> tuple[str, ...]:
    """The kinds of an address (``home``, ``work``, ``other``...) its label or TYPE values say."""
    return tuple(k for k in kind_of(labels, custom=custom).kinds if k != "postal")


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


@dataclass
class Numbers:
    """The numbers of one contact as they are read, then as card values."""

    found: list[tuple[str, Kind]] = field(default_factory=list)

    def add(self, number: str, kind: Kind) -> None:
        number = " ".join(number.split())
        if number:
            self.found.append((number, kind))

    def values(self) -> dict[str, Any]:
        """``phone`` (preferred, then mobile, then the rest), the other number keys, and
        ``phone_kinds``; a number twice under one key is kept once, with the kinds of both."""
        by_key: dict[str, dict[str, list[Any]]] = {}
        for number, kind in self.found:
            seen = by_key.setdefault(kind.key, {})
            entry = seen.setdefault(number, [len(seen), [], False])
            entry[1] += [k for k in kind.kinds if k not in entry[1]]
            entry[2] = entry[2] or kind.preferred
        out: dict[str, Any] = {}
        kinds: dict[str, list[str]] = {}
        for key in NUMBER_KEYS:
            entries = by_key.get(key)
            if not entries:
                continue

            def rank(number: str, entries: dict[str, list[Any]] = entries) -> tuple[bool, bool, int]:
                preferred, kinds, seen = entries[number][2], entries[number][1], entries[number][0]
                return (not preferred, "mobile" not in kinds, seen)

            order = sorted(entries, key=rank)
            out[key] = order[0] if len(order) == 1 else order
            for number in order:
                for kind in entries[number][1]:
                    if number not in kinds.setdefault(kind, []):
                        kinds[kind].append(number)
        if kinds:
            out["phone_kinds"] = collapsed(kinds)
        return out


def collapsed(kinds: dict[str, list[str]]) -> dict[str, Any]:
    """A kinds map as the card writes it: one value plain, several as a list."""
    return {kind: found[0] if len(found) == 1 else found for kind, found in kinds.items() if found}


def addresses_with_kinds(found: list[tuple[str, tuple[str, ...]]]) -> dict[str, Any]:
    """``address`` (a list when several, each whole) and ``address_kinds`` from (address, kinds)."""
    unique: dict[str, tuple[str, list[str]]] = {}
    for address, kinds in found:
        if not address:
            continue
        text, have = unique.setdefault(fold(address), (address, []))
        have += [k for k in kinds if k not in have]
    if not unique:
        return {}
    texts = [text for text, _ in unique.values()]
    out: dict[str, Any] = {"address": texts[0] if len(texts) == 1 else texts}
    by_kind: dict[str, list[str]] = {}
    for text, found_kinds in unique.values():
        for kind in found_kinds:
            by_kind.setdefault(kind, []).append(text)
    if by_kind:
        out["address_kinds"] = collapsed(by_kind)
    return out


def kinds_of(card_kinds: Any, value: str, same: Callable[[str, str], bool]) -> list[str]:
    """The kinds a card's ``phone_kinds`` (or ``address_kinds``) gives ``value``."""
    if not isinstance(card_kinds, dict):
        return []
    out = []
    for kind, values in card_kinds.items():
        listed = values if isinstance(values, list) else [values]
        if any(v is not None and same(str(v), value) for v in listed):
            out.append(str(kind))
    return out


def same_number(a: str, b: str) -> bool:
    return digits(a) == digits(b) and bool(digits(a))


def same_address(a: str, b: str) -> bool:
    return fold(" ".join(a.split())) == fold(" ".join(b.split()))


def merged_kinds(old: Any, new: dict[str, Any], same: Callable[[str, str], bool]) -> dict[str, Any] | None:
    """A card's kinds map with the ones a new record brings added (None when nothing is new)."""
    base: dict[str, list[str]] = {}
    if isinstance(old, dict):
        for kind, values in old.items():
            base[str(kind)] = [str(v) for v in (values if isinstance(values, list) else [values])]
    changed = False
    for kind, values in new.items():
        have = base.setdefault(kind, [])
        for value in values if isinstance(values, list) else [values]:
            if not any(same(h, str(value)) for h in have):
                have.append(str(value))
                changed = True
    return collapsed(base) if changed else None
