"""The demo's /pricing before Python runs (its wasm held back): "Start 14-day trial" clicked as
soon as the server-rendered plans are painted goes to sign-in at once, as the same click after
hydration does (the paywall's `cta-href` lets the element shim act without Python; it once did
nothing, ever, then it waited for Python), and the annual toggle shows annual prices at once
(the page carries that rendering; it once waited ~2 s for Python)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from demo_site.process import SiteProcess
from tests.e2e.test_journey import plan_card
from tests.support.browser import HeldPython, collect_errors

pytestmark = pytest.mark.browser


@pytest.fixture
def held_pricing(browser: Browser, journey_site: SiteProcess) -> Iterator[tuple[Page, HeldPython]]:
    """/pricing in a fresh context, painted, with Python surely not started; no page errors."""
    context = browser.new_context()
    python = HeldPython(context)
    page = context.new_page()
    errors = collect_errors(page)
    try:
        page.goto(f"{journey_site.base_url}/pricing")
        expect(plan_card(page, "#paywall", "plan-pro").locator(".price")).to_have_text(
            "$15 / month"
        )
        python.wait_until_held(page)
        yield page, python
    finally:
        python.release()
        context.close()
    assert errors == []


def test_trial_clicked_before_python_starts_goes_to_sign_in(
    held_pricing: tuple[Page, HeldPython],
) -> None:
    page, python = held_pricing
    pro = plan_card(page, "#paywall", "plan-pro")
    expect(pro).to_have_attribute("data-intention", "START_TRIAL")
    pro.locator("button.cta").click()
    page.wait_for_url("**/signin?next=*", timeout=10_000)
    assert python.held, "Python started before the click was honoured"
    assert "plan%3Dplan-pro" in page.url or "plan=plan-pro" in page.url


def test_annual_toggled_before_python_starts_shows_annual_prices_and_the_trial_keeps_it(
    held_pricing: tuple[Page, HeldPython],
) -> None:
    page, python = held_pricing
    pro = plan_card(page, "#paywall", "plan-pro")
    page.locator("#paywall input[data-action='period'][value='ANNUALLY']").check()
    expect(pro.locator(".price")).to_have_text("$150 / year")
    team = plan_card(page, "#paywall", "plan-team")
    expect(team.locator(".price")).to_have_text("$120 per seat / year")
    pro.locator("button.cta").click()
    page.wait_for_url("**/signin?next=*", timeout=10_000)
    assert python.held, "Python started before the input was honoured"
    assert "ANNUALLY" in page.url
