"""Turn a catalog YAML file into a validated :class:`Catalog` (see stigg_emulator/CATALOG.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from stigg_emulator.catalog.credit_loader import credit_entitlements, credit_rate, currency
from stigg_emulator.catalog.feature_groups import feature_groups
from stigg_emulator.catalog.model import (
    Catalog,
    Coupon,
    EntitlementSpec,
    Experiment,
    Feature,
    Meter,
    Package,
    PriceSpec,
    Product,
    PromotionCode,
    SdkSettings,
    SeedCustomer,
    SeedPromotion,
    SeedSubscription,
    TrialSpec,
    stable_uuid,
)
from stigg_emulator.catalog.price_models import check_metered_prices, price_model_fields
from stigg_emulator.catalog.yaml_lines import load_yaml
from stigg_emulator.catalog.yaml_node import Node as _Node
from stigg_emulator.clock import parse_iso, to_ms

FEATURE_TYPES = ("BOOLEAN", "NUMBER", "ENUM")
METER_TYPES = ("None", "Fluctuating", "Incremental")
AGGREGATIONS = ("COUNT", "COUNT_UNIQUE", "SUM")
PRICING_TYPES = ("FREE", "PAID", "CUSTOM")
BILLING_MODELS = ("FLAT_FEE", "PER_UNIT", "USAGE_BASED")
BILLING_PERIODS = ("MONTHLY", "ANNUALLY")
RESET_PERIODS = ("HOUR", "DAY", "WEEK", "MONTH", "YEAR")
MONTHLY_ACCORDING_TO = ("SubscriptionStart", "StartOfTheMonth")
WEEKLY_ACCORDING_TO = (
    "SubscriptionStart",
    "EveryMonday",
    "EveryTuesday",
    "EveryWednesday",
    "EveryThursday",
    "EveryFriday",
    "EverySaturday",
    "EverySunday",
)
WIDGETS = ("PAYWALL", "CUSTOMER_PORTAL", "CHECKOUT")
TRIAL_UNITS = ("DAY", "MONTH")
TRIAL_END = ("CONVERT_TO_PAID", "CANCEL_SUBSCRIPTION")
PROMO_PERIODS = ("ONE_WEEK", "ONE_MONTH", "SIX_MONTH", "ONE_YEAR", "LIFETIME", "CUSTOM")


def load_catalog(path: Path) -> Catalog:
    """Load and validate the catalog at `path`; raises CatalogError (file:line: message)."""
    data = load_yaml(path)
    root = _Node(path, data, 1, "catalog")
    catalog = Catalog()
    sdk = root.raw("sdkConfiguration", None)
    if sdk is not None:
        node = _Node(path, sdk, root.data.key_lines["sdkConfiguration"], "sdkConfiguration")
        catalog.sdk = SdkSettings(
            sentry_dsn=node.text("sentryDsn", None),
            is_widget_watermark_enabled=node.bool("isWidgetWatermarkEnabled", False),
        )
        node.check_unknown()
    currencies = root.items("currencies", "currency")
    products = root.items("products", "product")
    features = root.items("features", "feature")
    groups = root.items("featureGroups", "feature group")
    plans = root.items("plans", "plan")
    addons = root.items("addons", "add-on")
    coupons = root.items("coupons", "coupon")
    experiments = root.items("experiments", "experiment")
    customers = root.items("customers", "customer")
    root.check_unknown()
    if not products:
        raise root.error(None, "at least one product is required under 'products'")

    for node in currencies:
        custom = currency(node)
        _unique(node, custom.ref_id, catalog.currencies)
        catalog.currencies[custom.ref_id] = custom
    for node in products:
        product = _product(node)
        _unique(node, product.ref_id, catalog.products)
        catalog.products[product.ref_id] = product
    for node in features:
        feature = _feature(node, catalog)
        _unique(node, feature.ref_id, catalog.features)
        catalog.features[feature.ref_id] = feature
    catalog.feature_groups = feature_groups(groups, catalog)
    for node in addons:
        addon = _package(node, "addon", catalog)
        _unique(node, addon.ref_id, catalog.addons)
        catalog.addons[addon.ref_id] = addon
    plan_nodes: dict[str, _Node] = {}
    for node in plans:
        plan = _package(node, "plan", catalog)
        _unique(node, plan.ref_id, catalog.plans)
        catalog.plans[plan.ref_id] = plan
        plan_nodes[plan.ref_id] = node
    _check_plan_links(catalog, plan_nodes)
    for node, product in zip(products, catalog.products.values(), strict=True):
        for key, ref in (
            ("downgradePlan", product.downgrade_plan),
            ("initialPlan", product.initial_plan),
        ):
            if ref is not None and catalog.plans.get(ref, None) is None:
                raise node.error(key, f"unknown plan {ref!r}")
    for node in coupons:
        coupon = _coupon(node)
        _unique(node, coupon.ref_id, catalog.coupons)
        catalog.coupons[coupon.ref_id] = coupon
    for node in experiments:
        experiment = _experiment(node, catalog)
        _unique(node, experiment.ref_id, catalog.experiments)
        catalog.experiments[experiment.ref_id] = experiment
    seen_customers: set[str] = set()
    for node in customers:
        customer = _customer(node, catalog)
        if customer.ref_id in seen_customers:
            raise node.error("id", f"duplicate id {customer.ref_id!r}")
        seen_customers.add(customer.ref_id)
        catalog.customers.append(customer)
    return catalog


def _unique(node: _Node, ref_id: str, existing: dict[str, Any]) -> None:
    if ref_id in existing:
        raise node.error("id", f"duplicate id {ref_id!r}")


def _product(node: _Node) -> Product:
    ref_id = node.text("id")
    product = Product(
        ref_id=ref_id,
        display_name=node.text("displayName", ref_id),
        description=node.text("description", None),
        multiple_subscriptions=node.bool("multipleSubscriptions", False),
        downgrade_plan=node.text("downgradePlan", None),
        initial_plan=node.text("initialPlan", None),
        metadata=node.mapping("metadata"),
        uuid=stable_uuid("product", ref_id),
    )
    node.check_unknown()
    return product


def _feature(node: _Node, catalog: Catalog) -> Feature:
    ref_id = node.text("id")
    feature_type = node.choice("type", FEATURE_TYPES)
    meter_type = node.choice("meterType", METER_TYPES, "None")
    if feature_type != "NUMBER" and meter_type != "None":
        raise node.error("meterType", f"a {feature_type} feature cannot be metered")
    enum_values = node.strings("enumValues")
    if (feature_type == "ENUM") != bool(enum_values):
        raise node.error("enumValues", "an ENUM feature (and only one) lists its enumValues")
    if len(set(enum_values)) != len(enum_values):
        raise node.error("enumValues", "enumValues must not repeat a value")
    meter = None
    if "meter" in node.data:
        meter_node = _Node(node.path, node.raw("meter"), node.data.key_lines["meter"], "meter")
        aggregation = meter_node.choice("aggregation", AGGREGATIONS, "COUNT")
        field = meter_node.text("field", None)
        if aggregation != "COUNT" and field is None:
            raise meter_node.error(None, f"aggregation {aggregation} needs a 'field' (a dimension)")
        filters = meter_node.mapping("filters") or {}
        meter = Meter(
            event_name=meter_node.text("eventName"),
            aggregation=aggregation,
            field=field,
            filters=tuple((str(key), str(value)) for key, value in filters.items()),
        )
        meter_node.check_unknown()
        if meter_type != "Incremental":
            raise node.error("meter", "a raw-event meter needs meterType Incremental")
    feature = Feature(
        ref_id=ref_id,
        display_name=node.text("displayName", ref_id),
        feature_type=feature_type,
        meter_type=meter_type,
        units=node.text("units", None),
        units_plural=node.text("unitsPlural", None),
        description=node.text("description", None),
        metadata=node.mapping("metadata"),
        meter=meter,
        enum_values=enum_values,
        credit_rate=credit_rate(node, catalog.currencies),
        uuid=stable_uuid("feature", ref_id),
    )
    node.check_unknown()
    return feature


def _entitlement(node: _Node, catalog: Catalog, order: int) -> EntitlementSpec:
    feature_ref = node.text("feature")
    feature = catalog.features.get(feature_ref)
    if feature is None:
        raise node.error("feature", f"unknown feature {feature_ref!r}")
    reset_period = node.choice("resetPeriod", RESET_PERIODS, None)
    unlimited = node.bool("unlimited", False)
    usage_limit = node.number("usageLimit", None)
    if feature.feature_type != "NUMBER" and (usage_limit is not None or unlimited):
        raise node.error(
            None, f"feature {feature_ref!r} is {feature.feature_type}: no usageLimit/unlimited"
        )
    enum_values = node.strings("enumValues", feature.enum_values or None)
    if enum_values and feature.feature_type != "ENUM":
        raise node.error("enumValues", f"feature {feature_ref!r} is not an ENUM feature")
    if reset_period and feature.meter_type != "Incremental":
        raise node.error("resetPeriod", "only Incremental features can reset usage")
    monthly = node.choice("monthlyAccordingTo", MONTHLY_ACCORDING_TO, None)
    weekly = node.choice("weeklyAccordingTo", WEEKLY_ACCORDING_TO, None)
    if reset_period == "MONTH" and monthly is None:
        monthly = "SubscriptionStart"
    if reset_period == "WEEK" and weekly is None:
        weekly = "SubscriptionStart"
    spec = EntitlementSpec(
        feature_ref=feature_ref,
        usage_limit=usage_limit,
        unlimited=unlimited,
        soft_limit=node.bool("softLimit", False),
        reset_period=reset_period,
        monthly_according_to=monthly,
        weekly_according_to=weekly,
        display_name_override=node.text("displayNameOverride", None),
        hidden_from_widgets=node.strings("hiddenFromWidgets", WIDGETS),
        description=node.text("description", None),
        enum_values=tuple(v for v in feature.enum_values if not enum_values or v in enum_values),
        order=order,
    )
    node.check_unknown()
    return spec


def _price(node: _Node, catalog: Catalog, ref_id: str, index: int) -> PriceSpec:
    billing_model = node.choice("billingModel", BILLING_MODELS, "FLAT_FEE")
    feature_ref = node.text("feature", None)
    if billing_model != "FLAT_FEE":
        if feature_ref is None:
            raise node.error(None, f"a {billing_model} price needs a 'feature'")
        if feature_ref not in catalog.features:
            raise node.error("feature", f"unknown feature {feature_ref!r}")
    billing_period = node.choice("billingPeriod", BILLING_PERIODS)
    model_fields = price_model_fields(node, catalog, billing_model, feature_ref, billing_period)
    overrides: list[tuple[str, Decimal, str]] = []
    for override in node.items("countries", "country price"):
        overrides.append(
            (
                override.text("country").upper(),
                override.decimal("amount"),
                override.text("currency"),
            )
        )
        override.check_unknown()
    min_units = node.int("minUnitQuantity", None)
    max_units = node.int("maxUnitQuantity", None)
    if min_units is not None and min_units < 0:
        raise node.error("minUnitQuantity", "'minUnitQuantity' must not be negative")
    if max_units is not None and max_units < max(1, min_units or 0):
        raise node.error(
            "maxUnitQuantity", "'maxUnitQuantity' must be at least 1 and at least minUnitQuantity"
        )
    price = PriceSpec(
        billing_model=billing_model,
        billing_period=billing_period,
        currency=node.text("currency", "USD").upper(),
        feature_ref=feature_ref,
        min_unit_quantity=min_units,
        max_unit_quantity=max_units,
        country_overrides=tuple(overrides),
        uuid=stable_uuid("price", f"{ref_id}:{index}:{billing_period}"),
        **model_fields,
    )
    node.check_unknown()
    return price


def _package(node: _Node, kind: str, catalog: Catalog) -> Package:
    ref_id = node.text("id")
    product_ref = node.text("product")
    if product_ref not in catalog.products:
        raise node.error("product", f"unknown product {product_ref!r}")
    entitlements = tuple(
        _entitlement(item, catalog, index)
        for index, item in enumerate(node.items("entitlements", "entitlement"))
    )
    prices = tuple(
        _price(item, catalog, ref_id, index)
        for index, item in enumerate(node.items("prices", "price"))
    )
    overage = tuple(
        _price(item, catalog, f"{ref_id}:overage", index)
        for index, item in enumerate(node.items("overagePrices", "overage price"))
    )
    check_metered_prices(node, prices, overage, entitlements)
    pricing_type = node.choice("pricingType", PRICING_TYPES, "PAID" if prices else "FREE")
    if pricing_type == "PAID" and not prices:
        raise node.error("pricingType", "a PAID package needs at least one price")
    if pricing_type != "PAID" and prices:
        raise node.error("prices", f"a {pricing_type} package cannot have prices")
    trial = None
    if kind == "plan" and "defaultTrial" in node.data:
        trial_node = _Node(
            node.path, node.raw("defaultTrial"), node.data.key_lines["defaultTrial"], "defaultTrial"
        )
        trial = TrialSpec(
            duration=trial_node.int("duration"),
            units=trial_node.choice("units", TRIAL_UNITS, "DAY"),
            end_behavior=trial_node.choice("trialEndBehavior", TRIAL_END, "CONVERT_TO_PAID"),
        )
        trial_node.check_unknown()
    compatible = node.strings("compatibleAddons") if kind == "plan" else ()
    for addon_ref in compatible:
        if addon_ref not in catalog.addons:
            raise node.error("compatibleAddons", f"unknown add-on {addon_ref!r}")
    package = Package(
        kind=kind,
        ref_id=ref_id,
        product_ref=product_ref,
        display_name=node.text("displayName", ref_id),
        description=node.text("description", None),
        pricing_type=pricing_type,
        entitlements=entitlements,
        prices=prices,
        overage_prices=overage,
        hidden_from_widgets=node.strings("hiddenFromWidgets", WIDGETS),
        metadata=node.mapping("metadata"),
        order=node.int("order", 0),
        parent_ref=node.text("parent", None) if kind == "plan" else None,
        default_trial=trial,
        compatible_addons=compatible,
        max_quantity=node.int("maxQuantity", None) if kind == "addon" else None,
        credit_entitlements=credit_entitlements(node, catalog.currencies),
        version=1,
        uuid=stable_uuid(kind, ref_id),
    )
    node.check_unknown()
    return package


def _check_plan_links(catalog: Catalog, nodes: dict[str, _Node]) -> None:
    for ref_id, plan in catalog.plans.items():
        node = nodes[ref_id]
        if plan.parent_ref is None:
            continue
        parent = catalog.plans.get(plan.parent_ref)
        if parent is None:
            raise node.error("parent", f"unknown parent plan {plan.parent_ref!r}")
        if parent.product_ref != plan.product_ref:
            raise node.error("parent", "the parent plan belongs to another product")
        seen = {ref_id}
        current: Package | None = parent
        while current is not None:
            if current.ref_id in seen:
                raise node.error("parent", "parent plans form a cycle")
            seen.add(current.ref_id)
            current = catalog.plans.get(current.parent_ref) if current.parent_ref else None


def _moment(node: _Node, key: str) -> int | None:
    """Epoch ms of an ISO 8601 date-time field (YAML may already have parsed it)."""
    value = node.raw(key, None)
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        moment = value if isinstance(value, datetime) else parse_iso(str(value))
    except ValueError:
        raise node.error(key, f"{key!r} must be an ISO 8601 date-time (got {value!r})") from None
    return to_ms(moment)


def _coupon(node: _Node) -> Coupon:
    ref_id = node.text("id")
    discount_type = node.choice("type", ("PERCENTAGE", "FIXED"))
    percent = None
    amounts: list[tuple[Decimal, str]] = []
    if discount_type == "PERCENTAGE":
        percent = node.decimal("percentOff")
        if percent > 100:
            raise node.error("percentOff", "'percentOff' must be at most 100")
    else:
        for item in node.items("amountsOff", "amount"):
            amounts.append((item.decimal("amount"), item.text("currency", "USD").upper()))
            item.check_unknown()
        if not amounts:
            raise node.error(None, "a FIXED coupon needs 'amountsOff'")
    codes: list[PromotionCode] = []
    for item in node.items("promotionCodes", "promotion code"):
        codes.append(
            PromotionCode(
                code=item.text("code"),
                active=item.bool("active", True),
                max_redemptions=item.int("maxRedemptions", None),
                expires_at=_moment(item, "expiresAt"),
                first_purchase_only=item.bool("firstPurchaseOnly", False),
            )
        )
        item.check_unknown()
    months = node.int("durationInMonths", None)
    duration_type = node.choice(
        "durationType", ("ONCE", "REPEATING", "FOREVER"), "REPEATING" if months else "FOREVER"
    )
    if duration_type == "REPEATING" and not months:
        raise node.error("durationType", "a REPEATING coupon needs 'durationInMonths'")
    coupon = Coupon(
        ref_id=ref_id,
        name=node.text("name", ref_id),
        discount_type=discount_type,
        percent_off=percent,
        amounts_off=tuple(amounts),
        duration_in_months=months if duration_type == "REPEATING" else None,
        duration_type=duration_type,
        description=node.text("description", None),
        status=node.choice("status", ("ACTIVE", "ARCHIVED"), "ACTIVE"),
        promotion_codes=tuple(codes),
        metadata=node.mapping("metadata"),
        uuid=stable_uuid("coupon", ref_id),
    )
    node.check_unknown()
    return coupon


def _experiment(node: _Node, catalog: Catalog) -> Experiment:
    product_ref = node.text("product")
    if product_ref not in catalog.products:
        raise node.error("product", f"unknown product {product_ref!r}")
    plans = {}
    for key in ("controlPlan", "variantPlan"):
        ref = node.text(key)
        if ref not in catalog.plans or catalog.plans[ref].product_ref != product_ref:
            raise node.error(key, f"unknown plan {ref!r} of product {product_ref!r}")
        plans[key] = ref
    percentage = node.int("variantPercentage", 50)
    if not 0 <= percentage <= 100:
        raise node.error("variantPercentage", "'variantPercentage' must be between 0 and 100")
    experiment = Experiment(
        ref_id=node.text("id"),
        name=node.text("name"),
        product_ref=product_ref,
        control_group_name=node.text("controlGroupName", "Control group"),
        variant_group_name=node.text("variantGroupName", "Variant group"),
        control_plan=plans["controlPlan"],
        variant_plan=plans["variantPlan"],
        variant_percentage=percentage,
    )
    node.check_unknown()
    return experiment


def _customer(node: _Node, catalog: Catalog) -> SeedCustomer:
    subscriptions: list[SeedSubscription] = []
    for item in node.items("subscriptions", "subscription"):
        plan_ref = item.text("plan")
        if plan_ref not in catalog.plans:
            raise item.error("plan", f"unknown plan {plan_ref!r}")
        addons = []
        for addon in item.items("addons", "add-on"):
            addon_ref = addon.text("id")
            if addon_ref not in catalog.addons:
                raise addon.error("id", f"unknown add-on {addon_ref!r}")
            addons.append((addon_ref, addon.int("quantity", 1)))
            addon.check_unknown()
        billable = []
        for unit in item.items("billableFeatures", "billable feature"):
            billable.append((unit.text("feature"), unit.number("quantity")))
            unit.check_unknown()
        subscriptions.append(
            SeedSubscription(
                plan_ref=plan_ref,
                resource_id=item.text("resourceId", None),
                billing_period=item.choice("billingPeriod", BILLING_PERIODS, None),
                addons=tuple(addons),
                billable_features=tuple(billable),
            )
        )
        item.check_unknown()
    promotions: list[SeedPromotion] = []
    for item in node.items("promotionalEntitlements", "promotional entitlement"):
        feature_ref = item.text("feature")
        if feature_ref not in catalog.features:
            raise item.error("feature", f"unknown feature {feature_ref!r}")
        promotions.append(
            SeedPromotion(
                feature_ref=feature_ref,
                period=item.choice("period", PROMO_PERIODS, "LIFETIME"),
                usage_limit=item.number("usageLimit", None),
                unlimited=item.bool("unlimited", False),
            )
        )
        item.check_unknown()
    customer = SeedCustomer(
        ref_id=node.text("id"),
        name=node.text("name", None),
        email=node.text("email", None),
        metadata=node.mapping("metadata"),
        payment_method_id=node.text("paymentMethodId", None),
        subscriptions=tuple(subscriptions),
        promotional_entitlements=tuple(promotions),
    )
    node.check_unknown()
    return customer
