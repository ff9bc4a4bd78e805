"""The demo's embedded checkout (`/checkout`, `<stigg-checkout>`) in Chromium: a new visitor buys
Team with a promotion code, after a declined card; a Pro customer's upgrade to Team charges
today exactly what the checkout showed (demo catalog: Team $12 a seat, Pro $15, LAUNCH20)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from demo_site.process import SiteProcess
from stigg_client import StiggServer
from tests.e2e.test_journey import (
    bought_in_page,
    checkout_total,
    embedded_checkout,
    open_billing,
    pay_in_page,
    sign_up,
    with_server,
)
from tests.support.processes import EmulatorProcess

pytestmark = pytest.mark.browser
TEAM_TWO_SEATS = "/checkout?plan=plan-team&period=MONTHLY&seats=2"


def active_plans(emulator: EmulatorProcess, customer_id: str) -> list[str]:
    subscriptions = with_server(
        emulator, lambda server: server.get_active_subscriptions_list(customer_id)
    )
    return sorted(s.plan.plan_id for s in subscriptions if s.plan is not None)


def test_new_visitor_buys_team_in_the_page_with_launch20_after_a_declined_card(
    page: Page,
    journey_site: SiteProcess,
    journey_emulator: EmulatorProcess,
    csp_violations: list[str],
    artifacts_dir: Path,
) -> None:
    customer_id = sign_up(page, journey_site)
    before = active_plans(journey_emulator, customer_id)
    page.goto(journey_site.base_url + TEAM_TWO_SEATS)
    checkout = embedded_checkout(page)
    expect(checkout_total(checkout)).to_have_text("$24.00")
    # Team's recurring credit grant (issue 17) is part of what the summary says is bought.
    expect(checkout.locator('[part~="credit-grant"]')).to_have_text(
        "Includes 1,000 AI credits every month"
    )
    checkout.get_by_label("Promotion code").fill("LAUNCH20")
    checkout.get_by_role("button", name="Apply").click()
    expect(checkout_total(checkout, "discount")).to_have_text("\u2212$4.80")
    expect(checkout_total(checkout)).to_have_text("$19.20")
    page.screenshot(path=str(artifacts_dir / "embedded-checkout-launch20.png"), full_page=True)

    pay_in_page(checkout, "4000 0000 0000 0002")
    expect(checkout.get_by_role("alert")).to_have_text("Your card was declined. Try another card.")
    assert active_plans(journey_emulator, customer_id) == before
    expect(checkout_total(checkout)).to_have_text("$19.20")  # the code is still applied
    page.screenshot(path=str(artifacts_dir / "embedded-checkout-declined.png"), full_page=True)

    bought_in_page(page, checkout, "4242 4242 4242 4242", "Team")
    portal = open_billing(page)
    expect(portal.locator("li.subscription h4")).to_have_text("Team")
    expect(portal.locator(".section-payment")).to_contain_text("4242")
    page.screenshot(path=str(artifacts_dir / "embedded-checkout-portal.png"), full_page=True)
    assert csp_violations == []


def test_pro_customer_upgrading_to_team_is_charged_what_the_checkout_showed(
    page: Page,
    journey_site: SiteProcess,
    journey_emulator: EmulatorProcess,
    artifacts_dir: Path,
) -> None:
    customer_id = sign_up(page, journey_site)

    async def on_pro(server: StiggServer) -> None:
        await server.update_customer(
            customer_id, billing_info={"payment_method_id": "pm_card_visa"}
        )
        await server.provision_subscription(
            customer_id, "plan-pro", billing_period="MONTHLY", skip_trial=True
        )

    with_server(journey_emulator, on_pro)
    page.goto(journey_site.base_url + TEAM_TWO_SEATS + "&intention=UPGRADE_PLAN")
    checkout = embedded_checkout(page)
    expect(checkout_total(checkout, "credit")).to_be_visible()
    expect(checkout_total(checkout, "next-invoice")).to_have_text("$24.00")
    due_today = checkout_total(checkout).inner_text()
    assert due_today.startswith("$") and Decimal(due_today[1:]) > 0, due_today
    page.screenshot(path=str(artifacts_dir / "embedded-checkout-proration.png"), full_page=True)

    bought_in_page(page, checkout, None, "Team")  # the Pro card on file pays
    invoices = httpx.get(
        f"{journey_emulator.base_url}/billing/{customer_id}/invoices",
        headers={"Accept": "application/json"},
        timeout=10,
    ).json()["data"]
    latest = invoices[0]  # newest first: the upgrade's
    assert latest["status"] == "PAID"
    assert f"${Decimal(str(latest['total'])):.2f}" == due_today, (latest, due_today)


def test_without_a_payment_method_api_the_demo_hands_off_to_the_hosted_checkout(
    page: Page, journey_site: SiteProcess
) -> None:
    """Stigg's cloud has no payment-method API: the element continues on `/checkout?hosted=1`
    with the visitor's choices, whose hosted checkout charges the same."""
    sign_up(page, journey_site)
    page.route("**/v1/payment-methods", lambda route: route.fulfill(status=404, body="{}"))
    page.goto(journey_site.base_url + TEAM_TWO_SEATS)
    checkout = embedded_checkout(page)
    checkout.get_by_label("Promotion code").fill("LAUNCH20")
    checkout.get_by_role("button", name="Apply").click()
    expect(checkout_total(checkout)).to_have_text("$19.20")
    for _ in range(3):
        checkout.get_by_role("button", name="Continue").click()
    checkout.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r".*/checkout/[^/?]+$"))
    expect(page.locator("#order")).to_contain_text("$19.20")
