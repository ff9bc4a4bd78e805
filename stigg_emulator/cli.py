"""Command line: `stigg-emulator serve|clock ...` (also `python -m stigg_emulator ...`)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
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
    clock = commands.add_parser(
        "clock",
        help="read or advance a running emulator's test clock",
        description="Talk to GET/POST /emulator/clock of a running emulator (server key). "
        "Advancing freezes 'now' at the new time and applies what crossing it causes: trial "
        "ends, cancellations, scheduled updates, promotion expiry, renewal invoices. With "
        "--customer only that customer's clock moves.",
    )
    clock.add_argument("action", choices=["show", "advance"], help="what to do")
    when = clock.add_mutually_exclusive_group()
    when.add_argument("--to", help="ISO-8601 time to move to, e.g. 2030-02-01T00:00:00Z")
    when.add_argument("--by", help="duration to move by: 35d, 12h, 2w, 90m or 30s")
    clock.add_argument(
        "--customer",
        help="a customer id: read or move only that customer's own clock (others unaffected)",
    )
    clock.add_argument("--url", default="http://127.0.0.1:4100", help="emulator base URL")
    clock.add_argument("--server-key", default="server-local-key", help="server API key")
    return root


def clock_command(args: argparse.Namespace) -> int:
    """`stigg-emulator clock show|advance`: prints the JSON answer; exit 1 on an error."""
    body = None
    if args.action == "advance":
        if not (args.to or args.by):
            print("stigg-emulator: clock advance needs --to or --by", file=sys.stderr)
            return 2
        payload: dict[str, str] = {"to": args.to} if args.to else {"by": args.by}
        if args.customer:
            payload["customerId"] = args.customer
        body = json.dumps(payload).encode()
    query = (
        "?" + urllib.parse.urlencode({"customerId": args.customer})
        if args.customer and body is None
        else ""
    )
    request = urllib.request.Request(
        args.url.rstrip("/") + "/emulator/clock" + query,
        data=body,
        method="POST" if body else "GET",
        headers={"X-API-KEY": args.server_key, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            print(response.read().decode())
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode(), file=sys.stderr)
    except OSError as error:
        print(f"stigg-emulator: cannot reach {args.url}: {error}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `stigg-emulator` console script."""
    args = parser().parse_args(argv)
    if args.command == "clock":
        raise SystemExit(clock_command(args))
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
