"""Usage history reads both SDKs make the same way (docs/protocol.md §2.3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from stigg_client.core.graphql import usage_history as documents
from stigg_client.core.wire import to_wire
from stigg_client.errors import ValidationError
from stigg_client.models.usage import UsageHistoryPoint, UsageHistoryV2
from stigg_client.transport.api import StiggApi

PAGING_KEYS = frozenset({"first", "after", "last", "before"})


def _check(call: str, customer_id: str, feature_id: str, start_date: datetime) -> None:
    if not customer_id:
        raise ValidationError(f"{call} needs customer_id")
    if not feature_id:
        raise ValidationError(f"{call} needs feature_id")
    if not isinstance(start_date, datetime):
        raise ValidationError(f"{call} needs start_date as a datetime")


async def fetch_usage_history(
    api: StiggApi,
    *,
    customer_id: str,
    feature_id: str,
    start_date: datetime,
    end_date: datetime | None = None,
    resource_id: str | None = None,
) -> list[UsageHistoryPoint]:
    """`usageHistory`: the usage points of one feature; `end_date` defaults to now, as in
    Stigg's SDKs."""
    _check("fetch_usage_history", customer_id, feature_id, start_date)
    payload = to_wire(
        {
            "customer_ref_id": customer_id,
            "feature_ref_id": feature_id,
            "resource_ref_id": resource_id,
            "start_date": start_date,
            "end_date": end_date or datetime.now(UTC),
        }
    )
    data = await api.graphql(
        "GetUsageHistory", documents.GET_USAGE_HISTORY, {"usageHistoryInput": payload}
    )
    points = (data.get("usageHistory") or {}).get("usageMeasurements") or []
    return [UsageHistoryPoint.model_validate(point) for point in points]


async def get_usage_history(
    api: StiggApi,
    *,
    customer_id: str,
    feature_id: str,
    start_date: datetime,
    end_date: datetime | None = None,
    resource_id: str | None = None,
    group_by: Sequence[str] | None = None,
    include_inactive_subscriptions: bool | None = None,
    paging: Mapping[str, Any] | None = None,
) -> UsageHistoryV2:
    """`usageHistoryV2`: markers and one series per group of `group_by` dimensions."""
    _check("get_usage_history", customer_id, feature_id, start_date)
    if isinstance(group_by, str):
        raise ValidationError("group_by takes a list of dimension names, not a string")
    if paging is not None and not set(paging) <= PAGING_KEYS:
        unknown = ", ".join(sorted(set(paging) - PAGING_KEYS))
        raise ValidationError(f"paging takes first, after, last and before (not {unknown})")
    payload = to_wire(
        {
            "customer_id": customer_id,
            "feature_id": feature_id,
            "start_date": start_date,
            "end_date": end_date,
            "resource_id": resource_id,
            "group_by": list(group_by) if group_by is not None else None,
            "include_inactive_subscriptions": include_inactive_subscriptions,
            "paging": dict(paging) if paging is not None else None,
        }
    )
    data = await api.graphql(
        "GetUsageHistoryV2", documents.GET_USAGE_HISTORY_V2, {"input": payload}
    )
    return UsageHistoryV2.model_validate(
        data.get("usageHistoryV2") or {"markers": [], "series": []}
    )
