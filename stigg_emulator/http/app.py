"""Assemble the Starlette application: GraphQL, edge routes, health, CORS."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from stigg_emulator.domain import transitions
from stigg_emulator.http import checkout_page, clock_routes, edge, payment_methods
from stigg_emulator.http.graphql_route import graphql_http
from stigg_emulator.http.graphql_ws import graphql_ws
from stigg_emulator.http.sse import customer_events
from stigg_emulator.http.state import AppState

logger = logging.getLogger("stigg_emulator")

CORS_HEADERS = [
    "X-API-KEY",
    "X-CUSTOMER-KEY",
    "X-API-VERSION",
    "source",
    "x-graphql-operation-name",
    "apollographql-client-name",
    "apollographql-client-version",
    "content-type",
    "X-SDK-INSTANCE-ID",
    "X-SDK-OS-PROCESS-HOSTNAME",
    "X-SDK-OS-PROCESS-ID",
    "X-SDK-OS-PROCESS-TIMESTAMP",
    "X-SDK-OS-PROCESS-FINGERPRINT",
    "cache-control",
    "last-event-id",
]
SCHEDULER_INTERVAL_S = 1.0


async def healthz(_request: Request) -> Response:
    """Liveness: 200 once the app serves requests."""
    return PlainTextResponse("ok")


async def _scheduler(state: AppState) -> None:
    """Apply due time-based transitions (trial ends, cancellations, scheduled updates)."""
    while True:
        await asyncio.sleep(SCHEDULER_INTERVAL_S)
        try:
            transitions.process_due(state.domain)
        except Exception:
            logger.exception("scheduled transitions failed")


def create_app(state: AppState) -> Starlette:
    """The ASGI app serving both ports."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_scheduler(state))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/graphql", graphql_http, methods=["POST"]),
        WebSocketRoute("/graphql", graphql_ws),
        Route("/v1/c/{customer_id:path}/events", customer_events, methods=["GET"]),
        *edge.routes(),
        *checkout_page.routes(),
        *payment_methods.routes(),
        *clock_routes.routes(),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=CORS_HEADERS,
            max_age=600,
        ),
        # Paywalls and catalog reads are large and repetitive JSON (~40x smaller gzipped);
        # event streams are left alone by the middleware.
        Middleware(GZipMiddleware, minimum_size=1024, compresslevel=6),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.emulator = state
    return app
