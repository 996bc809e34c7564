"""The filing rule: every day of a year, month ends, leap years, the window property."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickler.dates import Due, add_months
from tickler.layout import location_for


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-12-31", 1, "2027-01-31"),
        ("2026-12-15", 2, "2027-02-15"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2026-05-31", -3, "2026-02-28"),
    ],
)
def test_add_months_clamps_to_the_last_day(day: str, months: int, expected: str) -> None:
    assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


def _every_day(year: int) -> list[dt.date]:
    start = dt.date(year, 1, 1)
    return [start + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - start).days)]


@pytest.mark.parametrize("year", [2026, 2028])  # a common and a leap year
def test_each_day_divider_holds_one_date_for_every_today_of_the_year(year: int) -> None:
    for today in _every_day(year):
        folders: dict[str, dt.date] = {}
        # every date from 40 days back to 400 days ahead
        for offset in range(-40, 400):
            day = today + dt.timedelta(days=offset)
            folder = location_for(Due(day), today)
            if day < today:
                assert folder == f"days/{day.day:02d}", (today, day)  # overdue stays in its day
                continue
            if day < add_months(today, 1):
                assert folder == f"days/{day.day:02d}", (today, day)
                assert folders.setdefault(folder, day) == day, f"{folder} holds two dates on {today}"
            else:
                assert folder == f"months/{day.month:02d}", (today, day)


@pytest.mark.parametrize(
    ("today", "due", "folder"),
    [
        ("2026-01-31", "2026-02-27", "days/27"),
        ("2026-01-31", "2026-02-28", "months/02"),  # Feb 28 = add_months(Jan 31): month divider
        ("2028-01-31", "2028-02-28", "days/28"),
        ("2028-01-31", "2028-02-29", "months/02"),
        ("2026-02-28", "2026-03-27", "days/27"),
        ("2026-02-28", "2026-03-28", "months/03"),
        ("2026-12-31", "2027-01-30", "days/30"),
        ("2026-12-31", "2027-01-31", "months/01"),
        ("2026-12-31", "2027-12-31", "months/12"),
        ("2026-11-23", "2026-11-23", "days/23"),
        ("2026-11-23", "2026-12-22", "days/22"),
        ("2026-11-23", "2026-12-23", "months/12"),
        ("2026-11-23", "2025-11-30", "days/30"),  # a year overdue: still its day
    ],
)
def test_location_at_month_ends(today: str, due: str, folder: str) -> None:
    assert location_for(Due(dt.date.fromisoformat(due)), dt.date.fromisoformat(today)) == folder


def test_no_follow_up_goes_to_the_card_index() -> None:
    assert location_for(None, dt.date(2026, 11, 23)) == "cards"


def test_time_of_day_does_not_change_the_folder() -> None:
    today = dt.date(2026, 11, 23)
    assert location_for(Due(dt.date(2026, 12, 5), dt.time(15, 30)), today) == "days/05"


@given(
    today=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
    offset=st.integers(-2000, 2000),
)
def test_filing_rule_property(today: dt.date, offset: int) -> None:
    due = today + dt.timedelta(days=offset)
    folder = location_for(Due(due), today)
    kind, number = folder.split("/")
    if kind == "days":
        assert int(number) == due.day and due < add_months(today, 1)
    else:
        assert kind == "months" and int(number) == due.month and due >= add_months(today, 1)
