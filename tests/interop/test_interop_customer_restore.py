"""`unarchive_customer` and `detach_customer_payment_method`: Stigg's Node server SDK 3.95.0
(js/node_customer_restore.mjs) and our StiggServer make the same calls against the emulator, on
their own customers, and get the same answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from stigg_client.errors import NotFoundError
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess

MOMENTS = {"createdAt", "updatedAt"}


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script(
        "node_customer_restore.mjs", emulator_params(emulator, run_prefix), interop_workdir
    )


def _comparable(customer: dict[str, Any]) -> dict[str, Any]:
    """A slim customer without its id and timestamps (each side uses its own customer)."""
    return {
        key: value
        for key, value in customer.items()
        if key not in MOMENTS | {"id", "__typename"} and value is not None
    }


async def test_unarchive_matches_the_node_sdk(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    theirs = run.value("unarchiveCustomer")
    assert theirs["id"] == f"{run_prefix}-node-restore"
    assert run.value("getCustomer.unarchived")["id"] == theirs["id"]

    customer_id = f"{run_prefix}-py-restore"
    await server.provision_customer(
        customer_id, name="Ada", email="ada@example.com", subscription_params=None
    )
    await server.archive_customer(customer_id)
    ours = await server.unarchive_customer(customer_id)

    assert ours.id == customer_id
    assert (await server.get_customer(customer_id)).id == customer_id
    wire = ours.model_dump(mode="json", by_alias=True)
    assert set(theirs) - {"__typename"} <= set(wire)
    assert _comparable(wire) == _comparable(theirs)


async def test_unarchive_of_an_unknown_customer_fails_in_both(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    assert "not found" in run.error("unarchiveCustomer.unknown").lower()
    with pytest.raises(NotFoundError):
        await server.unarchive_customer(f"{run_prefix}-py-never")


async def test_detach_payment_method_matches_the_node_sdk(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    assert run.value("getCustomer.withPaymentMethod")["hasPaymentMethod"] is True
    theirs = run.value("detachCustomerPaymentMethod")
    assert theirs["id"] == f"{run_prefix}-node-detach"
    assert run.value("getCustomer.detached")["hasPaymentMethod"] is False

    customer_id = f"{run_prefix}-py-detach"
    await server.provision_customer(
        customer_id,
        name="Grace",
        billing_info={"payment_method_id": "pm_card_visa"},
        subscription_params=None,
    )
    ours = await server.detach_customer_payment_method(customer_id)

    assert ours.id == customer_id
    assert (await server.get_customer(customer_id)).has_payment_method is False
    assert _comparable(ours.model_dump(mode="json", by_alias=True)) == _comparable(theirs)
