"""Paywall JSON: visible plans with country prices and price points (`Paywall`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from stigg_emulator.catalog.model import Catalog, Package
from stigg_emulator.domain.tiers import price_total
from stigg_emulator.wire.catalog_json import (
    CURRENCY_SYMBOLS,
    all_country_prices,
    feature_object_json,
    plan_json,
)


def paywall_json(catalog: Catalog, plans: list[Package], data: dict[str, Any]) -> dict[str, Any]:
    """`Paywall` of the visible `plans` for a `GetPaywallInput`-shaped dict, without the customer
    parts (null)."""
    country = data.get("billingCountryCode") or None
    country = str(country).upper() if country else None
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
            if price.is_tiered:  # the price of the smallest quantity: "from $X"
                least = Decimal(max(1, price.min_unit_quantity or 1))
                amount = price_total(price, least, amount) / least
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
                    "additionalChargesMayApply": price.billing_model != "FLAT_FEE",
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
    return result
