"""Settings both SDKs accept: the default API address and `entitlements_fallback` parsing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stigg_client.models.entitlements import EntitlementFallback

DEFAULT_BASE_URI = "https://api.stigg.io"


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
