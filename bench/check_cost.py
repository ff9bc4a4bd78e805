"""Check cost: median ns per cached `get_metered_entitlement`, ours in CPython and in Pyodide
(Chromium main thread), and Stigg's @stigg/js-client-sdk 3.35.0 `getMeteredEntitlement` in the
same Chromium, all three on a client initialized against the same emulator (customer-demo-01,
feature-demo-03). Each run reports the median of `ROUNDS` timed rounds of `CALLS_PER_ROUND` calls;
the metric is the median over `--runs` runs.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench.core import BenchResult, Metric, Options, benchmark
from bench.services import Services
from stigg_client import Stigg
from stigg_client._bench import measure_cached_check
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.sdk.browser.server import ScenarioServer, ensure_runtime

CUSTOMER_ID = "customer-demo-01"
FEATURE_ID = "feature-demo-03"
CALLS_PER_ROUND = 20_000
ROUNDS = 15
PAGE_TIMEOUT_MS = 300_000
# Issue 5 targets: ≤ 1 µs in CPython, ≤ 3 µs in Pyodide.
TARGET_CPYTHON_NS = 1_000.0
TARGET_PYODIDE_NS = 3_000.0


def cpython_runs(config: dict[str, Any], runs: int) -> list[float]:
    """Medians of `runs` measurements on an httpx client loaded from the emulator."""

    async def measure() -> list[float]:
        client = Stigg.initialize(
            api_key=config["api_key"],
            base_uri=config["base_uri"],
            base_edge_uri=config["edge_uri"],
            customer_id=CUSTOMER_ID,
            background_refresh=False,
            cache_ttl_s=3600,
        )
        try:
            await client.wait_for_initialization()
            return [
                measure_cached_check(
                    client, FEATURE_ID, calls_per_round=CALLS_PER_ROUND, rounds=ROUNDS
                )["median_ns"]
                for _ in range(runs)
            ]
        finally:
            await client.close()

    return asyncio.run(measure())


def page_report(page: Page, url: str) -> dict[str, Any]:
    """Open `url` and return the JSON the page wrote into #report (raise with its error)."""
    page.goto(url)
    page.wait_for_function(
        "document.getElementById('report').dataset.state !== 'loading'", timeout=PAGE_TIMEOUT_MS
    )
    text = page.inner_text("#report")
    if page.get_attribute("#report", "data-state") != "done":
        raise RuntimeError(f"{url} failed:\n{text}")
    report: dict[str, Any] = json.loads(text)
    return report


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 2)


@benchmark("check_cost")
def run(options: Options, services: Services) -> BenchResult:
    """CPython first, then one Pyodide page and one JS SDK page in the same Chromium."""
    ensure_runtime()
    emulator = services.emulator
    config: dict[str, Any] = {
        "api_key": emulator.client_key,
        "base_uri": emulator.base_url,
        "edge_uri": emulator.edge_url,
        "customer_id": CUSTOMER_ID,
        "feature_id": FEATURE_ID,
        "runs": options.runs,
        "rounds": ROUNDS,
        "calls_per_round": CALLS_PER_ROUND,
    }
    cpython = cpython_runs(config, options.runs)
    server = ScenarioServer(emulator).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_page()
            bench_config = {**config, "mode": "bench", "transport": "pyfetch"}
            pyodide = page_report(page, server.register(bench_config, "main"))
            stigg_js = page_report(page, server.register(config, "js"))
            version = browser.version
            browser.close()
    finally:
        server.stop()
    if pyodide.get("in_worker") is not False:
        raise RuntimeError(f"the Pyodide measurement did not run on the main thread: {pyodide}")
    metrics = [
        Metric("CPython: get_metered_entitlement", "ns", cpython, TARGET_CPYTHON_NS),
        Metric("Pyodide: get_metered_entitlement", "ns", pyodide["median_ns"], TARGET_PYODIDE_NS),
        Metric("@stigg/js-client-sdk 3.35.0: getMeteredEntitlement", "ns", stigg_js["median_ns"]),
    ]
    cpython_ns, pyodide_ns, js_ns = (metric.median for metric in metrics)
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
        "js_page_cross_origin_isolated": stigg_js["crossOriginIsolated"],
        "stigg_js_first_result": stigg_js["result"],
    }
    return BenchResult("check_cost", metrics, details)
