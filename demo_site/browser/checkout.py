"""The embedded checkout: `<stigg-checkout>` for the signed-in customer; once it completes, on to
the page that waits for the new subscription (docs/protocol.md §4)."""

from typing import Any

from pyscript import document, window

from widgets.browser import mount, page_client, page_config

config = page_config()
client = page_client(config)


def on_completed(element: object, detail: dict[str, Any]) -> None:
    params = window.URLSearchParams.new()
    params.set("subscriptionId", str(detail.get("subscriptionId") or ""))
    params.set("checkoutCompleted", "true")
    window.location.assign("/checkout/success?" + str(params.toString()))


app = await mount(client)  # noqa: F704 - PyScript top-level await
app.on("stigg-checkout-completed", on_completed)
document.body.dataset.python = "ready"
