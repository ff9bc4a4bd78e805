"""Subscription search (paged) and moves: to another resource, or delegated to a customer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stigg_client.core.graphql import server_admin as documents
from stigg_client.errors import ValidationError
from stigg_client.server.admin_models import SubscriptionsPage
from stigg_client.server.models import SlimSubscription
from stigg_client.server.state import ServerState
from stigg_client.server.store import Scope
from stigg_client.server.wire import slim_subscription

DEFAULT_PAGE_SIZE = 10


def _comparison(value: str | Sequence[str]) -> dict[str, Any]:
    """`{eq: v}` for one value, `{in: [...]}` for several."""
    if isinstance(value, str):
        return {"eq": value}
    return {"in": [str(item) for item in value]}


class SubscriptionsPart(ServerState):
    """Subscription search and subscription moves."""

    async def get_subscriptions(
        self,
        *,
        customer_id: str | None = None,
        resource_id: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        product_id: str | Sequence[str] | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        starting_after: str | None = None,
        ending_before: str | None = None,
    ) -> SubscriptionsPage:
        """A page of subscriptions, newest first, optionally of one customer, resource(s),
        status(es) or product(s). Page on with `starting_after=page.page_info.end_cursor`, or
        back with `ending_before=page.page_info.start_cursor`."""
        if starting_after and ending_before:
            raise ValidationError("pass starting_after or ending_before, not both")
        condition: dict[str, Any] = {}
        for field, value in (
            ("customerId", customer_id),
            ("resourceId", resource_id),
            ("status", status),
            ("productId", product_id),
        ):
            if value:
                condition[field] = _comparison(value)
        if starting_after:
            paging: dict[str, Any] = {"first": limit, "after": starting_after}
        elif ending_before:
            paging = {"last": limit, "before": ending_before}
        else:
            paging = {"first": limit}
        data = await self.api.graphql(
            "GetSubscriptions",
            documents.GET_SUBSCRIPTIONS,
            {"filter": condition, "paging": paging},
        )
        connection = data.get("subscriptions") or {}
        return SubscriptionsPage.model_validate(
            {
                "data": [edge["node"] for edge in connection.get("edges") or []],
                "pageInfo": connection.get("pageInfo") or {},
            }
        )

    async def transfer_subscription(
        self, customer_id: str, source_resource_id: str, destination_resource_id: str
    ) -> SlimSubscription:
        """Move the customer's subscription on one resource to another resource (prefer
        `transfer_subscription_to_resource`, which names the subscription)."""
        return await self._move(
            "TransferSubscription",
            documents.TRANSFER_SUBSCRIPTION,
            {
                "customerId": customer_id,
                "sourceResourceId": source_resource_id,
                "destinationResourceId": destination_resource_id,
            },
            [(customer_id, source_resource_id)],
        )

    async def transfer_subscription_to_resource(
        self, subscription_id: str, destination_resource_id: str | None
    ) -> SlimSubscription:
        """Move a subscription to another resource of its customer (None: to the customer
        itself)."""
        return await self._move(
            "TransferSubscriptionToResource",
            documents.TRANSFER_SUBSCRIPTION_TO_RESOURCE,
            {"subscriptionId": subscription_id, "destinationResourceId": destination_resource_id},
            [],
        )

    async def delegate_subscription_to_customer(
        self, subscription_id: str, destination_customer_id: str | None
    ) -> SlimSubscription:
        """Give a subscription's entitlements to another customer while its customer keeps
        paying (None: give it back to the paying customer)."""
        return await self._move(
            "DelegateSubscriptionToCustomer",
            documents.DELEGATE_SUBSCRIPTION_TO_CUSTOMER,
            {"subscriptionId": subscription_id, "destinationCustomerId": destination_customer_id},
            [],
        )

    async def _move(
        self, operation: str, document: str, payload: dict[str, Any], before: list[Scope]
    ) -> SlimSubscription:
        """Run a move, then drop the cached entitlements of the scopes it changed."""
        field = operation[0].lower() + operation[1:]
        data = await self.api.graphql(operation, document, {"input": payload})
        moved = SlimSubscription.model_validate(slim_subscription(data.get(field)))
        scopes = list(before)
        if moved.customer_id is not None:
            resource = moved.resource.id if moved.resource is not None else None
            scopes.append((moved.customer_id, resource))
        for scope in scopes:
            await self.store.purge(scope)
        return moved
