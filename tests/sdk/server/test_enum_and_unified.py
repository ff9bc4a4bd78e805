"""Enum entitlements and the unified `get_entitlement` of `StiggServer` against the emulator.

The test catalog's `feature-export-formats` (ENUM: csv, pdf, xlsx) allows csv and pdf on Pro.
"""

from __future__ import annotations

from stigg_client import EnumEntitlement, StiggServer
from stigg_client.models.entitlements import (
    BooleanEntitlement,
    MeteredEntitlement,
    NumericEntitlement,
)
from tests.sdk.backend import new_customer
from tests.sdk.test_enum_and_unified_checks import FEATURE, assert_enum
from tests.support.processes import EmulatorProcess


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
