"""Import root fields: one customer, customers in bulk, subscriptions in bulk."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain import imports
from stigg_emulator.graphql.context import ctx, input_arg, write
from stigg_emulator.graphql.resolvers.customers import customer_document


def resolve_import_customer(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`importOneCustomer`: the new customer."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    ref_id = write(info, lambda tx: imports.import_customer(domain, tx, data))
    return customer_document(info, ref_id)


def resolve_import_customers(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> str:
    """`importCustomersBulk`: the import's id."""
    items = [dict(item) for item in input_arg(kwargs).get("customers") or []]
    domain = ctx(info).domain
    return write(info, lambda tx: imports.import_customers(domain, tx, items))


def resolve_import_subscriptions(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> str:
    """`importSubscriptionsBulk`: the import's id."""
    items = [dict(item) for item in input_arg(kwargs).get("subscriptions") or []]
    domain = ctx(info).domain
    return write(info, lambda tx: imports.import_subscriptions(domain, tx, items))


def register(_query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    mutation.set_field("importOneCustomer", resolve_import_customer)
    mutation.set_field("importCustomersBulk", resolve_import_customers)
    mutation.set_field("importSubscriptionsBulk", resolve_import_subscriptions)
