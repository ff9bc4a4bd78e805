"""Usage reset periods: anchors, period start/end and roll-over (calendar arithmetic, UTC)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from stigg_emulator.clock import from_ms, to_ms

WEEKDAYS = {
    "EveryMonday": 0,
    "EveryTuesday": 1,
    "EveryWednesday": 2,
    "EveryThursday": 3,
    "EveryFriday": 4,
    "EverySaturday": 5,
    "EverySunday": 6,
}


@dataclass(frozen=True)
class UsagePeriod:
    """The usage period containing a moment, as epoch ms."""

    anchor: int
    start: int
    end: int


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus calendar months, clamping the day to the target month's length."""
    total = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _step(anchor: datetime, unit: str, count: int) -> datetime:
    if unit == "HOUR":
        return anchor + timedelta(hours=count)
    if unit == "DAY":
        return anchor + timedelta(days=count)
    if unit == "WEEK":
        return anchor + timedelta(weeks=count)
    if unit == "MONTH":
        return add_months(anchor, count)
    if unit == "YEAR":
        return add_months(anchor, 12 * count)
    raise ValueError(f"unknown reset period {unit}")


def effective_anchor(
    start_ms: int, reset_period: str, monthly: str | None, weekly: str | None
) -> datetime:
    """The anchor periods are counted from, given the subscription start and the configuration."""
    start = from_ms(start_ms)
    if reset_period == "MONTH" and monthly == "StartOfTheMonth":
        return start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if reset_period == "WEEK" and weekly in WEEKDAYS:
        midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
        back = (midnight.weekday() - WEEKDAYS[weekly]) % 7
        return midnight - timedelta(days=back)
    return start


def period_at(
    start_ms: int,
    reset_period: str,
    now: datetime,
    monthly: str | None = None,
    weekly: str | None = None,
) -> UsagePeriod:
    """The period of `reset_period` (anchored at the subscription start) that contains `now`."""
    anchor = effective_anchor(start_ms, reset_period, monthly, weekly)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if now < anchor:
        return UsagePeriod(to_ms(anchor), to_ms(anchor), to_ms(_step(anchor, reset_period, 1)))
    if reset_period in ("HOUR", "DAY", "WEEK"):
        size = _step(anchor, reset_period, 1) - anchor
        count = int((now - anchor) // size)
    else:
        months = (now.year - anchor.year) * 12 + (now.month - anchor.month)
        if reset_period == "YEAR":
            months -= months % 12
        count = months if reset_period == "MONTH" else months // 12
    step = 12 if reset_period == "YEAR" else 1
    unit = "MONTH" if reset_period in ("MONTH", "YEAR") else reset_period
    multiplier = step if unit == "MONTH" else 1
    start = _step(anchor, unit, count * multiplier)
    while start > now:
        count -= 1
        start = _step(anchor, unit, count * multiplier)
    end = _step(anchor, unit, (count + 1) * multiplier)
    while end <= now:
        count += 1
        start, end = end, _step(anchor, unit, (count + 1) * multiplier)
    return UsagePeriod(to_ms(anchor), to_ms(start), to_ms(end))
