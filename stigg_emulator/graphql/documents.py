"""Customer and subscription documents for resolvers and edge routes: read the rows a document
needs (`views/`), then shape them (`wire/`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.catalog.model import Catalog
from stigg_emulator.domain.errors import not_found
from stigg_emulator.domain.paywall import visible_plans
from stigg_emulator.storage import repositories as repo
from stigg_emulator.views.customer_views import (
    active_subscriptions_view,
    customer_view,
    subscriptions_view,
)
from stigg_emulator.wire.customer_json import customer_json, subscription_json, subscriptions_json
from stigg_emulator.wire.paywall_json import paywall_json


def read_customer_json(
    connection: Connection,
    catalog: Catalog,
    row: dict[str, Any],
    now: datetime,
    *,
    with_subscriptions: bool = True,
) -> dict[str, Any]:
    """`Customer` of `row`; its subscriptions are embedded (one level) when asked."""
    view = customer_view(connection, row)
    subscriptions = (
        subscriptions_view(connection, catalog, view.active, now, customer=view)
        if with_subscriptions
        else None
    )
    return customer_json(catalog, view, now, subscriptions)


def read_subscription_json(
    connection: Connection,
    catalog: Catalog,
    row: dict[str, Any],
    now: datetime,
    *,
    customer_row: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`CustomerSubscription` of `row` (`customer_row`, when given, is its customer's row)."""
    customer = customer_view(connection, customer_row) if customer_row else None
    view = subscriptions_view(connection, catalog, [row], now, customer=customer)
    return subscription_json(catalog, row, now, view)


def read_subscriptions_json(
    connection: Connection,
    catalog: Catalog,
    rows: list[dict[str, Any]],
    now: datetime,
    *,
    customer_row: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """`CustomerSubscription` of each row (invoices and schedules read once for all)."""
    customer = customer_view(connection, customer_row) if customer_row and rows else None
    return subscriptions_json(
        catalog, subscriptions_view(connection, catalog, rows, now, customer=customer), now
    )


def read_active_subscriptions_json(
    connection: Connection,
    catalog: Catalog,
    customer_ref: str,
    resource_ids: list[str] | None,
    now: datetime,
) -> list[dict[str, Any]] | None:
    """Live subscriptions of a customer, optionally of some resources (None: no customer)."""
    view = active_subscriptions_view(connection, catalog, customer_ref, resource_ids, now)
    return None if view is None else subscriptions_json(catalog, view, now)


def read_paywall_json(
    connection: Connection, catalog: Catalog, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """`Paywall` for a `GetPaywallInput`-shaped dict, with the customer's context when given."""
    plans = visible_plans(
        catalog,
        data.get("productId") or None,
        data.get("context") or "PAYWALL",
        bool(data.get("includeHiddenPlans")),
    )
    result = paywall_json(catalog, plans, data)
    customer_ref = data.get("customerId")
    if customer_ref:
        row = repo.get_customer(connection, str(customer_ref))
        if row is None or row.get("archived_at") is not None:
            raise not_found("CustomerNotFound", "Customer", str(customer_ref))
        result["customer"] = read_customer_json(
            connection, catalog, row, now, with_subscriptions=False
        )
        resource_id = data.get("resourceId") or None
        subs = [
            sub
            for sub in repo.customer_subscriptions(connection, str(customer_ref))
            if resource_id is None or sub.get("resource_id") == resource_id
        ]
        result["activeSubscriptions"] = read_subscriptions_json(
            connection, catalog, subs, now, customer_row=row
        )
        if resource_id:
            result["resource"] = {"__typename": "CustomerResource", "resourceId": resource_id}
    return result
