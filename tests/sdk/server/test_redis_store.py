"""RedisEntitlementsStore against a real redis-server: ordering, TTL, sharing, usage merging."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from stigg_client.server import InMemoryEntitlementsStore, RedisEntitlementsStore
from stigg_client.server.store import EntitlementsStore, UsageRecord


def entitlement(feature_id: str, usage: float, limit: float, updated: str) -> dict[str, object]:
    return {
        "__typename": "FeatureEntitlement",
        "isGranted": True,
        "usageLimit": limit,
        "currentUsage": usage,
        "hasUnlimitedUsage": False,
        "entitlementUpdatedAt": updated,
        "usageUpdatedAt": updated,
        "feature": {"refId": feature_id, "featureType": "NUMBER", "meterType": "Incremental"},
    }


T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z in epoch ms


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def make_store(url: str, ttl_s: int = 3600) -> RedisEntitlementsStore:
    return RedisEntitlementsStore(
        url=url, environment_prefix=f"test-{uuid.uuid4().hex[:8]}", ttl_s=ttl_s
    )


async def check_ordering(store: EntitlementsStore) -> None:
    scope = ("customer-a", None)
    newer = [entitlement("feature-x", 5, 10, iso(T0 + 2000))]
    older = [entitlement("feature-x", 1, 99, iso(T0 + 1000))]
    assert await store.set_customer(scope, newer, None, T0 + 2000)
    assert not await store.set_customer(scope, older, "CustomerNotFound", T0 + 1000)
    state = await store.get(scope)
    assert state is not None
    assert state.timestamp_ms == T0 + 2000
    assert state.access_denied_reason is None
    assert state.entitlements["feature-x"]["usageLimit"] == 10
    assert state.entitlements["feature-x"]["currentUsage"] == 5
    # usage has its own ordering
    assert await store.update_usage(scope, "feature-x", UsageRecord(7), T0 + 3000)
    assert not await store.update_usage(scope, "feature-x", UsageRecord(6), T0 + 2500)
    state = await store.get(scope)
    assert state is not None and state.entitlements["feature-x"]["currentUsage"] == 7
    # a newer snapshot whose usage is older than the stored usage keeps the newer usage
    assert await store.set_customer(
        scope, [entitlement("feature-x", 2, 20, iso(T0 + 2500))], None, T0 + 2500
    )
    state = await store.get(scope)
    assert state is not None
    assert state.entitlements["feature-x"]["usageLimit"] == 20
    assert state.entitlements["feature-x"]["currentUsage"] == 7
    # usage for an uncached scope is dropped
    assert not await store.update_usage(("nobody", None), "feature-x", UsageRecord(1), 9000)
    assert await store.get(("nobody", None)) is None
    # resource scopes are separate
    assert await store.get(("customer-a", "resource-1")) is None
    await store.purge(scope)
    assert await store.get(scope) is None


async def test_redis_store_orders_writes_by_timestamp(redis_url: str) -> None:
    store = make_store(redis_url)
    try:
        await check_ordering(store)
    finally:
        await store.clear()
        await store.close()


async def test_in_memory_store_has_the_same_ordering() -> None:
    await check_ordering(InMemoryEntitlementsStore())


async def test_redis_store_is_shared_between_clients_and_keys_follow_the_layout(
    redis_url: str,
) -> None:
    first = make_store(redis_url)
    second = RedisEntitlementsStore(url=redis_url, environment_prefix=first.prefix)
    try:
        scope = ("customer-b", "resource-9")
        await first.set_customer(
            scope, [entitlement("feature-y", 3, 4, "2026-01-01T00:00:00.000Z")], None, 1000
        )
        state = await second.get(scope)
        assert state is not None and state.entitlements["feature-y"]["currentUsage"] == 3
        keys = sorted(await first.redis.keys(first.prefix + ":*"))
        base = f"{first.prefix}:c_customer-b:r_resource-9"
        assert keys == sorted(
            [
                base,
                base + "#timestamp",
                base + ":metadata",
                base + ":metadata#timestamp",
                base + ":f_feature-y",
                base + ":f_feature-y#timestamp",
            ]
        )
        assert await first.redis.get(base + "#timestamp") == "1000"
    finally:
        await first.clear()
        await first.close()
        await second.close()


async def test_concurrent_writers_keep_the_newest(redis_url: str) -> None:
    stores = [make_store(redis_url)]
    prefix = stores[0].prefix
    stores += [RedisEntitlementsStore(url=redis_url, environment_prefix=prefix) for _ in range(4)]
    scope = ("customer-c", None)
    try:
        await stores[0].set_customer(scope, [entitlement("f", 0, 1, iso(T0))], None, T0)
        stamps = list(range(T0 + 1, T0 + 201))
        await asyncio.gather(
            *(
                stores[stamp % len(stores)].update_usage(scope, "f", UsageRecord(stamp - T0), stamp)
                for stamp in reversed(stamps)
            )
        )
        state = await stores[1].get(scope)
        assert state is not None and state.entitlements["f"]["currentUsage"] == 200
    finally:
        await stores[0].clear()
        for store in stores:
            await store.close()


async def test_values_expire_after_the_ttl(redis_url: str) -> None:
    store = make_store(redis_url, ttl_s=1)
    scope = ("customer-d", None)
    try:
        await store.set_customer(
            scope, [entitlement("f", 1, 2, "2026-01-01T00:00:00.000Z")], None, 10
        )
        key = store.customer_key(scope)
        ttl = await store.redis.ttl(key)
        assert 0 < ttl <= 1
        assert 0 < await store.redis.ttl(key + "#timestamp") <= 1
        assert 0 < await store.redis.ttl(key + ":f_f") <= 1
        assert await store.get(scope) is not None
        await asyncio.sleep(2.1)
        assert await store.get(scope) is None
        # after expiry an old timestamp can be written again
        assert await store.set_customer(scope, [], None, 5)
    finally:
        await store.clear()
        await store.close()


async def test_negative_ttl_means_no_expiry(redis_url: str) -> None:
    store = make_store(redis_url, ttl_s=-1)
    scope = ("customer-e", None)
    try:
        await store.set_customer(scope, [], "CustomerNotFound", 10)
        assert await store.redis.ttl(store.customer_key(scope)) == -1
        state = await store.get(scope)
        assert state is not None and state.access_denied_reason == "CustomerNotFound"
    finally:
        await store.clear()
        await store.close()
