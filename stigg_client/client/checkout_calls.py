"""The client SDK's checkout calls: the core calls with the current customer and resource."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stigg_client.client.reads import ReadContext
from stigg_client.core import checkout
from stigg_client.models.checkout import (
    ApplySubscriptionResult,
    CheckoutState,
    SubscriptionPreviewV2,
)
from stigg_client.transport.api import StiggApi


class CheckoutCalls:
    """`get_checkout_state`, `preview_subscription` and `apply_subscription` for `Stigg`."""

    def __init__(self, api: StiggApi, context: ReadContext) -> None:
        self._api = api
        self._context = context

    def _in_context(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """`params` with the current customer and resource where they are not given."""
        values = dict(params)
        values.setdefault("customer_id", self._context.require_customer())
        if self._context.resource_id is not None:
            values.setdefault("resource_id", self._context.resource_id)
        return values

    async def checkout_state(
        self, plan_id: str, resource_id: str | None, billing_country_code: str | None
    ) -> CheckoutState:
        """`checkoutState` for the current customer."""
        return await checkout.fetch_checkout_state(
            self._api,
            customer_id=self._context.require_customer(),
            plan_id=plan_id,
            resource_id=resource_id or self._context.resource_id,
            billing_country_code=billing_country_code,
        )

    async def preview(self, params: Mapping[str, Any]) -> SubscriptionPreviewV2:
        """`previewSubscription` for the current customer."""
        return await checkout.preview_subscription(self._api, self._in_context(params))

    async def apply(self, params: Mapping[str, Any]) -> ApplySubscriptionResult:
        """`applySubscription` for the current customer."""
        return await checkout.apply_subscription(self._api, self._in_context(params))
