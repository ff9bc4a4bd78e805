"""Promotional entitlement root fields: grant and revoke, one by one or by feature group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain import promotions
from stigg_emulator.domain.context import Domain, Tx
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


def _group_input(kwargs: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    data = input_arg(kwargs)
    customer_ref = str(data.get("customerId") or "")
    group_ref = str(data.get("featureGroupId") or "")
    if not customer_ref or not group_ref:
        raise bad_input("customerId and featureGroupId are required")
    return data, customer_ref, group_ref


def resolve_grant_group(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> list[dict[str, Any]]:
    """`grantPromotionalEntitlementsGroup(input)`."""
    data, customer_ref, group_ref = _group_input(kwargs)
    domain = ctx(info).domain
    items = [dict(item) for item in data.get("promotionalEntitlements") or []]
    ids = write(info, lambda tx: promotions.grant_group(domain, tx, customer_ref, group_ref, items))
    rows = read(info, lambda conn: repo.customer_promotions(conn, customer_ref))
    return [promotion_json(domain.catalog, row, customer_ref) for row in rows if row["uuid"] in ids]


GroupChange = Callable[[Domain, Tx, str, str], list[dict[str, Any]]]


def _group_change(change: GroupChange, what: str) -> Callable[..., list[dict[str, Any]]]:
    """A resolver applying `change` to a customer's promotions of a feature group."""

    def resolve(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> list[dict[str, Any]]:
        _data, customer_ref, group_ref = _group_input(kwargs)
        domain = ctx(info).domain
        rows = write(info, lambda tx: change(domain, tx, customer_ref, group_ref))
        return [promotion_json(domain.catalog, row, customer_ref) for row in rows]

    resolve.__doc__ = f"{what}: the grants it changed."
    return resolve


def register(_query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    mutation.set_field("grantPromotionalEntitlements", resolve_grant)
    mutation.set_field("revokePromotionalEntitlement", resolve_revoke)
    mutation.set_field("grantPromotionalEntitlementsGroup", resolve_grant_group)
    mutation.set_field(
        "revokePromotionalEntitlementsGroup",
        _group_change(promotions.revoke_group, "`revokePromotionalEntitlementsGroup(input)`"),
    )
    mutation.set_field(
        "unlinkPromotionalEntitlementsGroup",
        _group_change(promotions.unlink_group, "`unlinkPromotionalEntitlementsGroup(input)`"),
    )
