"""The demo backend's state: what a real SaaS would run next to its pages.

It holds the server key in a `StiggServer`, provisions customers and subscriptions, reports
usage, and hands the browser only the client key and, when the emulator checks them, the
signed-in customer's token.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from demo_site.session import COOKIE, SessionSigner, customer_token
from demo_site.settings import PRODUCT_ID, SiteSettings
from stigg_client import StiggServer


class Backend:
    """The demo backend's state: the server-key SDK and the session signer."""

    def __init__(self, settings: SiteSettings) -> None:
        self.settings = settings
        self.signer = SessionSigner()
        self.server: StiggServer | None = None

    async def start(self) -> None:
        """Open the server-key SDK (when the site has a server key)."""
        if self.settings.server_key:
            self.server = StiggServer(
                api_key=self.settings.server_key,
                base_uri=self.settings.emulator_url,
                realtime_updates=False,
                request_timeout_s=15.0,
            )

    async def stop(self) -> None:
        """Close the server-key SDK."""
        if self.server is not None:
            await self.server.close()
            self.server = None

    def customer_of(self, request: Request) -> str | None:
        """The signed-in customer, from the session cookie."""
        return self.signer.loads(request.cookies.get(COOKIE))

    def token_for(self, customer_id: str) -> str | None:
        """The customer token the client SDK sends, when the emulator checks tokens."""
        secret = self.settings.signing_secret
        return customer_token(secret, customer_id) if secret else None

    def client_config(self, customer_id: str | None) -> dict[str, Any]:
        """What the page's Python gets besides the emulator URLs and the client key."""
        config: dict[str, Any] = {"product_id": PRODUCT_ID, "customer_id": customer_id}
        if customer_id is not None:
            config["customer_token"] = self.token_for(customer_id)
        return config
