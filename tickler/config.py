"""Settings from ``tickler.toml``: one table of keys, defaults and checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dates import WEEKDAYS, Workdays
from .errors import SettingsError

SETTINGS_FILE = "tickler.toml"


@dataclass(frozen=True)
class Settings:
    owner: str | None = None
    capacity: int = 30
    workdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: str | None = None
    autocommit: bool = True
    unknown: tuple[str, ...] = field(default=(), compare=False)

    def workday_calendar(self) -> Workdays:
        return Workdays(self.workdays, self.holidays)


def _check_owner(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return value.strip() if isinstance(value, str) else None
    raise ValueError('must be a name or an email, e.g. owner = "anna"')


def _check_capacity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a whole number of cards a day, at least 1, e.g. capacity = 30")
    return value


def _check_workdays(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError('must be a list of days, e.g. workdays = ["mon", "tue", "wed", "thu", "fri"]')
    days = tuple(v.strip().lower()[:3] for v in value)
    bad = [v for v, d in zip(value, days, strict=True) if d not in WEEKDAYS]
    if bad:
        raise ValueError(f"{', '.join(map(repr, bad))} is not a weekday (use mon, tue, ... sun)")
    if not days:
        raise ValueError("must name at least one working day")
    return days


def _check_holidays(value: Any) -> str | None:
    if value is None or value is False:
        return None
    if isinstance(value, str) and value.strip():
        return value.strip().upper()
    raise ValueError('must be a country code, e.g. holidays = "DE"')


def _check_autocommit(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


CHECKS = {
    "owner": _check_owner,
    "capacity": _check_capacity,
    "workdays": _check_workdays,
    "holidays": _check_holidays,
    "autocommit": _check_autocommit,
}


def load_settings(root: Path) -> Settings:
    """Read the binder's settings; a missing file means every default."""
    path = root / SETTINGS_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise SettingsError(f"cannot read settings: {exc.strerror}", path=path) from exc
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingsError("settings are not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"not valid TOML: {exc}", path=path) from None
    values: dict[str, Any] = {}
    for key, check in CHECKS.items():
        if key in data:
            try:
                values[key] = check(data[key])
            except ValueError as exc:
                raise SettingsError(f"'{key}' {exc}", path=path) from None
    unknown = tuple(sorted(k for k in data if k not in CHECKS))
    return Settings(**values, unknown=unknown)


DEFAULT_SETTINGS_TEXT = """\
# tickler settings. Every key is optional; the values below are the defaults.

# owner = "anna"            # who you are in a shared binder (else TICKLER_OWNER, else git user.email)
capacity = 30               # cards you can handle in a day
workdays = ["mon", "tue", "wed", "thu", "fri"]
# holidays = "DE"           # a country code: rolling skips its public holidays
autocommit = true           # commit every change when the binder is a git repository
"""


def current_user(settings: Settings, root: Path) -> str | None:
    """Who is working: ``TICKLER_OWNER``, else ``owner`` in settings, else git's ``user.email``."""
    import os

    env = os.environ.get("TICKLER_OWNER", "").strip()
    if env:
        return env
    if settings.owner:
        return settings.owner
    import subprocess

    try:
        done = subprocess.run(
            ["git", "config", "user.email"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    email = done.stdout.strip()
    return email or None


def owner_matches(card_owner: str | None, user: str | None) -> bool:
    """Whether a card belongs to ``user``: the same name, or the name is the email's local part
    (``anna`` is ``anna@firm.example``), compared without case."""
    if card_owner is None or user is None:
        return False
    a, b = card_owner.strip().casefold(), user.strip().casefold()
    return a == b or a == b.split("@")[0] or b == a.split("@")[0]
