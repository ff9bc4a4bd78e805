"""Estimate root fields (client keys too): `estimateSubscription[Update]`, `previewSubscription`."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain import estimates
from stigg_emulator.graphql.context import ctx, input_arg, read
from stigg_emulator.storage import repositories as repo


def resolve_estimate(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`estimateSubscription(input)`."""
    data = input_arg(kwargs)
    ctx(info).caller.check_customer(str(data.get("customerId") or ""))
    domain = ctx(info).domain
    return read(info, lambda conn: estimates.estimate_new(domain, conn, data))


def resolve_estimate_update(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`estimateSubscriptionUpdate(input)`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain

    def run(conn: Any) -> dict[str, Any]:
        row = repo.get_subscription(conn, str(data.get("subscriptionId") or ""))
        if row is not None:
            ctx(info).caller.check_customer(row["customer_ref"])
        return estimates.estimate_update(domain, conn, data)

    return read(info, run)


def resolve_preview(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`previewSubscription(input)`: the estimate as immediate and recurring invoices."""
    data = input_arg(kwargs)
    ctx(info).caller.check_customer(str(data.get("customerId") or ""))
    domain = ctx(info).domain
    return read(info, lambda conn: estimates.preview_json(estimates.quote_new(domain, conn, data)))


def register(_query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    mutation.set_field("estimateSubscription", resolve_estimate)
    mutation.set_field("estimateSubscriptionUpdate", resolve_estimate_update)
    mutation.set_field("previewSubscription", resolve_preview)
