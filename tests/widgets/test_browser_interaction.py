"""Widgets in real Chromium, interactions on a shared page: keyboard, events, hydration."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.emulator.helpers import server
from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import (
    CUSTOMER_ID,
    WidgetSite,
    dom_events,
    open_widget_page,
    python_events,
)

SELECTED, PERIOD, MANAGE = (
    "stigg-plan-selected",
    "stigg-billing-period-change",
    "stigg-manage-subscription",
)
READY = "stigg-ready"
REPORT = "mutation R($input: ReportUsageInput!) { reportUsage(input: $input) { currentUsage } }"


@pytest.fixture(scope="module")
def widget_page(browser: Browser, widget_site: WidgetSite) -> Iterator[Page]:
    yield from open_widget_page(browser, widget_site)


def test_period_toggle_by_keyboard(widget_page: Page) -> None:
    start = len(dom_events(widget_page))
    paywall = widget_page.locator("#paywall")
    paywall.locator('input[value="MONTHLY"]').focus()
    widget_page.keyboard.press("ArrowRight")
    expect(paywall.locator('input[value="ANNUALLY"]')).to_be_checked()
    pro_price = paywall.locator('li[data-plan-id="plan-stigg-pro"] .price')
    expect(pro_price).to_contain_text("$120")
    expect(pro_price).to_contain_text("/ year")
    assert widget_page.evaluate("document.activeElement.id") == "paywall"  # focus kept
    events = dom_events(widget_page, start)
    assert events[-1]["name"] == "stigg-billing-period-change"
    assert events[-1]["detail"] == {"billingPeriod": "ANNUALLY"}
    widget_page.keyboard.press("ArrowLeft")
    expect(paywall.locator('input[value="MONTHLY"]')).to_be_checked()
    expect(pro_price).to_contain_text("$12")


def test_cta_click_fires_plan_selected(widget_page: Page) -> None:
    start = len(dom_events(widget_page))
    paywall = widget_page.locator("#paywall")
    quantity = paywall.locator('li[data-plan-id="plan-stigg-team"] input[data-action="quantity"]')
    quantity.fill("5")
    quantity.press("Tab")
    paywall.locator('li[data-plan-id="plan-stigg-pro"] input[data-action="addon"]').check()
    paywall.locator('li[data-plan-id="plan-stigg-pro"] button.cta').click()
    event = dom_events(widget_page, start).pop()
    assert event["name"] == "stigg-plan-selected" and event["target"] == "paywall"
    assert event["bubbles"] and event["composed"] and event["cancelable"]
    assert event["detail"] == {
        "planId": "plan-stigg-pro",
        "intention": "UPGRADE_PLAN",
        "billingPeriod": "MONTHLY",
        "quantities": {},
        "addons": ["addon-extra-requests"],
        "customerId": "customer-demo-01",
        "resourceId": None,
    }
    paywall.locator('li[data-plan-id="plan-stigg-team"] button.cta').press("Enter")
    team = dom_events(widget_page, start).pop()["detail"]
    assert team["intention"] == "START_TRIAL" and team["quantities"] == {"feature-seats": 5}
    python_side = [
        e["detail"]["planId"] for e in python_events(widget_page) if e["name"] == SELECTED
    ]
    assert python_side[-2:] == ["plan-stigg-pro", "plan-stigg-team"]


def test_portal_and_prompt_buttons_fire_manage_subscription(widget_page: Page) -> None:
    start = len(dom_events(widget_page))
    widget_page.locator("#portal").get_by_role("button", name="Manage subscription").click()
    # By keyboard too: the prompt's button is a real button.
    widget_page.locator("#prompt").get_by_role("button", name="See plans").press("Enter")
    fired = [e for e in dom_events(widget_page, start) if e["name"] == MANAGE]
    assert [(e["target"], e["detail"]) for e in fired] == [
        ("portal", {"intention": "MANAGE_SUBSCRIPTION"}),
        ("prompt", {"intention": "UPGRADE_PLAN", "planId": "plan-stigg-team"}),
    ]
    assert all(e["bubbles"] and e["composed"] and e["cancelable"] for e in fired)


def test_ready_fires_once_per_data_load_not_per_render(widget_page: Page) -> None:
    """Toggling the period or a quantity re-renders the same data: no new `stigg-ready`;
    an attribute change loads again: exactly one, from that element, with its tag."""
    paywall = widget_page.locator("#paywall")
    start = len(dom_events(widget_page))
    paywall.locator('input[value="ANNUALLY"]').check()
    expect(paywall.locator("section.paywall")).to_have_attribute("data-billing-period", "ANNUALLY")
    paywall.locator('input[value="MONTHLY"]').check()
    quantity = paywall.locator('li[data-plan-id="plan-stigg-team"] input[data-action="quantity"]')
    quantity.fill("3")
    quantity.press("Tab")
    expect(paywall.locator('li[data-plan-id="plan-stigg-team"]')).to_have_attribute(
        "data-intention", "START_TRIAL"
    )
    assert [e for e in dom_events(widget_page, start) if e["name"] == READY] == []
    table = widget_page.locator("#table")
    table.evaluate("el => el.billingPeriod = 'ANNUALLY'")
    widget_page.wait_for_function(
        f"window.stiggEvents.slice({start}).some(e => e.name === '{READY}')"
    )
    widget_page.wait_for_timeout(300)  # a second, unwanted one would come right after
    ready = [e for e in dom_events(widget_page, start) if e["name"] == READY]
    assert [(e["target"], e["detail"]) for e in ready] == [
        ("table", {"tag": "stigg-pricing-table"})
    ]
    assert ready[0]["bubbles"] and ready[0]["composed"] and ready[0]["cancelable"]
    table.evaluate("el => el.billingPeriod = 'MONTHLY'")


def test_python_subscribers_get_the_dom_events_payloads(widget_page: Page) -> None:
    """Every event the page saw (ready, period change, plan selected, manage subscription),
    in the same order and with the same detail, reached the Python subscribers."""
    paywall = widget_page.locator("#paywall")
    paywall.locator('input[value="ANNUALLY"]').check()
    paywall.locator('input[value="MONTHLY"]').check()
    paywall.locator('li[data-plan-id="plan-stigg-pro"] button.cta').click()
    widget_page.locator("#portal").get_by_role("button", name="Manage subscription").click()
    dom = dom_events(widget_page)
    assert {e["name"] for e in dom} >= {SELECTED, PERIOD, MANAGE, READY}
    assert all(e["bubbles"] and e["composed"] and e["cancelable"] for e in dom)
    widget_page.wait_for_function(
        f"JSON.parse(document.getElementById('py-events').textContent).length >= {len(dom)}"
    )
    expected = [{"name": e["name"], "target": e["target"], "detail": e["detail"]} for e in dom]
    assert python_events(widget_page)[: len(dom)] == expected


def test_uncancelled_selection_follows_cta_href(widget_page: Page) -> None:
    paywall = widget_page.locator("#paywall")
    paywall.evaluate("el => el.ctaHref = '#chosen-{planId}-{billingPeriod}'")
    paywall.locator('li[data-plan-id="plan-stigg-pro"] button.cta').click()
    widget_page.wait_for_function("location.hash === '#chosen-plan-stigg-pro-MONTHLY'")
    widget_page.evaluate(
        "history.replaceState(null, '', location.pathname);"
        "document.addEventListener('stigg-plan-selected', e => e.preventDefault(), {once: true})"
    )
    paywall.locator('li[data-plan-id="plan-stigg-pro"] button.cta').click()
    widget_page.wait_for_timeout(300)
    assert widget_page.evaluate("location.hash") == ""
    paywall.evaluate("el => el.ctaHref = null")


def test_server_rendered_paywall_is_hydrated_not_rerendered(widget_page: Page) -> None:
    ssr = widget_page.locator("#ssr")
    expect(ssr).to_have_attribute("data-hydrated", "true")
    assert ssr.locator("section.paywall").get_attribute("data-original") == "server"
    ssr.locator('input[value="ANNUALLY"]').check()
    expect(ssr.locator('li[data-plan-id="plan-stigg-pro"] .price')).to_contain_text("$120")
    assert ssr.locator("section.paywall").get_attribute("data-original") is None


def test_attribute_change_rerenders(widget_page: Page) -> None:
    table = widget_page.locator("#table")
    table.evaluate("el => el.layout = 'cards'")
    expect(table.locator("li.plan")).to_have_count(3)
    table.evaluate("el => el.layout = 'table'")
    expect(table.locator("table.comparison")).to_be_visible()


def test_widgets_follow_usage_changes_live(widget_page: Page, emulator: EmulatorProcess) -> None:
    api = server(emulator)
    usage = {"customerId": CUSTOMER_ID, "featureId": "feature-demo-03"}
    expect(widget_page.locator("#gate-usage")).to_have_attribute("data-access", "granted")
    api.data(REPORT, {"input": {**usage, "value": 2, "updateBehavior": "SET"}})
    try:
        meter = widget_page.locator("#meter .usage-meter")
        expect(meter).to_have_attribute("data-usage-level", "exceeded", timeout=30_000)
        expect(meter.locator("meter")).to_have_attribute("aria-valuetext", "2 of 2 requests used")
        expect(widget_page.locator("#gate-usage")).to_have_attribute("data-access", "denied")
        expect(widget_page.get_by_text("Request quota used up")).to_be_visible()
        expect(widget_page.locator("#portal .usage-meter")).to_have_attribute(
            "data-usage-level", "exceeded"
        )
    finally:
        api.data(REPORT, {"input": {**usage, "value": 0, "updateBehavior": "SET"}})
    expect(widget_page.locator("#gate-usage")).to_have_attribute(
        "data-access", "granted", timeout=30_000
    )


def test_warning_at_attribute_moves_the_meter_threshold(
    widget_page: Page, emulator: EmulatorProcess
) -> None:
    """1 of 2 requests used is 50 %: fine under the default 70 %, a warning at warning-at=50."""
    api = server(emulator)
    usage = {"customerId": CUSTOMER_ID, "featureId": "feature-demo-03"}
    meter = widget_page.locator("#meter")
    api.data(REPORT, {"input": {**usage, "value": 1, "updateBehavior": "SET"}})
    try:
        expect(meter.locator(".usage-value")).to_have_text("1 of 2 requests used", timeout=30_000)
        expect(meter.locator(".usage-meter")).to_have_attribute("data-usage-level", "ok")
        meter.evaluate("el => el.warningAt = '50'")
        expect(meter.locator(".usage-meter")).to_have_attribute("data-usage-level", "warning")
        expect(meter.locator("meter")).to_have_attribute("low", "1")
        expect(meter).to_contain_text("Approaching the limit")
        # Others keep the default.
        expect(widget_page.locator("#meter-bare .usage-meter")).to_have_attribute(
            "data-usage-level", "ok"
        )
    finally:
        meter.evaluate("el => el.warningAt = null")
        api.data(REPORT, {"input": {**usage, "value": 0, "updateBehavior": "SET"}})
    expect(meter.locator(".usage-value")).to_have_text("0 of 2 requests used", timeout=30_000)


def test_part_names_are_styleable_from_the_page(widget_page: Page) -> None:
    """The page's `stigg-paywall::part(cta) { letter-spacing: .01em }` reaches the CTAs inside
    the shadow root; page CSS without ::part() does not. The assertions retry: a live update
    from an earlier test may re-render the paywall, which detaches the element just read."""
    paywall = widget_page.locator("#paywall")
    expect(paywall.locator("button.cta").first).to_have_css("letter-spacing", "0.16px")
    expect(widget_page.locator("#prompt button.cta")).to_have_css("letter-spacing", "normal")
    style = widget_page.add_style_tag(
        content="stigg-paywall::part(plan-name) { color: rgb(200, 0, 100) } "
        "button.cta, h3 { color: rgb(0, 200, 0) !important }"
    )
    try:
        expect(paywall.locator("li.plan h3").first).to_have_css("color", "rgb(200, 0, 100)")
        expect(paywall.locator("button.cta").nth(1)).not_to_have_css("color", "rgb(0, 200, 0)")
    finally:
        style.evaluate("el => el.remove()")


def test_meter_without_entitlement_and_prompt_beyond_the_current_plan(widget_page: Page) -> None:
    """Starter has no API calls: the meter says so. Starter allows 2 requests (demo-03), 0 used:
    the prompt must name another plan, not the customer's own Starter."""
    widget_page.evaluate(
        """() => { for (const [tag, id, feature] of [
            ['stigg-usage-meter', 'meter-none', 'feature-api-calls'],
            ['stigg-upgrade-prompt', 'prompt-demo', 'feature-demo-03']]) {
          const el = document.createElement(tag); el.id = id;
          el.setAttribute('feature-id', feature); document.body.append(el); } }"""
    )
    try:
        meter = widget_page.locator("#meter-none .usage-meter")
        expect(meter).to_contain_text("Not included in your plan")
        expect(meter).not_to_contain_text("unlimited")
        expect(meter.locator("meter")).to_have_count(0)
        prompt = widget_page.locator("#prompt-demo .upgrade-prompt")
        expect(prompt).to_have_attribute("data-plan-id", re.compile(r"^plan-stigg-(pro|team)$"))
    finally:
        widget_page.evaluate(
            "() => ['meter-none', 'prompt-demo'].forEach(i => document.getElementById(i).remove())"
        )


FOCUSED = """() => { const host = document.activeElement;
  const inner = host && host.shadowRoot && host.shadowRoot.activeElement;
  if (!inner) return host ? host.id || host.localName : null;
  return host.id + ' ' + (inner.dataset.action || inner.localName) + ':'
    + (inner.dataset.planId || inner.value || ''); }"""


def test_tab_order_follows_the_cards(widget_page: Page) -> None:
    """One stop for the period radio group, then each card in order: its quantity, its CTA
    (the current plan's disabled one is skipped), its add-ons; then on to the next element."""
    paywall = widget_page.locator("#paywall")
    paywall.locator('input[data-action="period"]:checked').focus()
    stops = []
    for _ in range(6):
        widget_page.keyboard.press("Tab")
        stops.append(widget_page.evaluate(FOCUSED))
    assert stops == [
        "paywall select:plan-stigg-pro",
        "paywall addon:plan-stigg-pro",
        "paywall quantity:plan-stigg-team",
        "paywall select:plan-stigg-team",
        "paywall addon:plan-stigg-team",
        "table period:MONTHLY",
    ]
    widget_page.keyboard.press("Shift+Tab")
    assert widget_page.evaluate(FOCUSED) == "paywall addon:plan-stigg-team"


def test_quantity_by_arrow_keys_and_addon_by_space(widget_page: Page) -> None:
    paywall = widget_page.locator("#paywall")
    team = paywall.locator('li[data-plan-id="plan-stigg-team"]')
    seats = team.locator('input[data-action="quantity"]')
    seats.fill("2")
    seats.press("Enter")
    seats.focus()
    widget_page.keyboard.press("ArrowUp")
    widget_page.keyboard.press("ArrowUp")
    expect(seats).to_have_value("4")
    widget_page.keyboard.press("ArrowDown")
    expect(seats).to_have_value("3")
    widget_page.keyboard.press("Tab")  # commits the value: the card re-renders, focus moves on
    assert widget_page.evaluate(FOCUSED) == "paywall select:plan-stigg-team"
    expect(seats).to_have_value("3")
    addon = team.locator('input[data-action="addon"]')
    addon.focus()
    widget_page.keyboard.press("Space")
    expect(addon).to_be_checked()
    start = len(dom_events(widget_page))
    team.locator("button.cta").focus()
    widget_page.keyboard.press("Space")
    detail = [e for e in dom_events(widget_page, start) if e["name"] == SELECTED][-1]["detail"]
    assert detail["quantities"] == {"feature-seats": 3}
    assert detail["addons"] == ["addon-extra-requests"]
    addon.focus()
    widget_page.keyboard.press("Space")
    expect(addon).not_to_be_checked()


def test_no_page_errors(widget_page: Page) -> None:
    assert widget_page.errors == []  # type: ignore[attr-defined]
