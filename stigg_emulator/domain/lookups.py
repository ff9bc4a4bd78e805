"""Lookups every domain module shares: rows by id (or a typed not-found error), and time inputs."""

from __future__ import annotations

from typing import Any

from stigg_emulator.catalog.model import Catalog, Package
from stigg_emulator.clock import parse_iso, to_ms
from stigg_emulator.domain.errors import bad_input, not_found
from stigg_emulator.storage import repositories as repo


def require_customer(tx_conn: Any, ref_id: str, *, allow_archived: bool = False) -> dict[str, Any]:
    """The customer row, or a CustomerNotFound error (archived customers count as missing)."""
    row = repo.get_customer(tx_conn, ref_id)
    if row is None or (row.get("archived_at") is not None and not allow_archived):
        raise not_found("CustomerNotFound", "Customer", ref_id)
    return row


def parse_time(value: Any, field: str) -> int | None:
    """Epoch ms of an ISO DateTime input (None stays None)."""
    if value is None:
        return None
    try:
        return to_ms(parse_iso(str(value)))
    except ValueError:
        raise bad_input(f"{field} is not a valid ISO-8601 date-time: {value!r}") from None


def require_plan(catalog: Catalog, plan_ref: str) -> Package:
    """The latest plan or PlanNotFound."""
    plan = catalog.plans.get(plan_ref)
    if plan is None:
        raise not_found("PlanNotFound", "Plan", plan_ref)
    return plan


def require_subscription(tx_conn: Any, ref_id: str) -> dict[str, Any]:
    """The subscription row or SubscriptionNotFound."""
    row = repo.get_subscription(tx_conn, ref_id)
    if row is None:
        raise not_found("SubscriptionNotFound", "Subscription", ref_id)
    return row
