"""The rows a `Customer` or `CustomerSubscription` document needs, read in as few queries as
possible (one per kind for a list of subscriptions), for `wire.customer_json` to shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.billing import ledger
from stigg_emulator.catalog.model import Catalog
from stigg_emulator.domain.subscription_rules import current_billing_period, stored_bill
from stigg_emulator.storage import repositories as repo
from stigg_emulator.views.records import CustomerView, SubscriptionsView

OPEN_SCHEDULES = ("Scheduled", "PendingPayment")


def customer_view(connection: Connection, row: dict[str, Any]) -> CustomerView:
    """Everything `customer_json` shows of `row` (except its subscriptions' documents)."""
    ref = row["ref_id"]
    billing = repo.get_billing(connection, ref) or {}
    active = repo.customer_subscriptions(connection, ref)
    promotions = repo.customer_promotions(connection, ref)
    card = (
        ledger.default_payment_method(connection, ref) if billing.get("payment_method_id") else None
    )
    every = repo.customer_subscriptions(connection, ref, statuses=None)
    return CustomerView(row, billing, active, promotions, card, every)


def subscriptions_view(
    connection: Connection,
    catalog: Catalog,
    rows: list[dict[str, Any]],
    now: datetime,
    *,
    customer: CustomerView | None = None,
) -> SubscriptionsView:
    """`rows` with what their documents show at `now`; `customer` is reused when they are its
    own."""
    refs = [row["ref_id"] for row in rows]
    view = SubscriptionsView(
        rows,
        {row["ref_id"]: stored_bill(catalog, row) for row in rows},
        {row["ref_id"]: current_billing_period(row, now) for row in rows},
        ledger.latest_invoices(connection, refs),
        repo.schedules_of(connection, refs, OPEN_SCHEDULES),
    )
    if customer is not None:
        view.customers[customer.row["ref_id"]] = customer
    for row in rows:
        customer_ref = row["customer_ref"]
        if customer_ref not in view.customers:
            customer_row = repo.get_customer(connection, customer_ref)
            if customer_row is not None:
                view.customers[customer_ref] = customer_view(connection, customer_row)
    return view


def active_subscriptions_view(
    connection: Connection,
    catalog: Catalog,
    customer_ref: str,
    resource_ids: list[str] | None,
    now: datetime,
) -> SubscriptionsView | None:
    """A customer's live subscriptions, optionally of some resources (None: no such customer)."""
    row = repo.get_customer(connection, customer_ref)
    if row is None or row.get("archived_at") is not None:
        return None
    rows = repo.customer_subscriptions(connection, customer_ref)
    if resource_ids is not None:
        wanted = set(resource_ids)
        rows = [sub for sub in rows if sub.get("resource_id") in wanted]
    customer = customer_view(connection, row) if rows else None
    return subscriptions_view(connection, catalog, rows, now, customer=customer)
