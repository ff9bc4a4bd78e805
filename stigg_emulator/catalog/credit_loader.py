"""The credit parts of a catalog YAML: `currencies:`, a feature's `creditRate`, a package's
`creditEntitlements` (see stigg_emulator/CATALOG.md)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from stigg_emulator.catalog.model import (
    CreditEntitlementSpec,
    CreditRate,
    CustomCurrency,
    stable_uuid,
)
from stigg_emulator.catalog.yaml_node import Node

CREDIT_CADENCES = ("MONTH", "YEAR")


def currency(node: Node) -> CustomCurrency:
    """One entry of `currencies:`."""
    ref_id = node.text("id")
    units = node.mapping("units") or {}
    price = node.mapping("price") or {"amount": 0}
    try:
        unit_price = Decimal(str(price.get("amount", 0)))
    except InvalidOperation:
        raise node.error("price", "'price.amount' must be a number") from None
    if not unit_price.is_finite() or unit_price < 0 or set(price) - {"amount", "currency"}:
        raise node.error("price", "'price' is {amount: a number >= 0, currency: a code}")
    unknown = set(units) - {"singular", "plural"}
    if unknown:
        raise node.error("units", f"'units' takes singular and plural (got {sorted(unknown)})")
    result = CustomCurrency(
        ref_id=ref_id,
        display_name=node.text("displayName", ref_id),
        description=node.text("description", None),
        symbol=node.text("symbol", None),
        unit_singular=str(units["singular"]) if units.get("singular") else None,
        unit_plural=str(units["plural"]) if units.get("plural") else None,
        metadata=node.mapping("metadata"),
        unit_price=unit_price,
        price_currency=str(price.get("currency") or "USD").upper(),
        uuid=stable_uuid("currency", ref_id),
    )
    node.check_unknown()
    return result


def _currency_ref(node: Node, currencies: dict[str, CustomCurrency]) -> str:
    ref = node.text("currency")
    if ref not in currencies:
        raise node.error("currency", f"unknown currency {ref!r}")
    return str(ref)


def credit_rate(feature: Node, currencies: dict[str, CustomCurrency]) -> CreditRate | None:
    """A feature's optional `creditRate: {currency, amount}` (metered features only)."""
    if "creditRate" not in feature.data:
        return None
    node = Node(
        feature.path, feature.raw("creditRate"), feature.data.key_lines["creditRate"], "creditRate"
    )
    rate = CreditRate(currency_ref=_currency_ref(node, currencies), amount=node.number("amount"))
    node.check_unknown()
    if feature.data.get("meterType") not in ("Incremental", "Fluctuating"):
        raise feature.error("creditRate", "only a metered feature can burn credits")
    return rate


def credit_entitlements(
    package: Node, currencies: dict[str, CustomCurrency]
) -> tuple[CreditEntitlementSpec, ...]:
    """A package's `creditEntitlements`: recurring grants, one per currency."""
    specs: list[CreditEntitlementSpec] = []
    for node in package.items("creditEntitlements", "credit entitlement"):
        spec = CreditEntitlementSpec(
            currency_ref=_currency_ref(node, currencies),
            amount=node.number("amount"),
            cadence=node.choice("cadence", CREDIT_CADENCES, "MONTH"),
            soft_limit=node.bool("softLimit", False),
        )
        node.check_unknown()
        if any(other.currency_ref == spec.currency_ref for other in specs):
            raise node.error("currency", f"currency {spec.currency_ref!r} is granted twice")
        specs.append(spec)
    return tuple(specs)
