"""`<stigg-gate>`'s decision (`widgets.gates`) over a real client loaded from the emulator.

Pro allows the export formats csv and pdf (not xlsx); Starter has feature-demo-01 (numeric, 100),
feature-demo-02 (boolean) and feature-demo-03 (metered, 2 a month).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from stigg_client import Stigg
from tests.sdk.backend import new_customer, report_usage
from tests.support.processes import EmulatorProcess
from widgets.gates import GateAttributeError, GateRequest, gate_grants


async def loaded(emulator: EmulatorProcess, customer_id: str) -> Stigg:
    client = Stigg.initialize(
        api_key=emulator.client_key,
        base_uri=emulator.base_url,
        base_edge_uri=emulator.edge_url,
        customer_id=customer_id,
        background_refresh=False,
    )
    await client.wait_for_initialization()
    return client


@pytest.fixture
async def pro(emulator: EmulatorProcess) -> AsyncIterator[Stigg]:
    client = await loaded(emulator, new_customer(emulator, "plan-stigg-pro"))
    yield client
    await client.close()


@pytest.fixture
async def starter(emulator: EmulatorProcess) -> AsyncIterator[tuple[Stigg, str]]:
    customer_id = new_customer(emulator)
    report_usage(emulator, customer_id, "feature-demo-03", 2)
    client = await loaded(emulator, customer_id)
    yield client, customer_id
    await client.close()


def grants(client: Stigg, feature_id: str, **attributes: str) -> bool:
    request = GateRequest.from_attributes(
        feature_id,
        attributes.get("requested_usage"),
        attributes.get("requested_values"),
        attributes.get("min_value"),
    )
    return gate_grants(client, request)


async def test_enum_gates_need_every_requested_value(pro: Stigg) -> None:
    assert grants(pro, "feature-export-formats") is True
    assert grants(pro, "feature-export-formats", requested_values="pdf") is True
    assert grants(pro, "feature-export-formats", requested_values="csv, pdf") is True
    assert grants(pro, "feature-export-formats", requested_values="pdf xlsx") is False


async def test_numeric_metered_and_boolean_gates(starter: tuple[Stigg, str]) -> None:
    client, _ = starter
    assert grants(client, "feature-demo-01") is True
    assert grants(client, "feature-demo-01", min_value="100") is True
    assert grants(client, "feature-demo-01", min_value="101") is False
    assert grants(client, "feature-demo-03") is True  # 2 of 2 used: within the limit
    assert grants(client, "feature-demo-03", requested_usage="1") is False
    assert grants(client, "feature-demo-02") is True
    assert grants(client, "feature-export-formats", requested_values="csv") is False


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"requested_usage": "many"}, "requested-usage must be a number"),
        ({"min_value": "-1"}, "min-value must be a finite number"),
        ({"min_value": "inf"}, "min-value must be a finite number"),
    ],
)
def test_bad_number_attributes_are_typed_errors(attributes: dict[str, str], message: str) -> None:
    with pytest.raises(GateAttributeError, match=message):
        GateRequest.from_attributes(
            "f",
            attributes.get("requested_usage"),
            None,
            attributes.get("min_value"),
        )
