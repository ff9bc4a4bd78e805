"""A raw-ASGI fast path for the hot edge reads (`entitlements[-state].json`).

These two GETs are what SDKs poll; they skip Starlette routing and middleware and answer cached,
pre-encoded bodies. Everything else (and every OPTIONS preflight) goes to the full app.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, unquote

from stigg_emulator.auth import Caller
from stigg_emulator.domain.errors import StiggError
from stigg_emulator.http.path_ids import raw_path_of
from stigg_emulator.http.state import AppState

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PREFIX = "/v1/c/"
KINDS = {"/entitlements.json": "entitlements", "/entitlements-state.json": "entitlementsState"}
UNAUTHORIZED = json.dumps(
    {"errors": [{"message": "Invalid API key", "extensions": {"code": "Unauthenticated"}}]}
).encode()


class FastEdge:
    """Wraps the Starlette app; answers the hot edge GETs itself."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        path = raw_path_of(scope)
        if not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        for suffix, kind in KINDS.items():
            if path.endswith(suffix):
                encoded_id = path[len(PREFIX) : -len(suffix)]
                if encoded_id and "/" not in encoded_id:
                    await self._answer(scope, send, kind, unquote(encoded_id))
                    return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send, kind: str, customer_id: str) -> None:
        api_key = customer_key = origin = None
        for name, value in scope["headers"]:
            if name == b"x-api-key":
                api_key = value.decode("latin-1")
            elif name == b"x-customer-key":
                customer_key = value.decode("latin-1")
            elif name == b"origin":
                origin = value
        headers = [(b"content-type", b"application/json")]
        if origin is not None:
            headers.append((b"access-control-allow-origin", b"*"))
        key_kind = self.state.keys.kind_of(api_key)
        if key_kind is None:
            await _respond(send, 401, headers, UNAUTHORIZED)
            return
        caller = Caller(key_kind, self.state.keys, customer_key)
        try:
            caller.check_customer(customer_id)
        except StiggError as error:
            body = json.dumps(
                {
                    "data": None,
                    "errors": [{"message": error.message, "extensions": {"code": error.code}}],
                }
            ).encode()
            await _respond(send, 200, headers, body)
            return
        resource_id = None
        query = scope.get("query_string") or b""
        if query:
            values = parse_qs(query.decode("latin-1")).get("resourceId")
            resource_id = values[0] if values and values[0] else None
        body = self.state.reads.edge_body(kind, customer_id, resource_id)
        await _respond(send, 200, headers, body)


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
