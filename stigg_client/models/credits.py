"""Credits (docs/protocol.md §5.7): custom currencies, credit entitlements, grants, balances, the
ledger, usage, consumption, cost estimates and auto-recharge settings (Stigg's GraphQL shapes)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from stigg_client.models.base import StiggModel, UtcDateTime, open_enum
from stigg_client.models.common import Money
from stigg_client.models.enums import AccessDeniedReasonValue


class CreditGrantType(StrEnum):
    PAID = "PAID"
    PROMOTIONAL = "PROMOTIONAL"
    RECURRING = "RECURRING"
    OVERDRAFT = "OVERDRAFT"


class CreditGrantStatus(StrEnum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    PAYMENT_PENDING = "PAYMENT_PENDING"
    SCHEDULED = "SCHEDULED"
    VOIDED = "VOIDED"


class CreditLedgerEventType(StrEnum):
    CREDITS_GRANTED = "CREDITS_GRANTED"
    CREDITS_CONSUMED = "CREDITS_CONSUMED"
    CREDITS_EXPIRED = "CREDITS_EXPIRED"
    CREDITS_VOIDED = "CREDITS_VOIDED"
    CREDITS_UPDATED = "CREDITS_UPDATED"
    CREDITS_CONSUMPTION_TRANSFER_SOURCE = "CREDITS_CONSUMPTION_TRANSFER_SOURCE"
    CREDITS_CONSUMPTION_TRANSFER_TARGET = "CREDITS_CONSUMPTION_TRANSFER_TARGET"


class CreditUsageTimeRange(StrEnum):
    LAST_DAY = "LAST_DAY"
    LAST_WEEK = "LAST_WEEK"
    LAST_MONTH = "LAST_MONTH"
    LAST_YEAR = "LAST_YEAR"


class ThresholdType(StrEnum):
    CREDIT_AMOUNT = "CreditAmount"
    DOLLAR_AMOUNT = "DollarAmount"


class GrantExpirationPeriod(StrEnum):
    ONE_MONTH = "OneMonth"
    ONE_YEAR = "OneYear"


CreditGrantTypeValue = Annotated[CreditGrantType | str, open_enum(CreditGrantType)]
CreditGrantStatusValue = Annotated[CreditGrantStatus | str, open_enum(CreditGrantStatus)]
CreditLedgerEventTypeValue = Annotated[
    CreditLedgerEventType | str, open_enum(CreditLedgerEventType)
]
ThresholdTypeValue = Annotated[ThresholdType | str, open_enum(ThresholdType)]
GrantExpirationPeriodValue = Annotated[
    GrantExpirationPeriod | str, open_enum(GrantExpirationPeriod)
]


class CreditCurrency(StiggModel):
    """The currency of a credit entitlement (Stigg's `EntitlementCurrency`)."""

    currency_id: str
    display_name: str
    description: str | None = None
    unit_singular: str | None = None
    unit_plural: str | None = None
    additional_meta_data: dict[str, Any] | None = None


class CreditEntitlement(StiggModel):
    """A customer's credits of one currency: granted (active grants) and used on them."""

    currency: CreditCurrency
    is_granted: bool
    access_denied_reason: AccessDeniedReasonValue | None = None
    usage_limit: float | None = None
    current_usage: float | None = None
    has_soft_limit: bool | None = None
    valid_until: UtcDateTime | None = None
    usage_period_end: UtcDateTime | None = None
    usage_updated_at: UtcDateTime | None = None
    entitlement_updated_at: UtcDateTime | None = None

    @property
    def balance(self) -> float:
        """Credits left: granted minus used (negative when overdrawn)."""
        return (self.usage_limit or 0.0) - (self.current_usage or 0.0)


class Units(StiggModel):
    """Singular and plural unit names of a currency."""

    singular: str | None = None
    plural: str | None = None


class SlimCustomCurrency(StiggModel):
    """A custom currency, by id, with its names."""

    currency_id: str
    display_name: str
    symbol: str | None = None
    units: Units | None = None


class CreditGrant(StiggModel):
    """A grant of credits: amount, what is consumed, type, status, dates, priority and cost."""

    grant_id: str
    customer_id: str
    currency_id: str
    display_name: str
    amount: float
    consumed_amount: float
    grant_type: CreditGrantTypeValue
    status: CreditGrantStatusValue | None = None
    source_type: str | None = None
    priority: float | None = None
    effective_at: UtcDateTime | None = None
    expire_at: UtcDateTime | None = None
    voided_at: UtcDateTime | None = None
    cost: Money | None = None
    payment_collection: str | None = None
    invoice_id: str | None = None
    automatic_recharge_configuration_id: str | None = None
    resource_id: str | None = None
    comment: str | None = None
    additional_meta_data: dict[str, Any] | None = None
    created_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None


class CreditPage(StiggModel):
    """Where a page of a cursor connection stands: `end_cursor` is the next page's `after`."""

    total_count: int
    has_next_page: bool = False
    end_cursor: str | None = None


class CreditGrantsPage(CreditPage):
    """One page of grants, newest first."""

    grants: list[CreditGrant]


class CreditBalance(StiggModel):
    """The balance of one currency: what is left, granted and consumed."""

    currency_id: str
    currency: SlimCustomCurrency | None = None
    current_balance: float
    total_granted: float
    total_consumed: float
    valid_until: float | None = None
    customer_id: str | None = None
    resource_id: str | None = None


class CreditLedgerEvent(StiggModel):
    """One ledger entry: granted (+), consumed, expired or voided (-) credits of a grant."""

    timestamp: UtcDateTime
    event_type: CreditLedgerEventTypeValue
    amount: float
    credit_grant_id: str
    credit_currency_id: str
    customer_id: str
    resource_id: str | None = None
    event_id: str | None = None
    feature_id: str | None = None


class CreditLedgerPage(CreditPage):
    """One page of the ledger, newest first."""

    events: list[CreditLedgerEvent]


class CreditUsagePoint(StiggModel):
    """Credits burned in one time bucket."""

    timestamp: UtcDateTime
    value: float
    event_count: int


class CreditUsageSeries(StiggModel):
    """Credits one feature burned (no feature: direct consumption) over the range."""

    feature_id: str | None = None
    feature_name: str | None = None
    total_credits: float
    event_count: int
    points: list[CreditUsagePoint]


class CreditUsage(StiggModel):
    """Credit usage by feature over a time range."""

    currency: SlimCustomCurrency | None = None
    series: list[CreditUsageSeries]


class OptimisticCreditBalance(StiggModel):
    """The credit entitlement's figures right after a consumption."""

    currency_id: str
    current_usage: float
    usage_limit: float
    usage_period_end: UtcDateTime | None = None
    timestamp: UtcDateTime | None = None


class CreditConsumption(StiggModel):
    """An acknowledged consumption (a retried idempotency key answers the first one)."""

    customer_id: str
    currency_id: str
    resource_id: str | None = None
    amount: float
    timestamp: UtcDateTime
    credit: OptimisticCreditBalance | None = None


class EstimationBreakdownItem(StiggModel):
    """What one feature contributes to an estimate."""

    feature_id: str
    cost: float
    warning_code: str | None = None


class CurrencyEstimate(StiggModel):
    """An estimate in one currency."""

    currency_id: str
    current_balance: float
    estimated_cost: float
    balance_after_estimate: float
    would_overdraft: bool
    breakdown: list[EstimationBreakdownItem]


class CreditCostEstimation(StiggModel):
    """What an event or a usage amount would cost, per currency."""

    estimates: list[CurrencyEstimate]
    warnings: list[str]


class AutoRechargeSettings(StiggModel):
    """Automatic purchase of credits below a threshold, up to a target, within a monthly limit."""

    customer_id: str
    currency_id: str
    is_enabled: bool
    threshold_type: ThresholdTypeValue
    threshold_value: float
    target_balance: float
    max_spend_limit: float | None = None
    current_monthly_spend: float = 0.0
    grant_expiration_period: GrantExpirationPeriodValue | None = None


class CreditBalanceUpdatedEvent(CreditBalance):
    """The `credit_balance_updated` listener payload (Stigg's `CreditBalanceUpdated`)."""

    customer_id: str
