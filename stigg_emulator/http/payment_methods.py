"""The in-page card form's API (`<stigg-checkout>`): store a test card, confirm one that needs
authentication. docs/protocol.md §payment methods.

Stigg's cloud has no such routes: there a checkout hands off to the billing provider. The card
rules are the hosted checkout page's (`billing.checkout.take_test_card`): 4242 4242 4242 4242
pays, 4000 0000 0000 0002 is declined (HTTP 402, nothing stored), 4000 0025 0000 3155 is stored
but needs authentication (`requiresAction`) until `POST .../{id}/confirm`.

Authentication is the GraphQL API's: a client or server key (`X-API-KEY`), and with a signing
secret a client key also needs the customer's `X-CUSTOMER-KEY`.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stigg_emulator.billing import checkout, ledger
from stigg_emulator.domain.errors import StiggError
from stigg_emulator.domain.lookups import require_customer
from stigg_emulator.http.state import AppState, caller_of, unauthorized

STATUS_OF = {"AuthCustomerMismatch": 403, "CustomerNotFound": 404, "PaymentMethodNotFound": 404}


def _problem(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status)


def _tax_ids(body: dict[str, Any]) -> list[dict[str, str]] | None:
    kind, value = str(body.get("taxIdType") or ""), str(body.get("taxId") or "")
    return [{"type": kind, "value": value}] if kind and value else None


def _answer(method: ledger.PaymentMethod, status: int) -> JSONResponse:
    return JSONResponse(
        {
            "paymentMethodId": method.id,
            "brand": method.brand,
            "last4": method.last4,
            "requiresAction": method.behavior == ledger.REQUIRES_ACTION,
        },
        status,
    )


async def _customer_body(request: Request) -> tuple[AppState, dict[str, Any]] | Response:
    """The state and JSON body of an authenticated request for the body's `customerId`."""
    state: AppState = request.app.state.emulator
    caller = caller_of(request, state)
    if caller is None:
        return unauthorized()
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return _problem("BadUserInput", "The body must be JSON.", 400)
    if not isinstance(body, dict) or not isinstance(body.get("customerId"), str):
        return _problem("BadUserInput", "customerId is required.", 400)
    try:
        caller.check_customer(body["customerId"])
    except StiggError as error:
        return _problem(error.code, error.message, 403)
    return state, body


async def describe(request: Request) -> Response:
    """`GET`: the API is here (a checkout probes this), with the test cards and their outcome."""
    state: AppState = request.app.state.emulator
    if caller_of(request, state) is None:
        return unauthorized()
    cards = [
        {"cardNumber": number, "brand": brand, "outcome": outcome}
        for number, (brand, outcome) in ledger.TEST_CARDS.items()
    ]
    return JSONResponse({"testCards": cards})


async def create_payment_method(request: Request) -> Response:
    """Store the posted card as the customer's default payment method."""
    checked = await _customer_body(request)
    if isinstance(checked, Response):
        return checked
    state, body = checked
    form = {key: str(body.get(key) or "") for key in ("cardNumber", "expiry")}
    details: dict[str, Any] = {"name": str(body.get("cardholderName") or "").strip() or None}
    tax_ids = _tax_ids(body)
    if tax_ids:
        details["taxIds"] = tax_ids
    try:
        with state.domain.write() as tx:
            require_customer(tx.conn, body["customerId"])
            method = checkout.take_test_card(
                state.domain, tx, body["customerId"], form, lambda: details
            )
            tx.entitlements_changed(body["customerId"])  # hasPaymentMethod changed
    except StiggError as error:
        return _problem(error.code, error.message, STATUS_OF.get(error.code, 422))
    except checkout.CheckoutProblem as problem:
        declined = ledger.DECLINE_MESSAGE in str(problem)
        code = "CardDeclined" if declined else "InvalidCard"
        return _problem(code, str(problem), 402 if declined else 422)
    return _answer(method, 201)


async def confirm_payment_method(request: Request) -> Response:
    """The payer completed the card's authentication: its charges no longer need it."""
    checked = await _customer_body(request)
    if isinstance(checked, Response):
        return checked
    state, body = checked
    pm_id = request.path_params["payment_method_id"]
    with state.domain.write() as tx:
        method = ledger.authenticate_card(tx, body["customerId"], pm_id)
    if method is None:
        message = f"Customer {body['customerId']} has no payment method {pm_id}."
        return _problem("PaymentMethodNotFound", message, 404)
    return _answer(method, 200)


def routes() -> list[Route]:
    """The payment-method routes."""
    return [
        Route("/v1/payment-methods", describe, methods=["GET"]),
        Route("/v1/payment-methods", create_payment_method, methods=["POST"]),
        Route(
            "/v1/payment-methods/{payment_method_id}/confirm",
            confirm_payment_method,
            methods=["POST"],
        ),
    ]
