"""Billing's side of buying credits (auto-recharge): one invoice line charged to the card on
file, the same simulated outcomes as a subscription's charge (billing/ledger.py)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from sqlalchemy import insert

from stigg_emulator.billing import ledger
from stigg_emulator.billing.money import round_money
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.storage import billing_tables as bt

COLLECTION = {
    ledger.SUCCEEDS: ("PAID", "NOT_REQUIRED"),
    ledger.DECLINES: ("OPEN", "FAILED"),
    ledger.PROCESSING: ("OPEN", "PROCESSING"),
    ledger.REQUIRES_ACTION: ("OPEN", "ACTION_REQUIRED"),
}


def charge_credits(
    domain: Domain, tx: Tx, customer_ref: str, description: str, amount: Decimal, currency: str
) -> tuple[str, str]:
    """Invoice a credit purchase (billing reason MANUAL, no subscription); returns the invoice id
    and the grant's `PaymentCollection`. Nothing due is a PAID invoice."""
    method = ledger.default_payment_method(tx.conn, customer_ref)
    total = round_money(amount, currency)
    behavior = ledger.SUCCEEDS
    if total > 0:
        behavior = method.behavior if method is not None else ledger.DECLINES
    status, collection = COLLECTION.get(behavior, ("PAID", "NOT_REQUIRED"))
    invoice_id = f"in_local_{secrets.token_hex(8)}"
    now = domain.clock.now_ms(customer_ref)
    error = None
    if behavior == ledger.DECLINES:
        error = ledger.DECLINE_MESSAGE if method is not None else "No payment method on file."
    tx.conn.execute(
        insert(bt.invoices).values(
            id=invoice_id,
            subscription_ref="",
            customer_ref=customer_ref,
            billing_reason="MANUAL",
            status=status,
            currency=currency,
            sub_total=str(total),
            discount="0",
            tax="0",
            total=str(total),
            lines=[
                {
                    "description": description,
                    "amount": str(total),
                    "quantity": 1,
                    "proration": False,
                    "kind": "item",
                }
            ],
            period_start=now,
            period_end=now,
            requires_action=behavior == ledger.REQUIRES_ACTION,
            error_message=error,
            customer_details=ledger.customer_details(tx.conn, customer_ref),
            created_at=now,
            updated_at=now,
        )
    )
    return invoice_id, collection
