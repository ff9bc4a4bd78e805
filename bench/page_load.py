"""Demo page load: cold (fresh profile) and warm (same profile) time to the rendered answer, and
bytes transferred by asset type (page and worker requests), measured in headless Chromium."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Playwright, Request, sync_playwright

from bench.core import BenchResult, Metric, Options, benchmark
from bench.services import Services
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

ANSWER_TIMEOUT_MS = 120_000
# Record (relative to navigation start) when Python first writes an outcome into #answer.
ANSWER_PROBE = """
(() => {
  const record = () => {
    const el = document.getElementById('answer');
    const state = el && el.dataset.state;
    if (state && state !== 'loading' && window.__answerAt === undefined) {
      window.__answerAt = performance.now();
      window.__answerState = state;
    }
  };
  new MutationObserver(record).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'],
  });
})();
"""
ASSET_KINDS = {
    ".wasm": "wasm",
    ".mjs": "js",
    ".js": "js",
    ".zip": "stdlib zip",
    ".whl": "wheels",
    ".json": "json",
    ".py": "python",
    ".css": "css",
}
# DESIGN.md targets: interactive cold ≤ 3.0 s, repeat ≤ 2.0 s, bytes ≤ 6 MB cold / ≤ 50 KB warm.
TARGETS = {"cold_ms": 3000.0, "warm_ms": 2000.0, "cold_bytes": 6e6, "warm_bytes": 50e3}


@dataclass
class Visit:
    """One page visit: when the answer appeared and what crossed the network."""

    answer_ms: float
    state: str
    bytes_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_by_kind.values())


def asset_kind(url: str, resource_type: str, site_port: int | None) -> str:
    """Group a request for the bytes table."""
    parts = urlsplit(url)
    if parts.port != site_port:
        return "api (emulator)"
    if resource_type == "document":
        return "html"
    suffix = "." + parts.path.rsplit(".", 1)[-1] if "." in parts.path else ""
    return ASSET_KINDS.get(suffix, "other")


@contextmanager
def finished_requests(context: BrowserContext) -> Iterator[list[Request]]:
    """The requests `context` finishes inside the block, PyScript workers' requests included."""
    finished: list[Request] = []

    def on_finished(request: Request) -> None:
        finished.append(request)

    context.on("requestfinished", on_finished)
    try:
        yield finished
    finally:
        context.remove_listener("requestfinished", on_finished)


def bytes_by_kind(requests: list[Request], kind_of: Callable[[Request], str]) -> dict[str, int]:
    """Bytes received (headers and body; 0 from the disk cache) per `kind_of(request)`, leaving out
    data: and blob: URLs."""
    by_kind: dict[str, int] = defaultdict(int)
    for request in requests:
        if request.url.startswith(("data:", "blob:")):
            continue
        sizes = request.sizes()
        received = max(0, sizes["responseBodySize"] + sizes["responseHeadersSize"])
        by_kind[kind_of(request)] += received
    return dict(by_kind)


def median_bytes(visits: Sequence[dict[str, int]]) -> dict[str, int]:
    """Median bytes per asset kind over the visits' byte counts (a missing kind counts 0)."""
    kinds = sorted({kind for counts in visits for kind in counts})
    return {k: sorted(counts.get(k, 0) for counts in visits)[len(visits) // 2] for k in kinds}


def visit(context: BrowserContext, url: str) -> Visit:
    """Open `url` in a new page of `context`, wait for the answer, and account the bytes.

    Bytes are counted from the context's `requestfinished` events, so requests made by PyScript
    workers count too; a response served from the disk cache counts as 0.
    """
    with finished_requests(context) as finished:
        page = context.new_page()
        page.add_init_script(ANSWER_PROBE)
        page.goto(url)
        page.wait_for_function("window.__answerAt !== undefined", timeout=ANSWER_TIMEOUT_MS)
        answer_ms = float(page.evaluate("window.__answerAt"))
        state = str(page.evaluate("window.__answerState"))
        if state == "error":
            raise RuntimeError(f"{url} rendered an error: {page.inner_text('#answer')}")
        page.wait_for_timeout(300)  # let the last requestfinished events arrive
    site_port = urlsplit(url).port
    by_kind = bytes_by_kind(
        finished, lambda request: asset_kind(request.url, request.resource_type, site_port)
    )
    page.close()
    return Visit(answer_ms, state, by_kind)


def launch(playwright: Playwright, profile: str) -> BrowserContext:
    """Chromium with its own profile directory (so its disk cache is what a user's would be)."""
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )


def summarize(label: str, visits: list[Visit]) -> dict[str, Any]:
    """Median bytes per asset kind over the visits."""
    medians = median_bytes([v.bytes_by_kind for v in visits])
    return {"visit": label, "median_bytes_by_kind": medians, "states": [v.state for v in visits]}


@benchmark("page_load")
def run(options: Options, services: Services) -> BenchResult:
    """Cold loads in fresh profiles, then warm repeat visits in one profile."""
    needs_emulator = not options.page.startswith("/runtime-check")
    site = services.site if needs_emulator else services.bare_site
    url = site.base_url + options.page
    cold: list[Visit] = []
    warm: list[Visit] = []
    version = ""
    with sync_playwright() as playwright:
        for _ in range(options.runs):
            with tempfile.TemporaryDirectory(prefix="bench-cold-") as profile:
                context = launch(playwright, profile)
                version = context.browser.version if context.browser else version
                cold.append(visit(context, url))
                context.close()
        with tempfile.TemporaryDirectory(prefix="bench-warm-") as profile:
            context = launch(playwright, profile)
            visit(context, url)  # primes the disk cache
            warm.extend(visit(context, url) for _ in range(options.runs))
            context.close()
    metrics = [
        Metric("cold load → answer", "ms", [v.answer_ms for v in cold], TARGETS["cold_ms"]),
        Metric("warm reload → answer", "ms", [v.answer_ms for v in warm], TARGETS["warm_ms"]),
        Metric("bytes cold", "bytes", [float(v.total_bytes) for v in cold], TARGETS["cold_bytes"]),
        Metric("bytes warm", "bytes", [float(v.total_bytes) for v in warm], TARGETS["warm_bytes"]),
    ]
    details = {
        "page": options.page,
        "chromium_reported": version,
        "bytes": [summarize("cold", cold), summarize("warm", warm)],
    }
    slug = options.page.strip("/").split("?")[0].replace("/", "-")
    return BenchResult("page_load" + (f"-{slug}" if slug else ""), metrics, details)


@benchmark("page_load_worker")
def run_worker(options: Options, services: Services) -> BenchResult:
    """The same measurement on `/worker` (PyScript worker, sync transport), in the same run."""
    return run(replace(options, page="/worker"), services)
