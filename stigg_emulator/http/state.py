"""Application state shared by the HTTP handlers, and request authentication helpers."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLSchema
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from stigg_emulator.auth import Caller, Keys
from stigg_emulator.domain.context import Domain
from stigg_emulator.realtime.hub import Hub
from stigg_emulator.realtime.read_model import EntitlementReads


@dataclass
class AppState:
    """One per process: domain, cached reads, schema and keys."""

    domain: Domain
    reads: EntitlementReads
    schema: GraphQLSchema
    keys: Keys
    hub: Hub
    checkout_activation_delay: float = 2.0  # seconds from payment to activation


def caller_of(
    connection: HTTPConnection, state: AppState, api_key: str | None = None
) -> Caller | None:
    """The authenticated caller, or None when the key is missing or unknown."""
    key = api_key if api_key is not None else connection.headers.get("x-api-key")
    kind = state.keys.kind_of(key)
    if kind is None:
        return None
    return Caller(kind, state.keys, connection.headers.get("x-customer-key"))


def unauthorized() -> JSONResponse:
    """HTTP 401 with a GraphQL-shaped body."""
    return JSONResponse(
        {"errors": [{"message": "Invalid API key", "extensions": {"code": "Unauthenticated"}}]},
        status_code=401,
    )
