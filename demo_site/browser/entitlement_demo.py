"""Entitlement demo: initialize stigg_client against the emulator and show one check.

The same script runs on the main thread (pyfetch) and in a PyScript worker, where it uses the
sync `requests` transport patched by pyodide-http.
"""

import json
import traceback

from pyscript import RUNNING_IN_WORKER, document, window


def read_config() -> dict[str, str]:
    """Settings the demo site injected; `?customer=` and `?feature=` in the URL override them."""
    config = dict(json.loads(document.getElementById("stigg-config").textContent))
    params = window.URLSearchParams.new(window.location.search)
    for param, key in (("customer", "customer_id"), ("feature", "feature_id")):
        if params.has(param):
            config[key] = str(params.get(param))
    return config


def show(state: str, text: str) -> None:
    """Write the outcome into the page."""
    answer = document.getElementById("answer")
    answer.dataset.state = state
    answer.textContent = text


async def main() -> None:
    """Initialize the client, wait for entitlements, render the boolean check."""
    from stigg_client import Stigg

    config = read_config()
    client = Stigg.initialize(
        api_key=config["api_key"],
        base_uri=config["base_uri"],
        base_edge_uri=config.get("edge_uri"),
        customer_id=config["customer_id"],
        customer_token=config.get("customer_token"),
        # sync XHR is fine in a worker and never on the main thread
        transport="requests" if RUNNING_IN_WORKER else "auto",
    )
    await client.wait_for_initialization()
    result = client.get_boolean_entitlement(feature_id=config["feature_id"])
    verdict = "has access" if result.has_access else "has no access"
    show(
        "granted" if result.has_access else "denied",
        f"{config['customer_id']} {verdict} to {config['feature_id']}"
        + (" (worker, requests)" if RUNNING_IN_WORKER else ""),
    )


try:
    await main()  # noqa: F704 - PyScript runs scripts with top-level await
except Exception as error:
    show("error", f"error: {error!r}")
    traceback.print_exc()
