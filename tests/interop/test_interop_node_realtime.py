"""Real-time updates of Stigg's Node server SDK 3.95.0 over the emulator's graphql-transport-ws.

The SDK subscribes to ``entitlementsUpdated`` / ``usageUpdated`` (V1 fields, see README §5) and
emits listener events from the pushes; js/node_realtime.mjs records them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    params = {**emulator_params(emulator, run_prefix), "eventTimeoutMs": 5000}
    return run_script("node_realtime.mjs", params, interop_workdir)


@pytest.fixture(scope="module")
def customer_id(run_prefix: str) -> str:
    return f"{run_prefix}-rt"


def test_initialization_with_realtime_updates(run: ScenarioRun) -> None:
    assert run.value("waitForInitialization") == "ready"
    assert run.value("provisionCustomer")["subscription"]["planId"] == "plan-stigg-starter"


def test_usage_updated_is_pushed_after_report_usage(run: ScenarioRun, customer_id: str) -> None:
    assert run.value("getMeteredEntitlement.beforeUsage")["currentUsage"] == 0
    assert run.value("reportUsage")["currentUsage"] == 1
    event = run.value("usageUpdated.received")
    usage = event["usage"]
    assert (usage["customerId"], usage["featureId"], usage["currentUsage"]) == (
        customer_id,
        "feature-demo-03",
        1,
    )
    assert usage["usagePeriodStart"] and usage["usagePeriodEnd"]
    assert event["entitlement"]["feature"]["refId"] == "feature-demo-03"
    assert event["entitlement"]["usageLimit"] == 2


def test_entitlements_updated_is_pushed_after_provision_subscription(
    run: ScenarioRun, customer_id: str
) -> None:
    result = run.value("provisionSubscription")
    assert result["provisionStatus"] == "SUCCESS"
    event = run.value("entitlementsUpdated.received")
    assert event["customerId"] == customer_id
    features = {e["feature"]["refId"]: e for e in event["entitlements"] if e.get("feature")}
    assert {"feature-demo-01", "feature-demo-02", "feature-demo-03", "feature-api-calls"} <= set(
        features
    )
    assert features["feature-demo-03"]["usageLimit"] == 50
    # The SDK serves the new limit from its push-updated cache.
    assert run.value("getMeteredEntitlement.afterUpgrade")["usageLimit"] == 50
