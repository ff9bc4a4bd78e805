"""The platform is chosen once and gives the client its runtime parts; a test injects one fake."""

from __future__ import annotations

from typing import Any

from stigg_client import ManualVisibility
from stigg_client.platform import TransportName, current_platform
from stigg_client.platform.cpython import CPythonPlatform
from stigg_client.transport.base import Transport
from tests.sdk.backend import new_customer
from tests.sdk.test_client_emulator import make_client
from tests.sdk.test_snapshots import MemoryStore
from tests.support.processes import EmulatorProcess


class RecordingChannel:
    """A TabChannel that keeps what it posts."""

    def __init__(self) -> None:
        self.posted: list[str] = []

    def post(self, message: str) -> None:
        self.posted.append(message)

    def listen(self, callback: Any) -> None:
        return None

    def close(self) -> None:
        return None


class FakePlatform(CPythonPlatform):
    """CPython's transport and stream, with a page of our own: storage, tabs, visibility, URL."""

    name = "fake"

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.channels: dict[str, RecordingChannel] = {}
        self.page = ManualVisibility(False)
        self.transports: list[str] = []

    def transport(self, name: TransportName = "auto") -> Transport:
        self.transports.append(name)
        return super().transport(name)

    def visibility(self) -> ManualVisibility:
        return self.page

    def storage(self) -> MemoryStore:
        return self.store

    def tab_channel(self, name: str) -> RecordingChannel:
        return self.channels.setdefault(name, RecordingChannel())

    def page_query(self) -> dict[str, str]:
        return {"subscriptionId": "subscription-x", "checkoutCompleted": "false"}


def test_cpython_is_detected_once() -> None:
    assert current_platform() is current_platform()
    assert current_platform().name == "cpython"


async def test_every_runtime_part_comes_from_the_injected_platform(
    emulator: EmulatorProcess,
) -> None:
    fake = FakePlatform()
    client = make_client(
        emulator,
        customer_id=new_customer(emulator),
        platform=fake,
        persist_entitlements=True,
        share_across_tabs=True,
        live_updates=False,
    )
    try:
        await client.wait_for_initialization()
        assert fake.transports == ["auto"]
        assert len(fake.store.items) == 1  # the load was persisted in the platform's storage
        (channel,) = fake.channels.values()
        assert len(channel.posted) == 1  # and posted to the platform's other tabs
        assert client._visibility is fake.page
        # The page says the checkout was cancelled: nothing to wait for.
        assert await client.wait_for_checkout_completed(timeout_s=1) is None
    finally:
        await client.close()
