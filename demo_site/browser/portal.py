"""Billing page: the customer portal; "manage" goes to the in-app plans."""

import asyncio
import json
from typing import Any

from pyodide.http import pyfetch
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
status = document.getElementById("portal-status")
pending: set[asyncio.Task[None]] = set()


async def cancel_scheduled(subscription_id: str) -> None:
    response = await pyfetch(
        "/api/scheduled-updates/cancel",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body="subscription_id=" + str(window.encodeURIComponent(subscription_id)),
        credentials="same-origin",
    )
    if response.status == 200:
        status.textContent = "The scheduled change was cancelled."
        app.reload()  # the portal loads its data again, now without the change
    else:
        status.textContent = "Could not cancel the scheduled change."


def on_manage(element: object, detail: dict[str, Any]) -> None:
    intention = detail.get("intention")
    if intention == "CANCEL_SCHEDULED_UPDATES" and detail.get("subscriptionId"):
        task = asyncio.ensure_future(cancel_scheduled(str(detail["subscriptionId"])))
        pending.add(task)
        task.add_done_callback(pending.discard)
    else:
        window.location.assign("/app#plans")


app = await mount(client)  # noqa: F704 - PyScript top-level await
app.on("stigg-manage-subscription", on_manage)
document.body.dataset.python = "ready"
