"""`/graphql` over WebSocket with the graphql-transport-ws protocol (graphql-ws v5)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from ariadne import subscribe
from starlette.websockets import WebSocket, WebSocketDisconnect

from stigg_emulator.graphql.context import RequestContext
from stigg_emulator.graphql.executor import format_error
from stigg_emulator.http.auth import SERVER, Caller
from stigg_emulator.http.state import AppState

logger = logging.getLogger("stigg_emulator")
PROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT_S = 10.0


def _api_key(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    headers = payload.get("headers") if isinstance(payload.get("headers"), dict) else payload
    for key, value in headers.items():
        if str(key).lower() == "x-api-key" and isinstance(value, str):
            return value
    return None


async def graphql_ws(websocket: WebSocket) -> None:
    """Serve one graphql-transport-ws connection."""
    state: AppState = websocket.app.state.emulator
    offered = websocket.scope.get("subprotocols") or []
    if PROTOCOL not in offered:
        await websocket.close(code=4406, reason="Subprotocol not acceptable")
        return
    await websocket.accept(subprotocol=PROTOCOL)
    try:
        message = json.loads(await asyncio.wait_for(websocket.receive_text(), INIT_TIMEOUT_S))
    except (TimeoutError, ValueError, WebSocketDisconnect):
        await _close(websocket, 4408, "Connection initialisation timeout")
        return
    if not isinstance(message, dict) or message.get("type") != "connection_init":
        await _close(websocket, 4400, "Expected connection_init")
        return
    kind = state.keys.kind_of(_api_key(message.get("payload")))
    if kind != SERVER:
        await _close(websocket, 4401, "Invalid API key")
        return
    await websocket.send_text(json.dumps({"type": "connection_ack"}))
    context = RequestContext(state.domain, state.reads, Caller(kind, state.keys), "", state.hub)
    operations: dict[str, asyncio.Task[None]] = {}
    lock = asyncio.Lock()

    async def send(data: dict[str, Any]) -> None:
        async with lock:
            await websocket.send_text(json.dumps(data))

    async def run(op_id: str, payload: dict[str, Any]) -> None:
        try:
            await stream(op_id, payload)
        except Exception:
            logger.exception("subscription %s failed", op_id)
            with contextlib.suppress(Exception):
                await send(
                    {
                        "id": op_id,
                        "type": "error",
                        "payload": [
                            {
                                "message": "Unexpected error",
                                "extensions": {"code": "UnexpectedError"},
                            }
                        ],
                    }
                )

    async def stream(op_id: str, payload: dict[str, Any]) -> None:
        ok, result = await subscribe(
            state.schema, payload, context_value=context, error_formatter=format_error
        )
        if not ok:
            await send({"id": op_id, "type": "error", "payload": result})
            operations.pop(op_id, None)
            return
        try:
            async for item in result:  # type: ignore[union-attr]
                body: dict[str, Any] = {"data": item.data}
                if item.errors:
                    body["errors"] = [format_error(error) for error in item.errors]
                await send({"id": op_id, "type": "next", "payload": body})
            await send({"id": op_id, "type": "complete"})
        finally:
            operations.pop(op_id, None)

    try:
        while True:
            try:
                message = json.loads(await websocket.receive_text())
            except ValueError:
                await _close(websocket, 4400, "Invalid message")
                return
            kind_of_message = message.get("type") if isinstance(message, dict) else None
            if kind_of_message == "ping":
                await send({"type": "pong"})
            elif kind_of_message == "pong":
                continue
            elif kind_of_message == "subscribe":
                op_id = str(message.get("id") or "")
                if not op_id or op_id in operations:
                    await _close(websocket, 4409, f"Subscriber for {op_id} already exists")
                    return
                payload = message.get("payload") or {}
                if payload.get("variables") is None:
                    payload = {**payload, "variables": {}}
                operations[op_id] = asyncio.create_task(run(op_id, payload))
            elif kind_of_message == "complete":
                task = operations.pop(str(message.get("id")), None)
                if task is not None:
                    task.cancel()
            elif kind_of_message == "connection_init":
                await _close(websocket, 4429, "Too many initialisation requests")
                return
            else:
                await _close(websocket, 4400, "Unknown message type")
                return
    except WebSocketDisconnect:
        pass
    finally:
        for task in operations.values():
            task.cancel()
        for task in list(operations.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.close(code=code, reason=reason)
