"""Credit entitlements (docs/protocol.md §5.7): the wire `CreditEntitlement` and the pushed
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


def credit_from_wire(raw: Mapping[str, Any]) -> CreditEntitlement | None:
    """A wire `CreditEntitlement` (an `entitlementsV2` member) as a result with nothing
    requested; None for other members (feature entitlements) or one without a currency."""
    currency = raw.get("currency")
    if raw.get("__typename", "CreditEntitlement") != "CreditEntitlement" or not isinstance(
        currency, dict
    ):
        return None
    limit = raw.get("usageLimit")
    reason = raw.get("accessDeniedReason")
    base = CreditEntitlement(
        currency=CreditCurrency.model_validate(currency),
        usage_limit=float(limit) if limit is not None else None,
        current_usage=float(raw.get("currentUsage") or 0),
        has_soft_limit=bool(raw.get("hasSoftLimit")),
        access_denied_reason=None if reason == INSUFFICIENT else reason,
        has_access=bool(raw.get("isGranted")) or reason == INSUFFICIENT,
        valid_until=parse_datetime(raw.get("validUntil")),
        usage_period_end=parse_datetime(raw.get("usagePeriodEnd")),
        usage_updated_at=parse_datetime(raw.get("usageUpdatedAt")),
    )
    return credit_result(base, 0.0)


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
        usage_limit=granted,
        current_usage=max(granted - balance, 0.0),
        has_soft_limit=previous.has_soft_limit if previous is not None else False,
        has_access=True,
        valid_until=parse_datetime(valid) if valid is not None else None,
        usage_period_end=previous.usage_period_end if previous is not None else None,
    )
    return credit_result(base, 0.0)


def credit_result(base: CreditEntitlement, requested: float) -> CreditEntitlement:
    """The check of `requested` credits against a cached entitlement: granted while the balance
    covers it (and is above zero) or the limit is soft, else `InsufficientCredits`. A denial
    for another reason (no subscription, ...) stays as it is."""
    if base.access_denied_reason is not None and base.access_denied_reason != INSUFFICIENT:
        return base.model_copy(update={"requested_usage": requested})
    entitled = base.has_access or base.access_denied_reason == INSUFFICIENT
    if not entitled:
        return base.model_copy(
            update={"requested_usage": requested, "access_denied_reason": NO_ENTITLEMENT}
        )
    balance = base.balance
    covered = balance > 0 and balance >= requested
    has_access = base.has_soft_limit or covered
    return base.model_copy(
        update={
            "requested_usage": requested,
            "has_access": has_access,
            "access_denied_reason": None if has_access else INSUFFICIENT,
        }
    )


NOT_ENTITLED = CreditEntitlement(access_denied_reason=NO_ENTITLEMENT)
"""The answer for a currency the loaded entitlements do not grant."""
