"""Price estimates for a new subscription or an update (Decimal money, exact-time proration)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.catalog.model import Coupon
from stigg_emulator.clock import from_ms, iso
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.customers import require_customer
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.domain.periods import period_at
from stigg_emulator.domain.pricing import Bill, build_bill, cents, default_billing_period, prorate
from stigg_emulator.domain.subscriptions import (
    parse_time,
    require_plan,
    require_subscription,
    resolve_coupon,
    validate_addons,
    validate_billable,
)
from stigg_emulator.storage import repositories as repo
from stigg_emulator.wire.catalog_json import money


def _tax_percentage(data: dict[str, Any]) -> Decimal:
    info = data.get("billingInformation") or {}
    value = info.get("taxPercentage")
    if value is None:
        return Decimal(0)
    percentage = Decimal(str(value))
    if percentage < 0 or percentage > 100:
        raise bad_input("taxPercentage must be between 0 and 100")
    return percentage


def _discount_json(coupon: Coupon | None, start_ms: int) -> dict[str, Any] | None:
    if coupon is None:
        return None
    value = (
        coupon.percent_off
        if coupon.percent_off is not None
        else (coupon.amounts_off[0][0] if coupon.amounts_off else Decimal(0))
    )
    return {
        "__typename": "SubscriptionPreviewDiscount",
        "name": coupon.name,
        "type": coupon.discount_type,
        "value": float(value),
        "durationType": "REPEATING" if coupon.duration_in_months else "FOREVER",
        "durationInMonths": float(coupon.duration_in_months) if coupon.duration_in_months else None,
        "start": iso(start_ms),
        "end": None,
    }


def _amounts(bill: Bill, tax_percentage: Decimal, start_ms: int) -> dict[str, Any]:
    excluding = bill.subtotal - bill.discount
    tax = cents(excluding * tax_percentage / Decimal(100))
    currency = bill.currency
    return {
        "subTotal": money(bill.subtotal, currency),
        "discountAmount": money(bill.discount, currency) if bill.coupon else None,
        "totalExcludingTax": money(excluding, currency),
        "tax": money(tax, currency),
        "taxDetails": (
            {
                "__typename": "SubscriptionPreviewTaxDetails",
                "displayName": "Tax",
                "percentage": float(tax_percentage),
                "inclusive": False,
            }
            if tax_percentage
            else None
        ),
        "total": money(excluding + tax, currency),
        "discount": _discount_json(bill.coupon, start_ms),
    }


def _first_period(billing_period: str | None, start_ms: int) -> tuple[int, int]:
    """The first billing period of a subscription starting at `start_ms`."""
    unit = "YEAR" if billing_period == "ANNUALLY" else "MONTH"
    period = period_at(start_ms, unit, from_ms(start_ms))
    return period.start, period.end


def _current_period(domain: Domain, billing_period: str | None, anchor_ms: int) -> tuple[int, int]:
    """The billing period (anchored at `anchor_ms`) that contains now."""
    unit = "YEAR" if billing_period == "ANNUALLY" else "MONTH"
    period = period_at(anchor_ms, unit, domain.clock.now())
    return period.start, period.end


def estimate_new(domain: Domain, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """`estimateSubscription`."""
    catalog = domain.catalog
    customer_ref = str(data.get("customerId") or "")
    require_customer(connection, customer_ref)
    plan = require_plan(catalog, str(data.get("planId")))
    addons = validate_addons(catalog, plan, data.get("addons"))
    unit = (
        data.get("unitQuantity")
        if data.get("unitQuantity") is not None
        else data.get("priceUnitAmount")
    )
    billable, unit_quantity = validate_billable(catalog, plan, data.get("billableFeatures"), unit)
    period = default_billing_period(plan, data.get("billingPeriod"))
    coupon, _ = resolve_coupon(catalog, data)
    bill = build_bill(
        catalog,
        plan,
        period,
        data.get("billingCountryCode"),
        {i["featureId"]: i["quantity"] for i in billable},
        unit_quantity,
        addons,
        coupon,
    )
    now = domain.clock.now_ms()
    start = parse_time(data.get("startDate"), "startDate") or now
    range_start, range_end = _first_period(period, start)
    amounts = _amounts(bill, _tax_percentage(data), start)
    current = [
        row
        for row in repo.customer_subscriptions(connection, customer_ref)
        if row["product_ref"] == plan.product_ref
        and (row.get("resource_id") or None) == (data.get("resourceId") or None)
        and row["status"] != "IN_TRIAL"
    ]
    current_plan = catalog.plans.get(current[0]["plan_ref"]) if current else None
    return {
        "__typename": "SubscriptionPreview",
        **amounts,
        "subscription": {"__typename": "SubscriptionPricePreviewDTO", **amounts},
        "billingPeriodRange": {
            "__typename": "DateRange",
            "start": iso(range_start),
            "end": iso(range_end),
        },
        "proration": None,
        "isPlanDowngrade": bool(current_plan and current_plan.order > plan.order),
        "hasScheduledUpdates": False,
        "credits": None,
        "minimumSpendAdjustment": money(0, bill.currency),
    }


def estimate_update(domain: Domain, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """`estimateSubscriptionUpdate`: new full price plus the prorated charge for the period left."""
    catalog = domain.catalog
    row = require_subscription(connection, str(data.get("subscriptionId") or ""))
    plan = catalog.package(row["plan_ref"], row["plan_version"])
    assert plan is not None
    old_billable = {
        i["featureId"]: float(i["quantity"]) for i in row.get("billable_features") or []
    }
    old_coupon = catalog.coupons.get(row["coupon_ref"]) if row.get("coupon_ref") else None
    country = row.get("billing_country_code")
    old_bill = build_bill(
        catalog,
        plan,
        row.get("billing_period"),
        country,
        old_billable,
        row.get("unit_quantity"),
        list(row.get("addons") or []),
        old_coupon,
    )
    addons = (
        validate_addons(catalog, plan, data["addons"])
        if data.get("addons") is not None
        else list(row.get("addons") or [])
    )
    billable_list, unit = validate_billable(
        catalog,
        plan,
        data.get("billableFeatures")
        if data.get("billableFeatures") is not None
        else [{"featureId": k, "quantity": v} for k, v in old_billable.items()],
        data.get("unitQuantity")
        if data.get("unitQuantity") is not None
        else row.get("unit_quantity"),
    )
    coupon, _ = resolve_coupon(catalog, data)
    new_bill = build_bill(
        catalog,
        plan,
        row.get("billing_period"),
        country,
        {i["featureId"]: i["quantity"] for i in billable_list},
        unit,
        addons,
        coupon or old_coupon,
    )
    now = domain.clock.now_ms()
    range_start, range_end = _current_period(
        domain, row.get("billing_period"), int(row["billing_anchor"])
    )
    remaining, length = range_end - now, range_end - range_start
    credit = -prorate(old_bill.total, remaining, length)
    debit = prorate(new_bill.total, remaining, length)
    net = credit + debit
    currency = new_bill.currency
    tax_percentage = _tax_percentage(data)
    full = _amounts(new_bill, tax_percentage, now)
    tax = cents(net * tax_percentage / Decimal(100)) if net > 0 else Decimal(0)
    return {
        "__typename": "SubscriptionPreview",
        "subTotal": money(net, currency),
        "totalExcludingTax": money(net, currency),
        "tax": money(tax, currency),
        "taxDetails": full["taxDetails"],
        "total": money(net + tax, currency),
        "discountAmount": full["discountAmount"],
        "discount": full["discount"],
        "subscription": {"__typename": "SubscriptionPricePreviewDTO", **full},
        "billingPeriodRange": {
            "__typename": "DateRange",
            "start": iso(range_start),
            "end": iso(range_end),
        },
        "proration": {
            "__typename": "SubscriptionPreviewProrations",
            "prorationDate": iso(now),
            "credit": money(credit, currency),
            "debit": money(debit, currency),
            "netAmount": money(net, currency),
            "hasProrations": net != 0,
        },
        "isPlanDowngrade": False,
        "hasScheduledUpdates": bool(repo.subscription_schedules(connection, row["ref_id"])),
        "credits": None,
        "minimumSpendAdjustment": money(0, currency),
    }
