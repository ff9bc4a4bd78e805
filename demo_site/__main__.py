"""`python -m demo_site`: emulator + site (`make demo`); `python -m demo_site serve`: site only."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from demo_site.settings import DEFAULT_RUNTIME


def serve(args: argparse.Namespace) -> int:
    """Run only the demo site (tests start it this way against their own emulator)."""
    import uvicorn

    from demo_site.app import create_app
    from demo_site.settings import SiteSettings

    settings = SiteSettings(
        emulator_url=args.emulator_url,
        edge_url=args.edge_url,
        client_key=args.client_key,
        runtime_dir=args.runtime_dir,
        server_key=args.server_key,
        signing_secret=args.signing_secret,
    )
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m demo_site", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    site = sub.add_parser("serve", help="run only the demo site")
    site.add_argument("--host", default="127.0.0.1")
    site.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", "8000")))
    site.add_argument("--emulator-url", required=True)
    site.add_argument("--edge-url", default=None)
    site.add_argument("--client-key", required=True)
    site.add_argument(
        "--server-key",
        default=os.environ.get("STIGG_SERVER_KEY"),
        help="server key of the demo backend (env STIGG_SERVER_KEY); never sent to browsers",
    )
    site.add_argument(
        "--signing-secret",
        default=os.environ.get("STIGG_SIGNING_SECRET"),
        help="the emulator's --signing-secret, to sign customer tokens (env STIGG_SIGNING_SECRET)",
    )
    site.add_argument("--runtime-dir", type=Path, default=DEFAULT_RUNTIME)
    site.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    from demo_site.launcher import run

    return run(
        demo_port=int(os.environ.get("DEMO_PORT", "8000")),
        emulator_port=int(os.environ.get("EMULATOR_PORT", "4100")),
        edge_port=int(os.environ.get("EDGE_PORT", "3060")),
    )


if __name__ == "__main__":
    raise SystemExit(main())
