"""Persisted entitlement snapshots: the last full load of a scope, kept across page loads.

With `Stigg.initialize(persist_entitlements=True)` in a browser page, checks answer the last
known entitlements from `localStorage` at once (not the fallback) while the first load is on
its way, and keep answering them when the page starts without a network. A snapshot older than
`snapshot_max_age_s` is ignored. Keys are hashed, so neither key nor customer id is stored in
the clear.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from stigg_client._moved import moved_names
from stigg_client.platform.base import SnapshotStore

logger = logging.getLogger("stigg_client")

FORMAT_VERSION = 1
KEY_PREFIX = "stigg-client:entitlements:"


def snapshot_key(base_uri: str, api_key: str, customer_id: str, resource_id: str | None) -> str:
    """The storage key of one scope of one environment (a hash of all four)."""
    material = "\n".join((base_uri, api_key, customer_id, resource_id or ""))
    return KEY_PREFIX + hashlib.sha256(material.encode()).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The wire entitlements of one scope and the wall time (epoch seconds) they were saved."""

    saved_at: float
    entitlements: list[dict[str, Any]]


def encode(snapshot: Snapshot) -> str:
    """The stored form of `snapshot`."""
    return json.dumps(
        {"v": FORMAT_VERSION, "savedAt": snapshot.saved_at, "entitlements": snapshot.entitlements},
        separators=(",", ":"),
    )


def decode(text: str | None, *, now: float, max_age_s: float) -> Snapshot | None:
    """The snapshot in `text`, or None when missing, malformed, of another format or too old."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        logger.warning("ignoring a malformed entitlements snapshot")
        return None
    if not isinstance(data, dict) or data.get("v") != FORMAT_VERSION:
        return None
    saved_at = data.get("savedAt")
    entitlements = data.get("entitlements")
    if not isinstance(saved_at, int | float) or not isinstance(entitlements, list):
        return None
    if not 0 <= now - saved_at <= max_age_s:
        return None
    return Snapshot(float(saved_at), [item for item in entitlements if isinstance(item, dict)])


__getattr__ = moved_names(__name__, {"BrowserStorage": "stigg_client.platform.browser"})

__all__ = [
    "FORMAT_VERSION",
    "KEY_PREFIX",
    "Snapshot",
    "SnapshotStore",
    "decode",
    "encode",
    "snapshot_key",
]
