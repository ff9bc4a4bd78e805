"""Calendar arithmetic for usage periods: roll a period forward from its anchor.

See docs/protocol.md §5.1.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

_FIXED_UNITS = {"WEEK": timedelta(weeks=1), "DAY": timedelta(days=1), "HOUR": timedelta(hours=1)}


def add_months(moment: datetime, months: int) -> datetime:
    """Add calendar months, clamping the day to the month's length (Jan 31 + 1 → Feb 28/29)."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def add_periods(anchor: datetime, reset_period: str, count: int) -> datetime:
    """`anchor` plus `count` whole reset periods (YEAR, MONTH, WEEK, DAY or HOUR)."""
    if reset_period == "YEAR":
        return add_months(anchor, 12 * count)
    if reset_period == "MONTH":
        return add_months(anchor, count)
    return anchor + _FIXED_UNITS[reset_period] * count


def whole_periods_since(anchor: datetime, now: datetime, reset_period: str) -> int:
    """The largest n with `anchor + n periods <= now` (floor of the fractional difference)."""
    if reset_period in _FIXED_UNITS:
        return (now - anchor) // _FIXED_UNITS[reset_period]
    step = 12 if reset_period == "YEAR" else 1
    months = (now.year - anchor.year) * 12 + (now.month - anchor.month)
    count = months // step
    while add_periods(anchor, reset_period, count) > now:
        count -= 1
    while add_periods(anchor, reset_period, count + 1) <= now:
        count += 1
    return count


def current_period(anchor: datetime, reset_period: str, now: datetime) -> tuple[datetime, datetime]:
    """The usage period containing `now`: `[anchor + n·unit, anchor + (n+1)·unit)`."""
    count = whole_periods_since(anchor, now, reset_period)
    return add_periods(anchor, reset_period, count), add_periods(anchor, reset_period, count + 1)


def is_reset_period(value: str | None) -> bool:
    """Whether `value` is a reset period this module can compute."""
    return value in ("YEAR", "MONTH", "WEEK", "DAY", "HOUR")
