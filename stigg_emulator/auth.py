"""API keys (client vs server) and the optional per-customer HMAC token for client keys."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from stigg_emulator.domain.errors import StiggError

CLIENT = "client"
SERVER = "server"

# Mutations a client (publishable) key may run: checkout, estimates/previews, check reports, the
# customer's own auto-recharge settings (Stigg's credit widgets save them from the browser).
CLIENT_MUTATIONS = frozenset(
    {
        "applySubscription",
        "saveAutoRechargeSettings",
        "estimateSubscription",
        "estimateSubscriptionUpdate",
        "previewSubscription",
        "reportEntitlementCheckRequested",
    }
)


@dataclass(frozen=True)
class Keys:
    """The configured keys."""

    client_key: str
    server_key: str
    signing_secret: str | None = None

    def kind_of(self, key: str | None) -> str | None:
        """`client`, `server` or None for a missing/unknown key (constant-time compares)."""
        if not key:
            return None
        if hmac.compare_digest(key.encode(), self.server_key.encode()):
            return SERVER
        if hmac.compare_digest(key.encode(), self.client_key.encode()):
            return CLIENT
        return None


def customer_token(secret: str, customer_id: str) -> str:
    """The X-CUSTOMER-KEY a client must send for `customer_id`: hex HMAC-SHA256."""
    return hmac.new(secret.encode(), customer_id.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Caller:
    """Who is calling: key kind plus the customer token header, if any."""

    kind: str
    keys: Keys
    customer_key: str | None = None

    @property
    def is_server(self) -> bool:
        """Server keys may do everything."""
        return self.kind == SERVER

    def check_customer(self, customer_id: str | None) -> None:
        """With a signing secret, a client key may only touch the customer its token names."""
        if self.is_server or not self.keys.signing_secret or customer_id is None:
            return
        expected = customer_token(self.keys.signing_secret, customer_id)
        given = self.customer_key or ""
        if not hmac.compare_digest(expected.encode(), given.encode()):
            raise StiggError(
                "AuthCustomerMismatch", "X-CUSTOMER-KEY does not match the requested customer"
            )
