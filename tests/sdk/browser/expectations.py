"""What every scenario of `scenarios.py` must observe, in CPython and in Pyodide alike.

One table for the three runtimes. The values follow from tests/fixtures/catalog.yaml and the
customers `world.prepare_world` creates: the main customer is on Starter (feature-demo-01 = 100,
feature-demo-02 on, feature-demo-03 metered 2/month with 1 used) and has plan-workspace-free
(feature-projects: 3) on one resource; the other customer is on Team (feature-demo-01 unlimited,
feature-demo-03 50/month from Pro, 3 seats).
"""

from __future__ import annotations

from typing import Any

NO_ENTITLEMENT = "NoFeatureEntitlementInSubscription"
EXCEEDING = "RequestedUsageExceedingLimit"

FEATURE_01 = {
    "id": "feature-demo-01",
    "featureType": "NUMBER",
    "meterType": "None",
    "units": "request",
    "unitsPlural": "requests",
    "displayName": "Feature #1",
    "description": "",
    "isMetered": False,
    "metadata": {"key": "value"},
}
FEATURE_02 = {
    "id": "feature-demo-02",
    "featureType": "BOOLEAN",
    "meterType": "None",
    "displayName": "Feature #2",
    "description": "",
    "isMetered": False,
}
FEATURE_03 = {
    "id": "feature-demo-03",
    "featureType": "NUMBER",
    "meterType": "Incremental",
    "units": "request",
    "unitsPlural": "requests",
    "displayName": "Feature #3",
    "description": "",
    "isMetered": True,
}
TEAM_FEATURES = [
    "feature-active-users",
    "feature-api-calls",
    "feature-demo-01",
    "feature-demo-02",
    "feature-demo-03",
    "feature-export-formats",
    "feature-seats",
    "feature-tokens",
]


def granted(**extra: Any) -> dict[str, Any]:
    return {"isFallback": False, "hasAccess": True, **extra}


def denied(reason: str, **extra: Any) -> dict[str, Any]:
    return {"isFallback": False, "hasAccess": False, "accessDeniedReason": reason, **extra}


def fallback(has_access: bool = False, **extra: Any) -> dict[str, Any]:
    return {"isFallback": True, "hasAccess": has_access, "accessDeniedReason": "Unknown", **extra}


def quota(
    limit: float, used: float, requested: float, period: str | None = "MONTH"
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "isUnlimited": False,
        "usageLimit": limit,
        "currentUsage": used,
        "requestedUsage": requested,
    }
    if period is not None:
        values["resetPeriod"] = period
    return values


def no_entitlement_metered(requested: float = 0) -> dict[str, Any]:
    return denied(NO_ENTITLEMENT, isUnlimited=False, currentUsage=0, requestedUsage=requested)


METERED_03_FULL = granted(
    feature=FEATURE_03,
    **quota(2, 1, 0),
    usagePeriodAnchor=True,
    usagePeriodStart=True,
    usagePeriodEnd=True,
    resetSettings={"nextResetDate": True, "resetPeriod": "MONTH"},
)
NUMERIC_01_FULL = granted(feature=FEATURE_01, isUnlimited=False, value=100)
BOOLEAN_02_FULL = granted(feature=FEATURE_02)


def main_customer_snapshot() -> dict[str, Any]:
    return {
        "customer_is": "main",
        "state": "READY",
        "feature-demo-01": granted(isUnlimited=False, value=100),
        "feature-demo-03": granted(**quota(2, 1, 0)),
        "feature-seats": no_entitlement_metered(),
    }


def expected_results(config: dict[str, Any]) -> dict[str, Any]:
    """Scenario name → the values it must report, for a run prepared as `config`."""
    return {
        "initialize": {
            "state_before": "IN_PROGRESS",
            "loaded_before": False,
            "state_after": "READY",
            "loaded_after": True,
            "customer_id": config["customer_id"],
            "initialized_calls": 1,
            "entitlements_updated": [["feature-demo-01", "feature-demo-02", "feature-demo-03"]],
            "widget_watermark": False,  # the test catalog's sdkConfiguration
        },
        "boolean_check": {"feature-demo-02": BOOLEAN_02_FULL},
        "numeric_check": {"feature-demo-01": NUMERIC_01_FULL},
        "metered_check": {
            "default": METERED_03_FULL,
            "requested_1": granted(**quota(2, 1, 1)),
            "requested_2": denied(EXCEEDING, **quota(2, 1, 2)),
            "options_requestedUsage_5": denied(EXCEEDING, **quota(2, 1, 5)),
        },
        "unknown_feature": {
            "boolean": denied(NO_ENTITLEMENT),
            "numeric": denied(NO_ENTITLEMENT, isUnlimited=False),
            "metered": no_entitlement_metered(),
            "not_in_plan": no_entitlement_metered(),
        },
        "fallback_before_load": {
            "loaded_before_wait": False,
            # The configured fallback overrides the reason with None (so none is reported).
            "boolean_before": {"isFallback": True, "hasAccess": False},
            "metered_before": fallback(True, **quota(7, 0, 1, period=None)),
            "numeric_before_without_fallback": fallback(False, isUnlimited=False),
            "boolean_after": granted(),
            "metered_after": granted(**quota(2, 1, 0)),
        },
        "type_mismatch_fallback": {
            "boolean_of_metered": fallback(True),
            "numeric_of_boolean": fallback(True, isUnlimited=False, value=9),
            "metered_of_numeric": fallback(
                False, isUnlimited=False, currentUsage=0, requestedUsage=1
            ),
        },
        "get_entitlements": {
            "count": 3,
            "by_feature": {
                "feature-demo-01": NUMERIC_01_FULL,
                "feature-demo-02": BOOLEAN_02_FULL,
                "feature-demo-03": METERED_03_FULL,
            },
        },
        "switch_customer": {
            "first": main_customer_snapshot(),
            "during_switch_is_fallback": True,
            "other": {
                "customer_is": "other",
                "state": "READY",
                "feature-demo-01": granted(isUnlimited=True),
                "feature-demo-03": granted(**quota(50, 0, 0)),
                "feature-seats": granted(**quota(3, 0, 0, period=None)),
            },
            "back": main_customer_snapshot(),
            "cleared": {
                "customer_id": None,
                "feature-demo-03": fallback(
                    False, isUnlimited=False, currentUsage=0, requestedUsage=1
                ),
            },
        },
        "resource_context": {
            "before": no_entitlement_metered(),
            "inside": {
                "resource_is_set": True,
                "projects_3": granted(**quota(3, 0, 3, period=None)),
                "projects_4": denied(EXCEEDING, **quota(3, 0, 4, period=None)),
                "feature-demo-02": granted(),
                "resource_subscription_plans": ["plan-workspace-free"],
            },
            "resource_id_after_clear": None,
            "after_clear": no_entitlement_metered(),
        },
        "refresh": {
            "before": granted(**quota(2, 0, 1)),
            "cached_until_refresh": granted(**quota(2, 0, 1)),
            "after": denied(EXCEEDING, **quota(2, 2, 1)),
            "entitlements_updated": [["feature-demo-03"]],
        },
        "live_updates": {
            # httpx streaming in CPython; the browser's EventSource in Pyodide (page and worker).
            "stream_client": (
                "HttpxConnector" if config.get("transport") == "httpx" else "EventSourceConnector"
            ),
            "connected": True,
            "arrived_without_refresh": True,
            "connection_state": "online",
            "before": granted(**quota(2, 0, 1)),
            "after": denied(EXCEEDING, **quota(2, 2, 1)),
            "entitlements_updated": [["feature-demo-03"]],
        },
        "listeners": {
            "kept": [TEAM_FEATURES],
            "coroutine": [TEAM_FEATURES],
            "unsubscribed": [],
            "removed": [],
            "initialized_after_switch": 1,
            "unknown_event_error": "ValueError",
        },
        "get_paywall": {
            label: {
                "plans": ["plan-stigg-starter", "plan-stigg-pro", "plan-stigg-team"],
                "orders": [0, 1, 2],
                "currency": "USD",
                "starter": ["Starter", "FREE"],
                "starter_features": ["feature-demo-01", "feature-demo-02", "feature-demo-03"],
                "pro_prices": ["ANNUALLY:120.0:USD", "MONTHLY:12.0:USD"],
            }
            for label in ("customer", "anonymous")
        },
        "get_customer": {
            "id_is_main": True,
            "name": "SDK test customer",
            "plans": ["plan-stigg-starter", "plan-workspace-free"],
            "seed": ["customer-demo-01", "First customer", "first@example.com"],
            "seed_metadata": {"example": "test"},
        },
        "get_customer_portal": {
            "plan_names": ["Starter", "Workspace Free"],
            "features": ["feature-demo-01", "feature-demo-02", "feature-demo-03"],
            "show_watermark": False,
        },
        "subscriptions": {
            "active_plans": ["plan-stigg-starter", "plan-workspace-free"],
            "subscription_matches": True,
            "subscription_plan": "plan-stigg-starter",
            "subscription_status": "ACTIVE",
            "unknown_subscription_error": "NotFoundError",
            "over_100_resources_error": "ValidationError",
        },
        "get_coupons": {"ids": ["coupon-five-off", "coupon-stigg30"]},  # not coupon-archived
        "estimate_subscription": {"total": ["12.0", "USD"], "sub_total_currency": "USD"},
        "authentication_error": {
            "raised": "AuthenticationError",
            "message_mentions_key": True,
            "state": "FAILED",
            "initialize_failed": ["AuthenticationError"],
            "check": fallback(False),
        },
        "offline": {
            "state": "READY",
            "boolean": fallback(True),
            "metered": fallback(True, **quota(10, 3, 1, period=None)),
            "unconfigured": fallback(False, isUnlimited=False),
            "entitlements": [
                ["feature-demo-02", fallback(True, feature={"id": "feature-demo-02"})],
                [
                    "feature-demo-03",
                    fallback(True, feature={"id": "feature-demo-03"}, **quota(10, 3, 1, None)),
                ],
            ],
            "paywall": [0, "USD"],
            "customer": "offline-customer-id",
            "estimate_total": "0",
            "portal_subscriptions": 0,
            "active_subscriptions": 0,
            "coupons": 0,
            "subscription_error": "NotFoundError",
        },
    }


def mismatches(report: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Scenario name → what differs from the table (empty when the run matches it exactly)."""
    expected = expected_results(config)
    results: dict[str, Any] = report["results"]
    problems: dict[str, Any] = {}
    for name in sorted(set(expected) | set(results)):
        outcome = results.get(name)
        if outcome is None:
            problems[name] = "did not run"
        elif name not in expected:
            problems[name] = "has no expectation"
        elif not outcome["ok"]:
            problems[name] = outcome["error"] + "\n" + outcome["traceback"]
        elif outcome["values"] != expected[name]:
            problems[name] = {"expected": expected[name], "observed": outcome["values"]}
    return problems
