"""Payloads of the server SDK's listener events that mirror Stigg's node SDK 3.95.0:
`entitlements_updated` (its `EntitlementsUpdatedPayload`), `network_request_failed`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.enums import (
    AccessDeniedReasonValue,
    EntitlementResetPeriodValue,
    FeatureTypeValue,
    MeterTypeValue,
)
from stigg_client.server.store import epoch_ms


class UnitTransformation(StiggModel):
    """How reported usage is shown: divided by `divide`, rounded `UP` or `DOWN`."""

    divide: float
    round: str | None = None


class UpdatedEntitlementFeature(StiggModel):
    """The feature of an updated entitlement."""

    ref_id: str
    feature_type: FeatureTypeValue | None = None
    meter_type: MeterTypeValue | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None
    description: str | None = None
    display_name: str | None = None
    unit_transformation: UnitTransformation | None = None


class YearlyResetPeriodConfig(StiggModel):
    """When in the year a yearly-resetting entitlement resets."""

    yearly_according_to: str


class MonthlyResetPeriodConfig(StiggModel):
    """When in the month a monthly-resetting entitlement resets."""

    monthly_according_to: str


class WeeklyResetPeriodConfig(StiggModel):
    """On which day a weekly-resetting entitlement resets."""

    weekly_according_to: str


ResetPeriodConfiguration = (
    YearlyResetPeriodConfig | MonthlyResetPeriodConfig | WeeklyResetPeriodConfig
)


class CreditRate(StiggModel):
    """Credits a unit of the feature costs."""

    amount: float
    currency_id: str | None = None


class UpdatedEntitlement(StiggModel):
    """One entitlement of an `entitlements_updated` payload, as Stigg pushes it."""

    is_granted: bool
    access_denied_reason: AccessDeniedReasonValue | None = None
    customer_id: str | None = None
    resource_id: str | None = None
    usage_limit: float | None = None
    has_unlimited_usage: bool = False
    has_soft_limit: bool | None = None
    current_usage: float | None = None
    requested_usage: float | None = None
    requested_values: list[str] | None = None
    enum_values: list[str] | None = None
    entitlement_updated_at: UtcDateTime | None = None
    usage_updated_at: UtcDateTime | None = None
    usage_period_anchor: UtcDateTime | None = None
    usage_period_start: UtcDateTime | None = None
    usage_period_end: UtcDateTime | None = None
    next_reset_date: UtcDateTime | None = None
    reset_period: EntitlementResetPeriodValue | None = None
    reset_period_configuration: ResetPeriodConfiguration | None = None
    feature: UpdatedEntitlementFeature | None = None
    credit_rate: CreditRate | None = None
    valid_until: float | None = Field(default=None, description="Epoch milliseconds.")


class EntitlementsUpdatedEvent(StiggModel):
    """Payload of `entitlements_updated`: a customer (or resource) and its entitlements after
    the change, shaped as Stigg's `EntitlementsUpdatedPayload`."""

    customer_id: str
    resource_id: str | None = None
    access_denied_reason: str | None = None
    entitlements: list[UpdatedEntitlement] = Field(default_factory=list)


class NetworkRequestFailedEvent(StiggModel):
    """Payload of `network_request_failed`: an API request the server failed or rejected."""

    error_message: str
    error_code: str | None = None
    trace_id: str | None = None
    status: int | None = None
    operation: str | None = None


def updated_entitlement(
    raw: dict[str, Any], customer_id: str, resource_id: str | None
) -> UpdatedEntitlement:
    """A pushed `FeatureEntitlement` as an entitlement of Stigg's update payload: it belongs
    to the pushed scope, answers no request, resets at the end of its usage period, and is
    valid until an epoch-ms moment (docs/protocol.md §6.3)."""
    values = dict(raw)
    values.pop("__typename", None)
    values["customerId"] = customer_id
    values["resourceId"] = resource_id
    values["nextResetDate"] = raw.get("usagePeriodEnd") if raw.get("resetPeriod") else None
    if raw.get("validUntil") is not None:
        values["validUntil"] = epoch_ms(raw["validUntil"])
    return UpdatedEntitlement.model_validate(values)
