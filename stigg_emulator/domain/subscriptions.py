"""Subscriptions: provisioning, updates, cancellation, migration and scheduled changes."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from stigg_emulator.catalog.model import Package
from stigg_emulator.clock import from_ms, to_ms
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.errors import StiggError, bad_input
from stigg_emulator.domain.lookups import (
    parse_time,
    require_customer,
    require_plan,
    require_subscription,
)
from stigg_emulator.domain.periods import add_months
from stigg_emulator.domain.pricing import build_bill, default_billing_period
from stigg_emulator.domain.subscription_rules import (
    LIVE_STATUSES,
    PLAN_CHANGES,
    period_end,
    plan_change_kind,
    redeemable_coupon,
    schedule_change,
    touch_customer,
    validate_addons,
    validate_billable,
)
from stigg_emulator.storage import repositories as repo


@dataclass
class ProvisionOutcome:
    """What `provisionSubscriptionV2` produced."""

    subscription_ref: str
    status: str  # SUCCESS | PAYMENT_REQUIRED
    checkout_url: str | None = None
    checkout_id: str | None = None
    is_scheduled: bool = False


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
    coupon, promotion_code = redeemable_coupon(domain, tx.conn, data, customer_ref)
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
    charge_first = None
    charged = plan.pricing_type == "PAID" and not trial_wanted and bill.total > 0
    if charged and charge_now and has_payment and not needs_payment and start <= now:
        charge_first = domain.invoicing.first_charge(domain, tx.conn, data)
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
    if charge_first is not None:
        charge_first(tx, values, base_url)
    return ProvisionOutcome(ref_id, "SUCCESS", is_scheduled=start > now)


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
    schedule_change(domain, tx, row, kind, period_end(domain, row), variables)
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
                schedule_change(
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
                schedule_change(
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
            schedule_change(
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
        coupon, code = redeemable_coupon(domain, tx.conn, data, row["customer_ref"])
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
        schedule_change(
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
