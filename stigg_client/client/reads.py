"""Network reads (never cached): variables in, validated models out.

The reads both SDKs make the same way are in `stigg_client.core.queries`; `Reads` adds the
client SDK's context (current customer/resource) and edge documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from stigg_client._moved import moved_names
from stigg_client.core import edge_paths, mapping, wire
from stigg_client.core.graphql import reads as documents
from stigg_client.core.queries import (
    checked_resource_ids,
    customer_not_found,
    fetch_active_subscriptions_list,
    fetch_coupons,
    fetch_customer,
    fetch_estimate,
    fetch_estimate_update,
    fetch_paywall,
    fetch_subscription,
    paywall_of,
    slim_subscriptions_of,
)
from stigg_client.errors import ValidationError
from stigg_client.models.customer import Customer
from stigg_client.models.paywall import Paywall
from stigg_client.models.subscriptions import Coupon, SlimSubscriptionV2, Subscription
from stigg_client.transport.api import StiggApi

if TYPE_CHECKING:
    from stigg_client.models.estimates import SubscriptionPreview
    from stigg_client.models.portal import CustomerPortal


class ReadContext(Protocol):
    """What reads need of the client: its current customer and resource."""

    @property
    def customer_id(self) -> str | None:
        """The current customer, or None for an anonymous visitor."""
        ...

    @property
    def resource_id(self) -> str | None:
        """The current resource, or None."""
        ...

    def require_customer(self) -> str:
        """The current customer; raises `ValidationError` when none is set."""
        ...


class Reads:
    """Implements the client's read methods on a `StiggApi` and the client's current context."""

    def __init__(self, api: StiggApi, context: ReadContext) -> None:
        self._api = api
        self._client = context

    async def paywall(
        self,
        *,
        product_id: str | None,
        resource_id: str | None,
        billing_country_code: str | None,
        include_hidden_plans: bool,
        context: str | None,
        fetch_all_countries_prices: bool = False,
    ) -> Paywall:
        """Edge `paywall.json` when no customer is set (and the edge is on), else GraphQL."""
        customer_id = self._client.customer_id
        if customer_id is None and self._api.edge_uri is not None:
            path = edge_paths.paywall_path(
                product_id, billing_country_code, include_hidden_plans, fetch_all_countries_prices
            )
            return paywall_of(await self._api.edge(path))
        return await fetch_paywall(
            self._api,
            product_id=product_id,
            customer_id=customer_id,
            resource_id=resource_id,
            billing_country_code=billing_country_code,
            include_hidden_plans=include_hidden_plans,
            context=context,
            fetch_all_countries_prices=fetch_all_countries_prices,
        )

    async def customer_portal(
        self, *, resource_id: str | None, product_id: str | None
    ) -> CustomerPortal:
        """`customerPortal` for the current customer."""
        from stigg_client.models.portal import CustomerPortal  # first use: not at start-up

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
        return await fetch_estimate(self._api, wire.to_wire(values))

    async def estimate_subscription_update(self, params: Mapping[str, Any]) -> SubscriptionPreview:
        """`estimateSubscriptionUpdate` for `subscription_id`."""
        if "subscription_id" not in params:
            raise ValidationError("estimate_subscription_update needs subscription_id")
        return await fetch_estimate_update(self._api, wire.to_wire(params))


__getattr__ = moved_names(
    __name__,
    {"to_wire": "stigg_client.core.wire", "MAX_RESOURCE_IDS": "stigg_client.core.queries"},
)
