"""`StiggServer.preview_subscription` and `apply_subscription` against the emulator (test
catalog: Team is 10 USD a seat per month)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stigg_client import StiggServer
from stigg_client.errors import StiggError, ValidationError
from tests.sdk.server.conftest import fresh_id

THREE_SEATS = [{"feature_id": "feature-seats", "quantity": 3}]


async def _customer(server: StiggServer, payment_method_id: str | None) -> str:
    customer_id = fresh_id()
    billing = {"payment_method_id": payment_method_id} if payment_method_id else None
    await server.provision_customer(customer_id, billing_info=billing, subscription_params=None)
    return customer_id


async def test_preview_with_tax_then_apply(server: StiggServer) -> None:
    customer_id = await _customer(server, "pm_card_visa")
    preview = await server.preview_subscription(
        customer_id=customer_id,
        plan_id="plan-stigg-team",
        billing_period="MONTHLY",
        billable_features=THREE_SEATS,
        billing_information={"tax_percentage": 10},
    )
    invoice = preview.immediate_invoice
    assert (invoice.sub_total.amount, invoice.total.amount) == (Decimal(30), Decimal(33))
    assert invoice.tax is not None and invoice.tax.amount == Decimal(3)
    assert invoice.tax_details is not None and invoice.tax_details.percentage == 10

    result = await server.apply_subscription(
        customer_id=customer_id,
        plan_id="plan-stigg-team",
        billing_period="MONTHLY",
        billable_features=THREE_SEATS,
        skip_trial=True,
    )
    assert result.subscription is not None and result.subscription.plan is not None
    assert result.subscription.plan.id == "plan-stigg-team"
    [active] = await server.get_active_subscriptions_list(customer_id)
    assert active.subscription_id == result.subscription.id


async def test_apply_of_a_paid_plan_without_a_payment_method_is_refused(
    server: StiggServer,
) -> None:
    customer_id = await _customer(server, None)
    with pytest.raises(StiggError) as raised:
        await server.apply_subscription(
            customer_id=customer_id,
            plan_id="plan-stigg-team",
            billable_features=THREE_SEATS,
            skip_trial=True,
        )
    assert raised.value.code == "PaymentMethodNotFoundError"
    assert await server.get_active_subscriptions_list(customer_id) == []


async def test_server_checkout_calls_need_a_customer(server: StiggServer) -> None:
    with pytest.raises(ValidationError):
        await server.preview_subscription(plan_id="plan-stigg-team")
    with pytest.raises(ValidationError):
        await server.apply_subscription(plan_id="plan-stigg-team")
