"""Scheduled updates, per-unit quantities and the next-invoice preview, read by the client SDK
from the customer portal and the active subscriptions (real emulator)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from stigg_client import Stigg
from stigg_client.models.portal import CustomerPortal, PortalSubscription
from stigg_client.models.subscriptions import Subscription
from tests.sdk.backend import PROVISION_CUSTOMER, provision_subscription, server_graphql
from tests.sdk.test_client_emulator import make_client
from tests.support.processes import EmulatorProcess

UPDATE_SUBSCRIPTION = """mutation UpdateSubscription($input: UpdateSubscriptionInput!) {
  updateOneSubscription(input: $input) { subscriptionId }
}"""
CANCEL_SCHEDULE = """mutation Cancel($input: SubscriptionUpdateScheduleCancellationInput!) {
  cancelSchedule(input: $input)
}"""


@pytest.fixture
async def team_customer(emulator: EmulatorProcess) -> AsyncIterator[tuple[Stigg, str]]:
    """A customer on 3 seats of the per-seat plan; yields its client and subscription id."""
    customer_id = f"customer-{uuid.uuid4().hex[:10]}"
    server_graphql(
        emulator,
        "ProvisionCustomer",
        PROVISION_CUSTOMER,
        {
            "input": {
                "refId": customer_id,
                "name": "Seats customer",
                "billingInformation": {"paymentMethodId": "pm_card_visa"},
                "subscriptionParams": {"planId": "plan-stigg-starter"},
            }
        },
    )
    subscription_id = provision_subscription(
        emulator,
        customer_id,
        "plan-stigg-team",
        billingPeriod="MONTHLY",
        skipTrial=True,
        billableFeatures=[{"featureId": "feature-seats", "quantity": 3}],
    )
    client = make_client(emulator, customer_id=customer_id, background_refresh=False)
    await client.wait_for_initialization()
    yield client, subscription_id
    await client.close()


def schedule_two_seats(emulator: EmulatorProcess, subscription_id: str) -> None:
    server_graphql(
        emulator,
        "UpdateSubscription",
        UPDATE_SUBSCRIPTION,
        {
            "input": {
                "refId": subscription_id,
                "billableFeatures": [{"featureId": "feature-seats", "quantity": 2}],
                "scheduleStrategy": "END_OF_BILLING_PERIOD",
            }
        },
    )


async def test_portal_lists_a_scheduled_seat_change_until_it_is_cancelled(
    emulator: EmulatorProcess, team_customer: tuple[Stigg, str]
) -> None:
    client, subscription_id = team_customer
    portal = await client.get_customer_portal()
    [subscription] = [s for s in portal.subscriptions if s.subscription_id == subscription_id]
    assert subscription.unit_quantity == 3
    assert subscription.scheduled_updates == []
    full_renewal = next_invoice_total(subscription)

    schedule_two_seats(emulator, subscription_id)
    portal = await client.get_customer_portal()
    [subscription] = [s for s in portal.subscriptions if s.subscription_id == subscription_id]
    assert next_invoice_total(subscription) == full_renewal * 2 / 3  # the renewal bills 2 seats
    [update] = subscription.scheduled_updates
    assert update.subscription_schedule_type == "UnitAmount"
    assert update.schedule_status == "Scheduled"
    assert subscription.billing_period_range is not None
    assert update.scheduled_execution_time == subscription.billing_period_range.end
    assert update.schedule_variables is not None
    assert update.schedule_variables.kind == "UnitAmountChangeVariables"
    assert update.schedule_variables.feature_id == "feature-seats"
    assert update.schedule_variables.new_unit_amount == 2
    assert subscription.unit_quantity == 3  # unchanged until the period ends

    server_graphql(
        emulator,
        "Cancel",
        CANCEL_SCHEDULE,
        {"input": {"subscriptionId": subscription_id, "status": "Scheduled"}},
    )
    portal = await client.get_customer_portal()
    [subscription] = [s for s in portal.subscriptions if s.subscription_id == subscription_id]
    assert subscription.scheduled_updates == []
    assert next_invoice_total(subscription) == full_renewal


def next_invoice_total(subscription: PortalSubscription) -> Decimal:
    preview = subscription.preview_next_invoice
    assert preview is not None and preview.total is not None
    assert preview.total.currency == "USD" and preview.total.amount > 0
    return preview.total.amount


async def test_active_subscription_has_its_seats_and_scheduled_updates(
    emulator: EmulatorProcess, team_customer: tuple[Stigg, str]
) -> None:
    client, subscription_id = team_customer
    schedule_two_seats(emulator, subscription_id)
    subscriptions = await client.get_active_subscriptions()
    [subscription] = [s for s in subscriptions if s.id == subscription_id]
    assert subscription.unit_quantities == {"feature-seats": 3}
    assert [p.price.pricing_model for p in subscription.prices if p.price] == ["PER_UNIT"]
    [update] = subscription.scheduled_updates
    assert update.subscription_schedule_type == "UnitAmount"
    assert update.schedule_variables is not None
    assert update.schedule_variables.new_unit_amount == 2
    invoice = subscription.latest_invoice
    assert invoice is not None and invoice.billing_reason == "SUBSCRIPTION_CREATION"
    assert invoice.currency == "USD" and invoice.total is not None and invoice.total > 0
    single = await client.get_subscription(subscription_id)
    assert single.unit_quantities == {"feature-seats": 3}
    assert len(single.scheduled_updates) == 1


def test_scheduled_plan_change_names_its_target_plan() -> None:
    wire = {
        "id": "sub-1",
        "scheduledUpdates": [
            {
                "subscriptionScheduleType": "Downgrade",
                "scheduleStatus": "Scheduled",
                "scheduledExecutionTime": "2026-12-01T00:00:00.000Z",
                "scheduleVariables": {
                    "__typename": "DowngradeChangeVariables",
                    "downgradePlanRefId": "plan-free",
                },
            },
            {
                "subscriptionScheduleType": "Plan",
                "scheduleStatus": "Scheduled",
                "scheduledExecutionTime": "2026-12-01T00:00:00.000Z",
                "targetPackage": {"refId": "plan-pro", "displayName": "Pro"},
                "scheduleVariables": None,
            },
        ],
        "prices": None,
    }
    subscription = Subscription.model_validate(wire)
    assert [u.target_plan_id for u in subscription.scheduled_updates] == ["plan-free", "plan-pro"]
    assert subscription.prices == [] and subscription.unit_quantities == {}


def test_invoice_preview_and_null_schedules_in_the_portal_model() -> None:
    portal = CustomerPortal.model_validate(
        {
            "subscriptions": [
                {
                    "subscriptionId": "sub-1",
                    "planName": "Team",
                    "pricing": {"unitQuantity": 4, "pricingType": "PAID"},
                    "scheduledUpdates": None,
                    "previewNextInvoice": {
                        "total": {"amount": 48, "currency": "USD"},
                        "subTotal": {"amount": 48, "currency": "USD"},
                        "amountDue": {"amount": 40.5, "currency": "USD"},
                        "lastUpdatedAt": "2026-11-01T00:00:00Z",
                        "lines": [
                            {
                                "description": "Seats",
                                "quantity": 4,
                                "amount": {"amount": 48, "currency": "USD"},
                            }
                        ],
                    },
                }
            ]
        }
    )
    [subscription] = portal.subscriptions
    assert subscription.unit_quantity == 4
    assert subscription.scheduled_updates == []
    preview = subscription.preview_next_invoice
    assert preview is not None and preview.amount_due is not None
    assert preview.amount_due.amount == Decimal("40.5")
    assert preview.lines[0].quantity == 4
