"""`POST /v1/payment-methods[/{id}/confirm]` (the in-page card form's API) against a real
emulator: the hosted checkout's test-card outcomes, nothing stored for a declined or invalid
card, the customer token, and applySubscription taking only the customer's own cards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from stigg_emulator.auth import customer_token
from tests.emulator.conftest import start_emulator
from tests.emulator.helpers import client
from tests.sdk.backend import new_customer, server_graphql
from tests.support.processes import EmulatorProcess

SECRET = "payment-methods-secret"
APPLY = """mutation A($input: ApplySubscriptionInput!) {
  applySubscription(input: $input) { subscription { status plan { refId } } }
}"""

HAS_PAYMENT_METHOD = """query C($input: GetCustomerByRefIdInput!) {
  getCustomerByRefId(input: $input) { hasPaymentMethod }
}"""


def post(
    emulator: EmulatorProcess,
    body: dict[str, Any],
    key: str | None = None,
    path: str = "/v1/payment-methods",
    token: str | None = None,
) -> httpx.Response:
    headers = {"X-API-KEY": key or emulator.client_key}
    if token is not None:
        headers["X-CUSTOMER-KEY"] = token
    return httpx.post(f"{emulator.base_url}{path}", json=body, headers=headers, timeout=10)


def apply(emulator: EmulatorProcess, customer_id: str, payment_method_id: str) -> dict[str, Any]:
    data = {
        "customerId": customer_id,
        "planId": "plan-stigg-pro",
        "billingPeriod": "MONTHLY",
        "skipTrial": True,
        "paymentMethodId": payment_method_id,
    }
    return client(emulator).gql(APPLY, {"input": data})


def has_payment_method(emulator: EmulatorProcess, customer_id: str) -> bool:
    data = server_graphql(emulator, "C", HAS_PAYMENT_METHOD, {"input": {"customerId": customer_id}})
    return bool(data["getCustomerByRefId"]["hasPaymentMethod"])


@pytest.mark.parametrize(
    ("card", "requires_action"),
    [("4242 4242 4242 4242", False), ("4000 0025 0000 3155", True)],
)
def test_a_test_card_becomes_the_customers_payment_method(
    emulator: EmulatorProcess, card: str, requires_action: bool
) -> None:
    customer_id = new_customer(emulator)
    response = post(
        emulator,
        {"customerId": customer_id, "cardNumber": card, "expiry": "12/40", "cardholderName": "Ada"},
    )
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["paymentMethodId"].startswith("pm_local_")
    assert (answer["last4"], answer["requiresAction"]) == (card[-4:], requires_action)
    assert has_payment_method(emulator, customer_id)


@pytest.mark.parametrize(
    ("card", "expiry", "status", "code"),
    [
        ("4000 0000 0000 0002", "12/40", 402, "CardDeclined"),
        ("1234 5678 9012 3456", "12/40", 422, "InvalidCard"),
        ("4242 4242 4242 4242", "13/40", 422, "InvalidCard"),
        ("", "12/40", 422, "InvalidCard"),
    ],
)
def test_a_declined_or_invalid_card_stores_nothing(
    emulator: EmulatorProcess, card: str, expiry: str, status: int, code: str
) -> None:
    customer_id = new_customer(emulator)
    response = post(emulator, {"customerId": customer_id, "cardNumber": card, "expiry": expiry})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert not has_payment_method(emulator, customer_id)


def test_unknown_key_customer_and_body(emulator: EmulatorProcess) -> None:
    card = {"cardNumber": "4242424242424242", "expiry": "12/40"}
    assert post(emulator, {"customerId": "x", **card}, key="nope").status_code == 401
    missing = post(emulator, {"customerId": "customer-does-not-exist", **card})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "CustomerNotFound")
    assert post(emulator, card).status_code == 400


def test_a_card_needing_authentication_is_confirmed_then_pays(emulator: EmulatorProcess) -> None:
    customer_id = new_customer(emulator, None)
    card = {"customerId": customer_id, "cardNumber": "4000002500003155", "expiry": "12/40"}
    stored = post(emulator, card).json()
    assert stored["requiresAction"] is True
    confirm = f"/v1/payment-methods/{stored['paymentMethodId']}/confirm"
    stranger = new_customer(emulator, None)
    assert post(emulator, {"customerId": stranger}, path=confirm).status_code == 404
    confirmed = post(emulator, {"customerId": customer_id}, path=confirm)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["requiresAction"] is False
    body = apply(emulator, customer_id, stored["paymentMethodId"])
    assert body["data"]["applySubscription"]["subscription"]["status"] == "ACTIVE", body


def test_apply_takes_only_the_customers_own_payment_method(emulator: EmulatorProcess) -> None:
    owner, other = new_customer(emulator, None), new_customer(emulator, None)
    card = {"customerId": owner, "cardNumber": "4242424242424242", "expiry": "12/40"}
    pm_id = post(emulator, card).json()["paymentMethodId"]
    for customer_id, method in ((other, pm_id), (other, "pm_made_up")):
        body = apply(emulator, customer_id, method)
        assert body["errors"][0]["extensions"]["code"] == "PaymentMethodNotFoundError"
        assert not has_payment_method(emulator, customer_id)
    owned = apply(emulator, owner, pm_id)
    assert owned["data"]["applySubscription"]["subscription"]["plan"]["refId"] == "plan-stigg-pro"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator with a signing secret: client keys need the customer's token."""
    process = start_emulator(tmp_path_factory.mktemp("secured"), signing_secret=SECRET)
    yield process
    process.stop()


def test_a_client_key_needs_the_customers_token(secured: EmulatorProcess) -> None:
    customer_id = new_customer(secured, None)
    card = {"customerId": customer_id, "cardNumber": "4242424242424242", "expiry": "12/40"}
    refused = post(secured, card)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "AuthCustomerMismatch")
    wrong = post(secured, card, token=customer_token(SECRET, "someone-else"))
    assert wrong.status_code == 403
    assert not has_payment_method(secured, customer_id)
    assert post(secured, card, token=customer_token(SECRET, customer_id)).status_code == 201
    assert post(secured, card, key=secured.server_key).status_code == 201
