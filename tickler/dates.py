"""Dates: follow-up values (``next``), month arithmetic, workdays, and the dates people type."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

from .errors import DateError, TicklerError
from .patterns import Pattern
from .texts import WHEN_HELP

_ISO = Pattern(
    r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[ Tt]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*$"
)
_BIRTHDAY = Pattern(r"\s*(?:(\d{4})|-)-(\d{2})-(\d{2})\s*")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Due(NamedTuple):
    """A follow-up: a date, optionally with a time of day."""

    date: dt.date
    time: dt.time | None = None

    @property
    def sort_key(self) -> tuple[dt.date, int, dt.time]:
        """Date order; within a day, appointments by time, then the cards with no time."""
        return (self.date, 0, self.time) if self.time else (self.date, 1, dt.time.min)

    def __str__(self) -> str:
        if self.time is None:
            return self.date.isoformat()
        fmt = "%H:%M" if self.time.second == 0 else "%H:%M:%S"
        return f"{self.date.isoformat()} {self.time.strftime(fmt)}"

    def iso(self) -> str:
        """ISO 8601 for JSON: a date, or a date-time without seconds when they are zero."""
        if self.time is None:
            return self.date.isoformat()
        fmt = "%H:%M" if self.time.second == 0 else "%H:%M:%S"
        return f"{self.date.isoformat()}T{self.time.strftime(fmt)}"

    def with_date(self, day: dt.date) -> Due:
        return Due(day, self.time)


def parse_due(text: str) -> Due:
    """Read ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM[:SS]``; raise DateError naming what is wrong."""
    match = _ISO.match(text)
    if not match:
        raise DateError(f"'{text}' is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)")
    y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
    try:
        day = dt.date(y, m, d)
    except ValueError:
        raise DateError(f"'{text.strip()}' is not a real date: {_why_not(y, m, d)}") from None
    if match["H"] is None:
        return Due(day)
    hh, mm, ss = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if hh > 23 or mm > 59 or ss > 59:
        raise DateError(f"'{text.strip()}' has an impossible time of day")
    return Due(day, dt.time(hh, mm, ss))


def parse_birthday(value: object) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a real ``birthday`` (``1971-03-14`` or ``--03-14``), else None."""
    if not isinstance(value, str):
        return None
    match = _BIRTHDAY.fullmatch(value)
    if not match:
        return None
    year, month, day = (int(match[1]) if match[1] else None), int(match[2]), int(match[3])
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: --02-29 is a birthday
    except ValueError:
        return None
    return year, month, day


def _why_not(y: int, m: int, d: int) -> str:
    if not 1 <= m <= 12:
        return f"there is no month {m}"
    if y < 1:
        return "year out of range"
    return f"{MONTH_NAMES[m - 1]} {y} has {days_in_month(y, m)} days"


CALENDAR_END = "the calendar ends on 9999-12-31"
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@lru_cache(maxsize=4096)  # a report asks it of each customer's few dates, the same ones over and over
def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise DateError(f"{months:+d} months from {day.isoformat()} is out of range: {CALENDAR_END}")
    last = days_in_month(year, month)
    return dt.date(year, month, min(day.day, last))


def window_end(today: dt.date) -> dt.date:
    """First date past the day dividers' window ``[today, add_months(today, 1))``."""
    return add_months(today, 1)


class Clock(NamedTuple):
    """Today's date and, unless the clock is pinned to a date, the time of day."""

    today: dt.date
    now: dt.time | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Clock:
        """The real clock, or the one ``TICKLER_TODAY`` pins (``YYYY-MM-DD`` or with ``HH:MM``)."""
        env = os.environ if environ is None else environ
        pinned = env.get("TICKLER_TODAY", "").strip()
        if pinned:
            try:
                due = parse_due(pinned)
            except TicklerError as exc:
                raise TicklerError(f"TICKLER_TODAY: {exc.message}") from None
            return cls(due.date, due.time)
        now = dt.datetime.now()
        return cls(now.date(), now.time().replace(second=0, microsecond=0))

    @property
    def moment(self) -> dt.datetime:
        """Today at the time of day (midnight when the clock is pinned to a date)."""
        return dt.datetime.combine(self.today, self.now or dt.time(0, 0))


class Workdays:
    """The working week and, optionally, a country's public holidays."""

    def __init__(
        self,
        weekdays: tuple[str, ...] = WEEKDAYS[:5],
        country: str | None = None,
        *,
        source: str | None = None,
    ):
        self.weekday_numbers = frozenset(WEEKDAYS.index(w) for w in weekdays)
        self.country = country
        self.source = source  # the settings file that named the country, for the message
        self._holidays: object | None = None

    def _holiday_calendar(self) -> object | None:
        if self.country is None:
            return None
        if self._holidays is None:
            import holidays  # lazy: only binders that name a country pay for it

            try:
                self._holidays = holidays.country_holidays(self.country)
            except NotImplementedError:
                raise DateError(
                    f"'holidays' names an unknown holiday calendar '{self.country}' "
                    "(use a country code such as DE, RU, US)",
                    path=self.source,
                ) from None
        return self._holidays

    def holiday_name(self, day: dt.date) -> str | None:
        cal = self._holiday_calendar()
        if cal is None:
            return None
        name = cal.get(day)  # type: ignore[attr-defined]
        return str(name) if name else None

    def is_workday(self, day: dt.date) -> bool:
        return day.weekday() in self.weekday_numbers and self.holiday_name(day) is None

    def on_or_after(self, day: dt.date) -> dt.date:
        """The first workday on or after ``day``."""
        if not self.weekday_numbers:
            return day
        for _ in range(366 * 2):
            if self.is_workday(day):
                return day
            day += dt.timedelta(days=1)
        return day


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_TIME = Pattern(r"^(?P<H>\d{1,2}):(?P<M>\d{2})$")
_OFFSET = Pattern(r"^\+(?P<n>\d+)(?P<unit>[dwm]?)$")
_DAY_MONTH = Pattern(r"^(?P<d>\d{1,2})\.? ?(?P<mon>[a-z]+)\.?$|^(?P<mon2>[a-z]+)\.? ?(?P<d2>\d{1,2})$")


def parse_when(text: str, today: dt.date) -> Due:
    """Turn what a person typed for a date into a Due; DateError says what was wrong.

    The grammar is small and closed on purpose: a typo must be an error, never a surprising date.
    """
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise DateError(f"an empty date; use {WHEN_HELP}")
    if _ISO.match(raw):
        return parse_due(raw)
    words = raw.split(" ")
    time: dt.time | None = None
    if len(words) > 1 and _TIME.match(words[-1]):
        time = _parse_time(words[-1], text)
        words = words[:-1]
    elif len(words) == 1 and _TIME.match(words[0]):
        return Due(today, _parse_time(words[0], text))
    day = _parse_day(" ".join(words), today, text)
    return Due(day, time)


def parse_when_named(text: str, today: dt.date, what: str) -> Due:
    """``parse_when`` for a value given as ``what`` (``--next``, a form's ``next`` field): the
    error names it, the same message in every face."""
    try:
        return parse_when(text, today)
    except TicklerError as exc:
        raise DateError(f"{what}: {exc.message}") from None


_DURATION = Pattern(
    r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$", re.IGNORECASE
)


def parse_duration(text: object) -> dt.timedelta | None:
    """A span of time as people write it in settings and options: ``10h``, ``90m``, ``1d 4h``,
    ``30s``; None when ``text`` is not one."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _parse_time(word: str, text: str) -> dt.time:
    match = _TIME.match(word)
    assert match is not None
    hh, mm = int(match["H"]), int(match["M"])
    if hh > 23 or mm > 59:
        raise DateError(f"'{text.strip()}' has an impossible time of day")
    return dt.time(hh, mm)


def _parse_day(phrase: str, today: dt.date, text: str) -> dt.date:
    if phrase == "today":
        return today
    if phrase == "tomorrow":
        return today + dt.timedelta(days=1)
    offset = _OFFSET.match(phrase)
    if offset:
        n, unit = int(offset["n"]), offset["unit"] or "d"
        try:
            if unit == "m":
                return add_months(today, n)
            return today + dt.timedelta(days=n * (7 if unit == "w" else 1))
        except (ValueError, OverflowError, DateError):
            raise DateError(f"'{text.strip()}' is out of range: {CALENDAR_END}") from None
    words = phrase.split(" ")
    if len(words) == 2 and words[0] == "next" and words[1] in _DAY_NAMES:
        # 'next fri': that day in next calendar week (Monday to Sunday).
        next_monday = today + dt.timedelta(days=7 - today.weekday())
        return next_monday + dt.timedelta(days=_DAY_NAMES[words[1]])
    if phrase in _DAY_NAMES:
        # 'fri': the coming Friday, today excluded.
        ahead = (_DAY_NAMES[phrase] - today.weekday() - 1) % 7 + 1
        return today + dt.timedelta(days=ahead)
    match = _DAY_MONTH.match(phrase)
    if match:
        day_text = match["d"] or match["d2"]
        month_text = match["mon"] or match["mon2"]
        if month_text in _MONTHS:
            return _next_day_month(int(day_text), _MONTHS[month_text], today, text)
    if phrase.startswith(("-", "+")) or phrase.lstrip("-+").isdigit():
        raise DateError(f"'{text.strip()}': write days ahead as +3, +3d, +2w or +1m")
    raise DateError(f"'{text.strip()}' is not a date; use {WHEN_HELP}")


def _next_day_month(day: int, month: int, today: dt.date, text: str) -> dt.date:
    """The next date with this day and month, today included (29 Feb: the next leap year)."""
    for year in range(today.year, today.year + 9):
        if day > days_in_month(year, month):
            continue
        candidate = dt.date(year, month, day)
        if candidate >= today:
            return candidate
    last = max(days_in_month(y, month) for y in (2024, 2025))
    raise DateError(f"'{text.strip()}' is not a real date: {MONTH_NAMES[month - 1]} has {last} days at most")
