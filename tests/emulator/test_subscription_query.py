"""subscriptions(filter, paging, sorting) and the subscription moves: transferSubscription,
transferSubscriptionToResource, delegateSubscriptionToCustomer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.helpers import Api, bare_customer, server
from tests.support.processes import EmulatorProcess

PROVISION = """
mutation S($input: ProvisionSubscriptionInput!) {
  provisionSubscriptionV2(input: $input) { status subscription { subscriptionId } }
}
"""
SEARCH = """
query Q(
  $filter: SubscriptionQueryFilter, $paging: CursorPaging, $sorting: [SubscriptionQuerySort!]
) {
  subscriptions(filter: $filter, paging: $paging, sorting: $sorting) {
    edges { cursor node { subscriptionId status customer { customerId } resource { resourceId }
                          payingCustomer { customerId } plan { refId } } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
    totalCount
  }
}
"""
MOVED = (
    "{ subscriptionId customer { refId } resource { resourceId } payingCustomer { customerId } }"
)
TRANSFER = f"""
mutation T($input: TransferSubscriptionInput!) {{ transferSubscription(input: $input) {MOVED} }}
"""
TO_RESOURCE = f"""
mutation R($input: TransferSubscriptionToResourceInput!) {{
  transferSubscriptionToResource(input: $input) {MOVED}
}}
"""
DELEGATE = f"""
mutation D($input: DelegateSubscriptionToCustomerInput!) {{
  delegateSubscriptionToCustomer(input: $input) {MOVED}
}}
"""


def subscribe(api: Api, customer_ref: str, plan: str, resource: str | None = None) -> str:
    data = api.data(
        PROVISION,
        {"input": {"customerId": customer_ref, "planId": plan, "resourceId": resource}},
    )
    return str(data["provisionSubscriptionV2"]["subscription"]["subscriptionId"])


def search(api: Api, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(SEARCH, variables)["subscriptions"]
    return result


@pytest.fixture(scope="module")
def api(emulator: EmulatorProcess) -> Api:
    return server(emulator)


def test_pages_forward_and_back_with_cursors(api: Api) -> None:
    ref = bare_customer(api, "sq")
    ids = [subscribe(api, ref, "plan-workspace-free", f"ws-{n}") for n in range(5)]
    mine = {"customerId": {"eq": ref}}
    oldest_first = [{"field": "createdAt", "direction": "ASC"}]

    first = search(api, filter=mine, paging={"first": 2}, sorting=oldest_first)
    assert [e["node"]["subscriptionId"] for e in first["edges"]] == ids[:2]
    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False

    after = first["pageInfo"]["endCursor"]
    second = search(api, filter=mine, paging={"first": 2, "after": after}, sorting=oldest_first)
    assert [e["node"]["subscriptionId"] for e in second["edges"]] == ids[2:4]
    assert second["pageInfo"]["hasPreviousPage"] is True

    before = second["pageInfo"]["startCursor"]
    back = search(api, filter=mine, paging={"last": 1, "before": before}, sorting=oldest_first)
    assert [e["node"]["subscriptionId"] for e in back["edges"]] == [ids[1]]

    newest = search(api, filter=mine)  # default: newest first, 10 a page
    assert newest["edges"][0]["node"]["subscriptionId"] == ids[-1]
    assert newest["pageInfo"]["hasNextPage"] is False


def test_filters_by_resource_status_and_product(api: Api) -> None:
    ref = bare_customer(api, "sq")
    free = subscribe(api, ref, "plan-workspace-free", "ws-a")
    subscribe(api, ref, "plan-workspace-free", "ws-b")
    starter = subscribe(api, ref, "plan-stigg-starter")
    mine = {"customerId": {"eq": ref}}

    by_resource = search(api, filter={**mine, "resourceId": {"in": ["ws-a"]}})
    assert [e["node"]["subscriptionId"] for e in by_resource["edges"]] == [free]
    by_product = search(api, filter={**mine, "productId": {"eq": "product-stigg"}})
    assert [e["node"]["subscriptionId"] for e in by_product["edges"]] == [starter]
    canceled = search(api, filter={**mine, "status": {"eq": "CANCELED"}})
    assert canceled["edges"] == []
    either = search(
        api,
        filter={
            "and": [mine],
            "or": [{"resourceId": {"eq": "ws-b"}}, {"productId": {"eq": "product-stigg"}}],
        },
    )
    assert either["totalCount"] == 2


def test_bad_paging_and_unsupported_filters_are_clear_errors(api: Api) -> None:
    assert api.error_code(SEARCH, {"paging": {"first": 0}}) == "BadUserInput"
    assert api.error_code(SEARCH, {"paging": {"after": "nope"}}) == "BadUserInput"
    assert api.error_code(SEARCH, {"filter": {"billingId": {"eq": "x"}}}) == "BadUserInput"


def test_transfers_between_resources(api: Api) -> None:
    ref = bare_customer(api, "sq")
    sub = subscribe(api, ref, "plan-workspace-free", "ws-src")
    moved = api.data(
        TRANSFER,
        {
            "input": {
                "customerId": ref,
                "sourceResourceId": "ws-src",
                "destinationResourceId": "ws-dst",
            }
        },
    )["transferSubscription"]
    assert moved["subscriptionId"] == sub
    assert moved["resource"] == {"resourceId": "ws-dst"}

    again = api.data(
        TO_RESOURCE, {"input": {"subscriptionId": sub, "destinationResourceId": "ws-final"}}
    )["transferSubscriptionToResource"]
    assert again["resource"] == {"resourceId": "ws-final"}

    taken = subscribe(api, ref, "plan-workspace-free", "ws-taken")
    assert taken
    code = api.error_code(
        TO_RESOURCE, {"input": {"subscriptionId": sub, "destinationResourceId": "ws-taken"}}
    )
    assert code == "DuplicatedEntityNotAllowed"
    assert (
        api.error_code(
            TRANSFER,
            {
                "input": {
                    "customerId": ref,
                    "sourceResourceId": "ws-none",
                    "destinationResourceId": "x",
                }
            },
        )
        == "SubscriptionNotFound"
    )


def test_delegation_keeps_the_payer(api: Api) -> None:
    payer, user = bare_customer(api, "sq"), bare_customer(api, "sq")
    sub = subscribe(api, payer, "plan-stigg-starter")
    moved = api.data(DELEGATE, {"input": {"subscriptionId": sub, "destinationCustomerId": user}})[
        "delegateSubscriptionToCustomer"
    ]
    assert moved["customer"]["refId"] == user
    assert moved["payingCustomer"]["customerId"] == payer
    users = search(api, filter={"customerId": {"eq": user}})
    assert [e["node"]["subscriptionId"] for e in users["edges"]] == [sub]

    back = api.data(DELEGATE, {"input": {"subscriptionId": sub}})["delegateSubscriptionToCustomer"]
    assert back["customer"]["refId"] == payer
    assert back["payingCustomer"] is None
    assert (
        api.error_code(
            DELEGATE, {"input": {"subscriptionId": sub, "destinationCustomerId": "sq-missing"}}
        )
        == "CustomerNotFound"
    )
