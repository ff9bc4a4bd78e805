"""`grant_promotional_entitlements_group`, `revoke_promotional_entitlements_group`,
`unlink_promotional_entitlements_group`, and the values of an ENUM promotion: Stigg's Node server
SDK 3.95.0 (js/node_promotion_groups.mjs) and our StiggServer make the same calls against the
emulator, on their own customers, and agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from stigg_client.errors import StiggError
from stigg_client.server.models import PromotionalEntitlement
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess

GROUP = "group-reporting"
SHARED = ("status", "usageLimit", "hasUnlimitedUsage", "hasSoftLimit", "resetPeriod", "isVisible")
ITEMS = [
    {"feature_id": "feature-demo-02", "period": "ONE_MONTH"},
    {"feature_id": "feature-export-formats", "period": "ONE_MONTH", "enum_values": ["xlsx"]},
    {"feature_id": "feature-demo-01", "period": "LIFETIME", "usage_limit": 500},
]


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script(
        "node_promotion_groups.mjs", emulator_params(emulator, run_prefix), interop_workdir
    )


def by_feature_of_theirs(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        item["feature"]["refId"]: {key: item[key] for key in SHARED}
        | {"ends": item["endDate"] is not None}
        for item in items
    }


def by_feature_of_ours(items: list[PromotionalEntitlement]) -> dict[str, dict[str, Any]]:
    result = {}
    for item in items:
        assert item.feature is not None
        wire = item.model_dump(mode="json", by_alias=True)
        result[item.feature.id] = {key: wire[key] for key in SHARED} | {
            "ends": item.end_date is not None
        }
    return result


async def test_group_operations_match_the_node_sdk(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    customer_id = f"{run_prefix}-py-groups"
    await server.provision_customer(customer_id, subscription_params=None)

    granted = await server.grant_promotional_entitlements_group(customer_id, GROUP, ITEMS)
    theirs = run.value("grantPromotionalEntitlementsGroup")
    assert by_feature_of_ours(granted) == by_feature_of_theirs(theirs)
    assert {tuple(item.feature_group_ids or []) for item in granted} == {(GROUP,)}
    enum = next(i for i in granted if i.feature and i.feature.id == "feature-export-formats")
    assert enum.enum_values == ["xlsx"]

    ours_enum = await server.get_enum_entitlement(customer_id, "feature-export-formats")
    their_enum = run.value("getEnumEntitlement")
    assert their_enum["enumValues"] == list(ours_enum.enum_values) == ["xlsx"]
    assert their_enum["hasAccess"] is ours_enum.has_access is True

    unlinked = await server.unlink_promotional_entitlements_group(customer_id, GROUP)
    assert by_feature_of_ours(unlinked) == by_feature_of_theirs(
        run.value("unlinkPromotionalEntitlementsGroup")
    )
    assert all(item.feature_group_ids == [] for item in unlinked)
    assert "no promotional entitlements of feature group" in run.error(
        "revokePromotionalEntitlementsGroup.unlinked"
    )
    with pytest.raises(StiggError, match="no promotional entitlements of feature group"):
        await server.revoke_promotional_entitlements_group(customer_id, GROUP)

    await server.grant_promotional_entitlements_group(
        customer_id, GROUP, [{"feature_id": "feature-demo-02", "period": "ONE_WEEK"}]
    )
    revoked = await server.revoke_promotional_entitlements_group(customer_id, GROUP)
    assert by_feature_of_ours(revoked) == by_feature_of_theirs(
        run.value("revokePromotionalEntitlementsGroup")
    )
    assert [item.status for item in revoked] == ["Expired"]
    # The re-grant replaced the unlinked feature-demo-02 grant; the other unlinked ones stay.
    assert (
        await server.get_boolean_entitlement(customer_id, "feature-demo-02")
    ).has_access is False
    assert (await server.get_numeric_entitlement(customer_id, "feature-demo-01")).value == 500


async def test_an_unknown_group_fails_in_both(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    assert (
        "feature group not found" in run.error("grantPromotionalEntitlementsGroup.unknown").lower()
    )
    with pytest.raises(StiggError, match="Feature group not found"):
        await server.grant_promotional_entitlements_group(
            f"{run_prefix}-py-groups", "group-none", []
        )
