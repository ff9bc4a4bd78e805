"""Cross-tab sharing: each full load of a scope is posted on a `BroadcastChannel`, so the other
tabs (and workers) of the same site, Stigg environment and customer take it at once, with no
request of their own. Without live updates (Stigg's cloud API) a `refresh()` after a backend
change in one tab then reaches every tab, not only the one that asked.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from stigg_client._moved import moved_names
from stigg_client.platform.base import TabChannel

logger = logging.getLogger("stigg_client")

FORMAT_VERSION = 1
CHANNEL_PREFIX = "stigg-client:"


def channel_name(base_uri: str, api_key: str) -> str:
    """One channel per Stigg environment (hashed: the key is not spelled out)."""
    return CHANNEL_PREFIX + hashlib.sha256(f"{base_uri}\n{api_key}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class SharedLoad:
    """The wire entitlements a tab loaded for one (customer, resource) scope."""

    customer_id: str
    resource_id: str | None
    entitlements: list[dict[str, Any]]


def encode(load: SharedLoad) -> str:
    """The message posted for `load`."""
    return json.dumps(
        {
            "v": FORMAT_VERSION,
            "customerId": load.customer_id,
            "resourceId": load.resource_id,
            "entitlements": load.entitlements,
        },
        separators=(",", ":"),
    )


def decode(message: str) -> SharedLoad | None:
    """The load in `message`, or None when it is not one of ours (malformed, other format)."""
    try:
        data = json.loads(message)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != FORMAT_VERSION:
        return None
    customer_id = data.get("customerId")
    resource_id = data.get("resourceId")
    entitlements = data.get("entitlements")
    if not isinstance(customer_id, str) or not isinstance(entitlements, list):
        return None
    if resource_id is not None and not isinstance(resource_id, str):
        return None
    return SharedLoad(
        customer_id, resource_id, [item for item in entitlements if isinstance(item, dict)]
    )


__getattr__ = moved_names(__name__, {"BroadcastChannelLink": "stigg_client.platform.browser"})

__all__ = [
    "CHANNEL_PREFIX",
    "FORMAT_VERSION",
    "SharedLoad",
    "TabChannel",
    "channel_name",
    "decode",
    "encode",
]
