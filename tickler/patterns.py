"""Regular expressions compiled the first time they are used, so that a command pays only for the
ones it runs (``tickler today`` runs few of the many tickler knows)."""

from __future__ import annotations

import re
from typing import Any


class Pattern:
    """``re.compile(pattern, flags)``, done on first use; otherwise used like the compiled one."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return self._compiled

    def match(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return self._get().match(string, pos)

    def fullmatch(self, string: str) -> re.Match[str] | None:
        return self._get().fullmatch(string)

    def search(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return self._get().search(string, pos)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self._get().sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self._get().split(string, maxsplit)

    def findall(self, string: str) -> list[Any]:
        return self._get().findall(string)
