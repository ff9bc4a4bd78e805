"""`import_customer`, `import_customer_bulk`, `import_subscription_bulk` and
`get_customer_statistics`: Stigg's Node server SDK 3.95.0 (js/node_imports.mjs) and our
StiggServer make the same calls against the emulator, on their own customers, and agree."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from stigg_client.errors import NotFoundError, StiggError
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script("node_imports.mjs", emulator_params(emulator, run_prefix), interop_workdir)


def _comparable(customer: dict[str, Any]) -> dict[str, Any]:
    """A slim customer without its id and timestamps (each side imports its own customer)."""
    skipped = {"id", "createdAt", "updatedAt", "__typename"}
    return {k: v for k, v in customer.items() if k not in skipped and v is not None}


async def test_import_customer_matches_the_node_sdk(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    theirs = run.value("importCustomer")
    assert theirs["id"] == f"{run_prefix}-node-import"
    assert "already exists" in run.error("importCustomer.again")

    customer_id = f"{run_prefix}-py-import"
    ours = await server.import_customer(
        customer_id,
        name="Ada",
        email="ada@example.com",
        billing_id="cus_1",
        metadata={"source": "stripe"},
    )
    assert ours.id == customer_id
    wire = ours.model_dump(mode="json", by_alias=True)
    assert set(theirs) - {"__typename"} <= set(wire)
    assert _comparable(wire) == _comparable(theirs)
    with pytest.raises(StiggError, match="already exists"):
        await server.import_customer(customer_id)


async def test_bulk_imports_and_statistics_match_the_node_sdk(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    assert run.value("importCustomerBulk") is None
    assert run.value("getCustomer.bulk")["id"] == f"{run_prefix}-node-bulk-2"
    assert run.value("importSubscriptionBulk") is None
    theirs = run.value("getCustomerStatistics")

    first, second = f"{run_prefix}-py-bulk-1", f"{run_prefix}-py-bulk-2"
    await server.import_customer_bulk(
        [{"customer_id": first, "name": "First"}, {"customer_id": second}]
    )
    assert (await server.get_customer(second)).id == second
    await server.import_subscription_bulk(
        [
            {
                "customer_id": first,
                "plan_id": "plan-stigg-team",
                "subscription_id": f"{first}-team",
                "billing_period": "MONTHLY",
                "unit_quantity": 3,
                "start_date": datetime(2020, 1, 1, tzinfo=UTC),
            },
            {"customer_id": first, "plan_id": "plan-workspace-free"},
        ]
    )
    ours = await server.get_customer_statistics(first)

    counts = {
        row.pricing_type: row.total_count
        for row in ours.statistics.active_subscriptions_by_pricing_type
    }
    assert counts["PAID"] == 1 and counts["FREE"] == 1
    assert ours.model_dump(mode="json", by_alias=True) == theirs
    subscription = await server.get_subscription(f"{first}-team")
    assert subscription.status == "ACTIVE"


async def test_statistics_of_an_unknown_customer_fail_in_both(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    assert "not found" in run.error("getCustomerStatistics.unknown").lower()
    with pytest.raises(NotFoundError):
        await server.get_customer_statistics(f"{run_prefix}-py-never")
