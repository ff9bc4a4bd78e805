"""Network reads (never cached): variables in, validated models out.

The module-level functions are the reads both SDKs make the same way (the server SDK calls them
too); `Reads` adds the client SDK's context (current customer/resource) and edge documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic.alias_generators import to_camel

from stigg_client import mapping
from stigg_client.core import edge_paths
from stigg_client.errors import NotFoundError, ValidationError
from stigg_client.graphql import reads as documents
from stigg_client.models.base import format_utc
from stigg_client.models.customer import Customer
from stigg_client.models.estimates import SubscriptionPreview
from stigg_client.models.paywall import Paywall
from stigg_client.models.portal import CustomerPortal
from stigg_client.models.subscriptions import Coupon, SlimSubscriptionV2, Subscription
from stigg_client.transport.api import StiggApi

if TYPE_CHECKING:
    from stigg_client.client import Stigg

MAX_RESOURCE_IDS = 100


def to_wire(value: Any) -> Any:
    """snake_case keys → camelCase, datetimes → ISO strings, enums → values (recursively)."""
    if isinstance(value, Mapping):
        return {to_camel(str(k)): to_wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, Enum):
        return value.value
    return value


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
) -> Paywall:
    """`GetPaywall` with the given (truthy) filters."""
    candidates = {
        "productId": product_id,
        "customerId": customer_id,
        "resourceId": resource_id,
        "context": context,
        "billingCountryCode": billing_country_code,
        "includeHiddenPlans": include_hidden_plans,
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
    data = await api.graphql(
        "EstimateSubscription", documents.ESTIMATE_SUBSCRIPTION, {"input": wire_input}
    )
    return SubscriptionPreview.model_validate(data.get("estimateSubscription") or {})


async def fetch_estimate_update(api: StiggApi, wire_input: Any) -> SubscriptionPreview:
    """`estimateSubscriptionUpdate` with already-wired `input` variables."""
    data = await api.graphql(
        "EstimateSubscriptionUpdate",
        documents.ESTIMATE_SUBSCRIPTION_UPDATE,
        {"input": wire_input},
    )
    return SubscriptionPreview.model_validate(data.get("estimateSubscriptionUpdate") or {})


class Reads:
    """Implements the client's read methods on a `StiggApi` and the client's current context."""

    def __init__(self, api: StiggApi, client: Stigg) -> None:
        self._api = api
        self._client = client

    async def paywall(
        self,
        *,
        product_id: str | None,
        resource_id: str | None,
        billing_country_code: str | None,
        include_hidden_plans: bool,
        context: str | None,
    ) -> Paywall:
        """Edge `paywall.json` when no customer is set (and the edge is on), else GraphQL."""
        customer_id = self._client.customer_id
        if customer_id is None and self._api.edge_uri is not None:
            path = edge_paths.paywall_path(product_id, billing_country_code, include_hidden_plans)
            return paywall_of(await self._api.edge(path))
        return await fetch_paywall(
            self._api,
            product_id=product_id,
            customer_id=customer_id,
            resource_id=resource_id,
            billing_country_code=billing_country_code,
            include_hidden_plans=include_hidden_plans,
            context=context,
        )

    async def customer_portal(
        self, *, resource_id: str | None, product_id: str | None
    ) -> CustomerPortal:
        """`customerPortal` for the current customer."""
        query = {"customerId": self._client.require_customer()}
        if resource_id:
            query["resourceId"] = resource_id
        if product_id:
            query["productId"] = product_id
        data = await self._api.graphql(
            "GetCustomerPortalByRefId", documents.GET_CUSTOMER_PORTAL, {"input": query}
        )
        return CustomerPortal.model_validate(data.get("customerPortal") or {})

    async def customer(self) -> Customer:
        """`getCustomerByRefId` for the current customer; null means not found."""
        return await fetch_customer(self._api, self._client.require_customer())

    def _subscriptions_input(
        self, resource_id: str | None, resource_ids: Sequence[str] | None
    ) -> dict[str, Any]:
        query: dict[str, Any] = {"customerId": self._client.require_customer()}
        if resource_ids is not None:
            query["resourceIds"] = checked_resource_ids(resource_ids)
        elif resource_id is not None:
            query["resourceId"] = resource_id
        return query

    async def active_subscriptions_list(
        self, *, resource_id: str | None, resource_ids: Sequence[str] | None
    ) -> list[SlimSubscriptionV2]:
        """Edge `subscriptions.json`, or `GetActiveSubscriptionsList` when the edge is off."""
        query = self._subscriptions_input(resource_id, resource_ids)
        if self._api.edge_uri is not None:
            path = edge_paths.subscriptions_path(
                query["customerId"], query.get("resourceId"), query.get("resourceIds")
            )
            return slim_subscriptions_of(await self._api.edge(path))
        return await fetch_active_subscriptions_list(self._api, query)

    async def active_subscriptions(self, *, resource_id: str | None) -> list[Subscription]:
        """`GetActiveSubscriptions` (full subscriptions, always GraphQL)."""
        query = self._subscriptions_input(resource_id, None)
        data = await self._api.graphql(
            "GetActiveSubscriptions", documents.GET_ACTIVE_SUBSCRIPTIONS, {"input": query}
        )
        raw = data.get("getActiveSubscriptions")
        if raw is None:
            raise customer_not_found()
        return [Subscription.model_validate(mapping.subscription(item)) for item in raw]

    async def subscription(self, subscription_id: str) -> Subscription:
        """`getSubscription` by id."""
        return await fetch_subscription(self._api, subscription_id)

    async def coupons(self) -> list[Coupon]:
        """Active coupons (first 50)."""
        return await fetch_coupons(self._api)

    async def estimate_subscription(self, params: Mapping[str, Any]) -> SubscriptionPreview:
        """`estimateSubscription`; `customer_id`/`resource_id` default to the current context."""
        values = dict(params)
        values.setdefault("customer_id", self._client.require_customer())
        if self._client.resource_id is not None:
            values.setdefault("resource_id", self._client.resource_id)
        if "unit_quantity" in values:
            values["price_unit_amount"] = values.pop("unit_quantity")
        if "plan_id" not in values:
            raise ValidationError("estimate_subscription needs plan_id")
        return await fetch_estimate(self._api, to_wire(values))

    async def estimate_subscription_update(self, params: Mapping[str, Any]) -> SubscriptionPreview:
        """`estimateSubscriptionUpdate` for `subscription_id`."""
        if "subscription_id" not in params:
            raise ValidationError("estimate_subscription_update needs subscription_id")
        return await fetch_estimate_update(self._api, to_wire(params))
