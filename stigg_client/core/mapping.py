"""Wire (GraphQL) objects → the SDK's result shapes, where a field alias is not enough."""

from __future__ import annotations

from typing import Any

from stigg_client.core.entries import METERED_TYPES

Json = dict[str, Any]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def feature(raw: Json) -> Json:
    """`EntitlementFeature`/`Feature` → `{id, featureType, meterType, units, unitsPlural, ...}`."""
    meter = raw.get("meterType")
    return {
        "id": raw.get("refId"),
        "featureType": raw.get("featureType"),
        "meterType": meter,
        "units": raw.get("featureUnits"),
        "unitsPlural": raw.get("featureUnitsPlural"),
        "displayName": raw.get("displayName"),
        "description": raw.get("description") or "",
        "isMetered": meter in METERED_TYPES,
        "metadata": raw.get("additionalMetaData"),
    }


def package_entitlement(raw: Json) -> Json:
    """`PackageEntitlement` → the paywall's entitlement shape."""
    return {**raw, "feature": feature(raw["feature"]) if raw.get("feature") else None}


def price_point(raw: Json) -> Json:
    """`Price` → `{pricingModel, billingPeriod, amount, currency, ...}`."""
    money = raw.get("price") or {}
    related = raw.get("feature") or {}
    return {
        "pricingModel": raw.get("billingModel"),
        "billingPeriod": raw.get("billingPeriod"),
        "amount": money.get("amount"),
        "currency": money.get("currency"),
        "billingCountryCode": raw.get("billingCountryCode"),
        "feature": (
            {
                "featureId": related.get("refId"),
                "units": related.get("featureUnits"),
                "unitsPlural": related.get("featureUnitsPlural"),
                "displayName": related.get("displayName"),
            }
            if related.get("refId")
            else None
        ),
        "minUnitQuantity": raw.get("minUnitQuantity"),
        "maxUnitQuantity": raw.get("maxUnitQuantity"),
        "blockSize": raw.get("blockSize"),
        "tiersMode": raw.get("tiersMode"),
        "tiers": raw.get("tiers"),
        "isTieredPrice": bool(raw.get("tiers")),
    }


def addon(raw: Json) -> Json:
    """`Addon` → the SDK's addon shape."""
    return {
        "id": raw.get("refId"),
        "displayName": raw.get("displayName"),
        "description": raw.get("description"),
        "metadata": raw.get("additionalMetaData"),
        "pricingType": raw.get("pricingType"),
        "maxQuantity": raw.get("maxQuantity"),
        "entitlements": [package_entitlement(e) for e in _list(raw.get("entitlements"))],
        "pricePoints": [price_point(p) for p in _list(raw.get("prices"))],
    }


def plan(raw: Json, order: int) -> Json:
    """`Plan` → the paywall's plan shape (`order` is the plan's position)."""
    product = raw.get("product") or None
    base = raw.get("basePlan") or None
    return {
        "id": raw.get("refId"),
        "order": order,
        "displayName": raw.get("displayName"),
        "description": raw.get("description"),
        "metadata": raw.get("additionalMetaData"),
        "pricingType": raw.get("pricingType"),
        "hiddenFromWidgets": raw.get("hiddenFromWidgets"),
        "basePlan": {"id": base.get("refId"), "displayName": base.get("displayName")}
        if base
        else None,
        "product": (
            {
                "id": product.get("refId"),
                "displayName": product.get("displayName"),
                "description": product.get("description"),
                "metadata": product.get("additionalMetaData"),
            }
            if product
            else None
        ),
        "defaultTrialConfig": raw.get("defaultTrialConfig"),
        "entitlements": [package_entitlement(e) for e in _list(raw.get("entitlements"))],
        "inheritedEntitlements": [
            package_entitlement(e) for e in _list(raw.get("inheritedEntitlements"))
        ],
        "pricePoints": [price_point(p) for p in _list(raw.get("prices"))],
        "compatibleAddons": [addon(a) for a in _list(raw.get("compatibleAddons"))],
        "creditGrants": [
            credit_grant(e)
            for e in _list(raw.get("packageEntitlements"))
            if e.get("__typename") == "PackageCreditEntitlement"
        ],
    }


def credit_grant(raw: Json) -> Json:
    """`PackageCreditEntitlement` → the plan's `PlanCreditGrant` shape."""
    currency = raw.get("customCurrency") or {}
    units = currency.get("units") or {}
    return {
        "currencyId": currency.get("currencyId") or raw.get("customCurrencyId"),
        "amount": raw.get("amount") or 0,
        "cadence": raw.get("cadence"),
        "displayName": currency.get("displayName"),
        "unitSingular": units.get("singular"),
        "unitPlural": units.get("plural"),
        "hasSoftLimit": bool(raw.get("hasSoftLimit")),
    }


def paywall(raw: Json) -> Json:
    """`Paywall` → `{plans, currency}`."""
    return {
        "plans": [plan(p, index) for index, p in enumerate(_list(raw.get("plans")))],
        "currency": raw.get("currency"),
    }


def subscription(raw: Json) -> Json:
    """`CustomerSubscription` → the SDK's subscription shape (`id` = `subscriptionId`)."""
    prices = [p.get("price") for p in _list(raw.get("prices")) if p.get("price")]
    resource = raw.get("resource") or None
    return {
        "id": raw.get("subscriptionId"),
        "status": raw.get("status"),
        "currentBillingPeriodEnd": raw.get("currentBillingPeriodEnd"),
        "startDate": raw.get("startDate"),
        "endDate": raw.get("endDate"),
        "trialEndDate": raw.get("trialEndDate"),
        "cancellationDate": raw.get("cancellationDate"),
        "effectiveEndDate": raw.get("effectiveEndDate"),
        "pricingType": raw.get("pricingType"),
        "paymentCollection": raw.get("paymentCollection"),
        "metadata": raw.get("additionalMetaData"),
        "experimentInfo": raw.get("experimentInfo"),
        "latestInvoice": raw.get("latestInvoice"),
        "resource": {"id": resource.get("resourceId")} if resource else None,
        "price": price_point(prices[0]) if prices else None,
        "prices": [
            {"usageLimit": p.get("usageLimit"), "price": price_point(p["price"])}
            for p in _list(raw.get("prices"))
            if p.get("price")
        ],
        "scheduledUpdates": _list(raw.get("scheduledUpdates")),
        "addons": [
            {"quantity": a.get("quantity"), "addon": addon(a.get("addon") or {})}
            for a in _list(raw.get("addons"))
        ],
        "plan": plan(raw["plan"], 0) if raw.get("plan") else None,
    }


def customer(raw: Json) -> Json:
    """`Customer` → the SDK's customer shape (`id` = `customerId`)."""
    return {
        "id": raw.get("customerId"),
        "name": raw.get("name"),
        "email": raw.get("email"),
        "createdAt": raw.get("createdAt"),
        "updatedAt": raw.get("updatedAt"),
        "hasPaymentMethod": raw.get("hasPaymentMethod"),
        "metadata": raw.get("additionalMetaData"),
        "experimentInfo": raw.get("experimentInfo"),
        "promotionalEntitlements": _list(raw.get("promotionalEntitlements")),
        "subscriptions": [subscription(s) for s in _list(raw.get("subscriptions"))],
    }
