"""Credit consumption (docs/protocol.md §5.7): `consumeCredits` with idempotency keys, async
batches, the burn of metered usage with a credit rate, and the auto-recharge it may trigger."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from stigg_emulator.catalog.model import Feature
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.credits import (
    ACTIVE,
    CreditBalance,
    balances,
    grant_row,
    issue_recurring,
    ledger_row,
    positive,
    require_currency,
    require_customer,
)
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.domain.lookups import parse_time
from stigg_emulator.domain.recharge import recharge_if_needed
from stigg_emulator.storage import credit_repository as credit_repo

MAX_ASYNC = 1_000
OVERDRAFT_PRIORITY = 1e12  # drawn last: only what no other grant covers


@dataclass
class Consumed:
    """A stored consumption and the scope's balance after it."""

    customer_ref: str
    currency_ref: str
    resource_id: str | None
    amount: float
    timestamp: int
    balance: CreditBalance


def consume(domain: Domain, tx: Tx, item: dict[str, Any]) -> Consumed:
    """One `consumeCredits` input; a repeated idempotency key returns the first consumption."""
    customer_ref = str(item.get("customerId") or "")
    currency_ref = str(item.get("currencyId") or "")
    require_customer(tx.conn, customer_ref)
    require_currency(domain.catalog, currency_ref)
    amount = positive(item.get("amount"), "amount")
    key = str(item.get("idempotencyKey") or "")
    if not key:
        raise bad_input("idempotencyKey is required")
    resource_key = str(item.get("resourceId") or "")
    stored = credit_repo.find_consumption(tx.conn, customer_ref, key)
    if stored is not None:
        currency_ref = stored["currency_ref"]
    else:
        now_ms = domain.clock.now_ms(customer_ref)
        created = parse_time(item.get("createdAt"), "createdAt") or now_ms
        draw(domain, tx, customer_ref, resource_key, currency_ref, amount, created, event_id=key)
        stored = {
            "id": str(uuid.uuid4()),
            "customer_ref": customer_ref,
            "idempotency_key": key,
            "currency_ref": currency_ref,
            "resource_key": resource_key,
            "amount": amount,
            "created_at": created,
        }
        credit_repo.insert_consumption(tx.conn, stored)
    now_ms = domain.clock.now_ms(customer_ref)
    state = balances(tx.conn, domain.catalog, customer_ref, stored["resource_key"], now_ms)
    return Consumed(
        customer_ref,
        stored["currency_ref"],
        stored["resource_key"] or None,
        float(stored["amount"]),
        int(stored["created_at"]),
        state.get(currency_ref) or CreditBalance(domain.catalog.currencies[currency_ref]),
    )


def consume_async(domain: Domain, tx: Tx, items: list[dict[str, Any]]) -> int:
    """`consumeCreditsAsync`: all consumptions in one transaction (all or nothing)."""
    if not items:
        raise bad_input("consumptions must not be empty")
    if len(items) > MAX_ASYNC:
        raise bad_input(f"At most {MAX_ASYNC} consumptions per call (got {len(items)})")
    for item in items:
        consume(domain, tx, item)
    return len(items)


def burn_usage(
    domain: Domain,
    tx: Tx,
    customer_ref: str,
    resource_id: str | None,
    feature: Feature,
    delta: float,
    event_id: str | None = None,
) -> None:
    """Usage of a feature with a credit rate burns `delta * rate` credits of its currency."""
    rate = feature.credit_rate
    if rate is None or delta <= 0 or rate.amount <= 0:
        return
    now_ms = domain.clock.now_ms(customer_ref)
    draw(
        domain,
        tx,
        customer_ref,
        resource_id or "",
        rate.currency_ref,
        delta * rate.amount,
        now_ms,
        feature_ref=feature.ref_id,
        event_id=event_id,
    )


def draw(
    domain: Domain,
    tx: Tx,
    customer_ref: str,
    resource_key: str,
    currency_ref: str,
    amount: float,
    timestamp: int,
    *,
    feature_ref: str | None = None,
    event_id: str | None = None,
) -> None:
    """Take `amount` from the active grants in consumption order; what they cannot cover goes
    on the scope's overdraft grant (the balance turns negative)."""
    issue_recurring(domain, tx, customer_ref)
    now_ms = domain.clock.now_ms(customer_ref)
    state = balances(tx.conn, domain.catalog, customer_ref, resource_key, now_ms)
    grants = state[currency_ref].grants if currency_ref in state else []
    active = [row for row in grants if row["status"] == ACTIVE]
    remaining = amount
    entries: list[dict[str, Any]] = []
    for row in active:
        if row["grant_type"] == "OVERDRAFT":
            continue
        take = min(remaining, float(row["amount"]) - float(row["consumed"]))
        if take <= 0:
            continue
        _take(tx, row, take, now_ms)
        entries.append(ledger_row(row, "CREDITS_CONSUMED", -take, timestamp, feature_ref, event_id))
        remaining -= take
        if remaining <= 0:
            break
    if remaining > 0:
        overdraft = next((row for row in active if row["grant_type"] == "OVERDRAFT"), None)
        if overdraft is None:
            overdraft = _new_overdraft(domain, tx, customer_ref, resource_key, currency_ref, now_ms)
        _take(tx, overdraft, remaining, now_ms)
        entries.append(
            ledger_row(overdraft, "CREDITS_CONSUMED", -remaining, timestamp, feature_ref, event_id)
        )
    credit_repo.insert_ledger(tx.conn, entries)
    tx.credits_changed(customer_ref, resource_key or None, currency_ref)
    recharge_if_needed(domain, tx, customer_ref, resource_key, currency_ref)


def _take(tx: Tx, row: dict[str, Any], take: float, now_ms: int) -> None:
    row["consumed"] = float(row["consumed"]) + take
    credit_repo.update_grant(
        tx.conn, row["id"], {"consumed": row["consumed"], "updated_at": now_ms}
    )


def _new_overdraft(
    domain: Domain, tx: Tx, customer_ref: str, resource_key: str, currency_ref: str, now_ms: int
) -> dict[str, Any]:
    currency = domain.catalog.currencies[currency_ref]
    row = grant_row(
        customer_ref,
        resource_key,
        currency_ref,
        f"{currency.display_name} overdraft",
        0.0,
        grant_id=str(uuid.uuid4()),
        grant_type="OVERDRAFT",
        now_ms=now_ms,
        priority=OVERDRAFT_PRIORITY,
    )
    credit_repo.insert_grant(tx.conn, row)
    return row
