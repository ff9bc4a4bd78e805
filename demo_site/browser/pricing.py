"""Pricing page: hydrate the server-rendered paywall (with the signed-in visitor's current plan,
as the in-app paywall shows it); a plan choice follows the paywall's `cta-href` to checkout."""

import json

from pyscript import document

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
app = await mount(client, locale=config.get("locale") or "en")  # noqa: F704 - PyScript top-level await
document.body.dataset.python = "ready"
