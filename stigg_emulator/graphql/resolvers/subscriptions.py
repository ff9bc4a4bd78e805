"""Subscription root fields: provision, apply, update, cancel, schedules, migrate, reads."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.billing import ledger, prorations
from stigg_emulator.domain import subscriptions
from stigg_emulator.domain.errors import StiggError, bad_input, not_found
from stigg_emulator.graphql.context import ctx, input_arg, read, write
from stigg_emulator.graphql.documents import read_active_subscriptions_json, read_subscription_json
from stigg_emulator.storage import repositories as repo

MAX_RESOURCE_IDS = 100


def subscription_document(info: GraphQLResolveInfo, ref_id: str) -> dict[str, Any]:
    """`CustomerSubscription` JSON of `ref_id`."""
    domain = ctx(info).domain

    def build(connection: Any) -> dict[str, Any]:
        row = repo.get_subscription(connection, ref_id)
        if row is None:
            raise not_found("SubscriptionNotFound", "Subscription", ref_id)
        return read_subscription_json(
            connection, domain.catalog, row, domain.clock.now(row["customer_ref"])
        )

    return read(info, build)


def _entitlements_for(info: GraphQLResolveInfo, ref_id: str) -> dict[str, Any]:
    row = read(info, lambda conn: repo.get_subscription(conn, ref_id)) or {}
    return ctx(info).reads.entitlements_state(row["customer_ref"], row.get("resource_id"))


def resolve_provision(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`provisionSubscriptionV2` (and its alias `provisionSubscription` in SDK documents)."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    outcome = write(info, lambda tx: subscriptions.provision(domain, tx, data, ctx(info).base_url))
    if outcome.status == "PAYMENT_REQUIRED":
        return {
            "id": outcome.subscription_ref,
            "status": "PAYMENT_REQUIRED",
            "checkoutUrl": outcome.checkout_url,
            "checkoutBillingId": outcome.checkout_id,
            "isScheduled": False,
            "subscription": None,
            "entitlements": None,
            "entitlementsV2": None,
        }
    state = _entitlements_for(info, outcome.subscription_ref)
    return {
        "id": outcome.subscription_ref,
        "status": "SUCCESS",
        "checkoutUrl": None,
        "checkoutBillingId": None,
        "isScheduled": outcome.is_scheduled,
        "subscription": subscription_document(info, outcome.subscription_ref),
        "entitlements": state["entitlements"],
        "entitlementsV2": state["entitlementsV2"],
    }


def resolve_apply(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`applySubscription`: provision with a payment method at hand (checkout widget)."""
    data = input_arg(kwargs)
    context = ctx(info)
    context.caller.check_customer(data.get("customerId"))
    domain = context.domain

    def apply(tx: Any) -> str:
        if data.get("paymentMethodId") and data.get("customerId"):
            customer = str(data["customerId"])
            if not ledger.is_usable_by(tx.conn, customer, str(data["paymentMethodId"])):
                raise StiggError(
                    "PaymentMethodNotFoundError",
                    f"Customer {customer} has no payment method {data['paymentMethodId']}",
                )
            billing = repo.get_billing(tx.conn, str(data["customerId"])) or {}
            info_doc = dict(billing.get("billing_info") or {})
            info_doc["paymentMethodId"] = data["paymentMethodId"]
            repo.put_billing(
                tx.conn,
                str(data["customerId"]),
                {
                    "billing_info": info_doc,
                    "payment_method_id": data["paymentMethodId"],
                    "currency": billing.get("currency"),
                    "updated_at": domain.clock.now_ms(str(data["customerId"])),
                },
            )
        outcome = subscriptions.provision(domain, tx, data, context.base_url)
        if outcome.status != "SUCCESS":
            raise StiggError(
                "PaymentMethodNotFoundError", "A payment method is required for this plan"
            )
        return outcome.subscription_ref

    ref_id = write(info, apply)
    state = _entitlements_for(info, ref_id)
    return {
        "subscription": subscription_document(info, ref_id),
        "entitlements": state["entitlements"],
        "entitlementsV2": state["entitlementsV2"],
    }


def resolve_update(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`updateOneSubscription`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    target = str(data.get("refId") or data.get("subscriptionId") or "")
    ref_id = write(
        info,
        lambda tx: prorations.with_invoice(
            domain, tx, target, lambda: subscriptions.update(domain, tx, data), ctx(info).base_url
        ),
    )
    return subscription_document(info, ref_id)


def resolve_cancel(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`cancelSubscription`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    ref_id = write(info, lambda tx: subscriptions.cancel(domain, tx, data))
    return subscription_document(info, ref_id)


def resolve_cancel_schedule(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> str:
    """`cancelSchedule`: returns the subscription id."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    return write(info, lambda tx: subscriptions.cancel_schedule(domain, tx, data))


def resolve_migrate(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`migrateSubscriptionToLatest`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    ref_id = write(
        info,
        lambda tx: prorations.with_invoice(
            domain,
            tx,
            str(data.get("subscriptionId")),
            lambda: subscriptions.migrate_to_latest(domain, tx, data),
            ctx(info).base_url,
        ),
    )
    return subscription_document(info, ref_id)


def resource_filter(resource_id: Any, resource_ids: Any) -> list[str] | None:
    """The resource ids to keep (None = all), at most 100."""
    if resource_ids:
        ids = [str(item) for item in resource_ids]
        if len(ids) > MAX_RESOURCE_IDS:
            raise bad_input(f"At most {MAX_RESOURCE_IDS} resourceIds may be requested")
        return ids
    if resource_id:
        return [str(resource_id)]
    return None


def resolve_active(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> list[dict[str, Any]]:
    """`getActiveSubscriptions`."""
    data = input_arg(kwargs)
    customer_id = data.get("customerId")
    if not customer_id:
        raise bad_input("customerId is required")
    ctx(info).caller.check_customer(customer_id)
    wanted = resource_filter(data.get("resourceId"), data.get("resourceIds"))
    domain = ctx(info).domain
    result = read(
        info,
        lambda conn: read_active_subscriptions_json(
            conn, domain.catalog, customer_id, wanted, domain.clock.now(customer_id)
        ),
    )
    if result is None:
        raise not_found("CustomerNotFound", "Customer", customer_id)
    return result


def resolve_get(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`getSubscription`."""
    ref_id = input_arg(kwargs).get("subscriptionId")
    if not ref_id:
        raise bad_input("subscriptionId is required")
    document = subscription_document(info, str(ref_id))
    ctx(info).caller.check_customer(
        document["customer"]["customerId"] if document.get("customer") else None
    )
    return document


def register(query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    query.set_field("getActiveSubscriptions", resolve_active)
    query.set_field("getSubscription", resolve_get)
    mutation.set_field("provisionSubscriptionV2", resolve_provision)
    mutation.set_field("applySubscription", resolve_apply)
    mutation.set_field("updateOneSubscription", resolve_update)
    mutation.set_field("cancelSubscription", resolve_cancel)
    mutation.set_field("cancelSchedule", resolve_cancel_schedule)
    mutation.set_field("migrateSubscriptionToLatest", resolve_migrate)
