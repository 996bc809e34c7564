"""Calendars that ring: ``serve``'s feed and ``export ics --alarm``, read back with the icalendar
package as a phone's calendar reads them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar
from serving import TICKLER, TOKEN, make_binder, serving

from tickler.setup import init_binder


def events(data: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


@pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")
def test_the_feed_rings_before_a_timed_call_and_says_nothing_of_the_notes(tmp_path: Path) -> None:
    root = make_binder(tmp_path / "binder")
    with serving(root) as server:
        assert server.calendar_link == f"{server.base}/calendar.ics?token={TOKEN}"
        with server.client(bearer=False) as calendar_app:  # no cookie, no redirect to follow
            mine = calendar_app.get(f"/calendar.ics?token={TOKEN}")
            everyone = calendar_app.get(f"/calendar.ics?token={TOKEN}&all=1")
            settings = root / "tickler.toml"
            settings.write_text(settings.read_text() + 'alarm_before = "1h 30m"\n')
            later = calendar_app.get(f"/calendar.ics?token={TOKEN}")
    assert mine.status_code == 200 and mine.headers["content-type"] == "text/calendar; charset=utf-8"
    found = events(mine.content)
    assert sorted(found) == ["ivan@tickler", "maria@tickler", "olga@tickler"]  # anna's: not boris's
    assert sorted(events(everyone.content)) == [
        "boris-card@tickler",
        "ivan@tickler",
        "maria@tickler",
        "olga@tickler",
    ]
    ivan = found["ivan@tickler"]
    assert ivan["dtstart"].dt == dt.datetime(2026, 11, 23, 15, 30)  # type: ignore[index]
    assert ivan["dtend"].dt == dt.datetime(2026, 11, 23, 16, 0)  # type: ignore[index]
    assert str(ivan["summary"]) == "call: Ivan Ivanov"  # type: ignore[index]
    assert str(ivan["description"]) == "phone: +7 495 123-45-67\ncompany: Romashka LLC"  # type: ignore[index]
    (alarm,) = ivan.walk("VALARM")  # type: ignore[attr-defined]
    assert alarm["trigger"].dt == -dt.timedelta(minutes=10)
    assert str(alarm["action"]) == "DISPLAY" and str(alarm["description"]) == "call: Ivan Ivanov"
    olga = found["olga@tickler"]
    assert olga["dtstart"].dt == dt.date(2026, 11, 20)  # type: ignore[index]
    assert olga.walk("VALARM") == []  # type: ignore[attr-defined]  # a day without a time rings no moment
    text = mine.content.decode()
    for said_only_in_the_card in ("packaging film", "offer 12", "price list", "order 4411", "b2b"):
        assert said_only_in_the_card not in text
    (alarm,) = events(later.content)["ivan@tickler"].walk("VALARM")  # type: ignore[attr-defined]
    assert alarm["trigger"].dt == -dt.timedelta(hours=1, minutes=30)


def test_export_ics_alarm_rings_alarm_before(run, binder: Path) -> None:  # type: ignore[no-untyped-def]
    run("new", "Ivan Ivanov", "--next", "2026-11-25 15:30", "--set", "phone=+7 495 123-45-67")
    run("new", "Olga Smirnova", "--next", "2026-11-26")
    run("log", "ivan", "sent the offer")
    plain = events(run("export", "ics").stdout.encode())
    assert all(e.walk("VALARM") == [] for e in plain.values())  # type: ignore[attr-defined]
    ringing = events(run("export", "ics", "--alarm").stdout.encode())
    assert sorted(ringing) == ["ivan-ivanov@tickler", "olga-smirnova@tickler"]
    (alarm,) = ringing["ivan-ivanov@tickler"].walk("VALARM")  # type: ignore[attr-defined]
    assert alarm["trigger"].dt == -dt.timedelta(minutes=10)
    assert ringing["olga-smirnova@tickler"].walk("VALARM") == []  # type: ignore[attr-defined]
    # export's own description keeps the last Log entry, as before
    assert "last: 2026-11-23 call: sent the offer" in str(ringing["ivan-ivanov@tickler"]["description"])  # type: ignore[index]
    settings = binder / "tickler.toml"
    settings.write_text(settings.read_text() + 'alarm_before = "0m"\n')
    (alarm,) = events(run("export", "ics", "--alarm").stdout.encode())["ivan-ivanov@tickler"].walk("VALARM")  # type: ignore[attr-defined]
    assert alarm["trigger"].dt == dt.timedelta(0)


@pytest.mark.parametrize("value", ['"soon"', "10", '"10s"', '"8d"', "true"])
def test_a_bad_alarm_before_names_the_file_and_the_key(run, binder: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    settings = binder / "tickler.toml"
    settings.write_text(settings.read_text() + f"alarm_before = {value}\n")
    before = settings.read_bytes()
    result = run("export", "ics", "--alarm")
    assert result.exit_code == 1
    assert f"{settings}: 'alarm_before' must be" in result.stderr
    assert settings.read_bytes() == before


def test_alarm_before_defaults_to_ten_minutes(tmp_path: Path) -> None:
    from tickler.config import load_settings

    root = tmp_path / "b"
    init_binder(root, git=False)
    assert load_settings(root).alarm_before == dt.timedelta(minutes=10)
