"""A page's Stigg set-up from a JSON `<script>`: the usual way a server hands its pages what the
client SDK needs (never the server key)."""

from __future__ import annotations

import json
from typing import Any

from stigg_client import Stigg
from widgets.browser.ffi import element_by_id


def page_config(element_id: str = "stigg-config") -> dict[str, Any]:
    """The JSON object in `<script type="application/json" id=element_id>`."""
    node = element_by_id(element_id)
    if node is None:
        raise LookupError(f'the page has no <script id="{element_id}"> with its Stigg settings')
    config = json.loads(str(node.textContent))
    if not isinstance(config, dict):
        raise ValueError(f"#{element_id} must hold a JSON object")
    return config


def page_client(config: dict[str, Any], **settings: Any) -> Stigg:
    """`Stigg.initialize` with the page config's `api_key`, `base_uri`, `edge_uri`,
    `customer_id` and `customer_token`, plus any other `settings`."""
    return Stigg.initialize(
        api_key=config["api_key"],
        base_uri=config["base_uri"],
        base_edge_uri=config.get("edge_uri"),
        customer_id=config.get("customer_id"),
        customer_token=config.get("customer_token"),
        **settings,
    )
