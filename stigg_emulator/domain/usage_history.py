"""Usage history: a metered feature's counter over time, from `usage_history` rows.

A point's value is the usage counted in the usage period that holds its moment (what a usage
check would have answered then). Points sit at even steps from the start of the range, at its
end (never later than the customer's "now") and at every reset inside it; resets are the
feature's periodic boundaries (from the current entitlement's reset period) and the moments a
subscription change started a new usage period (docs/protocol.md §2.3).
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.clock import from_ms, to_ms
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.entitlements import NO_RESOURCE, Grant, current_period, scope_state
from stigg_emulator.domain.errors import StiggError, bad_input, not_found
from stigg_emulator.storage import repositories as repo

MAX_RANGE = timedelta(days=366)
MAX_STEPS = 100
MAX_GROUP_BY = 5
STEPS = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(weeks=1),
)
PERIODIC_RESET = "PERIODIC_RESET"
SUBSCRIPTION_CHANGE_RESET = "SUBSCRIPTION_CHANGE_RESET"


@dataclass(frozen=True)
class HistoryQuery:
    """What to read: one customer scope's feature between two moments (epoch ms)."""

    customer_ref: str
    feature_ref: str
    start_ms: int
    end_ms: int | None = None
    resource_id: str | None = None
    group_by: tuple[str, ...] = ()
    include_inactive: bool = True


@dataclass(frozen=True)
class HistoryPoint:
    """The usage at one moment; `is_reset` when the usage was reset at that moment."""

    at: int
    value: float
    is_reset: bool


@dataclass(frozen=True)
class Marker:
    """A reset inside the range: `PERIODIC_RESET` or `SUBSCRIPTION_CHANGE_RESET`."""

    at: int
    kind: str


@dataclass
class HistorySeries:
    """The points of one group (`tags`: its (dimension, value) pairs; none when ungrouped)."""

    tags: tuple[tuple[str, str], ...]
    points: list[HistoryPoint]


@dataclass
class UsageHistory:
    """The answer: the range, the resets in it, the total and the grouped series."""

    start: int
    end: int
    markers: list[Marker]
    total: HistorySeries
    groups: list[HistorySeries] = field(default_factory=list)


@dataclass
class _Group:
    moments: list[int] = field(default_factory=list)
    sums: list[float] = field(default_factory=lambda: [0.0])

    def add(self, at: int, delta: float) -> None:
        self.moments.append(at)
        self.sums.append(self.sums[-1] + delta)

    def total_between(self, since: int | None, until: int) -> float:
        """Sum of the deltas with `since <= at <= until` (no lower bound when None)."""
        high = bisect.bisect_right(self.moments, until)
        low = 0 if since is None else bisect.bisect_left(self.moments, since)
        return self.sums[high] - self.sums[min(low, high)]


def _validate(domain: Domain, connection: Connection, query: HistoryQuery) -> None:
    if not query.customer_ref:
        raise bad_input("customerId is required")
    customer = repo.get_customer(connection, query.customer_ref)
    if customer is None or customer.get("archived_at") is not None:
        raise not_found("CustomerNotFound", "Customer", query.customer_ref)
    feature = domain.catalog.features.get(query.feature_ref)
    if feature is None:
        raise not_found("FeatureNotFound", "Feature", query.feature_ref)
    if feature.feature_type != "NUMBER" or feature.meter_type == "None":
        raise StiggError(
            "MeteringNotAvailableForFeatureType", f"Feature {query.feature_ref} is not metered"
        )
    if query.end_ms is not None and query.end_ms < query.start_ms:
        raise bad_input("endDate must not be before startDate")
    if len(query.group_by) > MAX_GROUP_BY:
        raise bad_input(f"groupBy takes at most {MAX_GROUP_BY} dimensions")
    if any(not key for key in query.group_by):
        raise bad_input("groupBy dimensions must not be empty")


def _periodic_resets(grant: Grant | None, start: int, end: int) -> list[int]:
    """The grant's period boundaries in (start, end], from its anchor on."""
    if grant is None or grant.anchor_ms is None:
        return []
    period = current_period(grant, from_ms(max(start, grant.anchor_ms)))
    resets: list[int] = []
    while period is not None and period.end <= end:
        resets.append(period.end)
        period = current_period(grant, from_ms(period.end))
    return resets


def _period_floor(grant: Grant | None, moment: int) -> int | None:
    """The start of the grant's usage period holding `moment` (None: it never resets)."""
    if grant is None or grant.anchor_ms is None:
        return None
    period = current_period(grant, from_ms(max(moment, grant.anchor_ms)))
    return None if period is None else period.start


def _step(span: timedelta) -> int:
    for step in STEPS:
        if span / step <= MAX_STEPS:
            return int(step / timedelta(milliseconds=1))
    return int(STEPS[-1] / timedelta(milliseconds=1))


def _tag(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _resets(
    grant: Grant | None, rows: list[dict[str, Any]], start: int, end: int, floor: int | None
) -> tuple[set[int], list[Marker]]:
    """Every reset that bounds the range's values, and the markers of those inside it."""
    periodic = _periodic_resets(grant, start, end)
    markers = [Marker(at, PERIODIC_RESET) for at in periodic]
    resets = set(periodic)
    changes: list[int] = []
    if floor is not None and floor > start and any(int(row["at"]) < floor for row in rows):
        changes.append(floor)  # the current subscription began inside the range, after usage
    elif floor is not None:
        resets.add(floor)
    for before, row in itertools.pairwise(rows):
        began = int(row["period_start"])
        if began and began != int(before["period_start"]):
            inside = int(before["at"]) < began <= int(row["at"])
            changes.append(began if inside else int(row["at"]))
    for moment in changes:
        if moment not in resets:
            resets.add(moment)
            if start < moment <= end:
                markers.append(Marker(moment, SUBSCRIPTION_CHANGE_RESET))
    markers.sort(key=lambda marker: marker.at)
    return resets, markers


def read_usage_history(domain: Domain, connection: Connection, query: HistoryQuery) -> UsageHistory:
    """The usage history `query` asks for (raises typed errors for bad input)."""
    _validate(domain, connection, query)
    now = domain.clock.now(query.customer_ref)
    end = min(query.end_ms if query.end_ms is not None else to_ms(now), to_ms(now))
    start = query.start_ms
    if from_ms(end) - from_ms(start) > MAX_RANGE:
        raise bad_input("A usage history range may span at most 366 days")
    state = scope_state(connection, domain.catalog, query.customer_ref, query.resource_id, now)
    grant = state.grants.get(query.feature_ref)
    empty = HistorySeries((), [])
    if end < start or (grant is None and not query.include_inactive):
        return UsageHistory(query.start_ms, end, [], empty)
    floor = _period_floor(grant, start)
    rows = repo.usage_history(
        connection,
        query.customer_ref,
        query.resource_id or NO_RESOURCE,
        query.feature_ref,
        floor if floor is not None and floor <= start else 0,
        end,
    )
    resets, markers = _resets(grant, rows, start, end, floor)
    boundaries = sorted(resets)
    moments = sorted(
        {*range(start, end, _step(from_ms(end) - from_ms(start))), end}
        | {at for at in boundaries if start <= at <= end}
    )

    def series(tags: tuple[tuple[str, str], ...], group: _Group) -> HistorySeries:
        points = []
        for moment in moments:
            index = bisect.bisect_right(boundaries, moment)
            since = boundaries[index - 1] if index else None
            points.append(
                HistoryPoint(moment, group.total_between(since, moment), moment in resets)
            )
        return HistorySeries(tags, points)

    total = _Group()
    grouped: dict[tuple[tuple[str, str], ...], _Group] = {}
    for row in rows:
        total.add(int(row["at"]), float(row["delta"]))
        if query.group_by:
            dimensions = row.get("dimensions") or {}
            tags = tuple((key, _tag(dimensions.get(key))) for key in query.group_by)
            grouped.setdefault(tags, _Group()).add(int(row["at"]), float(row["delta"]))
    groups = [series(tags, group) for tags, group in sorted(grouped.items())]
    return UsageHistory(start, end, markers, series((), total), groups)


def group_keys(value: Sequence[str] | None) -> tuple[str, ...]:
    """`groupBy` as given on the wire (null → none)."""
    return tuple(str(key) for key in value or ())
