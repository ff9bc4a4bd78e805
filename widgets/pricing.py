"""Pure paywall decisions: prices per period, savings, intentions, entitlement text."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from stigg_client.models.paywall import PackageEntitlement, Plan, PricePoint
from stigg_client.models.subscriptions import Subscription
from widgets import tiers
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
PENDING_SCHEDULES = frozenset({"Scheduled", "PendingPayment"})


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
    has_scheduled_updates: bool = False
    triable: bool = True


def _value(enum_or_str: object) -> str:
    return str(getattr(enum_or_str, "value", enum_or_str) or "")


def customer_state_of(
    customer_id: str,
    resource_id: str | None,
    subscriptions: Sequence[Subscription],
    now: datetime,
) -> CustomerState:
    """The paywall's view of a customer from their active subscriptions (the first one counts):
    plan, billing period, bought quantities, trial, and pending scheduled changes."""
    if not subscriptions:
        return CustomerState(customer_id=customer_id, resource_id=resource_id)
    sub = subscriptions[0]
    status = _value(sub.status)
    period = _value(sub.price.billing_period) if sub.price else ""
    trial_days = None
    if status == "IN_TRIAL" and sub.trial_end_date:
        trial_days = max(0, (sub.trial_end_date - now).days)
    plan_id = sub.plan.id if sub.plan else None
    pending = [u for u in sub.scheduled_updates if u.schedule_status in PENDING_SCHEDULES]
    plan_changes = [u.target_plan_id for u in pending if u.target_plan_id]
    return CustomerState(
        customer_id=customer_id,
        resource_id=resource_id,
        current_plan_id=plan_id,
        current_billing_period=period or None,
        current_quantities=sub.unit_quantities,
        trial_plan_id=plan_id if status == "IN_TRIAL" else None,
        trial_days_left=trial_days,
        scheduled_plan_id=plan_changes[0] if plan_changes else None,
        has_scheduled_updates=bool(pending),
    )


def is_hidden(hidden: Sequence[object] | None, widget: str = PAYWALL_WIDGET) -> bool:
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


def is_usage_based(point: PricePoint) -> bool:
    """A pay-as-you-go price: billed in arrears from usage, not part of the up-front price."""
    return _value(point.pricing_model) == "USAGE_BASED"


def total(plan: Plan, period: str, quantity: float = 1, country: str | None = None) -> Decimal:
    """The plan's up-front price for one `period` at `quantity` units of its per-unit prices
    (tiers and blocks applied; usage-based prices are billed later and not included)."""
    amount = Decimal(0)
    for point in price_points(plan, period, country):
        if is_usage_based(point):
            continue
        amount += tiers.cost(point, quantity) if point.feature else Decimal(point.amount or 0)
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
    """The plan's per-unit (paid up front) price point for `period`, if it has one."""
    return next(
        (p for p in price_points(plan, period, country) if p.feature and not is_usage_based(p)),
        None,
    )


def usage_prices(plan: Plan, period: str, country: str | None = None) -> list[PricePoint]:
    """The plan's pay-as-you-go price points for `period`."""
    return [p for p in price_points(plan, period, country) if is_usage_based(p)]


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
    feature_type = _value(feature.feature_type).upper()
    if feature_type == "BOOLEAN":
        return feature.display_name or feature.id
    if feature_type == "ENUM" and entitlement.enum_values:
        values = ", ".join(entitlement.enum_values)
        return texts("enum_values", feature=feature.display_name or feature.id, values=values)
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
    """Stigg's subscribe intention for a plan's CTA; None for the current, unchanged plan.

    The current plan with pending scheduled changes (fewer seats, another period) offers to
    cancel them; so does the plan a scheduled change switches to.
    """
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
            current = customer.current_quantities.get(
                unit.feature.feature_id if unit.feature else ""
            )
            if current is not None and current != quantity:
                return CHANGE_UNIT_QUANTITY
        return CANCEL_SCHEDULED_UPDATES if customer.has_scheduled_updates else None
    order = plan_ranks(plans)
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


def plan_ranks(plans: list[Plan]) -> dict[str, int]:
    """Each plan's tier: its catalog order, else its position in the paywall."""
    return {p.id: (p.order if p.order is not None else i) for i, p in enumerate(plans)}


def cheapest_unlocking(
    plans: list[Plan],
    feature_id: str,
    requested: float | None = None,
    current_plan_ids: Collection[str] = (),
) -> Plan | None:
    """The lowest-priced plan (monthly, then annual, then order) that unlocks the feature.

    `plans` are all of the paywall's plans. Plans hidden from widgets never qualify, and for a
    customer only plans ranked above their current plan(s) do: an upgrade prompt never offers
    a step down, even one that would grant more of the feature.
    """
    ranks = plan_ranks(plans)
    current = [ranks[plan_id] for plan_id in current_plan_ids if plan_id in ranks]
    floor = max(current) if current else None
    candidates = [
        p
        for p in plans
        if not is_hidden(p.hidden_from_widgets)
        and (floor is None or ranks[p.id] > floor)
        and p.id not in current_plan_ids
        and unlocks(p, feature_id, requested)
    ]

    def key(plan: Plan) -> tuple[int, Decimal, int]:
        custom = 1 if _value(plan.pricing_type) == "CUSTOM" else 0
        price = starting_price(plan, MONTHLY) or starting_price(plan, ANNUALLY) / 12
        return (custom, price, ranks[plan.id])

    return min(candidates, key=key) if candidates else None
