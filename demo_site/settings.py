"""Settings of the demo site process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RUNTIME = REPO / "build" / "runtime"
DEMO_CUSTOMER = "customer-demo-01"
DEMO_FEATURE = "feature-demo-02"
PRODUCT_ID = "product-inkwell"
# Tiered seat prices and pay-as-you-go AI assists (a second paywall, /pricing/organisations).
ORG_PRODUCT_ID = "product-inkwell-org"
DEMO_PRODUCTS = (PRODUCT_ID, ORG_PRODUCT_ID)
FREE_PLAN = "plan-free"
TEMPLATES_FEATURE = "feature-templates"
EXPORTS_FEATURE = "feature-exports"  # a raw-event meter: counts EXPORT_EVENT events
EXPORT_EVENT = "export_created"
# Seeded by demo_site/catalog.yaml; the sign-in page offers them.
DEMO_CUSTOMERS = ("customer-demo-01", "customer-demo-02")


@dataclass(frozen=True)
class SiteSettings:
    """Where the emulator is, which keys the site uses, and where the built runtime lives.

    `server_key` stays in this process (the demo backend's `StiggServer`); pages only ever see
    `client_key` and, when the emulator checks them, the signed-in customer's token.
    """

    emulator_url: str
    client_key: str
    edge_url: str | None = None
    runtime_dir: Path = DEFAULT_RUNTIME
    customer_id: str = DEMO_CUSTOMER
    feature_id: str = DEMO_FEATURE
    server_key: str | None = None
    signing_secret: str | None = None
