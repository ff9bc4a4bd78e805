"""Promotional entitlement root fields: grant and revoke."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain import promotions
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.graphql.context import ctx, input_arg, read, write
from stigg_emulator.storage import repositories as repo
from stigg_emulator.wire.customer_json import promotion_json


def resolve_grant(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> list[dict[str, Any]]:
    """`grantPromotionalEntitlements(input)`."""
    data = input_arg(kwargs)
    customer_ref = str(data.get("customerId") or "")
    if not customer_ref:
        raise bad_input("customerId is required")
    domain = ctx(info).domain
    items = list(data.get("promotionalEntitlements") or [])
    ids = write(info, lambda tx: promotions.grant(domain, tx, customer_ref, items))
    rows = read(info, lambda conn: repo.customer_promotions(conn, customer_ref))
    return [promotion_json(domain.catalog, row, customer_ref) for row in rows if row["uuid"] in ids]


def resolve_revoke(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`revokePromotionalEntitlement(input)`."""
    data = input_arg(kwargs)
    customer_ref = str(data.get("customerId") or "")
    domain = ctx(info).domain
    row = write(
        info, lambda tx: promotions.revoke(domain, tx, customer_ref, str(data.get("featureId")))
    )
    return promotion_json(domain.catalog, row, customer_ref)


def register(_query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    mutation.set_field("grantPromotionalEntitlements", resolve_grant)
    mutation.set_field("revokePromotionalEntitlement", resolve_revoke)
