"""Fixtures for the widget browser tests: the widget test site and one shared page per module."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from demo_site.process import ensure_runtime, free_port
from tests.conftest import TEST_CATALOG, database_url_for
from tests.support.processes import EmulatorProcess

SERVER = Path(__file__).with_name("widget_server.py")
BASELINES = Path(__file__).with_name("baselines")
UPDATE_BASELINES = os.environ.get("UPDATE_WIDGET_BASELINES") == "1"
MAX_DIFF_RATIO = 0.01
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CUSTOMER_ID = "customer-demo-01"
PYODIDE_TIMEOUT_MS = 90_000


@dataclass
class WidgetSite:
    """A running widget test server."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_site(
    emulator: EmulatorProcess,
    log: Path,
    *,
    ssr: bool,
    customer_id: str | None = CUSTOMER_ID,
    prerendered: Path | None = None,
) -> WidgetSite:
    """Start widget_server.py against `emulator` and wait for /healthz; without `customer_id`
    the pages are what an anonymous visitor sees; `prerendered` markup is served in
    `/prerendered`."""
    config = {
        "api_key": emulator.client_key,
        "base_uri": emulator.base_url,
        "edge_uri": emulator.edge_url,
        "customer_id": customer_id,
        "cache_ttl_s": 1.0,  # live-update tests: background refresh every second
        "attempts": 2,  # error-state tests: fail fast against a dead port
    }
    port = free_port()
    args = [sys.executable, str(SERVER), "--port", str(port), "--config", json.dumps(config)]
    handle = log.open("ab")
    args += ["--ssr"] if ssr else []
    args += ["--prerendered", str(prerendered)] if prerendered else []
    process = subprocess.Popen(args, stdout=handle, stderr=handle)
    site = WidgetSite(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(site.url + "healthz", timeout=2):
                return site
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    site.stop()
    raise RuntimeError(f"widget site failed:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def widget_runtime() -> None:
    """Build the runtime (with the SDK wheel that ships `widgets`) from the current tree."""
    ensure_runtime()


def open_widget_page(
    browser: Browser, site: WidgetSite, path: str = "", **context_options: Any
) -> Iterator[Page]:
    """A page (`/` or `/pricing`) with the widgets mounted and every element ready;
    `context_options` go to the browser context (e.g. `color_scheme="dark"`)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, **context_options)
    page = context.new_page()
    page.set_default_timeout(PYODIDE_TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.url + path)
    page.wait_for_function("document.body.dataset.python === 'ready'")
    page.wait_for_function(
        "[...document.querySelectorAll('main > [id]')]"
        ".filter(e => e.localName.startsWith('stigg-'))"
        ".every(e => e.dataset.state && e.dataset.state !== 'loading')"
    )
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def page_on_own_emulator(
    browser: Browser, tmp: Path, catalog: Path = TEST_CATALOG, *, ssr: bool = False
) -> Iterator[tuple[Page, EmulatorProcess]]:
    """The widget page on an emulator of its own (loaded with `catalog`), for tests that change
    the customer's data or stop the emulator without disturbing the session's one."""
    emulator = EmulatorProcess(
        database_url=database_url_for(tmp), catalog=catalog, log_path=tmp / "emulator.log"
    ).start()
    try:
        site = start_site(emulator, tmp / "site.log", ssr=ssr)
        try:
            for page in open_widget_page(browser, site):
                yield page, emulator
        finally:
            site.stop()
    finally:
        emulator.stop()


@pytest.fixture(scope="session")
def widget_site(
    widget_runtime: None, emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WidgetSite]:
    """The test page against the session's emulator, with a server-rendered paywall."""
    site = start_site(emulator, tmp_path_factory.mktemp("widgets") / "site.log", ssr=True)
    yield site
    site.stop()


def dom_events(page: Page, since: int = 0) -> list[dict[str, Any]]:
    """The `stigg-*` events that reached the document (the page records them from its start),
    from index `since` on: name, target id, detail and the bubbles/composed/cancelable flags."""
    events: list[dict[str, Any]] = page.evaluate("window.stiggEvents")
    return events[since:]


def python_events(page: Page) -> list[dict[str, Any]]:
    """What the page's Python subscribers (one per event type) received: name, target, detail."""
    received: list[dict[str, Any]] = json.loads(page.locator("#py-events").text_content() or "[]")
    return received


def serious_axe_violations(page: Page, exclude: Sequence[str] = ()) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (shadow roots
    included; not under the `exclude` selectors), each with up to three of its nodes."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """exclude => axe.run({include: [document], exclude: exclude.map(s => [s])},
          {resultTypes: ['violations']})""",
        list(exclude),
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def diff_ratio(page: Page, baseline: bytes, current: bytes) -> float:
    """Share of pixels that differ by more than a small amount, computed in a canvas."""
    return float(
        page.evaluate(
            """async ([a, b]) => {
              const load = async (data) => createImageBitmap(await (await fetch(data)).blob());
              const [x, y] = [await load(a), await load(b)];
              if (x.width !== y.width || x.height !== y.height) return 1;
              const pixels = (img) => { const c = new OffscreenCanvas(img.width, img.height);
                const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                return g.getImageData(0, 0, img.width, img.height).data; };
              const [p, q] = [pixels(x), pixels(y)];
              let differing = 0;
              for (let i = 0; i < p.length; i += 4) {
                const d = Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1])
                  + Math.abs(p[i + 2] - q[i + 2]);
                if (d > 48) differing++;
              }
              return differing / (p.length / 4);
            }""",
            [
                "data:image/png;base64," + base64.b64encode(baseline).decode(),
                "data:image/png;base64," + base64.b64encode(current).decode(),
            ],
        )
    )


def assert_matches_baseline(
    page: Page, element: Locator, name: str, artifacts_dir: Path, mask: Sequence[str] = ()
) -> None:
    """Screenshot `element` and compare it with `baselines/<name>.png` (at most 1 % of pixels
    may differ; the shot goes to the artifacts when more do). With UPDATE_WIDGET_BASELINES=1,
    or when the baseline is missing, write it instead and skip: look at it before committing."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    # Pin the element to the page's top-left corner so fractional heights of the elements above
    # it cannot shift its anti-aliasing.
    element.evaluate(
        """el => { const bg = getComputedStyle(el).backgroundColor;
          el.dataset.oldStyle = el.style.cssText;
          el.style.cssText = 'position:absolute;top:0;left:0;width:1100px;z-index:10;background:'
            + (bg === 'rgba(0, 0, 0, 0)' ? '#fff' : bg); }"""
    )
    page.evaluate("window.scrollTo(0, 0)")
    try:
        shot = element.screenshot(
            animations="disabled", mask=[element.locator(selector) for selector in mask]
        )
    finally:
        element.evaluate("el => { el.style.cssText = el.dataset.oldStyle }")
    baseline = BASELINES / f"{name}.png"
    if UPDATE_BASELINES or not baseline.exists():
        BASELINES.mkdir(exist_ok=True)
        baseline.write_bytes(shot)
        pytest.skip(f"wrote baseline {baseline.name}")
    ratio = diff_ratio(page, baseline.read_bytes(), shot)
    if ratio > MAX_DIFF_RATIO:
        (artifacts_dir / f"widget-{name}.png").write_bytes(shot)
    assert ratio <= MAX_DIFF_RATIO, f"{name}: {ratio:.2%} of pixels differ"
