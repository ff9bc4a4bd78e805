"""`GET/POST /emulator/clock` (server key): read or advance the test clock."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stigg_emulator.billing import test_clock
from stigg_emulator.clock import iso
from stigg_emulator.domain.errors import StiggError
from stigg_emulator.http.state import AppState, caller_of, unauthorized


def _server_state(request: Request) -> AppState | None:
    state: AppState = request.app.state.emulator
    caller = caller_of(request, state)
    return state if caller is not None and caller.is_server else None


def _now(state: AppState) -> dict[str, object]:
    clock = state.domain.clock
    return {"now": iso(clock.now_ms()), "frozen": clock.is_frozen}


async def clock_get(request: Request) -> Response:
    """The emulator's current time and whether a test clock froze it."""
    state = _server_state(request)
    if state is None:
        return unauthorized()
    return JSONResponse(_now(state))


async def clock_post(request: Request) -> Response:
    """Advance: body `{"to": ISO-8601}` or `{"by": "35d"}`; answers what happened."""
    state = _server_state(request)
    if state is None:
        return unauthorized()
    try:
        body = json.loads(await request.body() or b"{}")
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        target = test_clock.target_of(body, state.domain.clock.now())
        report = test_clock.advance(state.domain, target, str(request.base_url).rstrip("/"))
    except ValueError as error:
        return JSONResponse({"error": {"code": "BadUserInput", "message": str(error)}}, 400)
    except StiggError as error:
        return JSONResponse({"error": {"code": error.code, "message": error.message}}, 400)
    return JSONResponse({**report.json(), "frozen": True})


def routes() -> list[Route]:
    """Routes of the test clock."""
    return [
        Route("/emulator/clock", clock_get, methods=["GET"]),
        Route("/emulator/clock", clock_post, methods=["POST"]),
    ]
