"""Paywall: visible plans with country prices, price points, and the customer's context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.catalog.model import Catalog, Package
from stigg_emulator.domain.errors import StiggError, not_found
from stigg_emulator.storage import repositories as repo
from stigg_emulator.wire.catalog_json import (
    CURRENCY_SYMBOLS,
    all_country_prices,
    feature_object_json,
    plan_json,
)
from stigg_emulator.wire.customer_json import customer_json, subscriptions_json


def visible_plans(
    catalog: Catalog, product_ref: str | None, context: str, include_hidden: bool
) -> list[Package]:
    """Plans shown in a widget context, ordered by product then plan order."""
    if product_ref is not None and product_ref not in catalog.products:
        raise StiggError("ProductNotFoundError", f"Product not found: {product_ref}")
    products = [product_ref] if product_ref else list(catalog.products)
    plans: list[Package] = []
    for ref in products:
        for plan in catalog.plans_of(ref):
            if include_hidden or context not in plan.hidden_from_widgets:
                plans.append(plan)
    return plans


def paywall_json(
    connection: Connection, catalog: Catalog, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """`Paywall` for a `GetPaywallInput`-shaped dict."""
    country = data.get("billingCountryCode") or None
    country = str(country).upper() if country else None
    context = data.get("context") or "PAYWALL"
    plans = visible_plans(
        catalog, data.get("productId") or None, context, bool(data.get("includeHiddenPlans"))
    )
    documents = []
    points: list[dict[str, Any]] = []
    currencies: list[str] = []
    for plan in plans:
        document = plan_json(catalog, plan, country)
        if data.get("fetchAllCountriesPrices"):
            document["prices"] = all_country_prices(catalog, plan)
        documents.append(document)
        for price in plan.prices:
            amount, currency, matched = price.for_country(country)
            currencies.append(currency)
            feature = catalog.features.get(price.feature_ref) if price.feature_ref else None
            points.append(
                {
                    "__typename": "PaywallPricePoint",
                    "planId": plan.ref_id,
                    "billingPeriod": price.billing_period,
                    "amount": float(amount),
                    "currency": currency,
                    "billingCountryCode": matched,
                    "additionalChargesMayApply": price.billing_model == "PER_UNIT",
                    "feature": feature_object_json(feature) if feature else None,
                }
            )
    code = currencies[0] if currencies else "USD"
    result: dict[str, Any] = {
        "__typename": "Paywall",
        "plans": documents,
        "currency": {
            "__typename": "PaywallCurrency",
            "code": code,
            "symbol": CURRENCY_SYMBOLS.get(code, code),
        },
        "configuration": None,
        "customer": None,
        "activeSubscriptions": None,
        "resource": None,
        "paywallCalculatedPricePoints": points,
    }
    customer_ref = data.get("customerId")
    if customer_ref:
        row = repo.get_customer(connection, str(customer_ref))
        if row is None or row.get("archived_at") is not None:
            raise not_found("CustomerNotFound", "Customer", str(customer_ref))
        result["customer"] = customer_json(connection, catalog, row, now, with_subscriptions=False)
        resource_id = data.get("resourceId") or None
        subs = [
            sub
            for sub in repo.customer_subscriptions(connection, str(customer_ref))
            if resource_id is None or sub.get("resource_id") == resource_id
        ]
        result["activeSubscriptions"] = subscriptions_json(
            connection, catalog, subs, now, customer_row=row
        )
        if resource_id:
            result["resource"] = {"__typename": "CustomerResource", "resourceId": resource_id}
    return result
