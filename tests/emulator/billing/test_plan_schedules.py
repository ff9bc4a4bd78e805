"""Plan changes at the end of the billing period: a scheduled update of the current subscription
(`Downgrade` / `Plan`) that the test clock applies and `cancelSchedule` removes."""

from __future__ import annotations

from typing import Any

from tests.emulator.billing.helpers import (
    active,
    customer_at,
    invoices,
    new_customer,
    provision,
    set_clock,
)
from tests.emulator.billing.test_customer_clock import customer_clock
from tests.emulator.helpers import Api, client, server
from tests.support.processes import EmulatorProcess

T0 = "2030-01-01T00:00:00Z"
SCHEDULES = """
query G($input: GetSubscriptionInput!) { getSubscription(input: $input) {
  subscriptionId status cancelReason plan { refId }
  latestInvoice { billingReason total }
  scheduledUpdates { subscriptionScheduleType scheduleStatus scheduledExecutionTime
    targetPackage { refId displayName pricingType }
    scheduleVariables { __typename
      ... on DowngradeChangeVariables { downgradePlanRefId billingPeriod
        billableFeatures { featureId quantity } }
      ... on PlanChangeVariables { planRefId changeType billingPeriod } } }
  futureUpdates { subscriptionScheduleType targetPackage { refId } } } }
"""
ESTIMATE = """
mutation E($input: EstimateSubscriptionInput!) { estimateSubscription(input: $input) {
  total { amount } isPlanDowngrade hasScheduledUpdates billingPeriodRange { start }
  proration { hasProrations } subscription { total { amount } } } }
"""
PREVIEW = """
mutation P($input: PreviewSubscriptionInput!) { previewSubscription(input: $input) {
  isPlanDowngrade hasScheduledUpdates immediateInvoice { total { amount } }
  recurringInvoice { total { amount } } } }
"""
PORTAL = """
query P($input: CustomerPortalInput!) { customerPortal(input: $input) { subscriptions {
  subscriptionId planName scheduledUpdates { subscriptionScheduleType targetPackage { refId } }
  previewNextInvoice { total { amount } lines { description period { start } } } } } }
"""
CALLS = """
query E($query: FetchEntitlementQuery!) { entitlement(query: $query) { usageLimit } }
"""
CANCEL_SCHEDULE = """
mutation C($input: SubscriptionUpdateScheduleCancellationInput!) { cancelSchedule(input: $input) }
"""


def _schedules(api: Api, ref_id: str) -> dict[str, Any]:
    result: dict[str, Any] = api.data(SCHEDULES, {"input": {"subscriptionId": ref_id}})[
        "getSubscription"
    ]
    return result


def _calls_limit(api: Api, customer: str) -> float:
    query = {"customerId": customer, "featureId": "feature-b-calls"}
    return float(api.data(CALLS, {"query": query})["entitlement"]["usageLimit"])


def _portal(api: Api, customer: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = api.data(PORTAL, {"input": {"customerId": customer}})[
        "customerPortal"
    ]["subscriptions"]
    return result


def _on_pro(api: Api) -> tuple[str, str]:
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_card_visa")
    sub = provision(api, customerId=ref, planId="plan-b-pro", billingPeriod="MONTHLY")
    set_clock(api, to="2030-01-10T00:00:00Z")
    return ref, str(sub["subscription"]["subscriptionId"])


def test_downgrade_is_scheduled_then_applied_by_the_clock(billing: EmulatorProcess) -> None:
    api = server(billing)
    ref, pro = _on_pro(api)
    ask = {
        "customerId": ref,
        "planId": "plan-b-basic",
        "billingPeriod": "MONTHLY",
        "scheduleStrategy": "END_OF_BILLING_PERIOD",
    }
    # estimateSubscription has no scheduleStrategy: a lower plan waits for the period end.
    without = {key: value for key, value in ask.items() if key != "scheduleStrategy"}
    estimate = api.data(ESTIMATE, {"input": without})["estimateSubscription"]
    # Nothing is charged now; Basic (30) is billed from the period end.
    assert estimate == {
        "total": {"amount": 0},
        "isPlanDowngrade": True,
        "hasScheduledUpdates": True,
        "billingPeriodRange": {"start": "2030-02-01T00:00:00.000Z"},
        "proration": {"hasProrations": False},
        "subscription": {"total": {"amount": 30}},
    }
    preview = api.data(PREVIEW, {"input": ask})["previewSubscription"]
    assert preview == {
        "isPlanDowngrade": True,
        "hasScheduledUpdates": True,
        "immediateInvoice": {"total": {"amount": 0}},
        "recurringInvoice": {"total": {"amount": 30}},
    }
    result = api.data(
        "mutation P($input: ProvisionSubscriptionInput!) { provisionSubscriptionV2(input: $input)"
        " { status isScheduled subscription { subscriptionId plan { refId } } } }",
        {"input": ask},
    )["provisionSubscriptionV2"]
    assert result == {
        "status": "SUCCESS",
        "isScheduled": True,
        "subscription": {"subscriptionId": pro, "plan": {"refId": "plan-b-pro"}},
    }
    current = _schedules(api, pro)
    assert current["scheduledUpdates"] == [
        {
            "subscriptionScheduleType": "Downgrade",
            "scheduleStatus": "Scheduled",
            "scheduledExecutionTime": "2030-02-01T00:00:00.000Z",
            "targetPackage": {
                "refId": "plan-b-basic",
                "displayName": "Basic",
                "pricingType": "PAID",
            },
            "scheduleVariables": {
                "__typename": "DowngradeChangeVariables",
                "downgradePlanRefId": "plan-b-basic",
                "billingPeriod": "MONTHLY",
                "billableFeatures": None,
            },
        }
    ]
    assert current["futureUpdates"] == [
        {"subscriptionScheduleType": "Downgrade", "targetPackage": {"refId": "plan-b-basic"}}
    ]
    # Until the period ends the customer keeps Pro, and nothing else starts.
    assert [row["plan"]["refId"] for row in active(api, ref)] == ["plan-b-pro"]
    assert _calls_limit(api, ref) == 1000
    [portal] = _portal(api, ref)
    assert portal["scheduledUpdates"] == [
        {"subscriptionScheduleType": "Downgrade", "targetPackage": {"refId": "plan-b-basic"}}
    ]
    # The portal's next invoice is Basic's 30 for the period from 2030-02-01.
    assert portal["previewNextInvoice"]["total"] == {"amount": 30}
    assert [line["period"]["start"] for line in portal["previewNextInvoice"]["lines"]] == [
        "2030-02-01T00:00:00.000Z"
    ]

    set_clock(api, to="2030-02-15T00:00:00Z")
    [basic] = active(api, ref)
    assert basic["plan"]["refId"] == "plan-b-basic"
    assert basic["startDate"] == "2030-02-01T00:00:00.000Z"
    assert (basic["latestInvoice"]["billingReason"], basic["latestInvoice"]["total"]) == (
        "SUBSCRIPTION_CREATION",
        30,
    )
    ended = _schedules(api, pro)
    assert (ended["status"], ended["cancelReason"]) == ("CANCELED", "UpgradeOrDowngrade")
    assert ended["scheduledUpdates"] == []
    assert _calls_limit(api, ref) == 100
    # Pro's creation (60), then Basic's (30); no Pro renewal on 2030-02-01.
    assert [(row["billingReason"], row["total"]) for row in invoices(api, ref)] == [
        ("SUBSCRIPTION_CREATION", 30),
        ("SUBSCRIPTION_CREATION", 60),
    ]


def test_a_lower_plan_is_scheduled_by_default_and_cancel_keeps_the_plan(
    billing: EmulatorProcess,
) -> None:
    api = server(billing)
    ref, pro = _on_pro(api)
    ask = {"customerId": ref, "planId": "plan-b-basic", "billingPeriod": "MONTHLY"}
    estimate = api.data(ESTIMATE, {"input": ask})["estimateSubscription"]
    assert (estimate["isPlanDowngrade"], estimate["hasScheduledUpdates"]) == (True, True)
    assert provision(api, **ask)["subscription"]["subscriptionId"] == pro
    assert [u["subscriptionScheduleType"] for u in _schedules(api, pro)["scheduledUpdates"]] == [
        "Downgrade"
    ]
    # The browser's portal lists it too (client key).
    [portal] = _portal(client(billing), ref)
    assert portal["scheduledUpdates"][0]["targetPackage"] == {"refId": "plan-b-basic"}

    assert api.data(CANCEL_SCHEDULE, {"input": {"subscriptionId": pro}}) == {"cancelSchedule": pro}
    assert _schedules(api, pro)["scheduledUpdates"] == []
    [portal] = _portal(api, ref)
    assert portal["previewNextInvoice"]["total"] == {"amount": 60}
    set_clock(api, to="2030-02-15T00:00:00Z")
    [still] = active(api, ref)
    assert still["subscriptionId"] == pro
    assert (still["latestInvoice"]["billingReason"], still["latestInvoice"]["total"]) == (
        "BILLING_CYCLE",
        60,
    )
    assert _calls_limit(api, ref) == 1000


def test_immediate_downgrade_is_not_scheduled(billing: EmulatorProcess) -> None:
    api = server(billing)
    ref, pro = _on_pro(api)
    ask = {
        "customerId": ref,
        "planId": "plan-b-basic",
        "billingPeriod": "MONTHLY",
        "scheduleStrategy": "IMMEDIATE",
    }
    preview = api.data(PREVIEW, {"input": ask})["previewSubscription"]
    assert (preview["isPlanDowngrade"], preview["hasScheduledUpdates"]) == (True, False)
    # Pro's unused 22 of 31 days (-42.58) against Basic's (21.29): a credit now.
    assert preview["immediateInvoice"]["total"]["amount"] < 0
    moved = provision(api, **ask)["subscription"]
    assert moved["plan"]["refId"] == "plan-b-basic"
    assert _schedules(api, pro)["status"] == "CANCELED"
    assert _calls_limit(api, ref) == 100


def test_plan_change_at_period_end_replaces_an_earlier_one(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    basic = provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]["subscriptionId"]
    later = {"customerId": ref, "scheduleStrategy": "END_OF_BILLING_PERIOD"}
    preview = api.data(
        PREVIEW, {"input": {**later, "planId": "plan-b-pro", "billingPeriod": "ANNUALLY"}}
    )["previewSubscription"]
    assert preview == {
        "isPlanDowngrade": False,
        "hasScheduledUpdates": True,
        "immediateInvoice": {"total": {"amount": 0}},
        "recurringInvoice": {"total": {"amount": 600}},
    }
    provision(api, **later, planId="plan-b-pro", billingPeriod="ANNUALLY")
    [update] = _schedules(api, basic)["scheduledUpdates"]
    assert update["subscriptionScheduleType"] == "Plan"
    assert update["scheduleVariables"] == {
        "__typename": "PlanChangeVariables",
        "planRefId": "plan-b-pro",
        "changeType": "UPGRADE",
        "billingPeriod": "ANNUALLY",
    }
    assert update["targetPackage"]["refId"] == "plan-b-pro"
    [portal] = _portal(api, ref)
    assert portal["previewNextInvoice"]["total"] == {"amount": 600}
    # A later request replaces it: a move to the free plan bills nothing at the boundary.
    provision(api, **later, planId="plan-b-free")
    [update] = _schedules(api, basic)["scheduledUpdates"]
    assert (update["subscriptionScheduleType"], update["targetPackage"]) == (
        "Downgrade",
        {"refId": "plan-b-free", "displayName": "Free", "pricingType": "FREE"},
    )
    [portal] = _portal(api, ref)
    assert portal["previewNextInvoice"] is None
    set_clock(api, to="2030-02-02T00:00:00Z")
    assert [row["plan"]["refId"] for row in active(api, ref)] == ["plan-b-free"]
    assert _calls_limit(api, ref) == 10
    assert [(row["billingReason"], row["total"]) for row in invoices(api, ref)] == [
        ("SUBSCRIPTION_CREATION", 30)
    ]


def test_a_scheduled_downgrade_follows_the_customer_clock(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    customers = [new_customer(api, "pm_card_visa") for _ in range(2)]
    for ref in customers:
        provision(api, customerId=ref, planId="plan-b-pro", billingPeriod="MONTHLY")
        provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
    moved, waiting = customers
    customer_clock(api, moved, to="2030-02-03T00:00:00Z")
    assert [row["plan"]["refId"] for row in active(api, moved)] == ["plan-b-basic"]
    assert _calls_limit(api, moved) == 100
    # The other customer's period has not ended on the global clock: still Pro, still scheduled.
    [pro] = active(api, waiting)
    assert pro["plan"]["refId"] == "plan-b-pro"
    assert [
        u["subscriptionScheduleType"]
        for u in _schedules(api, pro["subscriptionId"])["scheduledUpdates"]
    ] == ["Downgrade"]
    assert _calls_limit(api, waiting) == 1000
