"""Runtime settings of one emulator process (filled from the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path(".stigg-emulator")
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATA_DIR / 'emulator.db'}"
DEFAULT_CATALOG = Path("demo_site") / "catalog.yaml"


@dataclass(frozen=True)
class Settings:
    """Where to listen, what catalog and database to use, and the API keys."""

    host: str = "127.0.0.1"
    port: int = 4100
    edge_port: int = 3060
    catalog: Path = DEFAULT_CATALOG
    database_url: str = DEFAULT_DATABASE_URL
    client_key: str = "client-local-key"
    server_key: str = "server-local-key"
    signing_secret: str | None = None
    log_level: str = "info"
    checkout_activation_delay: float = 2.0
