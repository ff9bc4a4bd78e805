"""Subscriptions: lifecycle rules, updates, cancellation, schedules, time transitions."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from stigg_emulator.catalog.model import Catalog, Coupon, Package
from stigg_emulator.clock import Scope, from_ms, parse_iso, to_ms
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.customers import require_customer
from stigg_emulator.domain.errors import StiggError, bad_input, not_found
from stigg_emulator.domain.periods import add_months, period_at
from stigg_emulator.domain.pricing import build_bill, default_billing_period
from stigg_emulator.storage import repositories as repo

LIVE_STATUSES = ("ACTIVE", "IN_TRIAL", "NOT_STARTED")


@dataclass
class ProvisionOutcome:
    """What `provisionSubscriptionV2` produced."""

    subscription_ref: str
    status: str  # SUCCESS | PAYMENT_REQUIRED
    checkout_url: str | None = None
    checkout_id: str | None = None
    is_scheduled: bool = False


def parse_time(value: Any, field: str) -> int | None:
    """Epoch ms of an ISO DateTime input (None stays None)."""
    if value is None:
        return None
    try:
        return to_ms(parse_iso(str(value)))
    except ValueError:
        raise bad_input(f"{field} is not a valid ISO-8601 date-time: {value!r}") from None


def require_plan(catalog: Catalog, plan_ref: str) -> Package:
    """The latest plan or PlanNotFound."""
    plan = catalog.plans.get(plan_ref)
    if plan is None:
        raise not_found("PlanNotFound", "Plan", plan_ref)
    return plan


def require_subscription(tx_conn: Any, ref_id: str) -> dict[str, Any]:
    """The subscription row or SubscriptionNotFound."""
    row = repo.get_subscription(tx_conn, ref_id)
    if row is None:
        raise not_found("SubscriptionNotFound", "Subscription", ref_id)
    return row


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
        quantity = float(entry.get("quantity"))
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


def resolve_coupon(catalog: Catalog, data: dict[str, Any]) -> tuple[Coupon | None, str | None]:
    """The coupon from `promotionCode` or `appliedCoupon.couponId` (validated)."""
    code = data.get("promotionCode")
    if code:
        found = catalog.promotion_code(str(code))
        if found is None:
            raise StiggError("PromotionCodeNotFound", f"Promotion code {code} was not found")
        coupon, promo = found
        if not promo.active or coupon.status != "ACTIVE":
            raise StiggError("PromotionCodeNotActive", f"Promotion code {code} is not active")
        return coupon, promo.code
    applied = data.get("appliedCoupon") or {}
    coupon_ref = applied.get("couponId")
    if coupon_ref:
        coupon = catalog.coupons.get(coupon_ref)
        if coupon is None:
            raise not_found("CouponNotFound", "Coupon", coupon_ref)
        if coupon.status != "ACTIVE":
            raise StiggError("ArchivedCouponCantBeApplied", f"Coupon {coupon_ref} is archived")
        return coupon, None
    return None, None


def _trial_end(plan: Package, start_ms: int) -> int | None:
    trial = plan.default_trial
    if trial is None:
        return None
    start = from_ms(start_ms)
    end = (
        add_months(start, trial.duration)
        if trial.units == "MONTH"
        else start + timedelta(days=trial.duration)
    )
    return to_ms(end)


def _has_trialed(tx: Tx, customer_ref: str, plan: Package) -> bool:
    rows = repo.customer_subscriptions(tx.conn, customer_ref, statuses=None)
    return any(row["plan_ref"] == plan.ref_id and row.get("was_in_trial") for row in rows)


def provision(
    domain: Domain,
    tx: Tx,
    data: dict[str, Any],
    base_url: str,
    *,
    skip_payment_check: bool = False,
    experiment: dict[str, Any] | None = None,
    charge_now: bool = True,
) -> ProvisionOutcome:
    """`provisionSubscriptionV2` with the four lifecycle rules of Stigg's server guide.

    A change of plan of an active paid subscription at the end of its billing period
    (`scheduleStrategy`, and by default for a lower plan) becomes a scheduled update of it.
    `charge_now=False` leaves the first invoice to the test clock's renewal run.
    """
    catalog = domain.catalog
    customer_ref = data.get("customerId")
    if not customer_ref:
        raise bad_input("customerId is required")
    customer = require_customer(tx.conn, customer_ref)
    paying_ref = data.get("payingCustomerId")
    if paying_ref:
        require_customer(tx.conn, paying_ref)
    plan = require_plan(catalog, str(data.get("planId")))
    product = catalog.products[plan.product_ref]
    resource_id = data.get("resourceId") or None
    addons = validate_addons(catalog, plan, data.get("addons"))
    billable, unit_quantity = validate_billable(
        catalog,
        plan,
        data.get("billableFeatures"),
        data.get("unitQuantity")
        if data.get("unitQuantity") is not None
        else data.get("priceUnitAmount"),
    )
    billing_period = default_billing_period(plan, data.get("billingPeriod"))
    coupon, promotion_code = resolve_coupon(catalog, data)
    now = domain.clock.now_ms(customer_ref)
    start = parse_time(data.get("startDate"), "startDate") or now
    ref_id = (
        data.get("refId")
        or data.get("subscriptionId")
        or f"subscription-{plan.ref_id}-{secrets.token_hex(3)}"
    )
    if repo.get_subscription(tx.conn, ref_id) is not None:
        raise StiggError("DuplicatedEntityNotAllowed", f"Subscription {ref_id} already exists")

    same_scope = [
        row
        for row in repo.customer_subscriptions(tx.conn, customer_ref, statuses=LIVE_STATUSES)
        if row["product_ref"] == product.ref_id and (row.get("resource_id") or None) == resource_id
    ]
    later = data.get("scheduleStrategy") in ("END_OF_BILLING_PERIOD", "END_OF_BILLING_MONTH")
    paid_now = [r for r in same_scope if r["status"] == "ACTIVE" and r["pricing_type"] == "PAID"]
    change = plan_change_kind(catalog, data, paid_now[0] if paid_now else None, plan)
    if change is not None:
        return _schedule_plan_change(
            domain, tx, paid_now[0], plan, change, billing_period, billable, addons
        )
    if later and data.get("startDate") is None and paid_now:
        start = period_end(domain, paid_now[0])  # e.g. a downgrade at the end of the period
    override = data.get("trialOverrideConfiguration") or {}
    trial_wanted = plan.default_trial is not None and not data.get("skipTrial")
    if "isTrial" in override:
        trial_wanted = bool(override["isTrial"])
    trial_of_same_plan = [
        r for r in same_scope if r["status"] == "IN_TRIAL" and r["plan_ref"] == plan.ref_id
    ]
    if trial_of_same_plan or (
        trial_wanted and _has_trialed(tx, customer_ref, plan) and "isTrial" not in override
    ):
        trial_wanted = False  # rule 2: subscribing to the trialed plan converts to non-trial
    trial_end = None
    if trial_wanted:
        trial_end = parse_time(override.get("trialEndDate"), "trialEndDate") or _trial_end(
            plan, start
        )
        if trial_end is None:
            trial_end = to_ms(from_ms(start) + timedelta(days=14))
    bill = build_bill(
        catalog,
        plan,
        billing_period,
        data.get("billingCountryCode"),
        {i["featureId"]: i["quantity"] for i in billable},
        unit_quantity,
        addons,
        coupon,
    )
    payer = paying_ref or customer_ref
    billing = repo.get_billing(tx.conn, payer) or {}
    has_payment = bool(billing.get("payment_method_id") or data.get("paymentMethodId"))
    needs_payment = (
        not skip_payment_check
        and plan.pricing_type == "PAID"
        and not trial_wanted
        and bill.total > 0
        and not has_payment
    )
    if trial_wanted:
        replaced = [r for r in same_scope if r["status"] == "IN_TRIAL"]  # rule 1: keep non-trial
    else:
        replaced = [
            r for r in same_scope if r["status"] != "IN_TRIAL" or r["plan_ref"] == plan.ref_id
        ]
    status = "NOT_STARTED" if start > now else ("IN_TRIAL" if trial_wanted else "ACTIVE")
    if needs_payment:
        status = "PAYMENT_PENDING"
    values = {
        "ref_id": ref_id,
        "uuid": str(uuid.uuid4()),
        "customer_ref": customer_ref,
        "paying_customer_ref": paying_ref,
        "resource_id": resource_id,
        "product_ref": product.ref_id,
        "plan_ref": plan.ref_id,
        "plan_version": plan.version,
        "status": status,
        "billing_period": billing_period if plan.pricing_type == "PAID" else None,
        "pricing_type": plan.pricing_type,
        "start_date": start,
        "end_date": None,
        "cancellation_date": parse_time(data.get("cancellationDate"), "cancellationDate"),
        "cancel_reason": None,
        "trial_end_date": trial_end,
        "was_in_trial": trial_wanted,
        "billing_anchor": trial_end or start,
        "addons": addons,
        "billable_features": billable,
        "unit_quantity": unit_quantity,
        "metadata": data.get("additionalMetaData"),
        "coupon_ref": coupon.ref_id if coupon else None,
        "promotion_code": promotion_code,
        "billing_country_code": (data.get("billingCountryCode") or None),
        "experiment": experiment or customer.get("experiment"),
        "payment_collection": "NOT_REQUIRED",
        "billing_info": data.get("billingInformation"),
        "created_at": now,
        "updated_at": now,
    }
    first_invoice = None
    charged = plan.pricing_type == "PAID" and not trial_wanted and bill.total > 0
    if charged and charge_now and has_payment and not needs_payment and start <= now:
        from stigg_emulator.domain.estimates import quote_new  # estimates imports this module

        first_invoice = quote_new(domain, tx.conn, data)
    repo.insert_subscription(tx.conn, values)
    if needs_payment:
        session_id = secrets.token_urlsafe(18)
        repo.insert_checkout(
            tx.conn,
            {
                "id": session_id,
                "customer_ref": customer_ref,
                "plan_ref": plan.ref_id,
                "resource_id": resource_id,
                "subscription_ref": ref_id,
                "request": {key: value for key, value in data.items() if key != "environmentId"},
                "status": "OPEN",
                "created_at": now,
            },
        )
        return ProvisionOutcome(
            ref_id, "PAYMENT_REQUIRED", f"{base_url.rstrip('/')}/checkout/{session_id}", session_id
        )
    activate_replacing(domain, tx, values, replaced)
    if first_invoice is not None:
        from stigg_emulator.billing import ledger

        ledger.charge(
            domain,
            tx,
            values,
            first_invoice.immediate,
            "SUBSCRIPTION_CREATION",
            (first_invoice.range_start, first_invoice.range_end),
            base_url,
        )
    return ProvisionOutcome(ref_id, "SUCCESS", is_scheduled=start > now)


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


def _schedule_plan_change(
    domain: Domain,
    tx: Tx,
    row: dict[str, Any],
    plan: Package,
    kind: str,
    billing_period: str | None,
    billable: list[dict[str, Any]],
    addons: list[dict[str, Any]],
) -> ProvisionOutcome:
    """Schedule `row`'s move to `plan` at its period end (replacing an earlier plan change)."""
    earlier = [
        s["id"]
        for s in repo.subscription_schedules(tx.conn, row["ref_id"])
        if s["schedule_type"] in PLAN_CHANGES
    ]
    repo.set_schedule_status(tx.conn, earlier, "Canceled")
    common: dict[str, Any] = {
        "billingPeriod": billing_period if plan.pricing_type == "PAID" else None,
        "billableFeatures": [
            {"featureId": i["featureId"], "quantity": float(i["quantity"])} for i in billable
        ]
        or None,
        "addons": [{"addonRefId": a["addonId"], "quantity": float(a["quantity"])} for a in addons]
        or None,
    }
    if kind == "Downgrade":
        variables = {
            "__typename": "DowngradeChangeVariables",
            "downgradePlanRefId": plan.ref_id,
            **common,
        }
    else:
        current_plan = domain.catalog.plans.get(row["plan_ref"])
        higher = current_plan is None or current_plan.order < plan.order
        variables = {
            "__typename": "PlanChangeVariables",
            "planRefId": plan.ref_id,
            "changeType": "UPGRADE" if higher else "NONE",
            **common,
        }
    _schedule(domain, tx, row, kind, period_end(domain, row), variables)
    return ProvisionOutcome(row["ref_id"], "SUCCESS", is_scheduled=True)


def activate_replacing(
    domain: Domain, tx: Tx, new: dict[str, Any], replaced: list[dict[str, Any]]
) -> None:
    """Rule 3: the new subscription takes over from `replaced` at its start date."""
    now = domain.clock.now_ms(new["customer_ref"])
    start = int(new["start_date"])
    for row in replaced:
        if row["ref_id"] == new["ref_id"]:
            continue
        reason = (
            "TrialConverted"
            if row["status"] == "IN_TRIAL" and row["plan_ref"] == new["plan_ref"]
            else "UpgradeOrDowngrade"
        )
        if start <= now or row["status"] == "NOT_STARTED":
            end_now(domain, tx, row, reason, downgrade=False)
        else:
            repo.update_subscription(
                tx.conn,
                row["ref_id"],
                {"cancellation_date": start, "cancel_reason": reason, "updated_at": now},
            )
    touch_customer(domain, tx, new["customer_ref"], new.get("resource_id"))


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


def end_now(
    domain: Domain, tx: Tx, row: dict[str, Any], reason: str, *, downgrade: bool = True
) -> None:
    """End a subscription immediately (CANCELED), optionally falling back to the downgrade plan."""
    now = domain.clock.now_ms(row["customer_ref"])
    status = "EXPIRED" if reason in ("Expired", "TrialEnded") else "CANCELED"
    repo.update_subscription(
        tx.conn,
        row["ref_id"],
        {
            "status": status,
            "end_date": now,
            "cancellation_date": row.get("cancellation_date") or now,
            "cancel_reason": reason,
            "updated_at": now,
        },
    )
    repo.set_schedule_status(
        tx.conn, [s["id"] for s in repo.subscription_schedules(tx.conn, row["ref_id"])], "Canceled"
    )
    if downgrade:
        _downgrade(domain, tx, row)
    touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))


def _downgrade(domain: Domain, tx: Tx, row: dict[str, Any]) -> None:
    product = domain.catalog.products.get(row["product_ref"])
    if product is None or not product.downgrade_plan or product.downgrade_plan == row["plan_ref"]:
        return
    customer = repo.get_customer(tx.conn, row["customer_ref"])
    if customer is None or customer.get("archived_at") is not None:
        return
    others = [
        r
        for r in repo.customer_subscriptions(tx.conn, row["customer_ref"], statuses=LIVE_STATUSES)
        if r["product_ref"] == row["product_ref"]
        and r.get("resource_id") == row.get("resource_id")
        and r["ref_id"] != row["ref_id"]
        and r["status"] != "IN_TRIAL"
    ]
    if others:
        return
    provision(
        domain,
        tx,
        {
            "customerId": row["customer_ref"],
            "planId": product.downgrade_plan,
            "resourceId": row.get("resource_id"),
            "skipTrial": True,
        },
        "",
        skip_payment_check=True,
    )


def period_end(domain: Domain, row: dict[str, Any]) -> int:
    """End of the current billing period (paid) or of the current month since start (free)."""
    period = row.get("billing_period")
    unit = "YEAR" if period == "ANNUALLY" else "MONTH"
    if row["status"] == "IN_TRIAL" and row.get("trial_end_date"):
        return int(row["trial_end_date"])
    return period_at(int(row["billing_anchor"]), unit, domain.clock.now(row["customer_ref"])).end


def cancel(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`cancelSubscription`: immediately, at the end of the billing period or on a date."""
    ref_id = data.get("subscriptionRefId")
    row = require_subscription(tx.conn, str(ref_id))
    if row["status"] in ("CANCELED", "EXPIRED"):
        raise StiggError(
            "SubscriptionAlreadyCanceledOrExpired", f"Subscription {ref_id} already ended"
        )
    when = data.get("subscriptionCancellationTime") or "IMMEDIATE"
    now = domain.clock.now_ms(row["customer_ref"])
    if when == "SPECIFIC_DATE":
        end = parse_time(data.get("endDate"), "endDate")
        if end is None:
            raise StiggError("InvalidCancellationDate", "endDate is required for SPECIFIC_DATE")
        if end < int(row["start_date"]):
            raise StiggError("InvalidCancellationDate", "endDate is before the subscription start")
    elif when == "END_OF_BILLING_PERIOD":
        if row["status"] == "IN_TRIAL":
            raise StiggError(
                "TrialMustBeCancelledImmediately", "A trial must be cancelled immediately"
            )
        end = period_end(domain, row)
    else:
        end = now
    if end <= now or row["status"] in ("NOT_STARTED", "PAYMENT_PENDING"):
        end_now(domain, tx, row, "Immediate" if when == "IMMEDIATE" else "ScheduledCancellation")
    else:
        repo.update_subscription(
            tx.conn,
            str(ref_id),
            {"cancellation_date": end, "cancel_reason": "ScheduledCancellation", "updated_at": now},
        )
        touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))
    return str(ref_id)


def _schedule(
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


def update(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`updateOneSubscription`: quantities, add-ons, billing period, coupon, metadata, dates."""
    catalog = domain.catalog
    ref_id = data.get("refId") or data.get("subscriptionId")
    if not ref_id:
        raise bad_input("refId (subscription id) is required")
    row = require_subscription(tx.conn, str(ref_id))
    if row["status"] in ("CANCELED", "EXPIRED"):
        raise StiggError("InvalidSubscriptionStatus", f"Subscription {ref_id} has ended")
    plan = catalog.package(row["plan_ref"], row["plan_version"])
    assert plan is not None
    now = domain.clock.now_ms(row["customer_ref"])
    values: dict[str, Any] = {"updated_at": now}
    strategy = data.get("scheduleStrategy")
    later = (
        strategy in ("END_OF_BILLING_PERIOD", "END_OF_BILLING_MONTH") and row["status"] == "ACTIVE"
    )
    when = period_end(domain, row) if later else now
    entitlement_change = False
    if "additionalMetaData" in data:
        values["metadata"] = data["additionalMetaData"]
    if data.get("billableFeatures") is not None or data.get("unitQuantity") is not None:
        billable, unit = validate_billable(
            catalog, plan, data.get("billableFeatures"), data.get("unitQuantity")
        )
        if later:
            for item in billable:
                _schedule(
                    domain,
                    tx,
                    row,
                    "UnitAmount",
                    when,
                    {
                        "__typename": "UnitAmountChangeVariables",
                        "featureId": item["featureId"],
                        "newUnitAmount": item["quantity"],
                    },
                )
        else:
            values["billable_features"] = billable
            values["unit_quantity"] = unit
            entitlement_change = True
    if data.get("addons") is not None:
        addons = validate_addons(catalog, plan, data["addons"])
        if later:
            for entry in addons:
                _schedule(
                    domain,
                    tx,
                    row,
                    "Addon",
                    when,
                    {
                        "__typename": "AddonChangeVariables",
                        "addonRefId": entry["addonId"],
                        "newQuantity": float(entry["quantity"]),
                    },
                )
        else:
            values["addons"] = addons
            entitlement_change = True
    if data.get("billingPeriod"):
        period = default_billing_period(plan, data["billingPeriod"])
        if later:
            _schedule(
                domain,
                tx,
                row,
                "BillingPeriod",
                when,
                {"__typename": "BillingPeriodChangeVariables", "billingPeriod": period},
            )
        else:
            values["billing_period"] = period
            entitlement_change = True
    if data.get("promotionCode") or data.get("appliedCoupon"):
        coupon, code = resolve_coupon(catalog, data)
        values["coupon_ref"] = coupon.ref_id if coupon else None
        values["promotion_code"] = code
    if "trialEndDate" in data and data["trialEndDate"] is not None:
        if row["status"] != "IN_TRIAL":
            raise StiggError("InvalidSubscriptionStatus", "trialEndDate applies only to trials")
        values["trial_end_date"] = parse_time(data["trialEndDate"], "trialEndDate")
        values["billing_anchor"] = values["trial_end_date"]
        entitlement_change = True
    if "cancellationDate" in data:
        values["cancellation_date"] = parse_time(data["cancellationDate"], "cancellationDate")
        values["cancel_reason"] = "ScheduledCancellation" if values["cancellation_date"] else None
        entitlement_change = True
    if data.get("billingInformation") is not None:
        values["billing_info"] = data["billingInformation"]
    repo.update_subscription(tx.conn, str(ref_id), values)
    if entitlement_change:
        touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))
    return str(ref_id)


def cancel_schedule(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`cancelSchedule`: cancel a subscription's scheduled (or pending-payment) updates."""
    ref_id = str(data.get("subscriptionId"))
    require_subscription(tx.conn, ref_id)
    status = data.get("status") or "Scheduled"
    if status not in ("Scheduled", "PendingPayment"):
        raise bad_input("status must be Scheduled or PendingPayment")
    schedules = repo.subscription_schedules(tx.conn, ref_id, (status,))
    repo.set_schedule_status(tx.conn, [s["id"] for s in schedules], "Canceled")
    return ref_id


def migrate_to_latest(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`migrateSubscriptionToLatest`: move the plan/add-ons to their latest published versions."""
    ref_id = str(data.get("subscriptionId"))
    row = require_subscription(tx.conn, ref_id)
    plan = require_plan(domain.catalog, row["plan_ref"])
    addons = [
        {**entry, "version": domain.catalog.addons[entry["addonId"]].version}
        for entry in row.get("addons") or []
        if entry["addonId"] in domain.catalog.addons
    ]
    if plan.version == row["plan_version"] and addons == list(row.get("addons") or []):
        return ref_id  # already on the latest versions: nothing to migrate
    if (
        data.get("subscriptionMigrationTime") == "END_OF_BILLING_PERIOD"
        and row["status"] == "ACTIVE"
    ):
        _schedule(
            domain,
            tx,
            row,
            "MigrateToLatest",
            period_end(domain, row),
            {
                "__typename": "PlanChangeVariables",
                "planRefId": plan.ref_id,
                "changeType": "UPGRADE",
            },
        )
        return ref_id
    repo.update_subscription(
        tx.conn,
        ref_id,
        {
            "plan_version": plan.version,
            "addons": addons,
            "updated_at": domain.clock.now_ms(row["customer_ref"]),
        },
    )
    touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))
    return ref_id


def schedule_values(
    domain: Domain, row: dict[str, Any], schedule: dict[str, Any]
) -> dict[str, Any]:
    """The subscription fields a scheduled update changes (pure: nothing is written)."""
    variables = schedule.get("variables") or {}
    values: dict[str, Any] = {}
    kind = schedule["schedule_type"]
    if kind == "UnitAmount":
        items = [
            i
            for i in row.get("billable_features") or []
            if i["featureId"] != variables.get("featureId")
        ]
        items.append(
            {"featureId": variables.get("featureId"), "quantity": variables.get("newUnitAmount")}
        )
        values["billable_features"] = items
    elif kind == "Addon":
        entries = [
            e for e in row.get("addons") or [] if e["addonId"] != variables.get("addonRefId")
        ]
        addon = domain.catalog.addons.get(variables.get("addonRefId", ""))
        if addon is not None and variables.get("newQuantity"):
            entries.append(
                {
                    "addonId": addon.ref_id,
                    "quantity": int(variables["newQuantity"]),
                    "version": addon.version,
                }
            )
        values["addons"] = entries
    elif kind == "BillingPeriod":
        values["billing_period"] = variables.get("billingPeriod")
    elif kind == "MigrateToLatest":
        plan = domain.catalog.plans.get(row["plan_ref"])
        if plan is not None:
            values["plan_version"] = plan.version
    elif kind in PLAN_CHANGES:
        target = domain.catalog.plans.get(
            str(variables.get("planRefId") or variables.get("downgradePlanRefId"))
        )
        if target is not None:
            paid = target.pricing_type == "PAID"
            values.update(
                {
                    "plan_ref": target.ref_id,
                    "plan_version": target.version,
                    "pricing_type": target.pricing_type,
                    "billing_period": variables.get("billingPeriod") if paid else None,
                    "billable_features": [
                        {"featureId": i["featureId"], "quantity": i["quantity"]}
                        for i in variables.get("billableFeatures") or []
                    ],
                    "unit_quantity": None,
                    "addons": [
                        {
                            "addonId": a["addonRefId"],
                            "quantity": int(a["quantity"]),
                            "version": domain.catalog.addons[a["addonRefId"]].version,
                        }
                        for a in variables.get("addons") or []
                        if a["addonRefId"] in domain.catalog.addons
                    ],
                    "coupon_ref": None,  # the plan's new subscription starts without the coupon
                    "promotion_code": None,
                    "start_date": int(schedule["scheduled_at"]),
                    "billing_anchor": int(schedule["scheduled_at"]),
                }
            )
    return values


def _apply_plan_change(
    domain: Domain, tx: Tx, row: dict[str, Any], schedule: dict[str, Any]
) -> None:
    """The scheduled plan change is due: `row` ends and a subscription to the plan begins."""
    target = schedule_values(domain, row, schedule)
    if "plan_ref" not in target:  # the plan left the catalog
        repo.set_schedule_status(tx.conn, [schedule["id"]], "Failed")
        return
    repo.set_schedule_status(tx.conn, [schedule["id"]], "Done")
    end_now(domain, tx, row, "UpgradeOrDowngrade", downgrade=False)
    provision(
        domain,
        tx,
        {
            "customerId": row["customer_ref"],
            "payingCustomerId": row.get("paying_customer_ref"),
            "resourceId": row.get("resource_id"),
            "planId": target["plan_ref"],
            "billingPeriod": target["billing_period"],
            "billableFeatures": target["billable_features"],
            "addons": [
                {"addonId": a["addonId"], "quantity": a["quantity"]} for a in target["addons"]
            ],
            "startDate": from_ms(int(schedule["scheduled_at"])).isoformat(),
            "skipTrial": True,
            "billingInformation": row.get("billing_info"),
            "billingCountryCode": row.get("billing_country_code"),
        },
        "",
        skip_payment_check=True,
        charge_now=False,  # the clock's renewal run invoices it (SUBSCRIPTION_CREATION)
    )


def _apply_schedule(domain: Domain, tx: Tx, schedule: dict[str, Any]) -> None:
    row = repo.get_subscription(tx.conn, schedule["subscription_ref"])
    if row is None or row["status"] not in ("ACTIVE", "IN_TRIAL"):
        repo.set_schedule_status(tx.conn, [schedule["id"]], "Canceled")
        return
    if schedule["schedule_type"] in PLAN_CHANGES:
        _apply_plan_change(domain, tx, row, schedule)
        return
    values = {
        **schedule_values(domain, row, schedule),
        "updated_at": domain.clock.now_ms(row["customer_ref"]),
    }
    repo.update_subscription(tx.conn, row["ref_id"], values)
    repo.set_schedule_status(tx.conn, [schedule["id"]], "Done")
    touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))


def process_due(domain: Domain, only: str | None = None) -> int:
    """Apply every time-based transition due by each customer's clock (or only `only`'s).

    Returns how many were applied.
    """
    applied = 0
    for scope in domain.clock.scopes(only):
        applied += _process_scope(domain, scope)
    return applied


def _process_scope(domain: Domain, scope: Scope) -> int:
    applied = 0
    now = domain.clock.now_ms(scope.customer)
    with domain.write() as tx:
        for row in repo.due_subscriptions(tx.conn, now, scope):
            applied += 1
            if row["status"] == "NOT_STARTED":
                repo.update_subscription(
                    tx.conn, row["ref_id"], {"status": "ACTIVE", "updated_at": now}
                )
                touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))
            elif row.get("cancellation_date") and int(row["cancellation_date"]) <= now:
                end_now(domain, tx, row, row.get("cancel_reason") or "ScheduledCancellation")
            elif row.get("end_date") and int(row["end_date"]) <= now:
                end_now(domain, tx, row, "Expired")
            elif row["status"] == "IN_TRIAL":
                _end_trial(domain, tx, row)
        for schedule in repo.due_schedules(tx.conn, now, scope):
            applied += 1
            _apply_schedule(domain, tx, schedule)
    return applied


def _end_trial(domain: Domain, tx: Tx, row: dict[str, Any]) -> None:
    plan = domain.catalog.package(row["plan_ref"], row["plan_version"])
    behavior = plan.default_trial.end_behavior if plan and plan.default_trial else "CONVERT_TO_PAID"
    billing = repo.get_billing(tx.conn, row.get("paying_customer_ref") or row["customer_ref"]) or {}
    if behavior == "CONVERT_TO_PAID" and (
        billing.get("payment_method_id") or row["pricing_type"] != "PAID"
    ):
        now = domain.clock.now_ms(row["customer_ref"])
        repo.update_subscription(tx.conn, row["ref_id"], {"status": "ACTIVE", "updated_at": now})
        touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))
    else:
        end_now(domain, tx, row, "TrialEnded")
