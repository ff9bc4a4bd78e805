"""Price estimates for a new subscription or an update (Decimal money, exact-time proration).

A subscription starting now (no `startDate`) that replaces a paid one of the same product and
resource is charged the new price (prorated to the current period when the billing period stays,
in full from now when it changes) and credited the unused time of the old one. Proration credit
and debit are raw prices; the coupon then discounts their net sum (as in Stigg's documented
example); tax is exclusive. The `subscription` block is the full-period recurring price after the
change (a ONCE coupon does not discount it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.billing.quote import (
    ZERO,
    Figures,
    bill_items,
    coupon_applies,
    money_json,
    prorated,
    proration_items,
)
from stigg_emulator.catalog.model import Coupon
from stigg_emulator.clock import from_ms, iso
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.domain.lookups import (
    parse_time,
    require_customer,
    require_plan,
    require_subscription,
)
from stigg_emulator.domain.periods import period_at
from stigg_emulator.domain.pricing import Bill, build_bill, default_billing_period
from stigg_emulator.domain.subscription_rules import (
    period_end,
    plan_change_kind,
    resolve_coupon,
    validate_addons,
    validate_billable,
)
from stigg_emulator.storage import repositories as repo


def tax_percentage(info: dict[str, Any] | None) -> Decimal:
    """The exclusive tax rate of a billing-information input (0 when absent)."""
    value = (info or {}).get("taxPercentage")
    if value is None:
        return ZERO
    percentage = Decimal(str(value))
    if percentage < 0 or percentage > 100:
        raise bad_input("taxPercentage must be between 0 and 100")
    return percentage


def period_unit(billing_period: str | None) -> str:
    """Reset unit of a billing period."""
    return "YEAR" if billing_period == "ANNUALLY" else "MONTH"


def first_period(billing_period: str | None, start_ms: int) -> tuple[int, int]:
    """The first billing period of a subscription starting at `start_ms`."""
    period = period_at(start_ms, period_unit(billing_period), from_ms(start_ms))
    return period.start, period.end


def current_period(billing_period: str | None, anchor_ms: int, now_ms: int) -> tuple[int, int]:
    """The billing period (anchored at `anchor_ms`) that contains `now_ms`."""
    period = period_at(anchor_ms, period_unit(billing_period), from_ms(now_ms))
    return period.start, period.end


def subscription_bill(domain: Domain, row: dict[str, Any]) -> Bill:
    """The undiscounted full-period bill of a stored subscription."""
    plan = domain.catalog.package(row["plan_ref"], row["plan_version"])
    assert plan is not None
    return build_bill(
        domain.catalog,
        plan,
        row.get("billing_period"),
        row.get("billing_country_code"),
        {i["featureId"]: float(i["quantity"]) for i in row.get("billable_features") or []},
        row.get("unit_quantity"),
        list(row.get("addons") or []),
    )


def stored_coupon(domain: Domain, row: dict[str, Any]) -> Coupon | None:
    """The coupon a subscription carries."""
    return domain.catalog.coupons.get(row["coupon_ref"]) if row.get("coupon_ref") else None


@dataclass
class Quote:
    """What a change costs now (`immediate`) and per period afterwards (`recurring`)."""

    bill: Bill
    immediate: Figures
    recurring: Figures
    credit: Decimal
    debit: Decimal
    proration_date: int
    range_start: int
    range_end: int
    is_downgrade: bool = False
    has_scheduled_updates: bool = False
    has_prorations: bool = False

    def json(self) -> dict[str, Any]:
        """`SubscriptionPreview`."""
        currency = self.bill.currency
        return {
            "__typename": "SubscriptionPreview",
            **self.immediate.json(),
            "subscription": {"__typename": "SubscriptionPricePreviewDTO", **self.recurring.json()},
            "billingPeriodRange": {
                "__typename": "DateRange",
                "start": iso(self.range_start),
                "end": iso(self.range_end),
            },
            "proration": {
                "__typename": "SubscriptionPreviewProrations",
                "prorationDate": iso(self.proration_date),
                "credit": money_json(self.credit, currency),
                "debit": money_json(self.debit, currency),
                "netAmount": money_json(self.credit + self.debit, currency),
                "hasProrations": self.has_prorations,
            },
            "isPlanDowngrade": self.is_downgrade,
            "hasScheduledUpdates": self.has_scheduled_updates,
            "credits": None,
            "minimumSpendAdjustment": money_json(ZERO, currency),
        }


def _invoice_v2(figures: Figures) -> dict[str, Any]:
    shown = figures.json()
    return {
        "subTotal": shown["subTotal"],
        "discount": shown["discountAmount"],
        "discountDetails": shown["discount"],
        "totalExcludingTax": shown["totalExcludingTax"],
        "tax": shown["tax"],
        "taxDetails": shown["taxDetails"],
        "total": shown["total"],
        "minimumSpendAdjustment": money_json(ZERO, figures.currency),
    }


def preview_json(quote: Quote) -> dict[str, Any]:
    """`SubscriptionPreviewV2` (previewSubscription) of a quote."""
    v1 = quote.json()
    return {
        "__typename": "SubscriptionPreviewV2",
        "billingPeriodRange": v1["billingPeriodRange"],
        "freeItems": None,
        "hasScheduledUpdates": quote.has_scheduled_updates,
        "isPlanDowngrade": quote.is_downgrade,
        "immediateInvoice": {
            "__typename": "ImmediateSubscriptionPreviewInvoice",
            **_invoice_v2(quote.immediate),
            "proration": v1["proration"],
            "credits": None,
        },
        "recurringInvoice": {
            "__typename": "SubscriptionPreviewInvoice",
            **_invoice_v2(quote.recurring),
        },
    }


def quote_new(domain: Domain, connection: Connection, data: dict[str, Any]) -> Quote:
    """The cost of subscribing as `data` asks (estimateSubscription, checkout, first invoice)."""
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
    )
    currency = bill.currency
    now = domain.clock.now_ms(customer_ref)
    start = parse_time(data.get("startDate"), "startDate") or now
    tax = tax_percentage(data.get("billingInformation"))
    resource_id = data.get("resourceId") or None
    scope = [
        row
        for row in repo.customer_subscriptions(connection, customer_ref)
        if row["product_ref"] == plan.product_ref
        and (row.get("resource_id") or None) == resource_id
        and row["status"] != "IN_TRIAL"
    ]
    current = scope[0] if scope else None
    current_plan = catalog.plans.get(current["plan_ref"]) if current else None
    range_start, range_end = first_period(period, start)
    credit, debit, proration_date = ZERO, bill.subtotal, start
    has_prorations = False
    items = bill_items(catalog, bill)
    paid_current = (
        current
        if current is not None
        and current["status"] == "ACTIVE"
        and current["pricing_type"] == "PAID"
        else None
    )
    scheduled = plan_change_kind(catalog, data, paid_current, plan) is not None
    if scheduled and paid_current is not None:
        # The change waits for the period end: nothing is charged now, no prorations.
        start = period_end(domain, paid_current)
        range_start, range_end = first_period(period, start)
        credit, debit, proration_date, items = ZERO, ZERO, start, ()
    elif (
        current is not None
        and current["status"] == "ACTIVE"
        and current["pricing_type"] == "PAID"
        and current.get("billing_period")
        and data.get("startDate") is None
    ):
        old = subscription_bill(domain, current)
        old_start, old_end = current_period(
            current["billing_period"], int(current["billing_anchor"]), now
        )
        remaining, length = old_end - now, old_end - old_start
        credit = -prorated(old.subtotal, remaining, length, old.currency)
        proration_date, has_prorations = now, True
        if current["billing_period"] == period:
            debit = prorated(bill.subtotal, remaining, length, currency)
            range_start, range_end = old_start, old_end
            items = proration_items(catalog, old, credit, bill, debit)
        else:
            range_start, range_end = first_period(period, now)
            items = proration_items(catalog, old, credit, bill, ZERO) + items
    immediate = Figures(currency, credit + debit, coupon, proration_date, tax, items)
    recurring_coupon = (
        coupon
        if coupon is not None and coupon_applies(coupon, start, range_end, first_invoice=False)
        else None
    )
    recurring = Figures(
        currency, bill.subtotal, recurring_coupon, start, tax, bill_items(catalog, bill)
    )
    return Quote(
        bill,
        immediate,
        recurring,
        credit,
        debit,
        proration_date,
        range_start,
        range_end,
        is_downgrade=bool(current_plan and current_plan.order > plan.order),
        has_scheduled_updates=scheduled,
        has_prorations=has_prorations,
    )


def estimate_new(domain: Domain, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """`estimateSubscription`."""
    return quote_new(domain, connection, data).json()


def quote_update(domain: Domain, connection: Connection, data: dict[str, Any]) -> Quote:
    """The cost of changing quantities, add-ons or the coupon of a subscription right now."""
    catalog = domain.catalog
    row = require_subscription(connection, str(data.get("subscriptionId") or ""))
    plan = catalog.package(row["plan_ref"], row["plan_version"])
    assert plan is not None
    old_bill = subscription_bill(domain, row)
    old_billable = [
        {"featureId": i["featureId"], "quantity": float(i["quantity"])}
        for i in row.get("billable_features") or []
    ]
    addons = (
        validate_addons(catalog, plan, data["addons"])
        if data.get("addons") is not None
        else list(row.get("addons") or [])
    )
    billable, unit = validate_billable(
        catalog,
        plan,
        data.get("billableFeatures") if data.get("billableFeatures") is not None else old_billable,
        data.get("unitQuantity")
        if data.get("unitQuantity") is not None
        else row.get("unit_quantity"),
    )
    new_coupon, _ = resolve_coupon(catalog, data)
    now = domain.clock.now_ms(row["customer_ref"])
    coupon: Coupon | None
    if new_coupon is not None:
        coupon, coupon_start = new_coupon, now
    else:
        coupon, coupon_start = stored_coupon(domain, row), int(row["start_date"])
    new_bill = build_bill(
        catalog,
        plan,
        row.get("billing_period"),
        row.get("billing_country_code"),
        {i["featureId"]: i["quantity"] for i in billable},
        unit,
        addons,
    )
    currency = new_bill.currency
    start, end = current_period(row.get("billing_period"), int(row["billing_anchor"]), now)
    remaining, length = end - now, end - start
    credit = -prorated(old_bill.subtotal, remaining, length, currency)
    debit = prorated(new_bill.subtotal, remaining, length, currency)
    tax = tax_percentage(row.get("billing_info"))
    applies_now = coupon is not None and coupon_applies(
        coupon, coupon_start, now, first_invoice=new_coupon is not None
    )
    applies_later = coupon is not None and coupon_applies(
        coupon, coupon_start, end, first_invoice=False
    )
    return Quote(
        new_bill,
        Figures(
            currency,
            credit + debit,
            coupon if applies_now else None,
            coupon_start,
            tax,
            proration_items(catalog, old_bill, credit, new_bill, debit),
        ),
        Figures(
            currency,
            new_bill.subtotal,
            coupon if applies_later else None,
            coupon_start,
            tax,
            bill_items(catalog, new_bill),
        ),
        credit,
        debit,
        now,
        start,
        end,
        has_scheduled_updates=bool(repo.subscription_schedules(connection, row["ref_id"])),
        has_prorations=credit + debit != 0,
    )


def estimate_update(domain: Domain, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """`estimateSubscriptionUpdate`."""
    return quote_update(domain, connection, data).json()
