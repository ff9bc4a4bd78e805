"""The checkout calls, made by Stigg's JS client SDK 3.35.0 and Node SDK 3.95.0
(js/checkout.mjs) and by ours for the same customers, against the session emulator
(test catalog: Team is 10 USD a seat per month, STIGG30 takes 30 % off)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from stigg_client import Stigg, StiggServer
from stigg_client.errors import StiggError
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess

TWO_SEATS: dict[str, Any] = {
    "plan_id": "plan-stigg-team",
    "billing_period": "MONTHLY",
    "billable_features": [{"feature_id": "feature-seats", "quantity": 2}],
}
MOMENTS = {"prorationDate", "start", "end"}
"""Timestamps: each SDK's call happens at its own moment."""


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script("checkout.mjs", emulator_params(emulator, run_prefix), interop_workdir)


async def _client(emulator: EmulatorProcess, customer_id: str) -> AsyncIterator[Stigg]:
    stigg = Stigg.initialize(
        api_key=emulator.client_key,
        base_uri=emulator.base_url,
        base_edge_uri=emulator.edge_url,
        customer_id=customer_id,
        background_refresh=False,
    )
    await stigg.wait_for_initialization()
    yield stigg
    await stigg.close()


@pytest.fixture
async def reader(emulator: EmulatorProcess, run_prefix: str) -> AsyncIterator[Stigg]:
    async for stigg in _client(emulator, f"{run_prefix}-ck-reader"):
        yield stigg


def assert_covers(ours: Any, theirs: Any, path: str = "") -> None:
    """Every value Stigg's SDK returned is in ours, equal (timestamps excepted)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), f"{path}: {ours!r} is not an object"
        for key, value in theirs.items():
            if key in MOMENTS or key == "__typename":
                continue
            if value is None:  # ours leaves out what is null
                assert ours.get(key) is None, f"{path}.{key}: ours {ours[key]!r}, Stigg's null"
                continue
            assert key in ours, f"{path}.{key} missing from ours"
            assert_covers(ours[key], value, f"{path}.{key}")
    else:
        assert ours == theirs, f"{path}: ours {ours!r}, Stigg's {theirs!r}"


def _wire(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def test_checkout_state_matches_the_js_client(run: ScenarioRun, reader: Stigg) -> None:
    theirs = run.value("client.getCheckoutState")
    ours = await reader.get_checkout_state("plan-stigg-team")
    assert (ours.plan.id, ours.plan.display_name) == (theirs["plan"]["id"], "Team")
    assert ours.customer.id == theirs["customer"]["id"]
    assert ours.setup_secret == theirs["setupSecret"]
    assert_covers(_wire(ours.billing_integration), theirs["billingIntegration"])
    assert ours.active_subscription is not None and ours.active_subscription.plan is not None
    assert ours.active_subscription.plan.id == theirs["activeSubscription"]["plan"]["id"]


async def test_preview_matches_the_js_client(run: ScenarioRun, reader: Stigg) -> None:
    theirs = run.value("client.previewSubscription")
    ours = await reader.preview_subscription(**TWO_SEATS, promotion_code="STIGG30")
    assert theirs["immediateInvoice"]["total"] == {"amount": 14, "currency": "USD"}
    assert_covers(_wire(ours), theirs)


async def test_unknown_promotion_code_fails_in_both(run: ScenarioRun, reader: Stigg) -> None:
    assert "NO-SUCH-CODE was not found" in run.error("client.previewSubscription.unknownCode")
    with pytest.raises(StiggError, match="NO-SUCH-CODE was not found"):
        await reader.preview_subscription(**TWO_SEATS, promotion_code="NO-SUCH-CODE")


async def test_apply_matches_the_js_client(
    run: ScenarioRun, emulator: EmulatorProcess, run_prefix: str
) -> None:
    theirs = run.value("client.applySubscription")["subscription"]
    async for stigg in _client(emulator, f"{run_prefix}-ck-py-apply"):
        result = await stigg.apply_subscription(**TWO_SEATS, skip_trial=True)
        assert result.subscription is not None and result.subscription.plan is not None
        assert (result.subscription.plan.id, result.subscription.status) == (
            theirs["plan"]["id"],
            theirs["status"],
        )
        prices = [
            (p.billing_period, p.amount, p.currency) for p in result.subscription.plan.price_points
        ]
        assert prices == [
            (p["billingPeriod"], p["amount"], p["currency"]) for p in theirs["plan"]["pricePoints"]
        ]


async def test_server_calls_match_the_node_sdk(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    theirs_preview = run.value("server.previewSubscription")
    ours_preview = await server.preview_subscription(
        customer_id=f"{run_prefix}-ck-reader",
        **TWO_SEATS,
        billing_information={"tax_percentage": 10},
    )
    assert theirs_preview["immediateInvoice"]["tax"] == {"amount": 2, "currency": "USD"}
    assert_covers(_wire(ours_preview), theirs_preview)

    theirs = run.value("server.applySubscription")["subscription"]
    result = await server.apply_subscription(
        customer_id=f"{run_prefix}-ck-py-server-apply", **TWO_SEATS, skip_trial=True
    )
    assert result.subscription is not None and result.subscription.plan is not None
    assert (result.subscription.plan.id, result.subscription.status) == (
        theirs["planId"],
        theirs["status"],
    )
