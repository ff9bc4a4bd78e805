"""Prorated invoices for immediate changes of a paid subscription (quantities, add-ons, migration).

The same arithmetic as `estimateSubscriptionUpdate`: credit the unused time of the old price,
charge the remaining time of the new one, discount the net by a coupon still running, add the
exclusive tax. A negative net is issued as a (paid) credit invoice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stigg_emulator.billing import ledger
from stigg_emulator.billing.estimates import (
    current_period,
    stored_coupon,
    subscription_bill,
    tax_percentage,
)
from stigg_emulator.billing.quote import Figures, coupon_applies, prorated, proration_items
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.storage import repositories as repo


def invoice_change(
    domain: Domain, tx: Tx, before: dict[str, Any], after: dict[str, Any], base_url: str
) -> str | None:
    """Invoice the price difference between two states of one subscription; the invoice id."""
    if (
        after["status"] != "ACTIVE"
        or after["pricing_type"] != "PAID"
        or not after.get("billing_period")
        or before.get("billing_period") != after.get("billing_period")
    ):
        return None
    payer = after.get("paying_customer_ref") or after["customer_ref"]
    if ledger.default_payment_method(tx.conn, payer) is None:
        return None
    old, new = subscription_bill(domain, before), subscription_bill(domain, after)
    if old.subtotal == new.subtotal and old.currency == new.currency:
        return None
    now = domain.clock.now_ms(after["customer_ref"])
    start, end = current_period(after["billing_period"], int(after["billing_anchor"]), now)
    remaining, length = end - now, end - start
    currency = new.currency
    debit = prorated(new.subtotal, remaining, length, currency)
    credit = -prorated(old.subtotal, remaining, length, old.currency)
    net = debit + credit
    if net == 0:
        return None
    coupon = stored_coupon(domain, after)
    coupon_start = int(after["start_date"])
    if coupon is not None and not coupon_applies(coupon, coupon_start, now, first_invoice=False):
        coupon = None
    figures = Figures(
        currency,
        net,
        coupon,
        coupon_start,
        tax_percentage(after.get("billing_info")),
        proration_items(domain.catalog, old, credit, new, debit),
    )
    return ledger.charge(domain, tx, after, figures, "SUBSCRIPTION_UPDATE", (now, end), base_url)


def with_invoice(
    domain: Domain,
    tx: Tx,
    ref_id: str,
    change: Callable[[], str],
    base_url: str,
) -> str:
    """Run `change` on subscription `ref_id` and invoice what it changed right away."""
    before = repo.get_subscription(tx.conn, ref_id)
    result = change()
    after = repo.get_subscription(tx.conn, ref_id)
    if before is not None and after is not None:
        invoice_change(domain, tx, before, after, base_url)
    return result
