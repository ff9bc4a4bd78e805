"""`stigg_client.core.payment_methods` against canned answers: a backend without the API
(Stigg's cloud answers 404 or 405) and the error envelope of the emulator's routes."""

from __future__ import annotations

from typing import Any

import pytest

from stigg_client.core import payment_methods
from stigg_client.errors import ApiError, AuthenticationError
from stigg_client.transport.api import ApiCredentials, StiggApi
from stigg_client.transport.base import HttpResponse


class CannedTransport:
    """Answers every request with one status and body; records the URLs."""

    def __init__(self, status: int, body: Any) -> None:
        self.answer = HttpResponse(status, "", body)
        self.urls: list[str] = []

    async def request(self, method: str, url: str, **_: Any) -> HttpResponse:
        self.urls.append(f"{method} {url}")
        return self.answer

    async def aclose(self) -> None:
        """Nothing to release."""


def api(status: int, body: Any) -> tuple[StiggApi, CannedTransport]:
    transport = CannedTransport(status, body)
    credentials = ApiCredentials(api_key="client-key", source="test")
    return StiggApi(transport, credentials, base_uri="https://api.example/", edge_uri=None), (
        transport
    )


@pytest.mark.parametrize(("status", "available"), [(404, False), (405, False), (200, True)])
async def test_card_form_available_by_the_routes_answer(status: int, available: bool) -> None:
    stigg_api, transport = api(status, {} if status == 200 else None)
    assert await payment_methods.card_form_available(stigg_api) is available
    assert transport.urls == ["GET https://api.example/v1/payment-methods"]


async def test_errors_of_the_routes_keep_their_code_and_status() -> None:
    declined, _ = api(402, {"error": {"code": "CardDeclined", "message": "Declined."}})
    with pytest.raises(ApiError) as raised:
        await payment_methods.create_payment_method(declined, "c1", {"card_number": "4"})
    assert (raised.value.code, raised.value.status, raised.value.message) == (
        "CardDeclined",
        402,
        "Declined.",
    )
    mismatch, transport = api(403, {"error": {"code": "AuthCustomerMismatch", "message": "No."}})
    with pytest.raises(AuthenticationError):
        await payment_methods.confirm_payment_method(mismatch, "c1", "pm/../x")
    assert transport.urls == ["POST https://api.example/v1/payment-methods/pm%2F..%2Fx/confirm"]
