"""Usage JSON: `UsageMeasurementWithCurrentUsage`."""

from __future__ import annotations

from typing import Any

from stigg_emulator.catalog.model import ENVIRONMENT_ID
from stigg_emulator.clock import iso
from stigg_emulator.domain.usage import Measurement


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
