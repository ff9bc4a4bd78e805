"""Test page script: initialize the SDK against the emulator and mount the widgets."""

import json

from pyscript import document

from stigg_client import RetryPolicy, Stigg
from widgets.browser import mount

config = json.loads(document.getElementById("stigg-config").textContent)
client = Stigg.initialize(
    api_key=config["api_key"],
    base_uri=config["base_uri"],
    base_edge_uri=config["edge_uri"],
    customer_id=config["customer_id"],
    cache_ttl_s=float(config.get("cache_ttl_s", 30)),
    retry=RetryPolicy(attempts=int(config.get("attempts", 4))),
)
app = await mount(client)  # noqa: F704 - PyScript allows top-level await
received: list[dict] = []


def record(element: object, detail: dict) -> None:
    """Python-side subscription: keep every plan selection for the test to read."""
    received.append(detail)
    document.getElementById("py-events").textContent = json.dumps(received)


app.on("stigg-plan-selected", record)
document.body.dataset.python = "ready"
