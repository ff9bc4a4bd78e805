"""`GET/POST /emulator/clock` (server key): read or advance the test clock."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stigg_emulator.billing import simulated_clock
from stigg_emulator.clock import iso
from stigg_emulator.domain.errors import StiggError, bad_input
from stigg_emulator.domain.lookups import require_customer
from stigg_emulator.http.state import AppState, caller_of, unauthorized


def _server_state(request: Request) -> AppState | None:
    state: AppState = request.app.state.emulator
    caller = caller_of(request, state)
    return state if caller is not None and caller.is_server else None


def _now(state: AppState, customer: str | None) -> dict[str, object]:
    clock = state.domain.clock
    answer: dict[str, object] = {"now": iso(clock.now_ms(customer)), "frozen": clock.is_frozen}
    if customer is not None:
        answer["customerId"] = customer
        answer["offsetMs"] = clock.offset_ms(customer)
    elif clock.offsets:
        answer["customerClocks"] = {ref: iso(clock.now_ms(ref)) for ref in sorted(clock.offsets)}
    return answer


def _customer(state: AppState, value: object) -> str | None:
    """The customer whose own clock a request names (None: the global clock)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise bad_input("customerId must be a string")
    with state.domain.read() as connection:
        require_customer(connection, value)
    return value


def _error(error: Exception) -> Response:
    if isinstance(error, StiggError):
        status = 404 if error.code == "CustomerNotFound" else 400
        return JSONResponse({"error": {"code": error.code, "message": error.message}}, status)
    return JSONResponse({"error": {"code": "BadUserInput", "message": str(error)}}, 400)


async def clock_get(request: Request) -> Response:
    """The current time (of `?customerId=` when given) and whether a test clock froze it."""
    state = _server_state(request)
    if state is None:
        return unauthorized()
    try:
        customer = _customer(state, request.query_params.get("customerId"))
    except StiggError as error:
        return _error(error)
    return JSONResponse(_now(state, customer))


async def clock_post(request: Request) -> Response:
    """Advance: body `{"to": ISO-8601}` or `{"by": "35d" | "P40D"}`, optionally `customerId`
    to move only that customer's clock; answers what happened."""
    state = _server_state(request)
    if state is None:
        return unauthorized()
    try:
        body = json.loads(await request.body() or b"{}")
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        customer = _customer(state, body.get("customerId"))
        target = simulated_clock.target_of(body, state.domain.clock.now(customer))
        report = simulated_clock.advance(
            state.domain, target, str(request.base_url).rstrip("/"), customer
        )
    except (ValueError, StiggError) as error:
        return _error(error)
    return JSONResponse({**report.json(), "frozen": state.domain.clock.is_frozen})


def routes() -> list[Route]:
    """Routes of the test clock."""
    return [
        Route("/emulator/clock", clock_get, methods=["GET"]),
        Route("/emulator/clock", clock_post, methods=["POST"]),
    ]
