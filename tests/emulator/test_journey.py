"""Customer journey (initial plan), A/B experiments, and package versions across restarts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.emulator.conftest import start_emulator
from tests.emulator.helpers import server

CATALOG = Path(__file__).with_name("catalogs") / "journey.yaml"
PROVISION = """
mutation P($input: ProvisionCustomerInput!) {
  provisionCustomer(input: $input) {
    subscriptionDecisionStrategy
    customer { customerId experimentInfo { id name groupType groupName } }
    subscription { status plan { refId versionNumber } experimentInfo { id groupType } }
  }
}
"""


def test_experiment_groups_and_journey(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path, catalog=CATALOG)
    try:
        api = server(emulator)
        results: list[dict[str, Any]] = [
            api.data(PROVISION, {"input": {"refId": f"j-{i}"}})["provisionCustomer"]
            for i in range(12)
        ]
        groups = {r["customer"]["experimentInfo"]["groupType"] for r in results}
        assert groups == {"CONTROL", "VARIANT"}
        for result in results:
            info = result["customer"]["experimentInfo"]
            assert info["id"] == "exp-freemium" and info["name"] == "should we use freemium?"
            assert result["subscription"]["experimentInfo"] == {
                "id": "exp-freemium",
                "groupType": info["groupType"],
            }
            if info["groupType"] == "VARIANT":
                assert result["subscription"]["plan"]["refId"] == "plan-j-trial"
                assert result["subscription"]["status"] == "IN_TRIAL"
                assert result["subscriptionDecisionStrategy"] == "PREDEFINED_TRIAL_PLAN"
            else:
                assert result["subscription"]["plan"]["refId"] == "plan-j-free"
                assert result["subscriptionDecisionStrategy"] == "PREDEFINED_FREE_PLAN"
        again = api.data(PROVISION, {"input": {"refId": "j-0"}})["provisionCustomer"]
        assert again["customer"]["experimentInfo"] == results[0]["customer"]["experimentInfo"]
        excluded = api.data(PROVISION, {"input": {"refId": "j-x", "excludeFromExperiment": True}})
        assert excluded["provisionCustomer"]["customer"]["experimentInfo"] is None
        assert excluded["provisionCustomer"]["subscription"]["plan"]["refId"] == "plan-j-free"
    finally:
        emulator.stop()


def test_changed_package_is_a_new_version_until_migration(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        CATALOG.read_text()
        .replace("experiments:", "unused_experiments:")
        .split("unused_experiments:")[0]
    )
    emulator = start_emulator(tmp_path, catalog=catalog)
    try:
        api = server(emulator)
        first = api.data(PROVISION, {"input": {"refId": "v-1"}})["provisionCustomer"]
        assert first["subscription"]["plan"] == {"refId": "plan-j-free", "versionNumber": 1}
        emulator.stop()
        catalog.write_text(catalog.read_text().replace("usageLimit: 1}", "usageLimit: 5}"))
        emulator.start()
        get = """query G($input: GetActiveSubscriptionsInput!) {
                 getActiveSubscriptions(input: $input) {
                   subscriptionId plan { versionNumber } } }"""
        [subscription] = api.data(get, {"input": {"customerId": "v-1"}})["getActiveSubscriptions"]
        assert subscription["plan"]["versionNumber"] == 1
        limits = api.edge("/v1/c/v-1/entitlements.json").json()["data"]["entitlements"]
        assert limits[0]["usageLimit"] == 1
        api.data(
            """mutation M($input: SubscriptionMigrationInput!) {
                 migrateSubscriptionToLatest(input: $input) { subscriptionId } }""",
            {
                "input": {
                    "subscriptionId": subscription["subscriptionId"],
                    "subscriptionMigrationTime": "IMMEDIATE",
                }
            },
        )
        [migrated] = api.data(get, {"input": {"customerId": "v-1"}})["getActiveSubscriptions"]
        assert migrated["plan"]["versionNumber"] == 2
        limits = api.edge("/v1/c/v-1/entitlements.json").json()["data"]["entitlements"]
        assert limits[0]["usageLimit"] == 5
    finally:
        emulator.stop()
