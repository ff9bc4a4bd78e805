"""`get_checkout_state`, `preview_subscription` and `apply_subscription` against a real emulator
(test catalog: Team is 10 USD a seat per month with a 14-day trial, STIGG30 takes 30 % off)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from stigg_client import Stigg
from stigg_client.errors import StiggError, ValidationError
from tests.sdk.backend import new_customer
from tests.sdk.test_client_emulator import make_client
from tests.support.processes import EmulatorProcess


@pytest.fixture
async def client(emulator: EmulatorProcess) -> AsyncIterator[Stigg]:
    stigg = make_client(emulator, customer_id=new_customer(emulator), background_refresh=False)
    await stigg.wait_for_initialization()
    yield stigg
    await stigg.close()


def _usd(amount: str) -> dict[str, object]:
    return {"amount": Decimal(amount), "currency": "USD"}


TWO_SEATS = [{"feature_id": "feature-seats", "quantity": 2}]


async def test_checkout_state_names_the_plan_and_the_current_subscription(client: Stigg) -> None:
    state = await client.get_checkout_state("plan-stigg-team", billing_country_code="US")
    assert (state.plan.id, state.plan.display_name) == ("plan-stigg-team", "Team")
    assert state.customer.id == client.customer_id
    assert state.setup_secret
    assert state.billing_integration.billing_identifier == "STRIPE"
    assert state.billing_integration.credentials.public_key
    assert {p.billing_period for p in state.plan.price_points} == {"MONTHLY", "ANNUALLY"}
    # The customer is on Starter (same product): that is the subscription the checkout changes.
    assert state.active_subscription is not None
    assert state.active_subscription.plan is not None
    assert state.active_subscription.plan.id == "plan-stigg-starter"
    wire = state.model_dump(by_alias=True, exclude_none=True)
    assert set(wire) >= {"setupSecret", "plan", "customer", "billingIntegration"}


async def test_preview_of_two_seats_with_a_promotion_code(client: Stigg) -> None:
    preview = await client.preview_subscription(
        plan_id="plan-stigg-team",
        billing_period="MONTHLY",
        billable_features=TWO_SEATS,
        promotion_code="STIGG30",
    )
    immediate = preview.immediate_invoice
    assert immediate.sub_total.model_dump() == _usd("20")
    assert immediate.discount is not None and immediate.discount.model_dump() == _usd("6")
    assert immediate.total.model_dump() == _usd("14")
    assert immediate.discount_details is not None
    assert (immediate.discount_details.type, immediate.discount_details.value) == (
        "PERCENTAGE",
        30,
    )
    assert preview.recurring_invoice is not None
    assert preview.recurring_invoice.total.model_dump() == _usd("14")
    assert preview.billing_period_range.start is not None
    assert preview.is_plan_downgrade is False
    wire = preview.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert wire["immediateInvoice"]["subTotal"] == {"amount": 20.0, "currency": "USD"}


@pytest.mark.parametrize(
    ("code", "error_code"),
    [("NO-SUCH-CODE", "PromotionCodeNotFound"), ("EXPIRED30", "PromotionCodeNotActive")],
)
async def test_preview_with_a_bad_promotion_code_is_a_typed_error(
    client: Stigg, code: str, error_code: str
) -> None:
    with pytest.raises(StiggError) as raised:
        await client.preview_subscription(
            plan_id="plan-stigg-team", billable_features=TWO_SEATS, promotion_code=code
        )
    assert raised.value.code == error_code


async def test_checkout_calls_need_a_plan_and_a_customer(emulator: EmulatorProcess) -> None:
    anonymous = make_client(emulator, background_refresh=False)
    try:
        with pytest.raises(ValidationError):
            await anonymous.get_checkout_state("plan-stigg-team")
        with pytest.raises(ValidationError):
            await anonymous.preview_subscription(plan_id="plan-stigg-team")
    finally:
        await anonymous.close()


async def test_apply_subscription_changes_the_plan(client: Stigg) -> None:
    result = await client.apply_subscription(
        plan_id="plan-stigg-team",
        billing_period="MONTHLY",
        billable_features=TWO_SEATS,
        payment_method_id="pm_card_visa",
        skip_trial=True,
        metadata={"source_page": "checkout"},
    )
    assert result.subscription is not None and result.subscription.plan is not None
    assert result.subscription.plan.id == "plan-stigg-team"
    assert result.subscription.metadata == {"source_page": "checkout"}
    [active] = await client.get_active_subscriptions()
    assert active.id == result.subscription.id


async def test_a_card_from_the_card_form_pays_for_the_subscription(client: Stigg) -> None:
    from stigg_client.errors import ApiError

    assert await client.card_form_available() is True
    with pytest.raises(ApiError) as declined:
        await client.create_payment_method("4000 0000 0000 0002", "12/40")
    assert (declined.value.code, declined.value.status) == ("CardDeclined", 402)
    with pytest.raises(ValidationError):
        await client.create_payment_method("1111", "12/40")
    card = await client.create_payment_method(
        "4000 0025 0000 3155", "12/40", cvc="123", cardholder_name="Ada"
    )
    assert (card.last4, card.requires_action) == ("3155", True)
    confirmed = await client.confirm_payment_method(card.payment_method_id)
    assert confirmed.requires_action is False
    result = await client.apply_subscription(
        plan_id="plan-stigg-team",
        billable_features=TWO_SEATS,
        payment_method_id=card.payment_method_id,
        skip_trial=True,
    )
    assert result.subscription is not None and result.subscription.status == "ACTIVE"
