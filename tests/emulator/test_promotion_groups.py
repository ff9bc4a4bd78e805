"""Promotional entitlements by feature group (grant / revoke / unlink), ENUM promotions with
their values, and the catalog's `featureGroups:` rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stigg_emulator.catalog.loader import load_catalog
from stigg_emulator.catalog.yaml_lines import CatalogError
from tests.emulator.helpers import Api, bare_customer, server
from tests.support.processes import EmulatorProcess

PROMOTION = """{ id status featureGroupIds enumValues usageLimit endDate
  feature { refId } featureGroups { featureGroupId displayName features { refId } } }"""
GRANT = f"""
mutation G($input: GrantPromotionalEntitlementsGroupInput!) {{
  grantPromotionalEntitlementsGroup(input: $input) {PROMOTION}
}}
"""
REVOKE = f"""
mutation R($input: RevokePromotionalEntitlementsGroupInput!) {{
  revokePromotionalEntitlementsGroup(input: $input) {PROMOTION}
}}
"""
UNLINK = f"""
mutation U($input: UnlinkPromotionalEntitlementsGroupInput!) {{
  unlinkPromotionalEntitlementsGroup(input: $input) {PROMOTION}
}}
"""
GRANT_ONE = f"""
mutation G1($input: GrantPromotionalEntitlementsInput!) {{
  grantPromotionalEntitlements(input: $input) {PROMOTION}
}}
"""
CHECK = """
query E($query: FetchEntitlementQuery!) {
  entitlement(query: $query) { isGranted accessDeniedReason enumValues usageLimit }
}
"""
GROUP_ITEMS = [
    {"featureId": "feature-demo-02", "period": "ONE_MONTH"},
    {"featureId": "feature-export-formats", "period": "ONE_MONTH", "enumValues": ["xlsx"]},
    {"featureId": "feature-demo-01", "period": "LIFETIME", "usageLimit": 500},
]


def check(api: Api, ref: str, feature: str) -> dict[str, Any]:
    query = {"customerId": ref, "featureId": feature}
    result: dict[str, Any] = api.data(CHECK, {"query": query})["entitlement"]
    return result


@pytest.fixture(scope="module")
def api(emulator: EmulatorProcess) -> Api:
    return server(emulator)


def test_grant_links_each_promotion_to_the_group(api: Api) -> None:
    ref = bare_customer(api, "pg")
    granted = api.data(
        GRANT,
        {
            "input": {
                "customerId": ref,
                "featureGroupId": "group-reporting",
                "promotionalEntitlements": GROUP_ITEMS,
            }
        },
    )["grantPromotionalEntitlementsGroup"]
    assert sorted(p["feature"]["refId"] for p in granted) == sorted(
        item["featureId"] for item in GROUP_ITEMS
    )
    for promotion in granted:
        assert promotion["featureGroupIds"] == ["group-reporting"]
        assert promotion["featureGroups"][0]["displayName"] == "Reporting"
    enum = next(p for p in granted if p["feature"]["refId"] == "feature-export-formats")
    assert enum["enumValues"] == ["xlsx"]
    assert check(api, ref, "feature-export-formats")["enumValues"] == ["xlsx"]
    assert check(api, ref, "feature-demo-01")["usageLimit"] == 500
    assert check(api, ref, "feature-demo-02")["isGranted"] is True


def test_revoke_ends_every_promotion_of_the_group(api: Api) -> None:
    ref = bare_customer(api, "pg")
    group = {"customerId": ref, "featureGroupId": "group-reporting"}
    api.data(GRANT, {"input": {**group, "promotionalEntitlements": GROUP_ITEMS[:2]}})
    revoked = api.data(REVOKE, {"input": group})["revokePromotionalEntitlementsGroup"]
    assert {p["status"] for p in revoked} == {"Expired"}  # Stigg has no Revoked status
    assert len(revoked) == 2
    assert check(api, ref, "feature-demo-02")["isGranted"] is False
    assert api.error_code(REVOKE, {"input": group}) == "PromotionalEntitlementNotFoundError"


def test_unlink_keeps_the_promotions_granted(api: Api) -> None:
    ref = bare_customer(api, "pg")
    group = {"customerId": ref, "featureGroupId": "group-reporting"}
    api.data(GRANT, {"input": {**group, "promotionalEntitlements": GROUP_ITEMS[:1]}})
    unlinked = api.data(UNLINK, {"input": group})["unlinkPromotionalEntitlementsGroup"]
    assert [p["featureGroupIds"] for p in unlinked] == [[]]
    assert unlinked[0]["status"] == "Active"
    assert check(api, ref, "feature-demo-02")["isGranted"] is True
    # Nothing of the group is left to revoke; the promotion stays.
    assert api.error_code(REVOKE, {"input": group}) == "PromotionalEntitlementNotFoundError"
    assert check(api, ref, "feature-demo-02")["isGranted"] is True


def test_group_input_errors(api: Api) -> None:
    ref = bare_customer(api, "pg")
    unknown = {
        "customerId": ref,
        "featureGroupId": "group-none",
        "promotionalEntitlements": GROUP_ITEMS,
    }
    assert api.error_code(GRANT, {"input": unknown}) == "FeatureGroupNotFound"
    outside = {
        "customerId": ref,
        "featureGroupId": "group-reporting",
        "promotionalEntitlements": [{"featureId": "feature-seats", "period": "ONE_MONTH"}],
    }
    assert api.error_code(GRANT, {"input": outside}) == "BadUserInput"
    bad_value = {
        "customerId": ref,
        "featureGroupId": "group-reporting",
        "promotionalEntitlements": [
            {"featureId": "feature-export-formats", "period": "ONE_MONTH", "enumValues": ["doc"]}
        ],
    }
    assert api.error_code(GRANT, {"input": bad_value}) == "BadUserInput"


def test_a_plain_enum_promotion_allows_every_value(api: Api) -> None:
    ref = bare_customer(api, "pg")
    granted = api.data(
        GRANT_ONE,
        {
            "input": {
                "customerId": ref,
                "promotionalEntitlements": [
                    {"featureId": "feature-export-formats", "period": "ONE_WEEK"}
                ],
            }
        },
    )["grantPromotionalEntitlements"]
    assert granted[0]["enumValues"] == ["csv", "pdf", "xlsx"]
    assert granted[0]["featureGroupIds"] == []
    assert check(api, ref, "feature-export-formats")["enumValues"] == ["csv", "pdf", "xlsx"]


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ("{id: g, features: []}", "at least one feature"),
        ("{id: g, features: [feature-none]}", "unknown feature 'feature-none'"),
        ("{id: g, features: [feature-a, feature-a]}", "listed twice"),
    ],
)
def test_catalog_feature_group_rules(tmp_path: Path, group: str, message: str) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "products: [{id: p}]\n"
        "features: [{id: feature-a, type: BOOLEAN}]\n"
        f"featureGroups: [{group}]\n"
    )
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)
