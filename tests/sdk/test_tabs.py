"""Cross-tab sharing of loads, with an in-memory channel standing in for BroadcastChannel (the
browser test in tests/sdk/browser runs the real one), against a real emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stigg_client import Stigg
from stigg_client.client.tabs import SharedLoad, channel_name, decode, encode
from tests.sdk.backend import new_customer, report_usage
from tests.support.processes import EmulatorProcess
from tests.support.waiting import eventually


class Hub:
    """A BroadcastChannel of one name: a message reaches every member but its sender."""

    def __init__(self) -> None:
        self.members: list[Member] = []
        self.sent: list[str] = []

    def join(self) -> Member:
        member = Member(self)
        self.members.append(member)
        return member


class Member:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.callbacks: list[Callable[[str], None]] = []

    def post(self, message: str) -> None:
        self.hub.sent.append(message)
        for member in self.hub.members:
            if member is not self:
                for callback in member.callbacks:
                    callback(message)

    def listen(self, callback: Callable[[str], None]) -> None:
        self.callbacks.append(callback)

    def close(self) -> None:
        self.hub.members.remove(self)


def tab(emulator: EmulatorProcess, hub: Hub, customer_id: str, **options: Any) -> Stigg:
    return Stigg.initialize(
        emulator.client_key,
        base_uri=emulator.base_url,
        base_edge_uri=emulator.edge_url,
        customer_id=customer_id,
        live_updates=False,
        background_refresh=False,
        cache_ttl_s=3600,
        share_across_tabs=hub.join(),
        **options,
    )


def test_messages_round_trip_and_foreign_ones_are_ignored() -> None:
    load = SharedLoad("customer-1", "resource-1", [{"feature": {"refId": "f"}}])
    assert decode(encode(load)) == load
    for foreign in ("", "{", "[]", '{"v":2}', '{"v":1,"customerId":3,"entitlements":[]}'):
        assert decode(foreign) is None
    assert channel_name("https://api.stigg.io", "k1") != channel_name("https://api.stigg.io", "k2")


async def test_a_refresh_in_one_tab_reaches_the_other_without_its_own_request(
    emulator: EmulatorProcess,
) -> None:
    hub = Hub()
    customer_id = new_customer(emulator)
    other_customer = new_customer(emulator)
    first, second = tab(emulator, hub, customer_id), tab(emulator, hub, customer_id)
    stranger = tab(emulator, hub, other_customer)
    try:
        for client in (first, second, stranger):
            await client.wait_for_initialization()
        seen: list[list[str]] = []
        second.add_listener("entitlements_updated", seen.append)
        report_usage(emulator, customer_id, "feature-demo-03", 1)
        assert second.get_metered_entitlement("feature-demo-03").current_usage == 0
        await first.refresh()
        await eventually(
            lambda: second.get_metered_entitlement("feature-demo-03").current_usage == 1
        )
        assert seen == [["feature-demo-03"]]
        # Another customer's tab keeps its own data.
        assert stranger.get_metered_entitlement("feature-demo-03").current_usage == 0
        # An older load posted later (a slow tab) does not replace newer data.
        stale = next(message for message in hub.sent if decode(message) is not None)
        member = hub.join()
        member.post(stale)
        assert second.get_metered_entitlement("feature-demo-03").current_usage == 1
        broken = SharedLoad(customer_id, None, [{"usagePeriodEnd": "not a date"}])
        member.post(encode(broken))
        assert second.get_metered_entitlement("feature-demo-03").current_usage == 1
    finally:
        for client in (first, second, stranger):
            await client.close()
    assert hub.members == [member]  # closing a client leaves the channel
