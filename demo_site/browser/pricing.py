"""Public pricing page: hydrate the server-rendered paywall; a plan choice goes to checkout."""

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
)


def go_to_checkout(element: object, detail: dict[str, Any]) -> None:
    """The demo backend subscribes the visitor (after sign-in) and sends them to checkout."""
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
