"""`/graphql` over WebSocket with the graphql-transport-ws protocol (graphql-ws v5)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from ariadne import subscribe
from starlette.websockets import WebSocket, WebSocketDisconnect

from stigg_emulator.auth import SERVER, Caller
from stigg_emulator.graphql.context import RequestContext
from stigg_emulator.graphql.executor import format_error, prepare, validation_rules
from stigg_emulator.graphql.limits import MAX_SUBSCRIPTIONS_PER_CONNECTION
from stigg_emulator.http.state import AppState

logger = logging.getLogger("stigg_emulator")
PROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT_S = 10.0
TOO_MANY = {
    "message": "A connection may run at most "
    f"{MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions at once",
    "extensions": {"code": "RateLimitExceeded"},
}


def _api_key(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    nested = payload.get("headers")
    headers: dict[Any, Any] = nested if isinstance(nested, dict) else payload
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
        message = await asyncio.wait_for(_receive_json(websocket), INIT_TIMEOUT_S)
    except TimeoutError:
        await _close(websocket, 4408, "Connection initialisation timeout")
        return
    except WebSocketDisconnect:
        return
    except ValueError:
        await _close(websocket, 4400, "Invalid message received")
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

    async def unexpected(op_id: str) -> None:
        with contextlib.suppress(Exception):
            await send(
                {
                    "id": op_id,
                    "type": "error",
                    "payload": [
                        {"message": "Unexpected error", "extensions": {"code": "UnexpectedError"}}
                    ],
                }
            )

    async def open_stream(op_id: str, payload: dict[str, Any]) -> AsyncIterator[Any] | None:
        """Validate and subscribe; the hub listens once this returns (None: refused)."""
        try:
            document = prepare(state.schema, payload)  # the same document limits as over HTTP
            if isinstance(document, dict):
                await send({"id": op_id, "type": "error", "payload": document["errors"]})
                return None
            ok, result = await subscribe(
                state.schema,
                payload,
                context_value=context,
                query_document=document,
                validation_rules=validation_rules,
                error_formatter=format_error,
            )
        except Exception:
            logger.exception("subscription %s failed", op_id)
            await unexpected(op_id)
            return None
        if not ok:
            await send({"id": op_id, "type": "error", "payload": result})
            return None
        return result  # type: ignore[return-value]

    async def run(op_id: str, results: AsyncIterator[Any]) -> None:
        try:
            async for item in results:
                body: dict[str, Any] = {"data": item.data}
                if item.errors:
                    body["errors"] = [format_error(error) for error in item.errors]
                await send({"id": op_id, "type": "next", "payload": body})
            await send({"id": op_id, "type": "complete"})
        except Exception:
            logger.exception("subscription %s failed", op_id)
            await unexpected(op_id)
        finally:
            operations.pop(op_id, None)
            close = getattr(results, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()

    try:
        while True:
            try:
                message = await _receive_json(websocket)
            except ValueError:
                await _close(websocket, 4400, "Invalid message received")
                return
            kind_of_message = message.get("type") if isinstance(message, dict) else None
            if kind_of_message == "ping":
                await send({"type": "pong"})
            elif kind_of_message == "pong":
                continue
            elif kind_of_message == "subscribe":
                op_id, payload = message.get("id"), message.get("payload")
                if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict):
                    await _close(websocket, 4400, "Invalid message received")
                    return
                if op_id in operations:
                    await _close(websocket, 4409, f"Subscriber for {op_id} already exists")
                    return
                if len(operations) >= MAX_SUBSCRIPTIONS_PER_CONNECTION:
                    await send({"id": op_id, "type": "error", "payload": [TOO_MANY]})
                    continue
                if payload.get("variables") is None:
                    payload = {**payload, "variables": {}}
                # Subscribed before the next message is read: a client that follows its
                # subscribes with a ping knows, at the pong, that every change is pushed.
                results = await open_stream(op_id, payload)
                if results is not None:
                    operations[op_id] = asyncio.create_task(run(op_id, results))
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


async def _receive_json(websocket: WebSocket) -> Any:
    """The next text frame as JSON; ValueError for binary frames and invalid JSON."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code") or 1000, message.get("reason"))
    text = message.get("text")
    if not isinstance(text, str):
        raise ValueError("binary frame")
    return json.loads(text)


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.close(code=code, reason=reason)
