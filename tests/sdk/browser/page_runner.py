"""What the scenario page runs in Pyodide (main thread or PyScript worker), not in CPython.

It reads the run's config from the page, runs `scenarios.run_scenarios` (PyScript put that file
into the working directory through the config's `files`) or, by mode, prepares the check-cost
measurement, the change-propagation probe, a snapshot restart or a tab sharing its loads, and
writes the JSON report into `#report` with `data-state` "done" (or "error").
"""

import json
import traceback
from typing import Any

from pyodide.http import pyfetch
from pyscript import RUNNING_IN_WORKER, document


class PageBackend:
    """`scenarios.Backend` through the test server, which holds the server key."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def report_usage(self, customer_id: str, feature_id: str, value: float) -> None:
        body = {"customer_id": customer_id, "feature_id": feature_id, "value": value}
        response = await pyfetch(
            self.url,
            method="POST",
            body=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        if response.status != 200:
            raise RuntimeError(f"report-usage answered {response.status}: {await response.text()}")


def client_for(config: dict[str, Any], **options: Any) -> Any:
    """A `Stigg` client for the run's key, API, customer and transport, with `options`."""
    from stigg_client import Stigg

    return Stigg.initialize(
        api_key=config["api_key"],
        base_uri=config["base_uri"],
        base_edge_uri=config.get("edge_uri"),
        customer_id=config["customer_id"],
        transport=config["transport"],
        **options,
    )


def expose_usage(client: Any, feature_id: str) -> None:
    """`window.stiggPyUsage()`: the cached current usage of `feature_id`."""
    from pyodide.ffi import create_proxy
    from pyscript import window

    window.stiggPyUsage = create_proxy(
        lambda: client.get_metered_entitlement(feature_id).current_usage
    )


async def prepare_measurement(config: dict[str, Any]) -> dict[str, Any]:
    """Load a client from the emulator and expose `window.measureStiggPython(rounds, calls)`.

    The bench drives the runs from outside (interleaved with CPython and Stigg's JS SDK), so the
    function only times one run: the JSON of `measure_cached_check` (median ns per call).
    """
    from pyodide.ffi import create_proxy
    from pyscript import window

    from stigg_client._bench import measure_cached_check

    client = client_for(config, background_refresh=False, cache_ttl_s=3600)
    await client.wait_for_initialization()
    first = client.get_metered_entitlement(config["feature_id"], requested_usage=1)

    def measure(rounds: int, calls: int) -> str:
        stats = measure_cached_check(
            client, feature_id=config["feature_id"], calls_per_round=calls, rounds=rounds
        )
        return json.dumps(stats)

    window.measureStiggPython = create_proxy(measure)
    return {"first": {"hasAccess": first.has_access, "usageLimit": first.usage_limit}}


async def prepare_propagation(config: dict[str, Any]) -> dict[str, Any]:
    """A client with live updates (and the default 30 s TTL as its fallback) for the
    change-propagation probe, which reads its usage through `window.stiggPyUsage()`."""
    import asyncio
    import time

    from pyscript import window

    client = client_for(config)
    await client.wait_for_initialization()
    deadline = time.monotonic() + 10
    while client.live_updates_status != "connected" and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    feature_id = config["feature_id"]
    expose_usage(client, feature_id)

    def on_update(changed: list[str]) -> None:
        # When the cache took the change (the probe's 10 ms polling would round it up).
        if feature_id in changed:
            window.stiggPyChangedAt = window.performance.now()

    client.add_listener("entitlements_updated", on_update)
    return {
        "live_updates_status": client.live_updates_status,
        "connection_state": client.connection_state,
    }


class WarningRecords:
    """Collects the messages of the SDK's warning (or worse) records while it is installed."""

    def __init__(self) -> None:
        import logging

        self.messages: list[str] = []
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = lambda record: self.messages.append(record.getMessage())  # type: ignore[method-assign]
        self.logger = logging.getLogger("stigg_client")

    def __enter__(self) -> list[str]:
        self.logger.addHandler(self.handler)
        return self.messages

    def __exit__(self, *_: object) -> None:
        self.logger.removeHandler(self.handler)


def stderr_of_an_sdk_warning() -> str:
    """What an SDK warning writes to stderr (PyScript's error box) when the app set no logging."""
    import io
    import logging
    import sys

    saved, sys.stderr = sys.stderr, io.StringIO()
    try:
        logging.getLogger("stigg_client").warning("an SDK warning")
        return sys.stderr.getvalue()
    finally:
        sys.stderr = saved


async def check_snapshot(config: dict[str, Any]) -> dict[str, Any]:
    """One page start with `persist_entitlements=True`: the check answered before any network
    answer, how the initialization ended, and the check after it; plus our localStorage keys,
    the SDK's warnings during the run, and what an SDK warning writes to stderr."""
    from pyscript import window

    with WarningRecords() as warnings:
        report = await start_with_snapshot(config)
    storage = window.localStorage
    keys = [str(storage.key(index)) for index in range(storage.length)]
    return {
        **report,
        "snapshot_keys": len([key for key in keys if key.startswith("stigg-client:")]),
        "warnings": warnings,
        "stderr_of_a_warning": stderr_of_an_sdk_warning(),
    }


async def start_with_snapshot(config: dict[str, Any]) -> dict[str, Any]:
    """The check before the first load, how the initialization ended, and the check after it."""
    from stigg_client import RetryPolicy

    def seen(result: Any) -> dict[str, Any]:
        return {"isFallback": result.is_fallback, "usageLimit": result.usage_limit}

    client = client_for(
        config,
        enable_edge=False,
        live_updates=False,
        retry=RetryPolicy(attempts=2, initial_delay_s=0.01, max_delay_s=0.02),
        persist_entitlements=True,
    )
    before = seen(client.get_metered_entitlement(config["feature_id"]))
    try:
        await client.wait_for_initialization()
        error = None
    except Exception as failure:
        error = type(failure).__name__
    after = seen(client.get_metered_entitlement(config["feature_id"]))
    await client.close()
    return {"before_load": before, "error": error, "after_load": after}


async def share_across_tabs(config: dict[str, Any]) -> dict[str, Any]:
    """A client that shares its loads with the page's other tabs and never reloads by itself;
    `window.stiggPyUsage()` reads its cache, `window.stiggPyRefresh()` reloads (a Promise)."""
    import asyncio

    from pyodide.ffi import create_proxy
    from pyscript import window

    client = client_for(
        config,
        live_updates=False,
        background_refresh=False,
        cache_ttl_s=3600,
        share_across_tabs=True,
    )
    await client.wait_for_initialization()
    feature_id = config["feature_id"]
    expose_usage(client, feature_id)
    window.stiggPyRefresh = create_proxy(lambda: asyncio.ensure_future(client.refresh()))
    return {"usage": client.get_metered_entitlement(feature_id).current_usage}


async def main() -> None:
    import scenarios  # type: ignore[import-not-found]  # placed beside this script by PyScript

    config = json.loads(document.getElementById("scenario-config").textContent)
    if config["mode"] == "bench":
        report = await prepare_measurement(config)
    elif config["mode"] == "propagation":
        report = await prepare_propagation(config)
    elif config["mode"] == "snapshot":
        report = await check_snapshot(config)
    elif config["mode"] == "tabs":
        report = await share_across_tabs(config)
    else:
        report = await scenarios.run_scenarios(config, PageBackend(config["backend_url"]))
    report["in_worker"] = RUNNING_IN_WORKER
    output = document.getElementById("report")
    output.textContent = json.dumps(report)
    output.dataset.state = "done"


try:
    await main()  # type: ignore[top-level-await]  # noqa: F704 - PyScript allows top-level await
except Exception:
    output = document.getElementById("report")
    output.textContent = traceback.format_exc()
    output.dataset.state = "error"
