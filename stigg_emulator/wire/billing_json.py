"""Billing JSON: `Money`, discounts, subscription previews (V1 and V2) and renewal previews."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from stigg_emulator.billing.estimates import Quote
from stigg_emulator.billing.money import round_money
from stigg_emulator.billing.quote import ZERO, Figures, InvoiceItem, coupon_end
from stigg_emulator.billing.upcoming import Upcoming
from stigg_emulator.catalog.model import Coupon
from stigg_emulator.clock import iso


def money_json(amount: Decimal, currency: str) -> dict[str, Any]:
    """`Money {amount currency}` rounded to the currency's minor unit."""
    return {
        "__typename": "Money",
        "amount": float(round_money(amount, currency)),
        "currency": currency,
    }


def discount_json(coupon: Coupon, start_ms: int) -> dict[str, Any]:
    """`SubscriptionPreviewDiscount` of a coupon applied at `start_ms`."""
    value = (
        coupon.percent_off
        if coupon.discount_type == "PERCENTAGE" and coupon.percent_off is not None
        else (coupon.amounts_off[0][0] if coupon.amounts_off else ZERO)
    )
    return {
        "__typename": "SubscriptionPreviewDiscount",
        "name": coupon.name,
        "type": coupon.discount_type,
        "value": float(value),
        "durationType": coupon.duration_type,
        "durationInMonths": float(coupon.duration_in_months)
        if coupon.duration_type == "REPEATING" and coupon.duration_in_months
        else None,
        "start": iso(start_ms),
        "end": iso(coupon_end(coupon, start_ms)),
    }


def _invoice_v2(figures: Figures) -> dict[str, Any]:
    shown = figures_json(figures)
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


def quote_preview_json(quote: Quote) -> dict[str, Any]:
    """`SubscriptionPreviewV2` (previewSubscription) of a quote."""
    v1 = quote_json(quote)
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


def figures_json(figures: Figures) -> dict[str, Any]:
    """The `SubscriptionPricePreviewDTO` fields (also `SubscriptionPreview`'s)."""
    return {
        "subTotal": money_json(figures.sub_total, figures.currency),
        "discountAmount": money_json(figures.discount, figures.currency)
        if figures.coupon
        else None,
        "discount": discount_json(figures.coupon, figures.coupon_start_ms)
        if figures.coupon
        else None,
        "totalExcludingTax": money_json(figures.total_excluding_tax, figures.currency),
        "tax": money_json(figures.tax, figures.currency),
        "taxDetails": (
            {
                "__typename": "SubscriptionPreviewTaxDetails",
                "displayName": f"Tax ({figures.tax_percentage.normalize():f}%)",
                "percentage": float(figures.tax_percentage),
                "inclusive": False,
            }
            if figures.tax_percentage
            else None
        ),
        "total": money_json(figures.total, figures.currency),
    }


def quote_json(quote: Quote) -> dict[str, Any]:
    """`SubscriptionPreview`."""
    currency = quote.bill.currency
    return {
        "__typename": "SubscriptionPreview",
        **figures_json(quote.immediate),
        "subscription": {
            "__typename": "SubscriptionPricePreviewDTO",
            **figures_json(quote.recurring),
        },
        "billingPeriodRange": {
            "__typename": "DateRange",
            "start": iso(quote.range_start),
            "end": iso(quote.range_end),
        },
        "proration": {
            "__typename": "SubscriptionPreviewProrations",
            "prorationDate": iso(quote.proration_date),
            "credit": money_json(quote.credit, currency),
            "debit": money_json(quote.debit, currency),
            "netAmount": money_json(quote.credit + quote.debit, currency),
            "hasProrations": quote.has_prorations,
        },
        "isPlanDowngrade": quote.is_downgrade,
        "hasScheduledUpdates": quote.has_scheduled_updates,
        "credits": None,
        "minimumSpendAdjustment": money_json(ZERO, currency),
    }


def renewal_preview_json(upcoming: Upcoming, updated_at: int) -> dict[str, Any]:
    """`SubscriptionInvoicePreview` of a renewal; its lines are the invoice's charged items."""
    figures = upcoming.figures
    currency = figures.currency
    lines = [line for line in figures.invoice_lines() if line.kind == "item"]
    items = figures.items or (InvoiceItem("Subscription charge", figures.sub_total),)
    period = {
        "__typename": "SubscriptionInvoicePreviewLineItemPeriod",
        "start": iso(upcoming.period_start),
        "end": iso(upcoming.period_end),
    }
    sub_total = sum((line.amount for line in lines), ZERO)
    discount = -sum(
        (line.amount for line in figures.invoice_lines() if line.kind == "discount"), ZERO
    )
    tax = sum((line.amount for line in figures.invoice_lines() if line.kind == "tax"), ZERO)
    total = sub_total - discount + tax
    shown = figures_json(figures)
    return {
        "__typename": "SubscriptionInvoicePreview",
        "subTotal": money_json(sub_total, currency),
        "subTotalExcludingTax": money_json(sub_total, currency),
        "discount": money_json(discount, currency) if figures.coupon else None,
        "discountDetails": (
            discount_json(figures.coupon, figures.coupon_start_ms) if figures.coupon else None
        ),
        "totalExcludingTax": money_json(sub_total - discount, currency),
        "tax": money_json(tax, currency),
        "taxDetails": shown["taxDetails"],
        "total": money_json(total, currency),
        "amountDue": money_json(max(total, ZERO), currency),
        "minimumSpendAdjustment": money_json(ZERO, currency),
        "credits": None,
        "lastUpdatedAt": iso(updated_at),
        "lines": [
            {
                "__typename": "SubscriptionInvoicePreviewLineItem",
                "type": item.line_type,
                "description": line.description,
                "costDescription": line.description,
                "amount": money_json(line.amount, currency),
                "unitPrice": (
                    money_json(round_money(item.unit_amount, currency), currency)
                    if item.unit_amount is not None
                    else None
                ),
                "quantity": line.quantity,
                "proration": line.proration,
                "period": period,
                "price": None,
                "hasSoftLimit": None,
                "usageLimit": None,
                "lines": None,
            }
            for item, line in zip(items, lines, strict=True)
        ],
    }
