"""Moving a subscription: to another resource of its customer, or delegating it to another
customer while the original one keeps paying (docs/protocol.md §2.2, "Transfers")."""

from __future__ import annotations

from typing import Any

from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.errors import StiggError, bad_input, not_found
from stigg_emulator.domain.lookups import require_customer
from stigg_emulator.domain.subscription_rules import LIVE_STATUSES, touch_customer
from stigg_emulator.storage import repositories as repo


def _live_subscription(tx: Tx, ref_id: str) -> dict[str, Any]:
    row = repo.get_subscription(tx.conn, ref_id)
    if row is None:
        raise not_found("SubscriptionNotFound", "Subscription", ref_id)
    if row["status"] not in LIVE_STATUSES:
        raise StiggError(
            "SubscriptionMustBeActive", f"Subscription {ref_id} is {row['status']}, not active"
        )
    return row


def _check_free_scope(
    tx: Tx, row: dict[str, Any], customer_ref: str, resource_id: str | None
) -> None:
    """The destination must not already hold a live subscription of the same product."""
    for other in repo.customer_subscriptions(tx.conn, customer_ref, statuses=LIVE_STATUSES):
        if (
            other["ref_id"] != row["ref_id"]
            and other["product_ref"] == row["product_ref"]
            and (other.get("resource_id") or None) == resource_id
        ):
            where = f"resource {resource_id}" if resource_id else "the customer"
            raise StiggError(
                "DuplicatedEntityNotAllowed",
                f"{where} of {customer_ref} already has subscription {other['ref_id']} "
                f"of product {row['product_ref']}",
            )


def _move(
    domain: Domain, tx: Tx, row: dict[str, Any], customer_ref: str, resource_id: str | None
) -> str:
    _check_free_scope(tx, row, customer_ref, resource_id)
    values: dict[str, Any] = {
        "customer_ref": customer_ref,
        "resource_id": resource_id,
        "updated_at": domain.clock.now_ms(row["customer_ref"]),
    }
    if customer_ref != row["customer_ref"]:
        values["paying_customer_ref"] = (
            None
            if customer_ref == row.get("paying_customer_ref")
            else row.get("paying_customer_ref") or row["customer_ref"]
        )
    repo.update_subscription(tx.conn, row["ref_id"], values)
    touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))
    touch_customer(domain, tx, customer_ref, resource_id)
    return str(row["ref_id"])


def transfer_to_resource(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`transferSubscriptionToResource`: no destination moves it to the customer itself."""
    row = _live_subscription(tx, str(data.get("subscriptionId") or ""))
    destination = data.get("destinationResourceId") or None
    return _move(domain, tx, row, row["customer_ref"], destination)


def transfer_between_resources(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`transferSubscription`: the one live subscription on the source resource moves."""
    customer_ref = str(data.get("customerId") or "")
    require_customer(tx.conn, customer_ref)
    source = str(data.get("sourceResourceId") or "")
    live = [
        row
        for row in repo.customer_subscriptions(tx.conn, customer_ref, statuses=LIVE_STATUSES)
        if row.get("resource_id") == source
    ]
    if not live:
        raise not_found("SubscriptionNotFound", "Subscription of resource", source)
    if len(live) > 1:
        raise bad_input(
            f"resource {source} has {len(live)} subscriptions; "
            "use transferSubscriptionToResource with a subscription id"
        )
    destination = str(data.get("destinationResourceId") or "")
    if not destination:
        raise bad_input("destinationResourceId is required")
    return _move(domain, tx, live[0], customer_ref, destination)


def delegate(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`delegateSubscriptionToCustomer`: the destination gets the entitlements, the original
    customer stays the paying one; no destination gives it back to the paying customer."""
    row = _live_subscription(tx, str(data.get("subscriptionId") or ""))
    destination = data.get("destinationCustomerId") or row.get("paying_customer_ref")
    if not destination:
        raise bad_input("destinationCustomerId is required")
    require_customer(tx.conn, str(destination))
    return _move(domain, tx, row, str(destination), row.get("resource_id") or None)
