"""Dead clicks (issue 14): a visitor clicks a plan's call to action in the first frame in which the
plans are painted; how long until that click has its outcome (the page navigates), against the
same click once the page is interactive. Their difference is the dead-click window; a click with
no outcome within CLICK_TIMEOUT_MS is lost. Both Python pages of `bench.paywall_load` (the
server-rendered `/pricing` and the no-server static page), a fresh profile per visit; the JS
reference page paints only once it is live, so its window is 0 by construction and is not run.
Also, on `/pricing`, the billing-period toggle: switched to annual in the first painted frame and
once interactive; ms until the paywall shows the annual prices (its `data-billing-period`).
"""

from __future__ import annotations

import json
import tempfile
import time

from playwright.sync_api import Page, sync_playwright

from bench.core import BenchResult, Metric, Options, benchmark
from bench.page_load import launch
from bench.paywall_load import PROBE, PRODUCT_ID, expected_plans
from bench.services import Services

RUNS = 3  # at most: the window is seconds wide, so few runs show it; keeps `make bench` short
CLICK_TIMEOUT_MS = 15_000
# A paid plan's call to action (Playwright's CSS reaches into open shadow roots).
CTA = "#paywall button.cta[data-action=select]"
WHEN = {"painted": "at first paint", "interactive": "when interactive"}


def open_until(page: Page, url: str, when: str) -> None:
    """Load `url` and return in the first frame the probe marks `when` ('painted' or
    'interactive')."""
    page.goto(url)
    page.wait_for_function(
        f"(() => window.__paywallTimes?.{when} !== undefined)()", polling="raf", timeout=120_000
    )


def click_to_outcome(page: Page, url: str, when: str) -> float | None:
    """Load `url`, wait for `when`, click the first CTA; ms until the page starts navigating, or
    None if it never does."""
    open_until(page, url, when)
    navigations: list[float] = []
    page.on(
        "request",
        lambda r: (
            navigations.append(time.monotonic())
            if r.is_navigation_request() and r.frame == page.main_frame
            else None
        ),
    )
    started = time.monotonic()
    page.locator(CTA).last.click(timeout=CLICK_TIMEOUT_MS)
    deadline = started + CLICK_TIMEOUT_MS / 1000
    while not navigations and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    return round((navigations[0] - started) * 1000, 1) if navigations else None


# In the page: switch the paywall to annual; resolves with the ms until it shows annual prices,
# or null after the timeout.
TOGGLE = """async (timeout) => {
  const root = document.getElementById('paywall').shadowRoot;
  const started = performance.now();
  root.querySelector('input[data-action=period][value=ANNUALLY]').click();
  return await new Promise((resolve) => {
    const frame = () => {
      const shown = root.querySelector('[data-billing-period]')?.dataset.billingPeriod;
      if (shown === 'ANNUALLY') resolve(performance.now() - started);
      else if (performance.now() - started > timeout) resolve(null);
      else requestAnimationFrame(frame);
    };
    frame();
  });
}"""


def toggle_to_outcome(page: Page, url: str, when: str) -> float | None:
    """Load `url`, wait for `when`, switch the period to annual; ms until annual prices show."""
    open_until(page, url, when)
    shown: float | None = page.evaluate(TOGGLE, CLICK_TIMEOUT_MS)
    return None if shown is None else round(shown, 1)


@benchmark("dead_click")
def run(options: Options, services: Services) -> BenchResult:
    """Click at first paint and after hydration on fresh profiles, interleaved."""
    probe = PROBE.replace("EXPECTED", json.dumps(expected_plans(services)))
    pages = {
        "ours": services.site.base_url + "/pricing",
        "static": services.static_site(PRODUCT_ID).url,
    }
    outcomes: dict[tuple[str, str], list[float | None]] = {
        (name, when): [] for name in pages for when in ("painted", "interactive")
    }
    toggles: dict[str, list[float | None]] = {"painted": [], "interactive": []}
    with sync_playwright() as playwright:
        for _ in range(min(options.runs, RUNS)):
            for (name, when), results in outcomes.items():
                with tempfile.TemporaryDirectory(prefix="bench-click-") as profile:
                    context = launch(playwright, profile)
                    page = context.new_page()
                    page.add_init_script(probe)
                    results.append(click_to_outcome(page, pages[name], when))
                    context.close()
            for when, shown in toggles.items():
                with tempfile.TemporaryDirectory(prefix="bench-toggle-") as profile:
                    context = launch(playwright, profile)
                    page = context.new_page()
                    page.add_init_script(probe)
                    shown.append(toggle_to_outcome(page, pages["ours"], when))
                    context.close()
    metrics: list[Metric] = []
    for name in pages:
        at_paint = outcomes[name, "painted"]
        after = [v for v in outcomes[name, "interactive"] if v is not None]
        honoured = [v for v in at_paint if v is not None]
        metrics.append(
            Metric(f"clicks at first paint lost ({name})", "count", [at_paint.count(None)], 0.0)
        )
        if honoured:
            metrics.append(Metric(f"click at first paint → outcome ({name})", "ms", honoured))
        if after:
            metrics.append(Metric(f"click when interactive → outcome ({name})", "ms", after))
        if honoured and after:
            baseline = sorted(after)[len(after) // 2]
            metrics.append(
                Metric(
                    f"dead-click window ({name})",
                    "ms",
                    [max(0.0, v - baseline) for v in honoured],
                    0.0,
                )
            )
    for when, shown in toggles.items():
        seen = [v for v in shown if v is not None]
        if seen:
            metrics.append(Metric(f"period toggle {WHEN[when]} → annual shown (ours)", "ms", seen))
        metrics.append(
            Metric(f"period toggles {WHEN[when]} lost (ours)", "count", [shown.count(None)], 0.0)
        )
    details = {
        "cta": CTA,
        "toggle_ms": toggles,
        "click_timeout_ms": CLICK_TIMEOUT_MS,
        "outcomes_ms": {f"{n} {w}": v for (n, w), v in outcomes.items()},
    }
    return BenchResult("dead_click", metrics, details)
