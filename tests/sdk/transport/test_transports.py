"""Each CPython-runnable transport against the real emulator, and their timeouts."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from stigg_client import Stigg
from stigg_client.errors import StiggTimeoutError
from stigg_client.platform import TransportName, create_transport
from tests.support.processes import EmulatorProcess


@pytest.fixture
def blackhole() -> Iterator[str]:
    """A loopback port that accepts connections and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


@pytest.mark.parametrize("name", ["httpx", "requests"])
async def test_transport_serves_the_client(emulator: EmulatorProcess, name: TransportName) -> None:
    client = Stigg.initialize(
        api_key=emulator.client_key,
        base_uri=emulator.base_url,
        base_edge_uri=emulator.edge_url,
        customer_id="customer-demo-01",
        transport=name,
    )
    try:
        await client.wait_for_initialization()
        assert client.get_numeric_entitlement("feature-demo-01").value == 100
        paywall = await client.get_paywall(product_id="product-stigg")
        assert paywall.plans
    finally:
        await client.close()


@pytest.mark.parametrize("name", ["httpx", "requests"])
async def test_transport_times_out(blackhole: str, name: TransportName) -> None:
    transport = create_transport(name)
    try:
        with pytest.raises(StiggTimeoutError):
            await transport.request("GET", blackhole + "/x", headers={}, timeout_s=0.3)
    finally:
        await transport.aclose()
