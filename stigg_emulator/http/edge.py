"""Edge-style GET endpoints (`/v1/...json`), answered without the GraphQL engine."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stigg_emulator.domain.errors import StiggError
from stigg_emulator.graphql.resolvers.entitlements import sdk_configuration
from stigg_emulator.http.state import AppState, caller_of, unauthorized

JSON = "application/json"


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
    customer_id = request.path_params["customer_id"]
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


def routes() -> list[Route]:
    """The edge routes (mounted on both ports)."""
    return [
        Route("/v1/c/{customer_id}/entitlements.json", entitlements, methods=["GET"]),
        Route("/v1/c/{customer_id}/entitlements-state.json", entitlements_state, methods=["GET"]),
        Route("/v1/config/client-sdk-configuration.json", sdk_config, methods=["GET"]),
        Route("/v1/config/server-sdk-configuration.json", sdk_config, methods=["GET"]),
    ]
