"""Rendered-markup snapshots: a repeat visit paints each element's last markup from localStorage
before Python starts (Python held back to prove it), for the customer the page declares only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.emulator.helpers import server
from tests.support.browser import HeldPython, collect_errors
from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import (
    PYODIDE_TIMEOUT_MS,
    WidgetSite,
    dom_events,
)

ELEMENTS = ("paywall", "table", "portal", "meter", "gate-granted", "prompt")
ALL_SETTLED = (
    "document.body.dataset.python === 'ready' && "
    "[...document.querySelectorAll('main > [id]')].filter(e => e.localName.startsWith('stigg-'))"
    ".every(e => e.dataset.state && e.dataset.state !== 'loading' && "
    "!e.hasAttribute('data-stigg-snapshot'))"
)
# [tag, [[attribute, value]...], customer] of every saved snapshot.
SAVED = """() => Object.keys(localStorage).filter(k => k.startsWith('stigg-widgets:v1:'))
  .map(k => JSON.parse(k.slice('stigg-widgets:v1:'.length)))"""


class Visitor:
    """One browser profile visiting the widget page; Python can be held back per visit."""

    def __init__(self, context: BrowserContext, site: WidgetSite) -> None:
        self.context, self.site = context, site
        self.python = HeldPython(context, holding=False)
        self.page = context.new_page()
        self.page.set_default_timeout(PYODIDE_TIMEOUT_MS)
        self.errors = collect_errors(self.page)

    def visit(self, query: str = "", *, held: bool = False) -> Page:
        """Open the page; held: wait until Python is surely blocked, else until all is loaded."""
        self.python.holding = held
        self.page.goto(self.site.url + query)
        if held:
            self.python.wait_until_held(self.page)
            self.page.wait_for_function("customElements.get('stigg-paywall') !== undefined")
        else:
            self.page.wait_for_function(ALL_SETTLED)
        return self.page

    def release(self) -> None:
        self.python.release()
        self.page.wait_for_function(ALL_SETTLED)

    def painted_from_snapshot(self) -> list[str]:
        return [
            element_id
            for element_id in ELEMENTS
            if self.page.locator(f"#{element_id}").get_attribute("data-stigg-snapshot") is not None
        ]


PROVISION = (
    "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
    "{ customer { customerId } } }"
)


@pytest.fixture(scope="module")
def other_customer(emulator: EmulatorProcess) -> str:
    """A second customer of the session's emulator, on Pro (the first one has no plan)."""
    customer_id = f"customer-snap-{uuid.uuid4().hex[:8]}"
    subscription = {"planId": "plan-stigg-pro", "billingPeriod": "MONTHLY"}
    server(emulator).data(
        PROVISION,
        {
            "input": {
                "refId": customer_id,
                "billingInformation": {"paymentMethodId": "pm_1"},
                "subscriptionParams": subscription,
            }
        },
    )
    return customer_id


@pytest.fixture
def visitor(browser: Browser, widget_site: WidgetSite) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield Visitor(context, widget_site)
    context.close()


def test_repeat_visit_paints_the_last_markup_before_python(
    visitor: Visitor, artifacts_dir: Path
) -> None:
    visitor.visit()
    page = visitor.visit(held=True)
    assert visitor.painted_from_snapshot() == list(ELEMENTS)
    paywall, portal = page.locator("#paywall"), page.locator("#portal")
    expect(paywall.locator('li[data-plan-id="plan-stigg-pro"] .price')).to_contain_text("$12")
    expect(paywall).to_have_attribute("data-state", "ready")
    expect(portal.get_by_role("button", name="Manage subscription")).to_be_visible()
    assert page.evaluate("document.body.dataset.python") is None  # Python has not run
    page.screenshot(path=str(artifacts_dir / "widgets-snapshot-painted.png"), full_page=True)
    # A click on the painted markup is kept for Python, like one on server-rendered markup.
    paywall.locator('li[data-plan-id="plan-stigg-pro"] button.cta').click()
    visitor.release()  # fresh data replaces the snapshot
    assert visitor.painted_from_snapshot() == []
    selected = [e for e in dom_events(page) if e["name"] == "stigg-plan-selected"]
    assert [(e["target"], e["detail"]["planId"]) for e in selected] == [
        ("paywall", "plan-stigg-pro")
    ]
    expect(paywall.locator('li[data-plan-id="plan-stigg-pro"] .price')).to_contain_text("$12")
    assert visitor.errors == [], "\n".join(visitor.errors[:12])


def test_another_customer_never_sees_it_and_a_customer_change_clears_it(
    visitor: Visitor, other_customer: str
) -> None:
    page = visitor.visit()
    assert {saved[2] for saved in page.evaluate(SAVED)} == {"customer-demo-01"}
    visitor.visit(f"?customer={other_customer}", held=True)
    assert visitor.painted_from_snapshot() == []
    expect(page.locator("#portal")).to_have_attribute("data-state", "loading")
    visitor.release()
    # Python saved the other customer's markup, which dropped customer-demo-01's.
    assert {saved[2] for saved in page.evaluate(SAVED)} == {other_customer}
    visitor.visit(held=True)
    assert visitor.painted_from_snapshot() == []
    visitor.release()
    # The SDK's customer switch inside the page does the same.
    page.evaluate("id => window.stiggSetCustomer(id)", other_customer)
    expect(page.locator("#paywall")).to_have_attribute("data-current-plan", "plan-stigg-pro")
    assert {saved[2] for saved in page.evaluate(SAVED)} == {other_customer}
    assert visitor.errors == [], "\n".join(visitor.errors[:12])


def test_expired_old_version_and_corrupt_entries_are_ignored_quietly(visitor: Visitor) -> None:
    page = visitor.visit()
    page.evaluate(
        """() => {
          // The key of the element with exactly these attributes (in the shim's order).
          const find = (tag, attributes) => Object.keys(localStorage).find(k => {
            const [t, config] = JSON.parse(k.slice('stigg-widgets:v1:'.length));
            return t === tag && JSON.stringify(config) === JSON.stringify(attributes); });
          const edit = (key, change) => localStorage.setItem(key,
            JSON.stringify(change(JSON.parse(localStorage.getItem(key)))));
          const paywall = [['product-id', 'product-stigg'],
            ['highlighted-plan-id', 'plan-stigg-team'], ['billing-period', 'MONTHLY']];
          edit(find('stigg-paywall', paywall), e => ({...e, savedAt: 0}));
          edit(find('stigg-customer-portal', [['paywall-href', '#paywall']]), e => ({...e, v: 0}));
          const meter = find('stigg-usage-meter', [['feature-id', 'feature-demo-03']]);
          localStorage.setItem(meter, '{"v": 1, "html": ');
        }"""
    )
    visitor.visit(held=True)
    painted = visitor.painted_from_snapshot()
    assert "paywall" not in painted and "portal" not in painted and "meter" not in painted
    assert "table" in painted  # the untouched entries still paint
    expect(page.locator("#paywall")).to_have_attribute("data-state", "loading")
    visitor.release()
    assert visitor.errors == [], "\n".join(visitor.errors[:12])


def test_period_toggle_on_a_snapshot_switches_at_once(visitor: Visitor) -> None:
    """The snapshot keeps the paywall's other-period rendering: toggled before Python starts, it
    shows at once; Python's fresh render then lands on the same period, with one event."""
    visitor.visit()
    section = visitor.page.locator("#paywall section.paywall")
    first = section.get_attribute("data-billing-period")
    other = "MONTHLY" if first == "ANNUALLY" else "ANNUALLY"
    visitor.page.locator(f"#paywall input[data-action='period'][value='{other}']").check()
    expect(section).to_have_attribute("data-billing-period", other)
    expected_prices = visitor.page.locator("#paywall li.plan .price").all_text_contents()

    page = visitor.visit(held=True)
    assert "paywall" in visitor.painted_from_snapshot()
    expect(section).to_have_attribute("data-billing-period", str(first))
    page.locator(f"#paywall input[data-action='period'][value='{other}']").check()
    expect(section).to_have_attribute("data-billing-period", other)
    assert page.locator("#paywall li.plan .price").all_text_contents() == expected_prices
    changes = [e for e in dom_events(page) if e["name"] == "stigg-billing-period-change"]
    assert [(e["target"], e["detail"]) for e in changes] == [("paywall", {"billingPeriod": other})]
    assert page.evaluate("document.body.dataset.python") is None  # Python has not run

    visitor.release()
    expect(section).to_have_attribute("data-billing-period", other)
    assert page.locator("#paywall li.plan .price").all_text_contents() == expected_prices
    changes = [e for e in dom_events(page) if e["name"] == "stigg-billing-period-change"]
    assert len(changes) == 1
    assert visitor.errors == [], "\n".join(visitor.errors[:12])
