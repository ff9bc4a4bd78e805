"""Client configuration: defaults, validation, and the edge URI derivation (protocol §1.1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from stigg_client.errors import ValidationError
from stigg_client.models.entitlements import EntitlementFallback
from stigg_client.transport.retry import Backoff, RetryPolicy

DEFAULT_BASE_URI = "https://api.stigg.io"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
LOCAL_EDGE_PORT = 3060


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


@dataclass
class ClientConfig:
    """Everything `Stigg.initialize` accepts, validated."""

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

    @property
    def edge_uri(self) -> str | None:
        """Where edge reads go, or None when the edge is disabled."""
        if not self.enable_edge:
            return None
        return self.base_edge_uri or derive_edge_uri(self.base_uri)


def parse_fallbacks(
    fallbacks: Mapping[str, EntitlementFallback | Mapping[str, Any]] | None,
) -> dict[str, EntitlementFallback]:
    """Validate `entitlements_fallback` (camelCase or snake_case keys)."""
    result: dict[str, EntitlementFallback] = {}
    for feature_id, value in (fallbacks or {}).items():
        result[feature_id] = (
            value
            if isinstance(value, EntitlementFallback)
            else EntitlementFallback.model_validate(dict(value))
        )
    return result


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
