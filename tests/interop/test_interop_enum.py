"""Enum entitlements and `getEntitlement` through Stigg's Node server SDK 3.95.0 and through our
`StiggServer` against the same emulator: the two must agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess

FEATURE = "feature-export-formats"
COMPARED = (
    "type",
    "hasAccess",
    "isFallback",
    "accessDeniedReason",
    "enumValues",
    "requestedValues",
)


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script("node_enum.mjs", emulator_params(emulator, run_prefix), interop_workdir)


def _kind(name: str) -> str:
    return {
        "EnumEntitlement": "ENUM",
        "MeteredEntitlement": "METERED",
        "NumericEntitlement": "NUMERIC",
        "BooleanEntitlement": "BOOLEAN",
    }[name]


def _ours(result: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = result.model_dump(mode="json", by_alias=True, exclude_none=True)
    dumped["type"] = _kind(type(result).__name__)
    return {key: dumped[key] for key in COMPARED if key in dumped}


def _theirs(value: dict[str, Any]) -> dict[str, Any]:
    return {key: value[key] for key in COMPARED if value.get(key) is not None}


async def test_enum_and_unified_checks_agree_with_the_node_sdk(
    run: ScenarioRun, emulator: EmulatorProcess, run_prefix: str
) -> None:
    customer_id = f"{run_prefix}-enum"
    run.value("provisionCustomer")
    server = StiggServer(api_key=emulator.server_key, base_uri=emulator.base_url)
    try:
        ours = {
            "getEnumEntitlement.plain": await server.get_enum_entitlement(customer_id, FEATURE),
            "getEnumEntitlement.allowed": await server.get_enum_entitlement(
                customer_id, FEATURE, requested_values=["pdf"]
            ),
            "getEnumEntitlement.mismatch": await server.get_enum_entitlement(
                customer_id, FEATURE, requested_values=["csv", "xlsx"]
            ),
            "getEntitlement.enum": await server.get_entitlement(
                customer_id, FEATURE, requested_values=["xlsx"]
            ),
            "getEntitlement.metered": await server.get_entitlement(
                customer_id, "feature-demo-03", requested_usage=51
            ),
            "getEntitlement.boolean": await server.get_entitlement(customer_id, "feature-demo-02"),
        }
    finally:
        await server.close()
    for step, result in ours.items():
        theirs = _theirs(run.value(step))
        assert _ours(result) == theirs, step
    assert "requestedValues" not in _ours(ours["getEnumEntitlement.plain"])
    assert run.value("getEnumEntitlement.mismatch")["enumValues"] == ["csv", "pdf"]
    assert run.value("getEnumEntitlement.mismatch")["accessDeniedReason"] == (
        "RequestedValuesMismatch"
    )
