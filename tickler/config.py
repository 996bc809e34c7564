"""Settings from ``tickler.toml``: one table of keys, defaults and checks."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from .dates import WEEKDAYS, Workdays, parse_duration
from .errors import SettingsError, TicklerError
from .layout import SETTINGS_FILE, STATE
from .patterns import Pattern


class Cadence(NamedTuple):
    """Keep in touch: a contact of ``kind`` at least every ``months`` months."""

    kind: str
    months: int

    def __str__(self) -> str:
        return f"{self.kind} every {self.months} month{'s' if self.months != 1 else ''}"


_NO_TABLE: Mapping[str, tuple[Cadence, ...]] = MappingProxyType({})


class CadenceSettings(NamedTuple):
    default: tuple[Cadence, ...] = ()
    tags: Mapping[str, tuple[Cadence, ...]] = _NO_TABLE
    segments: Mapping[str, tuple[Cadence, ...]] = _NO_TABLE


class Loyalty(NamedTuple):
    """The frequent-shopper programme: a point for each ``points_per`` of a purchase, a reward
    (``reward``, what it is) when the points reach ``reward_at``."""

    points_per: float
    reward_at: int
    reward: str = "a reward"


class Settings(NamedTuple):
    """The binder's settings: every key of ``tickler.toml`` with its default (read-only)."""

    owner: str | None = None
    capacity: int = 30
    workdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: str | None = None
    autocommit: bool = True
    lapsed_months: int = 6
    regular_purchases: int = 4
    loyal_years: int = 2
    big_spender: float = 0.0  # 0: the median average purchase across the customer base
    birthday_days: int = 7
    repurchase_reminder: bool = False
    region: str | None = None  # a country code: how phone numbers without +country are read
    reply_within: dt.timedelta = dt.timedelta(hours=10)  # how long a customer's request may wait
    attach_limit: int = 25_000_000  # bytes: the largest file ``attach`` copies into a dossier
    alarm_before: dt.timedelta = dt.timedelta(minutes=10)  # a calendar's alarm before a timed call
    cadence: CadenceSettings = CadenceSettings()
    loyalty: Loyalty | None = None  # off until [loyalty] is set
    attempts: int = 3  # unanswered calls in a row before a card's action becomes email
    unknown: tuple[str, ...] = ()

    def workday_calendar(self) -> Workdays:
        return Workdays(self.workdays, self.holidays, source=SETTINGS_FILE)


_CADENCE = Pattern(
    r"^\s*([^\W\d][\w-]*)\s+every\s+(\d{1,3})?\s*(month|months|week|weeks|year|years)\s*$", re.I
)


def parse_cadence(value: Any) -> tuple[Cadence, ...]:
    """``"letter every 3 months"``, or a list of such; weeks round up to months, a year is 12."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        match = _CADENCE.match(item) if isinstance(item, str) else None
        if not match:
            raise ValueError(f"{item!r} is not a cadence; write it like 'letter every 3 months'")
        count = int(match[2] or 1)
        unit = match[3].lower()
        months = (
            count * 12 if unit.startswith("year") else -(-count // 4) if unit.startswith("week") else count
        )
        if months < 1:
            raise ValueError(f"{item!r}: the period must be at least a month")
        out.append(Cadence(match[1].lower(), months))
    return tuple(out)


def _check_cadence(value: Any) -> CadenceSettings:
    if not isinstance(value, dict):
        raise ValueError('must be a table, e.g. [cadence] default = ["letter every 3 months"]')
    unknown = set(value) - {"default", "tags", "segments"}
    if unknown:
        raise ValueError(f"has unknown keys {sorted(unknown)} (use default, tags, segments)")
    default = parse_cadence(value["default"]) if "default" in value else ()
    tables: dict[str, dict[str, tuple[Cadence, ...]]] = {}
    for key in ("tags", "segments"):
        table = value.get(key, {})
        if not isinstance(table, dict):
            raise ValueError(f'.{key} must be a table, e.g. [cadence.{key}] vip = ["call every 2 months"]')
        tables[key] = {str(k).lower(): parse_cadence(v) for k, v in table.items()}
    return CadenceSettings(default, tables["tags"], tables["segments"])


class _KeyProblem(ValueError):
    """A wrong value of one key inside a table: the message names ``table.key``."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _check_loyalty(value: Any) -> Loyalty:
    if not isinstance(value, dict):
        raise ValueError("must be a table, e.g. [loyalty] points_per = 100, reward_at = 500")
    unknown = set(value) - {"points_per", "reward_at", "reward"}
    if unknown:
        raise ValueError(f"has unknown keys {sorted(unknown)} (use points_per, reward_at, reward)")
    for key, example in (("points_per", "points_per = 100"), ("reward_at", "reward_at = 500")):
        if key not in value:
            raise _KeyProblem(key, f"is missing: the programme needs it, e.g. {example}")
    per = value["points_per"]
    if isinstance(per, bool) or not isinstance(per, int | float) or not math.isfinite(per) or per <= 0:
        raise _KeyProblem("points_per", "must be a positive amount of money per point, e.g. points_per = 100")
    at = value["reward_at"]
    if isinstance(at, bool) or not isinstance(at, int) or at < 1:
        raise _KeyProblem("reward_at", "must be a whole number of points, at least 1, e.g. reward_at = 500")
    reward = value.get("reward", "a reward")
    if not isinstance(reward, str) or not reward.strip() or not reward.isprintable():
        raise _KeyProblem("reward", 'must be a line of text, e.g. reward = "10% voucher"')
    return Loyalty(float(per), at, reward.strip())


def _whole(low: int, example: str, high: int = 1000) -> Any:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}, e.g. {example}")
        return value

    return check


def _check_amount(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < float("inf"):
        raise ValueError("must be an amount, e.g. big_spender = 10000 (0: the median average purchase)")
    return float(value)


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


def _check_region(value: Any) -> str | None:
    if value is None or value is False or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        raise ValueError('must be a two-letter country code, e.g. region = "RU"')
    return value.strip().upper()


def _check_reply_within(value: Any) -> dt.timedelta:
    span = parse_duration(value)
    if span is None or span.seconds % 60:
        raise ValueError('must be a time like "10h", "90m" or "1d 4h"')
    if not dt.timedelta(minutes=1) <= span <= dt.timedelta(days=365):
        raise ValueError("must be between a minute and a year")
    return span


_SIZE = Pattern(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000}
MAX_ATTACH = 1_000_000_000  # attach reads a file whole before writing it: a gigabyte at most


def _check_size(value: Any) -> int:
    """A file size: ``"25 MB"``, ``"500 KB"``, ``"1 GB"`` (powers of 1000, as file managers show
    them), or a whole number of bytes."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        match = _SIZE.match(value) if isinstance(value, str) else None
        if match is None:
            raise ValueError('must be a size like "25 MB", "500 KB" or "1 GB"')
        size = int(float(match[1]) * _UNITS[(match[2] or "b").lower()])
    if not 1_000 <= size <= MAX_ATTACH:
        raise ValueError('must be between 1 KB and 1 GB, e.g. attach_limit = "25 MB"')
    return size


def _check_alarm_before(value: Any) -> dt.timedelta:
    span = parse_duration(value)
    if span is None or span.seconds % 60:
        raise ValueError('must be a time like "10m", "1h" or "0m" (at the time of the call)')
    if span > dt.timedelta(days=7):
        raise ValueError("must be a week at most")
    return span


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
    "lapsed_months": _whole(1, "lapsed_months = 6"),
    "regular_purchases": _whole(1, "regular_purchases = 4"),
    "loyal_years": _whole(1, "loyal_years = 2"),
    "big_spender": _check_amount,
    "birthday_days": _whole(0, "birthday_days = 7", high=366),
    "repurchase_reminder": _check_autocommit,
    "region": _check_region,
    "reply_within": _check_reply_within,
    "attach_limit": _check_size,
    "alarm_before": _check_alarm_before,
    "cadence": _check_cadence,
    "loyalty": _check_loyalty,
    "attempts": _whole(1, "attempts = 3"),
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
    data = _parsed(root, raw, path)
    values: dict[str, Any] = {}
    for key, check in CHECKS.items():
        if key in data:
            try:
                values[key] = check(data[key])
            except _KeyProblem as exc:
                raise SettingsError(f"'{key}.{exc.key}' {exc}", path=path) from None
            except ValueError as exc:
                raise SettingsError(f"'{key}' {exc}", path=path) from None
    unknown = tuple(sorted(k for k in data if k not in CHECKS))
    return Settings(**values, unknown=unknown)


def _parsed(root: Path, raw: bytes, path: Path) -> dict[str, Any]:
    """The TOML of the settings file. What tickler last read of it is kept in ``.tickler/`` with
    the exact bytes it was read from, so that a command whose settings did not change need not
    load the TOML parser; any change to the file reads it again."""
    import marshal

    kept = root / STATE / "settings.v1"
    linked = kept.parent.is_symlink()  # never read or written through a link
    try:
        was_raw, was_data = marshal.loads(b"" if linked else kept.read_bytes())  # noqa: S302 - plain data
        if was_raw == raw and isinstance(was_data, dict):
            return was_data
    except (OSError, ValueError, EOFError, TypeError):
        pass
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))  # (Notepad starts a file with a byte-order mark)
    except UnicodeDecodeError:
        raise SettingsError("settings are not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"not valid TOML: {exc}", path=path) from None
    try:
        from .fsutil import atomic_write

        if not linked:
            kept.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(kept, marshal.dumps((raw, data)), durable=False)
    except (OSError, ValueError, TicklerError):
        pass  # a value marshal cannot keep (a TOML date), or nowhere to keep it: parse each time
    return data


DEFAULT_SETTINGS_TEXT = """\
# tickler settings. Every key is optional; the values below are the defaults.

# owner = "anna"            # who you are in a shared binder (else TICKLER_OWNER, else git user.email)
capacity = 30               # cards you can handle in a day
workdays = ["mon", "tue", "wed", "thu", "fri"]
# holidays = "DE"           # a country code: rolling skips its public holidays
# region = "RU"             # a country code: how phone numbers written without +7, +49... are read
# reply_within = "10h"      # how long a customer's request may wait for an answer
# attempts = 3              # unanswered calls in a row (log --no-answer) before action becomes email
# attach_limit = "25 MB"    # the largest file 'tickler attach' copies into a card's files/
# alarm_before = "10m"      # calendars (export ics --alarm, serve's feed) ring this long before a timed call
autocommit = true           # commit every change when the binder is a git repository

# Knowing your customers (tickler report ...):
# lapsed_months = 6         # no purchase for this long: lapsed
# regular_purchases = 4     # purchases in the last 12 months that make a regular
# loyal_years = 2           # a regular buying for this many years is a loyal regular
# big_spender = 0           # average purchase of a big spender (0: the median across customers)
# birthday_days = 7         # today shows birthdays this many days ahead
# repurchase_reminder = false  # file one-time buyers for a call when a second purchase is due

# Keep in touch (tickler roll files cards when a contact is due); off until set:
# [cadence]
# default = ["letter every 3 months", "call every 6 months"]
# [cadence.tags]
# vip = ["call every 2 months"]

# The frequent-shopper programme (tickler report loyalty); off until set:
# [loyalty]
# points_per = 100          # purchase amount per point
# reward_at = 500           # points that earn a reward
# reward = "10% voucher"    # what the reward is
"""


def current_user(settings: Settings, root: Path) -> str | None:
    """Who is working: ``TICKLER_OWNER``, else ``owner`` in settings, else git's ``user.email``."""
    import os

    env = os.environ.get("TICKLER_OWNER", "").strip()
    if env:
        return env
    if settings.owner:
        return settings.owner
    return git_email(root)


def git_email(root: Path) -> str | None:
    """git's ``user.email`` for the binder, or None."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "config", "user.email"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    email = done.stdout.strip()
    return email or None


def owner_of_new_cards(settings: Settings) -> str | None:
    """The owner a new card is given: ``TICKLER_OWNER``, else ``owner`` in settings (never git's
    email: a card names a rep as the team knows them)."""
    import os

    return os.environ.get("TICKLER_OWNER", "").strip() or settings.owner


def owner_matches(card_owner: str | None, user: str | None) -> bool:
    """Whether a card belongs to ``user``: the same name, or the name is the email's local part
    (``anna`` is ``anna@firm.example``), compared without case."""
    if card_owner is None or user is None:
        return False
    a, b = card_owner.strip().casefold(), user.strip().casefold()
    return a == b or a == b.split("@")[0] or b == a.split("@")[0]
