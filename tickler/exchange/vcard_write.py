"""``export vcard``: every card as a vCard 3.0 for a phone's address book, written by vobject.

What a phone shows comes from the card's keys: FN and N (with name_prefix and name_suffix), ORG
(company and every department), TITLE, ROLE, NICKNAME; each number as TEL with its kinds
(``TYPE=CELL``, ``WORK``, ``HOME``, ``FAX``, ``PAGER``...; a kind vCard has no word for, such as
``other``, as an Apple label); each address as ADR with its kinds; EMAIL, URL, BDAY,
X-ANNIVERSARY, CATEGORIES, IMPP; spouse, manager and assistant as Apple's X-ABRELATEDNAMES with
their labels (Google reads them so too); the notes as NOTE. When the rep has ranked numbers so
that the mobiles are not first, the ones ranked above a mobile are marked PREF, which is how a
reader that puts mobiles first (tickler's own) keeps their order.

The card itself travels along as ``X-TICKLER-CARD`` (its whole text) with tickler's PRODID, so an
``import vcard`` of the file into an empty binder gives the same cards, byte for byte, and its
``UID`` (``ID@tickler``) keeps each card's id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import TicklerError
from .kinds import NUMBER_KEYS, kinds_of, same_address, same_number
from .vcard import TICKLER_PRODID

if TYPE_CHECKING:
    from ..binder import Binder, Filed

# fmt: off
_TYPE_OF_KIND = {
    "mobile": "CELL", "work": "WORK", "home": "HOME", "main": "MAIN", "car": "CAR", "isdn": "ISDN",
    "video": "VIDEO", "text": "TEXT", "callback": "X-EVOLUTION-CALLBACK", "radio": "X-EVOLUTION-RADIO",
}
_TYPE_OF_KEY = {
    "fax": "FAX", "pager": "PAGER", "assistant_phone": "X-EVOLUTION-ASSISTANT", "telex": "X-EVOLUTION-TELEX",
    "tty": "TEXTPHONE",
}
# fmt: on
_ADDRESS_TYPE = {"home": "HOME", "work": "WORK", "postal": "POSTAL"}
_PEOPLE = {"spouse": "Spouse", "manager": "Manager", "assistant": "Assistant"}


def vcard_of(filed: Filed) -> str:
    """One card as a vCard 3.0 for a phone's address book, with the card's text beside it."""
    import vobject

    card = filed.card
    out = vobject.vCard()
    groups = _Groups(out)
    out.add("version").value = "3.0"
    out.add("prodid").value = TICKLER_PRODID
    out.add("uid").value = f"{filed.id}@tickler"
    out.add("fn").value = card.name
    words = card.name.split()
    out.add("n").value = vobject.vcard.Name(
        family=words[-1] if len(words) > 1 else "",
        given=words[0] if words else "",
        additional=" ".join(words[1:-1]),
        prefix=_one(card.get("name_prefix")),
        suffix=_one(card.get("name_suffix")),
    )
    company, departments = _one(card.get("company")), card.values("department")
    if company or departments:
        out.add("org").value = [company, *departments]
    for key in ("title", "role", "nickname"):
        if value := _one(card.get(key)):
            out.add(key).value = value
    for key in NUMBER_KEYS:
        numbers = card.values(key)
        ranked = _ranked_above_a_mobile(card, numbers) if key == "phone" else set()
        for index, number in enumerate(numbers):
            kinds = kinds_of(card.get("phone_kinds"), number, same_number)
            types = [_TYPE_OF_KIND[k] for k in kinds if k in _TYPE_OF_KIND]
            types += [_TYPE_OF_KEY[key]] if key in _TYPE_OF_KEY else []
            types += ["PREF"] if index in ranked else []
            item = out.add("tel")
            item.value = number
            if types:
                item.type_paramlist = types
            if custom := [k for k in kinds if k not in _TYPE_OF_KIND]:
                groups.label(item, custom[0])
    for email in card.values("email"):
        item = out.add("email")
        item.value = email
        item.type_param = "INTERNET"
    for address in card.values("address"):
        item = out.add("adr")
        item.value = vobject.vcard.Address(street=address)
        kinds = kinds_of(card.get("address_kinds"), address, same_address)
        if types := [_ADDRESS_TYPE[k] for k in kinds if k in _ADDRESS_TYPE]:
            item.type_paramlist = types
        if custom := [k for k in kinds if k not in _ADDRESS_TYPE]:
            groups.label(item, custom[0])
    for website in card.values("website"):
        out.add("url").value = website
    for key, prop in (("birthday", "bday"), ("anniversary", "x-anniversary")):
        if day := _one(card.get(key)):
            out.add(prop).value = day
    for handle in card.values("im"):
        out.add("impp").value = handle
    for key, label in _PEOPLE.items():
        for person in card.values(key):
            item = out.add("x-abrelatednames")
            item.value = person
            groups.label(item, label, apple=True)
    if card.tags:
        out.add("categories").value = card.tags
    if card.notes:
        out.add("note").value = card.notes
    out.add("x-tickler-card").value = card.text
    return str(out.serialize())


class _Groups:
    """Apple's item groups: ``item1.TEL:...`` with ``item1.X-ABLabel:_$!<Other>!$_`` beside it."""

    def __init__(self, card: Any):
        self.card, self.count = card, 0

    def label(self, item: Any, kind: str, *, apple: bool = False) -> None:
        self.count += 1
        item.group = f"item{self.count}"
        label = self.card.add("x-ablabel")
        label.group = item.group
        known = apple or kind in ("other", "main", "home", "work", "mobile")
        label.value = f"_$!<{kind[:1].upper()}{kind[1:]}>!$_" if known else kind


def _ranked_above_a_mobile(card: Any, numbers: list[str]) -> set[int]:
    """The places of the numbers the rep put before a mobile that comes after a number that is
    not one: marked PREF, they stay first when a reader puts mobiles first."""
    mobile = ["mobile" in kinds_of(card.get("phone_kinds"), n, same_number) for n in numbers]
    last = max(
        (i for i, is_mobile in enumerate(mobile) if is_mobile and not all(mobile[:i])),
        default=0,
    )
    return set(range(last))


def _one(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v is not None)
    return "" if value is None else str(value).strip()


def export(binder: Binder, owner: str | None) -> tuple[str, list[TicklerError]]:
    """``export vcard``: every card (or one rep's) as a vCard 3.0, by id; and the unreadable cards."""
    from ..query import Owners

    scan = binder.scan()
    cards = Owners(everyone=owner is None, owner=owner).select(binder, sorted(scan.cards, key=lambda f: f.id))
    return "".join(vcard_of(f) for f in cards), scan.problems
