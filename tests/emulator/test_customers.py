"""provisionCustomer / updateOneCustomer / getCustomerByRefId / archiveCustomer."""

from __future__ import annotations

import uuid

from tests.emulator.helpers import server
from tests.support.processes import EmulatorProcess

PROVISION = """
mutation ProvisionCustomer($input: ProvisionCustomerInput!) {
  provisionCustomer(input: $input) {
    __typename
    customer { ...Slim }
    subscriptionDecisionStrategy
    subscription { subscriptionId status plan { refId } pricingType }
    entitlements { feature { refId } usageLimit }
  }
}
fragment Slim on Customer { id customerId refId name email additionalMetaData createdAt updatedAt }
"""
GET = """
query GetCustomerById($input: GetCustomerByRefIdInput!) {
  getCustomerByRefId(input: $input) {
    customerId name email hasPaymentMethod hasActiveSubscription additionalMetaData
    defaultPaymentMethodLast4Digits
    coupon { refId }
    subscriptions { subscriptionId status plan { refId } }
    promotionalEntitlements { featureId }
    eligibleForTrial { productRefId eligible }
  }
}
"""
BILLING = {
    "language": "en",
    "timezone": "America/New_York",
    "customerName": "Billing name",
    "billingAddress": {
        "country": "US",
        "city": "New York",
        "state": "NY",
        "addressLine1": "123 Main Street",
        "postalCode": "10164",
    },
    "taxIds": [{"type": "us_ein", "value": "12-3456789"}],
    "invoiceCustomFields": {"lorem": "ipsum"},
    "paymentMethodId": "pm_123",
    "currency": "usd",
    "metadata": {"hello": "world"},
}


def new_id() -> str:
    return f"cust-{uuid.uuid4().hex[:10]}"


def test_provision_without_params_creates_no_subscription(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = new_id()
    data = api.data(PROVISION, {"input": {"refId": ref, "name": "Ada", "email": "ada@x.io"}})
    result = data["provisionCustomer"]
    assert result["__typename"] == "ProvisionedCustomer"
    assert result["customer"]["customerId"] == ref
    assert result["subscriptionDecisionStrategy"] == "SKIPPED_SUBSCRIPTION_CREATION"
    assert result["subscription"] is None
    assert result["entitlements"] == []
    customer = api.data(GET, {"input": {"customerId": ref}})["getCustomerByRefId"]
    assert customer["hasActiveSubscription"] is False
    assert customer["hasPaymentMethod"] is False


def test_provision_with_params_and_billing_info(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = new_id()
    data = api.data(
        PROVISION,
        {
            "input": {
                "refId": ref,
                "name": "Bob",
                "additionalMetaData": {"key": "value"},
                "billingInformation": BILLING,
                "couponRefId": "coupon-stigg30",
                "subscriptionParams": {"planId": "plan-stigg-pro", "billingPeriod": "MONTHLY"},
            }
        },
    )["provisionCustomer"]
    assert data["subscriptionDecisionStrategy"] == "REQUESTED_PLAN"
    assert data["subscription"]["plan"]["refId"] == "plan-stigg-pro"
    assert data["subscription"]["status"] == "ACTIVE"
    limits = {e["feature"]["refId"]: e["usageLimit"] for e in data["entitlements"]}
    assert limits["feature-demo-03"] == 50
    customer = api.data(GET, {"input": {"customerId": ref}})["getCustomerByRefId"]
    assert customer["hasPaymentMethod"] is True
    assert customer["coupon"] == {"refId": "coupon-stigg30"}
    assert customer["additionalMetaData"] == {"key": "value"}
    assert [s["plan"]["refId"] for s in customer["subscriptions"]] == ["plan-stigg-pro"]


def test_update_customer(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = new_id()
    api.data(PROVISION, {"input": {"refId": ref, "name": "Old"}})
    updated = api.data(
        """mutation UpdateCustomer($input: UpdateCustomerInput!) {
             updateCustomer: updateOneCustomer(input: $input) {
               customerId name email additionalMetaData
             }
           }""",
        {
            "input": {
                "refId": ref,
                "email": "new@x.io",
                "additionalMetaData": {"a": 1},
                "billingInformation": BILLING,
            }
        },
    )["updateCustomer"]
    assert updated == {
        "customerId": ref,
        "name": "Old",
        "email": "new@x.io",
        "additionalMetaData": {"a": 1},
    }
    customer = api.data(GET, {"input": {"customerId": ref}})["getCustomerByRefId"]
    assert customer["hasPaymentMethod"] is True
    code = api.error_code(
        'mutation { updateOneCustomer(input: {refId: "nobody-here", name: "x"}) { customerId } }'
    )
    assert code == "CustomerNotFound"
    code = api.error_code(
        "mutation U($input: UpdateCustomerInput!) "
        "{ updateOneCustomer(input: $input) { customerId } }",
        {"input": {"refId": ref, "couponRefId": "nope"}},
    )
    assert code == "CouponNotFound"


def test_archive_erases_pii_and_id_is_never_reused(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = new_id()
    api.data(
        PROVISION,
        {
            "input": {
                "refId": ref,
                "name": "Gone",
                "email": "g@x.io",
                "billingInformation": BILLING,
                "subscriptionParams": {"planId": "plan-stigg-starter"},
            }
        },
    )
    archived = api.data(
        "mutation ArchiveCustomer($input: ArchiveCustomerInput!) { archiveCustomer(input: $input) "
        "{ customerId name email deletedAt } }",
        {"input": {"customerId": ref}},
    )["archiveCustomer"]
    assert archived["customerId"] == ref
    assert archived["name"] is None and archived["email"] is None
    assert archived["deletedAt"] is not None
    assert api.data(GET, {"input": {"customerId": ref}}) == {"getCustomerByRefId": None}
    body = api.gql(PROVISION, {"input": {"refId": ref, "name": "Again"}})
    assert body["errors"][0]["extensions"]["code"] == "DuplicatedEntityNotAllowed"
    state = api.edge(f"/v1/c/{ref}/entitlements-state.json").json()["data"]["entitlementsState"]
    assert state == {
        "__typename": "EntitlementsState",
        "entitlements": [],
        "entitlementsV2": [],
        "accessDeniedReason": "CustomerIsArchived",
    }
    code = api.error_code(
        'mutation { archiveCustomer(input: {customerId: "never-existed"}) { customerId } }'
    )
    assert code == "CustomerNotFound"


def test_data_survives_restart(tmp_path_factory: object, emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = new_id()
    api.data(
        PROVISION,
        {
            "input": {
                "refId": ref,
                "name": "Durable",
                "subscriptionParams": {"planId": "plan-stigg-starter"},
            }
        },
    )
    emulator.restart()
    customer = server(emulator).data(GET, {"input": {"customerId": ref}})["getCustomerByRefId"]
    assert customer["name"] == "Durable"
    assert [s["plan"]["refId"] for s in customer["subscriptions"]] == ["plan-stigg-starter"]
