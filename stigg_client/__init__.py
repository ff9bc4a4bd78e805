"""Stigg pricing & entitlements SDK for CPython and Pyodide.

`from stigg_client import Stigg` is all most code needs; names are imported lazily so that
`import stigg_client` stays cheap on the browser's start-up path.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING, Any

from stigg_client.version import __version__ as __version__

# The SDK only emits log records; where they go is the application's choice. Without a handler
# of ours, logging's last-resort handler would print warnings to stderr, which PyScript shows as
# an error box on the page.
logging.getLogger("stigg_client").addHandler(logging.NullHandler())

_EXPORTS = {
    "Stigg": "stigg_client.client",
    "InitializationState": "stigg_client.client",
    "StiggError": "stigg_client.errors",
    "AuthenticationError": "stigg_client.errors",
    "NotFoundError": "stigg_client.errors",
    "ValidationError": "stigg_client.errors",
    "NetworkError": "stigg_client.errors",
    "StiggTimeoutError": "stigg_client.errors",
    "ApiError": "stigg_client.errors",
    "BooleanEntitlement": "stigg_client.models.entitlements",
    "NumericEntitlement": "stigg_client.models.entitlements",
    "MeteredEntitlement": "stigg_client.models.entitlements",
    "EnumEntitlement": "stigg_client.models.entitlements",
    "EntitlementFallback": "stigg_client.models.entitlements",
    "ManualVisibility": "stigg_client.visibility",
    "RetryPolicy": "stigg_client.transport.retry",
    "StiggServer": "stigg_client.server",
    "StiggServerSync": "stigg_client.server",
    "UsageUpdateBehavior": "stigg_client.server",
    "SubscriptionChange": "stigg_client.core.checkout",
    "AppliedSubscription": "stigg_client.core.checkout",
    "UsageHistoryOptions": "stigg_client.core.usage_history",
    "FetchUsageHistoryOptions": "stigg_client.core.usage_history",
}

__all__ = [
    "ApiError",
    "AppliedSubscription",
    "AuthenticationError",
    "BooleanEntitlement",
    "EntitlementFallback",
    "EnumEntitlement",
    "FetchUsageHistoryOptions",
    "InitializationState",
    "ManualVisibility",
    "MeteredEntitlement",
    "NetworkError",
    "NotFoundError",
    "NumericEntitlement",
    "RetryPolicy",
    "Stigg",
    "StiggError",
    "StiggServer",
    "StiggServerSync",
    "StiggTimeoutError",
    "SubscriptionChange",
    "UsageHistoryOptions",
    "UsageUpdateBehavior",
    "ValidationError",
]

if TYPE_CHECKING:
    from stigg_client.client import InitializationState, Stigg
    from stigg_client.core.checkout import AppliedSubscription, SubscriptionChange
    from stigg_client.core.usage_history import FetchUsageHistoryOptions, UsageHistoryOptions
    from stigg_client.errors import (
        ApiError,
        AuthenticationError,
        NetworkError,
        NotFoundError,
        StiggError,
        StiggTimeoutError,
        ValidationError,
    )
    from stigg_client.models.entitlements import (
        BooleanEntitlement,
        EntitlementFallback,
        EnumEntitlement,
        MeteredEntitlement,
        NumericEntitlement,
    )
    from stigg_client.server import StiggServer, StiggServerSync, UsageUpdateBehavior
    from stigg_client.transport.retry import RetryPolicy
    from stigg_client.visibility import ManualVisibility


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stigg_client' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
