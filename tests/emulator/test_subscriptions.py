"""provisionSubscriptionV2 lifecycle rules, update, cancel, schedules, reads (GraphQL + edge)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.emulator.helpers import Api, server
from tests.support.processes import EmulatorProcess

SLIM = """
fragment Slim on CustomerSubscription {
  id subscriptionId refId status pricingType billingPeriod startDate trialEndDate
  cancellationDate effectiveEndDate currentBillingPeriodEnd additionalMetaData
  plan { refId displayName }
  addons { quantity addon { addonId: refId } }
  resource { resourceId }
  prices { usageLimit price { billingModel price { amount currency } } }
  totalPrice { subTotal { amount currency } total { amount currency } }
  futureUpdates {
    subscriptionScheduleType scheduleStatus scheduledExecutionTime
    scheduleVariables { __typename ... on BillingPeriodChangeVariables { billingPeriod } }
  }
}
"""
PROVISION = (
    """
mutation ProvisionSubscription($input: ProvisionSubscriptionInput!) {
  provisionSubscription: provisionSubscriptionV2(input: $input) {
    status checkoutUrl checkoutBillingId
    subscription { ...Slim }
    entitlements { feature { refId } usageLimit hasUnlimitedUsage }
  }
}
"""
    + SLIM
)
ACTIVE = (
    """
query GetActiveSubscriptions($input: GetActiveSubscriptionsInput!) {
  getActiveSubscriptions(input: $input) { ...Slim }
}
"""
    + SLIM
)


def customer(api: Api, payment: bool = False) -> str:
    ref = f"sub-{uuid.uuid4().hex[:10]}"
    data: dict[str, Any] = {"refId": ref}
    if payment:
        data["billingInformation"] = {"paymentMethodId": "pm_card"}
    api.data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {"input": data},
    )
    return ref


def provision(api: Api, **fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(PROVISION, {"input": fields})["provisionSubscription"]
    return result


def active(api: Api, ref: str, **extra: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = api.data(ACTIVE, {"input": {"customerId": ref, **extra}})[
        "getActiveSubscriptions"
    ]
    return result


def test_free_then_paid_replaces_and_inherits(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = customer(api, payment=True)
    free = provision(api, customerId=ref, planId="plan-stigg-starter")
    assert free["status"] == "SUCCESS"
    assert free["subscription"]["status"] == "ACTIVE"
    pro = provision(
        api,
        customerId=ref,
        planId="plan-stigg-pro",
        billingPeriod="ANNUALLY",
        addons=[{"addonId": "addon-extra-requests", "quantity": 2}],
    )
    assert pro["status"] == "SUCCESS"
    limits = {e["feature"]["refId"]: e["usageLimit"] for e in pro["entitlements"]}
    assert limits["feature-demo-01"] == 100  # inherited from Starter
    assert limits["feature-demo-03"] == 150  # Pro 50 + 2 x 50 from the add-on
    subscription = pro["subscription"]
    assert subscription["totalPrice"]["subTotal"] == {"amount": 220.0, "currency": "USD"}
    assert [s["plan"]["refId"] for s in active(api, ref)] == ["plan-stigg-pro"]


def test_paid_plan_without_payment_method_needs_checkout(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = customer(api)
    provision(api, customerId=ref, planId="plan-stigg-starter")
    result = provision(api, customerId=ref, planId="plan-stigg-pro", billingPeriod="MONTHLY")
    assert result["status"] == "PAYMENT_REQUIRED"
    assert result["subscription"] is None
    assert result["checkoutUrl"] == f"{emulator.base_url}/checkout/{result['checkoutBillingId']}"
    assert [s["plan"]["refId"] for s in active(api, ref)] == ["plan-stigg-starter"]


def test_trial_runs_in_parallel_and_same_plan_converts(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = customer(api, payment=True)
    provision(api, customerId=ref, planId="plan-stigg-pro")
    trial = provision(api, customerId=ref, planId="plan-stigg-team", unitQuantity=3)
    assert trial["subscription"]["status"] == "IN_TRIAL"
    assert trial["subscription"]["trialEndDate"] is not None
    assert sorted(s["plan"]["refId"] for s in active(api, ref)) == [
        "plan-stigg-pro",
        "plan-stigg-team",
    ]
    seats = {e["feature"]["refId"]: e for e in trial["entitlements"]}["feature-seats"]
    assert seats["usageLimit"] == 3
    converted = provision(api, customerId=ref, planId="plan-stigg-team", unitQuantity=3)
    assert converted["subscription"]["status"] == "ACTIVE"
    assert [s["plan"]["refId"] for s in active(api, ref)] == ["plan-stigg-team"]


def test_skip_trial(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = customer(api, payment=True)
    result = provision(
        api, customerId=ref, planId="plan-stigg-team", unitQuantity=2, skipTrial=True
    )
    assert result["subscription"]["status"] == "ACTIVE"
    assert result["subscription"]["trialEndDate"] is None


def test_resources_and_edge_subscriptions(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = customer(api, payment=True)
    for resource, plan in (
        ("ws-1", "plan-workspace-free"),
        ("ws-2", "plan-workspace-plus"),
        ("ws-3", "plan-workspace-free"),
    ):
        assert (
            provision(api, customerId=ref, planId=plan, resourceId=resource)["status"] == "SUCCESS"
        )
    assert len(active(api, ref)) == 3
    only = active(api, ref, resourceId="ws-2")
    assert [(s["resource"]["resourceId"], s["plan"]["refId"]) for s in only] == [
        ("ws-2", "plan-workspace-plus")
    ]
    edge = api.edge(f"/v1/c/{ref}/subscriptions.json", resourceIds=["ws-1", "ws-3"]).json()
    assert sorted(s["resource"]["resourceId"] for s in edge["data"]["getActiveSubscriptions"]) == [
        "ws-1",
        "ws-3",
    ]
    scoped = api.edge(f"/v1/c/{ref}/entitlements.json", resourceId="ws-2").json()
    projects = {e["feature"]["refId"]: e["usageLimit"] for e in scoped["data"]["entitlements"]}
    assert projects == {"feature-projects": 30}
    body = api.gql(
        ACTIVE, {"input": {"customerId": ref, "resourceIds": [f"r{i}" for i in range(101)]}}
    )
    assert body["errors"][0]["extensions"]["code"] == "BadUserInput"


def test_update_schedule_and_cancel_schedule(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = customer(api, payment=True)
    sub_id = provision(api, customerId=ref, planId="plan-stigg-pro", billingPeriod="MONTHLY")[
        "subscription"
    ]["subscriptionId"]
    update = (
        """mutation U($input: UpdateSubscriptionInput!) {
      updateSubscription: updateOneSubscription(input: $input) { ...Slim } }"""
        + SLIM
    )
    updated = api.data(
        update,
        {
            "input": {
                "refId": sub_id,
                "additionalMetaData": {"k": "v"},
                "addons": [{"addonId": "addon-extra-requests", "quantity": 1}],
            }
        },
    )
    assert updated["updateSubscription"]["additionalMetaData"] == {"k": "v"}
    assert updated["updateSubscription"]["addons"] == [
        {"quantity": 1.0, "addon": {"addonId": "addon-extra-requests"}}
    ]
    scheduled = api.data(
        update,
        {
            "input": {
                "refId": sub_id,
                "billingPeriod": "ANNUALLY",
                "scheduleStrategy": "END_OF_BILLING_PERIOD",
            }
        },
    )
    futures = scheduled["updateSubscription"]["futureUpdates"]
    assert len(futures) == 1
    assert futures[0]["subscriptionScheduleType"] == "BillingPeriod"
    assert futures[0]["scheduleStatus"] == "Scheduled"
    assert futures[0]["scheduleVariables"] == {
        "__typename": "BillingPeriodChangeVariables",
        "billingPeriod": "ANNUALLY",
    }
    assert scheduled["updateSubscription"]["billingPeriod"] == "MONTHLY"
    cancel = """mutation C($input: SubscriptionUpdateScheduleCancellationInput!) {
      cancelSchedule(input: $input) }"""
    assert api.data(cancel, {"input": {"subscriptionId": sub_id, "status": "PendingPayment"}}) == {
        "cancelSchedule": sub_id
    }
    still = api.data(ACTIVE, {"input": {"customerId": ref}})["getActiveSubscriptions"][0]
    assert len(still["futureUpdates"]) == 1
    assert api.data(cancel, {"input": {"subscriptionId": sub_id, "status": "Scheduled"}}) == {
        "cancelSchedule": sub_id
    }
    assert active(api, ref)[0]["futureUpdates"] == []
    code = api.error_code(
        update,
        {
            "input": {
                "refId": sub_id,
                "addons": [{"addonId": "addon-extra-requests", "quantity": 9}],
            }
        },
    )
    assert code == "AddonQuantityExceedsLimitError"


def test_cancel_immediately_end_of_period_and_specific_date(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    cancel = """mutation C($input: SubscriptionCancellationInput!) {
      cancelSubscription(input: $input) {
        subscriptionId status cancellationDate effectiveEndDate
      }
    }"""
    ref = customer(api, payment=True)
    free_id = provision(api, customerId=ref, planId="plan-stigg-starter")["subscription"][
        "subscriptionId"
    ]
    result = api.data(cancel, {"input": {"subscriptionRefId": free_id}})["cancelSubscription"]
    assert result["status"] == "CANCELED" and result["effectiveEndDate"]
    assert active(api, ref) == []
    pro = provision(api, customerId=ref, planId="plan-stigg-pro")["subscription"]
    later = api.data(
        cancel,
        {
            "input": {
                "subscriptionRefId": pro["subscriptionId"],
                "subscriptionCancellationTime": "END_OF_BILLING_PERIOD",
            }
        },
    )
    assert later["cancelSubscription"]["status"] == "ACTIVE"
    assert later["cancelSubscription"]["effectiveEndDate"] == pro["currentBillingPeriodEnd"]
    on_date = api.data(
        cancel,
        {
            "input": {
                "subscriptionRefId": pro["subscriptionId"],
                "subscriptionCancellationTime": "SPECIFIC_DATE",
                "endDate": "2099-01-01T00:00:00.000Z",
            }
        },
    )
    assert on_date["cancelSubscription"]["cancellationDate"] == "2099-01-01T00:00:00.000Z"
    code = api.error_code(cancel, {"input": {"subscriptionRefId": free_id}})
    assert code == "SubscriptionAlreadyCanceledOrExpired"


def test_bad_input_is_reported_and_nothing_written(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = customer(api, payment=True)
    assert (
        api.error_code(PROVISION, {"input": {"customerId": ref, "planId": "nope"}})
        == "PlanNotFound"
    )
    assert api.error_code(
        PROVISION, {"input": {"customerId": "ghost", "planId": "plan-stigg-pro"}}
    ) == ("CustomerNotFound")
    assert (
        api.error_code(
            PROVISION,
            {"input": {"customerId": ref, "planId": "plan-stigg-team", "unitQuantity": -1}},
        )
        == "InvalidQuantity"
    )
    assert (
        api.error_code(
            PROVISION,
            {
                "input": {
                    "customerId": ref,
                    "planId": "plan-stigg-pro",
                    "promotionCode": "EXPIRED30",
                }
            },
        )
        == "PromotionCodeNotActive"
    )
    assert api.error_code(PROVISION, {"input": {"customerId": ref, "planId": 5}}) == "BadUserInput"
    assert active(api, ref) == []
    response = api.http.post("/graphql", content=b"{not json", headers={"X-API-KEY": api.key})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BadUserInput"
    assert api.error_code("query { nope }") == "BadUserInput"
    assert api.error_code("query {") == "BadUserInput"
    big = [{"query": "{ sdkConfiguration { sentryDsn } }"}] * 101
    body = api.raw(big).json()
    assert body["errors"][0]["extensions"]["code"] == "GraphQLBatchedOperationsLimitExceeded"
