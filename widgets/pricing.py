"""Pure paywall decisions: prices per period, savings, intentions, entitlement text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from stigg_client.models.paywall import PackageEntitlement, Plan, PricePoint
from widgets.formatting import Formatters
from widgets.texts import Texts

MONTHLY = "MONTHLY"
ANNUALLY = "ANNUALLY"
PAYWALL_WIDGET = "PAYWALL"

START_TRIAL = "START_TRIAL"
UPGRADE_TRIAL_TO_PAID = "UPGRADE_TRIAL_TO_PAID"
REQUEST_CUSTOM_PLAN_ACCESS = "REQUEST_CUSTOM_PLAN_ACCESS"
CHANGE_BILLING_PERIOD = "CHANGE_BILLING_PERIOD"
CHANGE_UNIT_QUANTITY = "CHANGE_UNIT_QUANTITY"
UPGRADE_PLAN = "UPGRADE_PLAN"
DOWNGRADE_PLAN = "DOWNGRADE_PLAN"
CANCEL_SCHEDULED_UPDATES = "CANCEL_SCHEDULED_UPDATES"


@dataclass(frozen=True)
class CustomerState:
    """What the customer has now, as far as the paywall cares."""

    customer_id: str | None = None
    resource_id: str | None = None
    current_plan_id: str | None = None
    current_billing_period: str | None = None
    current_quantities: dict[str, float] = field(default_factory=dict)
    trial_plan_id: str | None = None
    trial_days_left: int | None = None
    scheduled_plan_id: str | None = None
    triable: bool = True


def _value(enum_or_str: object) -> str:
    return str(getattr(enum_or_str, "value", enum_or_str) or "")


def is_hidden(hidden: list[object] | None, widget: str = PAYWALL_WIDGET) -> bool:
    """True when a `hiddenFromWidgets` list names `widget`."""
    return any(_value(item) == widget for item in hidden or [])


def price_points(plan: Plan, period: str, country: str | None = None) -> list[PricePoint]:
    """The plan's prices for `period`, localized to `country` when it has such prices."""
    matching = [p for p in plan.price_points if _value(p.billing_period) == period]
    localized = [p for p in matching if country and p.billing_country_code == country]
    if localized:
        return localized
    return [p for p in matching if not p.billing_country_code]


def periods(plans: list[Plan]) -> list[str]:
    """Billing periods any shown plan has a price for, monthly first."""
    found = {_value(p.billing_period) for plan in plans for p in plan.price_points}
    return [period for period in (MONTHLY, ANNUALLY) if period in found]


def total(plan: Plan, period: str, quantity: float = 1, country: str | None = None) -> Decimal:
    """The plan's price for one `period` at `quantity` units of its per-unit prices."""
    amount = Decimal(0)
    for point in price_points(plan, period, country):
        each = Decimal(point.amount or 0)
        amount += each * Decimal(str(quantity)) if point.feature_id else each
    return amount


def savings_percent(plans: list[Plan], country: str | None = None) -> int:
    """The best 'save N %' of annual over 12 x monthly among the plans (rounded down)."""
    best = 0
    for plan in plans:
        monthly = total(plan, MONTHLY, country=country)
        annual = total(plan, ANNUALLY, country=country)
        if monthly > 0 and annual > 0:
            best = max(best, math.floor((1 - annual / (monthly * 12)) * 100))
    return best


def starting_price(plan: Plan, period: str, country: str | None = None) -> Decimal:
    """The plan's price for `period` at the smallest quantity it can be bought in."""
    unit = unit_price(plan, period, country)
    quantity = (unit.min_unit_quantity or 1) if unit else 1
    return total(plan, period, quantity, country)


def unit_price(plan: Plan, period: str, country: str | None = None) -> PricePoint | None:
    """The plan's per-unit price point for `period`, if it has one."""
    return next((p for p in price_points(plan, period, country) if p.feature_id), None)


def effective_entitlements(plan: Plan) -> list[PackageEntitlement]:
    """Inherited then own entitlements, own ones replacing inherited ones of the same feature."""
    merged: dict[str, PackageEntitlement] = {}
    for entitlement in [*plan.inherited_entitlements, *plan.entitlements]:
        merged[entitlement.feature.id] = entitlement
    return list(merged.values())


def units_word(entitlement: PackageEntitlement, count: float | None) -> str:
    """Singular or plural units of the feature, else its name."""
    feature = entitlement.feature
    if count == 1 and feature.units:
        return feature.units
    return feature.units_plural or feature.units or feature.display_name or feature.id


def entitlement_text(
    entitlement: PackageEntitlement, texts: Texts, formatters: Formatters
) -> str | None:
    """The line a paywall shows for an entitlement, or None when it is hidden."""
    if is_hidden(entitlement.hidden_from_widgets):
        return None
    if entitlement.display_name_override:
        return entitlement.display_name_override
    feature = entitlement.feature
    if _value(feature.feature_type).upper() == "BOOLEAN":
        return feature.display_name or feature.id
    if entitlement.has_unlimited_usage:
        return texts("unlimited", units=units_word(entitlement, None))
    limit = entitlement.usage_limit
    if limit is None:
        return feature.display_name or feature.id
    count = formatters.number(limit)
    units = units_word(entitlement, limit)
    if entitlement.reset_period:
        period = texts("period_" + _value(entitlement.reset_period))
        return texts("limit_per_period", count=count, units=units, period=period)
    return texts("limit", count=count, units=units)


def intention(
    plan: Plan,
    plans: list[Plan],
    customer: CustomerState | None,
    period: str,
    quantity: float | None,
) -> str | None:
    """Stigg's subscribe intention for a plan's CTA; None for the current, unchanged plan."""
    if _value(plan.pricing_type) == "CUSTOM":
        return REQUEST_CUSTOM_PLAN_ACCESS
    if customer is None or customer.current_plan_id is None:
        return START_TRIAL if has_trial(plan) else UPGRADE_PLAN
    if customer.scheduled_plan_id == plan.id:
        return CANCEL_SCHEDULED_UPDATES
    if customer.current_plan_id == plan.id:
        if customer.trial_plan_id == plan.id:
            return UPGRADE_TRIAL_TO_PAID
        switching = customer.current_billing_period not in (None, period)
        if switching and price_points(plan, period):
            return CHANGE_BILLING_PERIOD
        unit = unit_price(plan, period)
        if unit and quantity is not None:
            current = customer.current_quantities.get(unit.feature_id or "")
            if current is not None and current != quantity:
                return CHANGE_UNIT_QUANTITY
        return None
    order = {p.id: (p.order if p.order is not None else i) for i, p in enumerate(plans)}
    current_order = order.get(customer.current_plan_id, -1)
    if order.get(plan.id, 0) > current_order:
        if has_trial(plan) and customer.triable and customer.trial_plan_id is None:
            return START_TRIAL
        return UPGRADE_PLAN
    return DOWNGRADE_PLAN


def has_trial(plan: Plan) -> bool:
    """True when the plan offers a default trial."""
    return bool(plan.default_trial_config and plan.default_trial_config.duration)


def unlocks(plan: Plan, feature_id: str, requested: float | None = None) -> bool:
    """True when the plan grants the feature (and `requested` units of it, if given)."""
    for entitlement in effective_entitlements(plan):
        if entitlement.feature.id != feature_id:
            continue
        if requested is None or entitlement.has_unlimited_usage or entitlement.has_soft_limit:
            return True
        if entitlement.usage_limit is None:
            return _value(entitlement.feature.feature_type).upper() == "BOOLEAN"
        return entitlement.usage_limit >= requested
    return False


def cheapest_unlocking(
    plans: list[Plan], feature_id: str, requested: float | None = None
) -> Plan | None:
    """The lowest-priced plan (monthly, then annual, then order) that unlocks the feature."""
    candidates = [p for p in plans if unlocks(p, feature_id, requested)]

    def key(plan: Plan) -> tuple[int, Decimal, int]:
        custom = 1 if _value(plan.pricing_type) == "CUSTOM" else 0
        price = starting_price(plan, MONTHLY) or starting_price(plan, ANNUALLY) / 12
        return (custom, price, plan.order if plan.order is not None else 0)

    return min(candidates, key=key) if candidates else None
