"""Pricing page: hydrate the server-rendered paywall (with the signed-in visitor's current plan,
as the in-app paywall shows it); a plan choice goes to checkout."""

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
    customer_id=config.get("customer_id"),
    customer_token=config.get("customer_token"),
)
# What the in-app paywall does through the backend (scheduled downgrades, seat changes, and
# cancelling a scheduled change) happens there, on /app.
IN_APP_INTENTIONS = frozenset(
    {"DOWNGRADE_PLAN", "CHANGE_UNIT_QUANTITY", "CANCEL_SCHEDULED_UPDATES"}
)


def go_to_checkout(element: object, detail: dict[str, Any]) -> None:
    """The demo backend subscribes the visitor (after sign-in) and sends them to checkout."""
    if detail.get("intention") in IN_APP_INTENTIONS:
        window.location.assign("/app#plans")
        return
    params = window.URLSearchParams.new()
    params.set("plan", str(detail.get("planId") or ""))
    params.set("period", str(detail.get("billingPeriod") or "MONTHLY"))
    params.set("intention", str(detail.get("intention") or ""))
    if config.get("country") and config["country"] != "US":
        params.set("country", config["country"])
    for quantity in (detail.get("quantities") or {}).values():
        params.set("seats", str(int(quantity)))
    for addon in detail.get("addons") or []:
        params.append("addon", str(addon))
    window.location.assign("/checkout?" + str(params.toString()))


app = await mount(client, locale=config.get("locale") or "en")  # noqa: F704 - PyScript top-level await
app.on("stigg-plan-selected", go_to_checkout)
document.body.dataset.python = "ready"
