"""Who is signed in: an HMAC-signed cookie, and the customer token the emulator checks."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

COOKIE = "inkwell_session"
CUSTOMER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def customer_token(signing_secret: str, customer_id: str) -> str:
    """`X-CUSTOMER-KEY` for `customer_id`: hex(HMAC-SHA256(secret, customerId))."""
    return hmac.new(signing_secret.encode(), customer_id.encode(), hashlib.sha256).hexdigest()


class SessionSigner:
    """Signs the session cookie with a per-process key (a restart signs everyone out)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _mac(self, customer_id: str) -> str:
        return hmac.new(self._key, customer_id.encode(), hashlib.sha256).hexdigest()

    def dumps(self, customer_id: str) -> str:
        """The cookie value for `customer_id`."""
        if not CUSTOMER_ID.match(customer_id):
            raise ValueError(f"not a customer id: {customer_id!r}")
        return f"{customer_id}.{self._mac(customer_id)}"

    def loads(self, value: str | None) -> str | None:
        """The customer id in a cookie value, or None if it is missing or forged."""
        if not value:
            return None
        customer_id, _, mac = value.rpartition(".")
        if not CUSTOMER_ID.match(customer_id):
            return None
        return customer_id if hmac.compare_digest(mac, self._mac(customer_id)) else None
