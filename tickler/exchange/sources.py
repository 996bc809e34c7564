"""Reading the files people bring: text in whatever encoding their tools wrote it."""

from __future__ import annotations

from pathlib import Path

from ..errors import TicklerError


def read_text(path: Path) -> str:
    """A text file's content: UTF-8 (with or without a byte order mark), else Windows Cyrillic
    (cp1251, what Russian Excel writes), else Latin-1."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TicklerError(f"cannot read: {exc.strerror}", path=path) from None
    for encoding in ("utf-8-sig", "cp1251", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TicklerError("is not text", path=path)  # pragma: no cover - latin-1 decodes anything
