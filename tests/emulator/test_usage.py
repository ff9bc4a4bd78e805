"""reportUsage (DELTA/SET, idempotency), bulk, raw events with meters, promotional grants."""

from __future__ import annotations

import uuid
from typing import Any

from tests.emulator.helpers import Api, server
from tests.support.processes import EmulatorProcess

REPORT = """
mutation ReportUsage($input: ReportUsageInput!) {
  reportUsage(input: $input) {
    id featureId customerId resourceId currentUsage usagePeriodStart usagePeriodEnd nextResetDate
    timestamp
  }
}
"""
BULK = (
    "mutation B($input: ReportUsageBulkInput!) { reportUsageBulk(input: $input) { currentUsage } }"
)
EVENTS = "mutation ReportEvent($input: UsageEventsReportInput!) { reportEvent(events: $input) }"
ENTITLEMENT = """
query E($query: FetchEntitlementQuery!) {
  entitlement(query: $query) {
    isGranted accessDeniedReason currentUsage usageLimit requestedUsage usageUpdatedAt
    feature { refId }
  }
}
"""


def pro_customer(api: Api) -> str:
    ref = f"use-{uuid.uuid4().hex[:10]}"
    api.data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {
            "input": {
                "refId": ref,
                "billingInformation": {"paymentMethodId": "pm_1"},
                "subscriptionParams": {"planId": "plan-stigg-pro"},
            }
        },
    )
    return ref


def usage_of(api: Api, ref: str, feature: str, requested: float | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {"customerId": ref, "featureId": feature}
    if requested is not None:
        query["options"] = {"requestedUsage": requested}
    result: dict[str, Any] = api.data(ENTITLEMENT, {"query": query})["entitlement"]
    return result


def test_delta_set_and_idempotency(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = pro_customer(api)
    first = api.data(
        REPORT, {"input": {"customerId": ref, "featureId": "feature-demo-03", "value": 5}}
    )
    assert first["reportUsage"]["currentUsage"] == 5
    assert first["reportUsage"]["usagePeriodStart"] < first["reportUsage"]["usagePeriodEnd"]
    api.data(
        REPORT,
        {
            "input": {
                "customerId": ref,
                "featureId": "feature-demo-03",
                "value": 3,
                "idempotencyKey": "k-1",
            }
        },
    )
    again = api.data(
        REPORT,
        {
            "input": {
                "customerId": ref,
                "featureId": "feature-demo-03",
                "value": 3,
                "idempotencyKey": "k-1",
            }
        },
    )
    assert again["reportUsage"]["currentUsage"] == 8
    before = usage_of(api, ref, "feature-demo-03")
    assert before["currentUsage"] == 8
    set_to = api.data(
        REPORT,
        {
            "input": {
                "customerId": ref,
                "featureId": "feature-demo-03",
                "value": 49,
                "updateBehavior": "SET",
            }
        },
    )
    assert set_to["reportUsage"]["currentUsage"] == 49
    after = usage_of(api, ref, "feature-demo-03", requested=1)
    assert after["isGranted"] is True and after["usageUpdatedAt"] > before["usageUpdatedAt"]
    over = usage_of(api, ref, "feature-demo-03", requested=2)
    assert over == {
        **over,
        "isGranted": False,
        "accessDeniedReason": "RequestedUsageExceedingLimit",
    }
    bulk = api.data(
        BULK,
        {
            "input": {
                "usages": [
                    {"customerId": ref, "featureId": "feature-demo-03", "value": 1},
                    {"customerId": ref, "featureId": "feature-demo-03", "value": 1},
                ]
            }
        },
    )
    assert [u["currentUsage"] for u in bulk["reportUsageBulk"]] == [50, 51]


def test_usage_errors_write_nothing(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = pro_customer(api)
    assert (
        api.error_code(
            REPORT, {"input": {"customerId": "ghost", "featureId": "feature-demo-03", "value": 1}}
        )
        == "CustomerNotFound"
    )
    assert (
        api.error_code(REPORT, {"input": {"customerId": ref, "featureId": "nope", "value": 1}})
        == "FeatureNotFound"
    )
    assert (
        api.error_code(
            REPORT, {"input": {"customerId": ref, "featureId": "feature-demo-02", "value": 1}}
        )
        == "MeteringNotAvailableForFeatureType"
    )
    assert (
        api.error_code(
            REPORT,
            {
                "input": {
                    "customerId": ref,
                    "featureId": "feature-demo-03",
                    "value": -1,
                    "updateBehavior": "SET",
                }
            },
        )
        == "InvalidQuantity"
    )
    assert (
        api.error_code(
            REPORT, {"input": {"customerId": ref, "featureId": "feature-demo-03", "value": "lots"}}
        )
        == "BadUserInput"
    )
    code = api.error_code(
        BULK,
        {
            "input": {
                "usages": [
                    {"customerId": ref, "featureId": "feature-demo-03", "value": 7},
                    {"customerId": ref, "featureId": "nope", "value": 1},
                ]
            }
        },
    )
    assert code == "FeatureNotFound"
    assert usage_of(api, ref, "feature-demo-03")["currentUsage"] == 0


def test_events_count_unique_sum_and_idempotency(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = pro_customer(api)
    events = (
        [
            {"customerId": ref, "eventName": "api_call", "idempotencyKey": f"{ref}-a{i}"}
            for i in range(5)
        ]
        + [
            {
                "customerId": ref,
                "eventName": "user_login",
                "idempotencyKey": f"{ref}-l{i}",
                "dimensions": {"user_id": f"u{i % 2}"},
            }
            for i in range(4)
        ]
        + [
            {
                "customerId": ref,
                "eventName": "llm_call",
                "idempotencyKey": f"{ref}-t1",
                "dimensions": {"tokens": 120, "model": "big"},
            },
            {
                "customerId": ref,
                "eventName": "llm_call",
                "idempotencyKey": f"{ref}-t2",
                "dimensions": {"tokens": 999, "model": "small"},
            },
        ]
    )
    assert api.data(EVENTS, {"input": {"usageEvents": events}}) == {"reportEvent": None}
    api.data(EVENTS, {"input": {"usageEvents": events[:3]}})  # repeated keys count once
    api.data(
        EVENTS,
        {
            "input": {
                "usageEvents": [
                    {
                        "customerId": ref,
                        "eventName": "user_login",
                        "idempotencyKey": f"{ref}-l9",
                        "dimensions": {"user_id": "u1"},
                    }
                ]
            }
        },
    )
    assert usage_of(api, ref, "feature-api-calls")["currentUsage"] == 5
    assert usage_of(api, ref, "feature-active-users")["currentUsage"] == 2
    assert usage_of(api, ref, "feature-tokens")["currentUsage"] == 120
    code = api.error_code(
        EVENTS,
        {
            "input": {
                "usageEvents": [
                    {"customerId": ref, "eventName": "api_call", "idempotencyKey": f"{ref}-x"},
                    {"customerId": "ghost", "eventName": "api_call", "idempotencyKey": f"{ref}-y"},
                ]
            }
        },
    )
    assert code == "CustomerNotFound"
    assert usage_of(api, ref, "feature-api-calls")["currentUsage"] == 5
    too_many = [
        {"customerId": ref, "eventName": "api_call", "idempotencyKey": f"k{i}"}
        for i in range(10_001)
    ]
    assert api.error_code(EVENTS, {"input": {"usageEvents": too_many}}) == "BadUserInput"


def test_promotional_grant_and_revoke(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = f"promo-{uuid.uuid4().hex[:8]}"
    api.data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {"input": {"refId": ref}},
    )
    assert usage_of(api, ref, "feature-demo-02")["accessDeniedReason"] == "NoActiveSubscription"
    granted = api.data(
        """mutation G($input: GrantPromotionalEntitlementsInput!) {
             grantPromotionalEntitlements(input: $input) { featureId status endDate usageLimit
               feature { refId } } }""",
        {
            "input": {
                "customerId": ref,
                "promotionalEntitlements": [
                    {"featureId": "feature-demo-03", "period": "ONE_WEEK", "usageLimit": 5},
                    {"featureId": "feature-demo-02", "period": "LIFETIME"},
                ],
            }
        },
    )["grantPromotionalEntitlements"]
    assert [(g["feature"]["refId"], g["status"]) for g in granted] == [
        ("feature-demo-03", "Active"),
        ("feature-demo-02", "Active"),
    ]
    week = next(g for g in granted if g["feature"]["refId"] == "feature-demo-03")
    assert week["endDate"] is not None and week["usageLimit"] == 5
    assert usage_of(api, ref, "feature-demo-02")["isGranted"] is True
    assert usage_of(api, ref, "feature-demo-03")["usageLimit"] == 5
    revoked = api.data(
        """mutation R($input: RevokePromotionalEntitlementInput!) {
             revokePromotionalEntitlement(input: $input) { id } }""",
        {"input": {"customerId": ref, "featureId": "feature-demo-03"}},
    )
    assert revoked["revokePromotionalEntitlement"]["id"]
    assert (
        usage_of(api, ref, "feature-demo-03")["accessDeniedReason"]
        == "NoFeatureEntitlementInSubscription"
    )
    code = api.error_code(
        """mutation R($input: RevokePromotionalEntitlementInput!) {
             revokePromotionalEntitlement(input: $input) { id } }""",
        {"input": {"customerId": ref, "featureId": "feature-demo-03"}},
    )
    assert code == "PromotionalEntitlementNotFoundError"


def test_access_denied_reasons(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    assert (
        usage_of(api, "ghost-customer", "feature-demo-01")["accessDeniedReason"]
        == "CustomerNotFound"
    )
    assert (
        usage_of(api, "customer-demo-01", "no-such-feature")["accessDeniedReason"]
        == "FeatureNotFound"
    )
    ok = usage_of(api, "customer-demo-01", "feature-demo-02")
    assert ok["isGranted"] is True and ok["accessDeniedReason"] is None
    missing = api.data(
        ENTITLEMENT,
        {
            "query": {
                "customerId": "customer-demo-01",
                "featureId": "feature-demo-01",
                "resourceId": "nope",
            }
        },
    )
    assert missing["entitlement"]["accessDeniedReason"] == "CustomerResourceNotFound"
    state = api.edge("/v1/c/ghost-customer/entitlements-state.json").json()["data"]
    assert state["entitlementsState"]["accessDeniedReason"] == "CustomerNotFound"
