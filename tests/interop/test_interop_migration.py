"""migrateSubscriptionToLatest through Stigg's Node SDK, on an emulator of our own.

Grandfathering needs a second package version, which the emulator creates when it restarts with a
changed catalog; the shared session emulator must not change, so this module runs its own process
(own ports and database), first with the test catalog, then with Pro's monthly price 12 → 15.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.emulators import TEST_CATALOG, fresh_database_url, new_emulator

OLD_PRICE = "{billingPeriod: MONTHLY, amount: 12, currency: USD"
NEW_PRICE = "{billingPeriod: MONTHLY, amount: 15, currency: USD"


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory, interop_workdir: Path, run_prefix: str
) -> Iterator[tuple[ScenarioRun, ScenarioRun]]:
    tmp = tmp_path_factory.mktemp("migration")
    catalog_text = TEST_CATALOG.read_text()
    assert OLD_PRICE in catalog_text, "the test catalog no longer prices Pro at 12 USD monthly"
    new_catalog = tmp / "catalog-v2.yaml"
    new_catalog.write_text(catalog_text.replace(OLD_PRICE, NEW_PRICE, 1))
    database_url = fresh_database_url(tmp, "migration")  # its own database, never a shared one

    first = new_emulator(tmp, "emulator-v1", database_url=database_url).start()
    try:
        provisioned = run_script(
            "node_migrate.mjs",
            {**emulator_params(first, run_prefix), "phase": "provision"},
            interop_workdir,
        )
    finally:
        first.stop()
    subscription = provisioned.value("provisionCustomer")["subscription"]
    second = new_emulator(
        tmp, "emulator-v2", database_url=database_url, catalog=new_catalog
    ).start()
    try:
        params: dict[str, Any] = {
            **emulator_params(second, run_prefix),
            "phase": "migrate",
            "subscriptionId": subscription["id"],
        }
        migrated = run_script("node_migrate.mjs", params, interop_workdir)
    finally:
        second.stop()
    yield provisioned, migrated


def _monthly_price(subscription: dict[str, Any]) -> Any:
    prices = [
        p
        for p in subscription["plan"]["pricePoints"]
        if p["billingPeriod"] == "MONTHLY" and not p.get("billingCountryCode")
    ]
    assert len(prices) == 1, prices
    return prices[0]["amount"]


def test_migrate_subscription_to_latest(runs: tuple[ScenarioRun, ScenarioRun]) -> None:
    provisioned, migrated = runs
    subscription_id = provisioned.value("provisionCustomer")["subscription"]["id"]
    # Grandfathered: still on the version it was bought on.
    assert _monthly_price(migrated.value("getSubscription.before")) == 12
    result = migrated.value("migrateSubscriptionToLatest")
    assert result == {"subscriptionId": subscription_id}
    after = migrated.value("getSubscription.after")
    assert after["id"] == subscription_id
    assert after["status"] == "ACTIVE"
    assert _monthly_price(after) == 15
