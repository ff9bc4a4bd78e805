"""Test page script: initialize the SDK against the emulator and mount the widgets."""

import json
from collections.abc import Callable
from typing import Any

import js
from pyodide.ffi import create_proxy
from pyscript import document

from stigg_client import RetryPolicy, Stigg
from widgets.browser import mount
from widgets.browser.app import EVENTS

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
received: list[dict[str, Any]] = []


def recorder(name: str) -> Callable[[Any, dict[str, Any]], None]:
    """A Python-side subscriber for `name` that keeps what it got for the test to read."""

    def record(element: Any, detail: dict[str, Any]) -> None:
        received.append({"name": name, "target": str(element.id), "detail": detail})
        document.getElementById("py-events").textContent = json.dumps(received)

    return record


for event_name in EVENTS:
    app.on(event_name, recorder(event_name))


def set_customer(customer_id: str) -> None:
    """For the tests: the visitor signs in (the SDK switches customer; widgets follow)."""
    client.set_customer_id(str(customer_id))


def push(kind: str, payload: str) -> None:
    """For the tests: hand the SDK a stream event as its event stream would."""
    client._on_pushed(str(kind), json.loads(str(payload)))


js.window.stiggSetCustomer = create_proxy(set_customer)
js.window.stiggPush = create_proxy(push)
document.body.dataset.python = "ready"
