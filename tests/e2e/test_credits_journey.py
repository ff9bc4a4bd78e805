"""The demo's AI credits in Chromium: a new Free customer spends its 3 monthly credits on AI
rewrites down to zero, sees the out-of-credits prompt (InsufficientCredits), buys 100 credits
through the backend and goes on; billing lists the grants and saves an automatic recharge."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from demo_site.process import SiteProcess
from tests.e2e.test_journey import open_billing, python_ready, sign_up

pytestmark = pytest.mark.browser


def rewrite(page: Page, balance_after: str) -> None:
    """One "Rewrite with AI": the backend burns a credit, the balance follows."""
    button = page.locator("#use-assist")
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator("#assists-balance .credit-amount")).to_have_text(balance_after)


def test_spend_down_to_zero_then_top_up_and_continue(
    page: Page, journey_site: SiteProcess, csp_violations: list[str], artifacts_dir: Path
) -> None:
    sign_up(page, journey_site)
    python_ready(page)
    balance = page.locator("#assists-balance .credit-amount")
    expect(balance).to_have_text("3 credits")
    expect(page.locator("#assists-out")).to_be_hidden()
    for left in ("2 credits", "1 credit", "0 credits"):
        rewrite(page, left)
    out = page.locator("#assists-out")
    expect(out).to_be_visible()
    expect(out).to_contain_text("You have used all your AI credits.")
    expect(page.locator("#use-assist")).to_be_disabled()
    expect(page.locator("#assists-balance .credit-alert")).to_have_text("No credits left")
    page.screenshot(path=str(artifacts_dir / "journey-credits-empty.png"), full_page=True)
    # The backend refuses a rewrite too, whatever the page shows.
    answer = page.request.post(f"{journey_site.base_url}/api/assists")
    assert (answer.status, answer.json()["reason"]) == (402, "InsufficientCredits")

    page.locator("#buy-credits").click()
    expect(page.locator("#assist-status")).to_have_text("Added 100 AI credits.")
    expect(balance).to_have_text("100 credits")
    expect(out).to_be_hidden()
    rewrite(page, "99 credits")
    chart = page.locator("#assists-chart")
    expect(chart.locator("desc")).to_contain_text("AI rewrites: now")
    expect(chart.locator(".chart-legend")).to_have_text("AI rewrites")
    page.screenshot(path=str(artifacts_dir / "journey-credits-topped-up.png"), full_page=True)

    portal = open_billing(page)
    credits = portal.locator(".usage-meter[data-feature-id='currency-ai-credits'] .usage-value")
    expect(credits).to_have_text("4 of 103 credits used")
    grants = page.locator("#credit-grants tbody tr")
    expect(grants).to_have_count(2)
    expect(grants.filter(has_text="Purchased")).to_contain_text("100")
    page.locator("#recharge-enabled").check()
    page.fill("#recharge-threshold", "10")
    page.fill("#recharge-target", "100")
    page.fill("#recharge-limit", "50")
    page.locator("#recharge-save").click()
    expect(page.locator("#recharge-status")).to_have_text("Automatic recharge saved (on).")
    page.screenshot(path=str(artifacts_dir / "journey-credits-billing.png"), full_page=True)
    page.reload()
    python_ready(page)
    expect(page.locator("#recharge-enabled")).to_be_checked()
    expect(page.locator("#recharge-limit")).to_have_value("50")
    assert csp_violations == []
