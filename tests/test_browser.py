"""End to end in headless Chromium (Debian's `chromium`, driven through Playwright): open members,
follow a foreign key to countries, run a canned query, save a screenshot. Skipped, with the
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


def test_members_to_countries_then_a_canned_query(served, tmp_path):
    _need("Debian's chromium", CHROMIUM is not None)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the playwright package", False)
    shots = Path(os.environ.get("SCO_DATA_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = served["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1400, "height": 1000})
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
            # a canned query, with its parameter typed into the form
            page.goto(f"{base}/sco")
            page.click("text=The status of every state on a chosen date")
            page.fill("input[name=date]", "2008-08-28")
            page.click("input[type=submit]")
            page.wait_for_url("**date=2008-08-28**")
            row = page.locator("tr", has=page.locator("td", has_text="Russia"))
            assert "member" in row.inner_text()
            page.screenshot(path=str(shots / "query.png"), full_page=True)
        finally:
            browser.close()
    for name in ("members.png", "country.png", "query.png"):
        data = (shots / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
