"""`fetch_usage_history` / `get_usage_history` on both SDKs against the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from stigg_client import Stigg, StiggServer
from stigg_client.errors import NotFoundError, ValidationError
from stigg_client.models.usage import UsageHistoryPoint, UsageMarkerType
from tests.sdk.server.conftest import fresh_id
from tests.support.processes import EmulatorProcess


def _clock(emulator: EmulatorProcess, customer_id: str, by: str | None = None) -> datetime:
    headers = {"X-API-KEY": emulator.server_key}
    url = f"{emulator.base_url}/emulator/clock"
    if by is not None:
        httpx.post(url, json={"by": by, "customerId": customer_id}, headers=headers)
    answer = httpx.get(url, params={"customerId": customer_id}, headers=headers).json()
    return datetime.fromisoformat(answer["now"])


async def _customer_with_usage(
    server: StiggServer, emulator: EmulatorProcess
) -> tuple[str, datetime]:
    customer_id = fresh_id()
    await server.provision_customer(customer_id, subscription_params={"plan_id": "plan-stigg-pro"})
    start = _clock(emulator, customer_id)
    await server.report_usage(customer_id, "feature-demo-03", 4)
    _clock(emulator, customer_id, "1d")
    for region, value in (("eu", 2), ("us", 5)):
        await server.report_usage(
            customer_id, "feature-demo-03", value, dimensions={"region": region}
        )
    _clock(emulator, customer_id, "31d")
    await server.report_usage(customer_id, "feature-demo-03", 1, dimensions={"region": "eu"})
    return customer_id, start


async def test_server_sdk_reads_points_groups_and_markers(
    server: StiggServer, emulator: EmulatorProcess
) -> None:
    customer_id, start = await _customer_with_usage(server, emulator)
    points = await server.fetch_usage_history(customer_id, "feature-demo-03", start)
    assert all(isinstance(point, UsageHistoryPoint) for point in points)
    # fetch_usage_history ends at the wall clock's now (as Stigg's SDK sends), before the
    # customer's clock ran ahead: the first day only.
    assert [p.value for p in points][:2] == [0, 4]
    end = _clock(emulator, customer_id)
    history = await server.get_usage_history(
        customer_id, "feature-demo-03", start, end_date=end, group_by=["region"]
    )
    assert [m.type for m in history.markers] == [UsageMarkerType.PERIODIC_RESET]
    tags = [[(t.key, t.value) for t in s.tags] for s in history.series]
    assert tags == [[("region", "")], [("region", "eu")], [("region", "us")]]
    last = [s.points[-1].value for s in history.series]
    assert last == [0, 1, 0]
    peak = [max(p.value for p in s.points) for s in history.series]
    assert peak == [4, 2, 5]
    total = await server.get_usage_history(customer_id, "feature-demo-03", start, end_date=end)
    (series,) = total.series
    assert max(p.value for p in series.points) == 11 and series.points[-1].value == 1
    reset = next(p for p in series.points if p.is_reset_point)
    assert reset.timestamp == history.markers[0].timestamp and reset.value == 0
    assert total.page_info is None
    page = await server.get_usage_history(
        customer_id,
        "feature-demo-03",
        start,
        end_date=end,
        group_by=["region"],
        paging={"first": 2},
    )
    assert len(page.series) == 2 and page.page_info is not None and page.page_info.has_next_page
    # The wire shape is Stigg's: camelCase, ISO dates like JavaScript's toISOString.
    wire = total.model_dump(by_alias=True, mode="json", exclude_none=True)
    assert set(wire["series"][0]["points"][0]) == {"timestamp", "value", "isResetPoint"}
    assert wire["series"][0]["points"][0]["timestamp"].endswith("Z")


async def test_client_sdk_reads_the_current_customer(
    server: StiggServer, emulator: EmulatorProcess
) -> None:
    customer_id, start = await _customer_with_usage(server, emulator)
    client = Stigg.initialize(
        api_key=emulator.client_key,
        customer_id=customer_id,
        base_uri=emulator.base_url,
        base_edge_uri=emulator.edge_url,
        live_updates=False,
        background_refresh=False,
    )
    try:
        await client.wait_for_initialization()
        end = _clock(emulator, customer_id)
        ours = await client.get_usage_history("feature-demo-03", start, end_date=end)
        theirs = await server.get_usage_history(customer_id, "feature-demo-03", start, end_date=end)
        assert ours == theirs
        points = await client.fetch_usage_history("feature-demo-03", start, end_date=end)
        assert [p.value for p in points] == [p.value for p in theirs.series[0].points]
    finally:
        await client.close()


async def test_bad_input_raises_typed_errors(server: StiggServer) -> None:
    start = datetime.now() - timedelta(days=1)
    with pytest.raises(ValidationError):
        await server.get_usage_history("", "feature-demo-03", start)
    with pytest.raises(ValidationError):
        await server.get_usage_history("c", "feature-demo-03", "2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        await server.get_usage_history("c", "feature-demo-03", start, group_by="region")
    with pytest.raises(ValidationError):
        await server.get_usage_history("c", "feature-demo-03", start, paging={"limit": 2})
    with pytest.raises(NotFoundError):
        await server.fetch_usage_history(fresh_id(), "feature-demo-03", start)
    offline = Stigg.initialize(offline=True, customer_id="someone")
    assert await offline.fetch_usage_history("feature-demo-03", start) == []
    empty = await offline.get_usage_history("feature-demo-03", start)
    assert empty.series == [] and empty.markers == []
