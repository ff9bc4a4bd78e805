"""Catalog reads: `paywall`, `coupons` and `products` (connections with edges/node)."""

from __future__ import annotations

import base64
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain.errors import bad_input
from stigg_emulator.graphql.context import ctx, input_arg, read
from stigg_emulator.graphql.documents import read_paywall_json
from stigg_emulator.wire.catalog_json import coupon_json, product_json

MAX_PAGE = 100


def resolve_paywall(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`paywall(input)`: public when no customer is given."""
    data = input_arg(kwargs)
    if data.get("customerId"):
        ctx(info).caller.check_customer(str(data["customerId"]))
    domain = ctx(info).domain
    return read(
        info,
        lambda conn: read_paywall_json(
            conn, domain.catalog, data, domain.clock.now(data.get("customerId") or None)
        ),
    )


def _matches(value: Any, comparison: dict[str, Any] | None) -> bool:
    if not comparison:
        return True
    for operator, expected in comparison.items():
        if operator == "eq" and value != expected:
            return False
        if operator == "neq" and value == expected:
            return False
        if operator == "in" and value not in (expected or []):
            return False
        if operator == "notIn" and value in (expected or []):
            return False
    return True


def connection(nodes: list[dict[str, Any]], paging: dict[str, Any] | None) -> dict[str, Any]:
    """A cursor connection over `nodes` honouring `first`/`after` (and `last`/`before`)."""
    paging = paging or {}
    cursors = [base64.b64encode(f"{index}".encode()).decode() for index in range(len(nodes))]
    start, end = 0, len(nodes)
    if paging.get("after") is not None:
        start = _decode(paging["after"]) + 1
    if paging.get("before") is not None:
        end = _decode(paging["before"])
    first, last = paging.get("first"), paging.get("last")
    for size in (first, last):
        if size is not None and (size < 0 or size > MAX_PAGE):
            raise bad_input(f"page size must be between 0 and {MAX_PAGE}")
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    window = list(range(start, max(start, end)))
    return {
        "edges": [{"cursor": cursors[i], "node": nodes[i]} for i in window],
        "pageInfo": {
            "startCursor": cursors[window[0]] if window else None,
            "endCursor": cursors[window[-1]] if window else None,
            "hasNextPage": bool(window) and window[-1] < len(nodes) - 1,
            "hasPreviousPage": bool(window) and window[0] > 0,
        },
        "totalCount": len(nodes),
    }


def _decode(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode())
    except ValueError:
        raise bad_input(f"invalid cursor {cursor!r}") from None


def resolve_coupons(
    _obj: Any,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    paging: dict[str, Any] | None = None,
    **_kwargs: Any,
) -> dict[str, Any]:
    """`coupons(filter, paging)`."""
    criteria = filter or {}
    nodes = []
    for coupon in ctx(info).domain.catalog.coupons.values():
        if not _matches(coupon.status, criteria.get("status")):
            continue
        if not _matches(coupon.ref_id, criteria.get("refId")):
            continue
        if not _matches(coupon.discount_type, criteria.get("type")):
            continue
        nodes.append(coupon_json(coupon))
    return connection(nodes, paging)


def resolve_products(
    _obj: Any,
    info: GraphQLResolveInfo,
    filter: dict[str, Any] | None = None,
    paging: dict[str, Any] | None = None,
    **_kwargs: Any,
) -> dict[str, Any]:
    """`products(filter, paging)`."""
    catalog = ctx(info).domain.catalog
    criteria = filter or {}
    nodes = [
        product_json(catalog, ref, with_packages=True)
        for ref in catalog.products
        if _matches(ref, criteria.get("refId"))
    ]
    return connection(nodes, paging)


def register(query: QueryType, _mutation: MutationType) -> None:
    """Bind this area's root fields."""
    query.set_field("paywall", resolve_paywall)
    query.set_field("coupons", resolve_coupons)
    query.set_field("products", resolve_products)
