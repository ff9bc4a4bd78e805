"""`preview_next_invoice` (Stigg's root `previewNextInvoice`) against the emulator, before and
after a plan downgrade scheduled for the end of the billing period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stigg_client import StiggServer
from stigg_client.errors import NotFoundError, StiggError, ValidationError
from stigg_client.server import NextInvoicePreview
from tests.sdk.server.conftest import fresh_id


async def _team_of_three(server: StiggServer) -> tuple[str, str]:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id,
        billing_info={"payment_method_id": "pm_card_visa"},
        subscription_params=None,
    )
    result = await server.provision_subscription(
        customer_id,
        "plan-stigg-team",
        billing_period="MONTHLY",
        skip_trial=True,
        billable_features=[{"feature_id": "feature-seats", "quantity": 3}],
    )
    assert result.subscription is not None
    return customer_id, result.subscription.id


async def test_preview_next_invoice_follows_a_scheduled_downgrade(server: StiggServer) -> None:
    customer_id, subscription_id = await _team_of_three(server)
    preview = await server.preview_next_invoice(subscription_id)
    assert isinstance(preview, NextInvoicePreview)
    # 3 seats x 10 USD, no coupon, no tax.
    assert (preview.total.amount, preview.total.currency) == (Decimal(30), "USD")
    assert preview.amount_due.amount == Decimal(30)
    [line] = preview.lines
    assert (line.quantity, line.amount.amount, line.proration) == (3, Decimal(30), False)
    assert line.unit_price is not None and line.unit_price.amount == Decimal(10)
    assert line.period is not None and line.period.start < line.period.end
    next_period_start = line.period.start

    downgrade = await server.provision_subscription(
        customer_id,
        "plan-stigg-pro",
        billing_period="MONTHLY",
        schedule_strategy="END_OF_BILLING_PERIOD",
    )
    # The current subscription carries the change; the next invoice is Pro's 12 USD.
    assert downgrade.subscription is not None and downgrade.subscription.id == subscription_id
    after = await server.preview_next_invoice(subscription_id)
    assert after.total.amount == Decimal(12)
    [line] = after.lines
    assert line.period is not None and line.period.start == next_period_start

    await server.cancel_subscription_scheduled_updates(subscription_id)
    assert (await server.preview_next_invoice(subscription_id)).total.amount == Decimal(30)


async def test_preview_next_invoice_errors(server: StiggServer) -> None:
    with pytest.raises(NotFoundError):
        await server.preview_next_invoice(fresh_id("subscription"))
    with pytest.raises(ValidationError):
        await server.preview_next_invoice("")
    customer_id = fresh_id()
    provisioned = await server.provision_customer(
        customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
    )
    assert provisioned.subscription is not None
    with pytest.raises(StiggError) as raised:
        await server.preview_next_invoice(provisioned.subscription.id)
    assert raised.value.code == "SubscriptionNoBillingId"
