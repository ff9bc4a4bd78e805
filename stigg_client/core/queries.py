"""The network reads both SDKs make the same way: variables in, validated models out, uncached."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from stigg_client.core import mapping
from stigg_client.core.graphql import reads as documents
from stigg_client.errors import NotFoundError, ValidationError
from stigg_client.models.customer import Customer
from stigg_client.models.paywall import Paywall
from stigg_client.models.subscriptions import Coupon, SlimSubscriptionV2, Subscription
from stigg_client.transport.api import StiggApi

if TYPE_CHECKING:
    from stigg_client.models.estimates import SubscriptionPreview

MAX_RESOURCE_IDS = 100


def customer_not_found() -> NotFoundError:
    """What a read (or a customer mutation) raises when Stigg answers null for the customer."""
    return NotFoundError("Customer not found", code="CustomerNotFound")


def checked_resource_ids(ids: Sequence[str]) -> list[str]:
    """The `resourceIds` filter, at most `MAX_RESOURCE_IDS` of them."""
    listed = list(ids)
    if len(listed) > MAX_RESOURCE_IDS:
        raise ValidationError(f"at most {MAX_RESOURCE_IDS} resource ids are allowed")
    return listed


def paywall_of(data: Mapping[str, Any]) -> Paywall:
    """The `paywall` of a GraphQL or edge answer."""
    return Paywall.model_validate(mapping.paywall(data.get("paywall") or {}))


def slim_subscriptions_of(data: Mapping[str, Any]) -> list[SlimSubscriptionV2]:
    """The `getActiveSubscriptions` list of a GraphQL or edge answer; null: no such customer."""
    raw = data.get("getActiveSubscriptions")
    if raw is None:
        raise customer_not_found()
    return [SlimSubscriptionV2.model_validate(item) for item in raw]


async def fetch_paywall(
    api: StiggApi,
    *,
    product_id: str | None,
    customer_id: str | None,
    resource_id: str | None,
    billing_country_code: str | None,
    include_hidden_plans: bool,
    context: str | None = None,
    fetch_all_countries_prices: bool = False,
) -> Paywall:
    """`GetPaywall` with the given (truthy) filters."""
    candidates = {
        "productId": product_id,
        "customerId": customer_id,
        "resourceId": resource_id,
        "context": context,
        "billingCountryCode": billing_country_code,
        "includeHiddenPlans": include_hidden_plans,
        "fetchAllCountriesPrices": fetch_all_countries_prices,
    }
    variables = {"input": {k: v for k, v in candidates.items() if v}}
    return paywall_of(await api.graphql("GetPaywall", documents.GET_PAYWALL, variables))


async def fetch_customer(api: StiggApi, customer_id: str) -> Customer:
    """`getCustomerByRefId`; null means not found."""
    data = await api.graphql(
        "GetCustomerById", documents.GET_CUSTOMER, {"input": {"customerId": customer_id}}
    )
    raw = data.get("getCustomerByRefId")
    if raw is None:
        raise customer_not_found()
    return Customer.model_validate(mapping.customer(raw))


async def fetch_active_subscriptions_list(
    api: StiggApi, query: Mapping[str, Any]
) -> list[SlimSubscriptionV2]:
    """`GetActiveSubscriptionsList` (slim subscriptions) over GraphQL."""
    data = await api.graphql(
        "GetActiveSubscriptionsList",
        documents.GET_ACTIVE_SUBSCRIPTIONS_LIST,
        {"input": query},
    )
    return slim_subscriptions_of(data)


async def fetch_subscription(api: StiggApi, subscription_id: str) -> Subscription:
    """`getSubscription` by id."""
    data = await api.graphql(
        "GetSubscription",
        documents.GET_SUBSCRIPTION,
        {"input": {"subscriptionId": subscription_id}},
    )
    raw = data.get("getSubscription")
    if raw is None:
        raise NotFoundError(f"Subscription {subscription_id} not found")
    return Subscription.model_validate(mapping.subscription(raw))


async def fetch_coupons(api: StiggApi) -> list[Coupon]:
    """Active coupons (first 50)."""
    data = await api.graphql("GetCoupons", documents.GET_COUPONS)
    edges = (data.get("coupons") or {}).get("edges") or []
    return [Coupon.model_validate(edge["node"]) for edge in edges]


async def fetch_estimate(api: StiggApi, wire_input: Any) -> SubscriptionPreview:
    """`estimateSubscription` with already-wired `input` variables."""
    from stigg_client.models.estimates import SubscriptionPreview  # first use: not at start-up

    data = await api.graphql(
        "EstimateSubscription", documents.ESTIMATE_SUBSCRIPTION, {"input": wire_input}
    )
    return SubscriptionPreview.model_validate(data.get("estimateSubscription") or {})


async def fetch_estimate_update(api: StiggApi, wire_input: Any) -> SubscriptionPreview:
    """`estimateSubscriptionUpdate` with already-wired `input` variables."""
    from stigg_client.models.estimates import SubscriptionPreview  # first use: not at start-up

    data = await api.graphql(
        "EstimateSubscriptionUpdate",
        documents.ESTIMATE_SUBSCRIPTION_UPDATE,
        {"input": wire_input},
    )
    return SubscriptionPreview.model_validate(data.get("estimateSubscriptionUpdate") or {})
