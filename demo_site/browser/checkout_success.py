"""After the hosted checkout: wait for the subscription, then show the plan and what it unlocks."""

import asyncio
import json
import time

from pyscript import document, window

from stigg_client import Stigg, StiggTimeoutError
from widgets.browser import mount

config = json.loads(document.getElementById("stigg-config").textContent)
client = Stigg.initialize(
    api_key=config["api_key"],
    base_uri=config["base_uri"],
    base_edge_uri=config.get("edge_uri"),
    customer_id=config["customer_id"],
    customer_token=config.get("customer_token"),
)
progress = document.getElementById("checkout-progress")
message = document.getElementById("checkout-message")
started = time.monotonic()


async def tick() -> None:
    """Keep the visitor informed while the payment is confirmed."""
    while True:
        waited = int(time.monotonic() - started)
        message.textContent = f"Confirming your payment… {waited}s"
        await asyncio.sleep(0.5)


app = await mount(client)  # noqa: F704 - PyScript top-level await
ticker = asyncio.ensure_future(tick())
try:
    subscription = await client.wait_for_checkout_completed(timeout_s=30)  # noqa: F704
except StiggTimeoutError:
    subscription = None
    progress.dataset.state = "error"
    message.textContent = "Your payment is taking longer than usual; refresh in a moment."
else:
    if subscription is None:
        progress.dataset.state = "cancelled"
        message.textContent = "The checkout was cancelled; nothing was charged."
finally:
    ticker.cancel()
if subscription is not None:
    plan = subscription.plan
    document.getElementById("new-plan").textContent = (
        (plan.display_name or plan.id) if plan else "your new plan"
    )
    progress.dataset.state = "done"
    message.textContent = "Payment confirmed."
    document.getElementById("checkout-result").hidden = False
    # Open app tabs pick the new plan up at once.
    window.BroadcastChannel.new("inkwell-entitlements").postMessage(config["customer_id"])
document.body.dataset.python = "ready"
