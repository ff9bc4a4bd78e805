"""The cache's replace rule: whole-map replacement, change detection, out-of-order protection."""

from __future__ import annotations

from stigg_client.client.cache import EntitlementsCache
from stigg_client.core.entries import entry_from_wire
from tests.sdk.wire import wire_entitlement

SCOPE = ("customer-demo-01", None)


def entries(*items: dict[str, object]) -> list:  # type: ignore[type-arg]
    return [entry_from_wire(item) for item in items]


def test_first_store_reports_every_feature_and_marks_loaded() -> None:
    cache = EntitlementsCache()
    assert cache.get(SCOPE) is None
    changed = cache.store(SCOPE, entries(wire_entitlement("a"), wire_entitlement("b")))
    assert changed == ["a", "b"]
    state = cache.get(SCOPE)
    assert state is not None and state.loaded and set(state.entries) == {"a", "b"}


def test_only_changed_features_are_reported() -> None:
    cache = EntitlementsCache()
    cache.store(SCOPE, entries(wire_entitlement("a"), wire_entitlement("b", current_usage=1)))
    changed = cache.store(
        SCOPE,
        entries(
            wire_entitlement("a", updated_at="2026-01-02T00:00:00.000Z"),
            wire_entitlement("b", current_usage=2, updated_at="2026-01-02T00:00:00.000Z"),
        ),
    )
    assert changed == ["b"]


def test_removed_features_are_reported_and_dropped() -> None:
    cache = EntitlementsCache()
    cache.store(SCOPE, entries(wire_entitlement("a"), wire_entitlement("b")))
    changed = cache.store(SCOPE, entries(wire_entitlement("a")))
    assert changed == ["b"]
    state = cache.get(SCOPE)
    assert state is not None and "b" not in state.entries


def test_an_older_response_is_dropped() -> None:
    cache = EntitlementsCache()
    newer = wire_entitlement("a", current_usage=5, updated_at="2026-03-01T00:00:00.000Z")
    older = wire_entitlement("a", current_usage=1, updated_at="2026-02-01T00:00:00.000Z")
    cache.store(SCOPE, entries(newer))
    assert cache.store(SCOPE, entries(older)) is None
    state = cache.get(SCOPE)
    assert state is not None and state.entries["a"].current_usage == 5


def test_usage_timestamp_counts_as_an_update() -> None:
    cache = EntitlementsCache()
    cache.store(SCOPE, entries(wire_entitlement("a", updated_at="2026-01-01T00:00:00.000Z")))
    fresher = wire_entitlement(
        "a",
        current_usage=1,
        updated_at="2026-01-01T00:00:00.000Z",
        usage_updated_at="2026-01-05T00:00:00.000Z",
    )
    assert cache.store(SCOPE, entries(fresher)) == ["a"]
    stale = wire_entitlement("a", current_usage=0, updated_at="2026-01-03T00:00:00.000Z")
    assert cache.store(SCOPE, entries(stale)) is None


def test_an_empty_response_counts_as_now() -> None:
    cache = EntitlementsCache()
    cache.store(SCOPE, entries(wire_entitlement("a")))
    assert cache.store(SCOPE, [], now=2_000_000_000.0) == ["a"]
    assert cache.store(SCOPE, entries(wire_entitlement("a"))) is None


def test_scopes_are_separate_and_retain_drops_others() -> None:
    cache = EntitlementsCache()
    other = ("customer-demo-02", None)
    resource = ("customer-demo-01", "resource-01")
    cache.store(SCOPE, entries(wire_entitlement("a")))
    cache.store(other, entries(wire_entitlement("b")))
    cache.store(resource, entries(wire_entitlement("c")))
    cache.retain({SCOPE, resource})
    assert cache.get(other) is None
    assert cache.get(resource) is not None
