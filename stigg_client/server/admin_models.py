"""Result shapes of the server SDK's imports, statistics and subscription search.

Each mirrors the JSON that Stigg's node server SDK 3.95.0 returns for the same call (camelCase
by alias), so the two can be compared field for field.
"""

from __future__ import annotations

from pydantic import Field

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.enums import PricingTypeValue, SubscriptionStatusValue


class PricingTypeCount(StiggModel):
    """How many active subscriptions a customer has of one pricing type."""

    pricing_type: PricingTypeValue
    total_count: int


class CustomerStatisticsValues(StiggModel):
    """The `statistics` of a customer."""

    active_subscriptions_by_pricing_type: list[PricingTypeCount] = Field(default_factory=list)


class CustomerStatistics(StiggModel):
    """`get_customer_statistics`: counts of the customer's active subscriptions."""

    statistics: CustomerStatisticsValues


class CustomerIdRef(StiggModel):
    """A customer by id."""

    customer_id: str


class ResourceIdRef(StiggModel):
    """A customer resource by id."""

    resource_id: str


class SubscriptionPlanRef(StiggModel):
    """A subscription's plan: its id and name."""

    plan_id: str
    display_name: str | None = None


class AddonIdRef(StiggModel):
    """An add-on by id."""

    addon_id: str


class SubscriptionAddonRef(StiggModel):
    """An add-on of a subscription and its quantity."""

    quantity: float
    addon: AddonIdRef


class TrialConfigurationRef(StiggModel):
    """What happens when the plan's trial ends."""

    trial_end_behavior: str | None = None


class SubscriptionSummary(StiggModel):
    """One subscription of `get_subscriptions`."""

    subscription_id: str
    status: SubscriptionStatusValue
    pricing_type: PricingTypeValue
    start_date: UtcDateTime
    current_billing_period_end: UtcDateTime | None = None
    customer: CustomerIdRef
    paying_customer: CustomerIdRef | None = None
    resource: ResourceIdRef | None = None
    plan: SubscriptionPlanRef
    addons: list[SubscriptionAddonRef] = Field(default_factory=list)
    trial_configuration: TrialConfigurationRef | None = None
    trial_end_date: UtcDateTime | None = None


class PageInfo(StiggModel):
    """Cursors of a page: pass `end_cursor` as `starting_after` for the next page and
    `start_cursor` as `ending_before` for the previous one."""

    start_cursor: str | None = None
    end_cursor: str | None = None
    has_next_page: bool = False
    has_previous_page: bool = False


class SubscriptionsPage(StiggModel):
    """`get_subscriptions`: one page of subscriptions and its cursors."""

    data: list[SubscriptionSummary]
    page_info: PageInfo
