"""Credits with Stigg's Node server SDK 3.95.0 (its four credit methods and its handling of the
`creditBalanceUpdated` push) and our StiggServer on the same customer (docs/protocol.md §5.7)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from tests.emulator.credit_helpers import CURRENCY
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess


async def _prepare(emulator: EmulatorProcess, customer: str) -> str:
    async with StiggServer(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_updates=False
    ) as ours:
        await ours.provision_customer(customer, subscription_params={"plan_id": "plan-ai-free"})
        grant = await ours.grant_credits(customer, CURRENCY, 60, "Granted from Python")
        await ours.consume_credits(customer, CURRENCY, 10, "py-1")
    return grant.grant_id


@pytest.fixture(scope="module")
def prepared(credits_emulator: EmulatorProcess, run_prefix: str) -> dict[str, Any]:
    """A customer holding 50 credits granted and partly consumed by our SDK."""
    customer = f"{run_prefix}-credits"
    grant_id = asyncio.run(_prepare(credits_emulator, customer))
    return {"customerId": customer, "grantId": grant_id}


@pytest.fixture(scope="module")
def run(
    credits_emulator: EmulatorProcess,
    interop_workdir: Path,
    run_prefix: str,
    prepared: dict[str, Any],
) -> ScenarioRun:
    params = {
        **emulator_params(credits_emulator, run_prefix),
        "customerId": prepared["customerId"],
        "currencyId": CURRENCY,
        "eventTimeoutMs": 5000,
    }
    return run_script("node_credits.mjs", params, interop_workdir)


def test_node_grants_and_reads_the_balance_our_sdk_started(run: ScenarioRun) -> None:
    assert run.value("waitForInitialization") == "ready"
    granted = run.value("grantCredits")
    assert (granted["amount"], granted["grantType"], granted["priority"]) == (100, "PAID", 3)
    assert (granted["cost"]["amount"], granted["cost"]["currency"]) == (10, "USD")
    [balance] = run.value("getCreditBalance.afterGrant")["balances"]
    assert (balance["currentBalance"], balance["totalGranted"], balance["totalConsumed"]) == (
        150,
        160,
        10,
    )
    assert balance["currency"]["displayName"] == "AI credits"


def test_node_lists_both_sdks_grants(run: ScenarioRun, prepared: dict[str, Any]) -> None:
    page = run.value("getCreditGrants")
    assert page["totalCount"] == 2
    by_name = {grant["displayName"]: grant for grant in page["data"]}
    assert by_name["Granted from Python"]["grantId"] == prepared["grantId"]
    assert by_name["Granted from Python"]["consumedAmount"] == 10
    assert by_name["Granted from Node"]["grantType"] == "PAID"


def test_node_voids_then_its_cache_hears_the_balance_run_out(run: ScenarioRun) -> None:
    assert run.value("getMeteredEntitlement.before")["hasAccess"] is True
    assert run.value("voidCreditGrant")["grantId"] == run.value("grantCredits")["grantId"]
    # (No second getCreditBalance: 3.95.0's Apollo client answers a repeated query from its cache.)
    run.value("reportUsage")  # 25 summaries burn the 50 credits left
    after = run.value("getMeteredEntitlement.afterPush")
    assert (after["hasAccess"], after["accessDeniedReason"]) == (False, "InsufficientCredits")


async def test_our_sdk_reads_what_node_wrote(
    run: ScenarioRun, credits_emulator: EmulatorProcess, prepared: dict[str, Any]
) -> None:
    assert run.value("getMeteredEntitlement.afterPush")
    async with StiggServer(
        api_key=credits_emulator.server_key,
        base_uri=credits_emulator.base_url,
        realtime_updates=False,
    ) as ours:
        page = await ours.get_credit_grants(prepared["customerId"], currency_id=CURRENCY)
        entitlement = await ours.get_credit_entitlement(prepared["customerId"], CURRENCY)
    assert {grant.status for grant in page.grants} == {"ACTIVE", "VOIDED"}
    assert entitlement.balance == 0
    assert entitlement.access_denied_reason == "InsufficientCredits"
