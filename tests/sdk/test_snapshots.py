"""Persisted entitlement snapshots: encoding rules, and a restart against a real emulator
(through the fault proxy, so the same base URI can be up, then down, then up again)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from stigg_client import NetworkError, Stigg
from stigg_client.client import InitializationState
from stigg_client.client.snapshots import KEY_PREFIX, Snapshot, decode, encode, snapshot_key
from stigg_client.errors import ValidationError
from stigg_client.platform.browser import BrowserStorage
from tests.sdk.backend import new_customer, report_usage
from tests.sdk.test_connection_state import proxied_client
from tests.support.fault_proxy import FaultProxy
from tests.support.processes import EmulatorProcess
from tests.support.waiting import eventually

ONE = {"feature": {"refId": "feature-demo-02"}, "isGranted": True}


class MemoryStore:
    """A SnapshotStore over a dict, like localStorage."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def read(self, key: str) -> str | None:
        return self.items.get(key)

    def write(self, key: str, value: str) -> None:
        self.items[key] = value


def restarted(
    emulator: EmulatorProcess,
    proxy: FaultProxy,
    customer_id: str,
    store: MemoryStore,
    **options: Any,
) -> Stigg:
    """A client of `customer_id` persisting into `store` (no live updates: loads only)."""
    return proxied_client(
        emulator,
        proxy,
        customer_id=customer_id,
        persist_entitlements=store,
        live_updates=False,
        **options,
    )


async def saved_snapshot(
    emulator: EmulatorProcess, proxy: FaultProxy, customer_id: str
) -> MemoryStore:
    """A store holding the snapshot of one page visit of `customer_id`."""
    store = MemoryStore()
    first = restarted(emulator, proxy, customer_id, store)
    await first.wait_for_initialization()
    await first.close()
    return store


def test_snapshot_round_trips_and_rejects_old_foreign_or_broken_text() -> None:
    text = encode(Snapshot(1_000.0, [ONE]))
    assert decode(text, now=1_060.0, max_age_s=3_600) == Snapshot(1_000.0, [ONE])
    assert decode(text, now=1_000.0 + 3_601, max_age_s=3_600) is None  # too old
    assert decode(text, now=900.0, max_age_s=3_600) is None  # saved "in the future"
    other_version = json.dumps({**json.loads(text), "v": 99})
    for broken in (None, "", "{", "[]", other_version, '{"v":1,"savedAt":"x","entitlements":[]}'):
        assert decode(broken, now=1_060.0, max_age_s=3_600) is None


class JsNullLike:
    """What Pyodide hands over for JS `null`: falsy, not None, and `str()` gives "jsnull"."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "jsnull"


class FakeLocalStorage:
    """`getItem` as the browser answers it: a string, or JS null for a missing key."""

    def __init__(self, items: dict[str, str]) -> None:
        self.items = items

    def getItem(self, key: str) -> Any:
        return self.items.get(key, JsNullLike())

    def setItem(self, key: str, value: str) -> None:
        self.items[key] = value


def test_a_fresh_profile_has_no_snapshot_and_logs_no_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A key never written reads as JS null: that is "no snapshot", not a malformed one."""
    storage = BrowserStorage(FakeLocalStorage({}))
    with caplog.at_level("DEBUG", logger="stigg_client"):
        text = storage.read("stigg-client:entitlements:missing")
        assert text is None
        assert decode(text, now=1_060.0, max_age_s=3_600) is None
    assert caplog.records == []
    storage.write("k", encode(Snapshot(1_000.0, [ONE])))
    assert decode(storage.read("k"), now=1_060.0, max_age_s=3_600) == Snapshot(1_000.0, [ONE])


def test_snapshot_keys_separate_environments_customers_and_resources() -> None:
    keys = {
        snapshot_key("https://api.stigg.io", "key-a", "customer-1", None),
        snapshot_key("https://api.stigg.io", "key-a", "customer-1", "resource-1"),
        snapshot_key("https://api.stigg.io", "key-a", "customer-2", None),
        snapshot_key("https://api.stigg.io", "key-b", "customer-1", None),
        snapshot_key("http://127.0.0.1:4100", "key-a", "customer-1", None),
    }
    assert len(keys) == 5
    assert all(key.startswith(KEY_PREFIX) and "customer" not in key for key in keys)


def test_a_non_positive_snapshot_age_is_refused() -> None:
    with pytest.raises(ValidationError):
        Stigg.initialize("client-key", snapshot_max_age_s=0)


async def test_a_restart_without_network_answers_from_the_snapshot_then_recovers(
    emulator: EmulatorProcess, proxy: FaultProxy
) -> None:
    customer_id = new_customer(emulator)
    store = await saved_snapshot(emulator, proxy, customer_id)
    assert len(store.items) == 1  # the customer's scope, hashed

    proxy.set_mode("refuse")
    second = restarted(emulator, proxy, customer_id, store)
    try:
        # Before any network answer: real values, not the fallback.
        metered = second.get_metered_entitlement("feature-demo-03")
        assert (metered.is_fallback, metered.has_access, metered.usage_limit) == (False, True, 2)
        assert second.get_boolean_entitlement("feature-demo-02").is_fallback is False
        with pytest.raises(NetworkError):
            await second.wait_for_initialization()
        assert second.connection_state == "offline"
        assert second.get_metered_entitlement("feature-demo-03").is_fallback is False
        proxy.set_mode("pass")
        await eventually(lambda: second.initialization_state is InitializationState.READY)
        assert second.connection_state == "online"
    finally:
        await second.close()


async def test_checks_answer_the_snapshot_until_the_load_brings_newer_data(
    emulator: EmulatorProcess, proxy: FaultProxy
) -> None:
    customer_id = new_customer(emulator)
    store = await saved_snapshot(emulator, proxy, customer_id)
    report_usage(emulator, customer_id, "feature-demo-03", 1)

    second = restarted(emulator, proxy, customer_id, store)
    changed: list[list[str]] = []
    second.add_listener("entitlements_updated", changed.append)
    try:
        assert second.get_metered_entitlement("feature-demo-03").current_usage == 0  # snapshot
        assert second.initialization_state is InitializationState.IN_PROGRESS
        await second.wait_for_initialization()
        assert second.get_metered_entitlement("feature-demo-03").current_usage == 1
        assert "feature-demo-03" in changed[-1]
        saved = decode(
            next(iter(store.items.values())), now=time.time(), max_age_s=60
        )  # the new load replaced the snapshot
        assert saved is not None
        usage = {item["feature"]["refId"]: item.get("currentUsage") for item in saved.entitlements}
        assert usage["feature-demo-03"] == 1
    finally:
        await second.close()


async def test_old_snapshots_and_offline_mode_answer_fallbacks(
    emulator: EmulatorProcess, proxy: FaultProxy
) -> None:
    customer_id = new_customer(emulator)
    store = await saved_snapshot(emulator, proxy, customer_id)

    proxy.set_mode("refuse")
    stale = restarted(emulator, proxy, customer_id, store, snapshot_max_age_s=1e-6)
    offline = Stigg.initialize(
        offline=True, customer_id=customer_id, base_uri=proxy.url, persist_entitlements=store
    )
    try:
        assert stale.get_metered_entitlement("feature-demo-03").is_fallback is True
        assert offline.get_metered_entitlement("feature-demo-03").is_fallback is True
    finally:
        await stale.close()
        await offline.close()


async def test_get_entitlements_waits_for_a_load_over_a_snapshot(
    emulator: EmulatorProcess, proxy: FaultProxy
) -> None:
    customer_id = new_customer(emulator)
    store = await saved_snapshot(emulator, proxy, customer_id)
    report_usage(emulator, customer_id, "feature-demo-03", 2)

    second = restarted(emulator, proxy, customer_id, store)
    try:
        usage = {
            entitlement.feature.id: getattr(entitlement, "current_usage", None)
            for entitlement in await second.get_entitlements()
            if entitlement.feature is not None
        }
        assert usage["feature-demo-03"] == 2  # the snapshot said 0
    finally:
        await second.close()


async def test_a_corrupt_snapshot_is_ignored_not_raised(
    emulator: EmulatorProcess, proxy: FaultProxy
) -> None:
    customer_id = new_customer(emulator)
    store = await saved_snapshot(emulator, proxy, customer_id)
    (key,) = store.items
    broken = [{"feature": {"refId": "feature-demo-03"}, "usagePeriodEnd": "not a date"}]
    store.items[key] = encode(Snapshot(time.time(), broken))
    proxy.set_mode("refuse")
    client = restarted(emulator, proxy, customer_id, store)  # must not raise
    try:
        assert client.get_metered_entitlement("feature-demo-03").is_fallback is True
    finally:
        await client.close()
