"""Server arguments checked for the wire; wire objects → the server SDK's result shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stigg_client._moved import moved_names
from stigg_client.core import mapping
from stigg_client.core.wire import Json, to_wire
from stigg_client.errors import ValidationError

DIMENSION_TYPES = (str, int, float, bool)


def check_dimensions(dimensions: Mapping[str, Any] | None) -> None:
    """Event dimensions: string keys, values str | int | float | bool (the guide's rule)."""
    for key, item in (dimensions or {}).items():
        if not isinstance(key, str):
            raise ValidationError(f"dimension keys must be strings, got {key!r}")
        if not isinstance(item, DIMENSION_TYPES):
            raise ValidationError(
                f"dimension {key!r} must be str, int, float or bool, got {type(item).__name__}"
            )


def billing_info(value: Mapping[str, Any] | None) -> Json | None:
    """Customer billing info; `currency` is an ISO-4217 enum on the wire (upper case)."""
    if value is None:
        return None
    wire: Json = to_wire(value)
    currency = wire.get("currency")
    if isinstance(currency, str):
        wire["currency"] = currency.upper()
    return wire


def slim_subscription(raw: Json | None) -> Json | None:
    """`CustomerSubscription` (slim selection) → `{id, planId, status, addons, addonIds, ...}`."""
    if raw is None:
        return None
    plan = raw.get("plan") or {}
    customer = raw.get("customer") or {}
    resource = raw.get("resource") or None
    prices = [p.get("price") for p in raw.get("prices") or [] if p.get("price")]
    addons = [
        {"addonId": (a.get("addon") or {}).get("refId"), "quantity": a.get("quantity")}
        for a in raw.get("addons") or []
    ]
    return {
        "id": raw.get("id"),
        "planId": plan.get("refId"),
        "status": raw.get("status"),
        "addons": addons,
        "addonIds": [a["addonId"] for a in addons if a["addonId"]],
        "customerId": customer.get("customerId"),
        "resource": {"id": resource.get("resourceId")} if resource else None,
        "metadata": raw.get("metadata"),
        "price": mapping.price_point(prices[0]) if prices else None,
        "pricingType": raw.get("pricingType"),
        "paymentCollection": raw.get("paymentCollection"),
        "latestInvoice": raw.get("latestInvoice"),
        "experimentInfo": raw.get("experimentInfo"),
        "effectiveEndDate": raw.get("effectiveEndDate"),
    }


def feature_entitlements(items: Any) -> list[Json]:
    """Feature entitlements of an `[EntitlementUnion]` list (credit entitlements are skipped)."""
    result: list[Json] = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        if item.get("__typename") not in (None, "FeatureEntitlement"):
            continue
        feature = item.get("feature")
        if isinstance(feature, dict) and feature.get("refId"):
            result.append(item)
    return result


__getattr__ = moved_names(
    __name__, {name: "stigg_client.core.wire" for name in ("OPAQUE_KEYS", "plain")}
)
