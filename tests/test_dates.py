"""The WHEN grammar, workdays and holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickler.dates import Due, Workdays, parse_when
from tickler.errors import DateError

MON = dt.date(2026, 11, 23)  # a Monday


def when(text: str, today: dt.date = MON) -> str:
    return str(parse_when(text, today))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", "2026-12-05"),
        ("2026-12-05 15:30", "2026-12-05 15:30"),
        ("2026-12-05T15:30", "2026-12-05 15:30"),
        ("today", "2026-11-23"),
        ("Tomorrow", "2026-11-24"),
        ("tomorrow 9:00", "2026-11-24 09:00"),
        ("+3", "2026-11-26"),
        ("+3d", "2026-11-26"),
        ("+0", "2026-11-23"),
        ("+2w", "2026-12-07"),
        ("+1m", "2026-12-23"),
        ("+12m", "2027-11-23"),
        ("15:30", "2026-11-23 15:30"),
        ("fri", "2026-11-27"),
        ("friday 10:00", "2026-11-27 10:00"),
        ("mon", "2026-11-30"),  # today excluded
        ("next mon", "2026-11-30"),
        ("next fri", "2026-12-04"),  # Friday of next week
        ("5 jul", "2027-07-05"),
        ("jul 5", "2027-07-05"),
        ("5 July 14:00", "2027-07-05 14:00"),
        ("23 nov", "2026-11-23"),  # today included
        ("22 nov", "2027-11-22"),
        ("dec 31", "2026-12-31"),
        ("  2026-12-05  ", "2026-12-05"),
    ],
)
def test_the_grammar(text: str, expected: str) -> None:
    assert when(text) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        ("2026-01-31", "+1m", "2026-02-28"),
        ("2028-01-31", "+1m", "2028-02-29"),
        ("2026-03-31", "+1m", "2026-04-30"),
        ("2026-12-31", "+1m", "2027-01-31"),
        ("2026-12-31", "tomorrow", "2027-01-01"),
        ("2026-12-30", "+1w", "2027-01-06"),
        ("2026-12-31", "jan 1", "2027-01-01"),
        ("2026-12-31", "fri", "2027-01-01"),
        ("2028-02-28", "tomorrow", "2028-02-29"),
        ("2026-02-28", "tomorrow", "2026-03-01"),
        ("2026-11-23", "29 feb", "2028-02-29"),  # the next leap year
        ("2028-02-29", "29 feb", "2028-02-29"),
        ("2028-03-01", "29 feb", "2032-02-29"),
    ],
)
def test_month_ends_leap_years_and_year_change(today: str, text: str, expected: str) -> None:
    assert when(text, dt.date.fromisoformat(today)) == expected


@pytest.mark.parametrize("start", range(7))
def test_weekdays_from_every_weekday(start: int) -> None:
    today = MON + dt.timedelta(days=start)
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    for index, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]):
        day = parse_when(name, today).date
        assert day.weekday() == index
        assert 1 <= (day - today).days <= 7  # the coming one, never today
        following = parse_when(f"next {name}", today).date
        assert following.weekday() == index
        assert next_monday <= following < next_monday + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "an empty date"),
        ("someday", "is not a date"),
        ("2026-02-29", "February 2026 has 28 days"),
        ("2026-13-01", "no month 13"),
        ("31 apr", "April has 30 days at most"),
        ("30 feb", "February has 29 days at most"),
        ("25:00", "impossible time"),
        ("fri 24:30", "impossible time"),
        ("-3", "write days ahead as \\+3"),
        ("+3y", "write days ahead as \\+3"),
        ("next", "is not a date"),
        ("next month", "is not a date"),
        ("05.07.2026", "is not a date"),
    ],
)
def test_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_when(text, MON)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30), st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)))
def test_any_string_gives_a_date_or_a_clear_error(text: str, today: dt.date) -> None:
    try:
        due = parse_when(text, today)
    except DateError as exc:
        assert exc.message
    else:
        assert isinstance(due, Due)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["next", "fri", "5", "jul", "+3", "+2w", "+1m", "15:30", "today", "2026-12-05", "x"]),
        max_size=4,
    ),
    st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
)
def test_near_miss_phrases_never_crash(words: list[str], today: dt.date) -> None:
    try:
        due = parse_when(" ".join(words), today)
    except DateError as exc:
        assert exc.message
    else:
        assert due.date >= today or " ".join(words).startswith("20")


def test_workdays_and_holidays() -> None:
    week = Workdays()
    assert week.is_workday(dt.date(2026, 11, 27)) and not week.is_workday(dt.date(2026, 11, 28))
    assert week.on_or_after(dt.date(2026, 11, 28)) == dt.date(2026, 11, 30)
    german = Workdays(country="DE")
    assert german.holiday_name(dt.date(2026, 12, 25)) is not None
    assert not german.is_workday(dt.date(2026, 12, 25))  # Christmas, a Friday
    assert german.on_or_after(dt.date(2026, 12, 24)) == dt.date(2026, 12, 24)
    assert german.on_or_after(dt.date(2026, 12, 25)) == dt.date(2026, 12, 28)  # 26th too, then Sunday
    six = Workdays(("mon", "tue", "wed", "thu", "fri", "sat"))
    assert six.on_or_after(dt.date(2026, 11, 28)) == dt.date(2026, 11, 28)
    with pytest.raises(DateError, match="unknown holiday calendar"):
        Workdays(country="XX").is_workday(MON)
