"""The server SDK's imports, subscription search and moves, feature-group promotions and
failure listeners: argument checks before any request, and what listeners see."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from stigg_client.errors import NotFoundError, StiggError, ValidationError
from stigg_client.server import NetworkRequestFailedEvent, StiggServer
from stigg_client.transport.retry import RetryPolicy
from tests.sdk.server.conftest import fresh_id
from tests.support.processes import free_port

BAD_CALLS: dict[str, Callable[[StiggServer], Awaitable[Any]]] = {
    "both cursors": lambda s: s.get_subscriptions(starting_after="a", ending_before="b"),
    "import without id": lambda s: s.import_customer(""),
    "bulk import without id": lambda s: s.import_customer_bulk([{"name": "no id"}]),
    "subscription without plan": lambda s: s.import_subscription_bulk([{"customer_id": "c"}]),
    "statistics without id": lambda s: s.get_customer_statistics(""),
    "group without id": lambda s: s.revoke_promotional_entitlements_group("c", ""),
}


@pytest.fixture
async def unreachable() -> StiggServer:
    """A server SDK whose API does not answer (nothing listens on the port)."""
    return StiggServer(
        api_key="server-key",
        base_uri=f"http://127.0.0.1:{free_port()}",
        realtime_updates=False,
        retry=RetryPolicy(attempts=1),
    )


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
async def test_bad_arguments_fail_before_any_request(unreachable: StiggServer, name: str) -> None:
    failures: list[Any] = []
    unreachable.add_listener("network_request_failed", failures.append)
    with pytest.raises(ValidationError):
        await BAD_CALLS[name](unreachable)
    assert failures == []  # nothing was sent
    await unreachable.close()


async def test_a_check_that_cannot_reach_stigg_reports_and_falls_back(
    unreachable: StiggServer,
) -> None:
    failures: list[NetworkRequestFailedEvent] = []
    unreachable.add_listener("network_request_failed", failures.append)
    result = await unreachable.get_boolean_entitlement(
        "customer-1", "feature-x", fallback={"has_access": True}
    )
    assert result.is_fallback and result.has_access
    assert [event.operation for event in failures] == ["GetEntitlementsState"]
    assert failures[0].error_code is None
    await unreachable.close()


async def test_unknown_customer_errors_reach_the_listener_once(server: StiggServer) -> None:
    failures: list[NetworkRequestFailedEvent] = []
    invalid: list[str] = []
    server.add_listener("network_request_failed", failures.append)
    server.add_listener("api_key_invalid", lambda: invalid.append("called"))
    with pytest.raises(NotFoundError):
        await server.transfer_subscription_to_resource(fresh_id("sub"), "ws-1")
    assert [(event.error_code, event.operation) for event in failures] == [
        ("SubscriptionNotFound", "TransferSubscriptionToResource")
    ]
    assert invalid == []


async def test_subscription_pages_cover_every_subscription_once(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(customer_id, subscription_params=None)
    for n in range(3):
        await server.provision_subscription(customer_id, "plan-workspace-free", resource_id=f"w{n}")
    seen: list[str] = []
    page = await server.get_subscriptions(customer_id=customer_id, limit=2)
    while True:
        seen.extend(item.subscription_id for item in page.data)
        if not page.page_info.has_next_page:
            break
        page = await server.get_subscriptions(
            customer_id=customer_id, limit=2, starting_after=page.page_info.end_cursor
        )
    assert len(seen) == len(set(seen)) == 3
    back = await server.get_subscriptions(
        customer_id=customer_id, limit=2, ending_before=page.page_info.start_cursor
    )
    assert [item.subscription_id for item in back.data] == seen[:2]


async def test_imported_subscription_counts_in_the_statistics(server: StiggServer) -> None:
    customer_id = fresh_id()
    imported = await server.import_customer(customer_id, name="Imported", billing_id="cus_9")
    assert (imported.id, imported.billing_id) == (customer_id, "cus_9")
    await server.import_subscription_bulk(
        [{"customer_id": customer_id, "plan_id": "plan-stigg-pro", "billing_period": "MONTHLY"}]
    )
    statistics = await server.get_customer_statistics(customer_id)
    counts = statistics.statistics.active_subscriptions_by_pricing_type
    assert {(c.pricing_type, c.total_count) for c in counts} >= {("PAID", 1)}
    with pytest.raises(StiggError, match="already exists"):
        await server.import_customer(customer_id)
