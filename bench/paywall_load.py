"""Paywall load (issue 9, benchmarks 1, 2 and 5; issue 14): our pricing page (`<stigg-paywall>`
rendered on the server by the Python renderers, hydrated by PyScript) and the no-server page of
README "Use it on your own site" (`bench/static_site.py`: the paywall rendered in the browser by
Python, the runtime on another origin) against a reference page on which Stigg's
`@stigg/js-client-sdk` fetches the same paywall from the same emulator and renders the same plans
into plain HTML (`bench/reference_page.py`), in the same Chromium.

Per page and visit: PAINTED, the first animation frame in which every plan's name and price is
visible in `#paywall` (shadow root included); for the Python pages also INTERACTIVE, the frame in
which Python has rendered or hydrated the paywall (`data-hydrated`, CTAs live) and the page script
finished (`body[data-python=ready]`), and the start-up breakdown (`bench.startup`). Also the
runtime's FLOOR: a page on the static site's origin that only runs `loadPyodide()` from the same
runtime folder (no package, no Python of ours), timed to the interpreter being ready: what any
Python page pays before it can do anything, in the same run as the others. Cold: a fresh
browser profile per visit, the pages interleaved. Repeat: one profile per page, a priming visit,
then visits in new tabs of that profile. Bytes:
compressed transfer (body + headers) by asset type; a disk-cache hit counts 0.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Request, sync_playwright

from bench.core import BenchResult, Metric, Options, benchmark
from bench.page_load import asset_kind, bytes_by_kind, finished_requests, launch, median_bytes
from bench.reference_page import ReferenceServer
from bench.services import Services
from bench.startup import PHASES, breakdown, resource_marks
from stigg_client import Stigg

PRODUCT_ID = "product-inkwell"
FLOOR = "floor"  # the runtime-floor page's name among the visited pages
API_KIND = "api (emulator)"  # what bench.page_load.asset_kind calls requests to the emulator
PAGE_TIMEOUT_MS = 120_000
# Issue 9 targets.
TARGET_INTERACTIVE_COLD_MS = 3000.0
TARGET_INTERACTIVE_WARM_MS = 2000.0
# Issue 14 targets: ratios to the JS reference page's painted time, medians of the same run.
PAINTED_RATIO_TARGETS = {
    ("cold", "ours"): 1.0,
    ("repeat", "ours"): 1.0,
    ("cold", "static"): 4.0,
    ("repeat", "static"): 1.0,
}
INTERACTIVE_RATIO_TARGETS = {("cold", "ours"): 3.0, ("repeat", "ours"): 2.0}
TARGET_COLD_BYTES = 6e6
TARGET_WARM_BYTES = 50e3
BYTES_TARGETS = {
    ("cold", "ours"): TARGET_COLD_BYTES,
    ("cold", "static"): TARGET_COLD_BYTES,
    ("repeat", "ours"): TARGET_WARM_BYTES,
    ("repeat", "static"): TARGET_WARM_BYTES,
}

# Runs in every frame from document creation on: records when the plans become visible, when
# ours is hydrated, and when PyScript's / the widgets' lifecycle events fire (for the breakdown).
PROBE = """
((expected) => {
  const t = {};
  window.__paywallTimes = t;
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 &&
      el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  };
  const texts = (root, out) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) texts(el.shadowRoot, out);
      for (const node of el.childNodes) {
        if (node.nodeType === 3 && node.data.trim() && visible(el)) out.push(node.data);
      }
    }
    return out;
  };
  const painted = () => {
    const host = document.getElementById('paywall');
    if (!host) return false;
    const shown = texts(host.shadowRoot || host, []).join('\\n');
    return expected.every(([name, price]) => shown.includes(name) && shown.includes(price));
  };
  const interactive = () => {
    const host = document.getElementById('paywall');
    if (!host || host.dataset.state !== 'ready') return false;
    if (host.hasAttribute('data-stigg-ssr') && host.dataset.hydrated !== 'true') return false;
    // Painted from the shim's markup snapshot or by the server: live once Python says so.
    if (host.hasAttribute('data-stigg-snapshot') || host.stiggInputLive !== true) return false;
    return !document.body.hasAttribute('data-page') || document.body.dataset.python === 'ready';
  };
  for (const name of ['py:ready', 'py:done', 'stigg-elements-defined', 'stigg-ready',
                      'DOMContentLoaded', 'load']) {
    window.addEventListener(name, () => { t[name] ??= performance.now(); }, true);
  }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) t[entry.name] ??= entry.startTime;
  }).observe({ type: 'paint', buffered: true });
  const frame = (now) => {
    const at = performance.now();
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav && nav.responseStart > 0) t.response_start ??= nav.responseStart;
    if (t.painted === undefined && painted()) t.painted = at;
    if (t.interactive === undefined && interactive()) t.interactive = at;
    if (t.painted === undefined || t.interactive === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})(EXPECTED);
"""


@dataclass
class Visit:
    """One visit: times from navigation start (ms) and bytes by asset type."""

    times: dict[str, float]
    bytes_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_by_kind.values())


def expected_plans(services: Services) -> list[tuple[str, str]]:
    """Each plan's name and monthly price text (US, USD), from the paywall the CPython SDK reads
    from the same emulator: what both pages must show."""
    emulator = services.emulator

    async def read() -> list[tuple[str, str]]:
        client = Stigg.initialize(
            api_key=emulator.client_key,
            base_uri=emulator.base_url,
            base_edge_uri=emulator.edge_url,
        )
        try:
            paywall = await client.get_paywall(product_id=PRODUCT_ID)
        finally:
            await client.close()
        plans: list[tuple[str, str]] = []
        for plan in paywall.plans:
            kind = str(getattr(plan.pricing_type, "value", plan.pricing_type))
            if kind == "FREE":
                price = "Free"
            elif kind == "CUSTOM":
                price = "Custom"
            else:
                point = next(p for p in plan.price_points if str(p.billing_period) == "MONTHLY")
                amount = float(point.amount or 0)
                price = f"${amount:,.0f}" if amount.is_integer() else f"${amount:,.2f}"
            plans.append((str(plan.display_name), price))
        return plans

    return asyncio.run(read())


def visit(
    context: BrowserContext, url: str, interactive: bool, probe: str, api_ports: set[int]
) -> Visit:
    """Open `url` in a new tab, wait until painted (and interactive), account the bytes; for an
    interactive page also read its start-up marks (`bench.startup`)."""
    with finished_requests(context) as finished:
        page = context.new_page()
        page.add_init_script(probe)
        page.goto(url)
        done = "t.painted !== undefined" + (
            " && t.interactive !== undefined" if interactive else ""
        )
        page.wait_for_function(
            f"(() => {{ const t = window.__paywallTimes; return t && {done}; }})()",
            timeout=PAGE_TIMEOUT_MS,
        )
        times: dict[str, float] = page.evaluate("window.__paywallTimes")
        if interactive:
            times.update(resource_marks(page, api_ports, float(times["interactive"])))
        else:
            times.pop("interactive", None)
        page.wait_for_timeout(300)  # let the last requestfinished events arrive

    def kind_of(request: Request) -> str:
        port = urlsplit(request.url).port
        if port in api_ports:
            return API_KIND
        return asset_kind(request.url, request.resource_type, port)

    by_kind = bytes_by_kind(finished, kind_of)
    page.close()
    return Visit({k: round(float(v), 1) for k, v in times.items()}, by_kind)


def floor_visit(context: BrowserContext, url: str) -> Visit:
    """Open the runtime-floor page in a new tab; ms from navigation until Pyodide is ready."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(
        "window.__floorTimes && window.__floorTimes.ready !== undefined", timeout=PAGE_TIMEOUT_MS
    )
    times: dict[str, float] = page.evaluate("window.__floorTimes")
    page.close()
    return Visit({k: round(float(v), 1) for k, v in times.items()})


def median_times(visits: list[Visit]) -> dict[str, float]:
    names = sorted({name for v in visits for name in v.times})
    out: dict[str, float] = {}
    for name in names:
        values = sorted(v.times[name] for v in visits if name in v.times)
        out[name] = values[len(values) // 2]
    return out


def startup_metrics(name: str, cold: list[Visit], repeat: list[Visit]) -> list[Metric]:
    """A Python page's start-up breakdown (`bench.startup`), one metric per phase and visit."""
    metrics = []
    for label, visits in (("cold", cold), ("repeat", repeat)):
        phases = [breakdown(v.times) for v in visits]
        for phase, _ in PHASES:
            values = [p[phase] for p in phases if phase in p]
            if values:
                metrics.append(Metric(f"{label}: start-up, {phase} ({name})", "ms", values))
    return metrics


@benchmark("paywall_load")
def run(options: Options, services: Services) -> BenchResult:
    """Cold visits of both pages interleaved, then repeat visits of each in its own profile."""
    plans = expected_plans(services)
    probe = PROBE.replace("EXPECTED", json.dumps(plans))
    site = services.site
    emulator = services.emulator
    reference = ReferenceServer(
        {
            "api_key": emulator.client_key,
            "base_uri": emulator.base_url,
            "edge_uri": emulator.edge_url,
            "product_id": PRODUCT_ID,
            "billing_period": "MONTHLY",
            "locale": "en-US",
        },
        services.tmp / "reference",
    ).start()
    api_ports = {urlsplit(emulator.base_url).port or 0, urlsplit(emulator.edge_url).port or 0}
    static = services.static_site(PRODUCT_ID)
    pages = {
        "ours": (site.base_url + "/pricing", True),
        "static": (static.url, True),
        "stigg_js": (reference.url, False),
    }
    names = [*pages, FLOOR]
    cold: dict[str, list[Visit]] = {name: [] for name in names}
    warm: dict[str, list[Visit]] = {name: [] for name in names}
    version = ""

    def rotated(index: int) -> list[str]:
        """Each run starts with another page, so no page always comes first."""
        return names[index % len(names) :] + names[: index % len(names)]

    def one_visit(context: BrowserContext, name: str) -> Visit:
        if name == FLOOR:
            return floor_visit(context, static.floor_url)
        url, interactive = pages[name]
        return visit(context, url, interactive, probe, api_ports)

    try:
        with sync_playwright() as playwright:
            for index in range(options.runs):
                for name in rotated(index):
                    with tempfile.TemporaryDirectory(prefix="bench-cold-") as profile:
                        context = launch(playwright, profile)
                        version = context.browser.version if context.browser else version
                        cold[name].append(one_visit(context, name))
                        context.close()
            with ExitStack() as stack:
                contexts = {
                    name: launch(
                        playwright,
                        stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-warm-")),
                    )
                    for name in names
                }
                for name, context in contexts.items():
                    one_visit(context, name)  # primes the cache
                for index in range(options.runs):
                    for name in rotated(index):
                        warm[name].append(one_visit(contexts[name], name))
                for context in contexts.values():
                    context.close()
    finally:
        reference.stop()

    def times(visits: list[Visit], key: str) -> list[float]:
        return [v.times[key] for v in visits]

    def total(visits: list[Visit]) -> list[float]:
        return [float(v.total_bytes) for v in visits]

    def own(visits: list[Visit]) -> list[float]:
        """Bytes of the page and its assets, without the emulator's API responses."""
        return [float(v.total_bytes - v.bytes_by_kind.get(API_KIND, 0)) for v in visits]

    ours = ("ours", "static")  # the two Python pages; stigg_js is the reference
    painted = {
        (label, name): Metric(f"{label}: painted ({name})", "ms", times(visits[name], "painted"))
        for label, visits in (("cold", cold), ("repeat", warm))
        for name in pages
    }
    metrics: list[Metric] = []
    for label, visits in (("cold", cold), ("repeat", warm)):
        reference_ms = painted[label, "stigg_js"].median
        metrics.append(painted[label, "stigg_js"])
        for name in ours:
            ready = Metric(
                f"{label}: interactive ({name})",
                "ms",
                times(visits[name], "interactive"),
                TARGET_INTERACTIVE_COLD_MS if label == "cold" else TARGET_INTERACTIVE_WARM_MS,
            )
            # The targets apply to ratios of medians (one value each); paired per-run ratios of
            # the painted times are in the details.
            metrics += [
                painted[label, name],
                Metric(
                    f"{label}: painted, median {name} / median stigg_js painted",
                    "ratio",
                    [painted[label, name].median / reference_ms],
                    PAINTED_RATIO_TARGETS[label, name],
                ),
                ready,
                Metric(
                    f"{label}: interactive, median {name} / median stigg_js painted",
                    "ratio",
                    [ready.median / reference_ms],
                    INTERACTIVE_RATIO_TARGETS.get((label, name)),
                ),
            ]
        floor = Metric(
            f"{label}: runtime floor, Pyodide boot only", "ms", times(visits[FLOOR], "ready")
        )
        metrics += [
            floor,
            Metric(
                f"{label}: runtime floor, median / median stigg_js painted",
                "ratio",
                [floor.median / reference_ms],
            ),
        ]
    for name in ours:
        metrics += startup_metrics(name, cold[name], warm[name])
    for name in pages:
        metrics += [
            Metric(
                f"cold: bytes ({name})",
                "bytes",
                total(cold[name]),
                BYTES_TARGETS.get(("cold", name)),
            ),
            Metric(
                f"repeat: bytes ({name})",
                "bytes",
                total(warm[name]),
                BYTES_TARGETS.get(("repeat", name)),
            ),
            Metric(f"cold: bytes without API ({name})", "bytes", own(cold[name])),
            Metric(f"repeat: bytes without API ({name})", "bytes", own(warm[name])),
        ]
    details = {
        "pages": {
            "ours": "demo site /pricing: SSR <stigg-paywall>, hydrated by PyScript",
            "static": "README snippet on a static page, runtime (make dist) on another origin: "
            "the paywall rendered in the browser by Python",
            "stigg_js": f"bench/reference: @stigg/js-client-sdk {reference.version} → plain HTML",
            FLOOR: "a page on the static site's origin that only runs loadPyodide() from the same "
            "runtime folder: no package, no PyScript, no Python of ours",
        },
        "plans": [f"{name} {price}" for name, price in plans],
        "paired_painted_ratios": {
            f"{label} {name}": [
                round(o.times["painted"] / j.times["painted"], 3)
                for o, j in zip(visits[name], visits["stigg_js"], strict=True)
            ]
            for label, visits in (("cold", cold), ("repeat", warm))
            for name in ours
        },
        "median_times_ms": {
            f"{label} {name}": median_times(visits[name])
            for label, visits in (("cold", cold), ("repeat", warm))
            for name in names
        },
        "median_bytes_by_kind": {
            f"{label} {name}": median_bytes([v.bytes_by_kind for v in visits[name]])
            for label, visits in (("cold", cold), ("repeat", warm))
            for name in pages
        },
        "chromium_reported": version,
    }
    return BenchResult("paywall_load", metrics, details)
