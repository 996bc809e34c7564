"""Who a card is: the keys that say two records are one customer (email, phone in E.164 form),
and whether two cards describe the same customer.

Phones are compared, never rewritten: ``8 (916) 555-66-77`` and ``+7 916 555-66-77`` are one number
when the binder's ``region`` is ``RU`` (in Russia the leading 8 is the national form of +7). The
phonenumbers package does the reading; it is imported only when a phone is compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .names import fold

if TYPE_CHECKING:
    from .card import Card

_NON_DIGITS = re.compile(r"\D+")
MIN_DIGITS = 5  # fewer digits are an extension or a typo, never a customer's number


def items(value: Any) -> list[str]:
    """A field's values as text: each item of a list, or the one value; empty ones left out."""
    found = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in found if v is not None and str(v).strip()]


def email_keys(value: Any) -> set[str]:
    return {fold(v) for v in items(value) if "@" in v}


def phone_keys(value: Any, region: str | None = None) -> set[str]:
    """Each phone's keys: its E.164 form when it can be read as a whole number (a number written
    without the international prefix needs ``region``), and its digits."""
    keys: set[str] = set()
    for text in items(value):
        digits = _NON_DIGITS.sub("", text)
        if len(digits) < MIN_DIGITS:
            continue
        keys.add(digits)
        e164 = e164_of(text, region)
        if e164 is not None:
            keys.add(e164)
    return keys


def e164_of(text: str, region: str | None) -> str | None:
    """``+79165556677`` for ``8 (916) 555-66-77`` with region ``RU``; None when the text is not a
    whole number (a local number without its area code, or no region to read it with)."""
    if not text.lstrip().startswith("+") and region is None:
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


_PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")


def phone_query(query: str, region: str | None) -> tuple[str, str] | None:
    """For a search written like a phone number (digits with spaces, ``+``, ``-``, brackets or
    dots, at least four digits, nothing else): its digits, and the national number it stands
    for when it can be read as a whole number (``8 (916) 555-66-77`` with region ``RU`` is
    ``9165556677``), else "". None for any other query, which is text."""
    text = query.strip()
    digits = _NON_DIGITS.sub("", text)
    if not _PHONE_LIKE.match(text) or len(digits) < 4:
        return None
    e164 = e164_of(text, region) if len(digits) >= MIN_DIGITS else None
    national = ""
    if e164 is not None:
        import phonenumbers

        national = str(phonenumbers.parse(e164).national_number)
    return digits, national


def same_phone(a: str, b: str, region: str | None) -> bool:
    return bool(phone_keys(a, region) & phone_keys(b, region))


def new_items(existing: Any, incoming: Iterable[str], keys_of: Any) -> list[str]:
    """The incoming values that are none of the existing ones (as ``keys_of`` compares them)."""
    known = keys_of(existing)
    fresh = []
    for value in incoming:
        keys = keys_of(value)
        if keys and not keys & known:
            fresh.append(value)
            known |= keys
    return fresh


def name_words(name: str) -> set[str]:
    """The words of a name as compared: folded, initials and single letters left out."""
    return {w for w in re.findall(r"[^\W\d_]+", fold(name)) if len(w) > 1}


def names_agree(one: str, other: str) -> bool:
    """Whether two written names can be one person: they share a word (``Olga`` and ``Olga S.``,
    ``Ольга Смирнова`` and ``Смирнова Ольга Петровна``). Two records with one phone or email but
    names with nothing in common are two people (a shared office line, a reused number)."""
    return bool(name_words(one) & name_words(other))


def fuller_name(old: str, new: str) -> bool:
    """Whether ``new`` says more than ``old`` and loses nothing of it (``Ivan Ivanov`` ->
    ``Ivan I. Ivanov``): only then does an import rename a card."""
    return fold(old) != fold(new) and name_words(old) <= name_words(new) and len(new) > len(old)


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


# --------------------------------------------------------------------------- the binder's country

SAMPLED = 500  # national numbers looked at for a region hint: enough to tell, quick on any binder


class RegionHint(NamedTuple):
    """The country whose national numbers most of a binder's phones are (``check`` proposes it as
    ``region``): how many of the phones looked at read as its numbers, and how many there were."""

    region: str
    national: int
    phones: int
    calling_code: int  # 7 for RU: the +7 the national numbers stand for


def locale_region(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The country a locale names (``ru_RU.UTF-8`` -> ``RU``), from ``LC_ALL``, ``LC_TELEPHONE``
    or ``LANG`` as the C library looks for the telephone category; with the variable as set
    (``LANG=ru_RU.UTF-8``). None for ``C``, ``POSIX`` or a language without a country."""
    for var in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        value = environ.get(var, "").strip()
        if not value:
            continue
        match = _LOCALE.match(value)
        return (match[1].upper(), f"{var}={value}") if match else None
    return None


_LOCALE = re.compile(r"^[A-Za-z]{2,3}_([A-Za-z]{2})(?:[.@]|$)")


def known_region(code: str) -> str | None:
    """``code`` as a region phonenumbers knows (``ru`` -> ``RU``), or None."""
    import phonenumbers

    code = code.strip().upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def region_hint(phones: Iterable[str], current: str | None, prefer: str | None = None) -> RegionHint | None:
    """The country to read the binder's phones with, when most of ``phones`` (digits, after a
    ``+`` when written with one, as the index keeps them) are national numbers of one country
    that ``current`` does not already name: numbers written with that country's trunk prefix
    (8 in Russia, 0 in Germany) that are valid there. A tie goes to the country of the binder's
    international numbers, then to ``prefer`` (the locale's); one left unbroken gives no hint."""
    every = [p for p in phones if len(p.lstrip("+")) >= 6]
    national = [p for p in every if not p.startswith("+")][:SAMPLED]
    international = [p for p in every if p.startswith("+")][:SAMPLED]
    if not national:
        return None
    import phonenumbers
    from phonenumbers import PhoneMetadata

    counts: dict[str, int] = {}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        meta = PhoneMetadata.metadata_for_region(region)
        prefix = meta.national_prefix if meta is not None else None
        if not prefix:
            continue  # (numbers there are written without a trunk prefix: no telling them apart)
        valid = sum(
            1
            for digits in national
            if digits.startswith(prefix)
            and phonenumbers.is_valid_number_for_region(phonenumbers.parse(digits, region), region)
        )
        if valid:
            counts[region] = valid
    abroad: dict[str, int] = {}
    for digits in international:
        try:
            found = phonenumbers.region_code_for_number(phonenumbers.parse(digits))
        except phonenumbers.NumberParseException:
            continue
        if found:
            abroad[found] = abroad.get(found, 0) + 1

    def rank(region: str) -> tuple[int, int, bool]:
        return (-counts[region], -abroad.get(region, 0), region != prefer)

    ranked = sorted(counts, key=lambda r: (rank(r), r))
    if not ranked or (len(ranked) > 1 and rank(ranked[0]) == rank(ranked[1])):
        return None
    best, looked = ranked[0], len(national) + len(international)
    if best == current or counts[best] * 2 <= looked:
        return None  # the region named already, or not most of the phones
    if current is not None and counts.get(current, 0) * 2 > len(national):
        return None  # the region set reads most of the national numbers already
    return RegionHint(best, counts[best], looked, phonenumbers.country_code_for_region(best))
