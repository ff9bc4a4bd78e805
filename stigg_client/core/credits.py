"""Credit entitlements (docs/protocol.md §5.8): the wire `CreditEntitlement` and the pushed
`CreditBalanceUpdated` mapped into `CreditEntitlement` results, and the check on a balance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stigg_client.core.decisions import NO_ENTITLEMENT
from stigg_client.core.entries import parse_datetime
from stigg_client.models.credits import CreditCurrency, CreditEntitlement
from stigg_client.models.enums import AccessDeniedReason

INSUFFICIENT = AccessDeniedReason.INSUFFICIENT_CREDITS
"""The reason a check denies when the balance does not cover the request."""


def not_entitled(currency_id: str) -> CreditEntitlement:
    """The answer for a currency the loaded entitlements do not grant."""
    return CreditEntitlement(
        currency=CreditCurrency(currency_id=currency_id, display_name=currency_id),
        is_granted=False,
        access_denied_reason=NO_ENTITLEMENT,
    )


def credit_from_wire(raw: Mapping[str, Any]) -> CreditEntitlement | None:
    """A wire `CreditEntitlement` (an `entitlementsV2` member) as a result with nothing
    requested; None for other members (feature entitlements)."""
    if raw.get("__typename", "CreditEntitlement") != "CreditEntitlement":
        return None
    return credit_result(CreditEntitlement.model_validate(raw), 0.0)


def credit_from_balance(
    payload: Mapping[str, Any], previous: CreditEntitlement | None
) -> CreditEntitlement:
    """A pushed `CreditBalanceUpdated` applied to the cached entitlement of its currency:
    `usage_limit` becomes the total granted and the usage what the balance says is spent."""
    granted = float(payload.get("totalGranted") or 0)
    balance = float(payload.get("currentBalance") or 0)
    slim = payload.get("currency")
    currency = previous.currency if previous is not None else None
    if currency is None:
        name = slim.get("displayName") if isinstance(slim, dict) else None
        units = slim.get("units") if isinstance(slim, dict) else None
        currency = CreditCurrency(
            currency_id=str(payload.get("currencyId") or ""),
            display_name=str(name or payload.get("currencyId") or ""),
            unit_singular=units.get("singular") if isinstance(units, dict) else None,
            unit_plural=units.get("plural") if isinstance(units, dict) else None,
        )
    valid = payload.get("validUntil")
    base = CreditEntitlement(
        currency=currency,
        is_granted=True,
        usage_limit=granted,
        current_usage=granted - balance,
        has_soft_limit=previous.has_soft_limit if previous is not None else False,
        valid_until=parse_datetime(valid) if valid is not None else None,
        usage_period_end=previous.usage_period_end if previous is not None else None,
    )
    return credit_result(base, 0.0)


def credit_result(base: CreditEntitlement, requested: float) -> CreditEntitlement:
    """The check of `requested` credits against a cached entitlement: granted while the balance
    covers it (and is above zero) or the limit is soft, else `InsufficientCredits`. A denial
    for another reason (no subscription, ...) stands."""
    if base.access_denied_reason is not None and base.access_denied_reason != INSUFFICIENT:
        return base.model_copy(update={"requested_usage": requested})
    if not (base.is_granted or base.access_denied_reason == INSUFFICIENT):
        return base.model_copy(
            update={"requested_usage": requested, "access_denied_reason": NO_ENTITLEMENT}
        )
    balance = base.balance
    granted = bool(base.has_soft_limit) or (balance > 0 and balance >= requested)
    return base.model_copy(
        update={
            "requested_usage": requested,
            "is_granted": granted,
            "access_denied_reason": None if granted else INSUFFICIENT,
        }
    )
