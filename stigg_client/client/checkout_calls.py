"""The client SDK's checkout calls: the core calls with the current customer and resource."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stigg_client.client.reads import ReadContext
from stigg_client.core import checkout, payment_methods
from stigg_client.models.checkout import (
    ApplySubscriptionResult,
    CheckoutState,
    PaymentMethodResult,
    SubscriptionPreviewV2,
)
from stigg_client.transport.api import StiggApi


class CheckoutCalls:
    """`get_checkout_state`, `preview_subscription`, `apply_subscription` and the card form's
    payment-method calls for `Stigg`."""

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

    async def card_form_available(self) -> bool:
        """Whether the backend has the emulator's payment-method API."""
        return await payment_methods.card_form_available(self._api)

    async def create_payment_method(self, card: Mapping[str, Any]) -> PaymentMethodResult:
        """Store `card` for the current customer."""
        customer_id = self._context.require_customer()
        return await payment_methods.create_payment_method(self._api, customer_id, dict(card))

    async def confirm_payment_method(self, payment_method_id: str) -> PaymentMethodResult:
        """Confirm the current customer's card that needs authentication."""
        customer_id = self._context.require_customer()
        return await payment_methods.confirm_payment_method(
            self._api, customer_id, payment_method_id
        )
