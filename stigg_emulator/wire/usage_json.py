"""Usage JSON: `UsageMeasurementWithCurrentUsage`, `UsageHistory` and `UsageHistoryV2`."""

from __future__ import annotations

from typing import Any

from stigg_emulator.catalog.model import ENVIRONMENT_ID
from stigg_emulator.clock import iso
from stigg_emulator.domain.usage import Measurement
from stigg_emulator.domain.usage_history import HistorySeries, UsageHistory


def measurement_json(measurement: Measurement) -> dict[str, Any]:
    """`UsageMeasurementWithCurrentUsage`."""
    row, period = measurement.row, measurement.period
    resource = row["resource_key"] or None
    return {
        "__typename": "UsageMeasurementWithCurrentUsage",
        "id": row["uuid"],
        "customerId": row["customer_ref"],
        "resourceId": resource,
        "featureId": row["feature_ref"],
        "value": row["value"],
        "currentUsage": row["current_usage"],
        "usagePeriodStart": iso(period.start) if period else None,
        "usagePeriodEnd": iso(period.end) if period else None,
        "nextResetDate": iso(period.end) if period else None,
        "timestamp": iso(row["created_at"]),
        "createdAt": iso(row["created_at"]),
        "environmentId": ENVIRONMENT_ID,
        "credit": None,
    }


def _markers(history: UsageHistory) -> list[dict[str, Any]]:
    return [
        {"__typename": "UsageMarker", "type": marker.kind, "timestamp": iso(marker.at)}
        for marker in history.markers
    ]


def _measurements(series: HistorySeries) -> list[dict[str, Any]]:
    return [
        {
            "__typename": "UsageMeasurementPoint",
            "date": iso(point.at),
            "value": point.value,
            "isResetPoint": point.is_reset,
        }
        for point in series.points
    ]


def usage_history_json(history: UsageHistory, grouped: bool) -> dict[str, Any]:
    """`UsageHistory` (Stigg's first, deprecated shape); `groups` only when grouped."""
    return {
        "__typename": "UsageHistory",
        "startDate": iso(history.start),
        "endDate": iso(history.end),
        "markers": _markers(history),
        "usageMeasurements": _measurements(history.total),
        "groups": [
            {
                "__typename": "GroupUsageHistory",
                "groupInfo": [
                    {"__typename": "GroupInfo", "key": key, "value": value}
                    for key, value in group.tags
                ],
                "usageMeasurements": _measurements(group),
            }
            for group in history.groups
        ]
        if grouped
        else None,
    }


def usage_series_json(series: HistorySeries) -> dict[str, Any]:
    """`UsageHistorySeries`: tags and points."""
    return {
        "__typename": "UsageHistorySeries",
        "tags": [
            {"__typename": "UsageHistorySeriesTag", "key": key, "value": value}
            for key, value in series.tags
        ],
        "points": [
            {
                "__typename": "UsageHistoryPoint",
                "timestamp": iso(point.at),
                "value": point.value,
                "isResetPoint": point.is_reset,
            }
            for point in series.points
        ],
    }


def usage_history_v2_json(
    history: UsageHistory, series: list[dict[str, Any]], page_info: dict[str, Any] | None
) -> dict[str, Any]:
    """`UsageHistoryV2`: markers, the (paged) series and, when paged, their `pageInfo`."""
    return {
        "__typename": "UsageHistoryV2",
        "markers": _markers(history),
        "series": series,
        "pageInfo": page_info,
    }
