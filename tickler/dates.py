"""Dates: follow-up values (``next``), month arithmetic, workdays, and the dates people type."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .errors import DateError

_ISO = re.compile(
    r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[ T]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*$"
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, order=True)
class Due:
    """A follow-up: a date, optionally with a time of day."""

    date: dt.date
    time: dt.time | None = None

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


def _why_not(y: int, m: int, d: int) -> str:
    if not 1 <= m <= 12:
        return f"there is no month {m}"
    if y < 1:
        return "year out of range"
    last = calendar.monthrange(y, m)[1]
    return f"{calendar.month_name[m]} {y} has {last} days"


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def window_end(today: dt.date) -> dt.date:
    """First date past the day dividers' window ``[today, add_months(today, 1))``."""
    return add_months(today, 1)


class Workdays:
    """The working week and, optionally, a country's public holidays."""

    def __init__(self, weekdays: tuple[str, ...] = WEEKDAYS[:5], country: str | None = None):
        self.weekday_numbers = frozenset(WEEKDAYS.index(w) for w in weekdays)
        self.country = country
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
                    f"unknown holiday calendar '{self.country}' (use a country code such as DE, RU, US)"
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


def parse_when(text: str, today: dt.date) -> Due:
    """Turn what a person typed for a date into a Due.

    Accepts ISO dates and date-times, ``today`` and ``tomorrow``.
    """
    word = text.strip().lower()
    if word == "today":
        return Due(today)
    if word == "tomorrow":
        return Due(today + dt.timedelta(days=1))
    if not word:
        raise DateError("an empty date; give a date such as 2026-12-05")
    return parse_due(text)
