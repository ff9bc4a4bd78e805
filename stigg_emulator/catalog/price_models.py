"""Catalog pricing models beyond one amount: tiers, blocks, usage-based and overage prices.

Kept apart from `loader.py` (which calls in here) so the tier rules read in one place; the YAML
format is in stigg_emulator/CATALOG.md ("Tiered, block and usage-based prices").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from stigg_emulator.catalog.model import Catalog, EntitlementSpec, PriceSpec, PriceTier
from stigg_emulator.catalog.yaml_lines import CatalogError, LineDict


class _Node(Protocol):
    """The loader's line-aware YAML mapping (`yaml_node.Node`), as far as prices use it."""

    data: LineDict

    def error(self, key: str | None, message: str) -> CatalogError: ...
    def raw(self, key: str, default: Any = ...) -> Any: ...
    def decimal(self, key: str) -> Decimal: ...
    def int(self, key: str, default: Any = ...) -> Any: ...
    def choice(self, key: str, choices: tuple[str, ...], default: Any = ...) -> Any: ...
    def items(self, key: str, where: str) -> list[Any]: ...
    def check_unknown(self) -> None: ...


TIERS_MODES = ("VOLUME", "GRADUATED")
METERED_MODELS = ("USAGE_BASED",)


def _optional_decimal(node: _Node, key: str) -> Decimal | None:
    return node.decimal(key) if node.raw(key, None) is not None else None


def _tiers(node: _Node) -> tuple[PriceTier, ...]:
    tiers: list[PriceTier] = []
    previous = Decimal(0)
    items = node.items("tiers", "tier")
    for index, item in enumerate(items):
        up_to = _optional_decimal(item, "upTo")
        tier = PriceTier(
            up_to=up_to,
            unit_price=_optional_decimal(item, "unitPrice"),
            flat_price=_optional_decimal(item, "flatPrice"),
        )
        item.check_unknown()
        last = index == len(items) - 1
        if up_to is None and not last:
            raise item.error(None, "only the last tier may leave out 'upTo' (the open tier)")
        if up_to is not None and up_to <= previous:
            raise item.error("upTo", f"'upTo' must be above the previous tier's ({previous})")
        if last and up_to is not None:
            raise item.error("upTo", "the last tier is open: leave out its 'upTo'")
        if tier.unit_price is None and tier.flat_price is None:
            raise item.error(None, "a tier needs a 'unitPrice', a 'flatPrice' or both")
        previous = up_to if up_to is not None else previous
        tiers.append(tier)
    if len(tiers) < 2:
        raise node.error("tiers", "a tiered price needs at least two tiers (the last one open)")
    return tuple(tiers)


def price_model_fields(
    node: _Node, catalog: Catalog, billing_model: str, feature_ref: str | None, billing_period: str
) -> dict[str, Any]:
    """`amount`, `tiers_mode`, `tiers` and `block_size` of one catalog price, validated."""
    tiers_mode = node.choice("tiersMode", TIERS_MODES, None)
    block_size = node.int("blockSize", None)
    fields: dict[str, Any] = {"tiers_mode": tiers_mode, "tiers": (), "block_size": block_size}
    if block_size is not None and block_size < 1:
        raise node.error("blockSize", "'blockSize' must be at least 1")
    if billing_model in METERED_MODELS:
        feature = catalog.features.get(feature_ref or "")
        if feature is not None and feature.meter_type != "Incremental":
            raise node.error(
                "feature", f"a {billing_model} price needs a metered (Incremental) feature"
            )
        if billing_period != "MONTHLY":
            raise node.error("billingPeriod", f"a {billing_model} price bills MONTHLY")
    if tiers_mode is None:
        if "tiers" in node.data:
            raise node.error("tiers", "'tiers' need a 'tiersMode' (VOLUME or GRADUATED)")
        fields["amount"] = node.decimal("amount")
        return fields
    if billing_model == "FLAT_FEE":
        raise node.error("tiersMode", "a FLAT_FEE price cannot be tiered")
    if block_size is not None:
        raise node.error("blockSize", "a tiered price cannot also have a 'blockSize'")
    if "amount" in node.data:
        raise node.error("amount", "a tiered price takes its amounts from 'tiers', not 'amount'")
    if "countries" in node.data:
        raise node.error("countries", "a tiered price cannot have country prices")
    fields["tiers"] = _tiers(node)
    fields["amount"] = Decimal(0)
    return fields


def check_metered_prices(
    node: _Node,
    prices: tuple[PriceSpec, ...],
    overage: tuple[PriceSpec, ...],
    entitlements: tuple[EntitlementSpec, ...],
) -> None:
    """Usage-based and overage prices bill a feature whose usage resets every month (so one
    usage period is one billing period); an overage price's feature has an included quantity."""
    granted = {spec.feature_ref: spec for spec in entitlements}
    for price in overage:
        spec = granted.get(price.feature_ref or "")
        if spec is None or spec.usage_limit is None or spec.unlimited:
            raise node.error(
                "overagePrices",
                f"an overage price on {price.feature_ref!r} needs an entitlement with a "
                "usageLimit (the included quantity)",
            )
        if price.billing_model not in METERED_MODELS:
            raise node.error("overagePrices", "an overage price is billingModel USAGE_BASED")
    for price in (*prices, *overage):
        if price.billing_model not in METERED_MODELS:
            continue
        spec = granted.get(price.feature_ref or "")
        if spec is None or spec.reset_period != "MONTH":
            raise node.error(
                "overagePrices" if price in overage else "prices",
                f"a {price.billing_model} price on {price.feature_ref!r} needs an entitlement "
                "to that feature with resetPeriod MONTH in the same package",
            )
