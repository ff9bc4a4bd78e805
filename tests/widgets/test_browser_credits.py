"""The credit elements in real Chromium against an emulator on the credits catalog: rendering,
hydration of a server-rendered balance, German and dark, axe, the add-credits event, and balance
changes pushed by the emulator (consumption, then a top-up) reaching every element."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.emulator.credit_helpers import CURRENCY, consume, grant, new_customer
from tests.emulator.helpers import Api, server
from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import (
    dom_events,
    open_widget_page,
    python_events,
    serious_axe_violations,
    start_site,
)

pytestmark = pytest.mark.browser
EVENTS = "mutation R($input: UsageEventsReportInput!) { reportEvent(events: $input) }"


@pytest.fixture(scope="module")
def api(credits_emulator: EmulatorProcess) -> Api:
    return server(credits_emulator)


@pytest.fixture(scope="module")
def customer(api: Api) -> str:
    """On the free AI plan with 100 welcome credits, 20 of them burnt by 40 words of assists."""
    customer_id = new_customer(api, "plan-ai-free")
    grant(api, customer_id, 100, displayName="Welcome credits")
    event = {
        "customerId": customer_id,
        "eventName": "ai_assist",
        "idempotencyKey": uuid.uuid4().hex,
        "dimensions": {"words": 40},
    }
    api.data(EVENTS, {"input": {"usageEvents": [event]}})
    return customer_id


@pytest.fixture(scope="module")
def credits_page(
    browser: Browser,
    widget_runtime: None,
    credits_emulator: EmulatorProcess,
    customer: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Page]:
    log = tmp_path_factory.mktemp("credits-site") / "site.log"
    site = start_site(credits_emulator, log, ssr=False, customer_id=customer)
    try:
        yield from open_widget_page(browser, site, "credits")
    finally:
        site.stop()


def shadow_text(page: Page, element_id: str, selector: str) -> str:
    return str(page.locator(f"#{element_id} {selector}").first.text_content() or "").strip()


def test_elements_render_the_customers_credits(credits_page: Page, artifacts_dir: Path) -> None:
    page = credits_page
    assert shadow_text(page, "balance", ".credit-amount") == "80 credits"
    assert shadow_text(page, "balance-de", ".credit-label") == "Guthaben: AI credits"
    assert page.locator("#balance-de").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    ) != page.locator("#balance").evaluate("e => getComputedStyle(e).backgroundColor")
    meter = page.locator("#utilization meter")
    assert (meter.get_attribute("max"), meter.get_attribute("value")) == ("100", "20")
    assert shadow_text(page, "utilization", ".usage-value") == "20 of 100 credits used"
    assert page.locator("#chart path.chart-line").count() == 1
    assert page.locator("#chart svg").get_attribute("role") == "img"
    page.locator("#chart summary").click()
    expect(page.locator("#chart table tbody tr")).to_have_count(2)  # 0 at the start, then 20
    assert "AI assists: now 20 credits" in shadow_text(page, "chart", "desc")
    assert page.locator("#grants tbody tr").count() == 1
    assert "Welcome credits" in shadow_text(page, "grants", "tbody tr")
    assert "Aktion" in shadow_text(page, "grants-de", "tbody tr")
    assert "20 of 100 credits used" in shadow_text(page, "portal", ".section-credits")
    assert page.locator("#utilization").get_attribute("data-connection") == "online"
    page.screenshot(path=str(artifacts_dir / "widgets-credits.png"), full_page=True)
    assert serious_axe_violations(page) == []
    assert page.errors == []  # type: ignore[attr-defined]


def test_server_rendered_balance_is_hydrated_in_place(credits_page: Page) -> None:
    ssr = credits_page.locator("#balance-ssr")
    assert ssr.get_attribute("data-hydrated") == "true"
    assert ssr.locator(".credit-balance").get_attribute("data-original") == "server"
    assert shadow_text(credits_page, "balance-ssr", ".credit-amount") == "80 credits"


def test_add_credits_fires_one_event_to_the_page_and_to_python(credits_page: Page) -> None:
    since = len(dom_events(credits_page))
    credits_page.locator("#balance [data-action='add-credits']").click()
    (event,) = [e for e in dom_events(credits_page, since) if e["name"] == "stigg-add-credits"]
    assert (event["target"], event["detail"]) == ("balance", {"currencyId": CURRENCY})
    assert event["bubbles"] and event["composed"]
    received = [e for e in python_events(credits_page) if e["name"] == "stigg-add-credits"]
    assert received[-1]["detail"] == {"currencyId": CURRENCY}


def test_balance_changes_pushed_by_the_emulator_reach_every_credit_element(
    credits_page: Page, api: Api, customer: str, artifacts_dir: Path
) -> None:
    page = credits_page
    consume(api, customer, 80)
    expect(page.locator("#balance .credit-amount")).to_have_text("0 credits")
    expect(page.locator("#balance .credit-balance")).to_have_attribute("data-level", "empty")
    expect(page.locator("#balance .credit-alert")).to_have_text("No credits left")
    expect(page.locator("#balance-de .credit-alert")).to_have_text("Kein Guthaben mehr")
    expect(page.locator("#utilization meter")).to_have_attribute("value", "100")
    expect(
        page.locator(
            "#portal .section-credits [data-feature-id='currency-ai-credits'] .usage-value"
        )
    ).to_have_text("100 of 100 credits used")
    page.locator("#balance").screenshot(path=str(artifacts_dir / "widgets-credits-empty.png"))
    grant(api, customer, 100, displayName="Top-up", grantType="PAID")
    expect(page.locator("#balance .credit-amount")).to_have_text("100 credits")
    expect(page.locator("#grants tbody tr")).to_have_count(2)
    assert serious_axe_violations(page) == []
