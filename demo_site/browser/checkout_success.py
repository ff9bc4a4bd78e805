"""After the hosted checkout: wait for the subscription, then show the plan and what it unlocks."""

import asyncio
import time

from pyscript import document, window

from stigg_client import StiggError, StiggTimeoutError
from stigg_client.models.subscriptions import Subscription
from widgets.browser import mount, page_client, page_config

config = page_config()
client = page_client(config)
progress = document.getElementById("checkout-progress")
message = document.getElementById("checkout-message")
started = time.monotonic()
WAIT_AT_MOST_S = 60.0
RETRY_AFTER_S = 1.0
connection = {"note": ""}


async def tick() -> None:
    """Keep the visitor informed while the payment is confirmed."""
    while True:
        waited = int(time.monotonic() - started)
        message.textContent = f"Confirming your payment… {waited}s{connection['note']}"
        await asyncio.sleep(0.5)


async def wait_for_subscription() -> Subscription | None:
    """The new subscription once active, None when the checkout was cancelled.

    A connection that drops meanwhile (the billing API restarting, the network) does not end the
    wait: it goes on until WAIT_AT_MOST_S, then the page says the payment is taking long.
    """
    while True:
        remaining = WAIT_AT_MOST_S - (time.monotonic() - started)
        try:
            return await client.wait_for_checkout_completed(timeout_s=max(remaining, 1.0))
        except StiggError as error:
            if time.monotonic() - started + RETRY_AFTER_S >= WAIT_AT_MOST_S:
                raise
            if not isinstance(error, StiggTimeoutError):
                connection["note"] = " (reconnecting to billing)"
            await asyncio.sleep(RETRY_AFTER_S)


app = await mount(client)  # noqa: F704 - PyScript top-level await
ticker = asyncio.ensure_future(tick())
try:
    subscription = await wait_for_subscription()  # noqa: F704
except StiggError:
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
    document.getElementById("checkout-live").hidden = True
    # Open app tabs pick the new plan up at once.
    window.BroadcastChannel.new("inkwell-entitlements").postMessage(config["customer_id"])
document.body.dataset.python = "ready"
