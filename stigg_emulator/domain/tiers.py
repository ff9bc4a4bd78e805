"""Tier and block arithmetic of one price (docs/design/pricing-and-parity.md §2).

VOLUME prices every unit at the rate of the one tier the quantity falls in; GRADUATED fills the
tiers in order. A tier's flat price is charged once when the quantity reaches into it. `upTo` is
inclusive; the last tier is open. A non-tiered price with a block size charges whole blocks.
"""

from __future__ import annotations

import math
from decimal import Decimal

from stigg_emulator.catalog.model import PriceSpec, PriceTier

ZERO = Decimal(0)


def _tier_charge(tier: PriceTier, units: Decimal) -> Decimal:
    return units * (tier.unit_price or ZERO) + (tier.flat_price or ZERO)


def tier_index(tiers: tuple[PriceTier, ...], quantity: Decimal) -> int:
    """Index of the tier whose range holds `quantity` (the open tier when above every `upTo`)."""
    for index, tier in enumerate(tiers):
        if tier.up_to is None or quantity <= tier.up_to:
            return index
    return len(tiers) - 1


def volume_total(tiers: tuple[PriceTier, ...], quantity: Decimal) -> Decimal:
    """All `quantity` units at the one tier they fall in (nothing for no units)."""
    if quantity <= 0:
        return ZERO
    return _tier_charge(tiers[tier_index(tiers, quantity)], quantity)


def graduated_total(tiers: tuple[PriceTier, ...], quantity: Decimal) -> Decimal:
    """Each tier charges the units that fall in its range."""
    total, floor = ZERO, ZERO
    for tier in tiers:
        ceiling = quantity if tier.up_to is None else min(quantity, tier.up_to)
        units = ceiling - floor
        if units <= 0:
            break
        total += _tier_charge(tier, units)
        if tier.up_to is None:
            break
        floor = tier.up_to
    return total


def blocks(quantity: Decimal, block_size: int | None) -> Decimal:
    """How many (whole) blocks `quantity` units take; units themselves without a block size."""
    if not block_size or block_size == 1:
        return quantity
    return Decimal(math.ceil(quantity / Decimal(block_size)))


def price_total(price: PriceSpec, quantity: Decimal, unit_amount: Decimal) -> Decimal:
    """What `quantity` units cost at `price` (`unit_amount`: its amount in the billed country)."""
    if price.tiers:
        if price.tiers_mode == "VOLUME":
            return volume_total(price.tiers, quantity)
        return graduated_total(price.tiers, quantity)
    return blocks(quantity, price.block_size) * unit_amount
