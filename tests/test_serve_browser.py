"""``tickler serve`` in a real browser: Debian's Chromium, headless, at a phone's viewport, driven
by Playwright (pointed at that Chromium; no browser is ever downloaded).

A rep opens the link, sees today's cards, taps into one, logs the call with "+3d" and is back on
today without it. A screenshot of each page goes to the folder the test prints (``TICKLER_SCREENSHOTS``
when set: CI keeps it as an artifact). Without Chromium (or Playwright) the tests skip, saying why.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import TICKLER, make_binder, serving, subjects

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (Debian: apt-get install chromium)"),
]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
)


@pytest.fixture
def shots(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    folder = Path(os.environ.get("TICKLER_SCREENSHOTS") or tmp_path / "screenshots") / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():  # type: ignore[union-attr]
        print(f"\nscreenshots: {folder}")


@pytest.fixture
def phone() -> Iterator[Any]:
    """A browser tab as a phone has it: 390 x 844, touch; console errors (a CSP refusal) kept."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            browser.close()


def test_a_call_logged_from_the_phone(tmp_path: Path, phone: Any, shots: Path) -> None:
    expect = sync_api.expect
    root = make_binder(tmp_path / "binder")
    with serving(root) as server:
        phone.goto(server.link)
        expect(phone).to_have_url(f"{server.base}/")  # the token is gone from the address bar
        names = phone.locator(".cards .name")
        expect(names).to_have_text(["Olga Smirnova", "Ivan Ivanov"])  # overdue first, then due
        expect(phone.locator(".card .call").first).to_have_attribute("href", "tel:89165551234")
        phone.screenshot(path=str(shots / "1-today.png"), full_page=True)

        phone.locator(".card .open", has_text="Ivan Ivanov").tap()
        expect(phone.locator("h1")).to_have_text("Ivan Ivanov")
        expect(phone.locator(".call.big")).to_have_attribute("href", "tel:+74951234567")
        expect(phone.locator(".log-entries li").first).to_contain_text("discussed offer 12")
        phone.screenshot(path=str(shots / "2-card.png"), full_page=True)

        phone.get_by_label("What happened").fill("agreed on 178.00 per kg")
        phone.get_by_role("button", name="+3d").tap()
        expect(phone).to_have_url(re.compile(r"/\?said="))
        expect(names).to_have_text(["Olga Smirnova"])  # Ivan is filed under Thursday now
        expect(phone.locator(".said")).to_contain_text(
            "ivan: 2026-11-23 15:30 -> 2026-11-26 15:30 (days/26/)"
        )
        phone.screenshot(path=str(shots / "3-today-after.png"), full_page=True)

        phone.locator(".bar a", has_text="Agenda").tap()
        expect(phone.locator(".agenda li").first).to_contain_text("Mon 23 Nov")
        phone.screenshot(path=str(shots / "4-agenda.png"), full_page=True)

        phone.locator(".bar a", has_text="Find").tap()
        phone.get_by_label("Find").fill("romashka")
        phone.get_by_role("button", name="Find").tap()
        expect(names).to_have_text(["Ivan Ivanov"])
        phone.screenshot(path=str(shots / "5-find.png"), full_page=True)
        assert phone.errors == []  # nothing refused by the page's own security policy
    text = (root / "days/26/ivan.md").read_text()
    assert "- 2026-11-23 14:05 call: agreed on 178.00 per kg. Next: 2026-11-26 15:30\n" in text
    assert subjects(root)[0] == "tickler log: ivan -> 2026-11-26 15:30"


def test_the_pages_fit_a_small_phone(tmp_path: Path, phone: Any, shots: Path) -> None:
    root = make_binder(tmp_path / "binder")
    phone.set_viewport_size({"width": 360, "height": 740})
    with serving(root) as server:
        phone.goto(server.link)
        for path in ("/", "/cards/ivan", "/agenda", "/find?q=a", "/new"):
            phone.goto(server.base + path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width} px wide at 360"
        phone.goto(server.base + "/cards/ivan")
        phone.screenshot(path=str(shots / "card-360.png"), full_page=True)
        assert phone.errors == []
