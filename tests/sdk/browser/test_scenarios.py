"""The same SDK scenarios, the same expectations: CPython (httpx), Pyodide in Chromium on the main
thread (pyfetch), and Pyodide in a PyScript worker (requests + pyodide-http)."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.sdk.backend import report_usage
from tests.sdk.browser.conftest import leaving_loopback, read_report
from tests.sdk.browser.expectations import expected_results, mismatches
from tests.sdk.browser.scenarios import SCENARIOS, run_scenarios
from tests.sdk.browser.server import (
    ScenarioServer,
    measure_propagation_in_page,
    measure_python_in_page,
    measure_stigg_js_in_page,
    page_config,
)
from tests.sdk.browser.world import EmulatorBackend, prepare_world
from tests.support.fault_proxy import proxied
from tests.support.processes import EmulatorProcess


def test_every_scenario_has_an_expectation() -> None:
    config = {"customer_id": "c"}
    assert list(expected_results(config)) == list(SCENARIOS)


async def test_scenarios_in_cpython(emulator: EmulatorProcess) -> None:
    config = prepare_world(emulator, transport="httpx")
    report = await run_scenarios(config, EmulatorBackend(emulator))
    assert report["environment"]["platform"] != "emscripten"
    assert "httpx" in report["environment"]["transport_modules"]
    assert mismatches(report, config) == {}


@pytest.mark.browser
def test_scenarios_in_pyodide_main_thread(
    page: Page,
    emulator: EmulatorProcess,
    scenario_server: ScenarioServer,
    requested_urls: list[str],
) -> None:
    config = prepare_world(emulator, transport="pyfetch")
    report = read_report(page, scenario_server.register({**config, "mode": "scenarios"}, "main"))
    assert (report["environment"]["platform"], report["in_worker"]) == ("emscripten", False)
    assert "pyodide.http" in report["environment"]["transport_modules"]
    assert "requests" not in report["environment"]["transport_modules"]
    assert mismatches(report, config) == {}
    assert any(url.startswith(emulator.edge_url) for url in requested_urls)
    assert leaving_loopback(requested_urls) == []


@pytest.mark.browser
def test_scenarios_in_a_pyscript_worker(
    page: Page,
    emulator: EmulatorProcess,
    scenario_server: ScenarioServer,
    requested_urls: list[str],
) -> None:
    config = prepare_world(emulator, transport="requests")
    url = scenario_server.register({**config, "mode": "scenarios"}, "worker")
    report = read_report(page, url)
    assert page.evaluate("crossOriginIsolated") is True
    assert (report["environment"]["platform"], report["in_worker"]) == ("emscripten", True)
    assert {"requests", "pyodide_http"} <= set(report["environment"]["transport_modules"])
    assert mismatches(report, config) == {}
    assert any(url.startswith(emulator.edge_url) for url in requested_urls)
    assert leaving_loopback(requested_urls) == []


@pytest.mark.browser
def test_check_cost_page_measures_both_sdks(
    page: Page, emulator: EmulatorProcess, scenario_server: ScenarioServer
) -> None:
    """The page `bench/check_cost.py` drives (ours in Pyodide, Stigg's JS SDK) works; no timing."""
    config = page_config(emulator, "bench")
    report = read_report(page, scenario_server.register(config, "main"))
    assert report == {"first": {"hasAccess": True, "usageLimit": 2}, "in_worker": False}
    assert page.evaluate("crossOriginIsolated") is True
    ours = measure_python_in_page(page, rounds=3, calls=50)
    theirs = measure_stigg_js_in_page(page, rounds=3, calls=50)
    assert (ours["rounds"], ours["calls_per_round"]) == (3, 50)
    assert 0 < ours["min_ns"] <= ours["median_ns"]
    assert theirs["first"] == {"hasAccess": True, "usageLimit": 2}
    assert 0 <= theirs["min_ns"] <= theirs["median_ns"]


@pytest.mark.browser
def test_change_propagation_page_sees_a_pushed_change(
    page: Page, emulator: EmulatorProcess, scenario_server: ScenarioServer
) -> None:
    """The page `bench/change_propagation.py` drives: ours (Pyodide, live updates) shows a
    backend usage report without any refresh; Stigg's JS SDK is only read here (no timing)."""
    config = page_config(emulator, "propagation")
    report = read_report(page, scenario_server.register(config, "main"))
    assert report == {
        "live_updates_status": "connected",
        "connection_state": "online",
        "in_worker": False,
    }
    first = measure_propagation_in_page(page, value=1, timeout_s=4)
    assert first["ours_ms"] is not None and first["report_ms"] >= 0
    second = measure_propagation_in_page(page, value=1, timeout_s=4)
    assert second["ours_ms"] is not None
    usage = page.evaluate("window.stiggPyUsage()")
    assert usage == 2


@pytest.mark.browser
def test_a_page_restarted_without_network_answers_from_its_localstorage_snapshot(
    page: Page, emulator: EmulatorProcess, scenario_server: ScenarioServer
) -> None:
    """`persist_entitlements=True` in Pyodide: the first visit saves the load in localStorage;
    a second visit while Stigg is unreachable answers the saved entitlements, not fallbacks."""
    with proxied("127.0.0.1", emulator.port) as gateway:
        config = page_config(emulator, "snapshot", base_uri=gateway.url, edge_uri=None)
        first = read_report(page, scenario_server.register(config, "main"))
        assert first["before_load"] == {"isFallback": True, "usageLimit": None}
        assert (first["error"], first["after_load"]) == (
            None,
            {"isFallback": False, "usageLimit": 2},
        )
        assert first["snapshot_keys"] == 1
        # A fresh profile has no snapshot (localStorage answers JS null): nothing to warn about.
        assert first["warnings"] == []
        # Without logging configured by the page, SDK warnings never reach stderr (an error box).
        assert first["stderr_of_a_warning"] == ""
        gateway.set_mode("refuse")
        second = read_report(page, scenario_server.register(config, "main"))
        assert second["before_load"] == {"isFallback": False, "usageLimit": 2}
        assert second["error"] == "NetworkError"
        assert second["after_load"] == {"isFallback": False, "usageLimit": 2}


@pytest.mark.browser
def test_a_refresh_in_one_tab_reaches_another_tab_over_broadcastchannel(
    context: BrowserContext, emulator: EmulatorProcess, scenario_server: ScenarioServer
) -> None:
    """`share_across_tabs=True` in Pyodide: tab one's refresh after a backend change updates
    tab two's cache, which makes no request of its own (no live updates, no polling)."""
    config = page_config(emulator, "tabs")
    one, two = context.new_page(), context.new_page()
    for tab in (one, two):
        assert read_report(tab, scenario_server.register(config, "main"))["usage"] == 0
    asked_by_two: list[str] = []
    two.on("request", lambda request: asked_by_two.append(request.url))
    report_usage(emulator, config["customer_id"], "feature-demo-03", 1)
    one.evaluate("window.stiggPyRefresh()")
    two.wait_for_function("window.stiggPyUsage() === 1", timeout=5_000)
    assert one.evaluate("window.stiggPyUsage()") == 1
    assert [url for url in asked_by_two if url.startswith(emulator.base_url)] == []
