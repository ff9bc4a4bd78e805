"""README "Use it on your own site", run exactly as documented: `make dist`'s folder served from one
origin with the headers the README lists, a static page holding the README's snippet served from
another origin with COOP/COEP and the README's CSP (bench/static_site.py), in Chromium."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from bench.static_site import StaticSite, readme_snippet
from tests.support.processes import REPO_ROOT, EmulatorProcess

EXAMPLE = REPO_ROOT / "examples" / "static-site" / "index.html"
PRODUCT_ID = "product-stigg"
PLAN_NAME = "Starter"  # a plan of PRODUCT_ID in tests/fixtures/catalog.yaml


def test_the_example_page_holds_the_readme_snippet() -> None:
    assert readme_snippet() in EXAMPLE.read_text()


def test_the_readme_snippet_renders_the_paywall_from_another_origin(
    emulator: EmulatorProcess, page: Page, tmp_path: Path
) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    with StaticSite(
        tmp_path,
        client_key=emulator.client_key,
        product_id=PRODUCT_ID,
        api_url=emulator.base_url,
        edge_url=emulator.edge_url,
    ) as site:
        assert not site.url.startswith(site.runtime_origin)
        page.goto(site.url)
        page.wait_for_function(
            "document.getElementById('paywall')?.dataset.state === 'ready'", timeout=60_000
        )
        paywall = "document.getElementById('paywall').shadowRoot"
        assert PLAN_NAME in page.evaluate(f"{paywall}.textContent")
        # The widget stylesheet came from the runtime origin and applies.
        assert page.evaluate(f"{paywall}.styleSheets.length") >= 1
        assert problems == []
