"""Tables of the emulated billing side: payment methods, invoices, test clocks.

They share the one `MetaData` of `storage.tables`, so `Database` creates them with the rest.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Integer, String, Table, Text

from stigg_emulator.storage.tables import metadata

payment_methods = Table(
    "billing_payment_methods",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("customer_ref", String(200), nullable=False, index=True),
    Column("brand", String(20), nullable=False),
    Column("last4", String(4), nullable=False),
    Column("exp_month", Integer, nullable=False),
    Column("exp_year", Integer, nullable=False),
    Column("behavior", String(20), nullable=False),  # succeeds | declines | requires_action
    Column("details", JSON),  # name, billing address (with phone), tax ids given at checkout
    Column("created_at", BigInteger, nullable=False),
)

invoices = Table(
    "billing_invoices",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("subscription_ref", String(200), nullable=False, index=True),
    Column("customer_ref", String(200), nullable=False, index=True),
    Column("billing_reason", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # OPEN | PAID | CANCELED
    Column("currency", String(10), nullable=False),
    Column("sub_total", String(40), nullable=False),  # Decimal text, minor-unit rounded
    Column("discount", String(40), nullable=False),
    Column("tax", String(40), nullable=False),
    Column("total", String(40), nullable=False),
    Column("period_start", BigInteger, nullable=False),
    Column("period_end", BigInteger, nullable=False),
    Column("requires_action", Boolean, nullable=False, default=False),
    Column("payment_secret", String(80)),
    Column("payment_url", Text),
    Column("error_message", Text),
    # [{description, amount (Decimal text), quantity, proration}]; null on pre-lines invoices
    Column("lines", JSON),
    Column("pdf_url", Text),  # the invoice document (`SubscriptionInvoice.pdfUrl`)
    # The payer as billed when the invoice was issued: {name, email, billingAddress, taxIds}
    # (CustomerBillingInfo's Address / TaxExempt shapes); null on older invoices.
    Column("customer_details", JSON),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

# The test clock's frozen "now" (one row, id 1), so a restart keeps the simulated time.
simulated_now = Table(
    "billing_test_clock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("now", BigInteger, nullable=False),
)

# Per-customer test clocks: how far (ms) each customer's "now" runs ahead of the global one.
customer_clocks = Table(
    "billing_customer_clocks",
    metadata,
    Column("customer_ref", String(200), primary_key=True),
    Column("offset_ms", BigInteger, nullable=False),
)
