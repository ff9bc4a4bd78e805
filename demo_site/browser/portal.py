"""Billing page: the customer portal, AI credit grants and the automatic recharge form;
"manage" goes to the in-app plans."""

import asyncio
from typing import Any

from pyodide.ffi import create_proxy
from pyodide.http import pyfetch
from pyscript import document, window

from stigg_client import StiggError
from widgets.browser import mount, page_client, page_config

config = page_config()
client = page_client(config)
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


AI_CURRENCY = "currency-ai-credits"
form = document.getElementById("auto-recharge")
recharge_status = document.getElementById("recharge-status")


def fill_recharge_form(enabled: bool, threshold: float, target: float, limit: float | None) -> None:
    document.getElementById("recharge-enabled").checked = enabled
    if target:  # saved before: show what was saved
        document.getElementById("recharge-threshold").value = f"{threshold:g}"
        document.getElementById("recharge-target").value = f"{target:g}"
    document.getElementById("recharge-limit").value = "" if limit is None else f"{limit:g}"


async def save_recharge() -> None:
    body = window.URLSearchParams.new(window.FormData.new(form))
    response = await pyfetch(
        "/api/credits/auto-recharge",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=str(body.toString()),
        credentials="same-origin",
    )
    answer = await response.json()
    if response.status == 200:
        state = "on" if answer.get("isEnabled") else "off"
        recharge_status.textContent = f"Automatic recharge saved ({state})."
    else:
        recharge_status.textContent = f"Could not save: {answer.get('error')}"


def on_submit(event: Any) -> None:
    event.preventDefault()
    task = asyncio.ensure_future(save_recharge())
    pending.add(task)
    task.add_done_callback(pending.discard)


submit_proxy = create_proxy(on_submit)
form.addEventListener("submit", submit_proxy)
try:
    settings = await client.get_auto_recharge_settings(AI_CURRENCY)  # noqa: F704
    fill_recharge_form(
        settings.is_enabled,
        settings.threshold_value,
        settings.target_balance,
        settings.max_spend_limit,
    )
except StiggError as error:  # the form keeps its defaults
    recharge_status.textContent = f"Could not load the saved recharge: {error.message}"
app = await mount(client)  # noqa: F704 - PyScript top-level await
app.on("stigg-manage-subscription", on_manage)
document.body.dataset.python = "ready"
