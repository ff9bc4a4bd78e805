"""Main-thread demo: initialize stigg_client against the emulator and show one entitlement."""

import json
import traceback

from pyscript import document


def read_config() -> dict[str, str]:
    """The settings the demo site injected into the page."""
    return dict(json.loads(document.getElementById("stigg-config").textContent))


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
        api_key=config["api_key"], base_uri=config["base_uri"], customer_id=config["customer_id"]
    )
    await client.wait_for_initialization()
    result = client.get_boolean_entitlement(feature_id=config["feature_id"])
    verdict = "has access" if result.has_access else "has no access"
    show(
        "granted" if result.has_access else "denied",
        f"{config['customer_id']} {verdict} to {config['feature_id']}",
    )


try:
    await main()  # noqa: F704 - PyScript runs scripts with top-level await
except Exception as error:
    show("error", f"error: {error!r}")
    traceback.print_exc()
