"""`POST /v1/payment-methods` (the in-page card form's API) against a real emulator: the hosted
checkout's test-card outcomes, and nothing stored for a declined or invalid card."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sdk.backend import new_customer, server_graphql
from tests.support.processes import EmulatorProcess

HAS_PAYMENT_METHOD = """query C($input: GetCustomerByRefIdInput!) {
  getCustomerByRefId(input: $input) { hasPaymentMethod }
}"""


def post(emulator: EmulatorProcess, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{emulator.base_url}/v1/payment-methods",
        json=body,
        headers={"X-API-KEY": key or emulator.client_key},
        timeout=10,
    )


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
