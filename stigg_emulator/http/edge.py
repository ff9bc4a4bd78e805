"""Edge-style GET endpoints (`/v1/...json`), answered without the GraphQL engine."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stigg_emulator.domain.errors import StiggError
from stigg_emulator.domain.paywall import paywall_json
from stigg_emulator.graphql.resolvers.entitlements import sdk_configuration
from stigg_emulator.graphql.resolvers.subscriptions import resource_filter
from stigg_emulator.http.path_ids import path_segment
from stigg_emulator.http.state import AppState, caller_of, unauthorized
from stigg_emulator.wire.customer_json import active_subscriptions_json

JSON = "application/json"
# `/v1/c/{customerId}/...` and `/v1/p/{productId}/...`: the id is the fourth segment.
CUSTOMER_SEGMENT = 3
PRODUCT_SEGMENT = 3


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload, separators=(",", ":")), status_code=status, media_type=JSON)


def error_response(error: StiggError) -> Response:
    """Edge errors use the GraphQL envelope so SDKs raise them like GraphQL errors."""
    return _json(
        {"data": None, "errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    )


async def entitlements(request: Request) -> Response:
    """`/v1/c/{customerId}/entitlements.json[?resourceId=R]`."""
    return _entitlement_body(request, "entitlements")


async def entitlements_state(request: Request) -> Response:
    """`/v1/c/{customerId}/entitlements-state.json[?resourceId=R]`."""
    return _entitlement_body(request, "entitlementsState")


def _entitlement_body(request: Request, kind: str) -> Response:
    state: AppState = request.app.state.emulator
    caller = caller_of(request, state)
    if caller is None:
        return unauthorized()
    customer_id = path_segment(request.scope, CUSTOMER_SEGMENT)
    try:
        caller.check_customer(customer_id)
    except StiggError as error:
        return error_response(error)
    resource_id = request.query_params.get("resourceId") or None
    body = state.reads.edge_body(kind, customer_id, resource_id)
    return Response(body, media_type=JSON)


async def sdk_config(request: Request) -> Response:
    """`/v1/config/{client,server}-sdk-configuration.json`."""
    state: AppState = request.app.state.emulator
    if caller_of(request, state) is None:
        return unauthorized()
    return _json({"data": {"sdkConfiguration": sdk_configuration(state.domain.catalog.sdk)}})


async def subscriptions(request: Request) -> Response:
    """`/v1/c/{customerId}/subscriptions.json[?resourceId=R | ?resourceIds=A&resourceIds=B]`."""
    state: AppState = request.app.state.emulator
    caller = caller_of(request, state)
    if caller is None:
        return unauthorized()
    customer_id = path_segment(request.scope, CUSTOMER_SEGMENT)
    domain = state.domain
    try:
        caller.check_customer(customer_id)
        wanted = resource_filter(
            request.query_params.get("resourceId"), request.query_params.getlist("resourceIds")
        )
        with domain.read() as connection:
            result = active_subscriptions_json(
                connection, domain.catalog, customer_id, wanted, domain.clock.now(customer_id)
            )
        if result is None:
            raise StiggError("CustomerNotFound", f"Customer not found: {customer_id}")
    except StiggError as error:
        return error_response(error)
    return _json({"data": {"getActiveSubscriptions": result}})


def _flag(value: str | None) -> bool:
    return (value or "").lower() == "true"


async def paywall(request: Request) -> Response:
    """`/v1/paywall.json` and `/v1/p/{productId}/paywall.json` (public paywall)."""
    state: AppState = request.app.state.emulator
    if caller_of(request, state) is None:
        return unauthorized()
    params = request.query_params
    data = {
        "productId": (
            path_segment(request.scope, PRODUCT_SEGMENT)
            if "product_id" in request.path_params
            else None
        ),
        "billingCountryCode": params.get("billingCountryCode") or None,
        "includeHiddenPlans": _flag(params.get("includeHiddenPlans")),
        "fetchAllCountriesPrices": _flag(params.get("fetchAllCountriesPrices")),
        "context": params.get("context") or None,
    }
    domain = state.domain
    try:
        with domain.read() as connection:
            result = paywall_json(connection, domain.catalog, data, domain.clock.now())
    except StiggError as error:
        return error_response(error)
    return _revalidated(request, {"data": {"paywall": result}})


def _revalidated(request: Request, payload: Any) -> Response:
    """A JSON answer with a validator: a client holding the same body gets a bodiless 304, and
    `no-cache` makes browsers ask each time, so a catalog change is seen at once."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)


def routes() -> list[Route]:
    """The edge routes (mounted on both ports)."""
    return [
        Route("/v1/c/{customer_id:path}/entitlements.json", entitlements, methods=["GET"]),
        Route(
            "/v1/c/{customer_id:path}/entitlements-state.json", entitlements_state, methods=["GET"]
        ),
        Route("/v1/c/{customer_id:path}/subscriptions.json", subscriptions, methods=["GET"]),
        Route("/v1/paywall.json", paywall, methods=["GET"]),
        Route("/v1/p/{product_id:path}/paywall.json", paywall, methods=["GET"]),
        Route("/v1/config/client-sdk-configuration.json", sdk_config, methods=["GET"]),
        Route("/v1/config/server-sdk-configuration.json", sdk_config, methods=["GET"]),
    ]
