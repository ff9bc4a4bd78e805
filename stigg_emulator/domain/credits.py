"""Credit grants and balances (docs/protocol.md §5.7): recurring grants from plans and add-ons,
granted and voided grants, and the balance of each currency of a customer scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.catalog.model import Catalog, CreditEntitlementSpec, CustomCurrency
from stigg_emulator.clock import from_ms
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.errors import StiggError, bad_input, not_found
from stigg_emulator.domain.lookups import parse_time
from stigg_emulator.domain.periods import period_at
from stigg_emulator.storage import credit_repository as credit_repo
from stigg_emulator.storage import repositories as repo

GRANT_NAMESPACE = uuid.UUID("0b6f3f4e-3c51-4f0c-9d0a-1c3e5a7b9d21")
ACTIVE, EXPIRED, SCHEDULED, VOIDED, PENDING = (
    "ACTIVE",
    "EXPIRED",
    "SCHEDULED",
    "VOIDED",
    "PAYMENT_PENDING",
)
RECURRING_PRIORITY = 0.0  # plan credits go first among grants expiring at the same moment
DEFAULT_PRIORITY = 100.0


@dataclass
class CreditBalance:
    """One currency of a customer scope: its grants and what they add up to."""

    currency: CustomCurrency
    grants: list[dict[str, Any]] = field(default_factory=list)  # every grant, with `status`
    balance: float = 0.0  # sum of (amount - consumed) of active grants
    granted: float = 0.0  # Σ amount of active grants (the entitlement's usageLimit)
    consumed: float = 0.0  # Σ consumed of active grants (the entitlement's currentUsage)
    total_granted: float = 0.0  # Σ amount of active and expired grants
    total_consumed: float = 0.0  # Σ consumed of active and expired grants
    soft_limit: bool = False
    period_end: int | None = None  # end of the current recurring period
    valid_until: int | None = None  # when the last active grant expires (None: one never does)
    next_change: int | None = None  # when a grant starts or expires next

    @property
    def insufficient(self) -> bool:
        """Nothing left and no soft limit: checks answer `InsufficientCredits`."""
        return self.balance <= 0 and not self.soft_limit


def grant_status(row: dict[str, Any], now_ms: int) -> str:
    """`CreditGrantStatus` of a stored grant at `now_ms`."""
    if row.get("voided_at"):
        return VOIDED
    if row["payment_collection"] in ("PROCESSING", "ACTION_REQUIRED", "FAILED"):
        return PENDING
    if int(row["effective_at"]) > now_ms:
        return SCHEDULED
    if row.get("expire_at") and int(row["expire_at"]) <= now_ms:
        return EXPIRED
    return ACTIVE


def consumption_order(row: dict[str, Any]) -> tuple[Any, ...]:
    """Grants are drawn expiring first, then by priority (lower first), then oldest."""
    expire_at = row.get("expire_at")
    return (
        expire_at is None,
        int(expire_at or 0),
        float(row["priority"]),
        int(row["effective_at"]),
        int(row["created_at"]),
        str(row["id"]),
    )


def _specs(
    catalog: Catalog, subscription: dict[str, Any]
) -> list[tuple[str, CreditEntitlementSpec]]:
    plan = catalog.package(subscription["plan_ref"], subscription["plan_version"])
    specs: list[tuple[str, CreditEntitlementSpec]] = []
    if plan is None:
        return specs
    specs.extend(("PLAN_ENTITLEMENT", spec) for spec in plan.credit_entitlements)
    for entry in subscription.get("addons") or []:
        addon = catalog.package(entry["addonId"], entry.get("version"))
        quantity = int(entry.get("quantity") or 1)
        for spec in addon.credit_entitlements if addon else ():
            scaled = CreditEntitlementSpec(
                spec.currency_ref, spec.amount * quantity, spec.cadence, spec.soft_limit
            )
            specs.append(("ADDON_ENTITLEMENT", scaled))
    return specs


def recurring_grants(
    connection: Connection, catalog: Catalog, customer_ref: str, now_ms: int
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], bool]]:
    """The current period's recurring grants of every active subscription (issued or due) and
    which (resource key, currency) pairs have a soft limit."""
    rows: list[dict[str, Any]] = []
    soft: dict[tuple[str, str], bool] = {}
    for subscription in repo.customer_subscriptions(connection, customer_ref):
        resource_key = subscription.get("resource_id") or ""
        for source, spec in _specs(catalog, subscription):
            period = period_at(
                int(subscription["start_date"]), spec.cadence, from_ms(now_ms), "SubscriptionStart"
            )
            key = f"{subscription['ref_id']}:{spec.currency_ref}:{source}:{period.start}"
            scope = (resource_key, spec.currency_ref)
            soft[scope] = soft.get(scope, False) or spec.soft_limit
            rows.append(
                grant_row(
                    customer_ref,
                    resource_key,
                    spec.currency_ref,
                    catalog.currencies[spec.currency_ref].display_name,
                    spec.amount,
                    grant_id=str(uuid.uuid5(GRANT_NAMESPACE, key)),
                    grant_type="RECURRING",
                    source_type=source,
                    priority=RECURRING_PRIORITY,
                    effective_at=period.start,
                    expire_at=period.end,
                    now_ms=period.start,
                    recurring_key=key,
                )
            )
    return rows, soft


def grant_row(
    customer_ref: str,
    resource_key: str,
    currency_ref: str,
    display_name: str,
    amount: float,
    *,
    grant_id: str,
    grant_type: str,
    now_ms: int,
    source_type: str | None = None,
    priority: float = DEFAULT_PRIORITY,
    effective_at: int | None = None,
    expire_at: int | None = None,
    recurring_key: str | None = None,
) -> dict[str, Any]:
    """A new grant's row (nothing consumed, no cost, nothing to pay)."""
    return {
        "id": grant_id,
        "customer_ref": customer_ref,
        "resource_key": resource_key,
        "currency_ref": currency_ref,
        "display_name": display_name,
        "amount": amount,
        "consumed": 0.0,
        "grant_type": grant_type,
        "source_type": source_type,
        "priority": priority,
        "effective_at": effective_at if effective_at is not None else now_ms,
        "expire_at": expire_at,
        "voided_at": None,
        "cost_amount": "0",
        "cost_currency": "USD",
        "comment": None,
        "metadata": None,
        "payment_collection": "NOT_REQUIRED",
        "invoice_id": None,
        "recharge_id": None,
        "recurring_key": recurring_key,
        "created_at": now_ms,
        "updated_at": now_ms,
    }


def balances(
    connection: Connection, catalog: Catalog, customer_ref: str, resource_key: str, now_ms: int
) -> dict[str, CreditBalance]:
    """Every currency of a customer scope, stored grants plus recurring grants still to issue."""
    recurring, soft = recurring_grants(connection, catalog, customer_ref, now_ms)
    stored = credit_repo.customer_grants(connection, customer_ref)
    issued = {row["recurring_key"] for row in stored if row.get("recurring_key")}
    rows = stored + [row for row in recurring if row["recurring_key"] not in issued]
    result: dict[str, CreditBalance] = {}
    for (key, currency_ref), is_soft in soft.items():
        if key == resource_key:
            entry = CreditBalance(catalog.currencies[currency_ref], soft_limit=is_soft)
            result.setdefault(currency_ref, entry)
    for row in sorted(rows, key=consumption_order):
        found = catalog.currencies.get(row["currency_ref"])
        if row["resource_key"] != resource_key or found is None:
            continue
        entry = result.setdefault(found.ref_id, CreditBalance(found))
        _add(entry, {**row, "status": grant_status(row, now_ms)}, now_ms)
    for entry in result.values():
        entry.valid_until = _valid_until(entry)
    return result


def _add(entry: CreditBalance, row: dict[str, Any], now_ms: int) -> None:
    entry.grants.append(row)
    status = row["status"]
    amount, consumed = float(row["amount"]), float(row["consumed"])
    if status in (ACTIVE, EXPIRED):
        entry.total_granted += amount
        entry.total_consumed += consumed
    changes = [int(row["effective_at"])] if status == SCHEDULED else []
    if status == ACTIVE:
        entry.balance += amount - consumed
        entry.granted += amount
        entry.consumed += consumed
        expire_at = row.get("expire_at")
        if expire_at:
            changes.append(int(expire_at))
        if row["grant_type"] == "RECURRING" and expire_at:
            entry.period_end = min(entry.period_end or int(expire_at), int(expire_at))
    future = [moment for moment in changes if moment > now_ms]
    if future:
        entry.next_change = min([*future, entry.next_change or min(future)])


def _valid_until(entry: CreditBalance) -> int | None:
    """When the last active grant expires; None when one never does (or none is active)."""
    expiries = [row.get("expire_at") for row in entry.grants if row["status"] == ACTIVE]
    if not expiries or not all(expiries):
        return None
    return max(int(moment) for moment in expiries if moment)


def issue_recurring(domain: Domain, tx: Tx, customer_ref: str) -> None:
    """Store the current period's recurring grants that are not stored yet (one per period)."""
    now_ms = domain.clock.now_ms(customer_ref)
    due, _soft = recurring_grants(tx.conn, domain.catalog, customer_ref, now_ms)
    issued = credit_repo.recurring_keys(tx.conn, customer_ref)
    for row in due:
        if row["recurring_key"] in issued:
            continue
        credit_repo.insert_grant(tx.conn, row)
        credit_repo.insert_ledger(tx.conn, [ledger_row(row, "CREDITS_GRANTED", row["amount"])])
        tx.credits_changed(customer_ref, row["resource_key"] or None, row["currency_ref"])


def ledger_row(
    grant: dict[str, Any],
    event_type: str,
    amount: float,
    timestamp: int | None = None,
    feature_ref: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """One ledger entry about `grant`."""
    return {
        "customer_ref": grant["customer_ref"],
        "resource_key": grant["resource_key"],
        "currency_ref": grant["currency_ref"],
        "grant_id": grant["id"],
        "event_type": event_type,
        "amount": amount,
        "feature_ref": feature_ref,
        "event_id": event_id,
        "timestamp": timestamp if timestamp is not None else int(grant["effective_at"]),
    }


def require_customer(connection: Connection, customer_ref: str) -> None:
    """CustomerNotFound unless the customer exists and is not archived."""
    customer = repo.get_customer(connection, customer_ref) if customer_ref else None
    if customer is None or customer.get("archived_at") is not None:
        raise not_found("CustomerNotFound", "Customer", customer_ref)


def require_currency(catalog: Catalog, currency_ref: str) -> None:
    """CustomCurrencyNotFound unless the catalog has the currency."""
    if currency_ref not in catalog.currencies:
        raise not_found("CustomCurrencyNotFound", "Currency", currency_ref)


def positive(value: Any, name: str) -> float:
    """A finite amount above zero, or BadUserInput."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise bad_input(f"{name} must be a number") from None
    if not number > 0 or number == float("inf"):
        raise bad_input(f"{name} must be a positive number")
    return number


def create_grant(domain: Domain, tx: Tx, data: dict[str, Any]) -> dict[str, Any]:
    """`createCreditGrant`: a PAID or PROMOTIONAL grant (cost, dates, priority). A PAID grant
    with a cost and `paymentCollectionMethod` CHARGE or INVOICE is charged to the card on file;
    until that charge succeeds the grant is PAYMENT_PENDING."""
    customer_ref = str(data.get("customerId") or "")
    currency_ref = str(data.get("currencyId") or "")
    require_customer(tx.conn, customer_ref)
    require_currency(domain.catalog, currency_ref)
    amount = positive(data.get("amount"), "amount")
    now_ms = domain.clock.now_ms(customer_ref)
    effective_at = parse_time(data.get("effectiveAt"), "effectiveAt") or now_ms
    expire_at = parse_time(data.get("expireAt"), "expireAt")
    if expire_at is not None and expire_at <= effective_at:
        raise bad_input("expireAt must be after effectiveAt")
    cost = data.get("cost") or {}
    try:
        cost_amount = Decimal(str(cost.get("amount") or 0))
    except InvalidOperation:
        raise bad_input("cost.amount must be a number") from None
    if not cost_amount.is_finite() or cost_amount < 0:
        raise bad_input("cost.amount must not be negative")
    row = grant_row(
        customer_ref,
        str(data.get("resourceId") or ""),
        currency_ref,
        str(data.get("displayName") or ""),
        amount,
        grant_id=str(uuid.uuid4()),
        grant_type=str(data.get("grantType") or "PROMOTIONAL"),
        now_ms=now_ms,
        priority=float(data["priority"]) if data.get("priority") is not None else DEFAULT_PRIORITY,
        effective_at=effective_at,
        expire_at=expire_at,
    )
    if not row["display_name"]:
        raise bad_input("displayName is required")
    row.update(
        cost_amount=str(cost_amount),
        cost_currency=str(cost.get("currency") or "USD").upper(),
        comment=data.get("comment"),
        metadata=data.get("additionalMetaData"),
    )
    charged = data.get("paymentCollectionMethod") in ("CHARGE", "INVOICE")
    if row["grant_type"] == "PAID" and charged and Decimal(row["cost_amount"]) > 0:
        invoice_id, collection = domain.invoicing.charge_credits(
            domain,
            tx,
            customer_ref,
            f"{amount:g} {domain.catalog.currencies[currency_ref].display_name}",
            Decimal(row["cost_amount"]),
            row["cost_currency"],
        )
        row.update(invoice_id=invoice_id, payment_collection=collection)
    store_grant(domain, tx, row)
    return row


def store_grant(domain: Domain, tx: Tx, row: dict[str, Any]) -> None:
    """Insert a grant with its `CREDITS_GRANTED` entry and announce the change."""
    issue_recurring(domain, tx, row["customer_ref"])
    credit_repo.insert_grant(tx.conn, row)
    credit_repo.insert_ledger(tx.conn, [ledger_row(row, "CREDITS_GRANTED", row["amount"])])
    tx.credits_changed(row["customer_ref"], row["resource_key"] or None, row["currency_ref"])


def void_grant(domain: Domain, tx: Tx, grant_id: str) -> dict[str, Any]:
    """`voidCreditGrant`: the unconsumed rest leaves the balance (`CREDITS_VOIDED`)."""
    row = credit_repo.get_grant(tx.conn, grant_id) if grant_id else None
    if row is None:
        raise not_found("CreditGrantNotFound", "Credit grant", grant_id)
    if row.get("voided_at"):
        raise StiggError("CreditGrantAlreadyVoided", f"Credit grant {grant_id} is already voided")
    now_ms = domain.clock.now_ms(row["customer_ref"])
    rest = float(row["amount"]) - float(row["consumed"])
    credit_repo.update_grant(tx.conn, grant_id, {"voided_at": now_ms, "updated_at": now_ms})
    credit_repo.insert_ledger(tx.conn, [ledger_row(row, "CREDITS_VOIDED", -rest, now_ms)])
    tx.credits_changed(row["customer_ref"], row["resource_key"] or None, row["currency_ref"])
    return {**row, "voided_at": now_ms, "updated_at": now_ms}


def invoice_paid(domain: Domain, tx: Tx, invoice_id: str) -> None:
    """The invoice of a PAID grant was paid: the grant's credits count from now on."""
    for row in credit_repo.invoice_grants(tx.conn, invoice_id):
        if row["payment_collection"] == "NOT_REQUIRED":
            continue
        now_ms = domain.clock.now_ms(row["customer_ref"])
        values = {"payment_collection": "NOT_REQUIRED", "updated_at": now_ms}
        credit_repo.update_grant(tx.conn, row["id"], values)
        tx.credits_changed(row["customer_ref"], row["resource_key"] or None, row["currency_ref"])
