"""Tables of the credit system: grants, the ledger, consumptions (idempotency), auto-recharge.

They share the one `MetaData` of `storage.tables`, so `Database` creates them with the rest.
Amounts are floats like usage; money (a grant's cost) is Decimal text like invoices.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from stigg_emulator.storage.tables import metadata

credit_grants = Table(
    "credit_grants",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_ref", String(200), nullable=False, index=True),
    Column("resource_key", String(200), nullable=False),
    Column("currency_ref", String(200), nullable=False),
    Column("display_name", Text, nullable=False),
    Column("amount", Float, nullable=False),
    Column("consumed", Float, nullable=False),
    Column("grant_type", String(20), nullable=False),  # PAID | PROMOTIONAL | RECURRING | OVERDRAFT
    Column("source_type", String(30)),  # PLAN_ENTITLEMENT | ADDON_ENTITLEMENT | null
    Column("priority", Float, nullable=False),
    Column("effective_at", BigInteger, nullable=False),
    Column("expire_at", BigInteger),
    Column("voided_at", BigInteger),
    Column("cost_amount", String(40), nullable=False),
    Column("cost_currency", String(10), nullable=False),
    Column("comment", Text),
    Column("metadata", JSON),
    Column("payment_collection", String(20), nullable=False),
    Column("invoice_id", String(64)),
    Column("recharge_id", String(36)),
    # Recurring grants: "<subscription>:<currency>:<period start>", issued once per period.
    Column("recurring_key", String(300), unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

credit_ledger = Table(
    "credit_ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_ref", String(200), nullable=False, index=True),
    Column("resource_key", String(200), nullable=False),
    Column("currency_ref", String(200), nullable=False),
    Column("grant_id", String(36), nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("amount", Float, nullable=False),  # signed: + granted, - consumed/voided
    Column("feature_ref", String(200)),
    Column("event_id", String(200)),
    Column("timestamp", BigInteger, nullable=False),
)

credit_consumptions = Table(
    "credit_consumptions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_ref", String(200), nullable=False),
    Column("idempotency_key", String(300), nullable=False),
    Column("currency_ref", String(200), nullable=False),
    Column("resource_key", String(200), nullable=False),
    Column("amount", Float, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("customer_ref", "idempotency_key", name="uq_credit_consumption_key"),
)

credit_recharges = Table(
    "credit_recharges",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_ref", String(200), nullable=False),
    Column("currency_ref", String(200), nullable=False),
    Column("is_enabled", Boolean, nullable=False),
    Column("threshold_type", String(20), nullable=False),
    Column("threshold_value", Float, nullable=False),
    Column("target_balance", Float, nullable=False),
    Column("max_spend_limit", Float),
    Column("grant_expiration_period", String(20), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    UniqueConstraint("customer_ref", "currency_ref", name="uq_credit_recharge_currency"),
)
