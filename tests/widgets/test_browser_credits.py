"""The credit elements in real Chromium: rendering, hydration of a server-rendered balance,
themes and German, axe, the add-credits event, and live balance pushes.

The customer's credit reads are answered from the recorded GraphQL responses
(tests/sdk/fixtures/credits) by routing them in the browser; everything else goes to the
session's emulator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.widgets.conftest import (
    CUSTOMER_ID,
    PYODIDE_TIMEOUT_MS,
    WidgetSite,
    dom_events,
    python_events,
    serious_axe_violations,
)

pytestmark = pytest.mark.browser
RECORDED = Path(__file__).parents[1] / "sdk" / "fixtures" / "credits"
ROUTED = ("GetCreditEntitlements", "GetCreditGrants", "GetCreditUsage")
CURRENCY = "currency-ai-credits"


class CreditReads:
    """Fulfils the credit operations from their recordings (the balance as the test last set
    it, like a server that the pushes come from); passes everything else on."""

    def __init__(self) -> None:
        self.used: float | None = None
        self.granted: float | None = None

    def set_balance(self, granted: float, used: float) -> None:
        self.granted, self.used = granted, used

    def __call__(self, route: Route) -> None:
        answer_credit_reads(route, self)


def answer_credit_reads(route: Route, state: CreditReads | None = None) -> None:
    """Fulfil the credit operations from their recordings; pass everything else on."""
    request = route.request
    body: dict[str, Any] = {}
    if request.method == "POST" and request.post_data:
        body = json.loads(request.post_data)
    name = body.get("operationName")
    if name not in ROUTED:
        route.continue_()
        return
    answer = json.loads((RECORDED / f"{name}.json").read_text())
    if name == "GetCreditEntitlements" and state is not None and state.granted is not None:
        ai = answer["data"]["entitlementsState"]["entitlementsV2"][1]
        ai.update(usageLimit=state.granted, currentUsage=state.used)
    route.fulfill(
        status=200,
        content_type="application/json",
        headers={"access-control-allow-origin": "*"},
        body=json.dumps(answer),
    )


@pytest.fixture(scope="module")
def reads() -> CreditReads:
    return CreditReads()


@pytest.fixture(scope="module")
def credits_page(browser: Browser, widget_site: WidgetSite, reads: CreditReads) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route("**/graphql", reads)
    page = context.new_page()
    page.set_default_timeout(PYODIDE_TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(widget_site.url + "credits")
    page.wait_for_function("document.body.dataset.python === 'ready'")
    page.wait_for_function(
        "[...document.querySelectorAll('main [id]')]"
        ".filter(e => e.localName.startsWith('stigg-'))"
        ".every(e => e.dataset.state === 'ready')"
    )
    page.errors = errors  # type: ignore[attr-defined]
    page.console_errors = console  # type: ignore[attr-defined]
    yield page
    context.close()


def shadow_text(page: Page, element_id: str, selector: str) -> str:
    return str(page.locator(f"#{element_id} {selector}").first.text_content() or "").strip()


def test_elements_render_the_recorded_credits(credits_page: Page, artifacts_dir: Path) -> None:
    page = credits_page
    assert shadow_text(page, "balance", ".credit-amount") == "80 credits"
    assert shadow_text(page, "balance-de", ".credit-label") == "Guthaben: AI credits"
    assert page.locator("#balance-de").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    ) != page.locator("#balance").evaluate("e => getComputedStyle(e).backgroundColor")
    meter = page.locator("#utilization meter")
    assert (meter.get_attribute("max"), meter.get_attribute("value")) == ("100", "20")
    assert shadow_text(page, "utilization", ".usage-value") == "20 of 100 credits used"
    assert page.locator("#chart svg rect").count() == 2
    assert page.locator("#chart svg").get_attribute("role") == "img"
    page.locator("#chart summary").click()
    expect(page.locator("#chart table tbody tr")).to_have_count(2)
    assert page.locator("#grants tbody tr").count() == 2
    assert "Aktion" in shadow_text(page, "grants-de", "tbody tr")
    assert "20 of 100 credits used" in shadow_text(page, "portal", ".section-credits")
    page.screenshot(path=str(artifacts_dir / "widgets-credits.png"), full_page=True)
    assert serious_axe_violations(page) == []
    assert page.errors == [] and page.console_errors == []  # type: ignore[attr-defined]


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


def test_a_pushed_balance_updates_every_credit_element(
    credits_page: Page, reads: CreditReads, artifacts_dir: Path
) -> None:
    page = credits_page
    spent = {
        "customerId": CUSTOMER_ID,
        "currencyId": CURRENCY,
        "currentBalance": 0,
        "totalGranted": 100,
        "totalConsumed": 100,
    }
    reads.set_balance(100, 100)
    page.evaluate("p => window.stiggPush('creditBalanceUpdated', JSON.stringify(p))", spent)
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
    topped_up = {**spent, "currentBalance": 100, "totalGranted": 200}
    reads.set_balance(200, 100)
    page.evaluate("p => window.stiggPush('creditBalanceUpdated', JSON.stringify(p))", topped_up)
    expect(page.locator("#balance .credit-amount")).to_have_text("100 credits")
    assert serious_axe_violations(page) == []
