"""Wire JSON of catalog objects: features, products, plans, add-ons, coupons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from stigg_emulator.catalog.model import (
    ENVIRONMENT_ID,
    Catalog,
    Coupon,
    EntitlementSpec,
    Feature,
    FeatureGroup,
    Package,
    PriceSpec,
)
from stigg_emulator.wire.credit_json import package_credit_entitlement_json
from stigg_emulator.wire.entitlement_json import enum_configuration, reset_configuration

CATALOG_TIME = "2024-01-01T00:00:00.000Z"

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "DKK": "kr.", "JPY": "¥", "ILS": "₪"}


def money(amount: Decimal | float, currency: str) -> dict[str, Any]:
    """`Money {amount currency}`."""
    return {"__typename": "Money", "amount": float(amount), "currency": currency}


def environment_json() -> dict[str, Any]:
    """The single environment every key belongs to."""
    return {
        "__typename": "Environment",
        "id": ENVIRONMENT_ID,
        "displayName": "Local emulator",
        "slug": "local",
        "type": "DEVELOPMENT",
        "isSandbox": False,
        "hardenClientAccessEnabled": False,
        "signingToken": "",
        "apiKeys": [],
        "description": None,
        "color": None,
        "createdAt": CATALOG_TIME,
        "provisionStatus": None,
    }


def feature_object_json(feature: Feature) -> dict[str, Any]:
    """`Feature`."""
    return {
        "__typename": "Feature",
        "id": feature.uuid,
        "refId": feature.ref_id,
        "displayName": feature.display_name,
        "description": feature.description,
        "featureType": feature.feature_type,
        "meterType": feature.meter_type,
        "featureUnits": feature.units,
        "featureUnitsPlural": feature.units_plural,
        "featureStatus": "ACTIVE",
        "additionalMetaData": feature.metadata,
        "hasMeter": feature.meter is not None,
        "hasEntitlements": True,
        "environmentId": ENVIRONMENT_ID,
        "createdAt": CATALOG_TIME,
        "updatedAt": CATALOG_TIME,
        "unitTransformation": None,
        "enumConfiguration": enum_configuration(feature),
        "usedEnumValues": list(feature.enum_values) if feature.feature_type == "ENUM" else None,
    }


def feature_group_json(catalog: Catalog, group: FeatureGroup) -> dict[str, Any]:
    """`FeatureGroup`: the catalog's group with its features (always version 1, latest)."""
    return {
        "__typename": "FeatureGroup",
        "id": group.uuid,
        "featureGroupId": group.ref_id,
        "displayName": group.display_name,
        "description": group.description,
        "features": [feature_object_json(catalog.features[ref]) for ref in group.feature_refs],
        "status": "PUBLISHED",
        "versionNumber": 1,
        "isLatest": True,
        "environmentId": ENVIRONMENT_ID,
        "createdAt": CATALOG_TIME,
        "updatedAt": CATALOG_TIME,
    }


def package_entitlement_json(
    catalog: Catalog, package: Package, spec: EntitlementSpec
) -> dict[str, Any]:
    """`PackageEntitlement` of a plan or add-on."""
    feature = catalog.features[spec.feature_ref]
    return {
        "__typename": "PackageEntitlement",
        "id": f"{package.uuid}:{feature.ref_id}",
        "packageId": package.uuid,
        "featureId": feature.uuid,
        "feature": feature_object_json(feature),
        "usageLimit": None if spec.unlimited else spec.usage_limit,
        "hasUnlimitedUsage": spec.unlimited,
        "hasSoftLimit": spec.soft_limit,
        "resetPeriod": spec.reset_period,
        "resetPeriodConfiguration": reset_configuration(
            spec.reset_period, spec.monthly_according_to, spec.weekly_according_to
        ),
        "displayNameOverride": spec.display_name_override,
        "hiddenFromWidgets": list(spec.hidden_from_widgets),
        "description": spec.description,
        "isCustom": False,
        "isGranted": True,
        "behavior": "Increment" if package.kind == "addon" else "Override",
        "enumValues": list(spec.enum_values) if feature.feature_type == "ENUM" else None,
        "order": spec.order,
        "environmentId": ENVIRONMENT_ID,
        "createdAt": CATALOG_TIME,
        "updatedAt": CATALOG_TIME,
        "featureGroupIds": None,
        "featureGroups": None,
        "dependencyFeatureId": None,
        "meter": None,
    }


def tier_fields(price: PriceSpec) -> dict[str, Any]:
    """`blockSize`, `tiersMode` and `tiers` (`PriceTier {upTo unitPrice flatPrice}`) of a price."""
    tiers = [
        {
            "__typename": "PriceTier",
            "upTo": float(tier.up_to) if tier.up_to is not None else None,
            "unitPrice": money(tier.unit_price, price.currency)
            if tier.unit_price is not None
            else None,
            "flatPrice": money(tier.flat_price, price.currency)
            if tier.flat_price is not None
            else None,
        }
        for tier in price.tiers
    ]
    return {
        "blockSize": float(price.block_size) if price.block_size is not None else None,
        "tiersMode": price.tiers_mode,
        "tiers": tiers or None,
    }


def price_json(
    catalog: Catalog, package: Package, price: PriceSpec, country: str | None = None
) -> dict[str, Any]:
    """`Price` (country override applied when `country` has one)."""
    amount, currency, matched = price.for_country(country)
    feature = catalog.features.get(price.feature_ref) if price.feature_ref else None
    return {
        "__typename": "Price",
        "id": price.uuid if matched is None else f"{price.uuid}:{matched}",
        "billingModel": price.billing_model,
        "billingPeriod": price.billing_period,
        "billingCadence": "RECURRING",
        "billingCountryCode": matched,
        "billingId": None,
        "price": None if price.is_tiered else money(amount, currency),
        "minUnitQuantity": price.min_unit_quantity,
        "maxUnitQuantity": price.max_unit_quantity,
        **tier_fields(price),
        "feature": feature_object_json(feature) if feature else None,
        "featureId": feature.uuid if feature else None,
        "isOverridePrice": False,
        "packageId": package.uuid,
        "package": None,
        "crmId": None,
        "crmLinkUrl": None,
        "creditRate": None,
        "customCurrency": None,
        "resetPeriod": None,
        "resetPeriodConfiguration": None,
        "usedInSubscriptions": None,
        "environmentId": ENVIRONMENT_ID,
        "createdAt": CATALOG_TIME,
    }


def package_prices(
    catalog: Catalog, package: Package, country: str | None = None
) -> list[dict[str, Any]]:
    """Prices of a package for a billing country (default prices when `country` is None)."""
    return [price_json(catalog, package, price, country) for price in package.prices]


def all_country_prices(catalog: Catalog, package: Package) -> list[dict[str, Any]]:
    """Default prices followed by every per-country override."""
    prices = []
    for price in package.prices:
        prices.append(price_json(catalog, package, price))
        for code, _amount, _currency in price.country_overrides:
            prices.append(price_json(catalog, package, price, code))
    return prices


def trial_json(package: Package) -> dict[str, Any] | None:
    """`DefaultTrialConfig`."""
    if package.default_trial is None:
        return None
    return {
        "__typename": "DefaultTrialConfig",
        "duration": float(package.default_trial.duration),
        "units": package.default_trial.units,
        "trialEndBehavior": package.default_trial.end_behavior,
        "budget": None,
    }


def product_json(catalog: Catalog, ref_id: str, *, with_packages: bool = False) -> dict[str, Any]:
    """`Product` (plans/add-ons only when `with_packages`, to avoid cycles)."""
    product = catalog.products[ref_id]
    downgrade = catalog.plans.get(product.downgrade_plan) if product.downgrade_plan else None
    initial = catalog.plans.get(product.initial_plan) if product.initial_plan else None
    start_setup = "PLAN_SELECTION"
    if initial is not None:
        start_setup = "TRIAL_PERIOD" if initial.default_trial else "FREE_PLAN"
    plans = catalog.plans_of(ref_id) if with_packages else []
    addons = (
        [a for a in catalog.addons.values() if a.product_ref == ref_id] if with_packages else []
    )
    return {
        "__typename": "Product",
        "id": product.uuid,
        "refId": product.ref_id,
        "displayName": product.display_name,
        "description": product.description,
        "additionalMetaData": product.metadata,
        "multipleSubscriptions": product.multiple_subscriptions,
        "isDefaultProduct": next(iter(catalog.products)) == ref_id,
        "status": "PUBLISHED",
        "hasSubscriptions": True,
        "environmentId": ENVIRONMENT_ID,
        "environment": environment_json(),
        "createdAt": CATALOG_TIME,
        "updatedAt": CATALOG_TIME,
        "autoCancellationRules": [],
        "subscriptionUpdateUsageResetCutoffRule": {
            "__typename": "SubscriptionUpdateUsageResetCutoffRule",
            "behavior": "NEVER_RESET",
        },
        "productSettings": {
            "__typename": "ProductSettings",
            "downgradePlan": plan_json(catalog, downgrade, shallow=True) if downgrade else None,
            "downgradePlanId": downgrade.ref_id if downgrade else None,
            "subscriptionStartPlan": plan_json(catalog, initial, shallow=True) if initial else None,
            "subscriptionStartPlanId": initial.ref_id if initial else None,
            "subscriptionStartSetup": start_setup,
            "subscriptionEndSetup": "DOWNGRADE_TO_FREE" if downgrade else "CANCEL_SUBSCRIPTION",
            "subscriptionCancellationTime": "END_OF_BILLING_PERIOD",
            "prorateAtEndOfBillingPeriod": False,
        },
        "downgradePlan": plan_json(catalog, downgrade, shallow=True) if downgrade else None,
        "plans": [plan_json(catalog, plan, shallow=True) for plan in plans],
        "addons": [addon_json(catalog, addon, shallow=True) for addon in addons],
        "awsMarketplaceProductCode": None,
        "awsMarketplaceProductId": None,
        "productSettingsId": None,
    }


def _package_common(
    catalog: Catalog, package: Package, country: str | None, shallow: bool
) -> dict[str, Any]:
    return {
        "id": package.uuid,
        "refId": package.ref_id,
        "displayName": package.display_name,
        "description": package.description,
        "additionalMetaData": package.metadata,
        "pricingType": package.pricing_type,
        "hiddenFromWidgets": list(package.hidden_from_widgets),
        "versionNumber": package.version,
        "isLatest": catalog.package(package.ref_id) == package,
        "status": "PUBLISHED",
        "billingId": None,
        "billingLinkUrl": None,
        "productId": catalog.products[package.product_ref].uuid,
        "product": None if shallow else product_json(catalog, package.product_ref),
        "entitlements": [
            package_entitlement_json(catalog, package, spec) for spec in package.entitlements
        ],
        "packageEntitlements": [
            {
                **package_entitlement_json(catalog, package, spec),
                "__typename": "PackageFeatureEntitlement",
            }
            for spec in package.entitlements
        ]
        + [
            package_credit_entitlement_json(catalog, package, spec)
            for spec in package.credit_entitlements
        ],
        "prices": package_prices(catalog, package, country),
        "overagePrices": [price_json(catalog, package, price) for price in package.overage_prices],
        "overageBillingPeriod": "ON_SUBSCRIPTION_RENEWAL" if package.overage_prices else None,
        "environmentId": ENVIRONMENT_ID,
        "environment": environment_json(),
        "createdAt": CATALOG_TIME,
        "updatedAt": CATALOG_TIME,
        "draftDetails": None,
        "draftSummary": None,
        "offer": None,
        "syncStates": [],
    }


PACKAGE_DTO_FIELDS = (
    "id",
    "refId",
    "displayName",
    "description",
    "additionalMetaData",
    "pricingType",
    "hiddenFromWidgets",
    "versionNumber",
    "isLatest",
    "status",
    "billingId",
    "billingLinkUrl",
    "productId",
    "prices",
    "overagePrices",
    "overageBillingPeriod",
    "environmentId",
    "createdAt",
    "updatedAt",
    "draftDetails",
    "draftSummary",
    "offer",
    "syncStates",
)


def package_dto_json(catalog: Catalog, package: Package) -> dict[str, Any]:
    """`PackageDTO` (e.g. a scheduled update's `targetPackage`)."""
    common = _package_common(catalog, package, None, shallow=True)
    return {
        "__typename": "PackageDTO",
        **{key: common[key] for key in PACKAGE_DTO_FIELDS},
        "type": package.kind.upper(),
    }


def plan_json(
    catalog: Catalog, plan: Package, country: str | None = None, *, shallow: bool = False
) -> dict[str, Any]:
    """`Plan` with entitlements, inherited entitlements, prices, add-ons and base plan."""
    parent = catalog.plans.get(plan.parent_ref) if plan.parent_ref else None
    inherited = [
        package_entitlement_json(catalog, plan, spec)
        for spec in catalog.inherited_entitlements(plan)
    ]
    result = _package_common(catalog, plan, country, shallow)
    result.update(
        {
            "__typename": "Plan",
            "planId": plan.ref_id,  # edge JSON of `plan { planId: refId }`
            "type": "PLAN",
            "isParent": any(other.parent_ref == plan.ref_id for other in catalog.plans.values()),
            "basePlan": plan_json(catalog, parent, country, shallow=True) if parent else None,
            "inheritedEntitlements": inherited,
            "inheritedPackageEntitlements": [
                {**item, "__typename": "PackageFeatureEntitlement"} for item in inherited
            ],
            "compatibleAddons": [
                addon_json(catalog, catalog.addons[ref], country, shallow=True)
                for ref in plan.compatible_addons
                if ref in catalog.addons
            ],
            "compatiblePackageGroups": [],
            "defaultTrialConfig": trial_json(plan),
            "minimumSpend": [],
            "awsMarketplacePlanDimension": None,
        }
    )
    return result


def addon_json(
    catalog: Catalog, addon: Package, country: str | None = None, *, shallow: bool = False
) -> dict[str, Any]:
    """`Addon`."""
    result = _package_common(catalog, addon, country, shallow)
    result.update(
        {
            "__typename": "Addon",
            "addonId": addon.ref_id,  # edge JSON of `addon { addonId: refId }`
            "type": "ADDON",
            "maxQuantity": float(addon.max_quantity) if addon.max_quantity is not None else None,
            "hasSubscriptions": False,
            "dependencies": [],
        }
    )
    return result


def coupon_json(coupon: Coupon) -> dict[str, Any]:
    """`Coupon`."""
    amounts = [money(amount, currency) for amount, currency in coupon.amounts_off]
    value = (
        float(coupon.percent_off)
        if coupon.percent_off is not None
        else float(coupon.amounts_off[0][0] if coupon.amounts_off else 0)
    )
    return {
        "__typename": "Coupon",
        "id": coupon.uuid,
        "refId": coupon.ref_id,
        "name": coupon.name,
        "description": coupon.description,
        "type": coupon.discount_type,
        "discountValue": value,
        "percentOff": float(coupon.percent_off) if coupon.percent_off is not None else None,
        "amountsOff": amounts or None,
        "durationInMonths": float(coupon.duration_in_months)
        if coupon.duration_in_months is not None
        else None,
        "status": coupon.status,
        "source": "STIGG",
        "additionalMetaData": coupon.metadata,
        "billingId": None,
        "billingLinkUrl": None,
        "customers": [],
        "syncStates": [],
        "environmentId": ENVIRONMENT_ID,
        "environment": environment_json(),
        "createdAt": CATALOG_TIME,
        "updatedAt": CATALOG_TIME,
    }
