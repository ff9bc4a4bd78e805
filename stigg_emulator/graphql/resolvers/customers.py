"""Customer root fields: provision, update, get, archive, unarchive, detach payment method."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain import customers
from stigg_emulator.domain.errors import bad_input, not_found
from stigg_emulator.graphql.context import ctx, input_arg, read, write
from stigg_emulator.graphql.documents import read_customer_json, read_subscription_json
from stigg_emulator.storage import repositories as repo


def customer_document(
    info: GraphQLResolveInfo, ref_id: str, *, allow_archived: bool = False
) -> dict[str, Any]:
    """The `Customer` JSON of `ref_id` (CustomerNotFound when missing)."""
    domain = ctx(info).domain

    def build(connection: Any) -> dict[str, Any]:
        row = repo.get_customer(connection, ref_id)
        if row is None or (row.get("archived_at") is not None and not allow_archived):
            raise not_found("CustomerNotFound", "Customer", ref_id)
        return read_customer_json(connection, domain.catalog, row, domain.clock.now(ref_id))

    return read(info, build)


def resolve_get_customer(
    _obj: Any, info: GraphQLResolveInfo, **kwargs: Any
) -> dict[str, Any] | None:
    """`getCustomerByRefId`: null when the customer does not exist (or is archived)."""
    ref_id = input_arg(kwargs).get("customerId")
    if not ref_id:
        raise bad_input("customerId is required")
    ctx(info).caller.check_customer(ref_id)
    domain = ctx(info).domain

    def build(connection: Any) -> dict[str, Any] | None:
        row = repo.get_customer(connection, ref_id)
        if row is None or row.get("archived_at") is not None:
            return None
        return read_customer_json(connection, domain.catalog, row, domain.clock.now(ref_id))

    return read(info, build)


def resolve_provision_customer(
    _obj: Any, info: GraphQLResolveInfo, **kwargs: Any
) -> dict[str, Any]:
    """`provisionCustomer`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    outcome = write(info, lambda tx: customers.provision(domain, tx, data, ctx(info).base_url))
    ref_id = outcome["customer_ref"]
    customer = customer_document(info, ref_id)
    subscription = None
    if outcome["subscription_ref"]:
        subscription = read(
            info,
            lambda conn: read_subscription_json(
                conn,
                domain.catalog,
                repo.get_subscription(conn, outcome["subscription_ref"]) or {},
                domain.clock.now(ref_id),
            ),
        )
    # Entitlements of the scope the new subscription lives in (its resource, if any).
    resource_id = (
        subscription["resource"]["resourceId"]
        if subscription and subscription.get("resource")
        else None
    )
    entitlements = ctx(info).reads.entitlements_state(ref_id, resource_id)
    return {
        "customer": customer,
        "subscription": subscription,
        "subscriptionDecisionStrategy": outcome["strategy"],
        "subscriptionStrategyDecision": outcome["strategy"],
        "entitlements": entitlements["entitlements"],
        "entitlementsV2": entitlements["entitlementsV2"],
    }


def resolve_update_customer(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`updateOneCustomer`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    ref_id = write(info, lambda tx: customers.update(domain, tx, data))
    return customer_document(info, ref_id)


def resolve_archive_customer(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`archiveCustomer`."""
    ref_id = str(input_arg(kwargs).get("customerId"))
    domain = ctx(info).domain
    write(info, lambda tx: customers.archive(domain, tx, ref_id))
    return customer_document(info, ref_id, allow_archived=True)


def resolve_unarchive_customer(
    _obj: Any, info: GraphQLResolveInfo, **kwargs: Any
) -> dict[str, Any]:
    """`unarchiveCustomer`."""
    ref_id = str(input_arg(kwargs).get("customerId"))
    domain = ctx(info).domain
    write(info, lambda tx: customers.unarchive(domain, tx, ref_id))
    return customer_document(info, ref_id)


def resolve_detach_payment(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`detachCustomerPaymentMethod`."""
    ref_id = str(input_arg(kwargs).get("customerId"))
    domain = ctx(info).domain
    write(info, lambda tx: customers.detach_payment_method(domain, tx, ref_id))
    return customer_document(info, ref_id)


def register(query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    query.set_field("getCustomerByRefId", resolve_get_customer)
    mutation.set_field("provisionCustomer", resolve_provision_customer)
    mutation.set_field("updateOneCustomer", resolve_update_customer)
    mutation.set_field("archiveCustomer", resolve_archive_customer)
    mutation.set_field("unarchiveCustomer", resolve_unarchive_customer)
    mutation.set_field("detachCustomerPaymentMethod", resolve_detach_payment)
