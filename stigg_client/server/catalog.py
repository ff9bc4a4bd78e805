"""Catalog reads and estimates of the server SDK (shared reads from `stigg_client.core`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from stigg_client.core import queries
from stigg_client.core.graphql import server as documents
from stigg_client.core.wire import to_wire
from stigg_client.models.estimates import SubscriptionPreview
from stigg_client.models.paywall import Paywall
from stigg_client.models.subscriptions import Coupon
from stigg_client.server.models import Product
from stigg_client.server.state import ServerState

logger = logging.getLogger("stigg_client")


class CatalogPart(ServerState):
    """Catalog reads and estimates of the server SDK (shared reads from `stigg_client.core`)."""

    async def get_paywall(
        self,
        *,
        product_id: str | None = None,
        customer_id: str | None = None,
        resource_id: str | None = None,
        billing_country_code: str | None = None,
        include_hidden_plans: bool = False,
    ) -> Paywall:
        """Plans, prices and entitlements for a pricing page (or one customer's paywall)."""
        return await queries.fetch_paywall(
            self.api,
            product_id=product_id,
            customer_id=customer_id,
            resource_id=resource_id,
            billing_country_code=billing_country_code,
            include_hidden_plans=include_hidden_plans,
        )

    async def get_coupons(self) -> list[Coupon]:
        """Active coupons."""
        return await queries.fetch_coupons(self.api)

    async def get_products(self) -> list[Product]:
        """Every product with its downgrade plan."""
        data = await self.api.graphql("GetProducts", documents.GET_PRODUCTS)
        edges = (data.get("products") or {}).get("edges") or []
        return [Product.model_validate(edge["node"]) for edge in edges]

    async def estimate_subscription(
        self,
        customer_id: str,
        plan_id: str,
        *,
        billing_period: str | None = None,
        billable_features: Sequence[Mapping[str, Any]] | None = None,
        addons: Sequence[Mapping[str, Any]] | None = None,
        billing_information: Mapping[str, Any] | None = None,
        promotion_code: str | None = None,
        start_date: datetime | None = None,
        billing_country_code: str | None = None,
        resource_id: str | None = None,
        unit_quantity: float | None = None,
        skip_trial: bool | None = None,
    ) -> SubscriptionPreview:
        """What a new subscription would cost (totals, discount, tax, proration)."""
        payload = to_wire(
            {
                "customer_id": customer_id,
                "plan_id": plan_id,
                "billing_period": billing_period,
                "billable_features": billable_features,
                "addons": addons,
                "billing_information": billing_information,
                "promotion_code": promotion_code,
                "start_date": start_date,
                "billing_country_code": billing_country_code,
                "resource_id": resource_id,
                "unit_quantity": unit_quantity,
                "skip_trial": skip_trial,
            }
        )
        return await queries.fetch_estimate(self.api, payload)

    async def estimate_subscription_update(
        self,
        subscription_id: str,
        *,
        billable_features: Sequence[Mapping[str, Any]] | None = None,
        addons: Sequence[Mapping[str, Any]] | None = None,
        promotion_code: str | None = None,
        unit_quantity: float | None = None,
    ) -> SubscriptionPreview:
        """What changing a subscription would cost, with the proration breakdown."""
        payload = to_wire(
            {
                "subscription_id": subscription_id,
                "billable_features": billable_features,
                "addons": addons,
                "promotion_code": promotion_code,
                "unit_quantity": unit_quantity,
            }
        )
        return await queries.fetch_estimate_update(self.api, payload)
