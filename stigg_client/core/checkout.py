"""Checkout calls both SDKs make the same way: `checkoutState`, `previewSubscription`,
`applySubscription` (docs/design/checkout.md §1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Required, TypedDict

from stigg_client.core import mapping, wire
from stigg_client.core.graphql import checkout as documents
from stigg_client.errors import ValidationError
from stigg_client.models.checkout import (
    ApplySubscriptionResult,
    CheckoutState,
    SubscriptionPreviewV2,
)
from stigg_client.transport.api import StiggApi


class SubscriptionChange(TypedDict, total=False):
    """Arguments of `preview_subscription` (Stigg's `PreviewSubscription`), snake_case.

    `addons` are `{"addon_id", "quantity"}`; `billable_features` `{"feature_id", "quantity"}`;
    `billing_information` may hold `billing_address`, `tax_ids` (`{"type", "value"}`) and
    `tax_percentage`.
    """

    plan_id: Required[str]
    customer_id: str
    paying_customer_id: str
    resource_id: str
    billing_period: str
    billing_country_code: str
    unit_quantity: float
    addons: Sequence[Mapping[str, Any]]
    billable_features: Sequence[Mapping[str, Any]]
    billing_information: Mapping[str, Any]
    promotion_code: str
    start_date: datetime
    schedule_strategy: str


class AppliedSubscription(SubscriptionChange, total=False):
    """Arguments of `apply_subscription` (Stigg's `ApplySubscription`), snake_case."""

    payment_method_id: str
    billing_id: str
    skip_trial: bool
    metadata: Mapping[str, Any]


def _input(params: Mapping[str, Any], call: str) -> dict[str, Any]:
    """The GraphQL input of a checkout call; `plan_id` and `customer_id` are required."""
    for name in ("plan_id", "customer_id"):
        if not params.get(name):
            raise ValidationError(f"{call} needs {name}")
    values = dict(params)
    if "metadata" in values:
        values["additional_meta_data"] = values.pop("metadata")
    result: dict[str, Any] = wire.to_wire(values)
    return result


async def fetch_checkout_state(
    api: StiggApi,
    *,
    customer_id: str,
    plan_id: str,
    resource_id: str | None = None,
    billing_country_code: str | None = None,
) -> CheckoutState:
    """`checkoutState`: plan, customer, active subscription and billing integration."""
    payload = _input(
        {
            "customer_id": customer_id,
            "plan_id": plan_id,
            "resource_id": resource_id,
            "billing_country_code": billing_country_code,
        },
        "get_checkout_state",
    )
    data = await api.graphql("GetCheckoutState", documents.GET_CHECKOUT_STATE, {"input": payload})
    raw = data.get("checkoutState") or {}
    active = raw.get("activeSubscription")
    resource = raw.get("resource")
    return CheckoutState.model_validate(
        {
            "setupSecret": raw.get("setupSecret"),
            "configuration": raw.get("configuration"),
            "plan": mapping.plan(raw.get("plan") or {}, 0),
            "customer": mapping.customer(raw.get("customer") or {}),
            "resource": {"id": resource.get("resourceId")} if resource else None,
            "activeSubscription": mapping.subscription(active) if active else None,
            "billingIntegration": raw.get("billingIntegration"),
        }
    )


async def preview_subscription(api: StiggApi, params: Mapping[str, Any]) -> SubscriptionPreviewV2:
    """`previewSubscription`: what a new or changed subscription costs now and next period."""
    payload = _input(params, "preview_subscription")
    data = await api.graphql(
        "PreviewSubscription", documents.PREVIEW_SUBSCRIPTION, {"input": payload}
    )
    return SubscriptionPreviewV2.model_validate(data.get("previewSubscription") or {})


async def apply_subscription(api: StiggApi, params: Mapping[str, Any]) -> ApplySubscriptionResult:
    """`applySubscription`: create or change the subscription, paid with `payment_method_id`."""
    payload = _input(params, "apply_subscription")
    data = await api.graphql("ApplySubscription", documents.APPLY_SUBSCRIPTION, {"input": payload})
    raw = (data.get("applySubscription") or {}).get("subscription")
    return ApplySubscriptionResult.model_validate(
        {"subscription": None if raw is None else mapping.subscription(raw)}
    )
