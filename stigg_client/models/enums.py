"""Stigg enums with their exact GraphQL wire values (docs/protocol.md §5.2, §7)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from stigg_client.models.base import open_enum


class FeatureType(StrEnum):
    BOOLEAN = "BOOLEAN"
    ENUM = "ENUM"
    NUMBER = "NUMBER"


class MeterType(StrEnum):
    FLUCTUATING = "Fluctuating"
    INCREMENTAL = "Incremental"
    NONE = "None"


class AccessDeniedReason(StrEnum):
    BUDGET_EXCEEDED = "BudgetExceeded"
    CUSTOMER_IS_ARCHIVED = "CustomerIsArchived"
    CUSTOMER_NOT_FOUND = "CustomerNotFound"
    CUSTOMER_RESOURCE_NOT_FOUND = "CustomerResourceNotFound"
    ENTITLEMENT_NOT_FOUND = "EntitlementNotFound"
    FEATURE_NOT_FOUND = "FeatureNotFound"
    FEATURE_TYPE_MISMATCH = "FeatureTypeMismatch"
    INSUFFICIENT_CREDITS = "InsufficientCredits"
    NO_ACTIVE_SUBSCRIPTION = "NoActiveSubscription"
    NO_FEATURE_ENTITLEMENT_IN_SUBSCRIPTION = "NoFeatureEntitlementInSubscription"
    REQUESTED_USAGE_EXCEEDING_LIMIT = "RequestedUsageExceedingLimit"
    REQUESTED_VALUES_MISMATCH = "RequestedValuesMismatch"
    REVOKED = "Revoked"
    UNKNOWN = "Unknown"


class EntitlementResetPeriod(StrEnum):
    DAY = "DAY"
    HOUR = "HOUR"
    MONTH = "MONTH"
    WEEK = "WEEK"
    YEAR = "YEAR"


class MonthlyAccordingTo(StrEnum):
    START_OF_THE_MONTH = "StartOfTheMonth"
    SUBSCRIPTION_START = "SubscriptionStart"


class WeeklyAccordingTo(StrEnum):
    EVERY_FRIDAY = "EveryFriday"
    EVERY_MONDAY = "EveryMonday"
    EVERY_SATURDAY = "EverySaturday"
    EVERY_SUNDAY = "EverySunday"
    EVERY_THURSDAY = "EveryThursday"
    EVERY_TUESDAY = "EveryTuesday"
    EVERY_WEDNESDAY = "EveryWednesday"
    SUBSCRIPTION_START = "SubscriptionStart"


class YearlyAccordingTo(StrEnum):
    SUBSCRIPTION_START = "SubscriptionStart"


class SubscriptionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    IN_TRIAL = "IN_TRIAL"
    NOT_STARTED = "NOT_STARTED"
    PAYMENT_PENDING = "PAYMENT_PENDING"


class PricingType(StrEnum):
    CUSTOM = "CUSTOM"
    FREE = "FREE"
    PAID = "PAID"


class BillingPeriod(StrEnum):
    ANNUALLY = "ANNUALLY"
    MONTHLY = "MONTHLY"


class BillingModel(StrEnum):
    CREDIT_BASED = "CREDIT_BASED"
    FLAT_FEE = "FLAT_FEE"
    MINIMUM_SPEND = "MINIMUM_SPEND"
    PER_UNIT = "PER_UNIT"
    USAGE_BASED = "USAGE_BASED"


class TiersMode(StrEnum):
    GRADUATED = "GRADUATED"
    VOLUME = "VOLUME"


class PaymentCollection(StrEnum):
    ACTION_REQUIRED = "ACTION_REQUIRED"
    FAILED = "FAILED"
    NOT_REQUIRED = "NOT_REQUIRED"
    PROCESSING = "PROCESSING"


class SubscriptionInvoiceStatus(StrEnum):
    CANCELED = "CANCELED"
    OPEN = "OPEN"
    PAID = "PAID"


class WidgetType(StrEnum):
    CHECKOUT = "CHECKOUT"
    CUSTOMER_PORTAL = "CUSTOMER_PORTAL"
    PAYWALL = "PAYWALL"


class DiscountType(StrEnum):
    FIXED = "FIXED"
    PERCENTAGE = "PERCENTAGE"


class DiscountDurationType(StrEnum):
    FOREVER = "FOREVER"
    ONCE = "ONCE"
    REPEATING = "REPEATING"


class ExperimentGroupType(StrEnum):
    CONTROL = "CONTROL"
    VARIANT = "VARIANT"


class SubscriptionDecisionStrategy(StrEnum):
    PREDEFINED_FREE_PLAN = "PREDEFINED_FREE_PLAN"
    PREDEFINED_TRIAL_PLAN = "PREDEFINED_TRIAL_PLAN"
    REQUESTED_PLAN = "REQUESTED_PLAN"
    SKIPPED_SUBSCRIPTION_CREATION = "SKIPPED_SUBSCRIPTION_CREATION"


class ProvisionSubscriptionStatus(StrEnum):
    PAYMENT_REQUIRED = "PAYMENT_REQUIRED"
    SUCCESS = "SUCCESS"


class TrialPeriodUnits(StrEnum):
    DAY = "DAY"
    MONTH = "MONTH"


class SourceType(StrEnum):
    JS_CLIENT_SDK = "JS_CLIENT_SDK"
    NODE_SERVER_SDK = "NODE_SERVER_SDK"
    PERSISTENT_CACHE_SERVICE = "PERSISTENT_CACHE_SERVICE"


# Field types: the enum, or any other string the server (or an older doc) uses.
FeatureTypeValue = Annotated[FeatureType | str, open_enum(FeatureType)]
MeterTypeValue = Annotated[MeterType | str, open_enum(MeterType)]
AccessDeniedReasonValue = Annotated[AccessDeniedReason | str, open_enum(AccessDeniedReason)]
EntitlementResetPeriodValue = Annotated[
    EntitlementResetPeriod | str, open_enum(EntitlementResetPeriod)
]
MonthlyAccordingToValue = Annotated[MonthlyAccordingTo | str, open_enum(MonthlyAccordingTo)]
WeeklyAccordingToValue = Annotated[WeeklyAccordingTo | str, open_enum(WeeklyAccordingTo)]
YearlyAccordingToValue = Annotated[YearlyAccordingTo | str, open_enum(YearlyAccordingTo)]
SubscriptionStatusValue = Annotated[SubscriptionStatus | str, open_enum(SubscriptionStatus)]
PricingTypeValue = Annotated[PricingType | str, open_enum(PricingType)]
BillingPeriodValue = Annotated[BillingPeriod | str, open_enum(BillingPeriod)]
BillingModelValue = Annotated[BillingModel | str, open_enum(BillingModel)]
TiersModeValue = Annotated[TiersMode | str, open_enum(TiersMode)]
PaymentCollectionValue = Annotated[PaymentCollection | str, open_enum(PaymentCollection)]
SubscriptionInvoiceStatusValue = Annotated[
    SubscriptionInvoiceStatus | str, open_enum(SubscriptionInvoiceStatus)
]
WidgetTypeValue = Annotated[WidgetType | str, open_enum(WidgetType)]
DiscountTypeValue = Annotated[DiscountType | str, open_enum(DiscountType)]
DiscountDurationTypeValue = Annotated[DiscountDurationType | str, open_enum(DiscountDurationType)]
ExperimentGroupTypeValue = Annotated[ExperimentGroupType | str, open_enum(ExperimentGroupType)]
SubscriptionDecisionStrategyValue = Annotated[
    SubscriptionDecisionStrategy | str, open_enum(SubscriptionDecisionStrategy)
]
ProvisionSubscriptionStatusValue = Annotated[
    ProvisionSubscriptionStatus | str, open_enum(ProvisionSubscriptionStatus)
]
TrialPeriodUnitsValue = Annotated[TrialPeriodUnits | str, open_enum(TrialPeriodUnits)]
