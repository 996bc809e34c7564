"""Reading the files people bring: text in whatever encoding their tools wrote it."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import TicklerError


def read_text(path: Path) -> str:
    """A text file's content in the encoding its program wrote: UTF-16 when it starts with that
    byte order mark (Google's older CSV), UTF-8 with or without one, else the Windows code page
    it reads best in: Cyrillic (cp1251, Russian Excel) or Western (cp1252, Outlook)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TicklerError(f"cannot read: {exc.strerror}", path=path) from None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TicklerError("is not a text file (it holds binary data)", path=path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TicklerError("is not readable UTF-16 text", path=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    cyrillic = data.decode("cp1251", errors="replace")
    return cyrillic if _reads_as_russian(cyrillic) else data.decode("cp1252", errors="replace")


def _reads_as_russian(text: str) -> bool:
    """Whether text decoded as cp1251 is Russian rather than Western text read wrong: Russian
    words are Cyrillic throughout, while é or ü read as cp1251 make words that mix alphabets."""
    words = re.findall(r"[^\W\d_]+", text)
    cyrillic = sum(1 for w in words if re.fullmatch(r"[а-яА-ЯёЁ]+", w))
    mixed = sum(1 for w in words if re.search(r"[a-zA-Z]", w) and re.search(r"[а-яА-ЯёЁ]", w))
    return cyrillic > mixed
