"""Estimate root fields: `estimateSubscription[Update]`, `previewSubscription` (client keys too)
and `previewNextInvoice` (server key)."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.billing import estimates
from stigg_emulator.billing.upcoming import next_renewal
from stigg_emulator.domain.errors import StiggError, bad_input
from stigg_emulator.domain.lookups import require_subscription
from stigg_emulator.domain.subscription_rules import redeemable_coupon
from stigg_emulator.graphql.context import ctx, input_arg, read
from stigg_emulator.storage import repositories as repo
from stigg_emulator.wire.billing_json import quote_json, quote_preview_json, renewal_preview_json


def resolve_estimate(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`estimateSubscription(input)`."""
    data = input_arg(kwargs)
    customer_ref = str(data.get("customerId") or "")
    ctx(info).caller.check_customer(customer_ref)
    return read(info, lambda conn: quote_json(_quote_new(info, conn, data, customer_ref)))


def _quote_new(
    info: GraphQLResolveInfo, conn: Any, data: dict[str, Any], customer_ref: str
) -> estimates.Quote:
    domain = ctx(info).domain
    redeemable_coupon(domain, conn, data, customer_ref)
    return estimates.quote_new(domain, conn, data)


def resolve_estimate_update(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`estimateSubscriptionUpdate(input)`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain

    def run(conn: Any) -> dict[str, Any]:
        row = repo.get_subscription(conn, str(data.get("subscriptionId") or ""))
        if row is not None:
            ctx(info).caller.check_customer(row["customer_ref"])
            redeemable_coupon(domain, conn, data, row["customer_ref"])
        return quote_json(estimates.quote_update(domain, conn, data))

    return read(info, run)


def resolve_preview(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`previewSubscription(input)`: the estimate as immediate and recurring invoices."""
    data = input_arg(kwargs)
    customer_ref = str(data.get("customerId") or "")
    ctx(info).caller.check_customer(customer_ref)
    return read(info, lambda conn: quote_preview_json(_quote_new(info, conn, data, customer_ref)))


def resolve_preview_next_invoice(
    _obj: Any, info: GraphQLResolveInfo, **kwargs: Any
) -> dict[str, Any]:
    """`previewNextInvoice(input)`: the subscription's next renewal invoice, priced as the
    portal's `previewNextInvoice` and the test clock's renewal."""
    ref_id = input_arg(kwargs).get("subscriptionId")
    if not ref_id:
        raise bad_input("subscriptionId is required")
    domain = ctx(info).domain

    def run(conn: Any) -> dict[str, Any]:
        row = require_subscription(conn, str(ref_id))
        upcoming = next_renewal(domain, conn, row)
        if upcoming is not None:
            return renewal_preview_json(upcoming, int(row["updated_at"]))
        if row["pricing_type"] != "PAID":
            raise StiggError("SubscriptionNoBillingId", f"Subscription {ref_id} is not billed")
        raise StiggError("InvalidSubscriptionStatus", f"Subscription {ref_id} has no next invoice")

    return read(info, run)


def register(_query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    mutation.set_field("estimateSubscription", resolve_estimate)
    mutation.set_field("estimateSubscriptionUpdate", resolve_estimate_update)
    mutation.set_field("previewSubscription", resolve_preview)
    mutation.set_field("previewNextInvoice", resolve_preview_next_invoice)
