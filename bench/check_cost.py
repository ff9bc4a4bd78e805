"""Check cost: median ns per cached `get_metered_entitlement`, ours in CPython and in Pyodide
(Chromium main thread), and Stigg's @stigg/js-client-sdk 3.35.0 `getMeteredEntitlement` in the
same Chromium page, all three on a client loaded from the same emulator (customer-demo-01,
feature-demo-03); and, in CPython, the checks that answer a fallback (before the first load, a
boolean check of a metered feature, offline), which must be as cheap (issue 15: ≤ 1 µs).
Each run reports the median of `ROUNDS` timed rounds of `CALLS_PER_ROUND` calls;
the metric is the median over `--runs` runs.
"""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench.core import BenchResult, Metric, Options, benchmark
from bench.services import Services
from stigg_client import Stigg
from stigg_client._bench import measure_cached_check, measure_fallback_checks
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.sdk.browser.server import (
    ScenarioServer,
    ensure_runtime,
    measure_python_in_page,
    measure_stigg_js_in_page,
    page_config,
    read_report,
)

CUSTOMER_ID = "customer-demo-01"
FEATURE_ID = "feature-demo-03"
CALLS_PER_ROUND = 20_000
ROUNDS = 15
PAGE_TIMEOUT_MS = 300_000
# Issue 5 targets: ≤ 1 µs in CPython, ≤ 3 µs in Pyodide.
TARGET_CPYTHON_NS = 1_000.0
TARGET_PYODIDE_NS = 3_000.0


def loaded_cpython_client(config: dict[str, Any]) -> Stigg:
    """An httpx client loaded from the emulator, then closed: checks keep answering from cache
    (TTL of an hour, so no renewal) and need no event loop."""

    async def load() -> Stigg:
        client = Stigg.initialize(
            api_key=config["api_key"],
            base_uri=config["base_uri"],
            base_edge_uri=config["edge_uri"],
            customer_id=CUSTOMER_ID,
            background_refresh=False,
            cache_ttl_s=3600,
        )
        await client.wait_for_initialization()
        await client.close()
        return client

    return asyncio.run(load())


def open_bench_page(page: Page, url: str) -> dict[str, Any]:
    """Open the bench page and wait until Pyodide and Stigg's JS SDK have loaded the customer."""
    report = read_report(page, url, PAGE_TIMEOUT_MS)
    if report.get("in_worker") is not False:
        raise RuntimeError(f"the Pyodide measurement would not run on the main thread: {report}")
    return report


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 2)


@benchmark("check_cost")
def run(options: Options, services: Services) -> BenchResult:
    """Runs interleaved (CPython, Pyodide, Stigg's JS SDK, and again), so that load from other
    processes on the machine weighs on the three alike; one page holds both browser clients."""
    ensure_runtime()
    emulator = services.emulator
    config = page_config(emulator, "bench", customer_id=CUSTOMER_ID, feature_id=FEATURE_ID)
    client = loaded_cpython_client(config)
    cpython: list[float] = []
    pyodide: list[float] = []
    stigg_js: list[float] = []
    fallback_paths: dict[str, list[float]] = {}
    theirs: dict[str, Any] = {}
    server = ScenarioServer(emulator).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_page()
            ready = open_bench_page(page, server.register(config, "main"))
            isolated = bool(page.evaluate("crossOriginIsolated"))
            for _ in range(options.runs):
                stats = measure_cached_check(
                    client, FEATURE_ID, calls_per_round=CALLS_PER_ROUND, rounds=ROUNDS
                )
                cpython.append(stats["median_ns"])
                for path, path_stats in measure_fallback_checks(CALLS_PER_ROUND, ROUNDS).items():
                    fallback_paths.setdefault(path, []).append(path_stats["median_ns"])
                pyodide.append(measure_python_in_page(page, ROUNDS, CALLS_PER_ROUND)["median_ns"])
                theirs = measure_stigg_js_in_page(page, ROUNDS, CALLS_PER_ROUND)
                stigg_js.append(float(theirs["median_ns"]))
            version = browser.version
            browser.close()
    finally:
        server.stop()
    metrics = [
        Metric("CPython: get_metered_entitlement", "ns", cpython, TARGET_CPYTHON_NS),
        Metric("Pyodide: get_metered_entitlement", "ns", pyodide, TARGET_PYODIDE_NS),
        Metric("@stigg/js-client-sdk 3.35.0: getMeteredEntitlement", "ns", stigg_js),
        *(
            Metric(f"CPython: {path}", "ns", values, TARGET_CPYTHON_NS)
            for path, values in fallback_paths.items()
        ),
    ]
    cpython_ns, pyodide_ns, js_ns = (metric.median for metric in metrics[:3])
    details = {
        "calls": {
            "ours": f"client.get_metered_entitlement({FEATURE_ID!r}, requested_usage=1)",
            "stigg_js": f"client.getMeteredEntitlement({{featureId: '{FEATURE_ID}'}})",
        },
        "customer": CUSTOMER_ID,
        "rounds_per_run": ROUNDS,
        "calls_per_round": CALLS_PER_ROUND,
        "ratios": {
            "pyodide / stigg_js": ratio(pyodide_ns, js_ns),
            "cpython / stigg_js": ratio(cpython_ns, js_ns),
            "pyodide / cpython": ratio(pyodide_ns, cpython_ns),
        },
        "chromium_reported": version,
        "page_cross_origin_isolated": isolated,
        "first_results": {"pyodide": ready["first"], "stigg_js": theirs.get("first")},
    }
    return BenchResult("check_cost", metrics, details)
