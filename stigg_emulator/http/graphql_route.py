"""`POST /graphql`: single operations and JSON-array batches."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from stigg_emulator.graphql.context import RequestContext
from stigg_emulator.graphql.executor import error_body, execute_body
from stigg_emulator.http.state import AppState, caller_of, unauthorized

MAX_BODY_BYTES = 10 * 1024 * 1024


def public_base_url(request: Request) -> str:
    """Our base URL as the caller reached it (used for checkout links)."""
    return str(request.base_url).rstrip("/")


async def graphql_http(request: Request) -> Response:
    """Authenticate, parse the JSON body, execute, answer (always JSON, never a 500)."""
    state: AppState = request.app.state.emulator
    caller = caller_of(request, state)
    if caller is None:
        return unauthorized()
    raw = await _bounded_body(request)
    if raw is None:
        return JSONResponse(error_body("BadUserInput", "Request body too large"), status_code=413)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return JSONResponse(error_body("BadUserInput", "Body must be JSON"), status_code=400)
    context = RequestContext(state.domain, state.reads, caller, public_base_url(request))
    result = execute_body(state.schema, body, context)
    return JSONResponse(result)


async def _bounded_body(request: Request) -> bytes | None:
    """The body, or None as soon as it is known to exceed MAX_BODY_BYTES (declared or streamed):
    an oversized upload is refused without being held in memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
