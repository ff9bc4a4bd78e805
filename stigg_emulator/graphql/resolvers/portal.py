"""Customer portal and checkout state (client-key readable)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.billing.upcoming import next_renewal
from stigg_emulator.clock import parse_iso, to_ms
from stigg_emulator.domain.errors import bad_input, not_found
from stigg_emulator.domain.lookups import require_plan
from stigg_emulator.graphql.context import ctx, input_arg, read
from stigg_emulator.graphql.documents import (
    read_customer_json,
    read_subscription_json,
    read_subscriptions_json,
)
from stigg_emulator.storage import repositories as repo
from stigg_emulator.wire.billing_json import renewal_preview_json
from stigg_emulator.wire.catalog_json import plan_json


def _portal_subscription(
    sub: dict[str, Any], now_ms: int, next_invoice: dict[str, Any] | None
) -> dict[str, Any]:
    plan = sub["plan"]
    flat = next((p for p in sub["prices"] if p["price"]["billingModel"] == "FLAT_FEE"), None)
    unit = next((p for p in sub["prices"] if p["price"]["billingModel"] == "PER_UNIT"), None)
    main = (flat or unit or {}).get("price")
    trial_days = None
    if sub["status"] == "IN_TRIAL" and sub.get("trialEndDate"):
        trial_days = max(0, (to_ms(parse_iso(sub["trialEndDate"])) - now_ms) // 86_400_000)
    return {
        "__typename": "CustomerPortalSubscription",
        "subscriptionId": sub["subscriptionId"],
        "planId": plan["refId"],
        "planName": plan["displayName"],
        "pricingType": sub["pricingType"],
        "status": sub["status"],
        "trialRemainingDays": trial_days,
        "billingPeriodRange": {
            "__typename": "DateRange",
            "start": sub.get("currentBillingPeriodStart"),
            "end": sub.get("currentBillingPeriodEnd"),
        },
        "totalPrice": sub.get("totalPrice"),
        "prices": [
            {
                "__typename": "CustomerPortalSubscriptionPrice",
                "billingPeriod": p["price"]["billingPeriod"],
                "billingModel": p["price"]["billingModel"],
                "blockSize": p["price"]["blockSize"],
                "price": p["price"]["price"],
                "creditRate": None,
                "feature": p["price"]["feature"],
            }
            for p in sub["prices"]
        ],
        "pricing": {
            "__typename": "CustomerPortalSubscriptionPricing",
            "pricingType": sub["pricingType"],
            "billingPeriod": sub.get("billingPeriod"),
            "billingModel": main["billingModel"] if main else None,
            "billingCountryCode": main["billingCountryCode"] if main else None,
            "price": main["price"] if main else None,
            "unitQuantity": int(unit["usageLimit"]) if unit and unit.get("usageLimit") else None,
            "feature": main["feature"] if main else None,
            "usageBasedEstimatedBill": None,
            "creditRate": None,
        },
        "addons": [
            {
                "__typename": "CustomerPortalAddon",
                "addonId": a["addonId"],
                "displayName": a["addon"]["displayName"],
                "description": a["addon"]["description"],
                "quantity": int(a["quantity"]),
            }
            for a in sub["addons"]
        ],
        "scheduledUpdates": sub["scheduledUpdates"],
        "previewNextInvoice": next_invoice,
    }


def resolve_portal(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`customerPortal(input)`."""
    data = input_arg(kwargs)
    customer_ref = str(data.get("customerId") or "")
    if not customer_ref:
        raise bad_input("customerId is required")
    context = ctx(info)
    context.caller.check_customer(customer_ref)
    domain = context.domain
    resource_id = data.get("resourceId") or None
    product_ref = data.get("productId") or None

    def build(conn: Any) -> dict[str, Any]:
        row = repo.get_customer(conn, customer_ref)
        if row is None or row.get("archived_at") is not None:
            raise not_found("CustomerNotFound", "Customer", customer_ref)
        rows = [
            sub
            for sub in repo.customer_subscriptions(conn, customer_ref)
            if (resource_id is None or sub.get("resource_id") == resource_id)
            and (product_ref is None or sub["product_ref"] == product_ref)
        ]
        subs = read_subscriptions_json(
            conn, domain.catalog, rows, domain.clock.now(customer_ref), customer_row=row
        )
        previews: dict[str, dict[str, Any] | None] = {}
        for sub_row in rows:
            upcoming = next_renewal(domain, conn, sub_row)
            previews[sub_row["ref_id"]] = (
                renewal_preview_json(upcoming, int(sub_row["updated_at"])) if upcoming else None
            )
        customer = read_customer_json(
            conn, domain.catalog, row, domain.clock.now(customer_ref), with_subscriptions=False
        )
        promos = [
            {
                "__typename": "CustomerPortalPromotionalEntitlement",
                "displayName": promo["feature"]["displayName"],
                "description": promo.get("description"),
                "hasUnlimitedUsage": promo["hasUnlimitedUsage"],
                "hasSoftLimit": promo["hasSoftLimit"],
                "usageLimit": promo["usageLimit"],
                "period": promo["period"],
                "startDate": promo["startDate"],
                "endDate": promo["endDate"],
            }
            for promo in customer["promotionalEntitlements"]
            if promo["isVisible"]
        ]
        return {"subs": subs, "customer": customer, "promos": promos, "previews": previews}

    built = read(info, build)
    state = context.reads.entitlements_state(customer_ref, resource_id)
    visible = [
        e
        for e in state["entitlements"]
        if "CUSTOMER_PORTAL" not in (e.get("hiddenFromWidgets") or [])
    ]
    visible_refs = {e["feature"]["refId"] for e in visible}
    customer = built["customer"]
    now_ms = domain.clock.now_ms(customer_ref)
    return {
        "__typename": "CustomerPortal",
        "subscriptions": [
            _portal_subscription(sub, now_ms, built["previews"][sub["subscriptionId"]])
            for sub in built["subs"]
        ],
        "entitlements": visible,
        "entitlementsV2": [
            e for e in state["entitlementsV2"] if e["feature"]["refId"] in visible_refs
        ],
        "promotionalEntitlements": built["promos"],
        "billingInformation": {
            "__typename": "CustomerPortalBillingInformation",
            "email": customer["email"],
            "name": customer["name"],
            "defaultPaymentMethodId": customer["defaultPaymentMethodId"],
            "defaultPaymentMethodLast4Digits": customer["defaultPaymentMethodLast4Digits"],
            "defaultPaymentMethodType": customer["defaultPaymentMethodType"],
            "defaultPaymentExpirationMonth": customer["defaultPaymentExpirationMonth"],
            "defaultPaymentExpirationYear": customer["defaultPaymentExpirationYear"],
        },
        "showWatermark": domain.catalog.sdk.is_widget_watermark_enabled,
        "billingPortalUrl": f"{context.base_url}/billing/{quote(customer_ref, safe='')}/invoices",
        "canUpgradeSubscription": any(
            plan.pricing_type == "PAID" for plan in domain.catalog.plans.values()
        ),
        "configuration": None,
        "resource": {"__typename": "CustomerResource", "resourceId": resource_id}
        if resource_id
        else None,
    }


def resolve_checkout_state(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`checkoutState(input)`: customer, plan, current subscription and (local) payment setup."""
    data = input_arg(kwargs)
    customer_ref = str(data.get("customerId") or "")
    context = ctx(info)
    context.caller.check_customer(customer_ref)
    domain = context.domain
    plan = require_plan(domain.catalog, str(data.get("planId")))
    resource_id = data.get("resourceId") or None
    country = data.get("billingCountryCode")

    def build(conn: Any) -> dict[str, Any]:
        row = repo.get_customer(conn, customer_ref)
        if row is None or row.get("archived_at") is not None:
            raise not_found("CustomerNotFound", "Customer", customer_ref)
        current = [
            sub
            for sub in repo.customer_subscriptions(conn, customer_ref)
            if sub["product_ref"] == plan.product_ref
            and (sub.get("resource_id") or None) == resource_id
        ]
        now = domain.clock.now(customer_ref)
        return {
            "customer": read_customer_json(
                conn, domain.catalog, row, now, with_subscriptions=False
            ),
            "active": read_subscription_json(
                conn, domain.catalog, current[0], now, customer_row=row
            )
            if current
            else None,
        }

    built = read(info, build)
    secret = (
        "seti_local_" + hashlib.sha256(f"{customer_ref}:{plan.ref_id}".encode()).hexdigest()[:24]
    )
    credentials = {
        "__typename": "CheckoutCredentials",
        "accountId": "acct_local_emulator",
        "publicKey": "pk_test_local_emulator",
    }
    return {
        "__typename": "CheckoutState",
        "customer": built["customer"],
        "plan": plan_json(domain.catalog, plan, country),
        "activeSubscription": built["active"],
        "resource": {"__typename": "CustomerResource", "resourceId": resource_id}
        if resource_id
        else None,
        "setupSecret": secret,
        "configuration": None,
        "billingIntegration": {
            "__typename": "CheckoutBillingIntegration",
            "billingIdentifier": "STRIPE",
            "credentials": credentials,
            "billingCredentials": {
                "__typename": "StripeCheckoutCredentials",
                "accountId": credentials["accountId"],
                "publicKey": credentials["publicKey"],
                "setupSecret": secret,
            },
        },
    }


def register(query: QueryType, _mutation: MutationType) -> None:
    """Bind this area's root fields."""
    query.set_field("customerPortal", resolve_portal)
    query.set_field("checkoutState", resolve_checkout_state)
