"""Command line: `stigg-emulator serve ...` (also `python -m stigg_emulator serve ...`)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from stigg_emulator.catalog import CatalogError
from stigg_emulator.settings import DEFAULT_CATALOG, DEFAULT_DATABASE_URL, Settings


def parser() -> argparse.ArgumentParser:
    """The argument parser (its --help is the CLI reference)."""
    root = argparse.ArgumentParser(
        prog="stigg-emulator",
        description="A local Stigg-compatible API (GraphQL, edge reads, realtime) "
        "backed by a database.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the API",
        description="Serve GraphQL (POST/WS /graphql), edge reads (GET /v1/...json) and "
        "health (GET /healthz) on --port, and the same app on --edge-port.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    serve.add_argument("--port", type=int, default=4100, help="main API port (GraphQL, edge, SSE)")
    serve.add_argument(
        "--edge-port",
        type=int,
        default=3060,
        help="edge-API port; Stigg's SDKs use port 3060 when baseUri is localhost",
    )
    serve.add_argument(
        "--catalog",
        type=Path,
        default=DEFAULT_CATALOG,
        help="YAML catalog (products, features, plans, add-ons, coupons, customers); "
        "format in stigg_emulator/CATALOG.md",
    )
    serve.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://user@host:port/db",
    )
    serve.add_argument(
        "--client-key", default="client-local-key", help="client (publishable) API key"
    )
    serve.add_argument("--server-key", default="server-local-key", help="server API key")
    serve.add_argument(
        "--signing-secret",
        default=None,
        help="if set, client-key requests must send "
        "X-CUSTOMER-KEY = hex HMAC-SHA256(secret, customerId)",
    )
    serve.add_argument(
        "--checkout-activation-delay",
        type=float,
        default=2.0,
        help="seconds between paying on the hosted checkout page and the subscription "
        "becoming active (the billing webhook's delay)",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="log verbosity",
    )
    return root


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `stigg-emulator` console script."""
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    settings = Settings(
        host=args.host,
        port=args.port,
        edge_port=args.edge_port,
        catalog=args.catalog,
        database_url=args.database_url,
        client_key=args.client_key,
        server_key=args.server_key,
        signing_secret=args.signing_secret,
        log_level=args.log_level,
        checkout_activation_delay=args.checkout_activation_delay,
    )
    from stigg_emulator.server import serve

    try:
        serve(settings)
    except CatalogError as error:
        print(f"stigg-emulator: bad catalog: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        pass
