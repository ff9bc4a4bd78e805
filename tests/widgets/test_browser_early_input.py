"""Input on server-rendered widgets before Python is live: recorded by the shim, replayed in order.

Each test does the same input on `/early` (a server-rendered paywall with `cta-href` and a
customer portal) once at first paint and once after hydration, and expects the same outcome: the
same `stigg-*` events with the same payloads and the same navigation. "held" holds Pyodide's
wasm back until the input is done, so it surely lands before Python starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import HeldPython, collect_errors
from tests.widgets.conftest import (
    PYODIDE_TIMEOUT_MS,
    WidgetSite,
    dom_events,
)

HYDRATED = (
    "['early-paywall', 'early-portal'].every(id => "
    "document.getElementById(id).dataset.hydrated === 'true')"
)
CANCEL_SELECTION = (
    "document.addEventListener('stigg-plan-selected', e => e.preventDefault(), {once: true})"
)


class EarlyPage:
    """`/early` in a fresh context; with `held`, Pyodide's wasm waits for `release()`."""

    def __init__(self, browser: Browser, site: WidgetSite, *, held: bool) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.python = HeldPython(self.context, holding=held)
        self.page = self.context.new_page()
        self.page.set_default_timeout(PYODIDE_TIMEOUT_MS)
        self.errors = collect_errors(self.page)
        self.page.goto(site.url + "early")
        expect(self.page.locator("#early-paywall button.cta").first).to_be_visible()
        if held:
            self.python.wait_until_held(self.page)

    def release(self) -> None:
        self.python.release()

    def hydrate(self) -> None:
        self.release()
        try:
            self.page.wait_for_function(HYDRATED, timeout=30_000)
        except Exception as error:
            raise AssertionError(f"not hydrated; page errors: {self.errors}") from error

    def events(self) -> list[tuple[str, str, Any]]:
        """The events that reached the document, without `stigg-ready` (fired per load)."""
        return [
            (e["name"], e["target"], e["detail"])
            for e in dom_events(self.page)
            if e["name"] != "stigg-ready"
        ]

    def close(self) -> None:
        self.release()
        self.context.close()


@pytest.fixture
def early_pages(browser: Browser, widget_site: WidgetSite) -> Iterator[Callable[..., EarlyPage]]:
    opened: list[EarlyPage] = []

    def open_page(*, held: bool) -> EarlyPage:
        opened.append(EarlyPage(browser, widget_site, held=held))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


def period_by_keyboard(page: Page) -> None:
    page.locator('#early-paywall input[value="MONTHLY"]').focus()
    page.keyboard.press("ArrowRight")


def seats_and_addon(page: Page) -> None:
    team = page.locator('#early-paywall li[data-plan-id="plan-stigg-team"]')
    seats = team.locator('input[data-action="quantity"]')
    seats.fill("4")
    seats.press("Tab")
    team.locator('input[data-action="addon"]').check()


def cta_by_keyboard(page: Page) -> None:
    page.locator('#early-paywall li[data-plan-id="plan-stigg-team"] button.cta').press("Enter")


def cta_click(page: Page) -> None:
    page.locator('#early-paywall li[data-plan-id="plan-stigg-pro"] button.cta').click()


def portal_manage(page: Page) -> None:
    page.locator("#early-portal").get_by_role("button", name="Manage subscription").click()


INPUTS: dict[str, tuple[Callable[[Page], None], ...]] = {
    "cta-click": (cta_click,),
    "period-seats-addon-cta-by-keyboard": (period_by_keyboard, seats_and_addon, cta_by_keyboard),
    "portal-manage": (portal_manage,),
}


def announced_before_python(events: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """The leading period changes of `events`: the shim switches the period and fires them."""
    leading = []
    for event in events:
        if event[0] != "stigg-billing-period-change":
            break
        leading.append(event)
    return leading


def outcome(early: EarlyPage) -> tuple[list[tuple[str, str, Any]], str]:
    """The events and the location hash once the element's input has been handled."""
    page = early.page
    if any(name == "stigg-plan-selected" for name, _, _ in early.events()):
        page.wait_for_timeout(200)  # a cancelled selection must not navigate late either
    return early.events(), str(page.evaluate("location.hash"))


@pytest.mark.parametrize("held", [True, False], ids=["python-held", "racing"])
@pytest.mark.parametrize("inputs", INPUTS.values(), ids=INPUTS.keys())
def test_input_at_first_paint_matches_input_after_hydration(
    early_pages: Callable[..., EarlyPage], inputs: tuple[Callable[[Page], None], ...], held: bool
) -> None:
    after = early_pages(held=False)
    after.hydrate()
    for step in inputs:
        step(after.page)
    expected = outcome(after)
    assert expected[0], "the input fired no event after hydration"

    early = early_pages(held=held)
    for step in inputs:
        step(early.page)
    if held and inputs[0] is cta_click:
        # A CTA with `cta-href` and nothing noted before it: the shim acts at once, no Python.
        early.page.wait_for_function("location.hash !== ''")
        assert outcome(early) == expected
    elif held:
        # Only a period toggle acts before Python (its rendering came with the page); what
        # follows it waits for Python.
        assert early.events() == announced_before_python(expected[0])
        assert early.page.evaluate("location.hash") == ""
    early.hydrate()
    early.page.wait_for_function(
        "n => window.stiggEvents.filter(e => e.name !== 'stigg-ready').length >= n",
        arg=len(expected[0]),
    )
    assert outcome(early) == expected
    assert early.errors == []


def test_cancelled_selection_at_first_paint_does_not_navigate(
    early_pages: Callable[..., EarlyPage], artifacts_dir: Path
) -> None:
    early = early_pages(held=True)
    early.page.evaluate(CANCEL_SELECTION)
    cta_click(early.page)
    # Handled by the shim with Python still held: the event fired, was cancelled, went nowhere.
    selected = [e for e in early.events() if e[0] == "stigg-plan-selected"]
    assert [detail["planId"] for _, _, detail in selected] == ["plan-stigg-pro"]
    early.page.wait_for_timeout(300)
    assert early.page.evaluate("location.hash") == ""
    pro = early.page.locator('#early-paywall li[data-plan-id="plan-stigg-pro"]')
    expect(pro.locator("button.cta")).not_to_have_attribute("data-pending", "")
    early.hydrate()
    # The same click once live (not cancelled now) goes where `cta-href` says.
    cta_click(early.page)
    early.page.wait_for_function("location.hash === '#chosen-plan-stigg-pro'")
    assert len([e for e in early.events() if e[0] == "stigg-plan-selected"]) == 2


def test_cta_after_noted_input_waits_its_turn(
    early_pages: Callable[..., EarlyPage], artifacts_dir: Path
) -> None:
    """A seat change noted before Python is live keeps the CTA behind it (order kept)."""
    early = early_pages(held=True)
    seats_and_addon(early.page)
    cta_click(early.page)
    pro = early.page.locator('#early-paywall li[data-plan-id="plan-stigg-pro"]')
    expect(pro.locator("button.cta")).to_have_attribute("data-pending", "")  # noted, shown so
    pro.screenshot(path=str(artifacts_dir / "widgets-cta-pending.png"))
    assert early.events() == []
    early.hydrate()
    early.page.wait_for_function("location.hash === '#chosen-plan-stigg-pro'")
    names = [name for name, _, _ in early.events()]
    assert names == ["stigg-plan-selected"]


def shown_prices(page: Page) -> dict[str, str]:
    """Each plan card's price text in the early paywall, by plan id."""
    prices: dict[str, str] = page.evaluate(
        """() => Object.fromEntries([...document.getElementById('early-paywall').shadowRoot
            .querySelectorAll('li.plan')].map((card) => [card.dataset.planId,
            card.querySelector('.price')?.textContent.trim() ?? '']))"""
    )
    return prices


def test_period_toggle_at_first_paint_switches_at_once_and_the_cta_follows(
    early_pages: Callable[..., EarlyPage], artifacts_dir: Path
) -> None:
    """The server sent the annual rendering along: toggling before Python shows it at once,
    as Python shows it after hydration, with the event fired once and the CTA not held back."""
    after = early_pages(held=False)
    after.hydrate()
    period_by_keyboard(after.page)
    paywall = after.page.locator("#early-paywall section.paywall")
    expect(paywall).to_have_attribute("data-billing-period", "ANNUALLY")
    annual = shown_prices(after.page)

    early = early_pages(held=True)
    page = early.page
    monthly = shown_prices(page)
    period_by_keyboard(page)
    section = page.locator("#early-paywall section.paywall")
    expect(section).to_have_attribute("data-billing-period", "ANNUALLY")
    assert shown_prices(page) == annual
    focused = "document.getElementById('early-paywall').shadowRoot.activeElement?.value"
    assert page.evaluate(focused) == "ANNUALLY"  # the keyboard stays on the toggle
    page.locator("#early-paywall").screenshot(path=str(artifacts_dir / "widgets-early-annual.png"))
    period = ("stigg-billing-period-change", "early-paywall", {"billingPeriod": "ANNUALLY"})
    assert early.events() == [period]
    # Back and forth by keyboard: each rendering kept intact, focus on the toggle throughout.
    page.keyboard.press("ArrowLeft")
    expect(section).to_have_attribute("data-billing-period", "MONTHLY")
    assert shown_prices(page) == monthly and page.evaluate(focused) == "MONTHLY"
    page.keyboard.press("ArrowRight")
    expect(section).to_have_attribute("data-billing-period", "ANNUALLY")
    assert shown_prices(page) == annual and page.evaluate(focused) == "ANNUALLY"
    back = ("stigg-billing-period-change", "early-paywall", {"billingPeriod": "MONTHLY"})
    assert early.events() == [period, back, period]
    cta_click(page)  # nothing waits for Python: the shim follows `cta-href` at once
    page.wait_for_function("location.hash === '#chosen-plan-stigg-pro'")
    selected = [detail for name, _, detail in early.events() if name == "stigg-plan-selected"]
    assert [detail["billingPeriod"] for detail in selected] == ["ANNUALLY"]
    assert early.python.held, "Python started before the input was handled"

    early.hydrate()
    # Python caught up (annual, spare renderings gone) without firing the change again.
    spare = "document.getElementById('early-paywall').shadowRoot.querySelectorAll('template')"
    page.wait_for_function(f"{spare}.length === 0")
    assert [name for name, _, _ in early.events()].count("stigg-billing-period-change") == 3
    expect(section).to_have_attribute("data-billing-period", "ANNUALLY")
    page.locator('#early-paywall input[value="MONTHLY"]').check()
    expect(section).to_have_attribute("data-billing-period", "MONTHLY")
    assert early.errors == []
