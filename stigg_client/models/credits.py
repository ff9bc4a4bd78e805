"""Credits (docs/protocol.md §5.7): a customer's balance of a custom currency, its grants, its
usage over time and its automatic recharge, in Stigg's wire shapes (stigg-api-client 6.25.0)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.common import Money
from stigg_client.models.entitlements import Entitlement
from stigg_client.models.enums import (
    AccessDeniedReasonValue,
    CreditGrantStatus,
    CreditGrantStatusValue,
    CreditGrantType,
    CreditGrantTypeValue,
    CreditUsageTimeRange,
)


class CreditCurrency(StiggModel):
    """A custom currency as an entitlement names it (wire `EntitlementCurrency`)."""

    model_config = ConfigDict(frozen=True)

    currency_id: str
    display_name: str = ""
    description: str | None = None
    unit_singular: str | None = None
    unit_plural: str | None = None
    additional_meta_data: dict[str, Any] | None = None


class CreditEntitlement(StiggModel):
    """Result of `get_credit_entitlement`: the customer's balance of one currency.

    `usage_limit` is what the active grants hold in all, `current_usage` what was consumed of
    them; `balance` is the difference. Access is denied (`InsufficientCredits`) when the balance
    does not cover `requested_usage`, unless the entitlement has a soft limit.
    """

    model_config = ConfigDict(frozen=True)

    is_fallback: bool = False
    has_access: bool = False
    access_denied_reason: AccessDeniedReasonValue | None = None
    currency: CreditCurrency | None = None
    usage_limit: float | None = None
    current_usage: float = 0.0
    requested_usage: float = 0.0
    has_soft_limit: bool = False
    valid_until: UtcDateTime | None = None
    usage_period_end: UtcDateTime | None = None
    usage_updated_at: UtcDateTime | None = None

    @property
    def balance(self) -> float:
        """Credits left: granted minus consumed (never below zero)."""
        return max((self.usage_limit or 0.0) - self.current_usage, 0.0)


AnyEntitlement = Entitlement | CreditEntitlement
"""An entry of `get_entitlements`: a feature's entitlement or a currency's balance."""


class CreditUnits(StiggModel):
    """Singular and plural unit names of a currency."""

    singular: str | None = None
    plural: str | None = None


class SlimCustomCurrency(StiggModel):
    """A currency as usage and balance reads name it."""

    currency_id: str
    display_name: str = ""
    symbol: str | None = None
    units: CreditUnits | None = None


class CreditGrant(StiggModel):
    """One grant of credits (wire `CreditGrant`)."""

    id: str | None = None
    grant_id: str
    customer_id: str | None = None
    resource_id: str | None = None
    currency_id: str
    display_name: str = ""
    amount: float
    consumed_amount: float = 0.0
    grant_type: CreditGrantTypeValue
    status: CreditGrantStatusValue = CreditGrantStatus.ACTIVE
    source_type: str | None = None
    priority: float = 0.0
    effective_at: UtcDateTime | None = None
    expire_at: UtcDateTime | None = None
    voided_at: UtcDateTime | None = None
    cost: Money | None = None
    comment: str | None = None
    created_at: UtcDateTime | None = None

    @property
    def remaining(self) -> float:
        """What is left of the grant."""
        return max(self.amount - self.consumed_amount, 0.0)


class CreditUsagePoint(StiggModel):
    """Credits burnt in one time bucket."""

    timestamp: UtcDateTime
    value: float
    event_count: int = 0


class CreditUsageSeries(StiggModel):
    """Credits burnt by one feature over the range."""

    feature_id: str | None = None
    feature_name: str | None = None
    total_credits: float = 0.0
    event_count: int = 0
    points: list[CreditUsagePoint] = []


class CreditUsage(StiggModel):
    """Result of `get_credit_usage`: one series per feature."""

    currency: SlimCustomCurrency | None = None
    series: list[CreditUsageSeries] = []


class AutoRechargeSettings(StiggModel):
    """Automatic recharge of a currency (wire `AutoRechargeSettingsDTO`): below
    `threshold_value`, buy up to `target_balance`, spending at most `max_spend_limit` a month."""

    customer_id: str
    currency_id: str
    is_enabled: bool = False
    threshold_type: str = "CreditAmount"
    threshold_value: float = 0.0
    target_balance: float = 0.0
    max_spend_limit: float | None = None
    current_monthly_spend: float = 0.0
    grant_expiration_period: str | None = None


__all__ = [
    "AnyEntitlement",
    "AutoRechargeSettings",
    "CreditCurrency",
    "CreditEntitlement",
    "CreditGrant",
    "CreditGrantStatus",
    "CreditGrantType",
    "CreditUnits",
    "CreditUsage",
    "CreditUsagePoint",
    "CreditUsageSeries",
    "CreditUsageTimeRange",
    "SlimCustomCurrency",
]
