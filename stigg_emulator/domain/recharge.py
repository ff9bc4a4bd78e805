"""Auto-recharge of credits (docs/protocol.md §5.7): the settings of a customer's currency and
the purchase they trigger when a consumption leaves the balance below the threshold."""

from __future__ import annotations

import uuid
from datetime import UTC
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.clock import from_ms, to_ms
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.credits import (
    DEFAULT_PRIORITY,
    balances,
    grant_row,
    require_currency,
    require_customer,
    store_grant,
)
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.domain.periods import add_months
from stigg_emulator.storage import credit_repository as credit_repo

THRESHOLD_TYPES = ("CreditAmount", "DollarAmount")
EXPIRATION_MONTHS = {"OneMonth": 1, "OneYear": 12}


def settings(
    connection: Connection, domain: Domain, customer_ref: str, currency_ref: str
) -> dict[str, Any]:
    """The stored settings, or the disabled defaults (never stored) when there are none."""
    require_customer(connection, customer_ref)
    require_currency(domain.catalog, currency_ref)
    row = credit_repo.get_recharge(connection, customer_ref, currency_ref)
    if row is not None:
        return row
    return {
        "id": None,
        "customer_ref": customer_ref,
        "currency_ref": currency_ref,
        "is_enabled": False,
        "threshold_type": "CreditAmount",
        "threshold_value": 0.0,
        "target_balance": 0.0,
        "max_spend_limit": None,
        "grant_expiration_period": "OneYear",
        "created_at": None,
        "updated_at": None,
    }


def save(domain: Domain, tx: Tx, data: dict[str, Any]) -> dict[str, Any]:
    """`saveAutoRechargeSettings`: validate and store; a charge may follow at once."""
    customer_ref = str(data.get("customerId") or "")
    currency_ref = str(data.get("currencyId") or "")
    current = settings(tx.conn, domain, customer_ref, currency_ref)
    now_ms = domain.clock.now_ms(customer_ref)
    row = {
        **current,
        "id": current["id"] or str(uuid.uuid4()),
        "is_enabled": bool(data.get("isEnabled")),
        "created_at": current["created_at"] or now_ms,
        "updated_at": now_ms,
    }
    for key, field in (
        ("threshold_type", "thresholdType"),
        ("threshold_value", "thresholdValue"),
        ("target_balance", "targetBalance"),
        ("grant_expiration_period", "grantExpirationPeriod"),
    ):
        if data.get(field) is not None:
            row[key] = data[field]
    if "maxSpendLimit" in data:
        row["max_spend_limit"] = data["maxSpendLimit"]
    if row["threshold_value"] < 0 or (row["max_spend_limit"] or 0) < 0:
        raise bad_input("thresholdValue and maxSpendLimit must not be negative")
    if row["is_enabled"] and row["target_balance"] <= _threshold_credits(domain, row):
        raise bad_input("targetBalance must be above the threshold")
    credit_repo.put_recharge(tx.conn, row, exists=current["id"] is not None)
    if row["is_enabled"]:
        recharge_if_needed(domain, tx, customer_ref, "", currency_ref)
    return row


def _threshold_credits(domain: Domain, row: dict[str, Any]) -> float:
    """The threshold in credits (a DollarAmount threshold divided by the credit's price)."""
    value = float(row["threshold_value"])
    if row["threshold_type"] != "DollarAmount":
        return value
    price = domain.catalog.currencies[row["currency_ref"]].unit_price
    return float(Decimal(str(value)) / price) if price > 0 else 0.0


def monthly_spend(
    connection: Connection, domain: Domain, customer_ref: str, currency_ref: str
) -> Decimal:
    """What auto-recharge spent on a currency in the customer's current calendar month."""
    now = from_ms(domain.clock.now_ms(customer_ref)).astimezone(UTC)
    month_start = to_ms(now.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
    return sum(
        (
            Decimal(row["cost_amount"])
            for row in credit_repo.customer_grants(connection, customer_ref)
            if row.get("recharge_id")
            and row["currency_ref"] == currency_ref
            and int(row["created_at"]) >= month_start
        ),
        Decimal(0),
    )


def recharge_if_needed(
    domain: Domain, tx: Tx, customer_ref: str, resource_key: str, currency_ref: str
) -> None:
    """Below the threshold, buy up to the target balance (within the monthly spend limit): an
    invoice charged to the card on file and a PAID grant."""
    row = credit_repo.get_recharge(tx.conn, customer_ref, currency_ref)
    if row is None or not row["is_enabled"] or resource_key:
        return
    now_ms = domain.clock.now_ms(customer_ref)
    state = balances(tx.conn, domain.catalog, customer_ref, "", now_ms).get(currency_ref)
    balance = state.balance if state else 0.0
    if balance >= _threshold_credits(domain, row):
        return
    credits = float(row["target_balance"]) - balance
    currency = domain.catalog.currencies[currency_ref]
    cost = Decimal(str(credits)) * currency.unit_price
    limit = row["max_spend_limit"]
    spent = monthly_spend(tx.conn, domain, customer_ref, currency_ref)
    if limit is not None and spent + cost > Decimal(str(limit)):
        return
    invoice_id, collection = domain.invoicing.charge_credits(
        domain,
        tx,
        customer_ref,
        f"{credits:g} {currency.display_name}",
        cost,
        currency.price_currency,
    )
    months = EXPIRATION_MONTHS.get(str(row["grant_expiration_period"]), 12)
    grant = grant_row(
        customer_ref,
        "",
        currency_ref,
        f"Automatic recharge of {currency.display_name}",
        credits,
        grant_id=str(uuid.uuid4()),
        grant_type="PAID",
        now_ms=now_ms,
        priority=DEFAULT_PRIORITY,
        expire_at=to_ms(add_months(from_ms(now_ms), months)),
    )
    grant.update(
        cost_amount=str(cost),
        cost_currency=currency.price_currency,
        payment_collection=collection,
        invoice_id=invoice_id,
        recharge_id=row["id"],
    )
    store_grant(domain, tx, grant)
