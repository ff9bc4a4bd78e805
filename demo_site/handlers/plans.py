"""Reading the catalog's plans for a subscription change: pricing type, seats, add-ons."""

from __future__ import annotations

from typing import Any

from stigg_client.models.paywall import Plan
from widgets.pricing import is_usage_based


def pricing_type(plan: Plan) -> str:
    """`FREE`, `PAID` or `CUSTOM` (empty when the catalog does not say)."""
    return str(getattr(plan.pricing_type, "value", plan.pricing_type) or "")


def billable_features(plan: Plan, period: str, seats: str | None) -> list[dict[str, Any]] | None:
    """Quantities of a per-unit plan: the chosen seats within the price's bounds (usage-based
    prices are billed from usage, not bought)."""
    for point in plan.price_points:
        billed = str(getattr(point.billing_period, "value", point.billing_period) or "")
        if point.feature_id and billed == period and not is_usage_based(point):
            low = point.min_unit_quantity or 1
            high = point.max_unit_quantity or low
            try:
                quantity = float(seats) if seats else low
            except ValueError:
                quantity = low
            bounded = int(min(max(quantity, low), high))
            return [{"feature_id": point.feature_id, "quantity": bounded}]
    return None


def has_addon(plan: Plan, addon_id: str) -> bool:
    """Whether `addon_id` can be bought with `plan`."""
    return any(addon.id == addon_id for addon in plan.compatible_addons)
