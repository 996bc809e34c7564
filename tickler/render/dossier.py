"""A card's dossier as a card's page shows it (``show``): its files with their sizes, the count
of kept messages, and the subjects of the last messages."""

from __future__ import annotations

from ..dossier import IN, OUT, Dossier, size_text
from ..layout import MAIL, files_folder
from . import Style, printable, table


def direction_of(text: str) -> tuple[str, str]:
    """An email entry's text as (direction, subject): ``in: Re: offer`` is ("in", "Re: offer"); an
    entry written by hand (``sent the catalogue``) has no direction."""
    word, sep, rest = text.partition(": ")
    return (word, rest) if sep and word in (IN, OUT) else ("", text)


def lines(dossier: Dossier, card_id: str, style: Style) -> list[str]:
    """The dossier's lines, none when it holds nothing."""
    out: list[str] = []
    base = files_folder(card_id) + "/"
    documents = [f for f in dossier.files if not f.rel[len(base) :].startswith(MAIL + "/")]
    if documents or dossier.mail:
        out.append(style.paint(f"Files ({base}):", "1"))
        rows = [[f.rel[len(base) :], size_text(f.size)] for f in documents]
        if dossier.mail:
            rows.append([f"{MAIL}/", f"{dossier.mail} message{'s' if dossier.mail != 1 else ''}"])
        out += table(rows, style)
    if dossier.messages:
        out.append(style.paint("Last messages:", "1"))
        rows = []
        for entry in dossier.messages:
            when = entry.date.isoformat() + (f" {entry.time:%H:%M}" if entry.time else "")
            direction, subject = direction_of(entry.text)
            rows.append([when, direction, printable(subject)])
        out += table(rows, style)
    return out
