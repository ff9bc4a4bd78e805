"""Server-Sent Events per customer: `GET /v1/c/{customerId}/events` (key in header or ?apiKey)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from stigg_emulator.domain.errors import StiggError
from stigg_emulator.http.path_ids import path_segment
from stigg_emulator.http.state import AppState, caller_of, unauthorized
from stigg_emulator.realtime.hub import KINDS, Event

KEEPALIVE_S = 15.0


async def customer_events(request: Request) -> Response:
    """Stream the customer's entitlement/usage changes (same payloads as the WebSocket)."""
    state: AppState = request.app.state.emulator
    caller = caller_of(
        request, state, request.query_params.get("apiKey") or request.headers.get("x-api-key")
    )
    if caller is None:
        return unauthorized()
    customer_ref = path_segment(request.scope, 3)
    token = request.query_params.get("customerKey")
    if token and not caller.customer_key:
        caller = type(caller)(caller.kind, caller.keys, token)
    try:
        caller.check_customer(customer_ref)
    except StiggError as error:
        return Response(
            json.dumps(
                {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
            ),
            status_code=403,
            media_type="application/json",
        )
    kinds = tuple(kind for kind in KINDS if kind != "packagePublished")

    async def body() -> AsyncIterator[bytes]:
        # Listening starts here, before the client is told it is connected.
        stream = state.hub.stream(kinds, customer_ref)
        pending: asyncio.Task[Event] | None = None
        try:
            yield b": connected\n\nevent: ready\ndata: {}\n\n"
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(stream.__anext__())
                done, _ = await asyncio.wait({pending}, timeout=KEEPALIVE_S)
                if not done:
                    yield b": keepalive\n\n"
                    continue
                event = pending.result()
                pending = None
                data = json.dumps(event.payload, separators=(",", ":"))
                yield f"event: {event.kind}\ndata: {data}\n\n".encode()
        finally:
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(BaseException):
                    await pending
            await stream.aclose()

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
