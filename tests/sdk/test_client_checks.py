"""Getter rules on a loaded cache (no network needed): type mismatches, resources, overrides."""

from __future__ import annotations

from stigg_client._bench import (
    SEED_METERED_ENTITLEMENT,
    measure_cached_check,
    measure_fallback_checks,
    preloaded_client,
)
from tests.sdk.wire import wire_entitlement

BOOLEAN = wire_entitlement("feature-demo-02", feature_type="BOOLEAN", meter_type="None")
NUMERIC = wire_entitlement("feature-demo-01", meter_type="None", usage_limit=100)


async def test_type_mismatch_returns_the_fallback() -> None:
    client = preloaded_client([BOOLEAN, NUMERIC, SEED_METERED_ENTITLEMENT])
    assert client.get_boolean_entitlement("feature-demo-01").is_fallback is True
    assert client.get_numeric_entitlement("feature-demo-02").is_fallback is True
    assert client.get_metered_entitlement("feature-demo-01").is_fallback is True
    # a metered feature is still NUMBER, so the numeric getter accepts it
    numeric = client.get_numeric_entitlement("feature-demo-03")
    assert (numeric.is_fallback, numeric.value) == (False, 2)
    await client.close()


async def test_another_resource_than_the_current_one_gets_the_fallback() -> None:
    client = preloaded_client([BOOLEAN])
    assert client.get_boolean_entitlement("feature-demo-02").has_access is True
    other = client.get_boolean_entitlement("feature-demo-02", resource_id="resource-01")
    assert (other.is_fallback, other.has_access) == (True, False)
    await client.close()


async def test_per_call_fallback_overrides_the_configured_one() -> None:
    client = preloaded_client([BOOLEAN])
    result = client.get_metered_entitlement(
        "feature-demo-03",
        resource_id="elsewhere",
        options={"fallback": {"hasAccess": True, "usageLimit": 5}},
    )
    assert (result.is_fallback, result.has_access, result.usage_limit) == (True, True, 5)
    await client.close()


async def test_store_entitlements_notifies_listeners_with_changed_ids() -> None:
    client = preloaded_client([BOOLEAN, NUMERIC])
    seen: list[list[str]] = []
    client.add_listener("entitlements_updated", seen.append)
    newer = wire_entitlement(
        "feature-demo-01", meter_type="None", usage_limit=200, updated_at="2026-02-01T00:00:00Z"
    )
    same = {**BOOLEAN, "entitlementUpdatedAt": "2026-02-01T00:00:00Z"}
    assert client.store_entitlements([same, newer]) == ["feature-demo-01"]
    assert seen == [["feature-demo-01"]]
    assert client.get_numeric_entitlement("feature-demo-01").value == 200
    await client.close()


async def test_micro_benchmark_times_the_cached_path() -> None:
    stats = measure_cached_check(calls_per_round=100, rounds=3)
    assert stats["median_ns"] > 0 and stats["rounds"] == 3


async def test_micro_benchmark_times_each_fallback_path() -> None:
    """Each path really answers a fallback (the benchmark refuses otherwise)."""
    paths = measure_fallback_checks(calls_per_round=100, rounds=3)
    assert set(paths) == {
        "fallback before the first load",
        "boolean check of a metered feature",
        "offline fallback",
    }
    assert all(stats["median_ns"] > 0 for stats in paths.values())
