"""Blank card forms: the ones tickler ships, the binder's own in ``templates/``, and ``new``, which
fills a form into a customer's card."""

from __future__ import annotations

import datetime as dt
from importlib import resources

from .binder import CONTROL, Binder, Filed
from .card import Card
from .dates import Due
from .errors import CardError, TicklerError, UsageError
from .layout import CARD_SUFFIX, TEMPLATES

FORMS = ("default.md", "call-report.md", "retail-customer.md")


def form_text(name: str) -> str:
    """A blank form shipped with tickler (``default.md``, ``call-report.md``...)."""
    return resources.files("tickler").joinpath("forms", name).read_text(encoding="utf-8")


def template_text(binder: Binder, template: str | None) -> tuple[str, str]:
    """The text of a blank form from ``templates/`` (``default.md`` when none is named), and
    where it came from."""
    name = template or "default"
    if name.endswith(CARD_SUFFIX):
        name = name[: -len(CARD_SUFFIX)]
    if not name or "/" in name or "\\" in name or name.startswith(".") or CONTROL.search(name):
        raise TicklerError(f"'{template}' is not a template name (a file name in templates/)")
    path = binder.root / TEMPLATES / f"{name}{CARD_SUFFIX}"
    rel = binder.rel(path)
    if path.is_symlink() or not path.is_file():
        if template is None:
            return form_text("default.md"), "(built-in default form)"
        available = sorted(p.stem for p in (binder.root / TEMPLATES).glob(f"*{CARD_SUFFIX}"))
        raise TicklerError(
            f"no template '{name}' in templates/ (there are: {', '.join(available) or 'none'})"
        )
    try:
        return path.read_text(encoding="utf-8"), rel
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError(f"cannot read template: {exc}", path=rel) from None


def new_card(
    binder: Binder,
    name: str,
    *,
    due: Due | None,
    today: dt.date,
    template: str | None = None,
    values: dict[str, str] | None = None,
    owner: str | None = None,
) -> Filed:
    """A new card from a form (``form_card``), filed by its date; one commit."""
    card = form_card(binder, name, due=due, today=today, template=template, values=values, owner=owner)
    with binder.changing("tickler new") as tx:
        filed = binder.create(card, today)
        tx.message = f"tickler new: {filed.id}" + (f" -> {card.next}" if card.next else "")
    return filed


def form_card(
    binder: Binder,
    name: str,
    *,
    due: Due | None,
    today: dt.date,
    template: str | None = None,
    values: dict[str, str] | None = None,
    owner: str | None = None,
) -> Card:
    """A customer's card from a form, not yet written: the name, the follow-up, ``values`` typed
    as on a command line (``--set``), and ``owner`` unless the values name one."""
    name = " ".join(name.split())
    if not name:
        raise TicklerError("a card needs a name")
    if CONTROL.search(name):
        raise TicklerError("the name holds control characters")
    values = dict(values or {})
    for key in ("name", "next"):
        if key in values:
            raise UsageError(f"--set {key}=...: give the {key} as {'NAME' if key == 'name' else '--next'}")
    text, source = template_text(binder, template)
    form = Card.parse(text, source=source, validate=False)
    body = form.text[form.fm_end :].replace("{{name}}", name).replace("{{date}}", today.isoformat())
    form = Card.parse(form.text[: form.fm_end] + body, source=source, validate=False)
    card = form.with_field("name", name) if form.fields.get("name") != name else form
    if owner and "owner" not in values and not card.owner:
        values["owner"] = owner
    for key, value in values.items():
        card = card.with_field(key, typed_value(value))
    if due is not None:
        card = card.with_field("next", due)
    elif card.next is not None and "next" not in values:
        card = card.with_field("next", None)  # a template's date belongs to no customer
    return Card.parse(card.text, source=source)


def typed_value(value: str) -> object:
    """A ``--set KEY=VALUE`` value: text as typed, except a ``[a, b]`` list and true/false.

    Numbers stay text on purpose: ``+74951234567`` is a phone, not an integer."""
    text = value.strip()
    if not text:
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.startswith("[") and text.endswith("]"):
        from .card.reader import load_yaml

        try:
            parsed = load_yaml(text)
        except Exception:
            return value
        if isinstance(parsed, list):
            return parsed
    return value
