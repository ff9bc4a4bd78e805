"""Widgets in real Chromium, read-only checks on a fresh page: rendering, a11y, screenshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.widgets.conftest import (
    MAX_DIFF_RATIO,
    WidgetSite,
    assert_matches_baseline,
    diff_ratio,
    dom_events,
    open_widget_page,
    serious_axe_violations,
)


@pytest.fixture(scope="module")
def widget_page(browser: Browser, widget_site: WidgetSite) -> Iterator[Page]:
    yield from open_widget_page(browser, widget_site)


def test_paywall_renders_plans_from_the_emulator(widget_page: Page) -> None:
    paywall = widget_page.locator("#paywall")
    plans = paywall.locator("li.plan")
    expect(plans).to_have_count(3)  # Enterprise is hidden from the paywall
    expect(plans.locator("h3")).to_have_text(["Starter", "Pro", "Team"])
    starter = paywall.locator('li.plan[data-plan-id="plan-stigg-starter"]')
    expect(starter).to_have_attribute("data-current", "")
    expect(starter.locator("button.cta")).to_be_disabled()
    expect(paywall.locator('li[data-plan-id="plan-stigg-pro"] .price')).to_contain_text("$12")
    team = paywall.locator('li[data-plan-id="plan-stigg-team"]')
    expect(team.locator(".badge-recommended")).to_be_visible()
    # The Team plan does not grant the seat feature; its price's own feature names the unit.
    expect(team.locator(".price")).to_contain_text("$10 per seat / month")
    expect(team.locator(".quantity")).to_contain_text("Number of seats")
    expect(paywall.locator('[role="radiogroup"]')).to_have_attribute("aria-label", "Billing period")
    expect(paywall.locator(".save")).to_have_text("Save 16%")  # 120 vs 12 x 12
    table = widget_page.locator("#table table.comparison")
    expect(table.locator('thead th[scope="col"]')).to_have_count(4)
    expect(widget_page.locator("#table")).to_have_attribute("data-state", "ready")


def test_each_element_fires_ready_once_with_its_tag(widget_page: Page) -> None:
    """One `stigg-ready` per element for its first data load (the SDK filling its cache at
    start-up is not a second one), the server-rendered paywall included."""
    elements = widget_page.evaluate(
        """[...document.querySelectorAll('main [id]')]
          .filter(e => e.localName.startsWith('stigg-')).map(e => [e.id, e.localName])"""
    )
    widget_page.wait_for_timeout(500)
    ready = [e for e in dom_events(widget_page) if e["name"] == "stigg-ready"]
    assert sorted((e["target"], e["detail"]["tag"]) for e in ready) == sorted(
        (element_id, tag) for element_id, tag in elements
    )
    assert all(e["bubbles"] and e["composed"] and e["cancelable"] for e in ready)


def test_gates_meter_prompt_and_portal(widget_page: Page) -> None:
    expect(widget_page.locator("#gate-granted")).to_have_attribute("data-access", "granted")
    expect(widget_page.get_by_text("Granted content")).to_be_visible()
    expect(widget_page.get_by_text("Denied content")).to_be_hidden()
    expect(widget_page.locator("#gate-denied")).to_have_attribute("data-access", "denied")
    expect(widget_page.get_by_text("Upgrade to use API calls")).to_be_visible()
    expect(widget_page.get_by_text("Secret content")).to_be_hidden()
    # Team inherits Pro's API calls and one seat costs $10 a month, less than Pro's $12.
    expect(widget_page.locator("#prompt .upgrade-prompt")).to_have_attribute(
        "data-plan-id", "plan-stigg-team"
    )
    meter = widget_page.locator("#meter meter")
    expect(meter).to_have_attribute("aria-valuetext", "0 of 2 requests used")
    portal = widget_page.locator("#portal")
    expect(portal.locator("h4")).to_have_text(["Starter"])
    expect(portal.locator(".usage-meter")).to_have_count(1)
    expect(portal.get_by_text("Billed to First customer")).to_be_visible()


def test_hide_label_hides_the_meter_name_visually_but_keeps_it_for_assistive_tech(
    widget_page: Page,
) -> None:
    labelled = widget_page.locator("#meter")
    bare = widget_page.locator("#meter-bare")
    expect(bare.locator("meter")).to_have_attribute("aria-valuetext", "0 of 2 requests used")
    name = labelled.locator(".usage-name").inner_text()
    expect(bare.locator("meter")).to_have_accessible_name(name)
    expect(labelled.locator("meter")).to_have_accessible_name(name)
    shown = labelled.locator(".usage-name").bounding_box()
    hidden = bare.locator(".usage-name").bounding_box()
    assert shown is not None and shown["width"] > 20
    assert hidden is not None and hidden["width"] <= 1 and hidden["height"] <= 1
    # The value text takes the label's place at the start of the header.
    value = bare.locator(".usage-value").bounding_box()
    meter = bare.locator("meter").bounding_box()
    assert value is not None and meter is not None and abs(value["x"] - meter["x"]) < 1


def test_no_widget_overflows_a_375px_wide_screen(widget_page: Page) -> None:
    size = widget_page.viewport_size
    widget_page.set_viewport_size({"width": 375, "height": 800})
    try:
        # Wide content (the comparison table) scrolls inside its own container, never the page.
        widths = widget_page.evaluate(
            """() => [...document.querySelectorAll('main > *')]
              .filter(e => e.tagName.startsWith('STIGG-'))
              .map(e => [e.id, Math.round(e.getBoundingClientRect().right)])"""
        )
        assert widths and all(right <= 375 for _, right in widths), widths
        assert widget_page.evaluate("document.documentElement.scrollWidth") <= 375
        scroller = widget_page.locator("#table .table-scroll")
        assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    finally:
        widget_page.set_viewport_size(size or {"width": 1280, "height": 720})


def test_portal_meters_are_list_items_with_a_visible_track(widget_page: Page) -> None:
    portal = widget_page.locator("#portal")
    item = portal.locator("ul.meters > li")
    expect(item).to_have_count(1)
    expect(item.locator(".usage-name")).to_have_css("font-weight", "600")
    track = item.locator("meter").evaluate("el => getComputedStyle(el).backgroundColor")
    surface = portal.locator(".section-usage").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert track != surface and track != "rgba(0, 0, 0, 0)"


def test_locale_attribute_and_text_overrides(widget_page: Page) -> None:
    expect(widget_page.locator("#meter-de .usage-value")).to_have_text("0 von 2 requests genutzt")
    expect(widget_page.locator("#meter-de .reset")).to_contain_text("Wird am")
    # the reset date depends on when the emulator started the subscription: shape only
    expect(widget_page.locator("#meter-de .reset")).to_contain_text(
        re.compile(r"\d{2}\.\d{2}\.\d{4}")
    )
    expect(widget_page.locator("#prompt-custom .cta")).to_have_text("Compare plans")
    expect(widget_page.locator("#prompt .cta")).to_have_text("See plans")


def test_axe_reports_no_serious_violations(widget_page: Page) -> None:
    assert serious_axe_violations(widget_page) == []


@pytest.mark.parametrize(
    "element_id", ["paywall", "table", "portal", "meter", "gate-denied", "prompt"]
)
def test_screenshots_match_baselines(
    widget_page: Page, element_id: str, artifacts_dir: Path
) -> None:
    element = widget_page.locator(f"#{element_id}")
    # Dates (and where in its period the usage chart's line ends) depend on the day the suite
    # runs: masked.
    masked = [".reset", ".chart-frame"]
    assert_matches_baseline(widget_page, element, element_id, artifacts_dir, masked)


def add_elements(page: Page, html: str) -> None:
    """Append elements to the page's main and wait until they have loaded."""
    ids = page.evaluate(
        """html => { const t = document.createElement('template'); t.innerHTML = html;
          const ids = [...t.content.children].map(e => e.id);
          document.querySelector('main').append(t.content); return ids; }""",
        html,
    )
    for element_id in ids:
        expect(page.locator(f"#{element_id}")).not_to_have_attribute("data-state", "loading")


def remove_elements(page: Page, *ids: str) -> None:
    page.evaluate("ids => ids.forEach(id => document.getElementById(id)?.remove())", list(ids))


def test_portal_empty_state(widget_page: Page) -> None:
    """A product the customer has no subscription to: the portal says so in its plans section."""
    add_elements(
        widget_page,
        '<stigg-customer-portal id="portal-empty" product-id="product-workspaces">'
        "</stigg-customer-portal>",
    )
    try:
        portal = widget_page.locator("#portal-empty")
        expect(portal).to_have_attribute("data-state", "ready")
        expect(portal.locator('[part="empty"]')).to_have_text("No subscription yet.")
        expect(portal.locator("h4")).to_have_count(0)
        assert serious_axe_violations(widget_page) == []
    finally:
        remove_elements(widget_page, "portal-empty")


def test_theme_auto_follows_the_color_scheme(widget_page: Page, artifacts_dir: Path) -> None:
    add_elements(
        widget_page,
        '<stigg-usage-meter id="meter-auto" feature-id="feature-demo-03" theme="auto">'
        "</stigg-usage-meter>",
    )
    meter = widget_page.locator("#meter-auto")
    background = "el => getComputedStyle(el).backgroundColor"
    text = "el => getComputedStyle(el.shadowRoot.querySelector('.usage-name')).color"
    try:
        widget_page.emulate_media(color_scheme="light")
        assert meter.evaluate(background) == "rgba(0, 0, 0, 0)"
        light_text = meter.evaluate(text)
        widget_page.emulate_media(color_scheme="dark")
        # The dark surface and text, as theme="dark" has them (the comparison table).
        assert meter.evaluate(background) == "rgb(22, 24, 31)"
        assert meter.evaluate(text) == "rgb(236, 238, 244)" != light_text
        assert widget_page.locator("#table").evaluate(background) == "rgb(22, 24, 31)"
        assert widget_page.locator("#meter").evaluate(background) == "rgba(0, 0, 0, 0)"
        assert_matches_baseline(widget_page, meter, "meter-auto-dark", artifacts_dir, [".reset"])
    finally:
        widget_page.emulate_media(color_scheme="light")
        remove_elements(widget_page, "meter-auto")


def test_diff_detects_a_changed_widget(widget_page: Page) -> None:
    before = widget_page.locator("#prompt").screenshot(animations="disabled")
    widget_page.evaluate(
        "document.getElementById('prompt').style.setProperty('--stigg-color-primary', '#d10000')"
    )
    after = widget_page.locator("#prompt").screenshot(animations="disabled")
    widget_page.evaluate(
        "document.getElementById('prompt').style.removeProperty('--stigg-color-primary')"
    )
    assert diff_ratio(widget_page, before, after) > MAX_DIFF_RATIO


def test_no_page_errors(widget_page: Page) -> None:
    assert widget_page.errors == []  # type: ignore[attr-defined]


def test_gates_pick_the_check_of_the_features_type(widget_page: Page) -> None:
    """Numeric gates compare `min-value` with the value (they used to ask the boolean check and
    deny); an ENUM gate asks for its `requested-values` (Starter has no export formats)."""
    add_elements(
        widget_page,
        '<stigg-gate id="gate-min-ok" feature-id="feature-demo-01" min-value="50">'
        '<p>Fifty fit</p><p slot="denied">Fifty do not fit</p></stigg-gate>'
        '<stigg-gate id="gate-min-high" feature-id="feature-demo-01" min-value="500">'
        '<p>Five hundred fit</p><p slot="denied">Five hundred do not fit</p></stigg-gate>'
        '<stigg-gate id="gate-enum" feature-id="feature-export-formats" requested-values="csv">'
        '<p>CSV export</p><p slot="denied">Upgrade to export CSV</p></stigg-gate>',
    )
    try:
        expect(widget_page.locator("#gate-min-ok")).to_have_attribute("data-access", "granted")
        expect(widget_page.get_by_text("Fifty fit", exact=True)).to_be_visible()
        expect(widget_page.locator("#gate-min-high")).to_have_attribute("data-access", "denied")
        expect(widget_page.get_by_text("Five hundred do not fit")).to_be_visible()
        expect(widget_page.locator("#gate-enum")).to_have_attribute("data-access", "denied")
        expect(widget_page.get_by_text("Upgrade to export CSV")).to_be_visible()
        expect(widget_page.get_by_text("CSV export", exact=True)).to_be_hidden()
        assert serious_axe_violations(widget_page) == []
    finally:
        remove_elements(widget_page, "gate-min-ok", "gate-min-high", "gate-enum")
