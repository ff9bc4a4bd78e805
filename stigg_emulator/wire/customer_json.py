"""Wire JSON of customers, subscriptions and promotional entitlements (plain dicts, no cycles)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stigg_emulator.catalog.model import ENVIRONMENT_ID, Catalog
from stigg_emulator.clock import iso
from stigg_emulator.views.records import CustomerView, SubscriptionsView
from stigg_emulator.wire.catalog_json import (
    addon_json,
    all_country_prices,
    coupon_json,
    environment_json,
    feature_group_json,
    feature_object_json,
    money,
    package_dto_json,
    plan_json,
    price_json,
)
from stigg_emulator.wire.invoice_json import invoice_json

PROMOTION_STATUS = {"Active": "Active", "Expired": "Expired", "Revoked": "Expired"}


def experiment_json(info: dict[str, Any] | None) -> dict[str, Any] | None:
    """`experimentInfo`."""
    if not info:
        return None
    return {"__typename": "experimentInfo", "status": "IN_PROGRESS", **info}


def customer_json(
    catalog: Catalog,
    view: CustomerView,
    now: datetime,
    subscriptions: SubscriptionsView | None = None,
) -> dict[str, Any]:
    """`Customer`; its subscriptions are embedded (one level) when their view is given."""
    row, billing, active, promotions, card = (
        view.row,
        view.billing,
        view.active,
        view.promotions,
        view.card,
    )
    coupon = catalog.coupons.get(row["coupon_ref"]) if row.get("coupon_ref") else None
    payment_method = billing.get("payment_method_id")
    trialed_plans = {
        (sub["plan_ref"], sub["product_ref"])
        for sub in view.every_subscription
        if sub.get("was_in_trial")
    }
    by_type: dict[str, int] = {}
    for sub in active:
        by_type[sub["pricing_type"]] = by_type.get(sub["pricing_type"], 0) + 1
    customer: dict[str, Any] = {
        "__typename": "Customer",
        "id": row["uuid"],
        "customerId": row["ref_id"],
        "refId": row["ref_id"],
        "name": row.get("name"),
        "email": row.get("email"),
        "additionalMetaData": row.get("metadata"),
        "billingId": row.get("billing_id"),
        "billingLinkUrl": None,
        "billingCurrency": billing.get("currency"),
        "crmId": row.get("crm_id"),
        "crmHubspotCompanyId": None,
        "crmHubspotCompanyUrl": None,
        "salesforceId": row.get("salesforce_id"),
        "awsMarketplaceCustomerId": row.get("aws_marketplace_customer_id"),
        "coupon": coupon_json(coupon) if coupon else None,
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
        "deletedAt": iso(row.get("archived_at")),
        "environmentId": ENVIRONMENT_ID,
        "environment": environment_json(),
        "excludeFromExperiment": bool(row.get("exclude_from_experiment")),
        "experiment": None,
        "experimentInfo": experiment_json(row.get("experiment")),
        "hasPaymentMethod": bool(payment_method),
        "defaultPaymentMethodId": payment_method,
        "defaultPaymentMethodType": "CARD" if card else None,
        "defaultPaymentMethodLast4Digits": card.last4 if card else None,
        "defaultPaymentMethodCardBrand": card.brand if card else None,
        "defaultPaymentExpirationMonth": card.exp_month if card else None,
        "defaultPaymentExpirationYear": card.exp_year if card else None,
        "defaultPaymentMethodWalletType": None,
        "hasActiveSubscription": bool(active),
        "hasActiveResource": any(sub.get("resource_id") for sub in active),
        "totalActiveSubscription": float(len(active)),
        "totalActivePromotionalEntitlements": float(len(promotions)),
        "promotionalEntitlements": [
            promotion_json(catalog, promo, row["ref_id"]) for promo in promotions
        ],
        "eligibleForTrial": [
            {
                "__typename": "EligibleForTrial",
                "productId": product.uuid,
                "productRefId": product.ref_id,
                "eligible": not any(ref == product.ref_id for _, ref in trialed_plans),
            }
            for product in catalog.products.values()
        ],
        "trialedPlans": [
            {
                "__typename": "TrialedPlan",
                "planRefId": plan,
                "productRefId": product,
                "planId": plan,
                "productId": product,
            }
            for plan, product in sorted(trialed_plans)
        ],
        "statistics": {
            "__typename": "CustomerStatistics",
            "activeSubscriptionsByPricingType": [
                {
                    "__typename": "SubscriptionPricingTypeStatistics",
                    "pricingType": kind,
                    "totalCount": float(count),
                }
                for kind, count in sorted(by_type.items())
            ],
        },
        "syncStates": [],
        "subscriptions": None,
    }
    if subscriptions is not None:
        customer["subscriptions"] = subscriptions_json(catalog, subscriptions, now)
    return customer


def promotion_json(catalog: Catalog, row: dict[str, Any], customer_ref: str) -> dict[str, Any]:
    """`PromotionalEntitlement`."""
    feature = catalog.features.get(row["feature_ref"])
    config = row.get("reset_config") or {}
    reset = None
    if row.get("reset_period") == "MONTH":
        reset = {
            "__typename": "MonthlyResetPeriodConfig",
            "monthlyAccordingTo": config.get("monthlyAccordingTo", "SubscriptionStart"),
        }
    elif row.get("reset_period") == "WEEK":
        reset = {
            "__typename": "WeeklyResetPeriodConfig",
            "weeklyAccordingTo": config.get("weeklyAccordingTo", "SubscriptionStart"),
        }
    return {
        "__typename": "PromotionalEntitlement",
        "id": row["uuid"],
        "featureId": feature.uuid if feature else row["feature_ref"],
        "feature": feature_object_json(feature) if feature else None,
        "customer": {"__typename": "Customer", "customerId": customer_ref, "refId": customer_ref},
        "usageLimit": row.get("usage_limit"),
        "hasUnlimitedUsage": bool(row.get("unlimited")),
        "unlimited": bool(row.get("unlimited")),
        "hasSoftLimit": bool(row.get("soft_limit")),
        "resetPeriod": row.get("reset_period"),
        "resetPeriodConfiguration": reset,
        "period": row["period"],
        "startDate": iso(row["start_date"]),
        "endDate": iso(row.get("end_date")),
        "status": PROMOTION_STATUS.get(row["status"], "Expired"),
        "isVisible": bool(row.get("is_visible", True)),
        "description": row.get("description"),
        "enumValues": row.get("enum_values"),
        "featureGroupIds": list(row.get("feature_group_refs") or []),
        "featureGroups": [
            feature_group_json(catalog, catalog.feature_groups[ref])
            for ref in row.get("feature_group_refs") or []
            if ref in catalog.feature_groups
        ],
        "meter": None,
        "environmentId": ENVIRONMENT_ID,
        "createdAt": iso(row.get("created_at")),
        "updatedAt": iso(row.get("updated_at")),
    }


def schedule_json(row: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """`SubscriptionScheduledUpdate` with its `ScheduleVariables` union member (and the plan a
    plan change or downgrade moves to as `targetPackage`)."""
    variables = dict(row.get("variables") or {})
    target = None
    if row["schedule_type"] in ("Plan", "Downgrade"):
        plan = catalog.plans.get(
            str(variables.get("planRefId") or variables.get("downgradePlanRefId"))
        )
        target = package_dto_json(catalog, plan) if plan is not None else None
    return {
        "__typename": "SubscriptionScheduledUpdate",
        "subscriptionScheduleType": row["schedule_type"],
        "scheduleStatus": row["status"],
        "scheduledExecutionTime": iso(row["scheduled_at"]),
        "createdAt": iso(row["created_at"]),
        "billingId": None,
        "targetPackage": target,
        "scheduleVariables": variables or None,
    }


def subscription_json(
    catalog: Catalog,
    row: dict[str, Any],
    now: datetime,
    view: SubscriptionsView,
    customers: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`CustomerSubscription` (customer embedded without its own subscriptions).

    `view` holds what the subscriptions of one read share (latest invoices, schedules,
    customers); `customers` keeps the customer documents already shaped for that read.
    """
    plan = catalog.package(row["plan_ref"], row["plan_version"])
    assert plan is not None, f"plan {row['plan_ref']} vanished from the catalog"
    country = row.get("billing_country_code")
    bill = view.bills[row["ref_id"]]
    period_range = view.periods[row["ref_id"]]
    schedules = view.schedules.get(row["ref_id"], [])
    addons = []
    for entry in row.get("addons") or []:
        addon = catalog.package(entry["addonId"], entry.get("version"))
        if addon is None:
            continue
        addon_price = next(
            (
                p
                for p in addon.prices
                if p.billing_period == (row.get("billing_period") or "MONTHLY")
            ),
            None,
        )
        addons.append(
            {
                "__typename": "SubscriptionAddon",
                "id": f"{row['uuid']}:{addon.ref_id}",
                "addonId": addon.ref_id,
                "quantity": float(entry.get("quantity") or 1),
                "addon": addon_json(catalog, addon, country),
                "price": price_json(catalog, addon, addon_price, country) if addon_price else None,
                "subscription": None,
                "createdAt": iso(row["created_at"]),
                "updatedAt": iso(row["updated_at"]),
            }
        )
    # Prices paid up front (the bill's lines), then the usage-based ones billed in arrears.
    charged = [
        (line.price, float(line.quantity) if line.kind == "unit" else None)
        for line in bill.lines
        if line.kind != "addon"
    ]
    charged += [
        (price, None)
        for price in plan.prices
        if price.billing_model == "USAGE_BASED"
        and price.billing_period == row.get("billing_period")
    ]
    prices = [
        {
            "__typename": "SubscriptionPrice",
            "id": f"{row['uuid']}:{index}",
            "subscriptionId": row["ref_id"],
            "usageLimit": bought,
            "billingModel": price.billing_model,
            "featureId": price.feature_ref,
            "hasSoftLimit": False,
            "price": price_json(catalog, plan, price, country),
            "subscription": None,
            "createdAt": iso(row["created_at"]),
            "updatedAt": iso(row["updated_at"]),
            "environmentId": ENVIRONMENT_ID,
        }
        for index, (price, bought) in enumerate(charged)
    ]
    effective_end = row.get("cancellation_date") or row.get("end_date")
    resource_id = row.get("resource_id")
    shaped = customers if customers is not None else {}
    customer_view = view.customers.get(row["customer_ref"])
    customer: dict[str, Any] | None = None
    if customer_view is not None:
        customer = shaped.get(row["customer_ref"])
        if customer is None:
            customer = customer_json(catalog, customer_view, now)
            shaped[row["customer_ref"]] = customer
    paying = row.get("paying_customer_ref")
    return {
        "__typename": "CustomerSubscription",
        "id": row["uuid"],
        "subscriptionId": row["ref_id"],
        "refId": row["ref_id"],
        "status": row["status"],
        "pricingType": row["pricing_type"],
        "billingPeriod": row.get("billing_period"),
        "additionalMetaData": row.get("metadata"),
        "startDate": iso(row["start_date"]),
        "endDate": iso(row.get("end_date")),
        "cancellationDate": iso(row.get("cancellation_date")),
        "cancelReason": row.get("cancel_reason"),
        "effectiveEndDate": iso(effective_end),
        "trialEndDate": iso(row.get("trial_end_date")),
        "wasInTrial": bool(row.get("was_in_trial")),
        "trialConfiguration": (
            {
                "__typename": "TrialConfiguration",
                "trialEndBehavior": plan.default_trial.end_behavior
                if plan.default_trial
                else "CONVERT_TO_PAID",
            }
            if row.get("trial_end_date")
            else None
        ),
        "billingCycleAnchor": iso(row["billing_anchor"]),
        "currentBillingPeriodStart": iso(period_range[0]),
        "currentBillingPeriodEnd": iso(period_range[1]),
        "billingId": None,
        "billingLinkUrl": None,
        "billingSyncError": None,
        "oldBillingId": None,
        "crmId": None,
        "crmLinkUrl": None,
        "salesforceId": None,
        "isCustomPriceSubscription": False,
        "paymentCollection": row["payment_collection"],
        "paymentCollectionMethod": "CHARGE" if row["pricing_type"] == "PAID" else "NONE",
        "plan": {**plan_json(catalog, plan), "prices": all_country_prices(catalog, plan)},
        "addons": addons,
        "prices": prices,
        "totalPrice": (
            {
                "__typename": "CustomerSubscriptionTotalPrice",
                "subTotal": money(bill.subtotal, bill.currency),
                "addonsTotal": money(bill.addons_total, bill.currency),
                "total": money(bill.total, bill.currency),
            }
            if bill.lines
            else None
        ),
        "coupon": _subscription_coupon(catalog, row),
        "coupons": [c for c in [_subscription_coupon(catalog, row)] if c],
        "customerId": customer_view.row.get("uuid") if customer_view is not None else None,
        "customer": customer,
        "payingCustomerId": None,
        "payingCustomer": (
            {"__typename": "Customer", "customerId": paying, "refId": paying} if paying else None
        ),
        "resourceId": None,
        "resource": (
            {
                "__typename": "CustomerResource",
                "resourceId": resource_id,
                "createdAt": iso(row["created_at"]),
                "environmentId": ENVIRONMENT_ID,
                "customer": customer,
                "subscriptions": [],
            }
            if resource_id
            else None
        ),
        "experimentInfo": experiment_json(row.get("experiment")),
        "experiment": None,
        "scheduledUpdates": [schedule_json(item, catalog) for item in schedules],
        "futureUpdates": [
            {**schedule_json(item, catalog), "__typename": "SubscriptionFutureUpdate"}
            for item in schedules
        ],
        "latestInvoice": (
            invoice_json(view.invoices[row["ref_id"]]) if row["ref_id"] in view.invoices else None
        ),
        "lastUsageInvoice": None,
        "minimumSpend": None,
        "budget": None,
        "budgetExceeded": False,
        "freeItems": None,
        "entitlements": None,
        "subscriptionEntitlements": [],
        "outdatedPricePackages": [] if plan == catalog.package(plan.ref_id) else [plan.ref_id],
        "syncStates": [],
        "environmentId": ENVIRONMENT_ID,
        "environment": environment_json(),
        "createdAt": iso(row["created_at"]),
    }


def _subscription_coupon(catalog: Catalog, row: dict[str, Any]) -> dict[str, Any] | None:
    coupon = catalog.coupons.get(row["coupon_ref"]) if row.get("coupon_ref") else None
    if coupon is None:
        return None
    data = coupon_json(coupon)
    return {
        "__typename": "SubscriptionCoupon",
        "id": coupon.uuid,
        "refId": coupon.ref_id,
        "name": coupon.name,
        "type": coupon.discount_type,
        "discountValue": data["discountValue"],
        "percentOff": data["percentOff"],
        "amountsOff": data["amountsOff"],
        "durationInMonths": data["durationInMonths"],
        "status": "ACTIVE",
        "startDate": iso(row["start_date"]),
        "expirationDate": None,
        "environmentId": ENVIRONMENT_ID,
    }


def subscriptions_json(
    catalog: Catalog, view: SubscriptionsView, now: datetime
) -> list[dict[str, Any]]:
    """`CustomerSubscription` of each row of `view` (each customer shaped once)."""
    customers: dict[str, dict[str, Any]] = {}
    return [subscription_json(catalog, row, now, view, customers) for row in view.rows]
