"""Client SDK settings and reads of Stigg's JS SDK 3.35: client name/version headers,
`is_resource_loaded`, `lazy_load` and `get_paywall(fetch_all_countries_prices=...)`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from stigg_client import Stigg, __version__
from tests.sdk.backend import new_customer
from tests.sdk.transports import RecordingTransport
from tests.support.processes import EmulatorProcess


def make_client(emulator: EmulatorProcess, **options: Any) -> Stigg:
    return Stigg.initialize(
        api_key=emulator.client_key,
        base_uri=emulator.base_url,
        base_edge_uri=emulator.edge_url,
        background_refresh=False,
        **options,
    )


@pytest.fixture
async def transport() -> AsyncIterator[RecordingTransport]:
    recording = RecordingTransport()
    yield recording
    await recording.aclose()


async def test_graphql_requests_name_the_client(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    named = make_client(
        emulator,
        customer_id="customer-demo-01",
        transport=transport,
        client_name="inkwell-web",
        client_version="2.4.1",
    )
    try:
        await named.wait_for_initialization()
        await named.get_paywall()
    finally:
        await named.close()
    graphql = [h for _, url, h in transport.requests if url.endswith("/graphql")]
    edge = [h for _, url, h in transport.requests if url.startswith(emulator.edge_url)]
    assert graphql and edge
    assert all(h["apollographql-client-name"] == "inkwell-web" for h in graphql)
    assert all(h["apollographql-client-version"] == "2.4.1" for h in graphql)
    assert not any("apollographql-client-name" in h for h in edge)
    plain = RecordingTransport()
    default = make_client(emulator, customer_id="customer-demo-01", transport=plain)
    try:
        await default.wait_for_initialization()
        await default.get_customer()
    finally:
        await default.close()
    graphql = [h for _, url, h in plain.requests if url.endswith("/graphql")]
    assert graphql[-1]["apollographql-client-name"] == "stigg-client"
    assert graphql[-1]["apollographql-client-version"] == __version__


async def test_is_resource_loaded_follows_the_resource_scope(emulator: EmulatorProcess) -> None:
    customer_id = new_customer(emulator)
    client = make_client(emulator, customer_id=customer_id)
    try:
        await client.wait_for_initialization()
        assert client.is_customer_loaded is True
        assert client.is_resource_loaded is False
        await client.set_resource("resource-1")
        assert client.is_resource_loaded is True
        client.clear_resource()
        assert client.is_resource_loaded is False
    finally:
        await client.close()


async def test_lazy_load_leaves_the_customer_for_set_customer_id(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    customer_id = new_customer(emulator)
    client = make_client(emulator, customer_id=customer_id, lazy_load=True, transport=transport)
    try:
        await client.wait_for_initialization()
        assert client.customer_id is None and client.is_customer_loaded is False
        assert not any(customer_id in url for _, url, _ in transport.requests)
        fallback = client.get_metered_entitlement("feature-demo-03")
        assert fallback.is_fallback is True
        await client.set_customer_id(customer_id)
        assert client.is_customer_loaded is True
        assert client.get_metered_entitlement("feature-demo-03").usage_limit == 2
    finally:
        await client.close()


@pytest.mark.parametrize("customer_id", [None, "customer-demo-01"])
async def test_paywall_with_every_countrys_prices(
    emulator: EmulatorProcess, customer_id: str | None
) -> None:
    client = make_client(emulator, customer_id=customer_id)
    try:
        await client.wait_for_initialization()
        one = await client.get_paywall(billing_country_code="DK")
        every = await client.get_paywall(fetch_all_countries_prices=True)
    finally:
        await client.close()

    def pro_prices(paywall: Any) -> set[tuple[str | None, str]]:
        plan = next(p for p in paywall.plans if p.id == "plan-stigg-pro")
        return {(price.billing_country_code, price.billing_period) for price in plan.price_points}

    assert pro_prices(one) == {("DK", "MONTHLY"), ("DK", "ANNUALLY")}
    assert pro_prices(every) == {
        (None, "MONTHLY"),
        (None, "ANNUALLY"),
        ("DK", "MONTHLY"),
        ("DK", "ANNUALLY"),
    }
