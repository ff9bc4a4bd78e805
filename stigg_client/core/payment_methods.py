"""The emulator's payment-method API for an in-page card form (docs/protocol.md §4.1).

Stigg's cloud has no such API; `card_form_available` tells the two apart so that a checkout can
hand off to the hosted checkout URL instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from stigg_client.errors import ValidationError, error_for_code
from stigg_client.models.checkout import PaymentMethodResult
from stigg_client.transport.api import StiggApi
from stigg_client.transport.base import HttpResponse

PATH = "/v1/payment-methods"


def _result(response: HttpResponse, what: str) -> PaymentMethodResult:
    body = response.body if isinstance(response.body, dict) else {}
    if response.status >= 300:
        found = body.get("error")
        problem: dict[str, Any] = found if isinstance(found, dict) else {}
        message = str(problem.get("message") or f"{what}: HTTP {response.status}")
        code = problem.get("code")
        raise error_for_code(str(code) if code else None, message, status=response.status)
    return PaymentMethodResult.model_validate(body)


async def card_form_available(api: StiggApi) -> bool:
    """Whether the backend takes card details (the emulator) or not (Stigg's cloud: 404/405)."""
    response = await api.rest("GET", PATH)
    return response.status < 300


async def create_payment_method(
    api: StiggApi, customer_id: str, card: dict[str, Any]
) -> PaymentMethodResult:
    """Store `card` (`card_number`, `expiry` "MM/YY", optional `cvc`, `cardholder_name`,
    `tax_id_type`, `tax_id`) as the customer's payment method. A declined card raises `ApiError`
    with code `CardDeclined`; an invalid one `ValidationError` (`InvalidCard`)."""
    if not customer_id:
        raise ValidationError("create_payment_method needs a customer")
    names = {
        "card_number": "cardNumber",
        "expiry": "expiry",
        "cvc": "cvc",
        "cardholder_name": "cardholderName",
        "tax_id_type": "taxIdType",
        "tax_id": "taxId",
    }
    body = {"customerId": customer_id}
    body.update({wire: str(card[name]) for name, wire in names.items() if card.get(name)})
    return _result(await api.rest("POST", PATH, body), "create_payment_method")


async def confirm_payment_method(
    api: StiggApi, customer_id: str, payment_method_id: str
) -> PaymentMethodResult:
    """The payer completed the card's authentication (`requires_action` was true)."""
    path = f"{PATH}/{quote(payment_method_id, safe='')}/confirm"
    response = await api.rest("POST", path, {"customerId": customer_id})
    return _result(response, "confirm_payment_method")
