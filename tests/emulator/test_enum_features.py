"""ENUM features: catalog rules, `enumValues` on entitlements and `requestedValues` decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stigg_emulator.catalog.loader import load_catalog
from stigg_emulator.catalog.yaml_lines import CatalogError
from tests.emulator.helpers import server
from tests.emulator.test_usage import pro_customer
from tests.support.processes import EmulatorProcess

ENTITLEMENT = """
query E($query: FetchEntitlementQuery!) {
  entitlement(query: $query) {
    isGranted accessDeniedReason enumValues requestedValues
    feature { refId featureType enumConfiguration { value displayName } }
  }
}
"""
STATE = """
query S($query: FetchEntitlementsQuery!) {
  entitlementsState(query: $query) {
    entitlementsV2 { ... on FeatureEntitlement { enumValues feature { refId } } }
  }
}
"""


def enum_check(emulator: EmulatorProcess, ref: str, values: list[str] | None) -> dict[str, Any]:
    query: dict[str, Any] = {"customerId": ref, "featureId": "feature-export-formats"}
    if values is not None:
        query["options"] = {"requestedValues": values}
    result: dict[str, Any] = server(emulator).data(ENTITLEMENT, {"query": query})["entitlement"]
    return result


def test_allowed_values_grant_and_others_mismatch(emulator: EmulatorProcess) -> None:
    ref = pro_customer(server(emulator))
    plain = enum_check(emulator, ref, None)
    assert plain["isGranted"] is True
    assert plain["enumValues"] == ["csv", "pdf"]
    assert plain["requestedValues"] is None
    assert plain["feature"]["featureType"] == "ENUM"
    assert [v["value"] for v in plain["feature"]["enumConfiguration"]] == ["csv", "pdf", "xlsx"]
    inside = enum_check(emulator, ref, ["pdf", "csv"])
    assert (inside["isGranted"], inside["requestedValues"]) == (True, ["pdf", "csv"])
    outside = enum_check(emulator, ref, ["csv", "xlsx"])
    assert outside["isGranted"] is False
    assert outside["accessDeniedReason"] == "RequestedValuesMismatch"
    assert outside["enumValues"] == ["csv", "pdf"]


def test_entitlements_state_lists_enum_values(emulator: EmulatorProcess) -> None:
    ref = pro_customer(server(emulator))
    state = server(emulator).data(STATE, {"query": {"customerId": ref}})["entitlementsState"]
    by_feature = {item["feature"]["refId"]: item for item in state["entitlementsV2"]}
    assert by_feature["feature-export-formats"]["enumValues"] == ["csv", "pdf"]
    assert by_feature["feature-demo-03"]["enumValues"] is None


CATALOG = """
products: [{{id: p}}]
features:
  - {{id: f, type: {type}{extra}}}
plans:
  - id: plan
    product: p
    entitlements: [{{feature: f{entitlement}}}]
"""


@pytest.mark.parametrize(
    ("feature_type", "extra", "entitlement", "message"),
    [
        ("ENUM", "", "", "enumValues"),
        ("NUMBER", ", enumValues: [a]", "", "enumValues"),
        ("ENUM", ", enumValues: [a, a]", "", "repeat"),
        ("ENUM", ", meterType: Incremental, enumValues: [a]", "", "cannot be metered"),
        ("ENUM", ", enumValues: [a]", ", enumValues: [b]", "not one of"),
        ("ENUM", ", enumValues: [a]", ", usageLimit: 3", "no usageLimit"),
    ],
)
def test_catalog_rejects_bad_enum_features(
    tmp_path: Path, feature_type: str, extra: str, entitlement: str, message: str
) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG.format(type=feature_type, extra=extra, entitlement=entitlement))
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)
