"""`initialize_successfully` / `initialize_failed` listeners of `StiggServer` (Stigg's
`initializeSuccessfully` / `initializeFailed`)."""

from __future__ import annotations

from typing import Any

import pytest

from stigg_client.errors import AuthenticationError
from stigg_client.server import PackagePublishedEvent, StiggServer
from tests.support.processes import EmulatorProcess


async def test_initialize_successfully_reaches_the_listener(emulator: EmulatorProcess) -> None:
    server = StiggServer(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_updates=False
    )
    calls: list[tuple[Any, ...]] = []
    failures: list[Any] = []
    server.add_listener("initialize_successfully", lambda *args: calls.append(args))
    server.add_listener("initialize_failed", failures.append)

    await server.wait_for_initialization()
    await server.close()

    assert calls == [()]
    assert failures == []


async def test_initialize_failed_carries_the_error(emulator: EmulatorProcess) -> None:
    server = StiggServer(
        api_key="server-not-a-key", base_uri=emulator.base_url, realtime_updates=False
    )
    failures: list[Any] = []
    successes: list[Any] = []
    server.add_listener("initialize_failed", failures.append)
    server.add_listener("initialize_successfully", lambda: successes.append(True))

    with pytest.raises(AuthenticationError) as raised:
        await server.wait_for_initialization()
    await server.close()

    assert failures == [raised.value]
    assert successes == []


async def test_package_published_reaches_the_listener_typed() -> None:
    """What the live connection receives for `packagePublished` (docs/protocol.md §6.1)."""
    server = StiggServer(api_key="k", realtime_updates=False)
    seen: list[PackagePublishedEvent] = []
    server.add_listener("package_published", seen.append)

    await server._on_realtime_message(
        "OnPackagePublished",
        {
            "packagePublished": {
                "__typename": "PackagePublished",
                "accountId": "account-1",
                "environmentId": "environment-1",
                "packageType": "PLAN",
                "packageRefId": "plan-stigg-pro",
                "packageVersion": 3,
                "migrationType": "NEW_CUSTOMERS",
            }
        },
    )
    await server.close()

    [event] = seen
    assert (event.package_type, event.package_ref_id, event.package_version) == (
        "PLAN",
        "plan-stigg-pro",
        3,
    )
    assert event.model_dump(by_alias=True)["packageRefId"] == "plan-stigg-pro"
