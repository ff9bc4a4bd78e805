"""Entitlement computation: plan (+ inherited) + add-ons + per-unit quantities + promotions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.catalog.model import Catalog, EntitlementSpec, Feature
from stigg_emulator.clock import to_ms
from stigg_emulator.domain.credits import CreditBalance, balances
from stigg_emulator.domain.periods import UsagePeriod, period_at
from stigg_emulator.storage import repositories as repo

NO_RESOURCE = ""


@dataclass
class Grant:
    """The effective entitlement of one feature for one customer scope."""

    feature: Feature
    usage_limit: float | None = None
    unlimited: bool = False
    soft_limit: bool = False
    reset_period: str | None = None
    monthly_according_to: str | None = None
    weekly_according_to: str | None = None
    display_name_override: str | None = None
    hidden_from_widgets: tuple[str, ...] = ()
    enum_values: tuple[str, ...] = ()  # ENUM features: the allowed values
    anchor_ms: int | None = None  # usage periods are counted from here
    valid_until_ms: int | None = None
    order: int = 0


@dataclass
class Usage:
    """Current usage of one feature in the current period."""

    value: float = 0.0
    updated_at: int | None = None
    period: UsagePeriod | None = None


@dataclass
class ScopeState:
    """Everything needed to answer entitlement reads for (customer, resource)."""

    customer_ref: str
    resource_id: str | None
    denied_reason: str | None  # EntitlementsStateAccessDeniedReason
    grants: dict[str, Grant] = field(default_factory=dict)
    usage: dict[str, Usage] = field(default_factory=dict)
    entitlements_updated_at: int | None = None
    resource_exists: bool = True
    expires_at: int | None = None  # when this answer may change without a write
    credits: dict[str, CreditBalance] = field(default_factory=dict)  # by currency


def _better(current: Grant | None, candidate: Grant) -> Grant:
    if current is None:
        return candidate
    if candidate.unlimited and not current.unlimited:
        return replace(candidate, order=min(current.order, candidate.order))
    if current.unlimited:
        return current
    if (candidate.usage_limit or 0) > (current.usage_limit or 0):
        return replace(candidate, order=min(current.order, candidate.order))
    return current


def _grant_from_spec(feature: Feature, spec: EntitlementSpec, anchor: int, order: int) -> Grant:
    return Grant(
        feature=feature,
        usage_limit=spec.usage_limit,
        unlimited=spec.unlimited,
        soft_limit=spec.soft_limit,
        reset_period=spec.reset_period,
        monthly_according_to=spec.monthly_according_to,
        weekly_according_to=spec.weekly_according_to,
        display_name_override=spec.display_name_override,
        hidden_from_widgets=spec.hidden_from_widgets,
        enum_values=spec.enum_values,
        anchor_ms=anchor,
        order=order,
    )


def subscription_grants(catalog: Catalog, subscription: dict[str, Any]) -> dict[str, Grant]:
    """Grants of one subscription: plan chain, add-ons (x quantity) and per-unit features."""
    plan = catalog.package(subscription["plan_ref"], subscription["plan_version"])
    grants: dict[str, Grant] = {}
    if plan is None:
        return grants
    anchor = int(subscription["start_date"])
    ends = [subscription.get("cancellation_date"), subscription.get("end_date")]
    if subscription["status"] == "IN_TRIAL":
        ends.append(subscription.get("trial_end_date"))
    valid_until = min((int(end) for end in ends if end), default=None)
    for index, spec in enumerate(catalog.inherited_entitlements(plan)):
        feature = catalog.features.get(spec.feature_ref)
        if feature is not None:
            grant = _grant_from_spec(feature, spec, anchor, spec.order + 1000 * index)
            grants[feature.ref_id] = grant
    for addon_entry in subscription.get("addons") or []:
        addon = catalog.package(addon_entry["addonId"], addon_entry.get("version"))
        if addon is None:
            continue
        quantity = int(addon_entry.get("quantity") or 1)
        for spec in addon.entitlements:
            feature = catalog.features.get(spec.feature_ref)
            if feature is None:
                continue
            existing = grants.get(feature.ref_id)
            extra = _grant_from_spec(feature, spec, anchor, 10_000 + spec.order)
            if extra.usage_limit is not None:
                extra.usage_limit = extra.usage_limit * quantity
            if existing is None:
                grants[feature.ref_id] = extra
                continue
            if extra.enum_values:
                allowed = set(existing.enum_values) | set(extra.enum_values)
                existing.enum_values = tuple(v for v in feature.enum_values if v in allowed)
            if not existing.unlimited:
                existing.unlimited = existing.unlimited or extra.unlimited
                if extra.usage_limit is not None:
                    existing.usage_limit = (existing.usage_limit or 0) + extra.usage_limit
    quantities = {
        item["featureId"]: float(item["quantity"])
        for item in subscription.get("billable_features") or []
    }
    for price in plan.prices:
        if price.billing_model != "PER_UNIT" or price.feature_ref is None:
            continue
        if (
            subscription.get("billing_period")
            and price.billing_period != subscription["billing_period"]
        ):
            continue
        feature = catalog.features.get(price.feature_ref)
        if feature is None:
            continue
        units = quantities.get(feature.ref_id, subscription.get("unit_quantity") or 0)
        grant = grants.get(feature.ref_id) or Grant(feature=feature, anchor_ms=anchor, order=-1)
        grant.usage_limit = float(units)
        grant.unlimited = False
        grants[feature.ref_id] = grant
    for grant in grants.values():
        grant.valid_until_ms = valid_until
    return grants


def promotion_grant(catalog: Catalog, row: dict[str, Any]) -> Grant | None:
    """The grant of one active promotional entitlement."""
    feature = catalog.features.get(row["feature_ref"])
    if feature is None:
        return None
    config = row.get("reset_config") or {}
    return Grant(
        feature=feature,
        usage_limit=row.get("usage_limit"),
        unlimited=bool(row.get("unlimited")),
        soft_limit=bool(row.get("soft_limit")),
        reset_period=row.get("reset_period"),
        monthly_according_to=config.get("monthlyAccordingTo"),
        weekly_according_to=config.get("weeklyAccordingTo"),
        anchor_ms=int(row["start_date"]),
        valid_until_ms=int(row["end_date"]) if row.get("end_date") else None,
        order=20_000,
        enum_values=tuple(row.get("enum_values") or feature.enum_values),
    )


def in_scope(subscription: dict[str, Any], resource_id: str | None) -> bool:
    """Whether a subscription contributes to the (customer, resource) scope."""
    if resource_id is None:
        return subscription.get("resource_id") is None
    return subscription.get("resource_id") in (None, resource_id)


def scope_state(
    connection: Connection,
    catalog: Catalog,
    customer_ref: str,
    resource_id: str | None,
    now: datetime,
) -> ScopeState:
    """Compute the entitlements and usage of one customer scope at `now`."""
    customer = repo.get_customer(connection, customer_ref)
    if customer is None:
        return ScopeState(customer_ref, resource_id, "CustomerNotFound")
    if customer.get("archived_at") is not None:
        return ScopeState(customer_ref, resource_id, "CustomerIsArchived")
    subscriptions = repo.customer_subscriptions(connection, customer_ref)
    state = ScopeState(
        customer_ref,
        resource_id,
        None,
        entitlements_updated_at=int(customer["entitlements_updated_at"]),
    )
    if resource_id is not None:
        every = repo.customer_subscriptions(connection, customer_ref, statuses=None)
        state.resource_exists = any(row.get("resource_id") == resource_id for row in every)
    scoped = [row for row in subscriptions if in_scope(row, resource_id)]
    grants: dict[str, Grant] = {}
    for subscription in scoped:
        for ref, grant in subscription_grants(catalog, subscription).items():
            grants[ref] = _better(grants.get(ref), grant)
    promotions = repo.customer_promotions(connection, customer_ref)
    now_ms = to_ms(now)
    for row in promotions:
        if row.get("end_date") and int(row["end_date"]) <= now_ms:
            continue
        promoted = promotion_grant(catalog, row)
        if promoted is not None:
            previous = grants.get(promoted.feature.ref_id)
            if previous is not None:
                promoted.display_name_override = previous.display_name_override
                promoted.hidden_from_widgets = previous.hidden_from_widgets
                promoted.order = previous.order
            grants[promoted.feature.ref_id] = promoted
    if not scoped and not grants:
        state.denied_reason = "NoActiveSubscription"
    state.grants = dict(sorted(grants.items(), key=lambda item: (item[1].order, item[0])))
    resource_key = resource_id or NO_RESOURCE
    rows = {
        row["feature_ref"]: row
        for row in repo.customer_usage(connection, customer_ref, resource_key)
    }
    expiries: list[int] = []
    for ref, grant in state.grants.items():
        if grant.valid_until_ms:
            expiries.append(grant.valid_until_ms)
        if grant.feature.meter_type == "None":
            continue
        period = current_period(grant, now)
        usage_row = rows.get(ref)
        usage = Usage(period=period)
        if usage_row is not None:
            usage.updated_at = int(usage_row["updated_at"])
            same_period = period is None or int(usage_row["period_start"]) == period.start
            usage.value = float(usage_row["value"]) if same_period else 0.0
        if period is not None:
            expiries.append(period.end)
        state.usage[ref] = usage
    if catalog.currencies:
        state.credits = balances(connection, catalog, customer_ref, resource_key, now_ms)
        for credit in state.credits.values():
            expiries.extend(m for m in (credit.next_change, credit.period_end) if m is not None)
    state.expires_at = min(expiries) if expiries else None
    return state


def credit_denial(state: ScopeState, grant: Grant, requested: float | None) -> str | None:
    """`InsufficientCredits` when a feature with a credit rate would burn more credits than the
    scope holds (none without a soft limit), else None."""
    rate = grant.feature.credit_rate
    if rate is None:
        return None
    credit = state.credits.get(rate.currency_ref)
    if credit is None:
        return "InsufficientCredits"
    if credit.soft_limit:
        return None
    cost = rate.amount * (requested if requested is not None else 1.0)
    return "InsufficientCredits" if credit.balance <= 0 or cost > credit.balance else None


def current_period(grant: Grant, now: datetime) -> UsagePeriod | None:
    """The usage period of a resettable grant at `now` (None for non-resetting features)."""
    if grant.reset_period is None or grant.anchor_ms is None:
        return None
    return period_at(
        grant.anchor_ms,
        grant.reset_period,
        now,
        grant.monthly_according_to,
        grant.weekly_according_to,
    )


def decide(
    grant: Grant,
    usage: Usage | None,
    requested: float | None,
    requested_values: tuple[str, ...] = (),
) -> str | None:
    """`accessDeniedReason` for a grant given current usage and a requested amount (None = ok).

    An ENUM grant is denied when a requested value is not among its allowed values.
    """
    if grant.feature.feature_type == "ENUM":
        allowed = grant.enum_values
        if any(value not in allowed for value in requested_values):
            return "RequestedValuesMismatch"
        return None
    if grant.feature.feature_type != "NUMBER" or grant.feature.meter_type == "None":
        return None
    if grant.unlimited or grant.soft_limit:
        return None
    current = usage.value if usage else 0.0
    limit = grant.usage_limit or 0.0
    if requested is None:
        return "RequestedUsageExceedingLimit" if current > limit else None
    return "RequestedUsageExceedingLimit" if current + requested > limit else None
