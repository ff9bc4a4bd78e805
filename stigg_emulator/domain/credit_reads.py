"""Credit reads (docs/protocol.md §5.7): the ledger (with expiries derived from the grants),
usage by feature over a time range, and cost estimates of an event or a usage amount."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.clock import from_ms, to_ms
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.credits import (
    EXPIRED,
    CreditBalance,
    balances,
    ledger_row,
    require_customer,
)
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.domain.lookups import parse_time
from stigg_emulator.domain.usage import dimension_number
from stigg_emulator.storage import credit_repository as credit_repo

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
TIME_RANGES = {"LAST_DAY": 1, "LAST_WEEK": 7, "LAST_MONTH": 30, "LAST_YEAR": 365}


@dataclass
class LedgerEntry:
    """One ledger event and the grant it is about."""

    row: dict[str, Any]
    grant: dict[str, Any] | None


def ledger(
    connection: Connection,
    domain: Domain,
    customer_ref: str,
    resource_key: str,
    currency_ref: str | None,
    event_types: list[str] | None,
) -> list[LedgerEntry]:
    """Ledger events of a customer scope, newest first; an expired grant's unused rest appears as
    `CREDITS_EXPIRED` at its expiry."""
    now_ms = domain.clock.now_ms(customer_ref)
    state = balances(connection, domain.catalog, customer_ref, resource_key, now_ms)
    grants = {row["id"]: row for credit in state.values() for row in credit.grants}
    rows = [
        row
        for row in credit_repo.customer_ledger(connection, customer_ref)
        if row["resource_key"] == resource_key and row["grant_id"] in grants
    ]
    granted = {row["grant_id"] for row in rows if row["event_type"] == "CREDITS_GRANTED"}
    for grant in grants.values():
        rest = float(grant["amount"]) - float(grant["consumed"])
        if grant["id"] not in granted and grant["grant_type"] == "RECURRING":
            # A period's recurring grant not stored yet (nothing written since its period began).
            amount = float(grant["amount"])
            rows.append(_derived(grant, "CREDITS_GRANTED", amount, int(grant["effective_at"])))
        if grant["status"] == EXPIRED and rest > 0:
            rows.append(_derived(grant, "CREDITS_EXPIRED", -rest, int(grant["expire_at"])))
    selected = [
        row
        for row in rows
        if (currency_ref is None or row["currency_ref"] == currency_ref)
        and (not event_types or row["event_type"] in event_types)
    ]
    selected.sort(key=lambda row: (int(row["timestamp"]), int(row["id"])), reverse=True)
    return [LedgerEntry(row, grants.get(row["grant_id"])) for row in selected]


def _derived(grant: dict[str, Any], event_type: str, amount: float, stamp: int) -> dict[str, Any]:
    """A ledger entry that follows from a grant's state rather than from a write."""
    return {**ledger_row(grant, event_type, amount, stamp), "id": 0}


@dataclass
class UsageSeries:
    """Credits one feature (None: direct consumption) burned, per time bucket."""

    feature_ref: str | None
    total: float = 0.0
    count: int = 0
    points: dict[int, list[float]] = field(default_factory=dict)  # bucket start: [value, count]


def usage_range(data: dict[str, Any], now_ms: int) -> tuple[int, int, int]:
    """(start, end, bucket size) of a `CreditUsageInput`: explicit dates or a time range (default
    the last month); hourly buckets up to two days, else daily."""
    end = parse_time(data.get("endDate"), "endDate") or now_ms
    start = parse_time(data.get("startDate"), "startDate")
    if start is None:
        days = TIME_RANGES.get(str(data.get("timeRange") or "LAST_MONTH"), 30)
        start = to_ms(from_ms(end) - timedelta(days=days))
    if start >= end:
        raise bad_input("startDate must be before endDate")
    return start, end, HOUR_MS if end - start <= 2 * DAY_MS else DAY_MS


def usage(
    connection: Connection,
    domain: Domain,
    customer_ref: str,
    resource_key: str,
    currency_ref: str | None,
    data: dict[str, Any],
) -> list[UsageSeries]:
    """Consumed credits by feature between start and end, bucketed (see `usage_range`)."""
    start, end, bucket = usage_range(data, domain.clock.now_ms(customer_ref))
    series: dict[str | None, UsageSeries] = {}
    entries = ledger(
        connection, domain, customer_ref, resource_key, currency_ref, ["CREDITS_CONSUMED"]
    )
    for entry in reversed(entries):
        stamp = int(entry.row["timestamp"])
        if not start <= stamp < end:
            continue
        feature = entry.row["feature_ref"]
        item = series.setdefault(feature, UsageSeries(feature))
        value = -float(entry.row["amount"])
        item.total += value
        item.count += 1
        point = item.points.setdefault(start + (stamp - start) // bucket * bucket, [0.0, 0])
        point[0] += value
        point[1] += 1
    return sorted(series.values(), key=lambda item: (-item.total, item.feature_ref or ""))


@dataclass
class Estimate:
    """What an event or a usage amount would cost, per currency."""

    costs: dict[str, list[tuple[str, float]]] = field(default_factory=lambda: defaultdict(list))
    warnings: list[str] = field(default_factory=list)
    balances: dict[str, CreditBalance] = field(default_factory=dict)


def estimate_event(connection: Connection, domain: Domain, data: dict[str, Any]) -> Estimate:
    """`estimateEventCost`: every metered feature the event counts for, at its credit rate."""
    result = _estimate(connection, domain, data)
    name = str(data.get("eventName") or "")
    dimensions = data.get("dimensions") or {}
    matched = False
    for feature in domain.catalog.features.values():
        meter = feature.meter
        if meter is None or meter.event_name != name:
            continue
        if any(str(dimensions.get(key)) != value for key, value in meter.filters):
            continue
        matched = True
        if feature.credit_rate is None:
            result.warnings.append("FEATURE_NOT_CREDIT_BASED")
            continue
        units = (
            dimension_number(dimensions.get(meter.field or ""))
            if meter.aggregation == "SUM"
            else 1.0
        )
        rate = feature.credit_rate
        result.costs[rate.currency_ref].append((feature.ref_id, units * rate.amount))
    if not matched:
        result.warnings.append("FEATURE_NOT_FOUND")
    return result


def estimate_usage(connection: Connection, domain: Domain, data: dict[str, Any]) -> Estimate:
    """`estimateUsageCost`: `value` units of one feature at its credit rate."""
    result = _estimate(connection, domain, data)
    feature = domain.catalog.features.get(str(data.get("featureId") or ""))
    if feature is None:
        result.warnings.append("FEATURE_NOT_FOUND")
    elif feature.credit_rate is None:
        result.warnings.append("FEATURE_NOT_CREDIT_BASED")
    else:
        value = dimension_number(data.get("value"))
        rate = feature.credit_rate
        result.costs[rate.currency_ref].append((feature.ref_id, value * rate.amount))
    return result


def _estimate(connection: Connection, domain: Domain, data: dict[str, Any]) -> Estimate:
    customer_ref = str(data.get("customerId") or "")
    require_customer(connection, customer_ref)
    now_ms = domain.clock.now_ms(customer_ref)
    resource_key = str(data.get("resourceId") or "")
    return Estimate(
        balances=balances(connection, domain.catalog, customer_ref, resource_key, now_ms)
    )
