"""previewNextInvoice and a plan downgrade scheduled for the end of the billing period, through
Stigg's Node server SDK (3.95.0) against the session emulator (test catalog: Team is 10 USD a
seat per month, Pro 12 USD per month)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script(
        "node_next_invoice.mjs", emulator_params(emulator, run_prefix), interop_workdir
    )


def _usd(amount: float) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD", "__typename": "Money"}


def test_preview_next_invoice_of_a_per_seat_subscription(run: ScenarioRun) -> None:
    subscription = run.value("provisionSubscription.team")["subscription"]
    preview = run.value("previewNextInvoice.team")
    assert preview["__typename"] == "SubscriptionInvoicePreview"
    for key in ("amountDue", "total", "totalExcludingTax", "subTotal", "subTotalExcludingTax"):
        assert preview[key] == _usd(30), key
    assert preview["tax"] == _usd(0)
    assert preview["minimumSpendAdjustment"] == _usd(0)
    [line] = preview["lines"]
    assert line["__typename"] == "SubscriptionInvoicePreviewLineItem"
    assert (line["quantity"], line["unitPrice"], line["amount"]) == (3, _usd(10), _usd(30))
    assert line["proration"] is False
    # The next period starts where the current one ends.
    assert line["period"]["start"] > subscription["latestInvoice"]["createdAt"]


def test_scheduled_downgrade_changes_the_next_invoice_until_cancelled(run: ScenarioRun) -> None:
    team = run.value("provisionSubscription.team")["subscription"]
    downgrade = run.value("provisionSubscription.downgrade")
    # Stigg keeps the current subscription; the downgrade is its scheduled update.
    assert downgrade["provisionStatus"] == "SUCCESS"
    assert (downgrade["subscription"]["id"], downgrade["subscription"]["planId"]) == (
        team["id"],
        "plan-stigg-team",
    )
    [update] = run.value("getSubscription.scheduled")["futureUpdates"]
    period_start = run.value("previewNextInvoice.team")["lines"][0]["period"]["start"]
    assert update["subscriptionScheduleType"] == "Downgrade"
    assert update["scheduleStatus"] == "Scheduled"
    assert update["scheduledExecutionTime"] == period_start
    assert (update["targetPackage"]["refId"], update["targetPackage"]["displayName"]) == (
        "plan-stigg-pro",
        "Pro",
    )
    assert update["scheduleVariables"]["__typename"] == "DowngradeChangeVariables"
    assert update["scheduleVariables"]["downgradePlanRefId"] == "plan-stigg-pro"
    assert update["scheduleVariables"]["billingPeriod"] == "MONTHLY"
    scheduled = run.value("previewNextInvoice.scheduled")
    assert scheduled["total"] == _usd(12)
    [line] = scheduled["lines"]
    assert line["period"]["start"] == period_start
    assert run.value("cancelSubscriptionScheduledUpdates") == {"subscriptionId": team["id"]}
    assert run.value("getSubscription.cancelled")["futureUpdates"] == []
    assert run.value("previewNextInvoice.cancelled")["total"] == _usd(30)


def test_preview_next_invoice_of_an_unknown_subscription(run: ScenarioRun) -> None:
    error = run.error("previewNextInvoice.unknown")
    assert "errorCode=SubscriptionNotFound" in error
