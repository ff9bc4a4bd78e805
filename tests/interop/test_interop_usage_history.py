"""Usage history through Stigg's Node server SDK 3.95.0 (`fetchUsageHistory`,
`getUsageHistoryV2`) and through our `StiggServer` against the same emulator: they must agree."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from stigg_client.errors import NotFoundError
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess

FEATURE = "feature-demo-03"


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script(
        "node_usage_history.mjs", emulator_params(emulator, run_prefix), interop_workdir
    )


def _plain(value: Any) -> Any:
    """JSON without `__typename`, with every ISO date-time as a datetime (formats may differ)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "__typename"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str) and value.endswith("Z") and "T" in value:
        return datetime.fromisoformat(value)
    return value


async def test_usage_history_agrees_with_the_node_sdk(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    customer_id = f"{run_prefix}-usage-history"
    run.value("reportUsage")
    start = datetime.fromisoformat(run.value("start"))
    end = datetime.fromisoformat(run.value("end"))

    points = await server.fetch_usage_history(customer_id, FEATURE, start, end_date=end)
    ours = [p.model_dump(mode="json", by_alias=True) for p in points]
    theirs = run.value("fetchUsageHistory")
    assert _plain(ours) == _plain(theirs)
    assert [p["value"] for p in theirs][-1] == 9 and len(theirs) == 50

    for step, group_by in (("getUsageHistoryV2", None), ("getUsageHistoryV2.grouped", ["region"])):
        history = await server.get_usage_history(
            customer_id, FEATURE, start, end_date=end, group_by=group_by
        )
        dumped = history.model_dump(mode="json", by_alias=True, exclude={"page_info"})
        assert _plain(dumped) == _plain(run.value(step)), step
    grouped = run.value("getUsageHistoryV2.grouped")
    last = {s["tags"][0]["value"]: s["points"][-1]["value"] for s in grouped["series"]}
    assert last == {"eu": 5, "us": 4}

    assert "feature-nope" in run.error("getUsageHistoryV2.unknownFeature")
    with pytest.raises(NotFoundError):
        await server.get_usage_history(customer_id, "feature-nope", start, end_date=end)
