"""End to end in headless Chromium (Debian's `chromium`, driven through Playwright): open members,
follow a foreign key to countries, run a canned query and have a bad date refused; then the home
page, a wide table, a row and a query page at desk and phone width, measured and photographed
(SCO_DATA_SCREENSHOTS names a folder to keep the screenshots in). Skipped, with the
reason, only where chromium or Playwright is missing and this is not CI; under CI it fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _need(what: str, ok: bool) -> None:
    if ok:
        return
    message = f"{what} is missing (apt-get install chromium; pip install '.[test]')"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must run the browser test")
    pytest.skip(message)


WIDTHS = {"desk": (1280, 800), "phone": (390, 844)}


def _browser(p, tmp_path, width: int, height: int):
    return p.chromium.launch_persistent_context(
        str(tmp_path / f"profile-{width}"), executable_path=CHROMIUM, headless=True, args=ARGS,
        viewport={"width": width, "height": height})


def _shots(tmp_path) -> Path:
    shots = Path(os.environ.get("SCO_DATA_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def _no_sideways_page(page) -> None:
    """Wide tables scroll inside their frame; the page itself never runs off the right edge."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1, page.url


def _playwright():
    _need("Debian's chromium", CHROMIUM is not None)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the playwright package", False)
    return sync_playwright


def test_members_to_countries_then_a_canned_query(served, tmp_path):
    sync_playwright = _playwright()
    shots = _shots(tmp_path)
    base = served["base"]
    with sync_playwright() as p:
        browser = _browser(p, tmp_path, 1280, 800)
        try:
            page = browser.new_page()
            page.goto(f"{base}/sco/members")
            assert page.locator("h1").inner_text().strip() == "Members"
            assert "Creative Commons Attribution 4.0" in page.content()
            page.screenshot(path=str(shots / "members.png"))
            # the member's row, then the foreign key from its iso3 to countries
            page.click("td.col-iso3 a[href$='/sco/members/CHN']")
            page.wait_for_url("**/sco/members/CHN")
            page.click("a[href$='/sco/countries/CHN']")
            page.wait_for_url("**/sco/countries/CHN")
            assert "China" in page.locator("table").inner_text()
            page.screenshot(path=str(shots / "country.png"))
            # a canned query from the home page, with its parameter typed into the form
            page.goto(f"{base}/")
            page.click("text=The status of every state on a chosen date")
            page.fill("input[name=date]", "2008-08-28")
            page.click("input[type=submit]")
            page.wait_for_url("**date=2008-08-28**")
            assert page.locator("h1").inner_text().strip() == "SCO status of every state on 28 August 2008"
            row = page.locator("tr", has=page.locator("td", has_text="Russia"))
            assert "member" in row.inner_text()
            page.screenshot(path=str(shots / "query.png"), full_page=True)
            # what status_on refuses, the form refuses too: a message, and no rows
            page.fill("input[name=date]", "2017-1-1")
            page.click("input[type=submit]")
            page.wait_for_url("**date=2017-1-1**")
            assert "is not a date written YYYY-MM-DD" in page.locator(".sco-problem").inner_text()
            assert page.locator("table.rows-and-columns").count() == 0
        finally:
            browser.close()
    for name in ("members.png", "country.png", "query.png"):
        data = (shots / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_pages_read_at_desk_and_phone_width(served, tmp_path):
    """Home, a wide table, a row and a query page at 1280 x 800 and at 390 x 844: nothing runs off
    the page, long text is cut in a table and whole on its row's page, a record reads as label and
    value, a query page shows the question and its answer before the SQL, which stays folded."""
    sync_playwright = _playwright()
    shots = _shots(tmp_path)
    base = served["base"]
    with sync_playwright() as p:
        for name, (width, height) in WIDTHS.items():
            browser = _browser(p, tmp_path, width, height)
            try:
                page = browser.new_page()
                page.goto(f"{base}/")
                _no_sideways_page(page)
                assert page.locator("ul.sco-list li").count() >= 15  # every table and every query
                page.screenshot(path=str(shots / f"home-{name}.png"))

                page.goto(f"{base}/sco/arms_deals")
                _no_sideways_page(page)
                tallest = page.evaluate("Math.max(...[...document.querySelectorAll('table.rows-and-columns tbody tr')]"
                                        ".map(r => r.getBoundingClientRect().height))")
                rows = page.locator("table.rows-and-columns tbody tr").count()
                assert rows >= 100  # a page of the table
                if width > 576:  # a row of the table, not a card per record as on a phone
                    assert tallest < 200, tallest
                long_cell = page.locator("td.col-notes .sco-long").first
                assert long_cell.evaluate("e => e.scrollHeight > e.clientHeight + 2")  # cut, not gone
                notes_width = long_cell.evaluate("e => e.getBoundingClientRect().width")
                assert notes_width >= min(280, width * 0.6), notes_width
                page.locator("table.rows-and-columns").scroll_into_view_if_needed()
                page.screenshot(path=str(shots / f"arms-deals-{name}.png"))

                page.goto(f"{base}/sco/arms_deals/rus-chn-s400-2014")
                _no_sideways_page(page)
                record = page.locator("table.sco-record")
                assert "Russia" in record.locator("tr.col-supplier_iso3 td").inner_text()
                assert "China" in record.locator("tr.col-recipient_iso3 td").inner_text()
                label = record.locator("tr.col-notes th").bounding_box()
                value = record.locator("tr.col-notes td").bounding_box()
                # beside on a desk, above it on a phone; never a line of cells running sideways
                assert (value["x"] > label["x"] + label["width"] - 1) if width > 576 else (value["y"] >= label["y"])
                page.screenshot(path=str(shots / f"row-{name}.png"))

                page.goto(f"{base}/sco/deliveries_by_year?supplier=Russia&recipient=India")
                _no_sideways_page(page)
                assert page.locator("h1").inner_text().strip() == "Arms deliveries from Russia to India, year by year"
                first_row = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
                sql = page.locator("details.sco-sql")
                assert sql.evaluate("e => !e.open") and not page.locator("details.sco-sql pre").is_visible()
                assert first_row["y"] < sql.bounding_box()["y"]
                assert first_row["y"] < 3 * height  # the answer near the top, not below a screen of SQL
                page.screenshot(path=str(shots / f"query-{name}.png"))
            finally:
                browser.close()
    for name in WIDTHS:
        for kind in ("home", "arms-deals", "row", "query"):
            data = (shots / f"{kind}-{name}.png").read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
