"""importOneCustomer / importCustomersBulk / importSubscriptionsBulk, and the statistics of
`getCustomerByRefId` they change."""

from __future__ import annotations

import uuid

from tests.emulator.helpers import server
from tests.support.processes import EmulatorProcess

IMPORT_ONE = """
mutation ImportCustomer($input: ImportCustomerInput!) {
  importCustomer: importOneCustomer(input: $input) {
    customerId name email billingId additionalMetaData updatedAt hasPaymentMethod
    subscriptions { subscriptionId }
  }
}
"""
IMPORT_CUSTOMERS = """
mutation ImportCustomerBulk($input: ImportCustomerBulkInput!) { importCustomersBulk(input: $input) }
"""
IMPORT_SUBSCRIPTIONS = """
mutation ImportSubscriptionsBulk($input: ImportSubscriptionsBulkInput!) {
  importSubscriptionsBulk(input: $input)
}
"""
GET = """
query Get($input: GetCustomerByRefIdInput!) {
  getCustomerByRefId(input: $input) {
    customerId
    subscriptions { subscriptionId status plan { refId } startDate cancellationDate trialEndDate }
    statistics { activeSubscriptionsByPricingType { pricingType totalCount } }
  }
}
"""


def new_id(kind: str = "imp") -> str:
    return f"{kind}-{uuid.uuid4().hex[:10]}"


def test_import_one_customer_runs_no_journey(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = new_id()
    customer = api.data(
        IMPORT_ONE,
        {
            "input": {
                "refId": ref,
                "name": "Ada",
                "email": "ada@example.com",
                "billingId": "cus_123",
                "paymentMethodId": "pm_card_visa",
                "additionalMetaData": {"source": "stripe"},
                "updatedAt": "2026-01-02T03:04:05.000Z",
            }
        },
    )["importCustomer"]
    assert customer["customerId"] == ref
    assert customer["billingId"] == "cus_123"
    assert customer["additionalMetaData"] == {"source": "stripe"}
    assert customer["updatedAt"].startswith("2026-01-02T03:04:05")
    assert customer["hasPaymentMethod"] is True
    assert customer["subscriptions"] == []  # the product's journey does not run on import


def test_importing_an_existing_customer_fails(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = new_id()
    api.data(IMPORT_ONE, {"input": {"refId": ref}})
    assert api.error_code(IMPORT_ONE, {"input": {"refId": ref}}) == "DuplicatedEntityNotAllowed"
    assert api.error_code(IMPORT_ONE, {"input": {"name": "no id"}}) == "BadUserInput"


def test_bulk_customer_import_is_all_or_nothing(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    first, second, taken = new_id(), new_id(), new_id()
    api.data(IMPORT_ONE, {"input": {"refId": taken}})
    batch = [{"customerId": first}, {"customerId": taken}]
    assert api.error_code(IMPORT_CUSTOMERS, {"input": {"customers": batch}}) == (
        "DuplicatedEntityNotAllowed"
    )
    assert api.data(GET, {"input": {"customerId": first}})["getCustomerByRefId"] is None

    task = api.data(
        IMPORT_CUSTOMERS,
        {"input": {"customers": [{"customerId": first, "name": "A"}, {"customerId": second}]}},
    )["importCustomersBulk"]
    assert isinstance(task, str) and task
    for ref in (first, second):
        assert api.data(GET, {"input": {"customerId": ref}})["getCustomerByRefId"]["customerId"]


def test_bulk_subscription_import_and_statistics(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = new_id()
    api.data(IMPORT_ONE, {"input": {"refId": ref}})
    sub_id = new_id("sub")
    api.data(
        IMPORT_SUBSCRIPTIONS,
        {
            "input": {
                "subscriptions": [
                    {
                        "customerId": ref,
                        "planId": "plan-stigg-team",
                        "subscriptionId": sub_id,
                        "billingPeriod": "MONTHLY",
                        "unitQuantity": 3,
                        "startDate": "2020-01-01T00:00:00.000Z",
                        "endDate": "2099-01-01T00:00:00.000Z",
                    },
                    {"customerId": ref, "planId": "plan-workspace-free"},
                ]
            }
        },
    )
    customer = api.data(GET, {"input": {"customerId": ref}})["getCustomerByRefId"]
    imported = {sub["plan"]["refId"]: sub for sub in customer["subscriptions"]}
    team = imported["plan-stigg-team"]
    assert team["subscriptionId"] == sub_id
    assert team["status"] == "ACTIVE"  # imported: no trial, no payment required
    assert team["trialEndDate"] is None
    assert team["startDate"].startswith("2020-01-01")
    assert team["cancellationDate"].startswith("2099-01-01")
    counts = {
        row["pricingType"]: row["totalCount"]
        for row in customer["statistics"]["activeSubscriptionsByPricingType"]
    }
    assert counts["PAID"] == 1
    assert counts["FREE"] == 1


def test_bulk_subscription_import_rejects_unknown_customers(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    items = [{"customerId": new_id(), "planId": "plan-stigg-starter"}]
    assert api.error_code(IMPORT_SUBSCRIPTIONS, {"input": {"subscriptions": items}}) == (
        "CustomerNotFound"
    )
    assert api.error_code(IMPORT_SUBSCRIPTIONS, {"input": {"subscriptions": []}}) == (
        "BadUserInput"
    )
