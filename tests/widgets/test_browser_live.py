"""The paywall and the upgrade prompt follow a plan change made by the backend (real Chromium,
the page's own emulator, whose customer the test moves from Starter to a Team trial)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, Request, expect

from tests.conftest import TEST_CATALOG
from tests.emulator.billing.helpers import provision
from tests.emulator.helpers import server
from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import (
    CUSTOMER_ID,
    assert_matches_baseline,
    dom_events,
    page_on_own_emulator,
    serious_axe_violations,
)

pytestmark = pytest.mark.browser
# The SDK's background refresh runs every second on the test page (cache_ttl_s=1).
LIVE_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def live(
    browser: Browser, widget_runtime: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Page, EmulatorProcess]]:
    tmp = tmp_path_factory.mktemp("live")
    catalog: dict[str, Any] = yaml.safe_load(TEST_CATALOG.read_text())
    catalog["products"].append({"id": "product-empty", "displayName": "Nothing on sale yet"})
    # A card on file, so a paid plan can be provisioned and its changes scheduled.
    next(c for c in catalog["customers"] if c["id"] == CUSTOMER_ID)["paymentMethodId"] = "pm_1"
    (tmp / "catalog.yaml").write_text(yaml.safe_dump(catalog))
    yield from page_on_own_emulator(browser, tmp, tmp / "catalog.yaml")


def test_paywall_empty_state(live: tuple[Page, EmulatorProcess], artifacts_dir: Path) -> None:
    """A product without plans (this module's catalog has one): the empty state, which still
    counts as loaded data."""
    page, _ = live
    page.evaluate(
        """() => { const el = document.createElement('stigg-paywall'); el.id = 'paywall-empty';
          el.setAttribute('product-id', 'product-empty');
          document.querySelector('main').prepend(el); }"""
    )
    try:
        paywall = page.locator("#paywall-empty")
        expect(paywall).to_have_attribute("data-state", "empty")
        expect(paywall.locator('[part="empty"]')).to_have_text("No plans are available.")
        expect(paywall.locator("li.plan")).to_have_count(0)
        ready = [e["target"] for e in dom_events(page) if e["name"] == "stigg-ready"]
        assert ready.count("paywall-empty") == 1
        assert serious_axe_violations(page) == []
        assert_matches_baseline(page, paywall, "paywall-empty", artifacts_dir)
    finally:
        page.evaluate("document.getElementById('paywall-empty').remove()")


def test_paywall_and_prompt_follow_a_backend_plan_change(
    live: tuple[Page, EmulatorProcess],
) -> None:
    page, emulator = live
    paywall = page.locator("#paywall")
    starter = paywall.locator('li[data-plan-id="plan-stigg-starter"]')
    team = paywall.locator('li[data-plan-id="plan-stigg-team"]')
    pro = paywall.locator('li[data-plan-id="plan-stigg-pro"]')
    expect(starter).to_have_attribute("data-current", "")
    expect(page.locator("#prompt .upgrade-prompt")).to_have_attribute(
        "data-plan-id", "plan-stigg-team"
    )
    # The visitor's choices, which the live update must keep.
    paywall.locator('input[value="ANNUALLY"]').check()
    seats = team.locator('input[data-action="quantity"]')
    seats.fill("4")
    seats.press("Tab")
    pro.locator('input[data-action="addon"]').check()
    seats.focus()
    start = len(dom_events(page))

    result = provision(
        server(emulator),
        customerId=CUSTOMER_ID,
        planId="plan-stigg-team",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-seats", "quantity": 2}],
    )
    assert result["status"] == "SUCCESS" and result["subscription"]["status"] == "IN_TRIAL"

    # Badges and CTAs follow the new subscription, without a reload of the page.
    expect(team).to_have_attribute("data-current", "", timeout=LIVE_TIMEOUT_MS)
    expect(team.locator(".badge-current")).to_have_text("Current plan")
    expect(team.locator(".badge-trial")).to_be_visible()
    expect(team).to_have_attribute("data-intention", "UPGRADE_TRIAL_TO_PAID")
    expect(starter).not_to_have_attribute("data-current", "")
    expect(starter.locator(".badge-current")).to_have_count(0)
    expect(starter).to_have_attribute("data-intention", "DOWNGRADE_PLAN")
    expect(starter.locator("button.cta")).to_have_text("Downgrade")
    expect(paywall).to_have_attribute("data-current-plan", "plan-stigg-team")
    # ...keeping what the visitor picked, and where the keyboard was.
    expect(paywall.locator('input[value="ANNUALLY"]')).to_be_checked()
    expect(seats).to_have_value("4")
    expect(pro.locator('input[data-action="addon"]')).to_be_checked()
    assert page.evaluate(
        "document.getElementById('paywall').shadowRoot.activeElement?.dataset.planId"
    ) == ("plan-stigg-team")
    # Nothing above Team unlocks API calls for the customer now (Enterprise is hidden).
    prompt = page.locator("#prompt .upgrade-prompt")
    expect(prompt).to_have_attribute("data-plan-id", "", timeout=LIVE_TIMEOUT_MS)
    expect(prompt.locator("button")).to_have_count(0)
    # The portal lists the new subscription too (the emulator keeps Starter beside the trial).
    expect(page.locator("#portal h4").first).to_have_text("Team", timeout=LIVE_TIMEOUT_MS)
    # A live update is a data load: the paywall says it is ready again, once.
    ready = [e["target"] for e in dom_events(page, start) if e["name"] == "stigg-ready"]
    assert ready.count("paywall") == 1, ready
    assert page.errors == []  # type: ignore[attr-defined]


def test_show_only_eligible_plans_hides_plans_below_the_current_one(
    live: tuple[Page, EmulatorProcess],
) -> None:
    """After the first test the customer is on Team (a trial): Starter and Pro rank below it."""
    page, _ = live
    paywall = page.locator("#paywall")
    expect(paywall).to_have_attribute("data-current-plan", "plan-stigg-team")
    plans = paywall.locator("li.plan")
    expect(plans).to_have_count(3)
    paywall.evaluate("el => el.showOnlyEligiblePlans = true")
    expect(plans).to_have_count(1)
    expect(plans.first).to_have_attribute("data-plan-id", "plan-stigg-team")
    paywall.evaluate("el => el.showOnlyEligiblePlans = false")
    expect(plans).to_have_count(3)


def test_resource_id_reaches_the_sdk_reads_and_the_selection(
    live: tuple[Page, EmulatorProcess],
) -> None:
    """Two workspace paywalls, ws-1 (subscribed to Workspace Free) and ws-2 (nothing): each
    reads its own resource's paywall and subscriptions and names it in `stigg-plan-selected`."""
    page, emulator = live
    provisioned = provision(
        server(emulator), customerId=CUSTOMER_ID, planId="plan-workspace-free", resourceId="ws-1"
    )
    assert provisioned["status"] == "SUCCESS"
    reads: list[dict[str, Any]] = []

    def record(request: Request) -> None:
        body = request.post_data_json if request.method == "POST" else None
        if isinstance(body, dict) and "operationName" in body:
            reads.append(body)

    page.on("request", record)
    page.evaluate(
        """() => { for (const id of ['ws-1', 'ws-2']) {
          const el = document.createElement('stigg-paywall'); el.id = 'paywall-' + id;
          el.setAttribute('product-id', 'product-workspaces');
          el.setAttribute('resource-id', id); document.querySelector('main').append(el); } }"""
    )
    try:
        first, second = page.locator("#paywall-ws-1"), page.locator("#paywall-ws-2")
        expect(first).to_have_attribute("data-state", "ready")
        expect(second).to_have_attribute("data-state", "ready")
        expect(first).to_have_attribute("data-current-plan", "plan-workspace-free")
        expect(
            first.locator('li[data-plan-id="plan-workspace-free"] .badge-current')
        ).to_be_visible()
        expect(second).to_have_attribute("data-current-plan", "")
        expect(second.locator(".badge-current")).to_have_count(0)
        for resource in ("ws-1", "ws-2"):
            operations = {
                body["operationName"]
                for body in reads
                if body.get("variables", {}).get("input", {}).get("resourceId") == resource
            }
            assert {"GetPaywall", "GetActiveSubscriptions"} <= operations, (resource, operations)
        start = len(dom_events(page))
        for paywall in (first, second):
            paywall.locator('li[data-plan-id="plan-workspace-plus"] button.cta').click()
        selected = [e for e in dom_events(page, start) if e["name"] == "stigg-plan-selected"]
        assert [(e["target"], e["detail"]["resourceId"]) for e in selected] == [
            ("paywall-ws-1", "ws-1"),
            ("paywall-ws-2", "ws-2"),
        ]
        assert all(e["detail"]["planId"] == "plan-workspace-plus" for e in selected)
    finally:
        page.remove_listener("request", record)
        page.evaluate(
            "() => document.querySelectorAll('[id^=paywall-ws]').forEach(e => e.remove())"
        )


SCHEDULE = (
    "mutation U($input: UpdateSubscriptionInput!) { updateOneSubscription(input: $input) "
    "{ subscriptionId futureUpdates { scheduleStatus } } }"
)


def test_portal_cancel_scheduled_change_by_keyboard(live: tuple[Page, EmulatorProcess]) -> None:
    """A paid Pro subscription with an annual switch scheduled for the period end: the portal's
    Cancel button works by Enter and by Space."""
    page, emulator = live
    api = server(emulator)
    pro = provision(api, customerId=CUSTOMER_ID, planId="plan-stigg-pro", billingPeriod="MONTHLY")
    assert pro["status"] == "SUCCESS", pro
    subscription_id = pro["subscription"]["subscriptionId"]
    scheduled = api.data(
        SCHEDULE,
        {
            "input": {
                "refId": subscription_id,
                "billingPeriod": "ANNUALLY",
                "scheduleStrategy": "END_OF_BILLING_PERIOD",
            }
        },
    )["updateOneSubscription"]
    assert scheduled["futureUpdates"] == [{"scheduleStatus": "Scheduled"}]
    portal = page.locator("#portal")
    # A schedule changes no entitlement: the host reloads the portal (an attribute change does).
    portal.evaluate("el => el.hiddenSections = 'invoices'")
    cancel = portal.locator('[data-action="cancel-scheduled"]')
    expect(cancel).to_have_count(1)
    start = len(dom_events(page))
    cancel.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    fired = [e for e in dom_events(page, start) if e["name"] == "stigg-manage-subscription"]
    expected = {
        "intention": "CANCEL_SCHEDULED_UPDATES",
        "subscriptionId": subscription_id,
        "scheduleStatus": "Scheduled",
    }
    assert [(e["target"], e["detail"]) for e in fired] == [("portal", expected)] * 2
