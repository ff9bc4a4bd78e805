"""Subscription search and moves: `subscriptions(filter, paging, sorting)`,
`transferSubscription`, `transferSubscriptionToResource`, `delegateSubscriptionToCustomer`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain import transfers
from stigg_emulator.domain.context import Tx
from stigg_emulator.graphql.context import ctx, input_arg, read, write
from stigg_emulator.graphql.documents import read_subscription_json
from stigg_emulator.graphql.resolvers.subscriptions import subscription_document
from stigg_emulator.views.subscription_query import cursor_of, find_subscriptions


def resolve_subscriptions(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`subscriptions`: a `SubscriptionQueryConnection`."""
    domain = ctx(info).domain

    def build(connection: Any) -> dict[str, Any]:
        page = find_subscriptions(
            connection, kwargs.get("filter"), kwargs.get("paging"), kwargs.get("sorting")
        )
        edges = []
        for row in page.rows:
            node = read_subscription_json(
                connection, domain.catalog, row, domain.clock.now(row["customer_ref"])
            )
            node["customerId"] = row["customer_ref"]
            node["resourceId"] = row.get("resource_id")
            edges.append({"cursor": cursor_of(row), "node": node})
        return {
            "edges": edges,
            "pageInfo": {
                "startCursor": edges[0]["cursor"] if edges else None,
                "endCursor": edges[-1]["cursor"] if edges else None,
                "hasPreviousPage": page.has_previous,
                "hasNextPage": page.has_next,
            },
            "totalCount": page.total,
        }

    return read(info, build)


def _moved(move: Callable[..., str]) -> Callable[..., dict[str, Any]]:
    def resolve(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
        data = input_arg(kwargs)
        domain = ctx(info).domain

        def run(tx: Tx) -> str:
            return move(domain, tx, data)

        return subscription_document(info, write(info, run))

    resolve.__doc__ = f"`{move.__name__}`: the moved subscription."
    return resolve


def register(query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    query.set_field("subscriptions", resolve_subscriptions)
    mutation.set_field("transferSubscription", _moved(transfers.transfer_between_resources))
    mutation.set_field("transferSubscriptionToResource", _moved(transfers.transfer_to_resource))
    mutation.set_field("delegateSubscriptionToCustomer", _moved(transfers.delegate))
