"""Entitlement check results (the shapes `get_*_entitlement` return) and fallback configuration."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.enums import (
    AccessDeniedReasonValue,
    EntitlementResetPeriodValue,
    FeatureTypeValue,
    MeterTypeValue,
)


class EntitlementFeature(StiggModel):
    """The feature an entitlement is about, as the SDK exposes it (`refId` becomes `id`)."""

    model_config = ConfigDict(frozen=True)

    id: str
    feature_type: FeatureTypeValue | None = None
    meter_type: MeterTypeValue | None = None
    units: str | None = None
    units_plural: str | None = None
    display_name: str | None = None
    description: str | None = None
    is_metered: bool | None = None
    metadata: dict[str, Any] | None = None


class ResetSettings(StiggModel):
    """Deprecated metered-result field: when the usage resets next."""

    model_config = ConfigDict(frozen=True)

    next_reset_date: UtcDateTime | None = None
    reset_period: EntitlementResetPeriodValue | None = None


class BooleanEntitlement(StiggModel):
    """Result of `get_boolean_entitlement` (immutable: cached results are shared)."""

    model_config = ConfigDict(frozen=True)

    is_fallback: bool = False
    has_access: bool = False
    access_denied_reason: AccessDeniedReasonValue | None = None
    feature: EntitlementFeature | None = None


class NumericEntitlement(BooleanEntitlement):
    """Result of `get_numeric_entitlement`: a configuration value such as a limit or a size."""

    is_unlimited: bool | None = None
    value: float | None = None


class MeteredEntitlement(BooleanEntitlement):
    """Result of `get_metered_entitlement`: a usage quota and the usage so far in this period."""

    is_unlimited: bool | None = None
    usage_limit: float | None = None
    current_usage: float | None = None
    requested_usage: float | None = None
    reset_period: EntitlementResetPeriodValue | None = None
    usage_period_anchor: UtcDateTime | None = None
    usage_period_start: UtcDateTime | None = None
    usage_period_end: UtcDateTime | None = None
    reset_settings: ResetSettings | None = None


class EnumEntitlement(BooleanEntitlement):
    """Result of `get_enum_entitlement`: the values an ENUM feature allows the customer.

    Access is denied (`RequestedValuesMismatch`) when a requested value is not among them.
    """

    enum_values: tuple[str, ...] = ()
    requested_values: tuple[str, ...] | None = None


Entitlement = BooleanEntitlement | NumericEntitlement | MeteredEntitlement | EnumEntitlement
"""Any entitlement result, as listed by `get_entitlements`."""


class EntitlementFallback(StiggModel):
    """Per-feature fallback values (`entitlements_fallback={feature_id: {...}}`).

    See docs/protocol.md §5.3.
    """

    has_access: bool = False
    value: float | None = None
    usage_limit: float | None = None
    is_unlimited: bool | None = None
    current_usage: float | None = None
    requested_usage: float | None = None
    enum_values: tuple[str, ...] | None = None
    access_denied_reason: AccessDeniedReasonValue | None = Field(default=None)
