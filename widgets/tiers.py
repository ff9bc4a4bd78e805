"""Tiered and block prices as the paywall shows them: the cost of a quantity, the tier it falls
in, and the quantity a plan card starts from (Stigg's `selectDefaultTierIndex`).

A tier covers the quantities above the previous tier's `upTo` up to its own (inclusive); the last
tier is open. VOLUME prices all units at one tier's rate, GRADUATED lets each tier price its own
range; a tier's flat price counts once (docs/design/pricing-and-parity.md §2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from stigg_client.models.paywall import PricePoint, PriceTier

ZERO = Decimal(0)


@dataclass(frozen=True)
class TierRange:
    """One tier with its bounds: quantities `first`..`last` (`last` None: no upper bound)."""

    first: float
    last: float | None
    unit: Decimal
    flat: Decimal


def _money(value: object) -> Decimal:
    return Decimal(str(getattr(value, "amount", None) or 0))


def ranges(point: PricePoint) -> list[TierRange]:
    """The tiers of a price with their first and last quantity."""
    out: list[TierRange] = []
    below = 0.0
    for tier in point.tiers or []:
        unit, flat = _money(tier.unit_price), _money(tier.flat_price)
        out.append(TierRange(below + 1, tier.up_to, unit, flat))
        below = tier.up_to if tier.up_to is not None else below
    return out


def tier_at(point: PricePoint, quantity: float) -> int:
    """Index of the tier whose range holds `quantity` (the open tier above every bound)."""
    tiers = point.tiers or []
    for index, tier in enumerate(tiers):
        if tier.up_to is None or quantity <= tier.up_to:
            return index
    return max(0, len(tiers) - 1)


def cost(point: PricePoint, quantity: float) -> Decimal:
    """What `quantity` units cost at `point`: its tiers, else whole blocks at its amount."""
    units = Decimal(str(quantity))
    if not point.tiers:
        size = point.block_size or 1
        return Decimal(math.ceil(quantity / size)) * Decimal(point.amount or 0)
    if units <= 0:
        return ZERO
    spans = ranges(point)
    if str(getattr(point.tiers_mode, "value", point.tiers_mode)) == "VOLUME":
        chosen = spans[tier_at(point, quantity)]
        return units * chosen.unit + chosen.flat
    total = ZERO
    for span in spans:
        if units < Decimal(str(span.first)):
            break
        top = units if span.last is None else min(units, Decimal(str(span.last)))
        total += (top - Decimal(str(span.first)) + 1) * span.unit + span.flat
    return total


def is_stair_step(tiers: list[PriceTier]) -> bool:
    """Tiers sold as packages: none has a unit price with a finite bound."""
    return not any(tier.unit_price is not None and tier.up_to is not None for tier in tiers)


def default_quantity(point: PricePoint, tier_index: int = 0) -> float:
    """The quantity a card starts from: 1 (at least the minimum) for per-unit tiers, the chosen
    tier's `upTo` for stair-step tiers (Stigg's `selectDefaultTierIndex`, default tier 0)."""
    least = point.min_unit_quantity or 1
    tiers = point.tiers or []
    if tiers and is_stair_step(tiers):
        bound = tiers[min(tier_index, len(tiers) - 1)].up_to
        if bound is not None:
            return max(least, bound)
    return least
