"""Build the emulator from settings and serve it on the main and edge ports (one uvicorn)."""

from __future__ import annotations

import logging
import socket

import uvicorn

from stigg_emulator.auth import Keys
from stigg_emulator.billing import checkout, ledger, simulated_clock
from stigg_emulator.billing.invoicing import FirstInvoices
from stigg_emulator.catalog import load_catalog
from stigg_emulator.clock import Clock
from stigg_emulator.domain import customers
from stigg_emulator.domain.catalog_versions import sync_packages
from stigg_emulator.domain.context import Domain
from stigg_emulator.graphql.schema import build_schema
from stigg_emulator.http.app import create_app
from stigg_emulator.http.fast_edge import FastEdge
from stigg_emulator.http.header_limit import BoundedHeadProtocol
from stigg_emulator.http.state import AppState
from stigg_emulator.realtime.hub import Hub
from stigg_emulator.realtime.read_model import EntitlementReads
from stigg_emulator.settings import Settings
from stigg_emulator.storage import Database
from stigg_emulator.storage import repositories as repo

logger = logging.getLogger("stigg_emulator")
WS_MAX_MESSAGE_BYTES = 1024 * 1024  # one graphql-transport-ws message; larger ones close 1009


def build_state(settings: Settings, clock: Clock | None = None) -> AppState:
    """Load the catalog, open the database, publish package versions, seed customers."""
    catalog = load_catalog(settings.catalog)
    database = Database(settings.database_url)
    ledger.ensure_tables(database)
    domain = Domain(database, catalog, clock, invoicing=FirstInvoices())
    simulated_clock.restore(domain)  # a test clock's frozen time survives restarts
    with domain.read() as connection:
        domain.clock.observe(repo.latest_stamp(connection))  # stamps stay monotonic across restarts
    sync_packages(domain)
    customers.seed(domain)
    checkout.activate_overdue(domain, f"http://{settings.host}:{settings.port}")
    reads = EntitlementReads(domain)
    keys = Keys(settings.client_key, settings.server_key, settings.signing_secret)
    return AppState(
        domain,
        reads,
        build_schema(),
        keys,
        Hub(domain, reads),
        checkout_activation_delay=settings.checkout_activation_delay,
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def serve(settings: Settings) -> None:
    """Run until interrupted; both ports are served by the same app and event loop."""
    state = build_state(settings)
    sockets = [_bind(settings.host, settings.port)]
    if settings.edge_port != settings.port:
        sockets.append(_bind(settings.host, settings.edge_port))
    config = uvicorn.Config(
        FastEdge(create_app(state), state),
        log_level=settings.log_level,
        access_log=False,
        lifespan="on",
        http=BoundedHeadProtocol,  # httptools, with oversized request heads refused (431)
        ws="websockets-sansio",
        ws_max_size=WS_MAX_MESSAGE_BYTES,
    )
    server = uvicorn.Server(config)
    logger.info(
        "stigg emulator on http://%s:%d (edge on port %d), database %s",
        settings.host,
        settings.port,
        settings.edge_port,
        settings.database_url,
    )
    try:
        server.run(sockets=sockets)  # uvloop + httptools when installed
    finally:
        state.domain.db.dispose()
