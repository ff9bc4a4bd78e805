"""Usage history (docs/protocol.md §2.3): Stigg's `UsageHistoryPoint` and `UsageHistoryV2`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from stigg_client.models.base import StiggModel, UtcDateTime, open_enum


class UsageMarkerType(StrEnum):
    """Why usage was reset at a marker."""

    PERIODIC_RESET = "PERIODIC_RESET"
    SUBSCRIPTION_CHANGE_RESET = "SUBSCRIPTION_CHANGE_RESET"


UsageMarkerTypeValue = Annotated[UsageMarkerType | str, open_enum(UsageMarkerType)]


class UsageHistoryPoint(StiggModel):
    """One point of `fetch_usage_history`: the usage at `date`."""

    date: UtcDateTime
    value: float
    is_reset_point: bool = False


class UsageMarker(StiggModel):
    """A reset inside the range."""

    type: UsageMarkerTypeValue
    timestamp: UtcDateTime


class UsageHistorySeriesTag(StiggModel):
    """One dimension (`key`) and its value for the series' group."""

    key: str
    value: str


class UsageHistorySeriesPoint(StiggModel):
    """One point of a `get_usage_history` series: the usage at `timestamp`."""

    timestamp: UtcDateTime
    value: float
    is_reset_point: bool = False


class UsageHistorySeries(StiggModel):
    """The points of one group (no tags when the history is not grouped)."""

    tags: list[UsageHistorySeriesTag]
    points: list[UsageHistorySeriesPoint]


class UsageHistoryPageInfo(StiggModel):
    """Cursors over the series, present when `get_usage_history` was given `paging`."""

    start_cursor: str | None = None
    end_cursor: str | None = None
    has_next_page: bool = False
    has_previous_page: bool = False


class UsageHistoryV2(StiggModel):
    """`get_usage_history`: resets and one series per group (Stigg's `UsageHistoryV2`)."""

    markers: list[UsageMarker]
    series: list[UsageHistorySeries]
    page_info: UsageHistoryPageInfo | None = None
