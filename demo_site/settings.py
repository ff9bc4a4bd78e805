"""Settings of the demo site process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RUNTIME = REPO / "build" / "runtime"
DEMO_CUSTOMER = "customer-demo-01"
DEMO_FEATURE = "feature-demo-02"


@dataclass(frozen=True)
class SiteSettings:
    """Where the emulator is, which key the pages use, and where the built runtime lives."""

    emulator_url: str
    client_key: str
    edge_url: str | None = None
    runtime_dir: Path = DEFAULT_RUNTIME
    customer_id: str = DEMO_CUSTOMER
    feature_id: str = DEMO_FEATURE
