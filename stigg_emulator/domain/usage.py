"""Usage: `reportUsage` (DELTA / SET, idempotent) and raw events aggregated by meters."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from stigg_emulator.catalog.model import Feature
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.credit_consumption import burn_usage
from stigg_emulator.domain.entitlements import NO_RESOURCE, current_period, scope_state
from stigg_emulator.domain.errors import StiggError, bad_input, not_found
from stigg_emulator.domain.lookups import parse_time
from stigg_emulator.domain.periods import UsagePeriod
from stigg_emulator.storage import repositories as repo

MAX_EVENTS = 1_000
MAX_BULK = 1_000


@dataclass
class Measurement:
    """A stored usage measurement (its row) and the usage period it counted in."""

    row: dict[str, Any]
    period: UsagePeriod | None


@dataclass
class Applied:
    """Usage after a write."""

    value: float
    period: UsagePeriod | None
    updated_at: int


class _Periods:
    """Caches each customer scope's usage periods for the duration of one write."""

    def __init__(self, domain: Domain, tx: Tx) -> None:
        self.domain = domain
        self.tx = tx
        self._states: dict[tuple[str, str | None], Any] = {}

    def customer_ok(self, customer_ref: str) -> bool:
        state = self.state(customer_ref, None)
        return state.denied_reason not in ("CustomerNotFound", "CustomerIsArchived")

    def state(self, customer_ref: str, resource_id: str | None) -> Any:
        key = (customer_ref, resource_id)
        if key not in self._states:
            self._states[key] = scope_state(
                self.tx.conn,
                self.domain.catalog,
                customer_ref,
                resource_id,
                self.domain.clock.now(customer_ref),
            )
        return self._states[key]

    def period(
        self, customer_ref: str, resource_id: str | None, feature_ref: str
    ) -> UsagePeriod | None:
        grant = self.state(customer_ref, resource_id).grants.get(feature_ref)
        return current_period(grant, self.domain.clock.now(customer_ref)) if grant else None


Change = tuple[float, dict[str, Any] | None]
"""One change of a counter and the dimensions it was reported with."""


def _apply(
    domain: Domain,
    tx: Tx,
    customer_ref: str,
    resource_id: str | None,
    feature_ref: str,
    period: UsagePeriod | None,
    changes: list[Change],
    behavior: str = "DELTA",
) -> Applied:
    """Apply `changes` in order (SET: one change, the new value) and keep each in the history."""
    resource_key = resource_id or NO_RESOURCE
    row = repo.get_usage(tx.conn, customer_ref, resource_key, feature_ref)
    period_start = period.start if period else 0
    current = 0.0
    if row is not None and int(row["period_start"]) == period_start:
        current = float(row["value"])
    stamp = domain.clock.stamp(customer_ref)
    history: list[dict[str, Any]] = []
    value = current
    for amount, dimensions in changes:
        after = amount if behavior == "SET" else max(0.0, value + amount)
        history.append(
            {
                "customer_ref": customer_ref,
                "resource_key": resource_key,
                "feature_ref": feature_ref,
                "at": stamp,
                "period_start": period_start,
                "delta": after - value,
                "value": after,
                "dimensions": dimensions,
            }
        )
        value = after
    repo.put_usage(
        tx.conn,
        customer_ref,
        resource_key,
        feature_ref,
        {"period_start": period_start, "value": value, "updated_at": stamp},
        exists=row is not None,
    )
    repo.insert_usage_history(tx.conn, history)
    tx.usage_changed(customer_ref, resource_id, feature_ref)
    return Applied(value, period, stamp)


def _require_metered(domain: Domain, feature_ref: str) -> Feature:
    feature = domain.catalog.features.get(feature_ref)
    if feature is None:
        raise not_found("FeatureNotFound", "Feature", feature_ref)
    if feature.feature_type != "NUMBER" or feature.meter_type == "None":
        raise StiggError(
            "MeteringNotAvailableForFeatureType", f"Feature {feature_ref} is not metered"
        )
    if feature.meter is not None:
        raise StiggError(
            "CannotReportUsageForEntitlementWithMeterError",
            f"Feature {feature_ref} is metered from raw events; use reportEvent",
        )
    return feature


def report(
    domain: Domain, tx: Tx, item: dict[str, Any], periods: _Periods | None = None
) -> Measurement:
    """One `reportUsage` item; a repeated idempotency key returns the first measurement."""
    periods = periods or _Periods(domain, tx)
    customer_ref = str(item.get("customerId") or "")
    feature_ref = str(item.get("featureId") or "")
    if not customer_ref:
        raise bad_input("customerId is required")
    if not periods.customer_ok(customer_ref):
        raise not_found("CustomerNotFound", "Customer", customer_ref)
    feature = _require_metered(domain, feature_ref)
    value = item.get("value")
    if value is None:
        raise bad_input("value is required")
    value = float(value)
    behavior = item.get("updateBehavior") or "DELTA"
    if behavior == "SET" and value < 0:
        raise StiggError("InvalidQuantity", "A SET usage value must not be negative")
    resource_id = item.get("resourceId") or None
    period = periods.period(customer_ref, resource_id, feature_ref)
    key = item.get("idempotencyKey")
    if key:
        previous = repo.find_measurement(tx.conn, customer_ref, str(key))
        if previous is not None:
            return Measurement(previous, period)
    dimensions = item.get("dimensions")
    change = (value, dict(dimensions) if isinstance(dimensions, dict) else None)
    applied = _apply(domain, tx, customer_ref, resource_id, feature_ref, period, [change], behavior)
    if behavior == "DELTA":
        burn_usage(domain, tx, customer_ref, resource_id, feature, value, str(key) if key else None)
    created = parse_time(item.get("createdAt"), "createdAt") or domain.clock.now_ms(customer_ref)
    row = {
        "uuid": str(uuid.uuid4()),
        "customer_ref": customer_ref,
        "resource_key": resource_id or NO_RESOURCE,
        "feature_ref": feature_ref,
        "value": value,
        "behavior": behavior,
        "idempotency_key": str(key) if key else None,
        "current_usage": applied.value,
        "created_at": created,
    }
    repo.insert_measurement(tx.conn, row)
    return Measurement(row, applied.period)


def report_bulk(domain: Domain, tx: Tx, items: list[dict[str, Any]]) -> list[Measurement]:
    """`reportUsageBulk`: all items in one transaction (all or nothing)."""
    if not items:
        raise bad_input("usages must not be empty")
    if len(items) > MAX_BULK:
        raise bad_input(f"At most {MAX_BULK} usages per call (got {len(items)})")
    periods = _Periods(domain, tx)
    return [report(domain, tx, item, periods) for item in items]


def _matches(feature: Feature, event: dict[str, Any]) -> bool:
    meter = feature.meter
    if meter is None or event["eventName"] != meter.event_name:
        return False
    dimensions = event.get("dimensions") or {}
    return all(str(dimensions.get(key)) == value for key, value in meter.filters)


def report_events(domain: Domain, tx: Tx, events: list[dict[str, Any]]) -> int:
    """`reportEvent`: store new events (idempotency keys counted once) and update meters."""
    if not events:
        raise bad_input("usageEvents must not be empty")
    if len(events) > MAX_EVENTS:
        raise bad_input(f"At most {MAX_EVENTS} events per call (got {len(events)})")
    periods = _Periods(domain, tx)
    fresh: dict[str, dict[str, Any]] = {}
    for event in events:
        key = str(event.get("idempotencyKey") or "")
        if not key:
            raise bad_input("idempotencyKey is required")
        if not event.get("eventName"):
            raise bad_input("eventName is required")
        customer_ref = str(event.get("customerId") or "")
        if not periods.customer_ok(customer_ref):
            raise not_found("CustomerNotFound", "Customer", customer_ref)
        dimensions = event.get("dimensions")
        if dimensions is not None and not isinstance(dimensions, dict):
            raise bad_input("dimensions must be an object")
        fresh.setdefault(key, event)
    seen = repo.existing_event_keys(tx.conn, list(fresh))
    new_events = [event for key, event in fresh.items() if key not in seen]
    repo.insert_events(
        tx.conn,
        [
            {
                "idempotency_key": str(event["idempotencyKey"]),
                "customer_ref": str(event["customerId"]),
                "resource_key": event.get("resourceId") or NO_RESOURCE,
                "event_name": str(event["eventName"]),
                "dimensions": event.get("dimensions"),
                "timestamp": parse_time(event.get("timestamp"), "timestamp")
                or domain.clock.now_ms(str(event["customerId"])),
            }
            for event in new_events
        ],
    )
    metered = [f for f in domain.catalog.features.values() if f.meter is not None]
    groups: dict[tuple[str, str | None, str], list[dict[str, Any]]] = defaultdict(list)
    for event in new_events:
        for feature in metered:
            if _matches(feature, event):
                groups[
                    (str(event["customerId"]), event.get("resourceId") or None, feature.ref_id)
                ].append(event)
    for (customer_ref, resource_id, feature_ref), matched in groups.items():
        feature = domain.catalog.features[feature_ref]
        meter = feature.meter
        assert meter is not None
        period = periods.period(customer_ref, resource_id, feature_ref)
        if meter.aggregation == "COUNT":
            deltas = [1.0 for _ in matched]
        elif meter.aggregation == "SUM":
            deltas = [
                dimension_number((e.get("dimensions") or {}).get(meter.field or ""))
                for e in matched
            ]
        else:
            deltas = _count_unique(
                tx, customer_ref, resource_id, feature_ref, period, matched, meter.field or ""
            )
        changes = [
            (delta, event.get("dimensions"))
            for delta, event in zip(deltas, matched, strict=True)
            if delta
        ]
        if changes:
            _apply(domain, tx, customer_ref, resource_id, feature_ref, period, changes)
            burn_usage(domain, tx, customer_ref, resource_id, feature, sum(d for d, _ in changes))
    return len(new_events)


def dimension_number(value: Any) -> float:
    """A dimension as a number (0 when it is missing or not numeric)."""
    if isinstance(value, bool) or value is None:
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _count_unique(
    tx: Tx,
    customer_ref: str,
    resource_id: str | None,
    feature_ref: str,
    period: UsagePeriod | None,
    events: list[dict[str, Any]],
    field: str,
) -> list[float]:
    """Per event, 1 when it brings a value of `field` not yet seen this period, else 0."""
    keys = [
        None if (e.get("dimensions") or {}).get(field) is None else str(e["dimensions"][field])
        for e in events
    ]
    values = {key for key in keys if key is not None}
    if not values:
        return [0.0 for _ in events]
    resource_key = resource_id or NO_RESOURCE
    start = period.start if period else 0
    known = repo.existing_unique_values(
        tx.conn, customer_ref, resource_key, feature_ref, start, list(values)
    )
    new_values = sorted(values - known)
    repo.insert_unique_values(
        tx.conn,
        [
            {
                "customer_ref": customer_ref,
                "resource_key": resource_key,
                "feature_ref": feature_ref,
                "period_start": start,
                "value": value,
            }
            for value in new_values
        ],
    )
    fresh = set(new_values)
    counted: list[float] = []
    for key in keys:
        counted.append(1.0 if key is not None and key in fresh else 0.0)
        if key is not None:
            fresh.discard(key)
    return counted
