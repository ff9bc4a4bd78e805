"""Micro-benchmarks of entitlement checks, for `bench/` (CPython and Pyodide alike).

from stigg_client._bench import measure_cached_check
stats = measure_cached_check()          # a client preloaded with the seeds' metered feature
stats = measure_cached_check(client)    # or any initialized client
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from stigg_client.client import Stigg

SEED_METERED_ENTITLEMENT: dict[str, Any] = {
    "isGranted": True,
    "usageLimit": 2,
    "hasUnlimitedUsage": False,
    "hasSoftLimit": False,
    "currentUsage": 0,
    "entitlementUpdatedAt": "2022-09-01T00:00:00.000Z",
    "usagePeriodAnchor": "2022-04-01T00:00:00.000Z",
    "usagePeriodStart": "2022-09-01T00:00:00.000Z",
    "usagePeriodEnd": "2999-10-01T00:00:00.000Z",
    "resetPeriod": "MONTH",
    "feature": {
        "refId": "feature-demo-03",
        "featureType": "NUMBER",
        "meterType": "Incremental",
        "featureUnits": "request",
        "featureUnitsPlural": "requests",
        "displayName": "Feature #3",
        "description": "",
    },
}


def preloaded_client(
    entitlements: list[dict[str, Any]] | None = None, customer_id: str = "customer-demo-01"
) -> Stigg:
    """A client whose cache holds `entitlements` (GraphQL `Entitlement` objects); no network."""
    client = Stigg.initialize(
        api_key="bench",
        customer_id=customer_id,
        base_uri="http://127.0.0.1:9",
        background_refresh=False,
        cache_ttl_s=3600,
    )
    client.store_entitlements(entitlements or [SEED_METERED_ENTITLEMENT])
    return client


def measure_check(
    check: Callable[..., Any],
    feature_id: str,
    calls_per_round: int = 20_000,
    rounds: int = 15,
    **options: Any,
) -> dict[str, float]:
    """Time `check(feature_id, **options)`; returns median/min ns per call and rounds."""
    per_call: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(calls_per_round):
            check(feature_id, **options)
        per_call.append((time.perf_counter_ns() - start) / calls_per_round)
    return {
        "median_ns": statistics.median(per_call),
        "min_ns": min(per_call),
        "rounds": float(rounds),
        "calls_per_round": float(calls_per_round),
    }


def measure_cached_check(
    client: Stigg | None = None,
    feature_id: str = "feature-demo-03",
    requested_usage: float = 1,
    calls_per_round: int = 20_000,
    rounds: int = 15,
) -> dict[str, float]:
    """Time `get_metered_entitlement` from cache; returns median/min ns per call and rounds."""
    client = client or preloaded_client()
    check = client.get_metered_entitlement
    result = check(feature_id, requested_usage=requested_usage)
    if result.is_fallback:
        raise RuntimeError(f"{feature_id} is not cached: the benchmark would time the fallback")
    return measure_check(
        check, feature_id, calls_per_round, rounds, requested_usage=requested_usage
    )


def measure_fallback_checks(
    calls_per_round: int = 20_000, rounds: int = 15
) -> dict[str, dict[str, float]]:
    """Time the checks that answer without a cached entitlement of their type: before the first
    load (a configured fallback), a boolean check of a cached metered feature, and offline."""
    fallbacks = {"feature-demo-03": {"hasAccess": True, "usageLimit": 5}}
    before_load = Stigg.initialize(
        api_key="bench",
        customer_id="customer-demo-01",
        base_uri="http://127.0.0.1:9",
        background_refresh=False,
        entitlements_fallback=fallbacks,
    )
    offline = Stigg.initialize(
        api_key="bench",
        customer_id="customer-demo-01",
        offline=True,
        entitlements_fallback=fallbacks,
    )
    paths = {
        "fallback before the first load": before_load.get_metered_entitlement,
        "boolean check of a metered feature": preloaded_client().get_boolean_entitlement,
        "offline fallback": offline.get_metered_entitlement,
    }
    for name, check in paths.items():
        if not check("feature-demo-03").is_fallback:
            raise RuntimeError(f"{name}: not a fallback answer")
    return {
        name: measure_check(check, "feature-demo-03", calls_per_round, rounds)
        for name, check in paths.items()
    }
