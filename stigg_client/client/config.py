"""Client configuration: defaults, validation, and the edge URI derivation (docs/protocol.md §1.1).

`DEFAULT_BASE_URI` and `parse_fallbacks`, which the server SDK shares, live in
`stigg_client.core.settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict
from urllib.parse import urlsplit, urlunsplit

from stigg_client.core.settings import DEFAULT_BASE_URI, parse_fallbacks
from stigg_client.errors import ValidationError
from stigg_client.models.entitlements import EntitlementFallback
from stigg_client.transport.retry import Backoff, RetryPolicy
from stigg_client.version import __version__

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
LOCAL_EDGE_PORT = 3060
CLIENT_NAME = "stigg-client"
CLIENT_VERSION = __version__


def derive_edge_uri(base_uri: str) -> str:
    """`https://api.stigg.io` → `https://edge.api.stigg.io`; a local host gets port 3060."""
    parts = urlsplit(base_uri)
    host = parts.hostname or ""
    if host in LOCAL_HOSTS:
        shown = f"[{host}]" if ":" in host else host
        netloc = f"{shown}:{LOCAL_EDGE_PORT}"
    else:
        netloc = "edge." + parts.netloc
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")


class ClientSettings(TypedDict, total=False):
    """The `ClientConfig` fields `Stigg.initialize` takes as keywords (defaults: `ClientConfig`).

    `entitlements_fallback` may hold dicts (camelCase or snake_case keys); `retry` and
    `reconnect` may be None for the default.
    """

    base_uri: str
    base_edge_uri: str | None
    enable_edge: bool
    offline: bool
    entitlements_fallback: Mapping[str, EntitlementFallback | Mapping[str, Any]] | None
    cache_ttl_s: float
    request_timeout_s: float
    retry: RetryPolicy | None
    background_refresh: bool
    live_updates: bool
    reconnect: Backoff | None
    snapshot_max_age_s: float
    lazy_load: bool
    client_name: str
    client_version: str


@dataclass
class ClientConfig:
    """Everything `Stigg.initialize` accepts, validated. The defaults are the SDK's."""

    api_key: str
    base_uri: str = DEFAULT_BASE_URI
    base_edge_uri: str | None = None
    enable_edge: bool = True
    offline: bool = False
    cache_ttl_s: float = 30.0
    request_timeout_s: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    entitlements_fallback: dict[str, EntitlementFallback] = field(default_factory=dict)
    background_refresh: bool = True
    live_updates: bool = True
    reconnect: Backoff = field(default_factory=Backoff)
    snapshot_max_age_s: float = 86_400.0
    lazy_load: bool = False
    """Do not load the customer given at initialization: it loads at `set_customer_id`."""
    client_name: str = CLIENT_NAME
    """Sent as `apollographql-client-name` on GraphQL requests, like Stigg's JS SDK."""
    client_version: str = CLIENT_VERSION
    """Sent as `apollographql-client-version` on GraphQL requests."""

    @classmethod
    def from_settings(cls, api_key: str, settings: ClientSettings) -> ClientConfig:
        """A configuration of `api_key` with the given settings over the defaults."""
        given: dict[str, Any] = {key: value for key, value in settings.items() if value is not None}
        unknown = set(given) - set(ClientSettings.__annotations__)
        if unknown:
            raise TypeError(f"unexpected settings: {', '.join(sorted(unknown))}")
        if "entitlements_fallback" in given:
            given["entitlements_fallback"] = parse_fallbacks(given["entitlements_fallback"])
        return cls(api_key=api_key, **given)

    @property
    def edge_uri(self) -> str | None:
        """Where edge reads go, or None when the edge is disabled."""
        if not self.enable_edge:
            return None
        return self.base_edge_uri or derive_edge_uri(self.base_uri)


def validate(config: ClientConfig) -> ClientConfig:
    """Reject configurations Stigg's SDK rejects (a key is required unless offline)."""
    if not config.offline and not config.api_key:
        raise ValidationError("You must configure the client with an SDK key")
    if config.cache_ttl_s <= 0:
        raise ValidationError("cache_ttl_s must be positive")
    if config.snapshot_max_age_s <= 0:
        raise ValidationError("snapshot_max_age_s must be positive")
    if not 0 < config.reconnect.initial_delay_s <= config.reconnect.max_delay_s:
        raise ValidationError(
            "reconnect delays must be positive, the initial one not above the max"
        )
    return config


__all__ = [
    "DEFAULT_BASE_URI",
    "ClientConfig",
    "ClientSettings",
    "derive_edge_uri",
    "parse_fallbacks",
    "validate",
]
