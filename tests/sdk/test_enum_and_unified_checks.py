"""Enum entitlements and the unified `get_entitlement` on both SDKs against a real emulator.

The test catalog's `feature-export-formats` (ENUM: csv, pdf, xlsx) allows csv and pdf on Pro.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from stigg_client import EnumEntitlement, Stigg, StiggServer
from stigg_client.models.entitlements import (
    BooleanEntitlement,
    MeteredEntitlement,
    NumericEntitlement,
)
from tests.sdk.backend import new_customer
from tests.support.processes import EmulatorProcess

FEATURE = "feature-export-formats"


@pytest.fixture
async def client(emulator: EmulatorProcess) -> AsyncIterator[Stigg]:
    stigg = Stigg.initialize(
        api_key=emulator.client_key,
        base_uri=emulator.base_url,
        base_edge_uri=emulator.edge_url,
        customer_id=new_customer(emulator, "plan-stigg-pro"),
        entitlements_fallback={"feature-missing": {"hasAccess": True, "enumValues": ["x"]}},
    )
    await stigg.wait_for_initialization()
    yield stigg
    await stigg.close()


@pytest.fixture
async def server(emulator: EmulatorProcess) -> AsyncIterator[StiggServer]:
    sdk = StiggServer.initialize(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_connect_timeout_s=3.0
    )
    await sdk.wait_for_initialization()
    yield sdk
    await sdk.close()


def assert_enum(result: EnumEntitlement, has_access: bool, reason: str | None) -> None:
    assert isinstance(result, EnumEntitlement)
    assert (result.has_access, result.access_denied_reason) == (has_access, reason)
    assert result.enum_values == ("csv", "pdf")
    assert result.is_fallback is False
    assert result.feature is not None and result.feature.feature_type == "ENUM"


async def test_client_enum_checks(client: Stigg) -> None:
    assert_enum(client.get_enum_entitlement(FEATURE), True, None)
    assert_enum(client.get_enum_entitlement(FEATURE, requested_values=["pdf"]), True, None)
    mismatch = client.get_enum_entitlement(FEATURE, {"requestedValues": ["csv", "xlsx"]})
    assert_enum(mismatch, False, "RequestedValuesMismatch")
    assert mismatch.requested_values == ("csv", "xlsx")
    dumped = mismatch.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped["enumValues"] == ["csv", "pdf"] and dumped["requestedValues"] == ["csv", "xlsx"]
    unknown = client.get_enum_entitlement("feature-nope", requested_values=["a"])
    assert (unknown.has_access, unknown.access_denied_reason) == (
        False,
        "NoFeatureEntitlementInSubscription",
    )
    wrong_type = client.get_enum_entitlement("feature-demo-03")
    assert wrong_type.is_fallback is True and wrong_type.has_access is False


async def test_client_unified_check_picks_the_features_type(client: Stigg) -> None:
    assert_enum(
        client.get_entitlement(FEATURE, requested_values=["xlsx"]), False, "RequestedValuesMismatch"
    )  # type: ignore[arg-type]
    metered = client.get_entitlement("feature-demo-03", requested_usage=51)
    assert isinstance(metered, MeteredEntitlement)
    assert (metered.has_access, metered.usage_limit) == (False, 50)
    fallback = client.get_entitlement("feature-missing", requested_values=["x"])
    assert isinstance(fallback, EnumEntitlement) and fallback.is_fallback is True
    assert (fallback.has_access, fallback.enum_values) == (True, ("x",))
    entitlements = {e.feature.id: e for e in await client.get_entitlements() if e.feature}
    assert isinstance(entitlements[FEATURE], EnumEntitlement)


async def test_server_enum_checks(emulator: EmulatorProcess, server: StiggServer) -> None:
    customer = new_customer(emulator, "plan-stigg-pro")
    assert_enum(await server.get_enum_entitlement(customer, FEATURE), True, None)
    allowed = await server.get_enum_entitlement(customer, FEATURE, requested_values=["csv", "pdf"])
    assert_enum(allowed, True, None)
    denied = await server.get_enum_entitlement(customer, FEATURE, requested_values=["xlsx"])
    assert_enum(denied, False, "RequestedValuesMismatch")
    mismatch = await server.get_enum_entitlement(
        customer, "feature-demo-03", fallback={"hasAccess": True, "enumValues": ["a"]}
    )
    assert (mismatch.is_fallback, mismatch.has_access, mismatch.enum_values) == (True, True, ("a",))
    assert mismatch.access_denied_reason == "FeatureTypeMismatch"
    starter = new_customer(emulator)
    absent = await server.get_enum_entitlement(starter, FEATURE, requested_values=["csv"])
    assert (absent.has_access, absent.access_denied_reason) == (
        False,
        "NoFeatureEntitlementInSubscription",
    )


async def test_server_unified_check(emulator: EmulatorProcess, server: StiggServer) -> None:
    customer = new_customer(emulator, "plan-stigg-pro")
    enum = await server.get_entitlement(customer, FEATURE, requested_values=["pdf"])
    assert isinstance(enum, EnumEntitlement)
    assert_enum(enum, True, None)
    metered = await server.get_entitlement(customer, "feature-demo-03", requested_usage=51)
    assert isinstance(metered, MeteredEntitlement) and metered.has_access is False
    starter = new_customer(emulator)
    numeric = await server.get_entitlement(starter, "feature-demo-01")
    assert isinstance(numeric, NumericEntitlement) and numeric.value == 100
    boolean = await server.get_entitlement(starter, "feature-demo-02")
    assert type(boolean) is BooleanEntitlement and boolean.has_access is True
    absent = await server.get_entitlement(starter, FEATURE, requested_values=["csv"])
    assert isinstance(absent, EnumEntitlement) and absent.has_access is False


async def test_offline_sdks_answer_enum_fallbacks() -> None:
    fallbacks = {FEATURE: {"hasAccess": True, "enumValues": ["csv"]}}
    client = Stigg.initialize(api_key="client-key", offline=True, entitlements_fallback=fallbacks)
    result = client.get_enum_entitlement(FEATURE, requested_values=["csv"])
    assert (result.is_fallback, result.has_access, result.enum_values) == (True, True, ("csv",))
    assert isinstance(client.get_entitlement(FEATURE), EnumEntitlement)
    server = StiggServer(api_key="server-key", offline=True, entitlements_fallback=fallbacks)
    on_server = await server.get_enum_entitlement("c", FEATURE)
    assert (on_server.is_fallback, on_server.enum_values) == (True, ("csv",))
    unified = await server.get_entitlement("c", "other", requested_usage=2)
    assert isinstance(unified, MeteredEntitlement) and unified.is_fallback is True
