"""One error hierarchy: every class carries the exit code the CLI returns for it."""

from __future__ import annotations

from pathlib import Path


class TicklerError(Exception):
    """An error the user can act on. The CLI prints ``tickler: error: <message>``."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return where + self.message


class UsageError(TicklerError):
    """A malformed argument: exit code 2, like a usage error from the parser."""

    exit_code = 2


class BinderNotFound(TicklerError):
    pass


class CardError(TicklerError):
    """A card file that cannot be read or understood."""


class CardNotFound(TicklerError):
    pass


class AmbiguousCard(TicklerError):
    def __init__(self, ref: str, candidates: list[str]):
        listing = "\n".join(f"  {c}" for c in candidates)
        super().__init__(f"'{ref}' matches {len(candidates)} cards:\n{listing}")
        self.candidates = candidates


class DateError(TicklerError):
    """A date or time the user typed that does not exist or cannot be read."""


class SettingsError(TicklerError):
    pass


class LockBusy(TicklerError):
    pass
