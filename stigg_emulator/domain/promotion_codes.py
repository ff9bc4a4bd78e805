"""When a promotion code may be redeemed: expiry, redemption limit, first purchase only.

The catalog fields are `expiresAt`, `maxRedemptions` and `firstPurchaseOnly` (CATALOG.md); the
errors are Stigg's (docs/protocol.md §promotion codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, select

from stigg_emulator.catalog.model import PromotionCode
from stigg_emulator.domain.errors import StiggError
from stigg_emulator.storage import billing_tables as bt
from stigg_emulator.storage import tables as t


@dataclass(frozen=True)
class Redeemer:
    """Who redeems a code, and when (the customer's own clock)."""

    connection: Connection
    customer_ref: str
    now_ms: int


def _redemptions(connection: Connection, code: str) -> int:
    table = t.subscriptions
    query = select(func.count()).where(func.lower(table.c.promotion_code) == code.lower())
    return int(connection.execute(query).scalar_one())


def _has_paid(connection: Connection, customer_ref: str) -> bool:
    table = bt.invoices
    totals = connection.execute(
        select(table.c.total).where(table.c.customer_ref == customer_ref, table.c.status == "PAID")
    ).scalars()
    return any(Decimal(total) > 0 for total in totals)


def check_redeemable(promo: PromotionCode, redeemer: Redeemer) -> None:
    """Raise Stigg's error when `redeemer` may not use the active code `promo` now."""
    if promo.expires_at is not None and redeemer.now_ms >= promo.expires_at:
        raise StiggError("PromotionCodeNotActive", f"Promotion code {promo.code} has expired")
    if (
        promo.max_redemptions is not None
        and _redemptions(redeemer.connection, promo.code) >= promo.max_redemptions
    ):
        raise StiggError(
            "PromotionCodeMaxRedemptionsReached",
            f"Promotion code {promo.code} has reached its maximum number of redemptions",
        )
    if promo.first_purchase_only and _has_paid(redeemer.connection, redeemer.customer_ref):
        raise StiggError(
            "PromotionCodeCustomerNotFirstPurchase",
            f"Promotion code {promo.code} is only for a customer's first purchase",
        )
