"""Subscription rules shared by provisioning, estimates, promotions and time transitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.catalog.model import Catalog, Coupon, Package
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.errors import StiggError, not_found
from stigg_emulator.domain.periods import period_at
from stigg_emulator.domain.pricing import Bill, build_bill
from stigg_emulator.domain.promotion_codes import Redeemer, check_redeemable
from stigg_emulator.storage import repositories as repo

LIVE_STATUSES = ("ACTIVE", "IN_TRIAL", "NOT_STARTED")


def validate_addons(
    catalog: Catalog, plan: Package, addons: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """Check add-ons exist, fit the plan and their quantity; return stored entries."""
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in addons or []:
        ref = entry.get("addonId")
        addon = catalog.addons.get(ref or "")
        if addon is None:
            raise not_found("AddonNotFound", "Add-on", str(ref))
        if ref in seen:
            raise StiggError("DuplicateAddonProvisionedError", f"Add-on {ref} was given twice")
        seen.add(str(ref))
        if ref not in plan.compatible_addons and not _inherits_compatibility(
            catalog, plan, str(ref)
        ):
            raise StiggError(
                "IncompatibleSubscriptionAddon",
                f"Add-on {ref} is not compatible with plan {plan.ref_id}",
            )
        quantity = entry.get("quantity")
        quantity = 1 if quantity is None else int(quantity)
        if quantity < 1:
            raise StiggError("InvalidQuantity", f"Add-on {ref} quantity must be at least 1")
        if addon.max_quantity is not None and quantity > addon.max_quantity:
            raise StiggError(
                "AddonQuantityExceedsLimitError",
                f"Add-on {ref} quantity {quantity} exceeds the maximum of {addon.max_quantity}",
            )
        result.append({"addonId": addon.ref_id, "quantity": quantity, "version": addon.version})
    return result


def _inherits_compatibility(catalog: Catalog, plan: Package, addon_ref: str) -> bool:
    current = catalog.plans.get(plan.parent_ref) if plan.parent_ref else None
    while current is not None:
        if addon_ref in current.compatible_addons:
            return True
        current = catalog.plans.get(current.parent_ref) if current.parent_ref else None
    return False


def validate_billable(
    catalog: Catalog, plan: Package, features: list[dict[str, Any]] | None, unit_quantity: Any
) -> tuple[list[dict[str, Any]], float | None]:
    """Check per-unit quantities (non-negative, within the price's bounds)."""
    items: list[dict[str, Any]] = []
    for entry in features or []:
        ref = entry.get("featureId")
        if ref not in catalog.features:
            raise not_found("FeatureNotFound", "Feature", str(ref))
        given: Any = entry.get("quantity")
        quantity = float(given)
        if quantity < 0:
            raise StiggError("InvalidQuantity", f"Quantity of {ref} must not be negative")
        items.append({"featureId": ref, "quantity": quantity})
    unit = float(unit_quantity) if unit_quantity is not None else None
    if unit is not None and unit < 0:
        raise StiggError("InvalidQuantity", "unitQuantity must not be negative")
    unit_prices = [price for price in plan.prices if price.billing_model == "PER_UNIT"]
    for price in unit_prices:
        given = next((i["quantity"] for i in items if i["featureId"] == price.feature_ref), unit)
        if given is None:
            given = float(price.min_unit_quantity or 1)
            items.append({"featureId": price.feature_ref, "quantity": given})
        if price.min_unit_quantity is not None and given < price.min_unit_quantity:
            raise StiggError(
                "InvalidQuantity", f"Quantity must be at least {price.min_unit_quantity}"
            )
        if price.max_unit_quantity is not None and given > price.max_unit_quantity:
            raise StiggError(
                "InvalidQuantity", f"Quantity must be at most {price.max_unit_quantity}"
            )
        if not any(i["featureId"] == price.feature_ref for i in items):
            items.append({"featureId": price.feature_ref, "quantity": given})
    return items, unit


def resolve_coupon(
    catalog: Catalog, data: dict[str, Any], redeemer: Redeemer | None = None
) -> tuple[Coupon | None, str | None]:
    """The coupon from `promotionCode` or `appliedCoupon.couponId` (validated); with a
    `redeemer`, a promotion code must also be redeemable by them now (expiry, limits)."""
    code = data.get("promotionCode")
    if code:
        found = catalog.promotion_code(str(code))
        if found is None:
            raise StiggError("PromotionCodeNotFound", f"Promotion code {code} was not found")
        coupon, promo = found
        if not promo.active or coupon.status != "ACTIVE":
            raise StiggError("PromotionCodeNotActive", f"Promotion code {code} is not active")
        if redeemer is not None:
            check_redeemable(promo, redeemer)
        return coupon, promo.code
    applied = data.get("appliedCoupon") or {}
    coupon_ref = applied.get("couponId")
    if coupon_ref:
        applied_coupon = catalog.coupons.get(coupon_ref)
        if applied_coupon is None:
            raise not_found("CouponNotFound", "Coupon", coupon_ref)
        if applied_coupon.status != "ACTIVE":
            raise StiggError("ArchivedCouponCantBeApplied", f"Coupon {coupon_ref} is archived")
        return applied_coupon, None
    return None, None


def redeemable_coupon(
    domain: Domain, connection: Connection, data: dict[str, Any], customer_ref: str
) -> tuple[Coupon | None, str | None]:
    """`resolve_coupon` for `customer_ref` now: an expired, used-up or (for them) ineligible
    promotion code raises Stigg's error."""
    redeemer = Redeemer(connection, customer_ref, domain.clock.now_ms(customer_ref))
    return resolve_coupon(domain.catalog, data, redeemer)


PLAN_CHANGES = ("Plan", "Downgrade")


def plan_change_kind(
    catalog: Catalog, data: dict[str, Any], current: dict[str, Any] | None, plan: Package
) -> str | None:
    """`Downgrade` / `Plan` when subscribing to `plan` schedules a change of `current` (its
    product's active paid subscription) at the end of its billing period, else None.

    `END_OF_BILLING_PERIOD` / `END_OF_BILLING_MONTH` schedule any other plan; without a
    `scheduleStrategy` a lower plan (a downgrade) is scheduled, as Stigg does by default.
    """
    if current is None or data.get("startDate") is not None or current["plan_ref"] == plan.ref_id:
        return None
    strategy = data.get("scheduleStrategy")
    current_plan = catalog.plans.get(current["plan_ref"])
    lower = current_plan is not None and current_plan.order > plan.order
    if strategy in ("END_OF_BILLING_PERIOD", "END_OF_BILLING_MONTH"):
        return "Downgrade" if lower else "Plan"
    if strategy is None and lower:
        return "Downgrade"
    return None


def touch_customer(
    domain: Domain, tx: Tx, customer_ref: str, resource_id: str | None = None
) -> None:
    """Bump `entitlementUpdatedAt` of a customer and record the change."""
    repo.update_customer(
        tx.conn,
        customer_ref,
        {
            "entitlements_updated_at": domain.clock.stamp(customer_ref),
            "updated_at": domain.clock.now_ms(customer_ref),
        },
    )
    tx.entitlements_changed(customer_ref, resource_id)


def period_end(domain: Domain, row: dict[str, Any]) -> int:
    """End of the current billing period (paid) or of the current month since start (free)."""
    period = row.get("billing_period")
    unit = "YEAR" if period == "ANNUALLY" else "MONTH"
    if row["status"] == "IN_TRIAL" and row.get("trial_end_date"):
        return int(row["trial_end_date"])
    return period_at(int(row["billing_anchor"]), unit, domain.clock.now(row["customer_ref"])).end


def schedule_change(
    domain: Domain, tx: Tx, row: dict[str, Any], kind: str, when: int, variables: dict[str, Any]
) -> None:
    repo.insert_schedule(
        tx.conn,
        {
            "subscription_ref": row["ref_id"],
            "schedule_type": kind,
            "status": "Scheduled",
            "scheduled_at": when,
            "variables": variables,
            "created_at": domain.clock.now_ms(row["customer_ref"]),
        },
    )


def current_billing_period(subscription: dict[str, Any], now: datetime) -> tuple[int, int]:
    """Start and end (epoch ms) of the current billing period (monthly for free plans)."""
    period = subscription.get("billing_period") or "MONTHLY"
    unit = "YEAR" if period == "ANNUALLY" else "MONTH"
    current = period_at(int(subscription["billing_anchor"]), unit, now)
    return current.start, current.end


def stored_bill(catalog: Catalog, subscription: dict[str, Any]) -> Bill:
    """The full-period bill of a stored subscription, its coupon applied."""
    plan = catalog.package(subscription["plan_ref"], subscription["plan_version"])
    assert plan is not None, f"plan {subscription['plan_ref']} vanished from the catalog"
    coupon_ref = subscription.get("coupon_ref")
    return build_bill(
        catalog,
        plan,
        subscription.get("billing_period"),
        subscription.get("billing_country_code"),
        {
            item["featureId"]: float(item["quantity"])
            for item in subscription.get("billable_features") or []
        },
        subscription.get("unit_quantity"),
        list(subscription.get("addons") or []),
        catalog.coupons.get(coupon_ref) if coupon_ref else None,
    )
