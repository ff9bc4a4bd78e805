"""The embedded checkout: `<stigg-checkout>` for the signed-in customer; once it completes, on to
the page that waits for the new subscription (docs/protocol.md §4)."""

import json
from typing import Any

from pyscript import document, window

from stigg_client import Stigg
from widgets.browser import mount

config = json.loads(document.getElementById("stigg-config").textContent)
client = Stigg.initialize(
    api_key=config["api_key"],
    base_uri=config["base_uri"],
    base_edge_uri=config.get("edge_uri"),
    customer_id=config["customer_id"],
    customer_token=config.get("customer_token"),
)


def on_completed(element: object, detail: dict[str, Any]) -> None:
    params = window.URLSearchParams.new()
    params.set("subscriptionId", str(detail.get("subscriptionId") or ""))
    params.set("checkoutCompleted", "true")
    window.location.assign("/checkout/success?" + str(params.toString()))


app = await mount(client)  # noqa: F704 - PyScript top-level await
app.on("stigg-checkout-completed", on_completed)
document.body.dataset.python = "ready"
