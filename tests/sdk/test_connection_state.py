"""`connection_state` and `connection_state_changed`: offline on network faults (through the fault
proxy), back online by itself once Stigg answers again, without anyone calling `refresh()`."""

from __future__ import annotations

import random
from typing import Any

import pytest

from stigg_client import NetworkError, RetryPolicy, Stigg
from stigg_client.client import InitializationState
from stigg_client.transport.retry import Backoff
from tests.sdk.backend import new_customer
from tests.support.fault_proxy import FaultProxy
from tests.support.processes import EmulatorProcess
from tests.support.waiting import eventually

FAST_RETRY = RetryPolicy(attempts=2, initial_delay_s=0.01, max_delay_s=0.02)
FAST_RECONNECT = Backoff(initial_delay_s=0.05, max_delay_s=0.4)


def proxied_client(emulator: EmulatorProcess, proxy: FaultProxy, **options: Any) -> Stigg:
    options.setdefault("api_key", emulator.client_key)
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("reconnect", FAST_RECONNECT)
    options.setdefault("request_timeout_s", 2.0)
    options.setdefault("cache_ttl_s", 60.0)
    return Stigg.initialize(base_uri=proxy.url, enable_edge=False, **options)


async def test_a_network_fault_turns_offline_and_recovery_is_automatic(
    emulator: EmulatorProcess, proxy: FaultProxy
) -> None:
    client = proxied_client(emulator, proxy, customer_id=new_customer(emulator), live_updates=False)
    states: list[str] = []
    client.add_listener("connection_state_changed", states.append)
    try:
        assert client.connection_state == "connecting"
        await client.wait_for_initialization()
        assert (client.connection_state, states) == ("online", ["online"])
        proxy.set_mode("refuse")
        with pytest.raises(NetworkError):
            await client.refresh()
        assert (client.connection_state, states) == ("offline", ["online", "offline"])
        cached = client.get_metered_entitlement("feature-demo-03")
        assert (cached.is_fallback, cached.usage_limit) == (False, 2)  # served from the cache
        proxy.set_mode("pass")
        # No refresh() call: the client retries by itself long before the 60 s TTL.
        await eventually(lambda: client.connection_state == "online")
        assert states == ["online", "offline", "online"]
    finally:
        await client.close()


async def test_a_failed_initialization_recovers_when_stigg_answers_again(
    emulator: EmulatorProcess, proxy: FaultProxy
) -> None:
    proxy.set_mode("error500")
    client = proxied_client(emulator, proxy, customer_id=new_customer(emulator), live_updates=False)
    states: list[str] = []
    client.add_listener("connection_state_changed", states.append)
    try:
        with pytest.raises(NetworkError):
            await client.wait_for_initialization()
        assert client.connection_state == "offline"
        assert client.get_boolean_entitlement("feature-demo-02").is_fallback is True
        proxy.set_mode("pass")
        await eventually(lambda: client.initialization_state is InitializationState.READY)
        assert (client.connection_state, states) == ("online", ["offline", "online"])
        assert client.get_boolean_entitlement("feature-demo-02").is_fallback is False
    finally:
        await client.close()


class RecordingBackoff(Backoff):
    """The fast backoff, remembering which attempt numbers the client asked delays for."""

    asked: list[int]

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        self.asked.append(attempt)
        return Backoff.delay(self, attempt, rng)


async def test_retries_while_offline_back_off(emulator: EmulatorProcess, proxy: FaultProxy) -> None:
    backoff = RecordingBackoff(initial_delay_s=0.05, max_delay_s=0.2)
    object.__setattr__(backoff, "asked", [])
    client = proxied_client(
        emulator, proxy, customer_id=new_customer(emulator), live_updates=False, reconnect=backoff
    )
    try:
        await client.wait_for_initialization()
        proxy.set_mode("refuse")
        with pytest.raises(NetworkError):
            await client.refresh()
        await eventually(lambda: len(backoff.asked) >= 5)
        # Every failed retry asks for the next, longer delay; success starts over at 0.
        assert backoff.asked[:5] == [0, 1, 2, 3, 4]
        proxy.set_mode("pass")
        await eventually(lambda: client.connection_state == "online")
        proxy.set_mode("refuse")
        before = len(backoff.asked)
        with pytest.raises(NetworkError):
            await client.refresh()
        assert backoff.asked[before] == 0
    finally:
        await client.close()


def test_backoff_grows_to_its_cap_with_jitter() -> None:
    backoff = Backoff(initial_delay_s=0.5, max_delay_s=4.0)
    low, high = random.Random(), random.Random()
    low.random = lambda: 0.0  # type: ignore[method-assign]
    high.random = lambda: 1.0  # type: ignore[method-assign]
    assert [backoff.delay(i, low) for i in range(6)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    assert [backoff.delay(i, high) for i in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert 1000 > backoff.delay(10_000) >= 2.0


def test_offline_mode_reports_online() -> None:
    client = Stigg.initialize(offline=True)
    assert client.connection_state == "online"
