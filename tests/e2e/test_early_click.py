"""The demo's /pricing: "Start 14-day trial" clicked as soon as the server-rendered plans are
painted, while Python is surely not running (its wasm held back), goes to sign-in at once, as the
same click after hydration does: the paywall's `cta-href` lets the element shim act without
Python. It once did nothing, ever; then it waited for Python."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from demo_site.process import SiteProcess
from tests.e2e.test_journey import plan_card
from tests.support.browser import HeldPython, collect_errors

pytestmark = pytest.mark.browser


def test_trial_clicked_before_python_starts_goes_to_sign_in(
    browser: Browser, journey_site: SiteProcess
) -> None:
    context = browser.new_context()
    python = HeldPython(context)
    page = context.new_page()
    errors = collect_errors(page)
    try:
        page.goto(f"{journey_site.base_url}/pricing")
        pro = plan_card(page, "#paywall", "plan-pro")
        expect(pro).to_have_attribute("data-intention", "START_TRIAL")
        python.wait_until_held(page)
        pro.locator("button.cta").click()
        page.wait_for_url("**/signin?next=*", timeout=10_000)
        assert python.held, "Python started before the click was honoured"
        assert "plan%3Dplan-pro" in page.url or "plan=plan-pro" in page.url
    finally:
        python.release()
        context.close()
    assert errors == []


def test_annual_toggled_before_python_starts_shows_annual_prices_and_the_trial_keeps_it(
    browser: Browser, journey_site: SiteProcess
) -> None:
    """The page carries the annual rendering: the toggle switches at once, without Python."""
    context = browser.new_context()
    python = HeldPython(context)
    page = context.new_page()
    errors = collect_errors(page)
    try:
        page.goto(f"{journey_site.base_url}/pricing")
        pro = plan_card(page, "#paywall", "plan-pro")
        expect(pro.locator(".price")).to_have_text("$15 / month")
        python.wait_until_held(page)
        page.locator("#paywall input[data-action='period'][value='ANNUALLY']").check()
        expect(pro.locator(".price")).to_have_text("$150 / year")
        expect(plan_card(page, "#paywall", "plan-team").locator(".price")).to_have_text(
            "$120 per seat / year"
        )
        pro.locator("button.cta").click()
        page.wait_for_url("**/signin?next=*", timeout=10_000)
        assert python.held, "Python started before the input was honoured"
        assert "ANNUALLY" in page.url
    finally:
        python.release()
        context.close()
    assert errors == []
