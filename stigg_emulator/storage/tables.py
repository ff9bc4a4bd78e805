"""SQLAlchemy Core tables: the emulator's whole persistent state."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Times are stored as integer epoch milliseconds (UTC): exact, portable, cheap to compare.

packages = Table(
    "packages",
    metadata,
    Column("ref_id", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("document", JSON, nullable=False),
    Column("published_at", BigInteger, nullable=False),
)

customers = Table(
    "customers",
    metadata,
    Column("ref_id", String(200), primary_key=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("name", Text),
    Column("email", Text),
    Column("metadata", JSON),
    Column("coupon_ref", String(200)),
    Column("billing_id", String(200)),
    Column("crm_id", String(200)),
    Column("salesforce_id", String(200)),
    Column("aws_marketplace_customer_id", String(200)),
    Column("exclude_from_experiment", Boolean, nullable=False, default=False),
    Column("experiment", JSON),  # {id, name, groupName, groupType}
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("archived_at", BigInteger),
    Column("entitlements_updated_at", BigInteger, nullable=False),
)

# Billing details live on the billing side, as at Stigg (not on the customer record).
billing_records = Table(
    "billing_records",
    metadata,
    Column("customer_ref", String(200), primary_key=True),
    Column("billing_info", JSON),
    Column("payment_method_id", String(200)),
    Column("currency", String(10)),
    Column("updated_at", BigInteger, nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("ref_id", String(200), primary_key=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("customer_ref", String(200), nullable=False, index=True),
    Column("paying_customer_ref", String(200)),
    Column("resource_id", String(200)),
    Column("product_ref", String(200), nullable=False),
    Column("plan_ref", String(200), nullable=False),
    Column("plan_version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("billing_period", String(20)),
    Column("pricing_type", String(10), nullable=False),
    Column("start_date", BigInteger, nullable=False),
    Column("end_date", BigInteger),
    Column("cancellation_date", BigInteger),
    Column("cancel_reason", String(40)),
    Column("trial_end_date", BigInteger),
    Column("was_in_trial", Boolean, nullable=False, default=False),
    Column("billing_anchor", BigInteger, nullable=False),
    Column("addons", JSON, nullable=False),  # [{addonId, quantity, version}]
    Column("billable_features", JSON, nullable=False),  # [{featureId, quantity}]
    Column("unit_quantity", Float),
    Column("metadata", JSON),
    Column("coupon_ref", String(200)),
    Column("promotion_code", String(200)),
    Column("billing_country_code", String(2)),
    Column("experiment", JSON),
    Column("payment_collection", String(20), nullable=False),
    Column("billing_info", JSON),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

scheduled_updates = Table(
    "scheduled_updates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_ref", String(200), nullable=False, index=True),
    Column("schedule_type", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("scheduled_at", BigInteger, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

checkout_sessions = Table(
    "checkout_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("customer_ref", String(200), nullable=False),
    Column("plan_ref", String(200), nullable=False),
    Column("resource_id", String(200)),
    Column("subscription_ref", String(200), nullable=False),
    Column("request", JSON, nullable=False),
    Column("status", String(20), nullable=False),  # OPEN | COMPLETED | CANCELED
    Column("created_at", BigInteger, nullable=False),
)

promotional_entitlements = Table(
    "promotional_entitlements",
    metadata,
    Column("uuid", String(36), primary_key=True),
    Column("customer_ref", String(200), nullable=False, index=True),
    Column("feature_ref", String(200), nullable=False),
    Column("usage_limit", Float),
    Column("unlimited", Boolean, nullable=False, default=False),
    Column("soft_limit", Boolean, nullable=False, default=False),
    Column("reset_period", String(10)),
    Column("reset_config", JSON),
    Column("period", String(20), nullable=False),
    Column("start_date", BigInteger, nullable=False),
    Column("end_date", BigInteger),
    Column("status", String(20), nullable=False),  # Active | Expired | Revoked
    Column("is_visible", Boolean, nullable=False, default=True),
    Column("description", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

# What a promotional entitlement carries beyond the columns above: the values of an ENUM grant and
# the feature groups it was granted with. A table of its own, so that databases created before it
# need no migration.
promotion_extras = Table(
    "promotion_extras",
    metadata,
    Column("promotion_uuid", String(36), primary_key=True),
    Column("customer_ref", String(200), nullable=False, index=True),
    Column("enum_values", JSON),
    Column("feature_group_refs", JSON, nullable=False),
)

# Current usage per customer/resource/feature; `period_start` says which usage period it counts.
usage = Table(
    "usage",
    metadata,
    Column("customer_ref", String(200), primary_key=True),
    Column("resource_key", String(200), primary_key=True),  # '' when no resource
    Column("feature_ref", String(200), primary_key=True),
    Column("period_start", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

usage_measurements = Table(
    "usage_measurements",
    metadata,
    Column("uuid", String(36), primary_key=True),
    Column("customer_ref", String(200), nullable=False),
    Column("resource_key", String(200), nullable=False),
    Column("feature_ref", String(200), nullable=False),
    Column("value", Float, nullable=False),
    Column("behavior", String(10), nullable=False),
    Column("idempotency_key", String(300)),
    Column("current_usage", Float, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("customer_ref", "idempotency_key", name="uq_measurement_idempotency"),
)

# Every change of a usage counter, on the customer's clock: what usage history is drawn from.
# `delta` is the change this row made (per raw event for meters), `value` the counter after it,
# `period_start` the usage period it counted in (0 for features that never reset).
usage_history = Table(
    "usage_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_ref", String(200), nullable=False),
    Column("resource_key", String(200), nullable=False),
    Column("feature_ref", String(200), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("period_start", BigInteger, nullable=False),
    Column("delta", Float, nullable=False),
    Column("value", Float, nullable=False),
    Column("dimensions", JSON),
    Index("ix_usage_history_scope", "customer_ref", "feature_ref", "resource_key", "at"),
)

usage_events = Table(
    "usage_events",
    metadata,
    Column("idempotency_key", String(300), primary_key=True),
    Column("customer_ref", String(200), nullable=False),
    Column("resource_key", String(200), nullable=False),
    Column("event_name", String(200), nullable=False),
    Column("dimensions", JSON),
    Column("timestamp", BigInteger, nullable=False),
)

# Distinct dimension values seen per usage period, for COUNT_UNIQUE meters.
meter_unique_values = Table(
    "meter_unique_values",
    metadata,
    Column("customer_ref", String(200), primary_key=True),
    Column("resource_key", String(200), primary_key=True),
    Column("feature_ref", String(200), primary_key=True),
    Column("period_start", BigInteger, primary_key=True),
    Column("value", String(300), primary_key=True),
)

entitlement_checks = Table(
    "entitlement_checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_ref", String(200), nullable=False),
    Column("resource_id", String(200)),
    Column("feature_ref", String(200), nullable=False),
    Column("requested_usage", Float),
    Column("result", JSON, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)
