"""The rows of the `subscriptions(filter, paging, sorting)` query: Stigg's subscription filter
(field comparisons combined with `and` / `or`), its sorting and cursor paging
(docs/protocol.md §2.2, "Subscription search")."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.domain.errors import bad_input
from stigg_emulator.storage import repositories as repo

# Filter and sort fields → subscription columns.
COLUMNS = {
    "customerId": "customer_ref",
    "resourceId": "resource_id",
    "productId": "product_ref",
    "subscriptionId": "ref_id",
    "status": "status",
    "pricingType": "pricing_type",
    "paymentCollection": "payment_collection",
    "createdAt": "created_at",
    "startDate": "start_date",
    "endDate": "end_date",
    "cancellationDate": "cancellation_date",
}
FILTER_FIELDS = {
    "customerId",
    "resourceId",
    "productId",
    "subscriptionId",
    "status",
    "pricingType",
    "paymentCollection",
}
DEFAULT_PAGE = 10
MAX_PAGE = 100

Comparison = Callable[[Any, Any], bool]
COMPARISONS: dict[str, Comparison] = {
    "eq": lambda value, arg: value == arg,
    "neq": lambda value, arg: value != arg,
    "in": lambda value, arg: value in arg,
    "notIn": lambda value, arg: value not in arg,
}


@dataclass(frozen=True)
class Page:
    """One page of rows and where it sits in the whole result."""

    rows: list[dict[str, Any]]
    has_previous: bool
    has_next: bool
    total: int


def cursor_of(row: dict[str, Any]) -> str:
    """The opaque cursor of a row."""
    return base64.urlsafe_b64encode(str(row["ref_id"]).encode()).decode()


def _matches(row: dict[str, Any], condition: dict[str, Any]) -> bool:
    for field, comparison in condition.items():
        if comparison is None:
            continue
        if field == "and":
            if not all(_matches(row, part) for part in comparison):
                return False
            continue
        if field == "or":
            if not any(_matches(row, part) for part in comparison):
                return False
            continue
        if field not in FILTER_FIELDS:
            raise bad_input(f"filtering subscriptions by {field} is not supported")
        value = row.get(COLUMNS[field])
        for operator, argument in comparison.items():
            compare = COMPARISONS.get(operator)
            if compare is None:
                raise bad_input(f"the {operator} comparison is not supported on {field}")
            if not compare(value, argument):
                return False
    return True


def _sorted(rows: list[dict[str, Any]], sorting: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = sorted(rows, key=lambda row: str(row["ref_id"]))
    for rule in reversed(sorting):
        column = COLUMNS.get(str(rule.get("field")))
        if column is None:
            raise bad_input(f"sorting subscriptions by {rule.get('field')} is not supported")
        descending = rule.get("direction") == "DESC"
        nulls_first = rule.get("nulls") == "NULLS_FIRST"
        present = [row for row in result if row.get(column) is not None]
        missing = [row for row in result if row.get(column) is None]
        present.sort(key=itemgetter(column), reverse=descending)
        result = missing + present if nulls_first else present + missing
    return result


def _index_of(rows: list[dict[str, Any]], cursor: str) -> int:
    for index, row in enumerate(rows):
        if cursor_of(row) == cursor:
            return index
    raise bad_input(f"unknown paging cursor {cursor!r}")


def _size(value: Any) -> int:
    size = int(value)
    if not 0 < size <= MAX_PAGE:
        raise bad_input(f"a page holds 1 to {MAX_PAGE} subscriptions, not {size}")
    return size


def find_subscriptions(
    connection: Connection,
    condition: dict[str, Any] | None,
    paging: dict[str, Any] | None,
    sorting: list[dict[str, Any]] | None,
) -> Page:
    """The page of subscriptions matching `condition`, in `sorting` order (newest first by
    default), selected by cursor paging (`first`/`after` or `last`/`before`)."""
    condition = condition or {}
    customer = condition.get("customerId") or {}
    candidates = (
        repo.customer_subscriptions(connection, str(customer["eq"]), statuses=None)
        if customer.get("eq") is not None
        else repo.all_subscriptions(connection)
    )
    rows = [row for row in candidates if _matches(row, condition)]
    rows = _sorted(rows, sorting or [{"field": "createdAt", "direction": "DESC"}])
    paging = paging or {}
    start, end = 0, len(rows)
    if paging.get("after"):
        start = _index_of(rows, str(paging["after"])) + 1
    if paging.get("before"):
        end = _index_of(rows, str(paging["before"]))
    if paging.get("last") is not None and paging.get("first") is None:
        start = max(start, end - _size(paging["last"]))
    else:
        first = paging.get("first")
        end = min(end, start + _size(DEFAULT_PAGE if first is None else first))
    return Page(rows[start:end], start > 0, end < len(rows), len(rows))
