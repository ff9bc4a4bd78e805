"""Payment methods, charges and invoices of the emulated billing integration (Stripe's part)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, inspect, select, text, update

from stigg_emulator.billing.money import round_money
from stigg_emulator.billing.quote import Figures
from stigg_emulator.clock import Scope
from stigg_emulator.domain import credits
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.storage import billing_tables as bt
from stigg_emulator.storage import repositories as repo
from stigg_emulator.storage.database import Database

SUCCEEDS, DECLINES, REQUIRES_ACTION = "succeeds", "declines", "requires_action"
PROCESSING = "processing"  # a bank debit: settles when the test clock next moves

# Stripe's test card numbers and what a charge on them does.
TEST_CARDS = {
    "4242424242424242": ("visa", SUCCEEDS),
    "5555555555554444": ("mastercard", SUCCEEDS),
    "4000000000000002": ("visa", DECLINES),
    "4000002500003155": ("visa", REQUIRES_ACTION),
}
# Stripe's test payment-method ids, usable as `billingInformation.paymentMethodId`.
TEST_PAYMENT_METHODS = {
    "pm_card_visa": ("visa", "4242", SUCCEEDS),
    "pm_card_mastercard": ("mastercard", "4444", SUCCEEDS),
    "pm_card_chargeDeclined": ("visa", "0002", DECLINES),
    "pm_card_authenticationRequired": ("visa", "3155", REQUIRES_ACTION),
    "pm_local_processing": ("bank", "6789", PROCESSING),
}
DECLINE_MESSAGE = "Your card was declined."


def ensure_tables(db: Database) -> None:
    """Add invoice columns newer than the database (`Database` creates missing tables)."""
    present = {column["name"] for column in inspect(db.engine).get_columns(bt.invoices.name)}
    missing = [column for column in bt.invoices.columns if column.name not in present]
    if missing:
        with db.transaction() as connection:
            for column in missing:
                kind = column.type.compile(dialect=db.engine.dialect)
                connection.execute(
                    text(f"ALTER TABLE {bt.invoices.name} ADD COLUMN {column.name} {kind}")
                )


@dataclass(frozen=True)
class PaymentMethod:
    """A card on file."""

    id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    behavior: str


def _stored(row: Any) -> PaymentMethod:
    return PaymentMethod(
        row["id"], row["brand"], row["last4"], row["exp_month"], row["exp_year"], row["behavior"]
    )


def default_payment_method(connection: Connection, customer_ref: str) -> PaymentMethod | None:
    """The customer's default card (ids set through billingInformation look like a Visa 4242)."""
    billing = repo.get_billing(connection, customer_ref) or {}
    pm_id = billing.get("payment_method_id")
    if not pm_id:
        return None
    table = bt.payment_methods
    row = connection.execute(select(table).where(table.c.id == pm_id)).mappings().first()
    if row is not None:
        return _stored(row)
    brand, last4, behavior = TEST_PAYMENT_METHODS.get(str(pm_id), ("visa", "4242", SUCCEEDS))
    return PaymentMethod(str(pm_id), brand, last4, 12, 2030, behavior)


def attach_card(
    domain: Domain,
    tx: Tx,
    customer_ref: str,
    number: str,
    exp_month: int,
    exp_year: int,
    details: dict[str, Any],
) -> PaymentMethod:
    """Store a test card as the customer's default payment method."""
    brand, behavior = TEST_CARDS[number]
    method = PaymentMethod(
        f"pm_local_{secrets.token_hex(8)}", brand, number[-4:], exp_month, exp_year, behavior
    )
    now = domain.clock.now_ms(customer_ref)
    tx.conn.execute(
        insert(bt.payment_methods).values(
            id=method.id,
            customer_ref=customer_ref,
            brand=brand,
            last4=method.last4,
            exp_month=exp_month,
            exp_year=exp_year,
            behavior=behavior,
            details=details or None,
            created_at=now,
        )
    )
    billing = repo.get_billing(tx.conn, customer_ref) or {}
    info = dict(billing.get("billing_info") or {})
    info["paymentMethodId"] = method.id
    if details.get("billingAddress"):
        info["billingAddress"] = {**(info.get("billingAddress") or {}), **details["billingAddress"]}
    if details.get("taxIds"):
        known = list(info.get("taxIds") or [])
        info["taxIds"] = known + [tax_id for tax_id in details["taxIds"] if tax_id not in known]
    repo.put_billing(
        tx.conn,
        customer_ref,
        {
            "billing_info": info,
            "payment_method_id": method.id,
            "currency": billing.get("currency"),
            "updated_at": now,
        },
    )
    return method


def customer_card(connection: Connection, customer_ref: str, pm_id: str) -> PaymentMethod | None:
    """The stored card `pm_id` if it belongs to `customer_ref`."""
    table = bt.payment_methods
    row = (
        connection.execute(
            select(table).where(table.c.id == pm_id, table.c.customer_ref == customer_ref)
        )
        .mappings()
        .first()
    )
    return _stored(row) if row is not None else None


def is_usable_by(connection: Connection, customer_ref: str, pm_id: str) -> bool:
    """Whether `customer_ref` may pay with `pm_id`: one of their stored cards or one of
    Stripe's shared test payment-method ids."""
    return (
        pm_id in TEST_PAYMENT_METHODS or customer_card(connection, customer_ref, pm_id) is not None
    )


def authenticate_card(tx: Tx, customer_ref: str, pm_id: str) -> PaymentMethod | None:
    """The payer confirmed a card that needs authentication: its later charges succeed
    (a confirmed SetupIntent). None when the customer has no such card."""
    method = customer_card(tx.conn, customer_ref, pm_id)
    if method is None or method.behavior != REQUIRES_ACTION:
        return method
    table = bt.payment_methods
    tx.conn.execute(update(table).where(table.c.id == pm_id).values(behavior=SUCCEEDS))
    return customer_card(tx.conn, customer_ref, pm_id)


def customer_details(connection: Connection, customer_ref: str) -> dict[str, Any]:
    """Who an invoice bills: name, email, billing address (with phone) and tax ids.

    The address and tax ids are the customer's `CustomerBillingInfo` (provisionCustomer /
    updateCustomer `billingInformation`, or what the hosted checkout collected).
    """
    customer = repo.get_customer(connection, customer_ref) or {}
    info = dict((repo.get_billing(connection, customer_ref) or {}).get("billing_info") or {})
    return {
        "name": info.get("customerName") or customer.get("name"),
        "email": customer.get("email"),
        "billingAddress": info.get("billingAddress"),
        "taxIds": list(info.get("taxIds") or []),
    }


def charge(
    domain: Domain,
    tx: Tx,
    subscription: dict[str, Any],
    figures: Figures,
    reason: str,
    period: tuple[int, int],
    base_url: str,
) -> str:
    """Invoice `figures` and charge the payer's card; sets the subscription's paymentCollection.

    Returns the invoice id. Nothing due (or a credit) is a PAID invoice.
    """
    payer = subscription.get("paying_customer_ref") or subscription["customer_ref"]
    method = default_payment_method(tx.conn, payer)
    currency = figures.currency
    lines = figures.invoice_lines()
    sub_total = sum((line.amount for line in lines if line.kind == "item"), Decimal(0))
    discount = -sum((line.amount for line in lines if line.kind == "discount"), Decimal(0))
    tax = sum((line.amount for line in lines if line.kind == "tax"), Decimal(0))
    total = sub_total - discount + tax  # the sum of the lines
    behavior = method.behavior if method is not None and total > 0 else SUCCEEDS
    if method is None and total > 0:
        behavior = DECLINES
    invoice_id = f"in_local_{secrets.token_hex(8)}"
    status, collection, error, secret = "PAID", "NOT_REQUIRED", None, None
    if behavior == DECLINES:
        status, collection = "OPEN", "FAILED"
        error = DECLINE_MESSAGE if method is not None else "No payment method on file."
    elif behavior == PROCESSING:
        status, collection = "OPEN", "PROCESSING"
    elif behavior == REQUIRES_ACTION:
        status, collection = "OPEN", "ACTION_REQUIRED"
        secret = f"pi_local_{secrets.token_hex(8)}_secret_{secrets.token_hex(6)}"
    now = domain.clock.now_ms(subscription["customer_ref"])
    tx.conn.execute(
        insert(bt.invoices).values(
            id=invoice_id,
            subscription_ref=subscription["ref_id"],
            customer_ref=payer,
            billing_reason=reason,
            status=status,
            currency=currency,
            sub_total=str(round_money(sub_total, currency)),
            discount=str(round_money(discount, currency)),
            tax=str(round_money(tax, currency)),
            total=str(round_money(total, currency)),
            lines=[
                {
                    "description": line.description,
                    "amount": str(line.amount),
                    "quantity": line.quantity,
                    "proration": line.proration,
                    "kind": line.kind,
                }
                for line in lines
            ],
            period_start=period[0],
            period_end=period[1],
            requires_action=behavior == REQUIRES_ACTION,
            payment_secret=secret,
            payment_url=f"{base_url.rstrip('/')}/checkout/invoices/{invoice_id}"
            if status == "OPEN"
            else None,
            error_message=error,
            pdf_url=f"{base_url.rstrip('/')}/invoices/{invoice_id}",
            customer_details=customer_details(tx.conn, payer),
            created_at=now,
            updated_at=now,
        )
    )
    repo.update_subscription(
        tx.conn, subscription["ref_id"], {"payment_collection": collection, "updated_at": now}
    )
    return invoice_id


def get_invoice(connection: Connection, invoice_id: str) -> dict[str, Any] | None:
    """One invoice row."""
    table = bt.invoices
    row = connection.execute(select(table).where(table.c.id == invoice_id)).mappings().first()
    return dict(row) if row is not None else None


def subscription_invoices(connection: Connection, subscription_ref: str) -> list[dict[str, Any]]:
    """Invoices of a subscription, newest first."""
    table = bt.invoices
    statement = (
        select(table)
        .where(table.c.subscription_ref == subscription_ref)
        .order_by(table.c.created_at.desc(), table.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings().all()]


def customer_invoices(connection: Connection, customer_ref: str) -> list[dict[str, Any]]:
    """Invoices a customer paid or owes, newest first."""
    table = bt.invoices
    statement = (
        select(table)
        .where(table.c.customer_ref == customer_ref)
        .order_by(table.c.created_at.desc(), table.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings().all()]


def pay_invoice(domain: Domain, tx: Tx, invoice_id: str) -> dict[str, Any] | None:
    """Complete an OPEN invoice (3-D Secure confirmed); returns the updated row."""
    invoice = get_invoice(tx.conn, invoice_id)
    if invoice is None or invoice["status"] != "OPEN":
        return invoice
    owner = repo.get_subscription(tx.conn, invoice["subscription_ref"]) or {}
    now = domain.clock.now_ms(owner.get("customer_ref") or invoice["customer_ref"])
    tx.conn.execute(
        update(bt.invoices)
        .where(bt.invoices.c.id == invoice_id)
        .values(status="PAID", requires_action=False, error_message=None, updated_at=now)
    )
    credits.invoice_paid(domain, tx, invoice_id)
    latest = subscription_invoices(tx.conn, invoice["subscription_ref"])
    if latest and latest[0]["id"] == invoice_id:
        repo.update_subscription(
            tx.conn,
            invoice["subscription_ref"],
            {"payment_collection": "NOT_REQUIRED", "updated_at": now},
        )
    return get_invoice(tx.conn, invoice_id)


def settle_processing(domain: Domain, tx: Tx, scope: Scope | None = None) -> list[str]:
    """Bank debits clear: every OPEN invoice still processing (no action, no error) is PAID.

    With `scope`, only invoices of subscriptions whose customer keeps that scope's time.
    """
    table = bt.invoices
    statement = select(table.c.id, table.c.customer_ref).where(
        table.c.status == "OPEN",
        table.c.requires_action.is_(False),
        table.c.error_message.is_(None),
        table.c.created_at < domain.clock.now_ms(scope.customer if scope else None),
        table.c.subscription_ref.in_(repo.scope_subscription_refs(scope)),
    )
    settled = []
    for invoice_id, customer_ref in tx.conn.execute(statement).all():
        pay_invoice(domain, tx, str(invoice_id))
        tx.entitlements_changed(str(customer_ref))
        settled.append(str(invoice_id))
    return settled


def latest_invoices(
    connection: Connection, subscription_refs: list[str]
) -> dict[str, dict[str, Any]]:
    """The newest invoice row of each subscription (those with one), in one query."""
    if not subscription_refs:
        return {}
    table = bt.invoices
    newer = bt.invoices.alias("newer")
    newest = (
        select(func.max(newer.c.created_at))
        .where(newer.c.subscription_ref == table.c.subscription_ref)
        .scalar_subquery()
    )
    statement = (
        select(table)
        .where(table.c.subscription_ref.in_(sorted(set(subscription_refs))))
        .where(table.c.created_at == newest)
        .order_by(table.c.created_at.desc(), table.c.id)
    )
    latest: dict[str, dict[str, Any]] = {}
    for row in connection.execute(statement).mappings().all():
        latest.setdefault(row["subscription_ref"], dict(row))
    return latest
